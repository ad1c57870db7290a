//! Sign-in end to end over loopback HTTP against the sandbox's identity platform with strict
//! auth: device code with pending polls, the private cache, silent refresh, 401 → refresh →
//! retry once, signed out and back in, logout, a loose cache refused, and no token in logs or
//! Debug output.

mod common;

use common::{
    TempDir, assert_says, customer_count, device_login, env_of, fast_polls, listing_settings,
};
use pcx::api::TokenProvider;
use pcx::auth::{self, AuthError, Clock, LoginCacheToken, LoginSettings};
use pcx::cli::{GlobalArgs, LoginArgs};
use pcx::config::{Paths, Settings};
use pcx::sandbox::{IdentityError, PARTNER_ADMIN, PARTNER_TENANT_ID, Sandbox};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const CLIENT: &str = "00000000-0000-0000-0000-0000000000c1";
/// The customers the strict sandbox lists.
const CUSTOMERS: usize = 3;

/// The identity platform and strict API: a device code is approved on the third poll.
async fn platform() -> Sandbox {
    common::strict_sandbox(1, 2).await
}

/// An identity platform with its defaults and an operator signed in to it, with files under a
/// directory of their own.
async fn signed_in() -> (Sandbox, TempDir) {
    let idp = platform().await;
    let dir = TempDir::new("test");
    device_login(&idp, &dir, CLIENT).await.0.unwrap();
    (idp, dir)
}

/// The tokens a listing finds with no sign-in flags: the sign-in saved under `dir`.
fn listing_tokens(idp: &Sandbox, dir: &TempDir) -> Arc<dyn TokenProvider> {
    auth::token_provider(&listing_settings(&idp.base_url(), dir), &env_of(&[]))
}

fn cache_provider(settings: &Settings) -> LoginCacheToken {
    LoginCacheToken::new(
        settings.login_cache_file(),
        auth::filter(settings),
        auth::how_to_sign_in(),
    )
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn device_code_flow_polls_through_pending_and_saves_a_private_cache() {
    let idp = platform().await;
    let dir = TempDir::new("test");
    let (identity, out) = device_login(&idp, &dir, CLIENT).await;
    let identity = identity.unwrap();
    assert_eq!(identity.user.as_deref(), Some(PARTNER_ADMIN));
    assert_eq!(identity.tenant.as_deref(), Some(PARTNER_TENANT_ID));
    assert_eq!(identity.mfa, Some(true));
    assert!(
        out.contains(&format!("{}/devicelogin", idp.base_url()))
            && out.contains(&idp.user_codes()[0]),
        "{out}"
    );
    assert!(
        out.contains(&format!("Signed in as {PARTNER_ADMIN}")),
        "{out}"
    );
    assert!(!out.contains("warning"), "{out}");
    {
        let c = idp.sign_in_counts();
        assert_eq!(
            (c.device_codes, c.polls),
            (1, 3),
            "two pending polls, then approval"
        );
    }
    let file = dir.path().join("cache").join("login.json");
    #[cfg(unix)]
    {
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(file.parent().unwrap()), 0o700);
    }
    for secret in idp.issued_secrets() {
        assert!(
            !out.contains(&secret),
            "the prompt shows no token or device code"
        );
    }
    // A listing with no sign-in flags finds this sign-in and works.
    let tokens = listing_tokens(&idp, &dir);
    assert_eq!(
        customer_count(&idp.base_url(), tokens.clone())
            .await
            .unwrap(),
        CUSTOMERS
    );
    assert_eq!(
        tokens.identity().unwrap().user.as_deref(),
        Some(PARTNER_ADMIN)
    );
    assert_eq!(
        idp.sign_in_counts().refreshes,
        0,
        "a fresh token is used as is"
    );
}

#[tokio::test]
async fn slow_down_lengthens_the_wait_and_the_flow_still_completes() {
    // Approved at the first poll that is not slowed down.
    let idp = common::strict_sandbox(1, 0).await;
    idp.set_slow_down(true);
    let dir = TempDir::new("test");
    let (identity, _) = device_login(&idp, &dir, CLIENT).await;
    assert!(identity.is_ok(), "{identity:?}");
    assert_eq!(idp.sign_in_counts().polls, 2);
}

