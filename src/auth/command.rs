//! Tokens from an operator's command (e.g. `az account get-access-token ... -o tsv`): runs it
//! through the shell with no stdin, reads the token from stdout, keeps it in memory until
//! shortly before it expires and runs the command again when needed or after a 401. On failure
//! shows the command's stderr, never its stdout (which may hold a token).

use super::cached::Clock;
use super::claims::{IdentityCell, identity_from_jwt, jwt_expiry};
use super::{AuthError, refreshing_source};
use crate::api::token::Secret;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How long an opaque token (not a JWT, no expiry known) is reused.
const OPAQUE_LIFETIME: Duration = Duration::from_secs(300);
/// Renew this long before a known expiry (less for very short-lived tokens).
const RENEW_AHEAD: Duration = Duration::from_secs(120);
/// `az` can take a while on a slow jump host; a hung command must not hang pcx forever.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);
/// Lines of stderr shown when the command fails.
const STDERR_LINES: usize = 8;

pub struct CommandToken {
    command: String,
    cached: tokio::sync::Mutex<Option<(Secret, SystemTime)>>,
    identity: IdentityCell,
    clock: Clock,
    timeout: Duration,
}

impl CommandToken {
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            cached: tokio::sync::Mutex::new(None),
            identity: IdentityCell::default(),
            clock: Arc::new(SystemTime::now),
            timeout: COMMAND_TIMEOUT,
        }
    }

    /// Uses another clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Gives up on the command after this long.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn get(&self, refresh: bool) -> Result<Secret, AuthError> {
        let mut cached = self.cached.lock().await;
        let now = (self.clock)();
        if !refresh
            && let Some((token, valid_until)) = cached.as_ref()
            && now < *valid_until
        {
            return Ok(token.clone());
        }
        let token = self.run().await?;
        let valid_until = valid_until(&token, now);
        self.identity.set(identity_from_jwt(token.expose()));
        *cached = Some((token.clone(), valid_until));
        Ok(token)
    }

    async fn run(&self) -> Result<Secret, AuthError> {
        let started = std::time::Instant::now();
        let mut command = shell(&self.command);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        // Its own process group, so a timeout or pcx's exit ends everything it started.
        #[cfg(unix)]
        command.process_group(0);
        let not_started = |e: std::io::Error| {
            AuthError::TokenCommand(format!("the token command could not be started: {e}"))
        };
        let child = command.spawn().map_err(not_started)?;
        let group = child.id().map(super::children::Group::new);
        let output = match tokio::time::timeout(self.timeout, child.wait_with_output()).await {
            Err(_) => {
                if let Some(group) = &group {
                    group.kill();
                }
                return Err(AuthError::TokenCommand(format!(
                    "the token command did not finish within {} s; pcx ended it",
                    self.timeout.as_secs()
                )));
            }
            Ok(Err(e)) => return Err(not_started(e)),
            Ok(Ok(output)) => output,
        };
        if let Some(group) = group {
            group.finished();
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let token = extract_token(&stdout);
        if !output.status.success() {
            let stderr = shown_stderr(&output.stderr, token.as_deref());
            return Err(AuthError::TokenCommand(format!(
                "the token command failed ({}){}",
                output.status,
                if stderr.is_empty() {
                    String::new()
                } else {
                    format!(": {stderr}")
                }
            )));
        }
        let token = token.map_err(AuthError::TokenCommand)?;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "token command gave a token"
        );
        Ok(Secret::new(token))
    }
}

refreshing_source!(CommandToken, super::TokenSource::Command);

#[cfg(unix)]
fn shell(command: &str) -> tokio::process::Command {
    let mut c = tokio::process::Command::new("/bin/sh");
    c.arg("-c").arg(command);
    c
}

#[cfg(not(unix))]
fn shell(command: &str) -> tokio::process::Command {
    let mut c = tokio::process::Command::new("cmd");
    c.arg("/C").arg(command);
    c
}

/// Until when a token from the command is reused.
fn valid_until(token: &Secret, now: SystemTime) -> SystemTime {
    match jwt_expiry(token.expose()) {
        Some(exp) => {
            let left = exp.duration_since(now).unwrap_or_default();
            exp.checked_sub(RENEW_AHEAD.min(left / 2)).unwrap_or(now)
        }
        None => now + OPAQUE_LIFETIME,
    }
}

/// The token in the command's output: one bare token (`-o tsv`), or az's JSON with
/// `accessToken`. Errors never quote the output.
pub(crate) fn extract_token(stdout: &str) -> Result<String, String> {
    let text = stdout.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return Err(
            "the token command printed nothing on stdout; it must print the access token".into(),
        );
    }
    if text.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|_| {
            "the token command printed something that starts like JSON but is not".to_string()
        })?;
        return ["accessToken", "access_token"]
            .iter()
            .find_map(|k| value.get(k).and_then(|v| v.as_str()))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                "the token command printed JSON without an accessToken field".to_string()
            });
    }
    let token = text.strip_prefix("Bearer ").unwrap_or(text).trim();
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "the token command printed {} lines or words on stdout; it must print only the access token \
             (for az, add `--query accessToken -o tsv`)",
            token.split_whitespace().count()
        ));
    }
    Ok(token.to_string())
}

/// The last lines of stderr, sanitised, with anything that looks like the token removed.
fn shown_stderr(stderr: &[u8], token: Result<&str, &String>) -> String {
    let mut text = String::from_utf8_lossy(stderr).into_owned();
    if let Ok(token) = token
        && token.len() >= 8
    {
        text = text.replace(token, "[redacted]");
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = &lines[lines.len().saturating_sub(STDERR_LINES)..];
    tail.iter()
        .map(|l| crate::text::sanitize(l).into_owned())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::claims::from_unix;

    #[test]
    fn output_shapes() {
        assert_eq!(extract_token("tok\n").unwrap(), "tok");
        assert_eq!(extract_token("Bearer tok").unwrap(), "tok");
        assert_eq!(
            extract_token(r#"{"accessToken":"tok","expiresOn":"2025-01-01 10:00:00"}"#).unwrap(),
            "tok"
        );
        let err = extract_token("secret-one\nsecret-two\n").unwrap_err();
        assert!(!err.contains("secret"), "{err}");
        assert!(extract_token("  \n").is_err());
        assert!(extract_token(r#"{"token":"x"}"#).is_err());
    }

    #[test]
    fn reuse_window() {
        let now = from_unix(1000);
        assert_eq!(
            valid_until(&Secret::new("opaque"), now),
            now + OPAQUE_LIFETIME
        );
        // exp 4600: renewed 2 minutes ahead.
        let jwt = "e30.eyJleHAiOjQ2MDB9.s";
        assert_eq!(valid_until(&Secret::new(jwt), now), from_unix(4480));
        // exp 1010: renewed halfway through what is left.
        let short = "e30.eyJleHAiOjEwMTB9.s";
        assert_eq!(valid_until(&Secret::new(short), now), from_unix(1005));
    }

    #[test]
    fn stderr_is_trimmed_and_redacted() {
        let shown = shown_stderr(b"a\nERROR: leaked tok-12345678 here\n", Ok("tok-12345678"));
        assert_eq!(shown, "a | ERROR: leaked [redacted] here");
    }
}
