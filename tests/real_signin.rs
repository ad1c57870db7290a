//! A first sign-in as a real tenant would meet it, against the sandbox's simulated identity
//! platform and strict API: the default public client, a single-tenant app, every Entra
//! refusal pcx explains (served in Entra's own body shape by `--identity-error`), an unknown
//! code shown in Entra's sanitised words, 401 advice that fits the token source, the example
//! config, and the declared minimum Rust version.

mod common;

use common::{TempDir, env_of, fast_polls};
use pcx::api::{ApiClient, ClientConfig, TokenProvider};
use pcx::auth::{self, Clock, LoginCacheToken, LoginSettings};
use pcx::cli::{GlobalArgs, ListCommand, LoginArgs, OutputArgs, OutputFormat};
use pcx::config::{DEFAULT_CLIENT_ID, Paths, Settings, Source};
use pcx::sandbox::{IdentityError, Sandbox};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

async fn sandbox() -> Sandbox {
    common::strict_sandbox(2, 1).await
}

fn settings(sandbox: &Sandbox, dir: &TempDir, login: &LoginArgs, env: &[(&str, &str)]) -> Settings {
    let global = GlobalArgs {
        base_url: Some(sandbox.base_url()),
        ..GlobalArgs::default()
    };
    Settings::load_with_paths(&global, Some(login), &env_of(env), Paths::under(dir.path())).unwrap()
}