#[tokio::test]
async fn declined_and_expired_codes_end_with_clear_errors_and_no_cache() {
    let idp = platform().await;
    let dir = TempDir::new("test");
    let (declined, _) = device_login(&idp, &dir, "00000000-0000-0000-0000-00000000dec1").await;
    assert_eq!(declined.unwrap_err(), AuthError::Declined);
    idp.set_identity_error(Some(IdentityError::parse("expired_token").unwrap()));
    let (expired, _) = device_login(&idp, &dir, CLIENT).await;
    let expired = expired.unwrap_err();
    assert_eq!(expired, AuthError::Expired);
    assert!(expired.to_string().contains("pcx login"), "{expired}");
    assert!(!dir.path().join("cache").join("login.json").exists());
}

#[tokio::test]
async fn login_without_a_client_id_uses_the_default_public_client() {
    let idp = platform().await;
    let dir = TempDir::new("test");
    let login = LoginArgs {
        authority: Some(idp.base_url()),
        ..LoginArgs::default()
    };
    let s = Settings::load_with_paths(
        &GlobalArgs::default(),
        Some(&login),
        &env_of(&[]),
        Paths::under(dir.path()),
    )
    .unwrap();
    let login = LoginSettings::resolve(&s);
    assert_eq!(login.client_id, pcx::config::DEFAULT_CLIENT_ID);
    auth::login_with(&login, fast_polls(), &mut Vec::new())
        .await
        .unwrap();
    let saved = auth::cache::load(&s.login_cache_file()).unwrap();
    assert_eq!(saved.logins[0].client_id, pcx::config::DEFAULT_CLIENT_ID);
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_silently() {
    let (idp, dir) = signed_in().await;
    let listing = listing_settings(&idp.base_url(), &dir);
    // Two hours later: the access token (1 h) has expired.
    let later: Clock = Arc::new(|| SystemTime::now() + Duration::from_secs(7200));
    let provider = cache_provider(&listing).with_clock(later);
    let before = pcx::auth::cache::load(&listing.login_cache_file())
        .unwrap()
        .logins[0]
        .clone();
    let token = provider.token(false).await.unwrap();
    assert_ne!(token, before.access_token, "a new access token");
    let c = idp.sign_in_counts();
    assert_eq!(
        (c.refreshes, c.device_codes),
        (1, 1),
        "refreshed, no new prompt"
    );
    let after = pcx::auth::cache::load(&listing.login_cache_file())
        .unwrap()
        .logins[0]
        .clone();
    assert_eq!(after.access_token, token, "the refreshed token is saved");
    #[cfg(unix)]
    assert_eq!(mode(&listing.login_cache_file()), 0o600);
    // Within its lifetime the new token is reused.
    assert_eq!(provider.token(false).await.unwrap(), token);
    assert_eq!(idp.sign_in_counts().refreshes, 1);
}

#[tokio::test]
async fn a_401_mid_session_is_refreshed_and_retried_once() {
    let (idp, dir) = signed_in().await;
    let tokens = listing_tokens(&idp, &dir);
    let list = || async { customer_count(&idp.base_url(), tokens.clone()).await };
    assert_eq!(list().await.unwrap(), CUSTOMERS);
    idp.revoke_access_tokens();
    assert_eq!(list().await.unwrap(), CUSTOMERS);
    let c = idp.sign_in_counts();
    assert_eq!(
        (idp.api_request_count(), c.refused_tokens, c.refreshes),
        (3, 1, 1)
    );
}

#[tokio::test]
async fn when_the_refresh_fails_it_says_signed_out_and_a_new_login_rearms_the_provider() {
    let (idp, dir) = signed_in().await;
    let tokens = listing_tokens(&idp, &dir);
    let list = || async { customer_count(&idp.base_url(), tokens.clone()).await };
    assert_eq!(list().await.unwrap(), CUSTOMERS);
    idp.revoke_access_tokens();
    idp.revoke_refresh_tokens();
    let err = list().await.unwrap_err();
    assert!(auth::needs_sign_in(&err), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("signed out") && text.contains("pcx login"),
        "{text}"
    );
    assert_eq!(idp.api_request_count(), 2, "retried once, not more");
    // Sign in again (as the TUI does in place): the same provider picks it up at once.
    device_login(&idp, &dir, CLIENT).await.0.unwrap();
    let calls = |idp: &Sandbox| (idp.api_request_count(), idp.sign_in_counts().refused_tokens);
    let before = calls(&idp);
    assert_eq!(list().await.unwrap(), CUSTOMERS);
    assert_eq!(calls(&idp), (before.0 + 1, before.1), "no 401 first");
    // A logout elsewhere (another pcx) takes effect in this one too.
    auth::logout(&listing_settings(&idp.base_url(), &dir), &mut Vec::new()).unwrap();
    let err = list().await.unwrap_err().to_string();
    assert!(err.contains("not signed in"), "{err}");
    assert!(tokens.identity().is_none());
}

#[tokio::test]
async fn logout_removes_the_cache_and_then_listing_says_how_to_sign_in() {
    let (idp, dir) = signed_in().await;
    let listing = listing_settings(&idp.base_url(), &dir);
    let mut out = Vec::new();
    assert_eq!(auth::logout(&listing, &mut out).unwrap(), 1);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains(&format!("Signed out {PARTNER_ADMIN}"))
    );
    assert!(!listing.login_cache_file().exists());
    let tokens = auth::token_provider(&listing, &env_of(&[]));
    let err = customer_count(&idp.base_url(), tokens)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("pcx login") && err.contains("token-command"),
        "{err}"
    );
    let mut out = Vec::new();
    assert_eq!(auth::logout(&listing, &mut out).unwrap(), 0);
    assert!(String::from_utf8(out).unwrap().contains("No saved sign-in"));
}

