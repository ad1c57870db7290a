//! Sign-in against the sandbox's simulated identity platform with strict auth (only tokens it
//! issued are accepted), as a new operator would: device-code login, listing, silent refresh
//! after expiry, a refused token refreshed and retried once, a declined sign-in, logout.

mod common;

use common::{TempDir, env_of, listing_settings};
use pcx::api::{ApiError, TokenProvider};
use pcx::auth::{self, AuthError, Clock, LoginCacheToken};
use pcx::sandbox::Sandbox;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const CLIENT: &str = "00000000-0000-0000-0000-0000000000c1";

async fn sandbox() -> Sandbox {
    common::strict_sandbox(2, 2).await
}

async fn login(
    sandbox: &Sandbox,
    dir: &TempDir,
    client_id: &str,
) -> Result<auth::Identity, AuthError> {
    let (result, out) = common::device_login(sandbox, dir, client_id).await;
    if result.is_ok() {
        assert!(out.contains("http://") || out.contains("https://"), "{out}");
    }
    result
}

async fn customers(sandbox: &Sandbox, tokens: Arc<dyn TokenProvider>) -> Result<usize, ApiError> {
    common::customer_count(&sandbox.base_url(), tokens).await
}

#[tokio::test]
async fn login_then_listing_then_silent_refresh_after_expiry_then_logout() {
    let sandbox = sandbox().await;
    let dir = TempDir::new("test");
    let listing = listing_settings(&sandbox.base_url(), &dir);
    // Nothing yet: the error says how to sign in.
    let err = customers(&sandbox, auth::token_provider(&listing, &env_of(&[])))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("pcx login"), "{err}");

    let identity = login(&sandbox, &dir, CLIENT).await.unwrap();
    assert!(
        identity.user.is_some() && identity.mfa == Some(true),
        "{identity:?}"
    );
    assert_eq!(
        customers(&sandbox, auth::token_provider(&listing, &env_of(&[])))
            .await
            .unwrap(),
        3
    );

    // Two hours on, the saved access token has expired: the provider refreshes with no prompt.
    let file = listing.login_cache_file();
    let before = auth::cache::load(&file).unwrap().logins[0]
        .access_token
        .clone();
    let later: Clock = Arc::new(|| SystemTime::now() + Duration::from_secs(7200));
    let provider =
        LoginCacheToken::new(file.clone(), auth::filter(&listing), auth::how_to_sign_in())
            .with_clock(later);
    assert_eq!(customers(&sandbox, Arc::new(provider)).await.unwrap(), 3);
    let after = auth::cache::load(&file).unwrap().logins[0]
        .access_token
        .clone();
    assert_ne!(before, after, "refreshed and saved");

    assert_eq!(auth::logout(&listing, &mut Vec::new()).unwrap(), 1);
    let err = customers(&sandbox, auth::token_provider(&listing, &env_of(&[])))
        .await
        .unwrap_err();
    assert!(auth::needs_sign_in(&err), "{err:?}");
}

#[tokio::test]
async fn a_token_the_service_refuses_is_refreshed_and_the_call_retried_once() {
    let sandbox = sandbox().await;
    let dir = TempDir::new("test");
    login(&sandbox, &dir, CLIENT).await.unwrap();
    let listing = listing_settings(&sandbox.base_url(), &dir);
    // Replace the saved access token with one the sandbox never issued (as after a revoke).
    let file = listing.login_cache_file();
    let mut cache = auth::cache::load(&file).unwrap();
    cache.logins[0].access_token = pcx::api::Secret::new("not-issued-by-the-sandbox");
    auth::cache::save(&file, &cache).unwrap();
    let requests = sandbox.api_request_count();
    assert_eq!(
        customers(&sandbox, auth::token_provider(&listing, &env_of(&[])))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        sandbox.api_request_count() - requests,
        2,
        "one 401, one retry"
    );
}

#[tokio::test]
async fn a_declined_sign_in_is_reported_and_saves_nothing() {
    let sandbox = sandbox().await;
    let dir = TempDir::new("test");
    let err = login(&sandbox, &dir, "00000000-0000-0000-0000-00000000dec1")
        .await
        .unwrap_err();
    assert_eq!(err, AuthError::Declined);
    assert!(
        !listing_settings(&sandbox.base_url(), &dir)
            .login_cache_file()
            .exists()
    );
}
