//! How the sandbox reads a request's query (page size, seek, filters, licence groups) and writes
//! the paging links of a collection, with Partner Center's own error bodies for bad input.

use super::api::{CONTINUATION, DEFAULT_PAGE_SIZE, MAX_FILTER_VALUE, MAX_PAGE_SIZE};
use super::records::{CustomerFilter, SearchField};
use super::reply::Reply;
use super::seek::Seek;
use super::wire::{CollectionLinks, Link, LinkHeader};
use super::{Shared, locked};
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use std::borrow::Cow;

pub(super) fn collection_links<'a>(
    shared: &Shared,
    self_uri: String,
    next: String,
    token: Option<&'a str>,
) -> CollectionLinks<'a> {
    let root = locked(&shared.next_link_root).clone();
    let next = match root {
        // The absolute form: on the API host's root (with /v1), as some services send it.
        Some(root) => format!(
            "{}/v1{}",
            root.trim_end_matches('/'),
            next.strip_prefix("/v1").unwrap_or(&next)
        ),
        None => next,
    };
    CollectionLinks {
        self_link: Link::get(self_uri),
        next: token.map(|value| Link {
            uri: next,
            method: "GET",
            headers: vec![LinkHeader {
                key: CONTINUATION,
                value,
            }],
        }),
    }
}

/// The next link of page `page`: with `/v1` after even pages, without after odd ones, as the
/// real service has sent both forms.
pub(super) fn next_uri(page: u32, base: &str, size: u32) -> String {
    let prefix = if page.is_multiple_of(2) { "/v1" } else { "" };
    format!("{prefix}{base}?size={size}&seekOperation=Next")
}

pub(super) fn with_filter(uri: String, filter: Option<&str>) -> String {
    match filter {
        Some(f) => format!(
            "{uri}&filter={}",
            url::form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()
        ),
        None => uri,
    }
}

pub(super) fn bad_token() -> Reply {
    bad_input("The continuation token is invalid.")
}

/// `seekOperation=Next` with `MS-ContinuationToken`: the query state the token carries.
pub(super) fn seek(
    shared: &Shared,
    query: &Query<'_>,
    headers: &HeaderMap,
) -> Result<Option<Seek>, Reply> {
    let Some(operation) = query.get("seekOperation") else {
        return Ok(None);
    };
    if !(operation.eq_ignore_ascii_case("next") || operation == "0") {
        return Err(bad_input("Only seekOperation=Next is supported."));
    }
    let token = headers
        .get(CONTINUATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| bad_input("seekOperation=Next requires the MS-ContinuationToken header."))?;
    shared.codec.decode(token).map(Some).ok_or_else(bad_token)
}

pub(super) fn page_size(query: &Query<'_>) -> Result<u32, Reply> {
    match query.get("size").map(|s| s.trim().parse::<i64>()) {
        None | Some(Ok(0)) => Ok(DEFAULT_PAGE_SIZE),
        Some(Ok(n)) if n > 0 => Ok(n.min(i64::from(MAX_PAGE_SIZE)) as u32),
        Some(_) => Err(bad_input("size must be a whole number from 0 to 500.")),
    }
}

pub(super) enum Filter {
    Search(CustomerFilter),
    /// A valid filter no customer of the sandbox matches (indirect resellers).
    NoMatch,
}

/// `{"Field": .., "Value": .., "Operator": ..}`, keys in any case.
pub(super) fn filter_parts(text: &str) -> Option<(String, String, String)> {
    let value: Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    let get = |key: &str| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string)
    };
    Some((get("Field")?, get("Value")?, get("Operator")?))
}

pub(super) fn customer_filter(query: &Query<'_>) -> Result<Option<Filter>, Reply> {
    let Some(text) = query.get("filter") else {
        return Ok(None);
    };
    let (field, value, operator) = filter_parts(text).ok_or_else(|| {
        bad_input("The filter is not valid JSON of the form {\"Field\",\"Value\",\"Operator\"}.")
    })?;
    if !operator.eq_ignore_ascii_case("starts_with") {
        return Err(bad_input(
            "Only the starts_with operator is supported for customers.",
        ));
    }
    if value.chars().count() > MAX_FILTER_VALUE {
        return Err(bad_input("The filter value is too long."));
    }
    let field = match field.to_ascii_lowercase().as_str() {
        "companyname" => SearchField::CompanyName,
        "domain" => SearchField::Domain,
        "indirectreseller" | "indirectcloudsolutionprovider" => return Ok(Some(Filter::NoMatch)),
        _ => {
            return Err(bad_input(
                "The filter field must be CompanyName, Domain or IndirectReseller.",
            ));
        }
    };
    Ok(Some(Filter::Search(CustomerFilter { field, value })))
}

/// Whether the users filter asks for soft-deleted users.
pub(super) fn users_filter(query: &Query<'_>) -> Result<bool, Reply> {
    let Some(text) = query.get("filter") else {
        return Ok(false);
    };
    let (field, value, operator) = filter_parts(text).ok_or_else(|| {
        bad_input("The filter is not valid JSON of the form {\"Field\",\"Value\",\"Operator\"}.")
    })?;
    let field_ok =
        field.eq_ignore_ascii_case("UserState") || field.eq_ignore_ascii_case("UserStatus");
    if !field_ok || !operator.eq_ignore_ascii_case("equals") {
        return Err(bad_input(
            "Users can only be filtered with {\"Field\":\"UserState\",\"Operator\":\"equals\"}.",
        ));
    }
    match value.to_ascii_lowercase().as_str() {
        "inactive" => Ok(true),
        "active" => Ok(false),
        _ => Err(bad_input("UserState must be Active or Inactive.")),
    }
}

/// `licenseGroupIds` (repeatable); none means group1.
pub(super) fn license_groups(query: &Query<'_>) -> Result<Vec<&'static str>, Reply> {
    let mut groups = Vec::new();
    for value in query.all("licenseGroupIds") {
        let group = match value.to_ascii_lowercase().as_str() {
            "group1" => "group1",
            "group2" => "group2",
            _ => return Err(bad_input("licenseGroupIds must be Group1 or Group2.")),
        };
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    if groups.is_empty() {
        groups.push("group1");
    }
    Ok(groups)
}

/// The raw query as pairs: repeated keys are kept (axum's `Query` cannot take them).
pub(super) struct Query<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Query<'a> {
    pub(super) fn parse(query: Option<&'a str>) -> Self {
        let pairs = query
            .map(|q| url::form_urlencoded::parse(q.as_bytes()).collect())
            .unwrap_or_default();
        Self { pairs }
    }

    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.all(key).next()
    }

    pub(super) fn all<'s>(&'s self, key: &str) -> impl Iterator<Item = &'s str> + use<'s, 'a> {
        let key = key.to_string();
        self.pairs
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(&key))
            .map(|(_, v)| v.as_ref())
    }
}

pub(super) fn bad_input(description: &str) -> Reply {
    Reply::fault(StatusCode::BAD_REQUEST, 2000, description)
}
