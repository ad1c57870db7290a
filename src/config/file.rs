//! The config file as written: its TOML read into keys with their values and lines, unknown
//! keys refused, and its `[profiles.NAME]` tables. What the values mean is `config`'s.

use super::{ConfigError, Setting, Source};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

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
pub(super) enum RawValue {
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

    pub(super) fn kind(&self) -> &'static str {
        match self {
            Self::Text(_) => "string",
            Self::Integer { .. } => "integer",
            Self::Bool(_) => "boolean",
            Self::Other(kind) => kind,
        }
    }

    pub(super) fn as_bool(&self) -> Result<bool, String> {
        match self {
            Self::Bool(b) => Ok(*b),
            other => Err(format!("expected true or false, found a {}", other.kind())),
        }
    }

    pub(super) fn as_text(&self) -> Result<&str, String> {
        match self {
            Self::Text(s) => Ok(s),
            other => Err(format!("expected a string, found a {}", other.kind())),
        }
    }
}

/// The config file's top-level keys with their values and lines, checked for unknown keys.
pub(super) struct FileValues {
    path: PathBuf,
    pub(super) loaded: bool,
    entries: Vec<(String, usize, RawValue)>,
    /// `[profiles.NAME]` tables: each one's keys, as written.
    pub(super) profiles: Vec<Profile>,
}

/// One `[profiles.NAME]` table: its name and its keys with their lines.
pub(super) type Profile = (String, Vec<(String, usize, RawValue)>);

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
    pub(super) fn select_profile(
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
        let mut entries = entries.clone();
        // Each profile has its own store unless it names one.
        if !entries.iter().any(|(k, _, _)| k == "db") {
            let store = data_dir.join(format!("pcx-{name}.sqlite"));
            let store = RawValue::Text(store.to_string_lossy().into_owned());
            entries.push(("db".into(), 0, store));
        }
        for (key, line, value) in entries {
            self.entries.retain(|(k, _, _)| *k != key);
            self.entries.push((key, line, value));
        }
        Ok(())
    }

    pub(super) fn read(path: &Path, required: bool) -> Result<Self, ConfigError> {
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

    pub(super) fn get<T>(
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

pub(super) fn one_line(text: &str) -> String {
    crate::text::sanitize(text).trim().to_string()
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
