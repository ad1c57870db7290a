//! `ApiClient`: the one way pcx talks to Partner Center. It adds the headers Partner Center
//! expects, follows continuation paging, retries what is transient and maps every failure to
//! an `ApiError`. It never writes (only GET) and never sends a token anywhere but the API root
//! over https (or plain http to loopback), and never puts a token in a URL or a log.

use super::call::{CallContext, RetryPolicy};
use super::error::ApiError;
use super::http::{bad_json, check_base_url, filter_json, install_crypto_provider, path_and_query};
pub use super::http::{check_guid, is_loopback};
use super::model::{Customer, CustomerUser, License, LicenseGroup, Resource, SubscribedSku};
use super::paging::{Cursor, Page};
use super::reqlog::RequestLog;
use super::token::TokenProvider;
use reqwest::Url;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

mod send;

/// The longest customer search (a company name's or domain's start) pcx sends; the service
/// refuses longer filter values with a 400 that a retry cannot fix.
pub const MAX_SEARCH_CHARS: usize = 256;
/// Partner Center's page size limit for customers and users.
pub const MAX_PAGE_SIZE: u32 = 500;
pub const DEFAULT_BASE_URL: &str = "https://api.partnercenter.microsoft.com";

/// Settings of a client.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub base_url: String,
    pub locale: Option<String>,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    /// The longest one attempt may take (connect, headers and body).
    pub request_timeout: Duration,
    /// The longest one request may take in all, retries and their waits included: an operator
    /// waits this long at most before hearing that it failed.
    pub deadline: Duration,
    /// Bodies larger than this are refused: no real page comes close.
    pub max_body_bytes: usize,
    /// Where every request is recorded (shared with whoever shows it).
    pub log: RequestLog,
    /// Learns the personal values of every answer for privacy mode; None: not needed.
    pub names: Option<crate::privacy::Pseudonyms>,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            locale: None,
            retry: RetryPolicy::default(),
            // Short: a host that does not even accept the connection will not get better.
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(90),
            max_body_bytes: 32 * 1024 * 1024,
            log: RequestLog::new(),
            names: None,
        }
    }
}

/// Which customers to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CustomerQuery {
    /// 1..=500; 0 lets the service choose.
    pub page_size: u32,
    /// Server-side `starts_with` search.
    pub search: Option<CustomerSearch>,
}

/// A server-side prefix search on customers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CustomerSearch {
    CompanyName(String),
    Domain(String),
}

/// Which users of a customer to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct UserQuery {
    pub page_size: u32,
    /// Soft-deleted users instead of active ones.
    pub deleted: bool,
}

/// The Partner Center client. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    config: ClientConfig,
    tokens: Arc<dyn TokenProvider>,
}

