//! The sign-in refusals an operator meets (Entra's `AADSTS` codes and the device-code errors),
//! each with one line saying what to do. The README's table is this table. Words only; the
//! identity platform's own description is shown beside them by the caller, sanitised.

/// Code (as Entra writes it in `error_description`, or the OAuth `error` for the device-code
/// ones) and what to do.
pub const REFUSALS: &[(&str, &str)] = &[
    (
        "AADSTS50194",
        "the app registration is single-tenant, and single-tenant apps cannot use the shared \
         `organizations` endpoint: pass your partner tenant, `pcx login --tenant YOUR_TENANT_ID_OR_DOMAIN` \
         (or make the app multi-tenant)",
    ),
    (
        "AADSTS50076",
        "your tenant requires multi-factor authentication (MFA) for this sign-in: run `pcx login` \
         again and complete the MFA prompt in the browser",
    ),
    (
        "AADSTS50079",
        "you must register for multi-factor authentication (MFA) first: set it up at \
         https://aka.ms/mfasetup, then run `pcx login` again",
    ),
    (
        "AADSTS53003",
        "blocked by a Conditional Access policy of your tenant (device, location or app rules): \
         ask your Entra admin which policy applies (the Entra sign-in log names it)",
    ),
    (
        "AADSTS50020",
        "the account belongs to another tenant than the one signed in to: sign in with an account \
         of your partner tenant, or pass --tenant with the account's own tenant",
    ),
    (
        "AADSTS50105",
        "your account is not assigned to this app, which requires assignment: an admin must add you \
         under Entra → Enterprise applications → the app → Users and groups",
    ),
    (
        "AADSTS65001",
        "nobody has consented to the app's delegated Partner Center permission (user_impersonation): \
         an admin must grant admin consent (App registrations → API permissions), or sign in with \
         the default client (no --client-id)",
    ),
    (
        "AADSTS7000218",
        "the app registration must allow public client flows: Azure portal → App registrations → \
         Authentication → Allow public client flows: Yes",
    ),
    (
        "AADSTS700016",
        "the app (client id) was not found in this tenant: check --client-id and --tenant (an app \
         lives in the tenant that registered it)",
    ),
    (
        "AADSTS90002",
        "the tenant was not found: check --tenant (a tenant id or a domain such as \
         contoso.onmicrosoft.com) and --authority",
    ),
    (
        "AADSTS700082",
        "the saved sign-in expired after a long time unused: sign in again with `pcx login`",
    ),
    (
        "AADSTS70043",
        "the saved sign-in expired under your tenant's sign-in frequency policy: sign in again with \
         `pcx login`",
    ),
    (
        "authorization_declined",
        "the sign-in was declined in the browser: run `pcx login` to try again",
    ),
    (
        "expired_token",
        "the code expired before the sign-in was completed: run `pcx login` to get a new one",
    ),
];

/// What to do about a refusal: by its AADSTS code, else by its OAuth error.
pub fn advice(code: Option<&str>, error: &str) -> Option<&'static str> {
    let find = |key: &str| {
        REFUSALS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, fix)| *fix)
    };
    code.and_then(find).or_else(|| find(error))
}

/// The refusal's code: Entra's `error_codes[0]`, else the `AADSTSnnn` that opens its
/// description.
pub fn code_of(
    error_codes: Option<&serde_json::Value>,
    description: Option<&str>,
) -> Option<String> {
    let listed = error_codes
        .and_then(|v| v.as_array())
        .and_then(|codes| codes.first())
        .and_then(serde_json::Value::as_u64)
        .map(|n| format!("AADSTS{n}"));
    listed.or_else(|| {
        let rest = description?.trim_start().strip_prefix("AADSTS")?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_come_from_the_list_or_the_description() {
        assert_eq!(
            code_of(Some(&json!([50194])), Some("AADSTS1: x")).as_deref(),
            Some("AADSTS50194")
        );
        assert_eq!(
            code_of(None, Some("AADSTS7000218: The request body")).as_deref(),
            Some("AADSTS7000218")
        );
        assert_eq!(code_of(Some(&json!("x")), Some("no code")), None);
    }

    #[test]
    fn advice_prefers_the_code_and_falls_back_to_the_error() {
        assert!(
            advice(Some("AADSTS50194"), "invalid_request").is_some_and(|a| a.contains("--tenant"))
        );
        assert!(advice(None, "authorization_declined").is_some());
        assert_eq!(advice(Some("AADSTS99999"), "invalid_request"), None);
    }
}
