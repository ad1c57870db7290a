//! The sandbox's commerce endpoints: a customer's subscriptions (list, one, provisioning
//! status), catalog SKUs (`/products/{productId}/skus/{skuId}`, with
//! `dynamicAttributes.provisioningId`) and legacy offers (`/offers/{offerId}`, with
//! `product.id`), in the shapes of Partner Center's published samples.

use super::Shared;
use super::catalog::CatalogSku;
use super::commerce::{
    CommerceSub, SubState, by_offer, by_product, legacy_offer_id, nce_ids, subscriptions_of,
};
use super::reply::Reply;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde_json::{Value, json};
use uuid::Uuid;

type Answer = Result<Reply, Reply>;

/// Today in UTC.
fn today() -> Date {
    crate::subscriptions::dates::today_utc()
}

fn not_found(description: &str) -> Reply {
    Reply::fault(StatusCode::NOT_FOUND, 3000, description)
}

fn customer_subs(shared: &Shared, i: usize) -> (Uuid, Vec<CommerceSub>) {
    let customer = shared.partner.customer(i).map(|c| c.id).unwrap_or_default();
    let skus = shared.partner.subscriptions(i);
    // The data is laid out around today; `--month N` runs the sandbox's clock N months on.
    let today = today();
    let now = today
        .checked_add(jiff::Span::new().months(i64::from(shared.month)))
        .unwrap_or(today);
    (customer, subscriptions_of(customer, &skus, today, now))
}

/// `GET /v1/customers/{id}/subscriptions` (one page: no customer has many).
pub(crate) fn list(shared: &Shared, i: usize) -> Answer {
    let (customer, subs) = customer_subs(shared, i);
    let items: Vec<Value> = subs.iter().map(|s| subscription(customer, s)).collect();
    Ok(Reply::json(
        StatusCode::OK,
        &json!({
            "totalCount": items.len(),
            "items": items,
            "links": {"self": link(format!("/customers/{customer}/subscriptions"))},
            "attributes": {"objectType": "Collection"},
        }),
    ))
}

fn find(shared: &Shared, i: usize, sid: &str) -> Result<(Uuid, CommerceSub), Reply> {
    let (customer, subs) = customer_subs(shared, i);
    let wanted = Uuid::try_parse(sid).ok();
    subs.into_iter()
        .find(|s| Some(s.id) == wanted)
        .map(|s| (customer, s))
        .ok_or_else(|| not_found("Subscription not found."))
}

/// `GET /v1/customers/{id}/subscriptions/{sid}` (with a BOM, as some answers carry one).
pub(crate) fn one(shared: &Shared, i: usize, sid: &str) -> Answer {
    let (customer, sub) = find(shared, i, sid)?;
    Ok(Reply::json_with_bom(
        StatusCode::OK,
        &subscription(customer, &sub),
    ))
}

/// `GET /v1/customers/{id}/subscriptions/{sid}/provisioningstatus`: `skuId` in upper case.
pub(crate) fn provisioning(shared: &Shared, i: usize, sid: &str) -> Answer {
    let (_, sub) = find(shared, i, sid)?;
    Ok(Reply::json(
        StatusCode::OK,
        &json!({
            "skuId": sub.sku.id.to_ascii_uppercase(),
            "status": "success",
            "quantity": sub.quantity,
            "endDate": midnight(sub.end),
            "attributes": {"objectType": "SubscriptionProvisioningStatus"},
        }),
    ))
}

/// `GET /v1/products/{productId}/skus/{skuId}?country=..`.
pub(crate) fn catalog_sku(product: &str, sku: &str, country: Option<&str>) -> Answer {
    require_country(country)?;
    let entry = by_product(product, sku).ok_or_else(|| not_found("Sku not found."))?;
    let (product, sku, _) = nce_ids(entry);
    Ok(Reply::json(
        StatusCode::OK,
        &json!({
            "id": sku,
            "productId": product,
            "title": entry.name,
            "description": entry.name,
            "minimumQuantity": 1,
            "maximumQuantity": 300,
            "isTrial": false,
            "supportedBillingCycles": ["annual", "monthly"],
            "purchasePrerequisites": ["MicrosoftCloudAgreement"],
            "inventoryVariables": [],
            "provisioningVariables": [],
            "actions": ["Refund"],
            "dynamicAttributes": {
                "isMicrosoftProduct": true,
                "hasConstraints": true,
                "isAddon": false,
                "prerequisiteSkus": [],
                "isSoftwareAssuranceApplicable": false,
                "upgradeTargetOffers": [],
                "provisioningId": entry.id,
                "internal": false,
            },
            "links": {
                "availabilities": link(format!("/products/{product}/skus/{sku}/availabilities?country=US")),
                "self": link(format!("/products/{product}/skus/{sku}?country=US")),
            },
        }),
    ))
}

