//! The OAuth 2.0 device-code sign-in (RFC 8628) against the Microsoft identity platform: ask
//! for a code, let the caller show it, poll until the operator approves, save the tokens in the
//! login cache. Never reads stdin (it works with no terminal) and never shows the device code
//! or a token, only the short user code and the verification URL.

use super::cache::{self, LoginEntry};
use super::claims::{identity_from_jwt, to_unix};
use super::oauth::{self, DEVICE_CODE_GRANT, Endpoints, PostError, SCOPE, TokenSet};
use super::{AuthError, LoginSettings};
use crate::api::token::{Identity, Secret};
use serde_json::Value;
use std::time::{Duration, SystemTime};
use tokio::time::Instant;

/// What to show the operator: where to go and which code to type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevicePrompt {
    pub user_code: String,
    pub verification_uri: String,
    /// The identity platform's own instructions, when it sent some.
    pub message: Option<String>,
    /// How often pcx asks whether the operator has approved.
    pub interval: Duration,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

impl DevicePrompt {
    /// One line for a terminal: "To sign in, open URL and enter the code CODE (valid for 15 min)."
    pub fn instructions(&self) -> String {
        format!(
            "To sign in, open {} in a browser on any device and enter the code {} (valid for {} min).",
            self.verification_uri,
            self.user_code,
            self.expires_in.as_secs().div_ceil(60)
        )
    }
}

/// How polling waits: the service's interval (never less than `min_interval`), lengthened by
/// `slow_down_step` each time the service says `slow_down`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    pub min_interval: Duration,
    pub slow_down_step: Duration,
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self {
            min_interval: Duration::from_secs(1),
            slow_down_step: Duration::from_secs(5),
        }
    }
}

/// A device-code sign-in in progress: `start`, show `prompt()`, then `complete()`.
/// Dropping it (or the `complete` future) abandons the sign-in.
pub struct DeviceLogin {
    settings: LoginSettings,
    http: reqwest::Client,
    endpoints: Endpoints,
    device_code: Secret,
    prompt: DevicePrompt,
    deadline: Instant,
    policy: PollPolicy,
}

impl DeviceLogin {
    /// Asks the identity platform for a device code.
    pub async fn start(settings: &LoginSettings) -> Result<Self, AuthError> {
        let endpoints = Endpoints::new(&settings.authority, &settings.tenant)?;
        let http = oauth::http_client()?;
        tracing::info!(
            authority = %settings.authority,
            tenant = %settings.tenant,
            client_id = %settings.client_id,
            "device-code sign-in started"
        );
        let form = [("client_id", settings.client_id.as_str()), ("scope", SCOPE)];
        let map = oauth::post_form(&http, &endpoints.devicecode, &form)
            .await
            .map_err(PostError::into_auth_error)?;
        let bad = |message: &str| AuthError::BadResponse {
            url: endpoints.devicecode.to_string(),
            message: message.to_string(),
        };
        let text = |key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .map(|s| crate::text::sanitize(s.trim()).into_owned())
                .filter(|s| !s.is_empty())
        };
        let seconds = |key: &str| match map.get(key) {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let device_code = map
            .get("device_code")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(|s| Secret::new(s.trim()))
            .ok_or_else(|| bad("the device-code answer has no device_code"))?;
        let user_code =
            text("user_code").ok_or_else(|| bad("the device-code answer has no user_code"))?;
        let verification_uri = text("verification_uri")
            .or_else(|| text("verification_url"))
            .ok_or_else(|| bad("the device-code answer has no verification_uri"))?;
        let prompt = DevicePrompt {
            user_code,
            verification_uri,
            message: text("message"),
            interval: Duration::from_secs(seconds("interval").unwrap_or(5)),
            expires_in: Duration::from_secs(seconds("expires_in").unwrap_or(900).min(3600)),
        };
        tracing::info!(
            interval_s = prompt.interval.as_secs(),
            expires_in_s = prompt.expires_in.as_secs(),
            "device code issued; waiting for the operator"
        );
        Ok(Self {
            settings: settings.clone(),
            http,
            endpoints,
            device_code,
            deadline: Instant::now() + prompt.expires_in,
            prompt,
            policy: PollPolicy::default(),
        })
    }

    pub fn prompt(&self) -> &DevicePrompt {
        &self.prompt
    }

