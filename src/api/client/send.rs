//! Sending one GET: the token, the attempts with their retries and waits within the request's
//! deadline, and the request log's record of it.

use super::ApiClient;
use crate::api::call::{CallContext, RetryNotice};
use crate::api::error::{ApiError, ErrorDetail};
use crate::api::http::{
    backoff, join, path_and_query, read_body, request_headers, retry_after, retry_reason,
    transport_error,
};
use crate::api::reqlog::{LogEntry, RequestLog, logged_body, logged_headers};
use crate::api::token::Secret;
use reqwest::Url;
use reqwest::header::HeaderMap;
use std::time::Duration;
use uuid::Uuid;

/// A token that takes longer than this to arrive is reported as a wait.
const TOKEN_PATIENCE: Duration = Duration::from_millis(500);

impl ApiClient {
    /// One logical GET with its retries. Returns the body with any BOM stripped. Whatever the
    /// outcome, the request log gets one entry for it (a missing token included).
    pub(super) async fn get(
        &self,
        ctx: &CallContext,
        path_and_query: &str,
        extra_headers: &[(String, String)],
    ) -> Result<String, ApiError> {
        let url = join(&self.inner.base, path_and_query)?;
        let request_id = Uuid::new_v4();
        let correlation_id = ctx.correlation_id.to_string();
        let mut record = Record::start(&url, request_id, &correlation_id);
        let sent = Sent {
            url: &url,
            request_id,
            correlation_id: &correlation_id,
            extra_headers,
        };
        let result = self.attempts(ctx, &sent, &mut record).await;
        record.finish(&self.inner.config.log, result.as_ref().err());
        result
    }

