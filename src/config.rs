//! Effective settings: flags > environment > config file (TOML) > defaults, each value with
//! where it came from, and the paths pcx uses. Owns reading and validating the config file;
//! it never reads tokens (PCX_ACCESS_TOKEN is a credential, handled by `auth`) and never
//! touches the process environment directly (the caller passes a lookup function).

use crate::api::client::{DEFAULT_BASE_URL, MAX_PAGE_SIZE, is_loopback};
use crate::cli::{ColorChoice, GlobalArgs, LoginArgs};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
pub const DEFAULT_TENANT: &str = "organizations";
/// The public client Microsoft's Partner Center PowerShell module signs in with
/// (`Connect-PartnerCenter`; it is the Azure CLI's well-known, multi-tenant client): it works in
/// every tenant without an app registration or admin consent. `--client-id` replaces it with
/// an app of your own, which your tenant controls and can revoke.
pub const DEFAULT_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const DEFAULT_CONCURRENCY: usize = 4;
/// The longest one request may take, retries included, in seconds (`request_deadline`).
pub const DEFAULT_REQUEST_DEADLINE: u64 = 90;
const REQUEST_DEADLINE_RANGE: std::ops::RangeInclusive<u64> = 5..=900;
const MAX_CONCURRENCY: usize = 64;
/// The file name of the login cache inside the cache directory.
pub const LOGIN_CACHE_FILE: &str = "login.json";

/// Looks up an environment variable; injectable so tests never mutate the process environment.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, for the binary.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--tenant`.
    Flag(&'static str),
    /// An environment variable, e.g. `PCX_TENANT`.
    Env(&'static str),
    /// A key in the config file, at this line.
    File {
        path: PathBuf,
        line: usize,
    },
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(flag) => write!(f, "flag {flag}"),
            Self::Env(name) => write!(f, "env {name}"),
            Self::File { path, line } => write!(f, "file {}:{line}", path.display()),
            Self::Default => f.write_str("default"),
        }
    }
}

/// A value and its provenance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }

    /// Set by the operator (flag, environment or file), not a built-in default.
    pub fn is_explicit(&self) -> bool {
        self.source != Source::Default
    }
}

/// The directories pcx uses (from the `directories` crate: XDG on Linux).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// The config file read when `--config` is not given.
    pub default_config_file: PathBuf,
    /// Holds the login cache (directory 0700, files 0600).
    pub cache_dir: PathBuf,
    /// Holds the snapshot store.
    pub data_dir: PathBuf,
}

impl Paths {
    /// The platform's directories for pcx; fails only when there is no home directory.
    pub fn detect() -> Result<Self, ConfigError> {
        let dirs = directories::ProjectDirs::from("", "", "pcx").ok_or(ConfigError::NoHome)?;
        Ok(Self {
            default_config_file: dirs.config_dir().join("config.toml"),
            cache_dir: dirs.cache_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
        })
    }

    /// Everything under one root (tests, or a portable setup).
    pub fn under(root: &Path) -> Self {
        Self {
            default_config_file: root.join("config").join("config.toml"),
            cache_dir: root.join("cache"),
            data_dir: root.join("data"),
        }
    }

    pub fn login_cache_file(&self) -> PathBuf {
        self.cache_dir.join(LOGIN_CACHE_FILE)
    }
}

/// Every setting pcx has, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub base_url: Setting<String>,
    pub authority: Setting<String>,
    pub tenant: Setting<String>,
    pub client_id: Setting<String>,
    pub token_command: Setting<Option<String>>,
    pub locale: Setting<Option<String>>,
    pub color: Setting<ColorChoice>,
    pub ascii: Setting<bool>,
    /// Privacy mode: pseudonyms instead of names and ids on screen and in output.
    pub privacy: Setting<bool>,
    pub page_size: Setting<u32>,
    pub concurrency: Setting<usize>,
    /// The snapshot store file.
    pub db: Setting<PathBuf>,
    /// Seconds one request may take in all, retries included.
    pub request_deadline: Setting<u64>,
    /// The config file that applies (the `--config` one or the default), whether or not it exists.
    pub config_file: PathBuf,
    /// Whether that file was found and read.
    pub config_file_loaded: bool,
    pub log_file: Option<PathBuf>,
    pub paths: Paths,
    /// The active `[profiles.NAME]`, if one was chosen.
    pub profile: Option<String>,
    /// Every profile the config file defines.
    pub profiles: Vec<String>,
}