    /// Changes how polling waits (tests use short waits).
    pub fn with_poll_policy(mut self, policy: PollPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Polls until the operator approves, declines or the code expires; on success saves the
    /// sign-in in the login cache and returns who signed in.
    pub async fn complete(self) -> Result<Identity, AuthError> {
        let mut interval = self.prompt.interval.max(self.policy.min_interval);
        let mut network_failures = 0;
        let form = [
            ("grant_type", DEVICE_CODE_GRANT),
            ("client_id", self.settings.client_id.as_str()),
            ("device_code", self.device_code.expose()),
        ];
        loop {
            if Instant::now() + interval > self.deadline {
                return Err(AuthError::Expired);
            }
            tokio::time::sleep(interval).await;
            let failure = match oauth::post_form(&self.http, &self.endpoints.token, &form).await {
                Ok(map) => {
                    let tokens = oauth::token_set(&map, &self.endpoints.token)?;
                    return save_login(&self.settings, tokens, SystemTime::now());
                }
                Err(failure) => failure,
            };
            match failure {
                PostError::Protocol { ref error, .. } if error == "authorization_pending" => {
                    tracing::debug!("sign-in pending");
                }
                PostError::Protocol { ref error, .. } if error == "slow_down" => {
                    interval += self.policy.slow_down_step;
                    tracing::debug!(interval_s = interval.as_secs(), "asked to slow down");
                }
                PostError::Protocol { ref error, .. } if error == "authorization_declined" => {
                    return Err(AuthError::Declined);
                }
                PostError::Protocol { ref error, .. }
                    if error == "expired_token" || error == "code_expired" =>
                {
                    return Err(AuthError::Expired);
                }
                // A jump host's network hiccups; the code stays valid, so try a few more times.
                PostError::Other(AuthError::Network { .. }) if network_failures < 3 => {
                    network_failures += 1;
                    tracing::warn!(network_failures, "polling failed; trying again");
                }
                other => return Err(other.into_auth_error()),
            }
        }
    }
}

/// Saves fresh tokens as the most recent sign-in for these settings.
pub(crate) fn save_login(
    settings: &LoginSettings,
    tokens: TokenSet,
    now: SystemTime,
) -> Result<Identity, AuthError> {
    let entry = new_entry(settings, tokens, now, None);
    let mut cache = match cache::load(&settings.cache_file) {
        Ok(cache) => cache,
        // A damaged or loose cache is replaced by this fresh sign-in.
        Err(AuthError::Cache { .. } | AuthError::CacheTooOpen { .. }) => {
            tracing::warn!(path = %settings.cache_file.display(), "replacing an unreadable login cache");
            cache::delete(&settings.cache_file)?;
            cache::CacheFile::default()
        }
        Err(other) => return Err(other),
    };
    let identity = identity_of(&entry);
    if entry.refresh_token.is_none() {
        tracing::warn!(
            "no refresh token granted (offline_access missing); sign-in will not be renewed silently"
        );
    }
    cache.upsert(entry);
    cache::save(&settings.cache_file, &cache)?;
    tracing::info!(
        user = identity.user.as_deref().unwrap_or("unknown"),
        tenant = identity.tenant.as_deref().unwrap_or("unknown"),
        mfa = ?identity.mfa,
        path = %settings.cache_file.display(),
        "signed in; sign-in saved"
    );
    Ok(identity)
}

/// A cache entry from a grant; a refresh answer without a refresh token keeps the previous one.
pub(crate) fn new_entry(
    settings: &LoginSettings,
    tokens: TokenSet,
    now: SystemTime,
    previous_refresh: Option<Secret>,
) -> LoginEntry {
    let claims = identity_from_jwt(tokens.access_token.expose());
    let id_claims = tokens
        .id_token
        .as_ref()
        .and_then(|t| identity_from_jwt(t.expose()));
    let issued_at = to_unix(now);
    let expires_at = match (
        tokens.expires_in,
        claims.as_ref().and_then(|c| c.expires_at),
    ) {
        (Some(secs), _) => issued_at.saturating_add(secs),
        (None, Some(exp)) => to_unix(exp),
        // Neither said: an hour is what the platform issues.
        (None, None) => issued_at + 3600,
    };
    let pick = |f: fn(&Identity) -> Option<String>| {
        claims
            .as_ref()
            .and_then(f)
            .or_else(|| id_claims.as_ref().and_then(f))
    };
    LoginEntry {
        authority: settings.authority.clone(),
        tenant: settings.tenant.clone(),
        client_id: settings.client_id.clone(),
        user: pick(|i| i.user.clone()),
        tenant_id: pick(|i| i.tenant.clone()),
        refresh_token: tokens.refresh_token.or(previous_refresh),
        access_token: tokens.access_token,
        expires_at,
        issued_at,
    }
}

/// Who a cache entry speaks for: the access token's claims, else what was saved with it.
pub(crate) fn identity_of(entry: &LoginEntry) -> Identity {
    let mut identity = identity_from_jwt(entry.access_token.expose()).unwrap_or_default();
    identity.user = identity.user.or_else(|| entry.user.clone());
    identity.tenant = identity.tenant.or_else(|| entry.tenant_id.clone());
    identity.expires_at = Some(entry.expires());
    identity
}
