//! Effective settings: flags > environment > config file (TOML) > defaults, each value with
//! where it came from, and the paths pcx uses. Owns reading and validating the config file;
//! it never reads tokens (PCX_ACCESS_TOKEN is a credential, handled by `auth`) and never
//! touches the process environment directly (the caller passes a lookup function).

mod check;
mod file;

pub use check::is_tenant;

use crate::api::client::DEFAULT_BASE_URL;
use crate::cli::{ColorChoice, GlobalArgs, LoginArgs};
use check::{
    check_authority, check_base_url, check_client_id, check_command, check_concurrency,
    check_locale, check_page_size, check_path, check_request_deadline, check_tenant, parse_color,
};
use file::{FileValues, RawValue};
use std::fmt;
use std::path::{Path, PathBuf};

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
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let (config_file, file, profile) = open_file(global, &env, &paths)?;
        let profiles = file.profiles.iter().map(|(n, _)| n.clone()).collect();
        let r = Resolver {
            env: &env,
            file: &file,
        };

        let base_url = r.pick(
            global.base_url.clone(),
            ["--base-url", "PCX_BASE_URL", "base_url"],
            check_base_url,
        )?;
        let (authority, tenant, client_id) = r.sign_in(login.cloned().unwrap_or_default())?;
        let token_command = r.pick(
            global.token_command.clone(),
            ["--token-command", "PCX_TOKEN_COMMAND", "token_command"],
            check_command,
        )?;
        let locale = r.pick(
            global.locale.clone(),
            ["--locale", "PCX_LOCALE", "locale"],
            check_locale,
        )?;
        let page_size = r.pick_number("PCX_PAGE_SIZE", "page_size", check_page_size)?;
        let concurrency = r.pick_number("PCX_CONCURRENCY", "concurrency", check_concurrency)?;
        let db = r.pick(
            global.db.as_ref().map(|p| p.to_string_lossy().into_owned()),
            ["--db", "PCX_DB", "db"],
            check_path,
        )?;
        let request_deadline = r.pick_number(
            "PCX_REQUEST_DEADLINE",
            "request_deadline",
            check_request_deadline,
        )?;
        let ascii = r.switch(global.ascii, "--ascii", "ascii")?;
        let privacy = r.switch(global.privacy, "--privacy", "privacy")?;
        let color = r.color(global.color)?;

        Ok(Self {
            base_url: or_default(base_url, DEFAULT_BASE_URL.to_string()),
            authority,
            tenant,
            client_id,
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

/// A profile's name and what chose it (the flag or the variable).
type ChosenProfile = (String, &'static str);

/// The config file that applies, read, with the chosen profile (by flag or environment) in
/// place of its own values.
fn open_file(
    global: &GlobalArgs,
    env: &dyn Fn(&str) -> Option<String>,
    paths: &Paths,
) -> Result<(PathBuf, FileValues, Option<ChosenProfile>), ConfigError> {
    let (config_file, required) = match &global.config {
        Some(path) => (path.clone(), true),
        None => (paths.default_config_file.clone(), false),
    };
    let mut file = FileValues::read(&config_file, required)?;
    let profile = match (&global.profile, env("PCX_PROFILE")) {
        (Some(name), _) => Some((name.clone(), "--profile")),
        (None, Some(name)) => Some((name, "PCX_PROFILE")),
        (None, None) => None,
    };
    if let Some((name, origin)) = &profile {
        file.select_profile(name, origin, &paths.data_dir)?;
    }
    Ok((config_file, file, profile))
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

/// Authority, tenant and client id, resolved.
type SignIn = (Setting<String>, Setting<String>, Setting<String>);

/// Applies the precedence for one setting whose sources all speak text.
struct Resolver<'a> {
    env: &'a dyn Fn(&str) -> Option<String>,
    file: &'a FileValues,
}

impl Resolver<'_> {
    /// `names` are the setting's flag, environment variable and config key.
    fn pick<T>(
        &self,
        flag_value: Option<String>,
        [flag, var, key]: [&'static str; 3],
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

    /// Where to sign in, and as which app: authority, tenant and client id.
    fn sign_in(&self, login: LoginArgs) -> Result<SignIn, ConfigError> {
        let authority = self.pick(
            login.authority,
            ["--authority", "PCX_AUTHORITY", "authority"],
            check_authority,
        )?;
        let tenant = self.pick(
            login.tenant,
            ["--tenant", "PCX_TENANT", "tenant"],
            check_tenant,
        )?;
        let client_id = self.pick(
            login.client_id,
            ["--client-id", "PCX_CLIENT_ID", "client_id"],
            check_client_id,
        )?;
        Ok((
            or_default(authority, DEFAULT_AUTHORITY.to_string()),
            or_default(tenant, DEFAULT_TENANT.to_string()),
            or_default(client_id, DEFAULT_CLIENT_ID.to_string()),
        ))
    }

    /// A boolean the flag can only turn on; otherwise the file's.
    fn switch(
        &self,
        on: bool,
        flag: &'static str,
        key: &'static str,
    ) -> Result<Option<Setting<bool>>, ConfigError> {
        match on {
            true => Ok(Some(Setting::new(true, Source::Flag(flag)))),
            false => self.file.get(key, RawValue::as_bool),
        }
    }

    fn color(
        &self,
        flag: Option<ColorChoice>,
    ) -> Result<Option<Setting<ColorChoice>>, ConfigError> {
        if let Some(choice) = flag {
            return Ok(Some(Setting::new(choice, Source::Flag("--color"))));
        }
        // no-color.org: a config file or flag overrides NO_COLOR, so it ranks below the file.
        Ok(
            match self
                .file
                .get("color", |v| v.as_text().and_then(parse_color))?
            {
                Some(setting) => Some(setting),
                None => (self.env)("NO_COLOR")
                    .map(|_| Setting::new(ColorChoice::Never, Source::Env("NO_COLOR"))),
            },
        )
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
