//! `pcx sandbox` flags become the right sandbox configuration, and `serve` refuses what it
//! must (non-loopback addresses, impossible rates, a busy port) with a clear error.

mod common;

use clap::Parser;
use pcx::cli::{Cli, Command, SandboxArgs};
use pcx::sandbox::{FaultKind, PartnerSource, Sandbox, SandboxConfig, SandboxError, serve};
use std::time::Duration;

fn args(flags: &[&str]) -> SandboxArgs {
    let argv = ["pcx", "sandbox"].iter().chain(flags).copied();
    match Cli::try_parse_from(argv).unwrap().command {
        Some(Command::Sandbox(args)) => args,
        other => panic!("not a sandbox command: {other:?}"),
    }
}

#[test]
fn flags_map_to_the_configuration() {
    let demo = SandboxConfig::from_args(&args(&[]));
    assert_eq!(demo.partner, PartnerSource::Demo);
    assert_eq!(demo.faults.kinds, FaultKind::SAFE.to_vec());
    assert_eq!(demo.faults.rate, 0.0);
    assert!(!demo.strict_auth);

    let config = SandboxConfig::from_args(&args(&[
        "--customers",
        "20000",
        "--users-per-customer",
        "7",
        "--seed",
        "9",
        "--latency-ms",
        "40",
        "--fault-rate",
        "0.3",
        "--fault-kinds",
        "truncate,stall",
        "--rate-limit",
        "500",
        "--strict-auth",
        "--approve-after",
        "4",
        "--token-ttl",
        "3",
    ]));
    assert_eq!(
        config.partner,
        PartnerSource::Generated {
            customers: 20_000,
            users_per_customer: 7,
            seed: 9
        }
    );
    assert_eq!(config.latency_ms, 40);
    assert_eq!(config.faults.rate, 0.3);
    assert_eq!(config.faults.kinds, [FaultKind::Truncate, FaultKind::Stall]);
    assert_eq!(config.faults.seed, 9);
    assert_eq!(config.rate_limit, Some(500));
    assert!(config.strict_auth);
    assert_eq!(config.approve_after, 4);
    assert_eq!(config.token_ttl, Duration::from_secs(3));
    assert!(Cli::try_parse_from(["pcx", "sandbox", "--fault-kinds", "meteor"]).is_err());
}

#[tokio::test]
async fn serve_refuses_bad_settings_before_listening() {
    let refused =
        |flags: &'static [&'static str]| async move { serve(&args(flags)).await.unwrap_err() };
    let e = refused(&["--listen", "0.0.0.0:8400"]).await;
    assert!(matches!(e, SandboxError::NotLoopback(_)), "{e}");
    assert!(e.to_string().contains("loopback"));
    assert!(matches!(
        refused(&["--listen", "nowhere"]).await,
        SandboxError::BadAddress(_)
    ));
    assert!(matches!(
        refused(&["--listen", "127.0.0.1:0", "--fault-rate", "1.5"]).await,
        SandboxError::BadFaultRate(_)
    ));
    assert!(matches!(
        refused(&["--listen", "127.0.0.1:0", "--rate-limit", "0"]).await,
        SandboxError::BadRateLimit
    ));

    let busy = common::start_sandbox(SandboxConfig::demo()).await;
    let listen = busy.addr().to_string();
    let e = serve(&args(&["--listen", &listen])).await.unwrap_err();
    assert!(matches!(e, SandboxError::Start { .. }), "{e}");
}

#[tokio::test]
async fn start_refuses_a_non_loopback_address() {
    let error = Sandbox::start(SandboxConfig::demo(), "0.0.0.0:0".parse().unwrap())
        .await
        .err()
        .expect("refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn describe_says_what_is_served() {
    let mut config = SandboxConfig::generated(20_000, 25, 3);
    config.faults = pcx::sandbox::FaultConfig::safe(0.3, 3);
    config.rate_limit = Some(500);
    let sandbox = common::start_sandbox(config).await;
    let text = sandbox.describe();
    assert!(
        text.starts_with("generated partner: 20000 customers x 25 users, seed 3"),
        "{text}"
    );
    assert!(
        text.contains("faults 30% (throttle, server-error, unavailable, drop)"),
        "{text}"
    );
    assert!(text.contains("rate limit 500/min"), "{text}");
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn identity_errors_and_a_missing_partner_role_are_flags() {
    let config = SandboxConfig::from_args(&args(&[
        "--identity-error",
        "aadsts50194",
        "--no-partner-role",
        "--fault-kinds",
        "request-timeout",
    ]));
    assert_eq!(
        config.identity_error.as_ref().map(|e| e.code()),
        Some("AADSTS50194")
    );
    assert!(!config.partner_role);
    assert_eq!(config.faults.kinds, [FaultKind::RequestTimeout]);
    assert!(SandboxConfig::from_args(&args(&[])).partner_role);
    let err = serve(&args(&[
        "--listen",
        "127.0.0.1:0",
        "--identity-error",
        "nope",
    ]))
    .await
    .unwrap_err();
    assert!(matches!(err, SandboxError::BadIdentityError(_)), "{err}");
    assert!(err.to_string().contains("AADSTS50194"), "{err}");
}
