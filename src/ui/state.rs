//! Every pane state explained in place: loading (and throttled retries), empty, and each kind
//! of failure with what to do about it (the GDAP roles a 403 needs, sign in again on a 401)
//! and the correlation id to quote to Microsoft. Text only; drawing is the caller's.

use super::theme::Theme;
use crate::api::{ApiError, ErrorDetail};
use crate::app::cache::Retry;
use crate::app::model::{Query, ScreenKind};
use crate::app::rows::Tone;
use crate::text::sanitize;
use std::time::Instant;

/// The GDAP roles, any one of which lets the partner make this call (partner-center-api §10.4).
pub fn gdap_roles(query: &Query) -> Option<&'static str> {
    match query {
        // The partner's own commerce records: a Partner Center role (Admin agent), no GDAP.
        Query::Customers { .. } | Query::Subscriptions { .. } => None,
        Query::Users { .. } => Some("Directory Reader, Global Reader or User Administrator"),
        Query::Licences { .. } => {
            Some("Directory Reader, Directory Writers, User Administrator or License Administrator")
        }
        Query::Skus { .. } => {
            Some("Directory Reader, Global Reader, User Administrator or License Administrator")
        }
    }
}

fn said(detail: &ErrorDetail) -> String {
    sanitize(&detail.to_string()).into_owned()
}

/// One line saying what went wrong and what to do (ends with "r to retry").
pub fn headline(error: &ApiError, query: Option<&Query>, theme: &Theme) -> String {
    let dash = if theme.ascii { " -" } else { " —" };
    let what = match error {
        ApiError::NoAccess(_) => match query.and_then(gdap_roles) {
            Some(roles) => format!(
                "no access: the partner needs one of the GDAP roles {roles} for this customer"
            ),
            None => "no access: the signed-in account lacks a Partner Center role for this \
                     (e.g. Admin agent)"
                .into(),
        },
        ApiError::SignedOut(_) => {
            "signed out: the token was refused (HTTP 401); sign in again with `pcx login` \
             or set PCX_ACCESS_TOKEN"
                .into()
        }
        ApiError::Throttled { retry_after, .. } => match retry_after {
            Some(wait) => format!(
                "throttled: Partner Center asked to wait {} s",
                wait.as_secs()
            ),
            None => "throttled: Partner Center asked to slow down; wait a minute".into(),
        },
        ApiError::NotFound(_) => {
            "not found: Partner Center does not know this item (deleted, or not this partner's)"
                .into()
        }
        ApiError::Server(d) => format!("Partner Center had a server error (HTTP {})", d.status),
        ApiError::Rejected(d) => format!("request refused (HTTP {})", d.status),
        ApiError::Network { message, .. } => {
            format!("network error: {}", sanitize(message))
        }
        ApiError::Timeout { after, .. } => {
            format!(
                "no answer from Partner Center within {}",
                crate::api::error::seconds(*after)
            )
        }
        ApiError::BadData { message, .. } => {
            format!("bad data from Partner Center: {}", sanitize(message))
        }
        ApiError::InsecureUrl { .. } | ApiError::InvalidId { .. } | ApiError::Credentials(_) => {
            sanitize(&error.to_string()).into_owned()
        }
    };
    format!("{what}{dash} r to retry")
}

/// The explanation of a failed pane, line by line.
pub fn failure_lines(
    error: &ApiError,
    query: Option<&Query>,
    theme: &Theme,
) -> Vec<(String, Tone)> {
    let mut lines = vec![(headline(error, query, theme), Tone::Bad)];
    if let Some(detail) = error.detail()
        && (detail.code.is_some() || detail.description.is_some())
    {
        lines.push((format!("Partner Center said: {}", said(detail)), Tone::Dim));
    }
    if let Some(id) = error.correlation_id() {
        lines.push((format!("correlation id: {}", sanitize(id)), Tone::Dim));
    }
    lines.push(("h goes back; other panes keep working".into(), Tone::Dim));
    lines
}

/// "loading users…", or the retry under way ("throttled (HTTP 429): retrying in 12 s").
pub fn loading_line(
    noun: &str,
    retry: Option<&Retry>,
    now: Instant,
    spinner: &str,
    theme: &Theme,
) -> (String, Tone) {
    let ellipsis = if theme.ascii { "..." } else { "…" };
    match retry {
        Some(retry) => {
            let left = retry
                .notice
                .wait
                .saturating_sub(now.saturating_duration_since(retry.since));
            let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            let reason = sanitize(&retry.notice.reason).into_owned();
            let tone = if reason.starts_with("throttled") {
                Tone::Warn
            } else {
                Tone::Normal
            };
            (
                format!(
                    "{spinner} {reason}: retrying in {secs} s (attempt {})",
                    retry.notice.next_attempt
                ),
                tone,
            )
        }
        None => (format!("{spinner} loading {noun}{ellipsis}"), Tone::Normal),
    }
}

/// What an empty list says.
pub fn empty_line(kind: &ScreenKind) -> String {
    match kind {
        ScreenKind::Customers {
            search: Some(prefix),
        } => format!(
            "no customers whose name starts with \"{}\"",
            sanitize(prefix)
        ),
        ScreenKind::Plans { .. } => {
            "no service plans (group2 licences such as Minecraft have none)".into()
        }
        kind => format!("no {}", kind.noun()),
    }
}
