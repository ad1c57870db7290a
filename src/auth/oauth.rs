//! The wire side of the Microsoft identity platform (OAuth 2.0, v2 endpoints): endpoint URLs,
//! form posts, token responses and error bodies. Refuses plain http except to loopback, never
//! follows redirects, and never puts a token in a URL, a log event or an error message.

use super::AuthError;
use crate::api::client::is_loopback;
use crate::api::token::Secret;
use serde_json::{Map, Value};
use std::time::Duration;
use url::Url;

/// Delegated Partner Center access plus a refresh token.
pub const SCOPE: &str = "https://api.partnercenter.microsoft.com/user_impersonation offline_access";
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// No identity platform answer comes close to this.
const MAX_BODY: usize = 256 * 1024;

/// The two endpoints of one authority and tenant.
#[derive(Clone, Debug)]
pub(crate) struct Endpoints {
    pub devicecode: Url,
    pub token: Url,
}

impl Endpoints {
    /// `{authority}/{tenant}/oauth2/v2.0/{devicecode,token}`; the authority must be https, or
    /// plain http to a loopback address (a refresh token must not cross a network in clear).
    pub fn new(authority: &str, tenant: &str) -> Result<Self, AuthError> {
        let insecure = || {
            AuthError::Settings(format!(
                "refusing to sign in at {:?}: the authority must be an https URL (plain http only to a loopback address)",
                crate::text::sanitize(authority)
            ))
        };
        if !crate::config::is_tenant(tenant) {
            return Err(AuthError::Settings(format!(
                "{:?} is not a tenant: expected a tenant id (GUID), a domain, or organizations",
                crate::text::sanitize(tenant)
            )));
        }
        let base = Url::parse(authority.trim()).map_err(|_| insecure())?;
        let secure = match base.scheme() {
            "https" => true,
            "http" => is_loopback(&base),
            _ => false,
        };
        if !secure || base.host_str().is_none() || !base.username().is_empty() {
            return Err(insecure());
        }
        let leaf = |name: &str| -> Result<Url, AuthError> {
            let mut url = base.clone();
            url.set_query(None);
            url.set_fragment(None);
            url.path_segments_mut()
                .map_err(|_| insecure())?
                .pop_if_empty()
                .extend([tenant, "oauth2", "v2.0", name]);
            Ok(url)
        };
        Ok(Self {
            devicecode: leaf("devicecode")?,
            token: leaf("token")?,
        })
    }
}

/// The HTTP client for the identity platform: no redirects (a form carrying a refresh token
/// must not be re-sent elsewhere), bounded waits.
pub(crate) fn http_client() -> Result<reqwest::Client, AuthError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("pcx/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AuthError::Network {
            url: String::new(),
            message: format!("cannot set up the HTTP client: {e}"),
        })
}

/// Tokens from a successful grant.
#[derive(Clone, Debug)]
pub(crate) struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub id_token: Option<Secret>,
    /// Seconds; a number on v2, a string on v1.
    pub expires_in: Option<u64>,
}

/// How a form post failed.
#[derive(Debug)]
pub(crate) enum PostError {
    /// An OAuth error answer (`{"error": "...", "error_description": "..."}`).
    Protocol {
        status: u16,
        error: String,
        /// Entra's `AADSTSnnn` code, when it sent one.
        code: Option<String>,
        description: Option<String>,
    },
    /// Transport failure or an answer that is not OAuth.
    Other(AuthError),
}

impl PostError {
    /// The error as the operator should read it, with advice for the usual causes.
    pub fn into_auth_error(self) -> AuthError {
        match self {
            Self::Protocol {
                status,
                error,
                code,
                description,
            } => {
                let hint = hint(&error, code.as_deref());
                AuthError::Refused {
                    status,
                    error,
                    description,
                    hint,
                }
            }
            Self::Other(e) => e,
        }
    }
}

/// POSTs a form and reads a JSON object back.
pub(crate) async fn post_form(
    http: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
) -> Result<Map<String, Value>, PostError> {
    let shown = url.to_string();
    let response = http
        .post(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| {
            PostError::Other(AuthError::Network {
                url: shown.clone(),
                message: chain(&e),
            })
        })?;
    let status = response.status().as_u16();
    let body = read_capped(response).await.map_err(|message| {
        PostError::Other(AuthError::Network {
            url: shown.clone(),
            message,
        })
    })?;
    let bad = |message: String| {
        PostError::Other(AuthError::BadResponse {
            url: shown.clone(),
            message,
        })
    };
    let map = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => map,
        _ if (300..400).contains(&status) => {
            return Err(bad(format!(
                "HTTP {status}: a redirect; pcx does not follow redirects with credentials"
            )));
        }
        _ => {
            return Err(bad(format!(
                "HTTP {status} with a body that is not a JSON object"
            )));
        }
    };
    if let Some(error) = map.get("error").and_then(Value::as_str) {
        let full = map.get("error_description").and_then(Value::as_str);
        let code = super::aadsts::code_of(map.get("error_codes"), full);
        let description = full
            .and_then(|d| d.lines().next())
            .map(|d| truncate(&crate::text::sanitize(d.trim()), 300))
            .filter(|d| !d.is_empty());
        return Err(PostError::Protocol {
            status,
            error: truncate(&crate::text::sanitize(error.trim()), 80),
            code,
            description,
        });
    }
    if !(200..300).contains(&status) {
        return Err(bad(format!("HTTP {status} without an OAuth error")));
    }
    Ok(map)
}