#[cfg(unix)]
#[tokio::test]
async fn a_cache_others_can_read_is_refused_like_ssh_does() {
    use std::os::unix::fs::PermissionsExt;
    let (idp, dir) = signed_in().await;
    let listing = listing_settings(&idp.base_url(), &dir);
    let file = listing.login_cache_file();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let tokens = auth::token_provider(&listing, &env_of(&[]));
    let err = customer_count(&idp.base_url(), tokens)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("too open") && err.contains("0644"), "{err}");
    assert!(
        err.contains(&format!("chmod 600 '{}'", file.display())),
        "{err}"
    );
    assert_eq!(idp.api_request_count(), 0, "no token was sent");
    // info reports it too, and logout clears it.
    let mut out = Vec::new();
    auth::info(&listing, &env_of(&[]), &mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("too open"));
    auth::logout(&listing, &mut Vec::new()).unwrap();
    assert!(!file.exists());
}

#[tokio::test]
async fn a_token_without_mfa_is_warned_about() {
    let idp = platform().await;
    idp.set_mfa(false);
    let dir = TempDir::new("test");
    let (identity, out) = device_login(&idp, &dir, CLIENT).await;
    assert_eq!(identity.unwrap().mfa, Some(false));
    assert!(out.contains("warning") && out.contains("MFA"), "{out}");
}

#[tokio::test]
async fn info_shows_the_sign_in_but_never_a_token() {
    let (idp, dir) = signed_in().await;
    let mut out = Vec::new();
    auth::info(
        &listing_settings(&idp.base_url(), &dir),
        &env_of(&[]),
        &mut out,
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_says(
        &text,
        &[
            "pcx ",
            "login.json",
            PARTNER_ADMIN,
            "MFA",
            "yes",
            CLIENT,
            "refreshable",
        ],
    );
    for secret in idp.issued_secrets() {
        assert!(!text.contains(&secret));
    }
}

#[tokio::test]
async fn debug_output_of_cached_sign_ins_hides_tokens() {
    let (idp, dir) = signed_in().await;
    let cache = pcx::auth::cache::load(&dir.path().join("cache").join("login.json")).unwrap();
    let debug = format!("{cache:?} {:?}", cache.logins[0]);
    assert!(debug.contains("[redacted]"));
    for secret in idp.issued_secrets() {
        assert!(!debug.contains(&secret));
    }
}

#[tokio::test]
async fn a_failed_renewal_leaves_the_identity_the_cache_holds_now() {
    let (idp, dir) = signed_in().await;
    let listing = listing_settings(&idp.base_url(), &dir);
    let tokens: Arc<dyn TokenProvider> = Arc::new(cache_provider(&listing));
    customer_count(&idp.base_url(), tokens.clone())
        .await
        .unwrap();
    let before = tokens.identity().unwrap().expires_at.unwrap();
    assert!(before > SystemTime::now());
    // The saved sign-in has expired meanwhile (as another pcx saved it), and its renewal is
    // refused: the status bar must then read the expiry the cache holds, not the old one.
    let file = listing.login_cache_file();
    let mut cache = auth::cache::load(&file).unwrap();
    let mut entry = cache.select(&auth::filter(&listing)).unwrap().clone();
    entry.expires_at = 1_000;
    entry.issued_at = 0;
    cache.upsert(entry);
    auth::cache::save(&file, &cache).unwrap();
    idp.revoke_refresh_tokens();
    customer_count(&idp.base_url(), tokens.clone())
        .await
        .unwrap_err();
    let after = tokens.identity().unwrap().expires_at.unwrap();
    assert_eq!(after, SystemTime::UNIX_EPOCH + Duration::from_secs(1_000));
}
