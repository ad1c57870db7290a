//! Sign-in: which token source applies (PCX_ACCESS_TOKEN, then the token command, then the
//! login cache), the device-code login and logout, and the errors that say how to sign in.
//! Tokens never reach a log event, an error message, a URL or Debug output.

mod aadsts;
pub mod cache;
mod cached;
pub mod children;
mod claims;
mod command;
mod device;
mod info;
mod oauth;

pub use crate::api::token::Identity;
pub use aadsts::REFUSALS;
pub use cache::{CacheFile, LoginEntry, LoginFilter};
pub use cached::{Clock, LoginCacheToken};
pub use claims::{format_utc, identity_from_jwt, relative};
pub use command::CommandToken;
pub use device::{DeviceLogin, DevicePrompt, PollPolicy};
pub use info::info;
pub use oauth::SCOPE;

use crate::api::error::ApiError;
use crate::api::token::{BoxFuture, Secret, TokenProvider};
use crate::config::{EnvLookup, Settings};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A token source that can get a fresh token and knows who its tokens speak for: the login
/// cache and the token command, which differ only in how they get a token.
trait RefreshingSource: Send + Sync {
    fn fetch(&self, refresh: bool) -> impl Future<Output = Result<Secret, AuthError>> + Send;
    fn identity_cell(&self) -> &claims::IdentityCell;
    /// Where its tokens come from, for the advice when they are refused.
    fn token_source(&self) -> TokenSource;
}

/// Implements `RefreshingSource` for a provider that has an inherent `get(refresh)` and an
/// `identity` cell, naming where its tokens come from.
macro_rules! refreshing_source {
    ($provider:ty, $source:expr) => {
        impl $crate::auth::RefreshingSource for $provider {
            fn fetch(
                &self,
                refresh: bool,
            ) -> impl Future<Output = Result<$crate::api::token::Secret, $crate::auth::AuthError>>
            + Send {
                self.get(refresh)
            }

            fn identity_cell(&self) -> &$crate::auth::claims::IdentityCell {
                &self.identity
            }

            fn token_source(&self) -> $crate::auth::TokenSource {
                $source
            }
        }
    };
}
use refreshing_source;

impl<T: RefreshingSource> TokenProvider for T {
    fn token(&self, refresh: bool) -> BoxFuture<'_, Result<Secret, ApiError>> {
        Box::pin(async move { self.fetch(refresh).await.map_err(AuthError::into_api_error) })
    }

    fn can_refresh(&self) -> bool {
        true
    }

    fn identity(&self) -> Option<Identity> {
        self.identity_cell().get()
    }

    fn refused_advice(&self) -> Option<&'static str> {
        Some(refused_advice(&self.token_source()))
    }

    fn waits_for(&self) -> &'static str {
        match self.token_source() {
            TokenSource::Command => "the token command",
            TokenSource::LoginCache | TokenSource::EnvToken => "a token",
        }
    }
}

/// The environment variable holding a ready access token (highest priority).
pub const ACCESS_TOKEN_VAR: &str = "PCX_ACCESS_TOKEN";
/// The Azure CLI recipe (after `az login --tenant YOUR_PARTNER_TENANT --allow-no-subscriptions`):
/// `--tenant` makes the token come from the partner tenant, not the CLI's default one.
pub const AZ_TOKEN_COMMAND: &str = "az account get-access-token --resource https://api.partnercenter.microsoft.com --tenant YOUR_PARTNER_TENANT --query accessToken -o tsv";

/// Why signing in or getting a token failed. Never holds a token.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    /// A setting is missing or unusable (no client id, an http authority, ...).
    #[error("{0}")]
    Settings(String),
    #[error("cannot reach the identity platform{}: {message}", at(.url))]
    Network { url: String, message: String },
    #[error("unexpected answer from the identity platform at {url}: {message}")]
    BadResponse { url: String, message: String },
    /// The identity platform answered with an OAuth error.
    #[error("the identity platform refused (HTTP {status}, {error}{}){}", description.as_ref().map(|d| format!(": {d}")).unwrap_or_default(), hint.as_ref().map(|h| format!("; {h}")).unwrap_or_default())]
    Refused {
        status: u16,
        error: String,
        description: Option<String>,
        hint: Option<String>,
    },
    #[error("the sign-in was declined in the browser; run `pcx login` to try again")]
    Declined,
    #[error("the code expired before the sign-in was completed; run `pcx login` to get a new one")]
    Expired,
    #[error(
        "permissions {mode:04o} for the sign-in cache {path} are too open: it holds tokens and must be readable only by you; \
         it is ignored. Fix with: chmod 600 '{path}' (or remove it with `pcx logout`)"
    )]
    CacheTooOpen { path: PathBuf, mode: u32 },
    #[error("cannot {action} the sign-in cache {path}: {message}")]
    Cache {
        path: PathBuf,
        action: &'static str,
        message: String,
    },
    /// No saved sign-in: the message says how to sign in.
    #[error("{0}")]
    NotSignedIn(String),
    /// The saved sign-in cannot be renewed: a new `pcx login` is needed.
    #[error(
        "signed out: the sign-in of {who} could not be renewed: {reason}. Run `pcx login` to sign in again"
    )]
    SignedOut { who: String, reason: String },
    #[error("{0}")]
    TokenCommand(String),
}