/// `GET /v1/offers/{offerId}?country=..` (legacy offers).
pub(crate) fn offer(offer: &str, country: Option<&str>) -> Answer {
    require_country(country)?;
    let id = Uuid::try_parse(offer).ok().filter(|_| offer.len() == 36);
    let entry = id
        .and_then(|id| by_offer(&id))
        .ok_or_else(|| not_found("Offer not found."))?;
    let id = legacy_offer_id(entry)
        .hyphenated()
        .to_string()
        .to_ascii_uppercase();
    Ok(Reply::json(
        StatusCode::OK,
        &json!({
            "id": id,
            "name": entry.name,
            "description": entry.name,
            "minimumQuantity": 1,
            "maximumQuantity": 300,
            "rank": 50,
            "uri": format!("/Offers/{id}"),
            "locale": "en-us",
            "country": "US",
            "prerequisiteOffers": [],
            "isAddOn": false,
            "isAvailableForPurchase": true,
            "billing": "license",
            "isAutoRenewable": true,
            "product": {"id": entry.id, "name": entry.name, "unit": "Licenses"},
            "unitType": "Licenses",
            "links": {},
            "attributes": {"objectType": "Offer"},
        }),
    ))
}

fn require_country(country: Option<&str>) -> Result<(), Reply> {
    match country {
        Some(c) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) => Ok(()),
        _ => Err(Reply::fault(
            StatusCode::BAD_REQUEST,
            2000,
            "The country parameter is required (a two-letter code).",
        )),
    }
}

fn link(uri: String) -> Value {
    json!({"uri": uri, "method": "GET", "headers": []})
}

fn midnight(date: Date) -> String {
    format!("{date}T00:00:00Z")
}

fn offer_ids(sku: &CatalogSku, legacy: bool) -> (String, Value) {
    if legacy {
        let id = legacy_offer_id(sku)
            .hyphenated()
            .to_string()
            .to_ascii_uppercase();
        let links = json!({"offer": link(format!("/offers/{id}?country=US"))});
        return (id, links);
    }
    let (product, sku_id, availability) = nce_ids(sku);
    let links = json!({
        "product": link(format!("/products/{product}?country=US")),
        "sku": link(format!("/products/{product}/skus/{sku_id}?country=US")),
        "availability": link(format!("/products/{product}/skus/{sku_id}/availabilities/{availability}?country=US")),
    });
    (format!("{product}:{sku_id}:{availability}"), links)
}

/// One subscription in the new-commerce sample's shape (legacy offers in the legacy one's).
fn subscription(customer: Uuid, s: &CommerceSub) -> Value {
    let (offer_id, mut links) = offer_ids(s.sku, s.legacy_offer);
    if let Value::Object(map) = &mut links {
        map.insert(
            "self".into(),
            link(format!("/customers/{customer}/subscriptions/{}", s.id)),
        );
    }
    let status = match s.state {
        SubState::Active => "active",
        SubState::Suspended => "suspended",
        SubState::Expired => "expired",
    };
    let created = format!("{}T09:12:44.1234567Z", s.start);
    let mut body = json!({
        "id": s.id.hyphenated().to_string(),
        "offerId": offer_id,
        "offerName": s.sku.name,
        "friendlyName": s.sku.name,
        "quantity": s.quantity,
        "unitType": "Licenses",
        "hasPurchasableAddons": false,
        "creationDate": created,
        "effectiveStartDate": midnight(s.start),
        "commitmentEndDate": midnight(s.end),
        "status": status,
        "autoRenewEnabled": s.auto_renew,
        "isTrial": s.trial,
        "billingType": "license",
        "billingCycle": s.term.billing(),
        "termDuration": s.term.duration(),
        "renewalTermDuration": "",
        "isMicrosoftProduct": true,
        "partnerId": "",
        "attentionNeeded": s.state != SubState::Active,
        "actionTaken": false,
        "contractType": "subscription",
        "links": links,
        "publisherName": "Microsoft Corporation",
        "orderId": format!("{:012x}", s.id.as_u128() as u64 & 0xFFFF_FFFF_FFFF),
        "attributes": {"objectType": "Subscription"},
    });
    if let Value::Object(map) = &mut body {
        if !s.legacy_offer {
            map.insert(
                "productType".into(),
                json!({"id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE"}),
            );
            // New commerce: seats can be reduced within a week of the term's start.
            let window = s
                .start
                .checked_add(jiff::Span::new().days(7))
                .unwrap_or(s.start);
            map.insert(
                "cancellationAllowedUntilDate".into(),
                json!(format!("{window}T23:59:00Z")),
            );
        }
        if s.state == SubState::Suspended {
            map.insert("suspensionReasons".into(), json!(["CustomerCancellation"]));
        }
    }
    body
}
