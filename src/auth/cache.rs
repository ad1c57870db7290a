//! The login cache: one JSON file holding, per authority + tenant + client id, the refresh
//! token and the current access token with its expiry. The directory is 0700 and the file
//! 0600, written atomically (temp file created 0600, then renamed); a file others can read is
//! refused like ssh refuses a loose key. Never logs or displays a token.

use super::AuthError;
use super::claims::from_unix;
use crate::api::token::Secret;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

const VERSION: u32 = 1;

/// One saved sign-in.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LoginEntry {
    pub authority: String,
    pub tenant: String,
    pub client_id: String,
    /// From the token's claims, for display only.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(with = "secret_opt", default)]
    pub refresh_token: Option<Secret>,
    #[serde(with = "secret")]
    pub access_token: Secret,
    /// Unix seconds.
    pub expires_at: u64,
    pub issued_at: u64,
}

impl LoginEntry {
    pub fn expires(&self) -> SystemTime {
        from_unix(self.expires_at)
    }

    /// When to refresh: ahead of expiry by half the lifetime, at most 5 minutes, so a short-lived
    /// token is still used for a while and a long-lived one is renewed well before it lapses.
    pub fn refresh_due(&self) -> SystemTime {
        let lifetime = self.expires_at.saturating_sub(self.issued_at);
        from_unix(self.expires_at.saturating_sub((lifetime / 2).min(300)))
    }

    pub fn is_fresh(&self, now: SystemTime) -> bool {
        now < self.refresh_due()
    }

    fn key_matches(&self, other: &LoginEntry) -> bool {
        LoginFilter {
            authority: Some(other.authority.clone()),
            tenant: Some(other.tenant.clone()),
            client_id: Some(other.client_id.clone()),
        }
        .matches(self)
    }

    /// "ops@contoso.com (tenant organizations at https://login.microsoftonline.com)".
    pub fn describe(&self) -> String {
        format!(
            "{} (tenant {} at {}, client id {})",
            self.user.as_deref().unwrap_or("unknown user"),
            self.tenant,
            self.authority,
            self.client_id
        )
    }
}

/// Which saved sign-ins apply: a `None` field matches any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginFilter {
    pub authority: Option<String>,
    pub tenant: Option<String>,
    pub client_id: Option<String>,
}

impl LoginFilter {
    pub fn matches(&self, entry: &LoginEntry) -> bool {
        let same = |want: &Option<String>, have: &str, norm: fn(&str) -> String| {
            want.as_deref().is_none_or(|w| norm(w) == norm(have))
        };
        same(&self.authority, &entry.authority, normalize_authority)
            && same(&self.tenant, &entry.tenant, |t| t.to_ascii_lowercase())
            && same(&self.client_id, &entry.client_id, |c| {
                c.to_ascii_lowercase()
            })
    }
}

fn normalize_authority(authority: &str) -> String {
    authority.trim().trim_end_matches('/').to_ascii_lowercase()
}

/// The whole file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CacheFile {
    pub version: u32,
    /// Oldest first; the last one is the most recent sign-in.
    pub logins: Vec<LoginEntry>,
}

impl CacheFile {
    /// The most recent sign-in that matches.
    pub fn select(&self, filter: &LoginFilter) -> Option<&LoginEntry> {
        self.logins.iter().rev().find(|e| filter.matches(e))
    }

    /// Replaces the entry with the same key (or adds it) and makes it the most recent.
    pub fn upsert(&mut self, entry: LoginEntry) {
        self.logins.retain(|e| !e.key_matches(&entry));
        self.logins.push(entry);
    }

    /// Removes what matches; returns the removed entries.
    pub fn remove(&mut self, filter: &LoginFilter) -> Vec<LoginEntry> {
        let (removed, kept) = std::mem::take(&mut self.logins)
            .into_iter()
            .partition(|e| filter.matches(e));
        self.logins = kept;
        removed
    }
}

