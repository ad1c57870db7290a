//! The Partner Center API as the sandbox serves it: routes, query parsing (size, filters,
//! seek, licence groups), continuation paging, and the real error bodies and codes. Each
//! request passes latency, then the fault decision, then auth and throttling, then the route.

use super::Shared;
use super::commerce_api;
use super::partner::Scan;
use super::query::*;
use super::records::Assignment;
use super::reply::Reply;
use super::seek::Seek;
use super::wire::{self, Collection};
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, HeaderName, HeaderValue};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use std::borrow::Cow;
use std::sync::Arc;
use uuid::Uuid;

/// Page size when the client sends none or `size=0`.
pub(crate) const DEFAULT_PAGE_SIZE: u32 = 100;
pub(crate) const MAX_PAGE_SIZE: u32 = 500;
pub(super) const CONTINUATION: &str = "MS-ContinuationToken";
pub(super) const MAX_FILTER_VALUE: usize = crate::api::client::MAX_SEARCH_CHARS;

/// Every API request (anything not an identity endpoint) comes here.
pub(crate) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, _body) = request.into_parts();
    let path_and_query = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let sent = parts.headers.get("ms-correlationid");
    shared.record(&path_and_query, sent.and_then(|v| v.to_str().ok()));
    let correlation_id = echo(&parts.headers, "ms-correlationid");
    let request_id = echo(&parts.headers, "ms-requestid");
    shared.delay().await;
    let fault = shared.faults.decide(&path_and_query);
    // Paths carry no secrets (continuation tokens travel in headers, which are not logged).
    tracing::debug!(path = %path_and_query, fault = ?fault.map(|f| f.kind), "sandbox API request");
    let mut response = match fault {
        Some(fault) if fault.replaces_answer() => {
            fault.answer(&path_and_query, shared.shutdown.clone()).await
        }
        Some(fault) => fault.spoil(answer(&shared, &parts)),
        None => answer(&shared, &parts).into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(HeaderName::from_static("ms-correlationid"), correlation_id);
    headers.insert(HeaderName::from_static("ms-requestid"), request_id);
    response
}

/// The request's id header, or a new id as the service generates one when absent.
fn echo(headers: &HeaderMap, name: &str) -> HeaderValue {
    headers
        .get(name)
        .filter(|v| v.len() <= 100)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| HeaderValue::from_str(v).ok())
        .unwrap_or_else(|| {
            HeaderValue::from_str(&Uuid::new_v4().to_string())
                .unwrap_or(HeaderValue::from_static("0"))
        })
}