/// A setting that could not be used: names the file, line and key (or the variable or flag).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot find the home directory to place pcx's files; set HOME")]
    NoHome,
    #[error("cannot read the config file {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}:{line}:{column}: invalid TOML: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}:{line}: key `{key}`: {message}")]
    Key {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("{origin}: {message}")]
    Value { origin: String, message: String },
}

impl Settings {
    /// Resolves every setting for this run (the platform's directories).
    pub fn load(
        global: &GlobalArgs,
        login: Option<&LoginArgs>,
        env: EnvLookup<'_>,
    ) -> Result<Self, ConfigError> {
        Self::load_with_paths(global, login, env, Paths::detect()?)
    }

    /// Like `load`, with the directories given.
    pub fn load_with_paths(
        global: &GlobalArgs,
        login: Option<&LoginArgs>,
        env: EnvLookup<'_>,
        paths: Paths,
    ) -> Result<Self, ConfigError> {
        let (config_file, required) = match &global.config {
            Some(path) => (path.clone(), true),
            None => (paths.default_config_file.clone(), false),
        };
        let mut file = FileValues::read(&config_file, required)?;
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let profile = match (&global.profile, env("PCX_PROFILE")) {
            (Some(name), _) => Some((name.clone(), "--profile")),
            (None, Some(name)) => Some((name, "PCX_PROFILE")),
            (None, None) => None,
        };
        if let Some((name, origin)) = &profile {
            file.select_profile(name, origin, &paths.data_dir)?;
        }
        let profiles = file.profiles.iter().map(|(n, _)| n.clone()).collect();
        let login = login.cloned().unwrap_or_default();
        let r = Resolver {
            env: &env,
            file: &file,
        };

        let base_url = r.pick(
            global.base_url.clone(),
            "--base-url",
            "PCX_BASE_URL",
            "base_url",
            check_base_url,
        )?;
        let authority = r.pick(
            login.authority,
            "--authority",
            "PCX_AUTHORITY",
            "authority",
            check_authority,
        )?;
        let tenant = r.pick(
            login.tenant,
            "--tenant",
            "PCX_TENANT",
            "tenant",
            check_tenant,
        )?;
        let client_id = r.pick(
            login.client_id,
            "--client-id",
            "PCX_CLIENT_ID",
            "client_id",
            check_client_id,
        )?;
        let token_command = r.pick(
            global.token_command.clone(),
            "--token-command",
            "PCX_TOKEN_COMMAND",
            "token_command",
            check_command,
        )?;
        let locale = r.pick(
            global.locale.clone(),
            "--locale",
            "PCX_LOCALE",
            "locale",
            check_locale,
        )?;
        let page_size = r.pick_number("PCX_PAGE_SIZE", "page_size", check_page_size)?;
        let concurrency = r.pick_number("PCX_CONCURRENCY", "concurrency", check_concurrency)?;
        let db = r.pick(
            global.db.as_ref().map(|p| p.to_string_lossy().into_owned()),
            "--db",
            "PCX_DB",
            "db",
            check_path,
        )?;
        let request_deadline = r.pick_number(
            "PCX_REQUEST_DEADLINE",
            "request_deadline",
            check_request_deadline,
        )?;
        let ascii = match global.ascii {
            true => Some(Setting::new(true, Source::Flag("--ascii"))),
            false => file.get("ascii", RawValue::as_bool)?,
        };
        let privacy = match global.privacy {
            true => Some(Setting::new(true, Source::Flag("--privacy"))),
            false => file.get("privacy", RawValue::as_bool)?,
        };
        let color = match global.color {
            Some(choice) => Some(Setting::new(choice, Source::Flag("--color"))),
            // no-color.org: a config file or flag overrides NO_COLOR, so it ranks below the file.
            None => match file.get("color", |v| v.as_text().and_then(parse_color))? {
                Some(setting) => Some(setting),
                None => env("NO_COLOR")
                    .map(|_| Setting::new(ColorChoice::Never, Source::Env("NO_COLOR"))),
            },
        };

        Ok(Self {
            base_url: or_default(base_url, DEFAULT_BASE_URL.to_string()),
            authority: or_default(authority, DEFAULT_AUTHORITY.to_string()),
            tenant: or_default(tenant, DEFAULT_TENANT.to_string()),
            client_id: or_default(client_id, DEFAULT_CLIENT_ID.to_string()),
            token_command: optional(token_command),
            locale: optional(locale),
            color: or_default(color, ColorChoice::Auto),
            ascii: or_default(ascii, false),
            privacy: or_default(privacy, false),
            page_size: or_default(page_size, DEFAULT_PAGE_SIZE),
            concurrency: or_default(concurrency, DEFAULT_CONCURRENCY),
            db: or_default(db, crate::store::default_path(&paths.data_dir)),
            request_deadline: or_default(request_deadline, DEFAULT_REQUEST_DEADLINE),
            config_file,
            config_file_loaded: file.loaded,
            log_file: global.log_file.clone(),
            paths,
            profile: profile.map(|(name, _)| name),
            profiles,
        })
    }

