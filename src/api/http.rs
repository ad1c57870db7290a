//! The HTTP details of one request, kept apart from the client's API surface: which URLs may
//! carry a token, the headers Partner Center expects, retry timing, reading a bounded body, and
//! turning transport failures into `ApiError`s. Nothing here logs or formats a token.

use super::call::{CallContext, RetryPolicy};
use super::error::ApiError;
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::net::IpAddr;
use std::time::Duration;
use uuid::Uuid;

pub(super) fn check_base_url(base_url: &str) -> Result<Url, ApiError> {
    let insecure = || ApiError::InsecureUrl {
        url: base_url.to_string(),
    };
    let url = Url::parse(base_url.trim()).map_err(|_| insecure())?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        _ => return Err(insecure()),
    }
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(insecure());
    }
    Ok(url)
}

/// Plain http is acceptable only when the bytes never leave this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

/// Joins a `/v1/...` path (and query) to the API root; the result stays on the same host.
pub(super) fn join(base: &Url, path_and_query: &str) -> Result<Url, ApiError> {
    let url = base.join(path_and_query).map_err(|e| ApiError::BadData {
        message: format!("unusable link {path_and_query:?}: {e}"),
        correlation_id: None,
    })?;
    if url.host() != base.host()
        || url.port_or_known_default() != base.port_or_known_default()
        || url.scheme() != base.scheme()
    {
        let origin = |u: &Url| {
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{}://{}{port}", u.scheme(), u.host_str().unwrap_or("?"))
        };
        return Err(ApiError::BadData {
            message: format!(
                "the next-page link points to another host ({}), not the API host ({}); pcx sends the \
                 token only to the API host, so the rest of the list was not fetched",
                crate::text::sanitize(&origin(&url)),
                origin(base)
            ),
            correlation_id: None,
        });
    }
    Ok(url)
}

pub(super) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Partner Center's filter JSON (PascalCase keys, as the SDK serialises it).
pub(super) fn filter_json(field: &str, value: &str, operator: &str) -> String {
    serde_json::json!({"Field": field, "Value": value, "Operator": operator}).to_string()
}

/// Ids go into URL paths, so only well-formed GUIDs are accepted.
pub fn check_guid(what: &'static str, value: &str) -> Result<(), ApiError> {
    let ok = value.len() == 36 && Uuid::try_parse(value).is_ok();
    if ok {
        Ok(())
    } else {
        Err(ApiError::InvalidId {
            what,
            value: crate::text::sanitize(&value.chars().take(80).collect::<String>()).into_owned(),
        })
    }
}

pub(super) fn request_headers(
    token: &str,
    request_id: Uuid,
    correlation_id: &str,
    locale: Option<&str>,
    extra: &[(String, String)],
) -> Result<HeaderMap, ApiError> {
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        ApiError::Credentials(
            "the access token contains characters that cannot be sent in a header".into(),
        )
    })?;
    auth.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, auth);
    headers.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static("application/json"),
    );
    let text = |v: &str| HeaderValue::from_str(v).ok();
    if let Some(v) = text(&request_id.to_string()) {
        headers.insert("MS-RequestId", v);
    }
    if let Some(v) = text(correlation_id) {
        headers.insert("MS-CorrelationId", v);
    }
    if let Some(v) = locale.and_then(text) {
        headers.insert("X-Locale", v);
    }
    headers.insert(
        "MS-PartnerCenter-Application",
        HeaderValue::from_static("pcx"),
    );
    for (key, value) in extra {
        let name = HeaderName::from_bytes(key.as_bytes());
        let value = HeaderValue::from_str(value);
        match (name, value) {
            (Ok(name), Ok(mut value)) if !is_reserved(&name) => {
                value.set_sensitive(true);
                headers.insert(name, value);
            }
            _ => {
                return Err(ApiError::BadData {
                    message: format!("a next link asked for an unusable header {key:?}"),
                    correlation_id: Some(correlation_id.to_string()),
                });
            }
        }
    }
    Ok(headers)
}

/// Headers a next link may not override.
fn is_reserved(name: &HeaderName) -> bool {
    name == reqwest::header::AUTHORIZATION || name == reqwest::header::HOST
}

pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

pub(super) fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1u32 << (attempt - 1).min(16))
        .min(policy.max_delay);
    // Full jitter on the upper half keeps clients from retrying in lockstep.
    exp.mul_f64(0.5 + fastrand::f64() * 0.5)
}

pub(super) fn retry_reason(error: &ApiError) -> String {
    match error {
        ApiError::Throttled { .. } => "throttled (HTTP 429)".into(),
        ApiError::Server(d) => format!("server error (HTTP {})", d.status),
        ApiError::Rejected(d) if d.status == 408 => "request timeout (HTTP 408)".into(),
        ApiError::Timeout { .. } => "timeout".into(),
        ApiError::Network { .. } => "connection failed".into(),
        other => other.to_string(),
    }
}

pub(super) fn transport_error(
    e: reqwest::Error,
    timeout: Duration,
    correlation_id: Option<String>,
) -> ApiError {
    if e.is_timeout() {
        return ApiError::Timeout {
            after: timeout,
            correlation_id,
        };
    }
    let cause = innermost_cause(&e);
    let host = e
        .url()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| "Partner Center".into());
    let message = if e.is_connect() {
        format!("cannot connect to {host} ({cause})")
    } else {
        format!("the connection to {host} failed ({cause})")
    };
    ApiError::Network {
        message: crate::text::sanitize(&message).into_owned(),
        correlation_id,
    }
}

/// reqwest's own text repeats the URL or says only "error decoding response body"; the
/// innermost cause says what actually happened.
fn innermost_cause(e: &reqwest::Error) -> String {
    let mut cause = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    cause
}

pub(super) async fn read_body(
    mut response: reqwest::Response,
    max_bytes: usize,
    timeout: Duration,
    correlation_id: &str,
) -> Result<String, ApiError> {
    let cid = || Some(correlation_id.to_string());
    if response
        .content_length()
        .is_some_and(|n| n > max_bytes as u64)
    {
        return Err(too_large(max_bytes, cid()));
    }
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > max_bytes {
                    return Err(too_large(max_bytes, cid()));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) if e.is_timeout() => {
                return Err(ApiError::Timeout {
                    after: timeout,
                    correlation_id: cid(),
                });
            }
            Err(e) => {
                return Err(ApiError::Network {
                    message: crate::text::sanitize(&format!(
                        "connection dropped while reading the answer ({})",
                        innermost_cause(&e)
                    ))
                    .into_owned(),
                    correlation_id: cid(),
                });
            }
        }
    }
    let mut text = String::from_utf8(bytes).map_err(|_| ApiError::BadData {
        message: "the answer is not UTF-8 text".into(),
        correlation_id: cid(),
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

fn too_large(max_bytes: usize, correlation_id: Option<String>) -> ApiError {
    ApiError::BadData {
        message: format!(
            "the answer is larger than {} MiB, far beyond any real page; refused",
            max_bytes / (1024 * 1024)
        ),
        correlation_id,
    }
}

pub(super) fn bad_json(e: serde_json::Error, ctx: &CallContext) -> ApiError {
    ApiError::BadData {
        message: format!("malformed JSON ({e})"),
        correlation_id: Some(ctx.correlation_id.to_string()),
    }
}

/// rustls needs one process-wide crypto provider; ring builds quickly and needs no cmake.
pub(super) fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
