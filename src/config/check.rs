//! Checks of single setting values as text (URLs, tenant, client id, counts, …): each returns
//! the value pcx uses or a message saying what was expected.

use super::file::one_line;
use crate::api::client::{MAX_PAGE_SIZE, is_loopback};
use crate::cli::ColorChoice;
use std::ops::RangeInclusive;
use std::path::PathBuf;

const REQUEST_DEADLINE_RANGE: RangeInclusive<u64> = 5..=900;
const MAX_CONCURRENCY: usize = 64;

fn check_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim())
        .map_err(|e| format!("not a URL ({e}): {:?}", one_line(text)))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(format!("expected an https URL, got {:?}", one_line(text)));
    }
    Ok(url)
}

pub(super) fn check_base_url(text: &str) -> Result<String, String> {
    check_url(text).map(|_| text.trim().to_string())
}

/// The identity platform receives refresh tokens: https, or plain http only to loopback.
pub(super) fn check_authority(text: &str) -> Result<String, String> {
    let url = check_url(text)?;
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(format!(
            "{:?} would send credentials in clear text: https is required (plain http only to a loopback address)",
            one_line(text)
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(
            "expected just the identity platform's root, like https://login.microsoftonline.com"
                .into(),
        );
    }
    Ok(text.trim().trim_end_matches('/').to_string())
}

/// A tenant id, domain or `organizations`/`common`: one safe path segment.
pub fn is_tenant(tenant: &str) -> bool {
    !tenant.is_empty()
        && tenant.len() <= 256
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && tenant.chars().any(|c| c.is_ascii_alphanumeric())
}

pub(super) fn check_tenant(text: &str) -> Result<String, String> {
    trimmed(
        text,
        is_tenant,
        "expected a tenant id (GUID), a domain like contoso.onmicrosoft.com, or organizations; got",
    )
}

pub(super) fn check_client_id(text: &str) -> Result<String, String> {
    let is_guid = |t: &str| t.len() == 36 && uuid::Uuid::try_parse(t).is_ok();
    trimmed(
        text,
        is_guid,
        "expected the app registration's client id, a GUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6; got",
    )
    .map(|id| id.to_ascii_lowercase())
}

pub(super) fn check_command(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the token command is empty".into());
    }
    Ok(text.to_string())
}

pub(super) fn check_locale(text: &str) -> Result<String, String> {
    let is_tag = |t: &str| {
        (2..=35).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    trimmed(text, is_tag, "expected a language tag like en-US, got")
}

/// The text trimmed, when `ok` takes it; otherwise what was `expected`, then what came.
fn trimmed(text: &str, ok: impl Fn(&str) -> bool, expected: &str) -> Result<String, String> {
    let t = text.trim();
    match ok(t) {
        true => Ok(t.to_string()),
        false => Err(format!("{expected} {:?}", one_line(text))),
    }
}

pub(super) fn check_page_size(text: &str) -> Result<u32, String> {
    check_count(text, MAX_PAGE_SIZE)
}

pub(super) fn check_path(text: &str) -> Result<PathBuf, String> {
    match text.trim() {
        "" => Err("expected a file path".into()),
        path => Ok(PathBuf::from(path)),
    }
}

pub(super) fn check_concurrency(text: &str) -> Result<usize, String> {
    check_count(text, MAX_CONCURRENCY)
}

/// A whole number from 1 to `max`.
fn check_count<T>(text: &str, max: T) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8> + std::fmt::Display,
{
    let expected = format!("expected a whole number from 1 to {max}, got");
    in_range(text, T::from(1)..=max, &expected)
}

pub(super) fn check_request_deadline(text: &str) -> Result<u64, String> {
    let range = REQUEST_DEADLINE_RANGE;
    let expected = format!(
        "expected seconds from {} to {}, got",
        range.start(),
        range.end()
    );
    in_range(text, range, &expected)
}

/// A whole number within `range`; otherwise what was `expected`, then what came.
fn in_range<T>(text: &str, range: RangeInclusive<T>, expected: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd,
{
    match text.trim().parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!("{expected} {:?}", one_line(text))),
    }
}
pub(super) fn parse_color(text: &str) -> Result<ColorChoice, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "auto" => Ok(ColorChoice::Auto),
        "always" => Ok(ColorChoice::Always),
        "never" => Ok(ColorChoice::Never),
        _ => Err(format!(
            "expected \"auto\", \"always\" or \"never\", got {:?}",
            one_line(text)
        )),
    }
}