    /// The sign-in cache: each profile has its own, so partners never share a sign-in.
    pub fn login_cache_file(&self) -> PathBuf {
        match &self.profile {
            Some(name) => self.paths.cache_dir.join(format!("login-{name}.json")),
            None => self.paths.login_cache_file(),
        }
    }
}

fn or_default<T>(setting: Option<Setting<T>>, default: T) -> Setting<T> {
    setting.unwrap_or_else(|| Setting::new(default, Source::Default))
}

fn optional<T>(setting: Option<Setting<T>>) -> Setting<Option<T>> {
    match setting {
        Some(s) => Setting::new(Some(s.value), s.source),
        None => Setting::new(None, Source::Default),
    }
}

/// Applies the precedence for one setting whose sources all speak text.
struct Resolver<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: &'a FileValues,
}

impl Resolver<'_> {
    fn pick<T>(
        &self,
        flag_value: Option<String>,
        flag: &'static str,
        var: &'static str,
        key: &'static str,
        check: fn(&str) -> Result<T, String>,
    ) -> Result<Option<Setting<T>>, ConfigError> {
        self.pick_as(flag_value, flag, var, key, check, false)
    }

    /// Like `pick`, for a numeric setting (the file may write it as a TOML integer).
    fn pick_number<T>(
        &self,
        var: &'static str,
        key: &'static str,
        check: fn(&str) -> Result<T, String>,
    ) -> Result<Option<Setting<T>>, ConfigError> {
        self.pick_as(None, "", var, key, check, true)
    }

    fn pick_as<T>(
        &self,
        flag_value: Option<String>,
        flag: &'static str,
        var: &'static str,
        key: &'static str,
        check: fn(&str) -> Result<T, String>,
        numeric: bool,
    ) -> Result<Option<Setting<T>>, ConfigError> {
        if let Some(text) = flag_value {
            let value = check(&text).map_err(|message| ConfigError::Value {
                origin: format!("flag {flag}"),
                message,
            })?;
            return Ok(Some(Setting::new(value, Source::Flag(flag))));
        }
        if let Some(text) = (self.env)(var) {
            let value = check(&text).map_err(|message| ConfigError::Value {
                origin: format!("environment variable {var}"),
                message,
            })?;
            return Ok(Some(Setting::new(value, Source::Env(var))));
        }
        self.file.get(key, |value| match value {
            RawValue::Text(s) => check(s),
            RawValue::Integer {
                text,
                decimal: true,
            } if numeric => check(text),
            RawValue::Integer { decimal: false, .. } if numeric => {
                Err("expected a decimal number".into())
            }
            other if numeric => Err(format!("expected a number, found a {}", other.kind())),
            other => Err(format!("expected a string, found a {}", other.kind())),
        })
    }
}

const KNOWN_KEYS: &[&str] = &[
    "base_url",
    "authority",
    "tenant",
    "client_id",
    "token_command",
    "locale",
    "color",
    "ascii",
    "privacy",
    "page_size",
    "concurrency",
    "db",
    "request_deadline",
];

