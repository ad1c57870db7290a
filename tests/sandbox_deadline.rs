//! A request has a total deadline, retries included: a stalled server or a
//! long throttle ends in a clear error when the deadline comes, not after every attempt has
//! timed out; the retry notices carry the attempt and when pcx gives up; the listing commands
//! say on stderr that they wait.

mod common;

use pcx::api::{
    ApiClient, ApiError, CallContext, ClientConfig, CustomerQuery, RetryNotice, Secret, StaticToken,
};
use pcx::sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn sandbox(kind: FaultKind, retry_after: u64) -> Sandbox {
    let mut config = SandboxConfig::generated(5, 2, 1);
    config.faults = FaultConfig::only(&[kind], 1.0).with_retry_after(retry_after);
    common::start_sandbox(config).await
}

async fn first_page(
    sandbox: &Sandbox,
    deadline: Duration,
    timeout: Duration,
) -> (ApiError, Vec<RetryNotice>) {
    let mut config = ClientConfig::new(sandbox.base_url());
    config.deadline = deadline;
    config.request_timeout = timeout;
    let client = ApiClient::new(config, StaticToken::new(Secret::new("t"))).unwrap();
    let notices = Arc::new(Mutex::new(Vec::new()));
    let seen = notices.clone();
    let ctx =
        CallContext::new().with_retry_observer(Arc::new(move |n| seen.lock().unwrap().push(n)));
    let query = CustomerQuery {
        page_size: 5,
        search: None,
    };
    let error = client
        .customers_page(&ctx, &query, None)
        .await
        .expect_err("every request fails");
    let notices = notices.lock().unwrap().clone();
    (error, notices)
}

#[tokio::test]
async fn a_stalled_server_ends_at_the_deadline_not_after_every_attempt() {
    let sandbox = sandbox(FaultKind::Stall, 1).await;
    let deadline = Duration::from_millis(2000);
    let (error, notices) = first_page(&sandbox, deadline, Duration::from_millis(1500)).await;
    assert!(matches!(error, ApiError::Timeout { .. }), "{error}");
    // The first attempt timed out at 1.5 s; the second had what was left of the 2 s; the
    // third and fourth were never made.
    assert_eq!(sandbox.api_request_count(), 2);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!((notices[0].next_attempt, notices[0].max_attempts), (2, 4));
    assert!(notices[0].gives_up_in <= deadline, "{notices:?}");
    assert_eq!(notices[0].reason, "timeout");
}

#[tokio::test]
async fn a_throttle_longer_than_the_deadline_is_not_waited_out() {
    let sandbox = sandbox(FaultKind::Throttle, 30).await;
    let (error, notices) =
        first_page(&sandbox, Duration::from_secs(5), Duration::from_secs(2)).await;
    assert!(matches!(error, ApiError::Throttled { .. }), "{error}");
    assert_eq!(sandbox.api_request_count(), 1);
    assert!(notices.is_empty(), "{notices:?}");
}

#[tokio::test]
async fn a_listing_says_on_stderr_that_it_waits() {
    let sandbox = sandbox(FaultKind::Throttle, 1).await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_pcx"))
        .args(["--base-url", &sandbox.base_url(), "customers", "-o", "json"])
        .env("PCX_ACCESS_TOKEN", "t")
        .env_remove("PCX_TOKEN_COMMAND")
        .env("HOME", std::env::temp_dir().join("pcx-deadline-home"))
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("pcx-deadline-home/c"),
        )
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pcx: waiting 1 s for Partner Center (throttled (HTTP 429); attempt 2 of 4"),
        "{err}"
    );
    assert_eq!(err.matches("waiting 1 s").count(), 3, "{err}");
}