fn at(url: &str) -> String {
    if url.is_empty() {
        String::new()
    } else {
        format!(" at {url}")
    }
}

impl AuthError {
    /// As the API client reports it: a network failure stays a network failure (retryable),
    /// everything else is a credentials problem with this error's message.
    pub fn into_api_error(self) -> ApiError {
        match self {
            Self::Network { message, .. } => ApiError::Network {
                message: format!("cannot renew the sign-in: {message}"),
                correlation_id: None,
            },
            other => ApiError::Credentials(other.to_string()),
        }
    }
}

/// True when the error means "sign in again" (the TUI then offers the in-place device login).
pub fn needs_sign_in(error: &ApiError) -> bool {
    matches!(error, ApiError::SignedOut(_) | ApiError::Credentials(_))
}

/// Where a device-code sign-in goes and where it is saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginSettings {
    pub authority: String,
    pub tenant: String,
    pub client_id: String,
    pub cache_file: PathBuf,
}

impl LoginSettings {
    /// From the settings; what the operator did not set is taken from the most recent matching
    /// saved sign-in (so a bare `pcx login`, or the TUI, signs in again as before), else the
    /// defaults (the Partner Center PowerShell module's public client, tenant `organizations`).
    pub fn resolve(settings: &Settings) -> Self {
        let cache_file = settings.login_cache_file();
        let saved = cache::load(&cache_file)
            .ok()
            .and_then(|c| c.select(&filter(settings)).cloned());
        let pick = |setting: &crate::config::Setting<String>, from_saved: Option<&str>| match (
            setting.is_explicit(),
            from_saved,
        ) {
            (false, Some(saved)) => saved.to_string(),
            _ => setting.value.clone(),
        };
        Self {
            authority: pick(
                &settings.authority,
                saved.as_ref().map(|s| s.authority.as_str()),
            ),
            tenant: pick(&settings.tenant, saved.as_ref().map(|s| s.tenant.as_str())),
            client_id: pick(
                &settings.client_id,
                saved.as_ref().map(|s| s.client_id.as_str()),
            ),
            cache_file,
        }
    }
}

/// The saved sign-ins these settings point at: every field the operator set must match.
pub fn filter(settings: &Settings) -> LoginFilter {
    let explicit = |s: &crate::config::Setting<String>| s.is_explicit().then(|| s.value.clone());
    LoginFilter {
        authority: explicit(&settings.authority),
        tenant: explicit(&settings.tenant),
        client_id: explicit(&settings.client_id),
    }
}

/// Which token source applies, in order of precedence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// `PCX_ACCESS_TOKEN` is set.
    EnvToken,
    /// A token command is configured (flag, PCX_TOKEN_COMMAND or config file).
    Command,
    /// The login cache (it may hold nothing yet).
    LoginCache,
}

pub fn token_source(settings: &Settings, env: EnvLookup<'_>) -> TokenSource {
    if env(ACCESS_TOKEN_VAR).is_some_and(|t| !t.trim().is_empty()) {
        TokenSource::EnvToken
    } else if settings.token_command.value.is_some() {
        TokenSource::Command
    } else {
        TokenSource::LoginCache
    }
}

/// The token provider for API calls. With no credentials at all it is the login-cache provider,
/// whose error says exactly how to sign in (both routes), and which picks up a later sign-in.
pub fn token_provider(settings: &Settings, env: EnvLookup<'_>) -> Arc<dyn TokenProvider> {
    match token_source(settings, env) {
        TokenSource::EnvToken => {
            let token = env(ACCESS_TOKEN_VAR).unwrap_or_default();
            tracing::info!("token source: {ACCESS_TOKEN_VAR}");
            Arc::new(EnvToken::new(Secret::new(token.trim())))
        }
        TokenSource::Command => {
            tracing::info!(source = %settings.token_command.source, "token source: token command");
            Arc::new(CommandToken::new(
                settings.token_command.value.clone().unwrap_or_default(),
            ))
        }
        TokenSource::LoginCache => {
            let path = settings.login_cache_file();
            tracing::info!(path = %path.display(), "token source: login cache");
            Arc::new(LoginCacheToken::new(
                path,
                filter(settings),
                how_to_sign_in(),
            ))
        }
    }
}