/// A config value as written, detached from the parsed document.
#[derive(Clone, Debug)]
enum RawValue {
    Text(String),
    Integer { text: String, decimal: bool },
    Bool(bool),
    Other(&'static str),
}

impl RawValue {
    fn of(value: &DeValue<'_>) -> Self {
        match value {
            DeValue::String(s) => Self::Text(s.to_string()),
            DeValue::Integer(i) => Self::Integer {
                text: i.as_str().to_string(),
                decimal: i.radix() == 10,
            },
            DeValue::Boolean(b) => Self::Bool(*b),
            other => Self::Other(other.type_str()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::Text(_) => "string",
            Self::Integer { .. } => "integer",
            Self::Bool(_) => "boolean",
            Self::Other(kind) => kind,
        }
    }

    fn as_bool(&self) -> Result<bool, String> {
        match self {
            Self::Bool(b) => Ok(*b),
            other => Err(format!("expected true or false, found a {}", other.kind())),
        }
    }

    fn as_text(&self) -> Result<&str, String> {
        match self {
            Self::Text(s) => Ok(s),
            other => Err(format!("expected a string, found a {}", other.kind())),
        }
    }
}

/// The config file's top-level keys with their values and lines, checked for unknown keys.
struct FileValues {
    path: PathBuf,
    loaded: bool,
    entries: Vec<(String, usize, RawValue)>,
    /// `[profiles.NAME]` tables: each one's keys, as written.
    profiles: Vec<Profile>,
}

/// One `[profiles.NAME]` table: its name and its keys with their lines.
type Profile = (String, Vec<(String, usize, RawValue)>);

/// The keys a `[profiles.NAME]` table may set (`store` is the snapshot store, `db`).
const PROFILE_KEYS: &[&str] = &[
    "base_url",
    "authority",
    "tenant",
    "client_id",
    "token_command",
    "store",
];

/// The `[profiles.NAME]` tables of the config file.
fn read_profiles(
    path: &Path,
    text: &str,
    value: &DeValue<'_>,
) -> Result<Vec<Profile>, ConfigError> {
    let key_error = |line, key: &str, message: String| ConfigError::Key {
        path: path.to_path_buf(),
        line,
        key: one_line(key),
        message,
    };
    let DeValue::Table(profiles) = value else {
        return Err(key_error(
            0,
            "profiles",
            "expected [profiles.NAME] tables".into(),
        ));
    };
    let mut out = Vec::new();
    for (name, table) in profiles.iter() {
        let line = line_col(text, name.span().start).0;
        let name = name.get_ref().to_string();
        // The name becomes part of file names (its sign-in cache, its store).
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(key_error(
                line,
                &format!("profiles.{name}"),
                "a profile name uses only letters, digits, - and _".into(),
            ));
        }
        let DeValue::Table(table) = table.get_ref() else {
            return Err(key_error(
                line,
                &format!("profiles.{name}"),
                "expected a table".into(),
            ));
        };
        let mut entries = Vec::new();
        for (key, value) in table.iter() {
            let line = line_col(text, key.span().start).0;
            let key = key.get_ref().to_string();
            if !PROFILE_KEYS.contains(&key.as_str()) {
                return Err(key_error(
                    line,
                    &format!("profiles.{name}.{key}"),
                    format!("unknown key; a profile sets {}", PROFILE_KEYS.join(", ")),
                ));
            }
            let key = if key == "store" {
                "db".to_string()
            } else {
                key
            };
            entries.push((key, line, RawValue::of(value.get_ref())));
        }
        out.push((name, entries));
    }
    Ok(out)
}

impl FileValues {
    /// Puts profile `name`'s values in place of the file's own; an unknown name is an error
    /// that lists the known ones. A profile without a store gets its own (`pcx-NAME.sqlite`).
    fn select_profile(
        &mut self,
        name: &str,
        origin: &str,
        data_dir: &Path,
    ) -> Result<(), ConfigError> {
        let Some((_, entries)) = self.profiles.iter().find(|(n, _)| n == name) else {
            let known: Vec<&str> = self.profiles.iter().map(|(n, _)| n.as_str()).collect();
            let known = match known.is_empty() {
                true => format!("{} defines no [profiles.NAME] tables", self.path.display()),
                false => format!("the profiles are {}", known.join(", ")),
            };
            return Err(ConfigError::Value {
                origin: origin.to_string(),
                message: format!("unknown profile {:?}; {known}", one_line(name)),
            });
        };
        let entries = entries.clone();
        if !entries.iter().any(|(k, _, _)| k == "db") {
            let store = data_dir.join(format!("pcx-{name}.sqlite"));
            self.entries.retain(|(k, _, _)| k != "db");
            self.entries.push((
                "db".into(),
                0,
                RawValue::Text(store.to_string_lossy().into_owned()),
            ));
        }
        for (key, line, value) in entries {
            self.entries.retain(|(k, _, _)| *k != key);
            self.entries.push((key, line, value));
        }
        Ok(())
    }

    fn read(path: &Path, required: bool) -> Result<Self, ConfigError> {
        let empty = |loaded| Self {
            path: path.to_path_buf(),
            loaded,
            entries: Vec::new(),
            profiles: Vec::new(),
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(empty(false));
            }
            Err(e) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                });
            }
        };
        let table = DeTable::parse(&text).map_err(|e| {
            let (line, column) = line_col(&text, e.span().map_or(0, |s| s.start));
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: one_line(e.message()),
            }
        })?;
        let mut values = empty(true);
        for (key, value) in table.get_ref().iter() {
            let line = line_col(&text, key.span().start).0;
            let name = key.get_ref().to_string();
            if name == "profiles" {
                values.profiles = read_profiles(path, &text, value.get_ref())?;
                continue;
            }
            if !KNOWN_KEYS.contains(&name.as_str()) {
                return Err(ConfigError::Key {
                    path: path.to_path_buf(),
                    line,
                    key: one_line(&name),
                    message: format!("unknown key; the keys are {}", KNOWN_KEYS.join(", ")),
                });
            }
            values
                .entries
                .push((name, line, RawValue::of(value.get_ref())));
        }
        Ok(values)
    }

    fn get<T>(
        &self,
        key: &'static str,
        check: impl Fn(&RawValue) -> Result<T, String>,
    ) -> Result<Option<Setting<T>>, ConfigError> {
        let Some((_, line, value)) = self.entries.iter().find(|(k, _, _)| k == key) else {
            return Ok(None);
        };
        let value = check(value).map_err(|message| ConfigError::Key {
            path: self.path.clone(),
            line: *line,
            key: key.to_string(),
            message,
        })?;
        let source = Source::File {
            path: self.path.clone(),
            line: *line,
        };
        Ok(Some(Setting::new(value, source)))
    }
}

