//! `ApiError`: every way a Partner Center call can fail, with what the operator needs to act
//! (HTTP status, Partner Center's code and description, the correlation id for support).
//! Cheap to clone so the UI can keep it in its model. Never carries a token.

use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// What Partner Center said about a failed call, from any of its error body shapes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetail {
    pub status: u16,
    /// Partner Center's error code (a number in practice, a string in the docs).
    pub code: Option<String>,
    pub description: Option<String>,
    /// The extended shape's `errorName`.
    pub error_name: Option<String>,
    /// The MS-CorrelationId of the call, to quote to Microsoft support.
    pub correlation_id: Option<String>,
}

impl ErrorDetail {
    /// Reads an error body: `{code, description, data, source}` (code number or string), the
    /// extended shape with `errorName`/`message`, the gateway `{statusCode, message}`, an empty
    /// or non-JSON body (then the first line of the text, if any, is the description).
    pub fn from_body(status: u16, body: &str, correlation_id: Option<String>) -> Self {
        let body = body.strip_prefix('\u{feff}').unwrap_or(body).trim();
        let mut detail = Self {
            status,
            correlation_id,
            ..Self::default()
        };
        match serde_json::from_str::<Value>(body) {
            Ok(Value::Object(map)) => {
                let text = |key: &str| -> Option<String> {
                    match map.get(key)? {
                        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    }
                };
                detail.code = text("code").or_else(|| text("error"));
                detail.description = text("description")
                    .or_else(|| text("message"))
                    .or_else(|| text("error_description"))
                    .map(|d| unescape_html_entities(&d));
                detail.error_name = text("errorName");
            }
            _ if !body.is_empty() && !body.starts_with('<') => {
                detail.description = body.lines().next().map(|l| truncate(l, 300));
            }
            _ => {}
        }
        detail
    }
}

/// Partner Center descriptions carry HTML entities (`We&#39;re sorry`).
fn unescape_html_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, ", code {code}")?;
        }
        if let Some(description) = &self.description {
            write!(f, ": {description}")?;
        }
        Ok(())
    }
}

/// Everything a call can end in, other than success.
#[derive(Clone, Debug, thiserror::Error, PartialEq)]
pub enum ApiError {
    /// 401: the token is missing, expired or not accepted (e.g. no MFA claim). What to do
    /// depends on where the token came from: `TokenProvider::refused_advice`.
    #[error("signed out ({}): Partner Center refused the token{}", .0, correlation(.0))]
    SignedOut(ErrorDetail),
    /// 403: the user lacks a Partner Center role (partner-level calls) or the partner a GDAP
    /// role in the customer (customer-level calls): `access::no_access_advice` says which.
    #[error("no access ({}){}", .0, correlation(.0))]
    NoAccess(ErrorDetail),
    /// 404 (60002 user not found, 60003 tenant not found, ...).
    #[error("not found ({}){}", .0, correlation(.0))]
    NotFound(ErrorDetail),
    /// 429 that outlasted the retries or asked for a longer wait than pcx accepts.
    #[error("throttled by Partner Center ({detail}){}; {}", correlation(.detail), throttle_advice(.retry_after))]
    Throttled {
        detail: ErrorDetail,
        retry_after: Option<Duration>,
    },
    /// 5xx after the retries.
    #[error("Partner Center had a server error ({}); try again shortly{}", .0, correlation(.0))]
    Server(ErrorDetail),
    /// Any other 4xx (400 bad input, 405, 409, ...) or an unexpected status such as a redirect.
    #[error("request refused ({}){}", .0, correlation(.0))]
    Rejected(ErrorDetail),
    /// The connection failed or was dropped.
    #[error("network error: {message}{}", correlation_id_suffix(.correlation_id))]
    Network {
        message: String,
        correlation_id: Option<String>,
    },
    /// No answer within the request timeout.
    #[error("Partner Center did not answer within {}{}", seconds(*.after), correlation_id_suffix(.correlation_id))]
    Timeout {
        after: Duration,
        correlation_id: Option<String>,
    },
    /// The answer arrived but is not what the API promises (malformed JSON, too large, ...).
    #[error("bad data from Partner Center: {message}{}", correlation_id_suffix(.correlation_id))]
    BadData {
        message: String,
        correlation_id: Option<String>,
    },
    /// The configured URL would send the token in clear text to another machine.
    #[error(
        "refusing to send credentials to {url}: https is required (plain http only to a loopback address)"
    )]
    InsecureUrl { url: String },
    /// An id that is not a GUID; checked before it goes into a URL path.
    #[error(
        "{} must be a GUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6, got {value:?}",
        id_name(what)
    )]
    InvalidId { what: &'static str, value: String },
    /// No token could be obtained (no credentials configured, or the sign-in failed).
    #[error("{0}")]
    Credentials(String),
}