/// What to do when Partner Center refuses (HTTP 401) a token from this source, and a renewal
/// did not help: the one wording the listings, the explorer and the reports share.
pub fn refused_advice(source: &TokenSource) -> &'static str {
    match source {
        TokenSource::LoginCache => "sign in again with `pcx login` (in the explorer: L)",
        TokenSource::Command => {
            "the token comes from the token command: refresh that tool's sign-in (for the Azure CLI: \
             `az login --tenant YOUR_PARTNER_TENANT --allow-no-subscriptions`), then retry (r in the explorer)"
        }
        TokenSource::EnvToken => {
            "the token comes from PCX_ACCESS_TOKEN, which pcx cannot renew: set PCX_ACCESS_TOKEN to a fresh \
             token (or unset it to use `pcx login`) and start pcx again"
        }
    }
}

/// What to do when there are no credentials: the device-code login or a token command.
pub fn how_to_sign_in() -> String {
    format!(
        "not signed in. Sign in with a device code: `pcx login` (add --tenant YOUR_PARTNER_TENANT to pick the \
         tenant, --client-id GUID to use your own app registration; see \"Signing in\" in the README); or let \
         pcx run a command that prints a token: --token-command '{AZ_TOKEN_COMMAND}' (also PCX_TOKEN_COMMAND \
         or token_command in the config file); or set {ACCESS_TOKEN_VAR}. To try pcx without credentials: pcx --demo"
    )
}

/// `pcx login`: the device-code flow, with its prompt written to `out` (stderr in practice:
/// nothing is read from stdin). Saves the sign-in and returns who signed in.
pub async fn login(settings: &Settings, out: &mut dyn Write) -> Result<Identity, AuthError> {
    login_with(
        &LoginSettings::resolve(settings),
        PollPolicy::default(),
        out,
    )
    .await
}

/// `login` with explicit settings and poll policy (tests, or a caller with its own settings).
pub async fn login_with(
    settings: &LoginSettings,
    policy: PollPolicy,
    out: &mut dyn Write,
) -> Result<Identity, AuthError> {
    let login = DeviceLogin::start(settings).await?.with_poll_policy(policy);
    let prompt = login.prompt();
    let _ = writeln!(out, "{}", prompt.instructions());
    let _ = writeln!(out, "Waiting for the sign-in to complete…");
    let _ = out.flush();
    let identity = login.complete().await?;
    let _ = writeln!(out, "{}", signed_in_line(&identity, &settings.cache_file));
    if identity.lacks_mfa() {
        let _ = writeln!(out, "warning: {}", NO_MFA_WARNING);
    }
    Ok(identity)
}

pub const NO_MFA_WARNING: &str = "the token has no MFA claim; Partner Center rejects App+User calls without multi-factor authentication";

fn signed_in_line(identity: &Identity, path: &Path) -> String {
    format!(
        "Signed in as {} (tenant {}); saved in {}",
        identity.user.as_deref().unwrap_or("an unknown user"),
        identity.tenant.as_deref().unwrap_or("unknown"),
        path.display()
    )
}

/// `pcx logout`: forgets the saved sign-ins these settings point at (all of them when nothing
/// is set), deleting the file when none is left. Returns how many were removed.
pub fn logout(settings: &Settings, out: &mut dyn Write) -> Result<usize, AuthError> {
    let path = settings.login_cache_file();
    let mut cache = match cache::load(&path) {
        Ok(cache) => cache,
        // Unreadable or too open: the safe way out is to remove it.
        Err(e @ (AuthError::Cache { .. } | AuthError::CacheTooOpen { .. })) => {
            tracing::warn!(error = %e, "removing an unusable sign-in cache");
            let removed = cache::delete(&path)?;
            let _ = writeln!(out, "Removed the sign-in cache {}", path.display());
            return Ok(usize::from(removed));
        }
        Err(e) => return Err(e),
    };
    let removed = cache.remove(&filter(settings));
    if cache.logins.is_empty() {
        cache::delete(&path)?;
    } else if !removed.is_empty() {
        cache::save(&path, &cache)?;
    }
    if removed.is_empty() {
        let _ = writeln!(out, "No saved sign-in to remove in {}", path.display());
    }
    for entry in &removed {
        let _ = writeln!(out, "Signed out {}", entry.describe());
    }
    tracing::info!(removed = removed.len(), path = %path.display(), "logout");
    Ok(removed.len())
}

/// A fixed token from `PCX_ACCESS_TOKEN`; its claims are shown, it is never renewed.
pub struct EnvToken {
    token: Secret,
    identity: Option<Identity>,
}

impl EnvToken {
    pub fn new(token: Secret) -> Self {
        let identity = identity_from_jwt(token.expose());
        Self { token, identity }
    }
}

impl TokenProvider for EnvToken {
    fn token(&self, _refresh: bool) -> BoxFuture<'_, Result<Secret, ApiError>> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }

    fn refused_advice(&self) -> Option<&'static str> {
        Some(refused_advice(&TokenSource::EnvToken))
    }

    fn identity(&self) -> Option<Identity> {
        self.identity.clone()
    }
}
