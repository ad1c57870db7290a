//! What the client needs from sign-in: a bearer token on demand, refreshed when the API says
//! it is no longer accepted. Token values never appear in Debug output.

use super::error::ApiError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

/// A secret string (an access or refresh token): Debug and Display print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it (an Authorization header, a cache file).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Who a token speaks for, read from its claims (never the token itself), for the status bar
/// and `pcx info`. Text fields are sanitised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// `upn`, `preferred_username`, `unique_name` or `email`.
    pub user: Option<String>,
    /// `tid`: the tenant the token was issued in.
    pub tenant: Option<String>,
    /// `exp`.
    pub expires_at: Option<SystemTime>,
    /// Whether `amr` lists `mfa` (Partner Center rejects App+User calls without it); `None`
    /// when the token is not a JWT and pcx cannot tell.
    pub mfa: Option<bool>,
}

impl Identity {
    /// The token is known to carry no MFA claim (an unreadable token is not accused of it).
    pub fn lacks_mfa(&self) -> bool {
        self.mfa == Some(false)
    }
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of bearer tokens for Partner Center.
pub trait TokenProvider: Send + Sync {
    /// A token to use now. With `refresh`, the last one was refused (401): get a new one.
    fn token(&self, refresh: bool) -> BoxFuture<'_, Result<Secret, ApiError>>;

    /// Whether asking again with `refresh` can give a different token.
    fn can_refresh(&self) -> bool {
        false
    }

    /// Who the current token speaks for, when known (a JWT's claims); never blocks.
    fn identity(&self) -> Option<Identity> {
        None
    }

    /// What the operator should do when Partner Center keeps refusing this source's tokens
    /// (HTTP 401 after any renewal): it depends on where the token comes from.
    fn refused_advice(&self) -> Option<&'static str> {
        None
    }

    /// What a slow `token` call is waiting for, in words ("the token command").
    fn waits_for(&self) -> &'static str {
        "a token"
    }
}

/// A fixed token (from `PCX_ACCESS_TOKEN`, or the demo).
pub struct StaticToken(Secret);

impl StaticToken {
    pub fn new(token: Secret) -> Arc<Self> {
        Arc::new(Self(token))
    }
}

impl TokenProvider for StaticToken {
    fn token(&self, _refresh: bool) -> BoxFuture<'_, Result<Secret, ApiError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// No credentials configured: every call fails with a message saying how to sign in.
pub struct NoToken(pub String);

impl TokenProvider for NoToken {
    fn token(&self, _refresh: bool) -> BoxFuture<'_, Result<Secret, ApiError>> {
        let message = self.0.clone();
        Box::pin(async move { Err(ApiError::Credentials(message)) })
    }
}