/// Reads a token response; the access token is required.
pub(crate) fn token_set(map: &Map<String, Value>, url: &Url) -> Result<TokenSet, AuthError> {
    let secret = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
    };
    let access_token = secret("access_token").ok_or_else(|| AuthError::BadResponse {
        url: url.to_string(),
        message: "the token answer has no access_token".into(),
    })?;
    let expires_in = match map.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(TokenSet {
        access_token,
        refresh_token: secret("refresh_token"),
        id_token: secret("id_token"),
        expires_in,
    })
}

/// Exchanges a refresh token for new tokens.
pub(crate) async fn refresh(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    client_id: &str,
    refresh_token: &Secret,
) -> Result<TokenSet, PostError> {
    let form = [
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("refresh_token", refresh_token.expose()),
        ("scope", SCOPE),
    ];
    let map = post_form(http, &endpoints.token, &form).await?;
    token_set(&map, &endpoints.token).map_err(PostError::Other)
}

/// What to do about a refusal (the table in `aadsts`); a refused refresh token without a
/// known code still means "sign in again".
pub(crate) fn hint(error: &str, code: Option<&str>) -> Option<String> {
    super::aadsts::advice(code, error)
        .or((error == "invalid_grant")
            .then_some("the saved sign-in is no longer valid; run `pcx login` again"))
        .map(str::to_string)
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| chain(&e))? {
        if bytes.len() + chunk.len() > MAX_BODY {
            return Err(format!(
                "the answer is larger than {} KiB; refused",
                MAX_BODY / 1024
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// An error with its causes, on one line (reqwest's errors name the URL, never the form).
fn chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        message = format!("{message}: {inner}");
        source = inner.source();
    }
    crate::text::sanitize(&message).into_owned()
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_v2_layout() {
        let e = Endpoints::new("https://login.microsoftonline.com/", "organizations").unwrap();
        assert_eq!(
            e.token.as_str(),
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
        assert_eq!(
            e.devicecode.as_str(),
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode"
        );
        let e = Endpoints::new("http://127.0.0.1:8400", "contoso.onmicrosoft.com").unwrap();
        assert_eq!(
            e.token.as_str(),
            "http://127.0.0.1:8400/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
    }

    #[test]
    fn plain_http_off_the_machine_is_refused() {
        let err = Endpoints::new("http://login.example.com", "organizations").unwrap_err();
        assert!(err.to_string().contains("https"), "{err}");
        assert!(Endpoints::new("ftp://127.0.0.1", "x").is_err());
        assert!(Endpoints::new("https://user:pw@login.example.com", "x").is_err());
    }

    #[test]
    fn tenant_cannot_escape_its_path_segment() {
        for tenant in ["../x?y", "..", "", "a/b", "a b"] {
            assert!(
                Endpoints::new("https://login.example.com", tenant).is_err(),
                "{tenant:?}"
            );
        }
    }

    #[test]
    fn token_answers_with_string_or_number_lifetimes_are_read() {
        let url = Url::parse("https://x/t").unwrap();
        let v1: Map<String, Value> = serde_json::from_str(
            r#"{"token_type":"Bearer","expires_in":"3600","access_token":"A","id_token":"I"}"#,
        )
        .unwrap();
        let t = token_set(&v1, &url).unwrap();
        assert_eq!(
            (t.expires_in, t.refresh_token.is_none()),
            (Some(3600), true)
        );
        let v2: Map<String, Value> =
            serde_json::from_str(r#"{"expires_in":3599,"access_token":"A","refresh_token":"R"}"#)
                .unwrap();
        let t = token_set(&v2, &url).unwrap();
        assert_eq!(t.expires_in, Some(3599));
        assert_eq!(t.refresh_token.unwrap().expose(), "R");
        let none: Map<String, Value> = serde_json::from_str(r#"{"expires_in":1}"#).unwrap();
        assert!(token_set(&none, &url).is_err());
    }
}