/// Reads the cache; a missing file is an empty cache. Refuses a file others can read.
pub fn load(path: &Path) -> Result<CacheFile, AuthError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(CacheFile::default()),
        Err(e) => return Err(cache_error(path, "read", &e)),
    };
    check_private(path, &file)?;
    let cache: CacheFile =
        serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| AuthError::Cache {
            path: path.to_path_buf(),
            action: "read",
            message: format!(
                "it is damaged ({e}); run `pcx logout` to remove it, then `pcx login`"
            ),
        })?;
    if cache.version != VERSION {
        return Err(AuthError::Cache {
            path: path.to_path_buf(),
            action: "read",
            message: format!(
                "it has format version {} (this pcx reads {VERSION}); run `pcx logout`, then `pcx login`",
                cache.version
            ),
        });
    }
    Ok(cache)
}

/// Writes the cache atomically with owner-only permissions.
pub fn save(path: &Path, cache: &CacheFile) -> Result<(), AuthError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    make_private_dir(dir).map_err(|e| cache_error(dir, "create the directory of", &e))?;
    let mut cache = cache.clone();
    cache.version = VERSION;
    let json = serde_json::to_vec_pretty(&cache).map_err(|e| AuthError::Cache {
        path: path.to_path_buf(),
        action: "write",
        message: e.to_string(),
    })?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("login.json");
    let temp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        fastrand::u32(..)
    ));
    let written = write_private(&temp, &json).and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(cache_error(path, "write", &e));
    }
    tracing::debug!(path = %path.display(), logins = cache.logins.len(), "login cache written");
    Ok(())
}

/// Deletes the cache file; `Ok(false)` if there was none.
pub fn delete(path: &Path) -> Result<bool, AuthError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(cache_error(path, "remove", &e)),
    }
}

/// The file's permission bits, for `pcx info` (`None` when absent or not on unix).
pub fn mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn cache_error(path: &Path, action: &'static str, e: &std::io::Error) -> AuthError {
    AuthError::Cache {
        path: path.to_path_buf(),
        action,
        message: e.to_string(),
    }
}

#[cfg(unix)]
fn check_private(path: &Path, file: &std::fs::File) -> Result<(), AuthError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = file
        .metadata()
        .map_err(|e| cache_error(path, "read", &e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(AuthError::CacheTooOpen {
            path: path.to_path_buf(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _file: &std::fs::File) -> Result<(), AuthError> {
    Ok(())
}

#[cfg(unix)]
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    // An existing directory of ours may have been created looser (by hand, or an old version).
    let mode = std::fs::metadata(dir)?.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Creates a new file readable only by the owner *before* any byte is written.
fn write_private(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

mod secret {
    use crate::api::token::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.expose())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

mod secret_opt {
    use crate::api::token::Secret;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_some(v.expose()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
        Option::<String>::deserialize(d).map(|v| v.map(Secret::new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(authority: &str, tenant: &str, client: &str) -> LoginEntry {
        LoginEntry {
            authority: authority.into(),
            tenant: tenant.into(),
            client_id: client.into(),
            user: None,
            tenant_id: None,
            refresh_token: Some(Secret::new("r")),
            access_token: Secret::new("a"),
            expires_at: 4600,
            issued_at: 1000,
        }
    }

    #[test]
    fn selection_prefers_the_most_recent_match() {
        let mut cache = CacheFile::default();
        cache.upsert(entry("https://a", "t1", "c1"));
        cache.upsert(entry("https://a/", "t2", "c1"));
        assert_eq!(cache.select(&LoginFilter::default()).unwrap().tenant, "t2");
        let only_t1 = LoginFilter {
            tenant: Some("T1".into()),
            ..LoginFilter::default()
        };
        assert_eq!(cache.select(&only_t1).unwrap().tenant, "t1");
        cache.upsert(entry("https://A/", "T1", "C1"));
        assert_eq!(cache.logins.len(), 2, "same key replaces");
        assert_eq!(cache.select(&LoginFilter::default()).unwrap().tenant, "T1");
        assert_eq!(cache.remove(&only_t1).len(), 1);
        assert_eq!(cache.logins.len(), 1);
    }

    #[test]
    fn refresh_is_due_ahead_of_expiry() {
        let e = entry("https://a", "t", "c");
        assert_eq!(e.refresh_due(), from_unix(4300), "at most 5 minutes ahead");
        let short = LoginEntry {
            issued_at: 1000,
            expires_at: 1004,
            ..e
        };
        assert_eq!(
            short.refresh_due(),
            from_unix(1002),
            "half of a short lifetime"
        );
        assert!(short.is_fresh(from_unix(1001)));
        assert!(!short.is_fresh(from_unix(1002)));
    }
}