/// `pcx login --authority SANDBOX [--tenant T] [--client-id C]`; the error as shown, if any.
async fn login(
    sandbox: &Sandbox,
    dir: &TempDir,
    tenant: Option<&str>,
    client: Option<&str>,
) -> Result<(), String> {
    let args = LoginArgs {
        authority: Some(sandbox.base_url()),
        tenant: tenant.map(str::to_string),
        client_id: client.map(str::to_string),
    };
    let s = settings(sandbox, dir, &args, &[]);
    auth::login_with(&LoginSettings::resolve(&s), fast_polls(), &mut Vec::new())
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `pcx customers -o json` with these settings; the error as printed, if any.
async fn list_customers(
    sandbox: &Sandbox,
    tokens: Arc<dyn TokenProvider>,
) -> Result<String, String> {
    let client = ApiClient::new(ClientConfig::new(sandbox.base_url()), tokens).unwrap();
    let command = ListCommand::Customers {
        search: None,
        domain: None,
        output: OutputArgs {
            output: Some(OutputFormat::Json),
        },
    };
    let mut out = Vec::new();
    pcx::listing::run(&client, &command, 100, &mut out)
        .await
        .map(|_| String::from_utf8_lossy(&out).into_owned())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn login_without_a_client_id_uses_the_partner_center_powershell_client() {
    let sandbox = sandbox().await;
    let dir = TempDir::new("test");
    login(&sandbox, &dir, None, None).await.unwrap();
    let s = settings(&sandbox, &dir, &LoginArgs::default(), &[]);
    let saved = auth::cache::load(&s.login_cache_file()).unwrap();
    assert_eq!(saved.logins.len(), 1);
    assert_eq!(
        saved.logins[0].client_id,
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    );
    assert_eq!(saved.logins[0].tenant, "organizations");
    // The token the sandbox issued to that client is accepted under strict auth.
    let out = list_customers(&sandbox, auth::token_provider(&s, &env_of(&[])))
        .await
        .unwrap();
    assert!(out.starts_with('['), "{out}");
    // `--client-id` still chooses your own app, and a bare login afterwards keeps it.
    let own = "00000000-0000-0000-0000-0000000000c1";
    login(&sandbox, &dir, None, Some(own)).await.unwrap();
    let again = LoginSettings::resolve(&settings(&sandbox, &dir, &LoginArgs::default(), &[]));
    assert_eq!(again.client_id, own);
}

#[tokio::test]
async fn a_single_tenant_app_is_refused_at_organizations_and_signs_in_with_its_tenant() {
    let sandbox = sandbox().await;
    sandbox.set_identity_error(Some(IdentityError::parse("AADSTS50194").unwrap()));
    let dir = TempDir::new("test");
    let own = Some("00000000-0000-0000-0000-0000000000c1");
    let err = login(&sandbox, &dir, None, own).await.unwrap_err();
    assert!(
        err.contains("AADSTS50194") && err.contains("single-tenant"),
        "{err}"
    );
    assert!(err.contains("--tenant"), "{err}");
    // As the README's steps say: the app's own tenant.
    login(&sandbox, &dir, Some("contoso.onmicrosoft.com"), own)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_refusal_an_operator_meets_says_what_to_do() {
    // What each explanation must tell the operator (independent of pcx's own table).
    let cases = [
        ("AADSTS50194", "--tenant"),
        ("AADSTS50076", "multi-factor authentication (MFA)"),
        ("AADSTS50079", "aka.ms/mfasetup"),
        ("AADSTS53003", "Conditional Access"),
        ("AADSTS50020", "another tenant"),
        ("AADSTS50105", "not assigned"),
        ("AADSTS65001", "admin consent"),
        ("AADSTS7000218", "Allow public client flows: Yes"),
        ("AADSTS700016", "check --client-id"),
        ("AADSTS90002", "check --tenant"),
        ("AADSTS700082", "sign in again with `pcx login`"),
        ("AADSTS70043", "sign in again with `pcx login`"),
        ("authorization_declined", "declined"),
        ("expired_token", "expired"),
    ];
    assert_eq!(
        cases.len(),
        auth::REFUSALS.len(),
        "every row of the table is tested"
    );
    let sandbox = sandbox().await;
    for (code, says) in cases {
        sandbox.set_identity_error(Some(IdentityError::parse(code).unwrap()));
        let dir = TempDir::new("test");
        let err = login(&sandbox, &dir, None, None).await.unwrap_err();
        assert!(err.contains(says), "{code}: {err}");
        if code.starts_with("AADSTS") {
            // Entra's own words come with the advice.
            assert!(err.contains(&format!("{code}:")), "{code}: {err}");
        }
        assert!(
            !err.contains('\r') && !err.contains("Trace ID"),
            "{code}: one line: {err}"
        );
    }
}

#[tokio::test]
async fn an_unknown_refusal_shows_entras_own_description_sanitised() {
    let sandbox = sandbox().await;
    let hostile = "Something new \u{1b}[31mhappened\u{202e} here\u{7}";
    sandbox.set_identity_error(Some(
        IdentityError::parse("AADSTS5000611")
            .unwrap()
            .with_description(hostile),
    ));
    let err = login(&sandbox, &TempDir::new("test"), None, None)
        .await
        .unwrap_err();
    assert!(
        err.contains("AADSTS5000611: Something new [31mhappened here"),
        "{err}"
    );
    assert!(
        !err.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_refresh_refused_for_inactivity_says_to_sign_in_again() {
    let sandbox = sandbox().await;
    let dir = TempDir::new("test");
    login(&sandbox, &dir, None, None).await.unwrap();
    sandbox.set_identity_error(Some(IdentityError::parse("AADSTS700082").unwrap()));
    let s = settings(&sandbox, &dir, &LoginArgs::default(), &[]);
    // Two hours on, the access token has expired and its renewal is refused.
    let later: Clock = Arc::new(|| SystemTime::now() + Duration::from_secs(7200));
    let provider = LoginCacheToken::new(
        s.login_cache_file(),
        auth::filter(&s),
        auth::how_to_sign_in(),
    )
    .with_clock(later);
    let err = list_customers(&sandbox, Arc::new(provider))
        .await
        .unwrap_err();
    assert!(
        err.contains("AADSTS700082") && err.contains("pcx login"),
        "{err}"
    );
}

/// An environment of variables for a test.
type Env = &'static [(&'static str, &'static str)];

#[tokio::test]
async fn a_refused_token_gets_advice_for_its_own_source() {
    let sandbox = sandbox().await;
    let dir = TempDir::new("test");
    let none = LoginArgs::default();

    let refused = |env: Env| {
        let s = settings(&sandbox, &dir, &none, env);
        let tokens = auth::token_provider(&s, &env_of(env));
        async { list_customers(&sandbox, tokens).await.unwrap_err() }
    };

    // The token's source, the advice that fits it, and advice for another source.
    let sources: [(Env, &str, &str); 2] = [
        (
            &[("PCX_ACCESS_TOKEN", "not-issued-by-the-sandbox")],
            "set PCX_ACCESS_TOKEN to a fresh token",
            "az login",
        ),
        (
            &[("PCX_TOKEN_COMMAND", "echo not-issued-by-the-sandbox")],
            "az login --tenant YOUR_PARTNER_TENANT --allow-no-subscriptions",
            "PCX_ACCESS_TOKEN",
        ),
    ];
    for (env, advice, not) in sources {
        let err = refused(env).await;
        assert!(err.contains("HTTP 401"), "{err}");
        assert!(err.contains(advice), "{err}");
        assert!(!err.contains(not), "{err}");
    }

    // The login cache: tokens that are already expired when issued, so even a renewal is refused.
    sandbox.set_token_ttl(Duration::ZERO);
    login(&sandbox, &dir, None, None).await.unwrap();
    let s = settings(&sandbox, &dir, &none, &[]);
    let err = list_customers(&sandbox, auth::token_provider(&s, &env_of(&[])))
        .await
        .unwrap_err();
    assert!(
        err.contains("HTTP 401") && err.contains("sign in again with `pcx login`"),
        "{err}"
    );
    assert!(
        !err.contains("az login") && !err.contains("PCX_ACCESS_TOKEN"),
        "{err}"
    );
}

fn project_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
}

#[tokio::test]
async fn the_example_config_copied_as_is_signs_in_with_the_default_client() {
    let sandbox = sandbox().await;
    let dir = TempDir::new("test");
    let global = GlobalArgs {
        config: Some(project_file("assets/config.example.toml")),
        ..GlobalArgs::default()
    };
    let args = LoginArgs {
        authority: Some(sandbox.base_url()),
        ..LoginArgs::default()
    };
    let s = Settings::load_with_paths(&global, Some(&args), &env_of(&[]), Paths::under(dir.path()))
        .unwrap();
    assert!(s.config_file_loaded);
    assert_eq!(
        (s.client_id.value.as_str(), &s.client_id.source),
        (DEFAULT_CLIENT_ID, &Source::Default)
    );
    assert_eq!(s.tenant.source, Source::Default);
    auth::login_with(&LoginSettings::resolve(&s), fast_polls(), &mut Vec::new())
        .await
        .unwrap();
    let saved = auth::cache::load(&s.login_cache_file()).unwrap();
    assert_eq!(saved.logins[0].client_id, DEFAULT_CLIENT_ID);
}

#[test]
fn cargo_declares_the_rust_version_the_code_needs() {
    let manifest = std::fs::read_to_string(project_file("Cargo.toml")).unwrap();
    let declared = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("rust-version"))
        .and_then(|rest| rest.trim().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').to_string())
        .expect("Cargo.toml declares rust-version");
    let minor: u32 = declared
        .strip_prefix("1.")
        .and_then(|m| m.split('.').next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    // let-chains (`if let ... && let ...`) are stable from 1.88.
    assert!(
        minor >= 88,
        "rust-version {declared} is older than let-chains"
    );
}
