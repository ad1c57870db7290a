//! `pcx info`: the version, every path pcx uses, the effective settings with where each came
//! from, and the sign-in state. Reads files only; never runs the token command, never
//! contacts a server, never prints a token.

use super::cache;
use super::claims::{format_utc, identity_from_jwt, relative};
use super::device::identity_of;
use super::{ACCESS_TOKEN_VAR, NO_MFA_WARNING, TokenSource, filter, token_source};
use crate::api::token::Identity;
use crate::cli::ColorChoice;
use crate::config::{DEFAULT_CLIENT_ID, EnvLookup, Setting, Settings};
use std::fmt::Display;
use std::io::{self, Write};
use std::time::SystemTime;

pub fn info(settings: &Settings, env: EnvLookup<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "pcx {}", env!("CARGO_PKG_VERSION"))?;
    paths(out, settings)?;
    profiles(out, settings)?;
    settings_table(out, settings)?;
    sign_in(out, settings, env, SystemTime::now())
}

fn paths(out: &mut dyn Write, settings: &Settings) -> io::Result<()> {
    writeln!(out, "\nPaths")?;
    let config_state = if settings.config_file_loaded {
        "read"
    } else {
        "not found; defaults apply"
    };
    row(
        out,
        "config file",
        format!("{} ({config_state})", settings.config_file.display()),
    )?;
    let cache_file = settings.login_cache_file();
    let cache_state = match cache::mode(&cache_file) {
        Some(mode) => format!("present, mode {mode:04o}"),
        None if cache_file.exists() => "present".to_string(),
        None => "none".to_string(),
    };
    row(
        out,
        "sign-in cache",
        format!("{} ({cache_state})", cache_file.display()),
    )?;
    match &settings.log_file {
        Some(path) => row(
            out,
            "log file",
            format!("{} (level from PCX_LOG)", path.display()),
        )?,
        None => row(out, "log file", "none (--log-file FILE to write one)")?,
    }
    Ok(())
}

fn profiles(out: &mut dyn Write, settings: &Settings) -> io::Result<()> {
    writeln!(out, "\nProfiles")?;
    if settings.profiles.is_empty() {
        row(out, "", "none ([profiles.NAME] tables in the config file)")?;
    }
    for name in &settings.profiles {
        let active = match settings.profile.as_deref() == Some(name.as_str()) {
            true => "active",
            false => "",
        };
        row(out, name, active)?;
    }
    Ok(())
}

/// Each setting's value and where it came from.
fn settings_table(out: &mut dyn Write, settings: &Settings) -> io::Result<()> {
    writeln!(out, "\nSettings")?;
    setting(out, "base_url", &settings.base_url, |v| v.clone())?;
    setting(out, "authority", &settings.authority, |v| v.clone())?;
    setting(out, "tenant", &settings.tenant, |v| v.clone())?;
    setting(out, "client_id", &settings.client_id, |v| v.clone())?;
    if settings.client_id.value == DEFAULT_CLIENT_ID {
        row(
            out,
            "",
            "(the Partner Center PowerShell module's public client; --client-id for your own app)",
        )?;
    }
    setting(out, "token_command", &settings.token_command, |v| {
        or_unset(v.as_deref())
    })?;
    setting(out, "locale", &settings.locale, |v| or_unset(v.as_deref()))?;
    setting(out, "color", &settings.color, |v| {
        color_name(*v).to_string()
    })?;
    setting(out, "ascii", &settings.ascii, |v| v.to_string())?;
    setting(out, "page_size", &settings.page_size, |v| v.to_string())?;
    setting(out, "concurrency", &settings.concurrency, |v| v.to_string())?;
    setting(out, "db", &settings.db, |v| {
        let state = if v.exists() {
            "present"
        } else {
            "not created yet"
        };
        format!("{} ({state})", v.display())
    })?;
    setting(out, "request_deadline", &settings.request_deadline, |v| {
        format!("{v} s")
    })?;
    Ok(())
}