/// Declares the client's GET endpoints, each ended by `;`: its ids, each with the check it
/// must pass (errors name the id by its parameter name), the path built from them, and whether
/// it answers one resource (`get_one`) or a whole collection (`get_all`); `+ groups` adds the
/// licence groups asked for. The endpoints differ only in these, so each is one declaration.
macro_rules! endpoint {
    () => {};
    ($(#[$doc:meta])* $name:ident($($id:ident: $check:ident),+)
        -> $get:ident $ret:ty = $path:literal; $($rest:tt)*) => {
        $(#[$doc])*
        pub async fn $name(&self, ctx: &CallContext, $($id: &str),+) -> Result<$ret, ApiError> {
            $($check(stringify!($id), $id)?;)+
            self.$get(ctx, &format!($path)).await
        }
        endpoint!($($rest)*);
    };
    ($(#[$doc:meta])* $name:ident($($id:ident: $check:ident),+) + groups
        -> $get:ident $ret:ty = $path:literal; $($rest:tt)*) => {
        $(#[$doc])*
        pub async fn $name(
            &self,
            ctx: &CallContext,
            $($id: &str,)+
            groups: &[LicenseGroup],
        ) -> Result<$ret, ApiError> {
            $($check(stringify!($id), $id)?;)+
            self.$get(ctx, &self.with_groups(&format!($path), groups)).await
        }
        endpoint!($($rest)*);
    };
}
pub(super) use endpoint;

impl ApiClient {
    /// Refuses a base URL that would carry the token in clear text off this machine.
    pub fn new(config: ClientConfig, tokens: Arc<dyn TokenProvider>) -> Result<Self, ApiError> {
        let base = check_base_url(&config.base_url)?;
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // A redirect could carry the Authorization header to another host: never follow.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("pcx/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Network {
                message: format!("cannot set up the HTTP client: {e}"),
                correlation_id: None,
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                config,
                tokens,
            }),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The pseudonyms learnt from this client's answers (privacy mode), if it learns them.
    pub fn pseudonyms(&self) -> Option<&crate::privacy::Pseudonyms> {
        self.inner.config.names.as_ref()
    }

    /// This client's request log.
    pub fn request_log(&self) -> &RequestLog {
        &self.inner.config.log
    }

    /// The longest one request may take, retries included.
    pub fn deadline(&self) -> Duration {
        self.inner.config.deadline
    }

    /// Who the token provider's current token speaks for (in memory; never blocks).
    pub fn identity(&self) -> Option<super::token::Identity> {
        self.inner.tokens.identity()
    }

    /// What to do when Partner Center refuses this client's token (from its token source).
    pub fn refused_advice(&self) -> Option<&'static str> {
        self.inner.tokens.refused_advice()
    }

    /// One page of the partner's customers; `cursor` continues from a previous page.
    pub async fn customers_page(
        &self,
        ctx: &CallContext,
        query: &CustomerQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<Customer>, ApiError> {
        if let Some(cursor) = cursor {
            return self
                .get_page(ctx, cursor.path_and_query(), cursor.headers())
                .await;
        }
        let mut url = self.url("/v1/customers");
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("size", &query.page_size.min(MAX_PAGE_SIZE).to_string());
            if let Some(search) = &query.search {
                let (field, value) = match search {
                    CustomerSearch::CompanyName(v) => ("CompanyName", v),
                    CustomerSearch::Domain(v) => ("Domain", v),
                };
                q.append_pair("filter", &filter_json(field, value, "starts_with"));
            }
        }
        self.get_page(ctx, &path_and_query(&url), &[]).await
    }

    /// One page of a customer's users.
    pub async fn users_page(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        query: &UserQuery,
        cursor: Option<&Cursor>,
    ) -> Result<Page<CustomerUser>, ApiError> {
        check_guid("customer_id", customer_id)?;
        if let Some(cursor) = cursor {
            return self
                .get_page(ctx, cursor.path_and_query(), cursor.headers())
                .await;
        }
        let mut url = self.url(&format!("/v1/customers/{customer_id}/users"));
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("size", &query.page_size.min(MAX_PAGE_SIZE).to_string());
            if query.deleted {
                q.append_pair("filter", &filter_json("UserState", "Inactive", "equals"));
            }
        }
        self.get_page(ctx, &path_and_query(&url), &[]).await
    }

    endpoint! {
        /// The licences assigned to a user; no groups means the service default (group1).
        user_licenses(customer_id: check_guid, user_id: check_guid)
            + groups -> get_all Vec<Resource<License>>
            = "/v1/customers/{customer_id}/users/{user_id}/licenses";

        /// The SKUs a customer has bought, with seat counts.
        subscribed_skus(customer_id: check_guid)
            + groups -> get_all Vec<Resource<SubscribedSku>>
            = "/v1/customers/{customer_id}/subscribedskus";

        /// One customer by id.
        customer(customer_id: check_guid) -> get_one Resource<Customer>
            = "/v1/customers/{customer_id}";

        /// One user of a customer by id.
        user(customer_id: check_guid, user_id: check_guid)
            -> get_one Resource<CustomerUser>
            = "/v1/customers/{customer_id}/users/{user_id}";
    }

    pub(super) fn url(&self, path: &str) -> Url {
        let mut url = self.inner.base.clone();
        url.set_path(path);
        url
    }

    fn with_groups(&self, path: &str, groups: &[LicenseGroup]) -> String {
        let mut url = self.url(path);
        if !groups.is_empty() {
            let mut q = url.query_pairs_mut();
            for group in groups {
                q.append_pair("licenseGroupIds", group.query_value());
            }
        }
        path_and_query(&url)
    }

    pub(super) async fn get_one<T: DeserializeOwned + Default>(
        &self,
        ctx: &CallContext,
        path_and_query: &str,
    ) -> Result<Resource<T>, ApiError> {
        let body = self.get(ctx, path_and_query, &[]).await?;
        Resource::parse(&body).map_err(|e| bad_json(e, ctx))
    }

    pub(super) async fn get_page<T: DeserializeOwned + Default>(
        &self,
        ctx: &CallContext,
        path_and_query: &str,
        headers: &[(String, String)],
    ) -> Result<Page<T>, ApiError> {
        let body = self.get(ctx, path_and_query, headers).await?;
        Page::parse(&body).map_err(|e| bad_json(e, ctx))
    }

    /// Every page of a collection that is small in practice (licences, subscribed SKUs).
    pub(super) async fn get_all<T: DeserializeOwned + Default>(
        &self,
        ctx: &CallContext,
        first: &str,
    ) -> Result<Vec<Resource<T>>, ApiError> {
        let mut page: Page<T> = self.get_page(ctx, first, &[]).await?;
        let mut items = std::mem::take(&mut page.items);
        // A misbehaving server could link pages in a loop; no real collection is this long.
        for _ in 0..1000 {
            let Some(cursor) = page.next.take() else {
                return Ok(items);
            };
            page = self
                .get_page(ctx, cursor.path_and_query(), cursor.headers())
                .await?;
            items.append(&mut page.items);
        }
        Err(ApiError::BadData {
            message: "the service kept returning more pages (over 1000); stopped".into(),
            correlation_id: Some(ctx.correlation_id.to_string()),
        })
    }
}
