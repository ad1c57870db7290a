//! Each injected fault reaches pcx's client as the failure it stands for (so the client's
//! hardening can be tested against it), and faults never touch the identity endpoints.

mod common;

use pcx::api::{ApiClient, ApiError, CallContext, CustomerQuery};
use pcx::sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig};
use std::time::Duration;

async fn sandbox_failing_with(kind: FaultKind) -> Sandbox {
    let mut config = SandboxConfig::generated(50, 2, 1);
    config.faults = FaultConfig::only(&[kind], 1.0).with_retry_after(7);
    common::start_sandbox(config).await
}

/// One attempt, a short timeout and a small body limit, so each fault shows as it is.
fn strict_client(sandbox: &Sandbox) -> ApiClient {
    common::client_with(&sandbox.base_url(), common::token("t"), |c| {
        common::quick(c);
        c.retry.max_attempts = 1;
    })
}

async fn first_page_error(kind: FaultKind) -> ApiError {
    let sandbox = sandbox_failing_with(kind).await;
    let client = strict_client(&sandbox);
    let query = CustomerQuery {
        page_size: 50,
        search: None,
    };
    client
        .customers_page(&CallContext::new(), &query, None)
        .await
        .expect_err("every request fails")
}

#[tokio::test]
async fn throttling_carries_retry_after() {
    match first_page_error(FaultKind::Throttle).await {
        ApiError::Throttled {
            detail,
            retry_after,
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
            assert_eq!(detail.status, 429);
            assert!(
                detail
                    .description
                    .unwrap()
                    .contains("Try again in 7 seconds")
            );
        }
        other => panic!("expected throttling, got {other:?}"),
    }
}

/// What each other fault reaches the client as.
type StandsFor = fn(&ApiError) -> bool;

#[tokio::test]
async fn every_other_fault_reaches_the_client_as_the_failure_it_stands_for() {
    let cases: [(FaultKind, StandsFor); 7] = [
        (FaultKind::ServerError, |e| e.status() == Some(500)),
        (
            FaultKind::Unavailable,
            |e| matches!(e, ApiError::Server(d) if d.status == 503),
        ),
        // A dropped connection is a network error.
        (FaultKind::Drop, |e| matches!(e, ApiError::Network { .. })),
        (FaultKind::Truncate, |e| {
            matches!(e, ApiError::BadData { .. })
        }),
        // A huge body is refused at the limit.
        (
            FaultKind::Huge,
            |e| matches!(e, ApiError::BadData { message, .. } if message.contains("larger than")),
        ),
        // A redirect to another host is not followed.
        (FaultKind::Redirect, |e| e.status() == Some(302)),
        (FaultKind::Stall, |e| matches!(e, ApiError::Timeout { .. })),
    ];
    for (kind, stands_for) in cases {
        let error = first_page_error(kind).await;
        assert!(stands_for(&error), "{kind:?}: {error:?}");
    }
}

#[tokio::test]
async fn identity_endpoints_are_never_faulted_or_counted() {
    let sandbox = sandbox_failing_with(FaultKind::ServerError).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/organizations/oauth2/v2.0/devicecode",
            sandbox.base_url()
        ))
        .form(&[
            ("client_id", "00000000-0000-0000-0000-0000000000c1"),
            ("scope", "openid"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(sandbox.api_request_count(), 0);
}