/// A wait or a timeout for people: "60 s", or "0.3 s" when it is not whole seconds (a
/// sub-second timeout must not read "0 s").
pub fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        let text = format!("{:.1}", d.as_secs_f64());
        format!("{} s", if text == "0.0" { "0.1" } else { &text })
    }
}

fn correlation(detail: &ErrorDetail) -> String {
    correlation_id_suffix(&detail.correlation_id)
}

fn correlation_id_suffix(id: &Option<String>) -> String {
    match id {
        Some(id) => format!(" [correlation id {id}]"),
        None => String::new(),
    }
}

fn throttle_advice(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!(
            "Partner Center asked to wait {} s; try again after that",
            wait.as_secs()
        ),
        None => "wait a minute and try again".to_string(),
    }
}

impl ApiError {
    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<u16> {
        self.detail().map(|d| d.status)
    }

    /// What the service said, when it answered.
    pub fn detail(&self) -> Option<&ErrorDetail> {
        match self {
            Self::SignedOut(d)
            | Self::NoAccess(d)
            | Self::NotFound(d)
            | Self::Server(d)
            | Self::Rejected(d)
            | Self::Throttled { detail: d, .. } => Some(d),
            _ => None,
        }
    }

    /// The MS-CorrelationId of the failed call, when known.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Self::Network { correlation_id, .. }
            | Self::Timeout { correlation_id, .. }
            | Self::BadData { correlation_id, .. } => correlation_id.as_deref(),
            other => other.detail()?.correlation_id.as_deref(),
        }
    }

    /// Maps a non-success status and its body to the right kind.
    pub fn from_status(
        status: u16,
        body: &str,
        correlation_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let detail = ErrorDetail::from_body(status, body, correlation_id);
        match status {
            401 => Self::SignedOut(detail),
            403 => Self::NoAccess(detail),
            404 => Self::NotFound(detail),
            429 => Self::Throttled {
                detail,
                retry_after,
            },
            500..=599 => Self::Server(detail),
            _ => Self::Rejected(detail),
        }
    }

    /// Worth retrying automatically: throttling, server errors, transport failures and 408
    /// (Request Timeout: the server gave up waiting, as the .NET SDK retries it).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Throttled { .. }
            | Self::Server(_)
            | Self::Network { .. }
            | Self::Timeout { .. } => true,
            Self::Rejected(detail) => detail.status == 408,
            _ => false,
        }
    }
}

/// How an error names an id: the parameter's name as prose (`customer_id` → `customer id`).
pub(crate) fn id_name(what: &str) -> String {
    what.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_body_shape_is_read() {
        let d = ErrorDetail::from_body(
            400,
            "\u{feff}{\"code\":60012,\"description\":\"We&#39;re out\",\"data\":[],\"source\":\"PartnerFD\"}",
            None,
        );
        assert_eq!(d.code.as_deref(), Some("60012"));
        assert_eq!(d.description.as_deref(), Some("We're out"));
        let d = ErrorDetail::from_body(404, r#"{"code":"60003","description":"tenant"}"#, None);
        assert_eq!(d.code.as_deref(), Some("60003"));
        let d = ErrorDetail::from_body(
            409,
            r#"{"code":600061,"message":"exists","errorName":"PartnerConfirmedAgreementAlreadyExists","isRetryable":false}"#,
            None,
        );
        assert_eq!(
            d.error_name.as_deref(),
            Some("PartnerConfirmedAgreementAlreadyExists")
        );
        assert_eq!(d.description.as_deref(), Some("exists"));
        let d = ErrorDetail::from_body(
            429,
            r#"{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds." }"#,
            None,
        );
        assert_eq!(d.code, None);
        assert!(d.description.unwrap().starts_with("Rate limit"));
        let d = ErrorDetail::from_body(404, "", None);
        assert_eq!((d.code, d.description), (None, None));
        let d = ErrorDetail::from_body(502, "Bad Gateway\nmore", None);
        assert_eq!(d.description.as_deref(), Some("Bad Gateway"));
    }

    #[test]
    fn durations_read_in_seconds() {
        assert_eq!(seconds(Duration::from_secs(60)), "60 s");
        assert_eq!(seconds(Duration::from_millis(300)), "0.3 s");
        assert_eq!(seconds(Duration::from_millis(20)), "0.1 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }

    #[test]
    fn statuses_map_to_kinds() {
        type IsKind = fn(&ApiError) -> bool;
        let kinds: [(u16, IsKind); 5] = [
            (401, |e| matches!(e, ApiError::SignedOut(_))),
            (403, |e| matches!(e, ApiError::NoAccess(_))),
            (404, |e| matches!(e, ApiError::NotFound(_))),
            (503, |e| matches!(e, ApiError::Server(_))),
            (400, |e| matches!(e, ApiError::Rejected(_))),
        ];
        for (status, is_kind) in kinds {
            let error = ApiError::from_status(status, "", None, None);
            assert!(is_kind(&error), "{status}: {error:?}");
        }
    }
}
