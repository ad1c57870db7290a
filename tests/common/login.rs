//! What a signed-in test sets up: the settings of `pcx login` and of a listing, an environment
//! of its own, fast device-code polls, and a count of the customers a token can list.

use super::TempDir;
use pcx::api::{ApiClient, ApiError, CallContext, ClientConfig, CustomerQuery, TokenProvider};
use pcx::auth::{AuthError, Identity, LoginSettings};
use pcx::sandbox::Sandbox;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// An environment with only these variables.
pub fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name: &str| map.get(name).cloned()
}

pub fn fast_polls() -> pcx::auth::PollPolicy {
    pcx::auth::PollPolicy {
        min_interval: Duration::from_millis(5),
        slow_down_step: Duration::from_millis(20),
    }
}

/// The settings of an operator who signs in with `pcx login` to `base` (API and identity
/// platform at one address) as app `client_id`, with files under `dir`.
pub fn login_settings(base: &str, dir: &TempDir, client_id: &str) -> pcx::config::Settings {
    let global = pcx::cli::GlobalArgs {
        base_url: Some(base.to_string()),
        ..Default::default()
    };
    let login = pcx::cli::LoginArgs {
        authority: Some(base.to_string()),
        tenant: Some("organizations".into()),
        client_id: Some(client_id.into()),
    };
    let paths = pcx::config::Paths::under(dir.path());
    pcx::config::Settings::load_with_paths(&global, Some(&login), &env_of(&[]), paths).unwrap()
}

/// What a listing command of `base` sees: no login flags, only the cache under `dir`.
pub fn listing_settings(base: &str, dir: &TempDir) -> pcx::config::Settings {
    let global = pcx::cli::GlobalArgs {
        base_url: Some(base.to_string()),
        ..Default::default()
    };
    let paths = pcx::config::Paths::under(dir.path());
    pcx::config::Settings::load_with_paths(&global, None, &env_of(&[]), paths).unwrap()
}

/// How many customers the first page of `base` lists with these tokens, asked by a client with
/// the default settings.
pub async fn customer_count(base: &str, tokens: Arc<dyn TokenProvider>) -> Result<usize, ApiError> {
    let client = ApiClient::new(ClientConfig::new(base), tokens)?;
    let page = client
        .customers_page(&CallContext::new(), &CustomerQuery::default(), None)
        .await?;
    Ok(page.items.len())
}

/// `pcx login` to `sandbox` as app `client_id`, with files under `dir`: who signed in, and the
/// prompt it printed.
pub async fn device_login(
    sandbox: &Sandbox,
    dir: &TempDir,
    client_id: &str,
) -> (Result<Identity, AuthError>, String) {
    let settings = login_settings(&sandbox.base_url(), dir, client_id);
    let mut out = Vec::new();
    let result =
        pcx::auth::login_with(&LoginSettings::resolve(&settings), fast_polls(), &mut out).await;
    (result, String::from_utf8(out).unwrap())
}
