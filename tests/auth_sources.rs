//! Token sources and their order: PCX_ACCESS_TOKEN, then the token command, then the login
//! cache; the token command's caching, rerun after a 401, and its failures (stderr shown,
//! stdout never).

mod common;

use common::{TempDir, env_of};
use pcx::api::{ApiError, TokenProvider};
use pcx::auth::{self, Clock, CommandToken, TokenSource};
use pcx::cli::GlobalArgs;
use pcx::config::{Paths, Settings};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

fn settings(dir: &TempDir, token_command: Option<&str>) -> Settings {
    let global = GlobalArgs {
        token_command: token_command.map(str::to_string),
        ..GlobalArgs::default()
    };
    Settings::load_with_paths(&global, None, &env_of(&[]), Paths::under(dir.path())).unwrap()
}

/// A JWT-shaped token with these claims (no signature: pcx never verifies).
fn jwt(claims: &str) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.sig", b64(r#"{"alg":"none"}"#), b64(claims))
}

#[tokio::test]
async fn the_environment_token_wins_over_the_command_and_the_cache() {
    let dir = TempDir::new("test");
    let s = settings(&dir, Some("printf from-command"));
    let token = jwt(r#"{"upn":"env@contoso.example","tid":"t","amr":["mfa"],"exp":4102444800}"#);
    let env = env_of(&[("PCX_ACCESS_TOKEN", &token)]);
    assert_eq!(auth::token_source(&s, &env), TokenSource::EnvToken);
    let provider = auth::token_provider(&s, &env);
    assert_eq!(provider.token(false).await.unwrap().expose(), token);
    assert!(!provider.can_refresh());
    let identity = provider.identity().unwrap();
    assert_eq!(identity.user.as_deref(), Some("env@contoso.example"));
    assert_eq!(identity.mfa, Some(true));

    assert_eq!(auth::token_source(&s, &env_of(&[])), TokenSource::Command);
    let provider = auth::token_provider(&s, &env_of(&[]));
    assert_eq!(
        provider.token(false).await.unwrap().expose(),
        "from-command"
    );

    let none = settings(&dir, None);
    assert_eq!(
        auth::token_source(&none, &env_of(&[("PCX_ACCESS_TOKEN", " ")])),
        TokenSource::LoginCache
    );
    let err = auth::token_provider(&none, &env_of(&[]))
        .token(false)
        .await
        .unwrap_err();
    let ApiError::Credentials(message) = err else {
        panic!("expected a credentials error");
    };
    assert!(message.contains("`pcx login`"), "{message}");
    assert!(message.contains("az account get-access-token"), "{message}");
}

#[tokio::test]
async fn the_command_runs_once_until_shortly_before_expiry_and_again_after_a_401() {
    let dir = TempDir::new("test");
    let counter = dir.path().join("runs");
    let token = jwt(r#"{"upn":"cmd@contoso.example","exp":4102444800}"#);
    let command = format!(
        "echo run >> '{}'; printf '%s\\n' '{token}'",
        counter.display()
    );
    let runs = || {
        std::fs::read_to_string(&counter)
            .unwrap_or_default()
            .lines()
            .count()
    };
    let provider = CommandToken::new(command.clone());
    assert_eq!(provider.token(false).await.unwrap().expose(), token);
    assert_eq!(provider.token(false).await.unwrap().expose(), token);
    assert_eq!(runs(), 1, "cached in memory");
    assert!(provider.can_refresh());
    provider.token(true).await.unwrap();
    assert_eq!(runs(), 2, "rerun after a 401");
    assert_eq!(
        provider.identity().unwrap().user.as_deref(),
        Some("cmd@contoso.example")
    );

    // An opaque token is reused for about five minutes, then the command runs again.
    let opaque = format!("echo run >> '{}'; printf opaque-token", counter.display());
    let start = SystemTime::now();
    let offset = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let clock_offset = offset.clone();
    let clock: Clock = Arc::new(move || start + *clock_offset.lock().unwrap());
    let provider = CommandToken::new(opaque).with_clock(clock);
    provider.token(false).await.unwrap();
    *offset.lock().unwrap() = Duration::from_secs(240);
    provider.token(false).await.unwrap();
    assert_eq!(runs(), 3);
    *offset.lock().unwrap() = Duration::from_secs(301);
    provider.token(false).await.unwrap();
    assert_eq!(runs(), 4);
}

#[tokio::test]
async fn a_failing_command_shows_its_stderr_but_never_its_stdout() {
    let provider = CommandToken::new(
        "printf 'stdout-SECRET-token'; echo 'ERROR: please run az login' >&2; exit 3",
    );
    let err = provider.token(false).await.unwrap_err().to_string();
    assert!(err.contains("please run az login"), "{err}");
    assert!(err.contains("exit status: 3") || err.contains('3'), "{err}");
    assert!(!err.contains("stdout-SECRET"), "{err}");

    let chatty = CommandToken::new("echo 'line-SECRET-one'; echo 'line-SECRET-two'");
    let err = chatty.token(false).await.unwrap_err().to_string();
    assert!(err.contains("only the access token"), "{err}");
    assert!(!err.contains("SECRET"), "{err}");

    let silent = CommandToken::new("true");
    assert!(
        silent
            .token(false)
            .await
            .unwrap_err()
            .to_string()
            .contains("printed nothing")
    );

    let slow = CommandToken::new("sleep 5").with_timeout(Duration::from_millis(100));
    assert!(
        slow.token(false)
            .await
            .unwrap_err()
            .to_string()
            .contains("did not finish")
    );
}

#[tokio::test]
async fn az_json_output_is_understood() {
    let provider = CommandToken::new(
        r#"printf '{"accessToken":"json-token","expiresOn":"2030-01-01 00:00:00.000000","tenant":"t","tokenType":"Bearer"}'"#,
    );
    assert_eq!(provider.token(false).await.unwrap().expose(), "json-token");
}
