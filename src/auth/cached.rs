//! The token provider backed by the login cache: uses the saved access token while it is
//! fresh, refreshes it silently with the refresh token ahead of expiry and once more when the
//! API refuses it (401), and re-reads the cache file whenever it needs a token it does not
//! have, so a sign-in made elsewhere (another pcx, or the TUI's in-place login) is picked up.
//! Never logs a token or puts one in an error.

use super::cache::{self, LoginEntry, LoginFilter};
use super::claims::IdentityCell;
use super::device::{identity_of, new_entry};
use super::oauth::{self, Endpoints, PostError};
use super::{AuthError, LoginSettings, refreshing_source};
use crate::api::token::Secret;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Where "now" comes from; tests move it.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

pub struct LoginCacheToken {
    cache_file: PathBuf,
    filter: LoginFilter,
    /// What to say when there is no saved sign-in at all.
    not_signed_in: String,
    /// One refresh at a time; concurrent requests wait for it instead of refreshing again.
    current: tokio::sync::Mutex<Held>,
    identity: IdentityCell,
    http: Mutex<Option<reqwest::Client>>,
    clock: Clock,
}

/// The sign-in in use and the state of the file it was read from.
struct Held {
    entry: Option<LoginEntry>,
    stamp: Option<FileStamp>,
}

/// Changes when the cache file is rewritten (a login, a refresh, a logout elsewhere).
type FileStamp = (SystemTime, u64);

fn file_stamp(path: &std::path::Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

impl LoginCacheToken {
    /// A provider for the most recent sign-in in `cache_file` that matches `filter`.
    pub fn new(cache_file: PathBuf, filter: LoginFilter, not_signed_in: String) -> Self {
        // Read once up front so the status bar can say who is signed in before any call.
        let stamp = file_stamp(&cache_file);
        let initial = cache::load(&cache_file)
            .ok()
            .and_then(|c| c.select(&filter).cloned());
        Self {
            identity: IdentityCell::new(initial.as_ref().map(identity_of)),
            current: tokio::sync::Mutex::new(Held {
                entry: initial,
                stamp,
            }),
            cache_file,
            filter,
            not_signed_in,
            http: Mutex::new(None),
            clock: Arc::new(SystemTime::now),
        }
    }

    /// Uses another clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    async fn get(&self, refresh: bool) -> Result<Secret, AuthError> {
        let now = (self.clock)();
        let mut current = self.current.lock().await;
        let held = current.entry.as_ref().map(|e| e.access_token.clone());
        let stamp = file_stamp(&self.cache_file);
        let unchanged = stamp == current.stamp;
        if !refresh
            && unchanged
            && let Some(entry) = current.entry.as_ref().filter(|e| e.is_fresh(now))
        {
            return Ok(entry.access_token.clone());
        }
        // Re-arm from disk: a newer sign-in, refresh or a logout may have been saved since.
        let on_disk = self.reload()?;
        current.stamp = stamp;
        let Some(entry) = on_disk else {
            current.entry = None;
            self.identity.set(None);
            return Err(AuthError::NotSignedIn(self.not_signed_in.clone()));
        };
        let newer = held.as_ref() != Some(&entry.access_token);
        if entry.is_fresh(now) && (!refresh || newer) {
            tracing::debug!("using the access token saved in the login cache");
            self.identity.set(Some(identity_of(&entry)));
            let token = entry.access_token.clone();
            current.entry = Some(entry);
            return Ok(token);
        }
        let refreshed = match self.refresh(&entry, now).await {
            Ok(refreshed) => refreshed,
            Err(e) => {
                // What the cache holds now (perhaps an expired sign-in, perhaps another user's),
                // not the identity from before: the status bar must not keep a stale one.
                self.identity.set(Some(identity_of(&entry)));
                current.entry = Some(entry);
                return Err(e);
            }
        };
        let token = refreshed.access_token.clone();
        self.identity.set(Some(identity_of(&refreshed)));
        current.entry = Some(refreshed);
        current.stamp = file_stamp(&self.cache_file);
        Ok(token)
    }

    fn reload(&self) -> Result<Option<LoginEntry>, AuthError> {
        Ok(cache::load(&self.cache_file)?.select(&self.filter).cloned())
    }

    async fn refresh(&self, entry: &LoginEntry, now: SystemTime) -> Result<LoginEntry, AuthError> {
        let who = entry
            .user
            .clone()
            .unwrap_or_else(|| "the saved user".into());
        let Some(refresh_token) = entry.refresh_token.clone() else {
            return Err(AuthError::SignedOut {
                who,
                reason: "the access token expired and no refresh token was saved".into(),
            });
        };
        let endpoints = Endpoints::new(&entry.authority, &entry.tenant)?;
        let http = self.http()?;
        tracing::info!(authority = %entry.authority, tenant = %entry.tenant, "refreshing the access token");
        let tokens = oauth::refresh(&http, &endpoints, &entry.client_id, &refresh_token)
            .await
            .map_err(|failure| match failure {
                PostError::Protocol {
                    error,
                    code,
                    description,
                    ..
                } => {
                    tracing::warn!(%error, ?code, "the identity platform refused to renew the sign-in");
                    let said = match description {
                        Some(d) => format!("{error}: {d}"),
                        None => error.clone(),
                    };
                    // The sign-in is over either way; a policy (MFA, Conditional Access) also
                    // says what the next sign-in will meet.
                    let hint = oauth::hint(&error, code.as_deref())
                        .filter(|_| code.is_some())
                        .map(|h| format!(" — {h}"))
                        .unwrap_or_default();
                    AuthError::SignedOut {
                        who: who.clone(),
                        reason: format!("the identity platform refused to renew it ({said}){hint}"),
                    }
                }
                PostError::Other(e) => e,
            })?;
        let settings = LoginSettings {
            authority: entry.authority.clone(),
            tenant: entry.tenant.clone(),
            client_id: entry.client_id.clone(),
            cache_file: self.cache_file.clone(),
        };
        let mut fresh = new_entry(&settings, tokens, now, Some(refresh_token));
        if fresh.user.is_none() {
            fresh.user = entry.user.clone();
        }
        let lifetime = fresh.expires_at.saturating_sub(fresh.issued_at);
        tracing::info!(lifetime_s = lifetime, "access token refreshed");
        // The new tokens work for this process even if they cannot be saved.
        if let Err(e) = self.store(&fresh) {
            tracing::warn!(error = %e, "could not save the refreshed sign-in");
        }
        Ok(fresh)
    }

    fn store(&self, entry: &LoginEntry) -> Result<(), AuthError> {
        let mut cache = cache::load(&self.cache_file)?;
        cache.upsert(entry.clone());
        cache::save(&self.cache_file, &cache)
    }

    fn http(&self) -> Result<reqwest::Client, AuthError> {
        let mut slot = self.http.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(http) = slot.as_ref() {
            return Ok(http.clone());
        }
        let http = oauth::http_client()?;
        *slot = Some(http.clone());
        Ok(http)
    }
}

refreshing_source!(LoginCacheToken, super::TokenSource::LoginCache);
