//! `ApiClient`: the one way pcx talks to Partner Center. It adds the headers Partner Center
//! expects, follows continuation paging, retries what is transient and maps every failure to
//! an `ApiError`. It never writes (only GET) and never sends a token anywhere but the API root
//! over https (or plain http to loopback), and never puts a token in a URL or a log.

use super::call::{CallContext, RetryNotice, RetryPolicy};
use super::error::{ApiError, ErrorDetail};
use super::http::{
    backoff, bad_json, check_base_url, filter_json, install_crypto_provider, join, path_and_query,
    read_body, request_headers, retry_after, retry_reason, transport_error,
};
pub use super::http::{check_guid, is_loopback};
use super::model::{Customer, CustomerUser, License, LicenseGroup, Resource, SubscribedSku};
use super::paging::{Cursor, Page};
use super::reqlog::{LogEntry, RequestLog, logged_body, logged_headers};
use super::token::TokenProvider;
use reqwest::Url;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The longest customer search (a company name's or domain's start) pcx sends; the service
/// refuses longer filter values with a 400 that a retry cannot fix.
pub const MAX_SEARCH_CHARS: usize = 256;
/// Partner Center's page size limit for customers and users.
pub const MAX_PAGE_SIZE: u32 = 500;
pub const DEFAULT_BASE_URL: &str = "https://api.partnercenter.microsoft.com";
/// A token that takes longer than this to arrive is reported as a wait.
const TOKEN_PATIENCE: Duration = Duration::from_millis(500);

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
        check_guid("customer id", customer_id)?;
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

    /// The licences assigned to a user; no groups means the service default (group1).
    pub async fn user_licenses(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        user_id: &str,
        groups: &[LicenseGroup],
    ) -> Result<Vec<Resource<License>>, ApiError> {
        check_guid("customer id", customer_id)?;
        check_guid("user id", user_id)?;
        let path = format!("/v1/customers/{customer_id}/users/{user_id}/licenses");
        self.get_all(ctx, &self.with_groups(&path, groups)).await
    }

    /// The SKUs a customer has bought, with seat counts.
    pub async fn subscribed_skus(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        groups: &[LicenseGroup],
    ) -> Result<Vec<Resource<SubscribedSku>>, ApiError> {
        check_guid("customer id", customer_id)?;
        let path = format!("/v1/customers/{customer_id}/subscribedskus");
        self.get_all(ctx, &self.with_groups(&path, groups)).await
    }

    /// One customer by id.
    pub async fn customer(
        &self,
        ctx: &CallContext,
        customer_id: &str,
    ) -> Result<Resource<Customer>, ApiError> {
        check_guid("customer id", customer_id)?;
        self.get_one(ctx, &format!("/v1/customers/{customer_id}"))
            .await
    }

    /// One user of a customer by id.
    pub async fn user(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        user_id: &str,
    ) -> Result<Resource<CustomerUser>, ApiError> {
        check_guid("customer id", customer_id)?;
        check_guid("user id", user_id)?;
        self.get_one(ctx, &format!("/v1/customers/{customer_id}/users/{user_id}"))
            .await
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

    /// One logical GET with its retries. Returns the body with any BOM stripped.
    async fn get(
        &self,
        ctx: &CallContext,
        path_and_query: &str,
        extra_headers: &[(String, String)],
    ) -> Result<String, ApiError> {
        let inner = &self.inner;
        let url = join(&inner.base, path_and_query)?;
        let request_id = Uuid::new_v4();
        let correlation_id = ctx.correlation_id.to_string();
        let policy = &inner.config.retry;
        let started = tokio::time::Instant::now();
        let deadline = started + inner.config.deadline;
        let mut attempt = 1;
        let mut refreshed = false;
        let mut record = Record::start(&url, request_id, &correlation_id);
        loop {
            let token = self.token(ctx, refreshed, attempt).await?;
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                let error = gave_up(started, &correlation_id);
                record.finish(&inner.config.log, Some(&error));
                return Err(error);
            }
            let headers = request_headers(
                token.expose(),
                request_id,
                &correlation_id,
                inner.config.locale.as_deref(),
                extra_headers,
            )?;
            tracing::debug!(path = %url.path(), %request_id, %correlation_id, attempt, "GET");
            record.entry.request_headers = logged_headers(&headers);
            record.entry.attempts = attempt;
            let timeout = inner.config.request_timeout.min(left);
            let outcome = self
                .attempt(
                    url.clone(),
                    headers,
                    &correlation_id,
                    timeout,
                    &mut record.entry,
                )
                .await;
            let error = match outcome {
                Ok(body) => {
                    if let Some(names) = &inner.config.names {
                        names.learn_body(&body);
                    }
                    record.finish(&inner.config.log, None);
                    return Ok(body);
                }
                Err(error) => error,
            };
            let give_up = |record: Record, error: ApiError| {
                record.finish(&inner.config.log, Some(&error));
                Err(error)
            };
            if matches!(error, ApiError::SignedOut(_)) && !refreshed && inner.tokens.can_refresh() {
                tracing::info!(%correlation_id, "401: refreshing the token once and retrying");
                refreshed = true;
                continue;
            }
            let wait = match &error {
                ApiError::Throttled {
                    retry_after: Some(wait),
                    ..
                } if *wait > policy.max_retry_after => {
                    tracing::warn!(%correlation_id, wait_s = wait.as_secs(), "Retry-After beyond the cap");
                    return give_up(record, error);
                }
                ApiError::Throttled {
                    retry_after: Some(wait),
                    ..
                } => *wait,
                e if e.is_transient() => backoff(policy, attempt),
                _ => return give_up(record, error),
            };
            if attempt >= policy.max_attempts {
                tracing::warn!(%correlation_id, attempt, %error, "giving up");
                return give_up(record, error);
            }
            if tokio::time::Instant::now() + wait >= deadline {
                tracing::warn!(%correlation_id, attempt, %error, "giving up: the request's deadline would pass");
                return give_up(
                    record,
                    match error {
                        ApiError::Timeout { .. } => gave_up(started, &correlation_id),
                        other => other,
                    },
                );
            }
            attempt += 1;
            let notice = RetryNotice {
                next_attempt: attempt,
                max_attempts: policy.max_attempts,
                wait,
                gives_up_in: deadline.saturating_duration_since(tokio::time::Instant::now()),
                reason: retry_reason(&error),
                for_token: false,
            };
            tracing::info!(%correlation_id, %request_id, wait_ms = wait.as_millis() as u64, reason = %notice.reason, "retrying");
            record.entry.waits.push(format!(
                "attempt {}: {}, waited {} ms",
                attempt - 1,
                notice.reason,
                wait.as_millis()
            ));
            if let Some(observer) = &ctx.on_retry {
                observer(notice);
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// A token; if it takes a moment (a token command, a renewal), the observer hears what
    /// pcx waits for, so a pane can say so instead of "loading…".
    async fn token(
        &self,
        ctx: &CallContext,
        refresh: bool,
        attempt: u32,
    ) -> Result<super::token::Secret, ApiError> {
        let tokens = &self.inner.tokens;
        let mut call = std::pin::pin!(tokens.token(refresh));
        tokio::select! {
            token = &mut call => return token,
            () = tokio::time::sleep(TOKEN_PATIENCE) => {}
        }
        if let Some(observer) = &ctx.on_retry {
            observer(RetryNotice {
                next_attempt: attempt,
                max_attempts: self.inner.config.retry.max_attempts,
                wait: Duration::ZERO,
                gives_up_in: Duration::ZERO,
                reason: tokens.waits_for().to_string(),
                for_token: true,
            });
        }
        call.await
    }

    async fn attempt(
        &self,
        url: Url,
        headers: HeaderMap,
        correlation_id: &str,
        timeout: Duration,
        entry: &mut LogEntry,
    ) -> Result<String, ApiError> {
        let inner = &self.inner;
        let cid = || Some(correlation_id.to_string());
        entry.status = None;
        entry.response_headers.clear();
        entry.body.clear();
        let response = inner
            .http
            .get(url)
            .headers(headers)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| transport_error(e, timeout, cid()))?;
        let status = response.status();
        entry.status = Some(status.as_u16());
        entry.response_headers = logged_headers(response.headers());
        let retry_after = retry_after(response.headers());
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = read_body(
            response,
            inner.config.max_body_bytes,
            timeout,
            correlation_id,
        )
        .await;
        if let Ok(text) = &body {
            entry.body = logged_body(text);
        }
        if status.is_success() {
            return body;
        }
        if status.is_redirection() {
            let target = location.unwrap_or_else(|| "an unnamed location".into());
            return Err(ApiError::Rejected(ErrorDetail {
                status: status.as_u16(),
                code: None,
                description: Some(format!(
                    "redirected to {}; pcx does not follow redirects so the token stays with the API host",
                    crate::text::sanitize(&target)
                )),
                error_name: None,
                correlation_id: cid(),
            }));
        }
        let body = body.unwrap_or_default();
        Err(ApiError::from_status(
            status.as_u16(),
            &body,
            cid(),
            retry_after,
        ))
    }
}

/// A request being recorded for the log; finished once, when the call returns.
struct Record {
    entry: LogEntry,
    started: std::time::Instant,
}

impl Record {
    fn start(url: &Url, request_id: Uuid, correlation_id: &str) -> Self {
        Self {
            entry: LogEntry {
                time: jiff::Timestamp::now()
                    .round(jiff::Unit::Millisecond)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                method: "GET",
                url: url.to_string(),
                path: path_and_query(url),
                status: None,
                duration: Duration::ZERO,
                attempts: 0,
                waits: Vec::new(),
                correlation_id: correlation_id.to_string(),
                request_id: request_id.to_string(),
                request_headers: Vec::new(),
                response_headers: Vec::new(),
                body: String::new(),
                error: None,
            },
            started: std::time::Instant::now(),
        }
    }

    fn finish(mut self, log: &RequestLog, error: Option<&ApiError>) {
        self.entry.duration = self.started.elapsed();
        self.entry.error = error.map(|e| crate::text::sanitize(&e.to_string()).into_owned());
        log.push(self.entry);
    }
}

/// The request used up its deadline without an answer.
fn gave_up(started: tokio::time::Instant, correlation_id: &str) -> ApiError {
    ApiError::Timeout {
        after: Duration::from_secs(started.elapsed().as_secs_f64().round() as u64),
        correlation_id: Some(correlation_id.to_string()),
    }
}
