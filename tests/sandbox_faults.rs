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

#[tokio::test]
async fn server_errors_are_500_and_503() {
    assert_eq!(
        first_page_error(FaultKind::ServerError).await.status(),
        Some(500)
    );
    let unavailable = first_page_error(FaultKind::Unavailable).await;
    assert!(
        matches!(unavailable, ApiError::Server(ref d) if d.status == 503),
        "{unavailable:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_a_network_error() {
    let error = first_page_error(FaultKind::Drop).await;
    assert!(matches!(error, ApiError::Network { .. }), "{error:?}");
}

#[tokio::test]
async fn a_truncated_body_is_bad_data() {
    let error = first_page_error(FaultKind::Truncate).await;
    assert!(matches!(error, ApiError::BadData { .. }), "{error:?}");
}

#[tokio::test]
async fn a_huge_body_is_refused_at_the_limit() {
    let error = first_page_error(FaultKind::Huge).await;
    assert!(
        matches!(error, ApiError::BadData { ref message, .. } if message.contains("larger than")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let error = first_page_error(FaultKind::Redirect).await;
    assert_eq!(error.status(), Some(302), "{error:?}");
}

#[tokio::test]
async fn a_stalled_answer_times_out() {
    let error = first_page_error(FaultKind::Stall).await;
    assert!(matches!(error, ApiError::Timeout { .. }), "{error:?}");
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
