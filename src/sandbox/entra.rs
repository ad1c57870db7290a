//! Refusals the simulated identity platform can be told to give (`pcx sandbox --identity-error
//! CODE`): Entra's error, AADSTS code, HTTP status, suberror and wording for each refusal an
//! operator meets, so every explanation pcx gives is tested against Entra's own shape. Decides
//! which requests a refusal applies to; the body itself is written by `identity`.

use axum::http::StatusCode;

/// A refusal to give: an AADSTS code (`AADSTS50194`), or a device-code error
/// (`authorization_declined`, `expired_token`), optionally with Entra's words replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityError {
    code: String,
    description: Option<String>,
}

impl IdentityError {
    /// `AADSTS50194`, `50194`, `authorization_declined` or `expired_token` (any case).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let digits = text
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("AADSTS"))
            .map_or(text, |_| &text[6..]);
        let code = if !digits.is_empty()
            && digits.len() <= 9
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            format!("AADSTS{digits}")
        } else if ["authorization_declined", "expired_token"]
            .iter()
            .any(|e| e.eq_ignore_ascii_case(text))
        {
            text.to_ascii_lowercase()
        } else {
            return Err(format!(
                "--identity-error expects an AADSTS code (e.g. AADSTS50194) or authorization_declined \
                 or expired_token, got {text:?}"
            ));
        };
        Ok(Self {
            code,
            description: None,
        })
    }

    /// The same refusal with other words (e.g. hostile text, to test sanitising).
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    fn number(&self) -> Option<u32> {
        self.code.strip_prefix("AADSTS")?.parse().ok()
    }
}

/// Which request is being answered.
pub(crate) struct Request<'a> {
    /// A token-endpoint request with the device-code grant (a poll).
    pub device_grant: bool,
    pub tenant: &'a str,
    pub client_id: &'a str,
}

/// The answer Entra gives, without the trace fields `identity` adds.
pub(crate) struct Refusal {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: u32,
    pub suberror: Option<&'static str>,
    pub description: String,
}

/// The refusal for this request, when the configured error applies to it: the device-code
/// errors only answer a device-code poll; AADSTS50194 only the shared endpoints (a single-tenant
/// app works at its own tenant); every other code answers both endpoints.
pub(crate) fn refusal(error: &IdentityError, request: &Request<'_>) -> Option<Refusal> {
    let shared_endpoint = ["common", "organizations"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(request.tenant));
    let (status, oauth_error, code, suberror, words) = match error.code.as_str() {
        "authorization_declined" if request.device_grant => (
            StatusCode::BAD_REQUEST,
            "authorization_declined",
            65004,
            None,
            "The user declined to sign in to the application.".to_string(),
        ),
        "expired_token" if request.device_grant => (
            StatusCode::BAD_REQUEST,
            "expired_token",
            70019,
            None,
            "Verification code expired.".to_string(),
        ),
        "authorization_declined" | "expired_token" => return None,
        "AADSTS50194" if !shared_endpoint => return None,
        _ => {
            let number = error.number()?;
            let (status, oauth_error, suberror, words) = words_of(number, request);
            (status, oauth_error, number, suberror, words)
        }
    };
    Some(Refusal {
        status,
        error: oauth_error,
        code,
        suberror,
        description: error.description.clone().unwrap_or(words),
    })
}

const RESOURCE: &str = "https://api.partnercenter.microsoft.com";

/// Entra's status, error, suberror and wording for an AADSTS code.
fn words_of(
    number: u32,
    request: &Request<'_>,
) -> (StatusCode, &'static str, Option<&'static str>, String) {
    let (client, tenant) = (request.client_id, request.tenant);
    let bad = StatusCode::BAD_REQUEST;
    match number {
        50194 => (bad, "invalid_request", None, format!(
            "Application '{client}'(pcx) is not configured as a multi-tenant application. Usage of the /common \
             endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific \
             endpoint or configure the application to be multi-tenant."
        )),
        50076 => (bad, "invalid_grant", Some("basic_action"), format!(
            "Due to a configuration change made by your administrator, or because you moved to a new location, \
             you must use multi-factor authentication to access '{RESOURCE}'."
        )),
        50079 => (bad, "invalid_grant", Some("basic_action"), format!(
            "Due to a configuration change made by your administrator, or because you moved to a new location, \
             you must enroll in multi-factor authentication to access '{RESOURCE}'."
        )),
        53003 => (bad, "invalid_grant", Some("message_only"),
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
                .to_string()),
        50020 => (bad, "invalid_grant", None, format!(
            "User account 'someone@example.com' from identity provider 'live.com' does not exist in tenant \
             '{tenant}' and cannot access the application '{client}'(pcx) in that tenant. The account needs to be \
             added as an external user in the tenant first. Sign out and sign in again with a different Azure \
             Active Directory user account."
        )),
        50105 => (bad, "invalid_grant", None, format!(
            "Your administrator has configured the application pcx ('{client}') to block users unless they are \
             specifically granted ('assigned') access to the application. The signed in user \
             'admin@demo-partner.onmicrosoft.com' is blocked because they are not a direct member of a group \
             with access, nor had access directly assigned by an administrator. Please contact your \
             administrator to assign access to this application."
        )),
        65001 => (bad, "invalid_grant", Some("consent_required"), format!(
            "The user or administrator has not consented to use the application with ID '{client}' named 'pcx'. \
             Send an interactive authorization request for this user and resource."
        )),
        7000218 => (StatusCode::UNAUTHORIZED, "invalid_client", None,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
                .to_string()),
        700016 => (bad, "unauthorized_client", None, format!(
            "Application with identifier '{client}' was not found in the directory '{tenant}'. This can happen \
             if the application has not been installed by the administrator of the tenant or consented to by \
             any user in the tenant. You may have sent your authentication request to the wrong tenant."
        )),
        90002 => (bad, "invalid_request", None, format!(
            "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into \
             the correct cloud. Check with your subscription administrator, this may happen if there are no \
             active subscriptions for the tenant."
        )),
        700082 => (bad, "invalid_grant", None,
            "The refresh token has expired due to inactivity. The token was issued on 2026-01-05T09:12:44Z and \
             was inactive for 90.00:00:00."
                .to_string()),
        70043 => (bad, "invalid_grant", Some("bad_token"),
            "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access. \
             The token was issued on 2026-01-05T09:12:44Z and the maximum allowed lifetime for this request is \
             43200."
                .to_string()),
        other => (bad, "invalid_request", None, format!(
            "The sandbox simulates error {other} here; Entra would describe it in these words."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_in_every_spelling() {
        assert_eq!(
            IdentityError::parse("AADSTS50194").unwrap().code(),
            "AADSTS50194"
        );
        assert_eq!(
            IdentityError::parse("aadsts50194").unwrap().code(),
            "AADSTS50194"
        );
        assert_eq!(IdentityError::parse("50194").unwrap().code(), "AADSTS50194");
        assert_eq!(
            IdentityError::parse("Expired_Token").unwrap().code(),
            "expired_token"
        );
        for bad in ["", "AADSTS", "AADSTSx1", "nope", "1234567890"] {
            assert!(IdentityError::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_refusal_pcx_explains_is_served_in_entras_words() {
        for (code, _) in crate::auth::REFUSALS {
            let error = IdentityError::parse(code).unwrap();
            let poll = Request {
                device_grant: true,
                tenant: "organizations",
                client_id: "c",
            };
            let r = refusal(&error, &poll).unwrap_or_else(|| panic!("{code}"));
            assert!(!r.description.contains("sandbox simulates"), "{code}");
        }
    }
}