fn one_line(text: &str) -> String {
    crate::text::sanitize(text).trim().to_string()
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn check_url(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim())
        .map_err(|e| format!("not a URL ({e}): {:?}", one_line(text)))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(format!("expected an https URL, got {:?}", one_line(text)));
    }
    Ok(url)
}

fn check_base_url(text: &str) -> Result<String, String> {
    check_url(text).map(|_| text.trim().to_string())
}

/// The identity platform receives refresh tokens: https, or plain http only to loopback.
fn check_authority(text: &str) -> Result<String, String> {
    let url = check_url(text)?;
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(format!(
            "{:?} would send credentials in clear text: https is required (plain http only to a loopback address)",
            one_line(text)
        ));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(
            "expected just the identity platform's root, like https://login.microsoftonline.com"
                .into(),
        );
    }
    Ok(text.trim().trim_end_matches('/').to_string())
}

/// A tenant id, domain or `organizations`/`common`: one safe path segment.
pub fn is_tenant(tenant: &str) -> bool {
    !tenant.is_empty()
        && tenant.len() <= 256
        && tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && tenant.chars().any(|c| c.is_ascii_alphanumeric())
}

fn check_tenant(text: &str) -> Result<String, String> {
    let t = text.trim();
    if is_tenant(t) {
        Ok(t.to_string())
    } else {
        Err(format!(
            "expected a tenant id (GUID), a domain like contoso.onmicrosoft.com, or organizations; got {:?}",
            one_line(text)
        ))
    }
}

fn check_client_id(text: &str) -> Result<String, String> {
    let t = text.trim();
    match uuid::Uuid::try_parse(t) {
        Ok(_) if t.len() == 36 => Ok(t.to_ascii_lowercase()),
        _ => Err(format!(
            "expected the app registration's client id, a GUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6; got {:?}",
            one_line(text)
        )),
    }
}

fn check_command(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the token command is empty".into());
    }
    Ok(text.to_string())
}

fn check_locale(text: &str) -> Result<String, String> {
    let t = text.trim();
    let ok =
        (2..=35).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(t.to_string())
    } else {
        Err(format!(
            "expected a language tag like en-US, got {:?}",
            one_line(text)
        ))
    }
}

fn check_page_size(text: &str) -> Result<u32, String> {
    check_count(text, MAX_PAGE_SIZE)
}

fn check_path(text: &str) -> Result<PathBuf, String> {
    match text.trim() {
        "" => Err("expected a file path".into()),
        path => Ok(PathBuf::from(path)),
    }
}

fn check_concurrency(text: &str) -> Result<usize, String> {
    check_count(text, MAX_CONCURRENCY)
}

/// A whole number from 1 to `max`.
fn check_count<T>(text: &str, max: T) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8> + std::fmt::Display,
{
    match text.trim().parse::<T>() {
        Ok(n) if n >= T::from(1) && n <= max => Ok(n),
        _ => Err(format!(
            "expected a whole number from 1 to {max}, got {:?}",
            one_line(text)
        )),
    }
}

fn check_request_deadline(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if REQUEST_DEADLINE_RANGE.contains(&n) => Ok(n),
        _ => Err(format!(
            "expected seconds from {} to {}, got {:?}",
            REQUEST_DEADLINE_RANGE.start(),
            REQUEST_DEADLINE_RANGE.end(),
            one_line(text)
        )),
    }
}

fn parse_color(text: &str) -> Result<ColorChoice, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "auto" => Ok(ColorChoice::Auto),
        "always" => Ok(ColorChoice::Always),
        "never" => Ok(ColorChoice::Never),
        _ => Err(format!(
            "expected \"auto\", \"always\" or \"never\", got {:?}",
            one_line(text)
        )),
    }
}