    /// The attempts of one GET until an answer, or until the next step is to give up.
    async fn attempts(
        &self,
        ctx: &CallContext,
        sent: &Sent<'_>,
        record: &mut Record,
    ) -> Result<String, ApiError> {
        let inner = &self.inner;
        let (request_id, correlation_id) = (sent.request_id, sent.correlation_id);
        let started = tokio::time::Instant::now();
        let deadline = started + inner.config.deadline;
        let mut attempt = 1;
        let mut refreshed = false;
        loop {
            let token = self.token(ctx, refreshed, attempt).await?;
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(gave_up(started, correlation_id));
            }
            let headers = request_headers(
                token.expose(),
                request_id,
                correlation_id,
                inner.config.locale.as_deref(),
                sent.extra_headers,
            )?;
            tracing::debug!(path = %sent.url.path(), %request_id, %correlation_id, attempt, "GET");
            if inner.config.log.keeps() {
                record.entry.request_headers = logged_headers(&headers);
            }
            record.entry.attempts = attempt;
            let timeout = inner.config.request_timeout.min(left);
            let outcome = self
                .attempt(
                    sent.url.clone(),
                    headers,
                    correlation_id,
                    timeout,
                    &mut record.entry,
                )
                .await;
            let error = match outcome {
                Ok(body) => return Ok(body),
                Err(error) => error,
            };
            let step = self.next_step(error, attempt, refreshed, started, deadline, correlation_id);
            let (wait, error) = match step {
                Next::Refresh => {
                    refreshed = true;
                    continue;
                }
                Next::Wait(wait, error) => (wait, error),
                Next::GiveUp(error) => return Err(error),
            };
            attempt += 1;
            let notice = RetryNotice {
                next_attempt: attempt,
                max_attempts: inner.config.retry.max_attempts,
                wait,
                gives_up_in: deadline.saturating_duration_since(tokio::time::Instant::now()),
                reason: retry_reason(&error),
                for_token: false,
            };
            announce_retry(ctx, record, notice, request_id);
            tokio::time::sleep(wait).await;
        }
    }

    /// What a failed attempt leads to: one token refresh after a 401, a wait before the next
    /// attempt (the service's Retry-After, or backoff for a transient error), or giving up.
    fn next_step(
        &self,
        error: ApiError,
        attempt: u32,
        refreshed: bool,
        started: tokio::time::Instant,
        deadline: tokio::time::Instant,
        correlation_id: &str,
    ) -> Next {
        let policy = &self.inner.config.retry;
        if matches!(error, ApiError::SignedOut(_)) && !refreshed && self.inner.tokens.can_refresh()
        {
            tracing::info!(%correlation_id, "401: refreshing the token once and retrying");
            return Next::Refresh;
        }
        let wait = match &error {
            ApiError::Throttled {
                retry_after: Some(wait),
                ..
            } if *wait > policy.max_retry_after => {
                tracing::warn!(%correlation_id, wait_s = wait.as_secs(), "Retry-After beyond the cap");
                return Next::GiveUp(error);
            }
            ApiError::Throttled {
                retry_after: Some(wait),
                ..
            } => *wait,
            e if e.is_transient() => backoff(policy, attempt),
            _ => return Next::GiveUp(error),
        };
        if attempt >= policy.max_attempts {
            tracing::warn!(%correlation_id, attempt, %error, "giving up");
            return Next::GiveUp(error);
        }
        if tokio::time::Instant::now() + wait >= deadline {
            tracing::warn!(%correlation_id, attempt, %error, "giving up: the request's deadline would pass");
            // A timeout is reported as the request's deadline.
            return Next::GiveUp(match error {
                ApiError::Timeout { .. } => gave_up(started, correlation_id),
                other => other,
            });
        }
        Next::Wait(wait, error)
    }

    /// A token; if it takes a moment (a token command, a renewal), the observer hears what
    /// pcx waits for, so a pane can say so instead of "loading…".
    async fn token(
        &self,
        ctx: &CallContext,
        refresh: bool,
        attempt: u32,
    ) -> Result<Secret, ApiError> {
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
        if inner.config.log.keeps() {
            entry.response_headers = logged_headers(response.headers());
        }
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
        let keeps = inner.config.log.keeps();
        let names = inner.config.names.as_ref().filter(|_| status.is_success());
        if let Ok(text) = &body
            && (keeps || names.is_some())
        {
            // Parsed once for the log and for privacy mode's names (the caller parses it typed).
            let value = serde_json::from_str::<serde_json::Value>(text).ok();
            if keeps {
                entry.body = logged_body(text, value.as_ref());
            }
            if let (Some(names), Some(value)) = (names, &value) {
                names.learn_json(value);
            }
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
/// What stays the same across the attempts of one GET.
struct Sent<'a> {
    url: &'a Url,
    request_id: Uuid,
    correlation_id: &'a str,
    extra_headers: &'a [(String, String)],
}

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

/// Tells the log, the request's record and the caller's observer that an attempt is retried.
fn announce_retry(ctx: &CallContext, record: &mut Record, notice: RetryNotice, request_id: Uuid) {
    let correlation_id = &record.entry.correlation_id;
    let wait = notice.wait;
    tracing::info!(%correlation_id, %request_id, wait_ms = wait.as_millis() as u64, reason = %notice.reason, "retrying");
    record.entry.waits.push(format!(
        "attempt {}: {}, waited {} ms",
        notice.next_attempt - 1,
        notice.reason,
        wait.as_millis()
    ));
    if let Some(observer) = &ctx.on_retry {
        observer(notice);
    }
}

/// What a failed attempt leads to (`ApiClient::next_step`).
enum Next {
    Refresh,
    /// Wait this long, then try again; the error is why.
    Wait(Duration, ApiError),
    GiveUp(ApiError),
}

/// The request used up its deadline without an answer.
fn gave_up(started: tokio::time::Instant, correlation_id: &str) -> ApiError {
    ApiError::Timeout {
        after: Duration::from_secs(started.elapsed().as_secs_f64().round() as u64),
        correlation_id: Some(correlation_id.to_string()),
    }
}
