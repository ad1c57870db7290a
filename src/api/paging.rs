//! Partner Center's continuation paging: a collection body, its `links.next`, and the cursor
//! that fetches the next page. The continuation token travels only as a header and is never
//! printed by Debug.

use super::lenient::{self, lenient_struct};
use super::model::Resource;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::fmt;
use url::Url;

/// The collection wrapper as sent: `items`, `links` (often absent), `continuationToken`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCollection {
    #[serde(default)]
    items: Option<Vec<Box<RawValue>>>,
    #[serde(default, deserialize_with = "lenient::any")]
    links: Option<Links>,
}

/// One page of a collection.
pub struct Page<T> {
    pub items: Vec<Resource<T>>,
    /// Where the next page is; `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("items", &self.items.len())
            .field("next", &self.next)
            .finish()
    }
}

impl<T: DeserializeOwned + Default> Page<T> {
    /// Parses a collection body (BOM already stripped). `items` must be a list if present.
    pub fn parse(body: &str) -> Result<Self, serde_json::Error> {
        let wire: WireCollection = serde_json::from_str(body)?;
        let items = wire
            .items
            .unwrap_or_default()
            .into_iter()
            .map(Resource::from_raw)
            .collect();
        let next = wire.links.and_then(|l| l.next).and_then(Cursor::from_link);
        Ok(Self { items, next })
    }
}

/// The request that fetches the next page: a path relative to the API root (always starting
/// with `/v1/`), or an absolute URL as the service gave it, and the headers the service asked
/// to be sent with it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    path_and_query: String,
    headers: Vec<(String, String)>,
}

impl Cursor {
    /// From `links.next`; `None` if the link has no usable uri.
    pub fn from_link(link: Link) -> Option<Self> {
        let uri = link.uri.as_deref()?.trim();
        let path_and_query = normalize_v1(uri)?;
        let headers = link
            .headers
            .into_iter()
            .filter_map(|h| {
                Some((
                    h.key?.into_string(),
                    h.value.unwrap_or_default().into_string(),
                ))
            })
            .filter(|(k, _)| !k.is_empty())
            .collect();
        Some(Self {
            path_and_query,
            headers,
        })
    }

    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }

    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self.headers.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Cursor")
            .field("path", &self.path_and_query)
            .field("header_keys", &keys)
            .finish()
    }
}

/// Next links come as `/v1/customers?...`, `/customers?...` or `customers?...`, or as an
/// absolute URL; the path always ends up starting with exactly one `/v1/`. An absolute link
/// keeps its host: the client follows it only when that is the API host, and otherwise fails
/// saying so (the bearer token goes nowhere else, and a list never ends silently).
pub fn normalize_v1(uri: &str) -> Option<String> {
    if uri.contains("://") || uri.starts_with("//") {
        let placeholder = Url::parse("https://placeholder.invalid/").ok()?;
        let url = placeholder.join(uri).ok()?;
        let host = url.host_str()?;
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
        let path = relative_v1(&format!("{}{query}", url.path()))?;
        return Some(match uri.starts_with("//") {
            true => format!("//{host}{port}{path}"),
            false => format!("{}://{host}{port}{path}", url.scheme()),
        });
    }
    relative_v1(uri)
}

fn relative_v1(uri: &str) -> Option<String> {
    let rest = uri.trim_start_matches('/');
    let rest = match rest.strip_prefix("v1") {
        Some(after) if after.is_empty() || after.starts_with('/') || after.starts_with('?') => {
            after.trim_start_matches('/')
        }
        _ => rest,
    };
    if rest.is_empty() {
        return None;
    }
    Some(format!("/v1/{rest}"))
}

lenient_struct! {
    /// A link in a resource or collection (`links.next` carries the continuation token header).
    pub struct Link {
        uri: string,
        method: string,
        headers: list<LinkHeader>,
    }
}

/// Header values can hold continuation tokens, so Debug shows only the keys.
impl fmt::Debug for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = self
            .headers
            .iter()
            .filter_map(|h| h.key.as_deref())
            .collect();
        f.debug_struct("Link")
            .field("uri", &self.uri)
            .field("method", &self.method)
            .field("header_keys", &keys)
            .finish()
    }
}

lenient_struct! {
    /// One `{key, value}` header of a link.
    pub struct LinkHeader {
        key: string,
        value: string,
    }
}

lenient_struct! {
    /// `links` of a collection.
    #[derive(Debug)]
    pub struct Links {
        #[serde(rename = "self")]
        self_link: any<Link>,
        next: any<Link>,
        previous: any<Link>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_prefix_is_normalised_both_ways() {
        for (link, want) in [
            (
                "/v1/customers?size=500&seekOperation=Next",
                Some("/v1/customers?size=500&seekOperation=Next"),
            ),
            (
                "/customers?seekOperation=Next",
                Some("/v1/customers?seekOperation=Next"),
            ),
            ("customers/x/users", Some("/v1/customers/x/users")),
            // Absolute links keep their host (the client decides whether to follow them).
            (
                "https://api.partnercenter.microsoft.com/customers?size=5",
                Some("https://api.partnercenter.microsoft.com/v1/customers?size=5"),
            ),
            (
                "http://127.0.0.1:8400/v1/customers",
                Some("http://127.0.0.1:8400/v1/customers"),
            ),
            ("//evil.example/v1/x", Some("//evil.example/v1/x")),
            ("https://evil.example/v1", None),
            ("/v1", None),
        ] {
            assert_eq!(normalize_v1(link).as_deref(), want, "{link}");
        }
    }

    #[test]
    fn cursor_debug_hides_the_token() {
        let link: super::Link = serde_json::from_str(
            r#"{"uri":"/customers?seekOperation=Next","headers":[{"key":"MS-ContinuationToken","value":"s3cr3t/+=,"}]}"#,
        )
        .unwrap();
        let cursor = Cursor::from_link(link).unwrap();
        assert_eq!(cursor.headers()[0].1, "s3cr3t/+=,");
        assert!(!format!("{cursor:?}").contains("s3cr3t"));
    }
}
