//! A trace-level log of everything sign-in does (device code, refresh, a 401 retry, a refused
//! refresh, the token command, PCX_ACCESS_TOKEN) holds no token. Its own test binary: the
//! subscriber is process-wide, so no other test can race it for tracing's callsite cache.

mod common;

use common::{Tape, TempDir, customer_count, device_login, env_of, listing_settings};
use pcx::api::TokenProvider;
use pcx::auth::{self, CommandToken};

#[tokio::test]
async fn a_trace_level_log_of_every_sign_in_path_holds_no_token() {
    let logs = Tape::default();
    tracing::subscriber::set_global_default(logs.subscriber()).unwrap();
    let sandbox = common::strict_sandbox(2, 2).await;
    let base = sandbox.base_url();
    let dir = TempDir::new("test");
    let (identity, prompt) =
        device_login(&sandbox, &dir, "00000000-0000-0000-0000-0000000000c1").await;
    identity.unwrap();

    let listing = listing_settings(&base, &dir);
    let tokens = auth::token_provider(&listing, &env_of(&[]));
    customer_count(&base, tokens.clone()).await.unwrap();
    sandbox.revoke_access_tokens();
    customer_count(&base, tokens.clone()).await.unwrap();
    sandbox.revoke_access_tokens();
    sandbox.revoke_refresh_tokens();
    let refused = customer_count(&base, tokens).await.unwrap_err();

    let issued = sandbox.issued_secrets();
    assert_eq!(
        issued.len(),
        5,
        "a device code, then twice an access and a refresh token (pcx asks for no id token)"
    );
    // The token command's and the environment's tokens go through the same scrutiny.
    let command_token = "command-SECRET-token-4242";
    let command = CommandToken::new(format!("printf {command_token}"));
    command.token(false).await.unwrap();
    command.token(true).await.unwrap();
    let env_token = "env-SECRET-token-4242";
    let env = env_of(&[("PCX_ACCESS_TOKEN", env_token)]);
    let _ = customer_count(&base, auth::token_provider(&listing, &env)).await;

    let text = logs.text();
    for event in [
        "device-code sign-in started",
        "signed in; sign-in saved",
        "access token refreshed",
        "refused to renew",
        "token command gave a token",
        "token source: PCX_ACCESS_TOKEN",
    ] {
        assert!(text.contains(event), "no {event:?} in the log:\n{text}");
    }
    for secret in issued
        .iter()
        .map(String::as_str)
        .chain([command_token, env_token])
    {
        assert!(!text.contains(secret), "a token reached the log");
        assert!(!prompt.contains(secret), "a token reached the prompt");
        assert!(!refused.to_string().contains(secret));
        assert!(!format!("{refused:?}").contains(secret));
    }
}