/// Where the token comes from, and who it says is signed in.
fn sign_in(
    out: &mut dyn Write,
    settings: &Settings,
    env: EnvLookup<'_>,
    now: SystemTime,
) -> io::Result<()> {
    writeln!(out, "\nSign-in")?;
    let cache_file = settings.login_cache_file();
    let source = token_source(settings, env);
    if source != TokenSource::LoginCache
        && let Ok(cache) = cache::load(&cache_file)
        && let Some(entry) = cache.select(&filter(settings))
    {
        let who = entry.user.as_deref().unwrap_or("unknown user");
        row(
            out,
            "saved sign-in",
            format!("{who} (not used: {} comes first)", source_name(&source)),
        )?;
    }
    match source {
        TokenSource::EnvToken => {
            row(out, "token source", ACCESS_TOKEN_VAR)?;
            match env(ACCESS_TOKEN_VAR).and_then(|t| identity_from_jwt(&t)) {
                Some(identity) => show_identity(out, &identity, now)?,
                None => row(out, "identity", "unknown (the token is not a JWT)")?,
            }
        }
        TokenSource::Command => {
            row(
                out,
                "token source",
                format!("token command ({})", settings.token_command.source),
            )?;
            row(
                out,
                "identity",
                "known once the command has run (info does not run it)",
            )?;
        }
        TokenSource::LoginCache => {
            row(out, "token source", "sign-in cache (pcx login)")?;
            match cache::load(&cache_file) {
                Err(e) => row(out, "state", e)?,
                Ok(cache) => match cache.select(&filter(settings)) {
                    None => row(out, "state", "not signed in (run `pcx login`)")?,
                    Some(entry) => {
                        row(
                            out,
                            "signed in at",
                            format!("{} tenant {}", entry.authority, entry.tenant),
                        )?;
                        row(out, "client id", &entry.client_id)?;
                        show_identity(out, &identity_of(entry), now)?;
                        let renew = match entry.refresh_token {
                            Some(_) => "yes (renewed silently before it expires)",
                            None => "no refresh token saved: sign in again when it expires",
                        };
                        row(out, "refreshable", renew)?;
                        if cache.logins.len() > 1 {
                            row(out, "other sign-ins", cache.logins.len() - 1)?;
                        }
                    }
                },
            }
        }
    }
    Ok(())
}

fn source_name(source: &TokenSource) -> &'static str {
    match source {
        TokenSource::EnvToken => ACCESS_TOKEN_VAR,
        TokenSource::Command => "the token command",
        TokenSource::LoginCache => "the sign-in cache",
    }
}

fn show_identity(out: &mut dyn Write, identity: &Identity, now: SystemTime) -> io::Result<()> {
    row(out, "user", identity.user.as_deref().unwrap_or("unknown"))?;
    row(
        out,
        "tenant id",
        identity.tenant.as_deref().unwrap_or("unknown"),
    )?;
    if let Some(exp) = identity.expires_at {
        let state = if exp > now { "expires" } else { "expired" };
        row(
            out,
            "access token",
            format!("{state} {} ({})", relative(exp, now), format_utc(exp)),
        )?;
    }
    match identity.mfa {
        Some(true) => row(out, "MFA", "yes"),
        Some(false) => row(out, "MFA", format!("no — {NO_MFA_WARNING}")),
        None => row(out, "MFA", "unknown (the access token is not a JWT)"),
    }
}

fn row(out: &mut dyn Write, label: &str, value: impl Display) -> io::Result<()> {
    let value = value.to_string();
    writeln!(out, "  {label:<15}{}", crate::text::sanitize(&value))
}

fn setting<T>(
    out: &mut dyn Write,
    name: &str,
    setting: &Setting<T>,
    show: impl Fn(&T) -> String,
) -> io::Result<()> {
    let value = crate::text::sanitize(&show(&setting.value)).into_owned();
    writeln!(out, "  {name:<15}{value:<45} {}", setting.source)
}

fn or_unset(value: Option<&str>) -> String {
    value.unwrap_or("(not set)").to_string()
}

fn color_name(choice: ColorChoice) -> &'static str {
    match choice {
        ColorChoice::Auto => "auto",
        ColorChoice::Always => "always",
        ColorChoice::Never => "never",
    }
}