enum Route<'a> {
    Customers,
    Customer(&'a str),
    Users(&'a str),
    User(&'a str, &'a str),
    Licenses(&'a str, &'a str),
    SubscribedSkus(&'a str),
    Subscriptions(&'a str),
    Subscription(&'a str, &'a str),
    ProvisioningStatus(&'a str, &'a str),
    CatalogSku(&'a str, &'a str),
    Offer(&'a str),
}

impl<'a> Route<'a> {
    /// Paths need the `/v1` prefix exactly once, like the real service.
    fn parse(path: &'a str) -> Option<Self> {
        let rest = path.strip_prefix("/v1/")?;
        let segments: Vec<&str> = rest.strip_suffix('/').unwrap_or(rest).split('/').collect();
        let is = |s: &str, name: &str| s.eq_ignore_ascii_case(name);
        Some(match segments.as_slice() {
            [c] if is(c, "customers") => Self::Customers,
            [c, id] if is(c, "customers") => Self::Customer(id),
            [c, id, u] if is(c, "customers") && is(u, "users") => Self::Users(id),
            [c, id, u, uid] if is(c, "customers") && is(u, "users") => Self::User(id, uid),
            [c, id, u, uid, l] if is(c, "customers") && is(u, "users") && is(l, "licenses") => {
                Self::Licenses(id, uid)
            }
            [c, id, s] if is(c, "customers") && is(s, "subscribedskus") => Self::SubscribedSkus(id),
            [c, id, s] if is(c, "customers") && is(s, "subscriptions") => Self::Subscriptions(id),
            [c, id, s, sid] if is(c, "customers") && is(s, "subscriptions") => {
                Self::Subscription(id, sid)
            }
            [c, id, s, sid, p]
                if is(c, "customers") && is(s, "subscriptions") && is(p, "provisioningstatus") =>
            {
                Self::ProvisioningStatus(id, sid)
            }
            [p, pid, s, sid] if is(p, "products") && is(s, "skus") => Self::CatalogSku(pid, sid),
            [o, oid] if is(o, "offers") => Self::Offer(oid),
            _ => return None,
        })
    }

    /// Throttling is per tenant: the customer in the path, or the partner itself.
    fn tenant(&self) -> Cow<'a, str> {
        match self {
            Self::Customers | Self::CatalogSku(..) | Self::Offer(_) => Cow::Borrowed("partner"),
            Self::Customer(id)
            | Self::Users(id)
            | Self::User(id, _)
            | Self::Licenses(id, _)
            | Self::SubscribedSkus(id)
            | Self::Subscriptions(id)
            | Self::Subscription(id, _)
            | Self::ProvisioningStatus(id, _) => Cow::Owned(id.to_ascii_lowercase()),
        }
    }
}

fn answer(shared: &Shared, parts: &Parts) -> Reply {
    if parts.method != Method::GET && parts.method != Method::HEAD {
        return Reply::fault(
            StatusCode::METHOD_NOT_ALLOWED,
            0,
            "The requested resource does not support this HTTP method (the sandbox is read-only).",
        )
        .with_header(ALLOW, HeaderValue::from_static("GET"));
    }
    if let Err(reply) = shared.authorize(&parts.headers) {
        return reply;
    }
    let Some(route) = Route::parse(parts.uri.path()) else {
        return Reply::fault(
            StatusCode::NOT_FOUND,
            1000,
            "The requested resource was not found.",
        );
    };
    if let Some(Err(wait)) = shared.limiter.as_ref().map(|l| l.admit(&route.tenant())) {
        return Reply::throttled(wait);
    }
    let query = Query::parse(parts.uri.query());
    let result = match route {
        Route::Customers => list_customers(shared, &query, &parts.headers),
        Route::Customer(id) => get_customer(shared, id),
        Route::Users(id) => list_users(shared, id, &query, &parts.headers),
        Route::User(id, uid) => get_user(shared, id, uid),
        Route::Licenses(id, uid) => licenses(shared, id, uid, &query),
        Route::SubscribedSkus(id) => subscribed_skus(shared, id, &query),
        // Subscriptions are the partner's own commerce records: no GDAP role needed.
        Route::Subscriptions(id) => {
            customer_index(shared, id).and_then(|i| commerce_api::list(shared, i))
        }
        Route::Subscription(id, sid) => {
            customer_index(shared, id).and_then(|i| commerce_api::one(shared, i, sid))
        }
        Route::ProvisioningStatus(id, sid) => {
            customer_index(shared, id).and_then(|i| commerce_api::provisioning(shared, i, sid))
        }
        Route::CatalogSku(product, sku) => {
            commerce_api::catalog_sku(product, sku, query.get("country"))
        }
        Route::Offer(offer) => commerce_api::offer(offer, query.get("country")),
    };
    result.unwrap_or_else(|reply| reply)
}

type Answer = Result<Reply, Reply>;

fn parse_guid(text: &str) -> Option<Uuid> {
    (text.len() == 36)
        .then(|| Uuid::try_parse(text).ok())
        .flatten()
}

/// The customer's index, 400 for a malformed id, 404 (60003) for an unknown tenant.
fn customer_index(shared: &Shared, id: &str) -> Result<usize, Reply> {
    let uuid = parse_guid(id).ok_or_else(|| bad_input("Tenant Id must be a GUID."))?;
    shared.partner.find_customer(&uuid).ok_or_else(|| {
        Reply::fault(
            StatusCode::NOT_FOUND,
            60003,
            &format!("Tenant with id {uuid} was not found."),
        )
    })
}

/// 403 (900308) where the partner holds no GDAP role on the customer.
fn require_role(shared: &Shared, i: usize, what: &str) -> Result<(), Reply> {
    if shared.partner.has_gdap_role(i) {
        return Ok(());
    }
    Err(Reply::fault(
        StatusCode::FORBIDDEN,
        900308,
        &format!(
            "Insufficient privileges to complete the operation. The partner has no granular delegated admin \
             (GDAP) role on this customer that allows reading {what}."
        ),
    ))
}

fn list_customers(shared: &Shared, query: &Query<'_>, headers: &HeaderMap) -> Answer {
    if !shared.partner_role {
        // Partner-level data: the user needs a Partner Center role, not a GDAP one.
        return Err(Reply::fault(
            StatusCode::FORBIDDEN,
            2032,
            "Access denied: the signed-in user has no Partner Center role that allows reading customers.",
        ));
    }
    let (page, size, offset, filter) = match seek(shared, query, headers)? {
        Some(Seek::Customers {
            page,
            size,
            offset,
            filter,
        }) => (page, size, offset, filter.map(Filter::Search)),
        Some(Seek::Users { .. }) => return Err(bad_token()),
        None => (0, page_size(query)?, 0, customer_filter(query)?),
    };
    if offset > shared.partner.customer_count() {
        return Err(bad_token());
    }
    let scan = match &filter {
        Some(Filter::NoMatch) => Scan {
            items: Vec::new(),
            next: None,
        },
        Some(Filter::Search(f)) => shared
            .partner
            .scan_customers(Some(f), offset, size as usize),
        None => shared.partner.scan_customers(None, offset, size as usize),
    };
    let token = scan.next.map(|offset| {
        let filter = match &filter {
            Some(Filter::Search(f)) => Some(f.clone()),
            _ => None,
        };
        shared.codec.encode(&Seek::Customers {
            page: page + 1,
            size,
            offset,
            filter,
        })
    });
    let self_uri = if page == 0 {
        with_filter(format!("/v1/customers?size={size}"), query.get("filter"))
    } else {
        next_uri(page - 1, "/customers", size)
    };
    let items = scan
        .items
        .iter()
        .map(|c| wire::customer(c, None, Uuid::nil(), Uuid::nil()))
        .collect();
    let links = collection_links(
        shared,
        self_uri,
        next_uri(page, "/customers", size),
        token.as_deref(),
    );
    Ok(Reply::json(
        StatusCode::OK,
        &Collection::new(items, Some(links), token.as_deref()),
    ))
}

fn get_customer(shared: &Shared, id: &str) -> Answer {
    let i = customer_index(shared, id)?;
    let (Some(customer), Some(details)) = (shared.partner.customer(i), shared.partner.details(i))
    else {
        return Err(Reply::fault(
            StatusCode::NOT_FOUND,
            60003,
            "Tenant not found.",
        ));
    };
    let raw = customer.id.as_u128();
    let commerce = super::hash::guid(&[0xC0_33E, raw as u64, (raw >> 64) as u64]);
    let billing = super::hash::guid(&[0xB111, raw as u64, (raw >> 64) as u64]);
    Ok(Reply::json(
        StatusCode::OK,
        &wire::customer(&customer, Some(&details), commerce, billing),
    ))
}

fn list_users(shared: &Shared, id: &str, query: &Query<'_>, headers: &HeaderMap) -> Answer {
    let i = customer_index(shared, id)?;
    require_role(shared, i, "its users")?;
    let customer = shared.partner.customer(i).map(|c| c.id).unwrap_or_default();
    let (page, size, offset, deleted) = match seek(shared, query, headers)? {
        Some(Seek::Users {
            page,
            size,
            offset,
            deleted,
            customer: c,
        }) if c == customer => (page, size, offset, deleted),
        Some(_) => return Err(bad_token()),
        None => (0, page_size(query)?, 0, users_filter(query)?),
    };
    if offset > shared.partner.user_count(i, deleted) {
        return Err(bad_token());
    }
    let scan = shared.partner.scan_users(i, deleted, offset, size as usize);
    let token = scan.next.map(|offset| {
        shared.codec.encode(&Seek::Users {
            page: page + 1,
            size,
            offset,
            deleted,
            customer,
        })
    });
    let base = format!("/customers/{customer}/users");
    let self_uri = if page == 0 {
        with_filter(format!("{base}?size={size}"), query.get("filter"))
    } else {
        next_uri(page - 1, &base, size)
    };
    let items = scan.items.iter().map(|u| wire::user(customer, u)).collect();
    let links = collection_links(
        shared,
        self_uri,
        next_uri(page, &base, size),
        token.as_deref(),
    );
    Ok(Reply::json(
        StatusCode::OK,
        &Collection::new(items, Some(links), token.as_deref()),
    ))
}

fn get_user(shared: &Shared, id: &str, uid: &str) -> Answer {
    let i = customer_index(shared, id)?;
    require_role(shared, i, "its users")?;
    let user = find_user(shared, i, uid)?;
    let customer = shared.partner.customer(i).map(|c| c.id).unwrap_or_default();
    Ok(Reply::json_with_bom(
        StatusCode::OK,
        &wire::user(customer, &user),
    ))
}

fn find_user<'p>(
    shared: &'p Shared,
    i: usize,
    uid: &str,
) -> Result<super::records::UserRec<'p>, Reply> {
    let uuid = parse_guid(uid).ok_or_else(|| bad_input("User Id must be a GUID."))?;
    shared.partner.find_user(i, &uuid).ok_or_else(|| {
        Reply::fault(
            StatusCode::NOT_FOUND,
            60002,
            &format!("User with object id {uuid} was not found."),
        )
    })
}

fn licenses(shared: &Shared, id: &str, uid: &str, query: &Query<'_>) -> Answer {
    let i = customer_index(shared, id)?;
    require_role(shared, i, "licence assignments")?;
    let groups = license_groups(query)?;
    let user = find_user(shared, i, uid)?;
    let subscriptions = shared.partner.subscriptions(i);
    let items = shared
        .partner
        .held(i, &user)
        .into_iter()
        .filter_map(|(k, overrides)| {
            subscriptions.get(k).map(|subscription| Assignment {
                subscription,
                overrides,
            })
        })
        .filter(|a| groups.contains(&a.subscription.sku.group))
        .collect::<Vec<_>>();
    let items = items.iter().map(wire::license).collect();
    Ok(Reply::json(
        StatusCode::OK,
        &Collection::new(items, None, None),
    ))
}

fn subscribed_skus(shared: &Shared, id: &str, query: &Query<'_>) -> Answer {
    let i = customer_index(shared, id)?;
    require_role(shared, i, "subscribed SKUs")?;
    let groups = license_groups(query)?;
    let subscriptions = shared.partner.subscriptions(i);
    let items = subscriptions
        .iter()
        .filter(|s| groups.contains(&s.sku.group))
        .map(wire::subscribed_sku)
        .collect();
    Ok(Reply::json_with_bom(
        StatusCode::OK,
        &Collection::new(items, None, None),
    ))
}
