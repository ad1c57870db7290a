//! Every pane state explained in place: loading (and throttled retries), empty, and each kind
//! of failure with what to do about it (the GDAP roles a 403 needs, sign in again on a 401)
//! and the correlation id to quote to Microsoft. Text only; drawing is the caller's.

use super::theme::Theme;
use crate::api::access::{Call, no_access_advice};
use crate::api::{ApiError, ErrorDetail};
use crate::app::cache::Retry;
use crate::app::model::{Query, ScreenKind};
use crate::app::rows::Tone;
use crate::text::sanitize;
use std::time::{Duration, Instant};

/// The call behind a query, as far as access is concerned (`api::access` says what a 403 means).
fn call_of(query: &Query) -> Call {
    match query {
        Query::Customers { .. } => Call::Customers,
        Query::Users { .. } => Call::Users,
        Query::Licenses { .. } => Call::Licenses,
        Query::Skus { .. } => Call::Skus,
        Query::Subscriptions { .. } => Call::Subscriptions,
    }
}

fn said(detail: &ErrorDetail) -> String {
    sanitize(&detail.to_string()).into_owned()
}

/// One line saying what went wrong and what to do (ends with "r to retry").
pub fn headline(error: &ApiError, query: Option<&Query>, theme: &Theme) -> String {
    let dash = if theme.ascii { " -" } else { " —" };
    let what = match error {
        ApiError::NoAccess(_) => match query {
            Some(query) => format!("no access: {}", no_access_advice(call_of(query))),
            None => "no access: Partner Center refused this call (HTTP 403)".into(),
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
    lines.push((BACK_HINT.into(), Tone::Dim));
    lines
}

/// The last line of a failed pane below the first screen; the first has nowhere to go back to.
pub const BACK_HINT: &str = "h goes back; other panes keep working";

/// How a load stands, for its line: the retry under way, since when it waits, the deadline.
pub struct Waiting<'a> {
    pub retry: Option<&'a Retry>,
    /// When the request was asked for.
    pub since: Option<Instant>,
    /// How long the client tries in all.
    pub deadline: Duration,
}

/// After this long without an answer, the line counts the seconds.
const PATIENCE: Duration = Duration::from_secs(3);

fn whole_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// "loading users…"; once it takes a while, how long so far and when pcx gives up; during a
/// retry, the real countdown and the attempt ("timeout: retrying in 2 s (attempt 2 of 4;
/// gives up in 58 s)"), then that attempt's own wait.
pub fn loading_line(
    noun: &str,
    waiting: &Waiting<'_>,
    now: Instant,
    spinner: &str,
    theme: &Theme,
) -> (String, Tone) {
    let ellipsis = if theme.ascii { "..." } else { "…" };
    let Some(retry) = waiting.retry else {
        let elapsed = waiting
            .since
            .map(|t| now.saturating_duration_since(t))
            .unwrap_or_default();
        if elapsed < PATIENCE {
            return (format!("{spinner} loading {noun}{ellipsis}"), Tone::Normal);
        }
        let left = waiting.deadline.saturating_sub(elapsed);
        return (
            format!(
                "{spinner} loading {noun}{ellipsis} no answer for {} s (gives up in {} s; r asks again)",
                elapsed.as_secs(),
                whole_secs(left)
            ),
            Tone::Warn,
        );
    };
    let notice = &retry.notice;
    let since_notice = now.saturating_duration_since(retry.since);
    if notice.for_token {
        let waited = since_notice.as_secs();
        let text = format!(
            "{spinner} waiting for {} to give a token: {waited} s so far{ellipsis}",
            sanitize(&notice.reason)
        );
        return (text, Tone::Warn);
    }
    let gives_up = whole_secs(notice.gives_up_in.saturating_sub(since_notice));
    let reason = sanitize(&notice.reason).into_owned();
    let tone = if reason.starts_with("throttled") {
        Tone::Warn
    } else {
        Tone::Normal
    };
    let attempt = format!("attempt {} of {}", notice.next_attempt, notice.max_attempts);
    let left = notice.wait.saturating_sub(since_notice);
    if !left.is_zero() {
        let text = format!(
            "{spinner} {reason}: retrying in {} s ({attempt}; gives up in {gives_up} s)",
            whole_secs(left)
        );
        return (text, tone);
    }
    let waited = since_notice.saturating_sub(notice.wait);
    (
        format!(
            "{spinner} {attempt} after {reason}: no answer for {} s (gives up in {gives_up} s; r asks again)",
            waited.as_secs()
        ),
        tone,
    )
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
