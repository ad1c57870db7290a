//! The fault matrix, end to end: the real event loop (headless) against the sandbox, each fault
//! switched on for every request while a pane opens. Each ends in a clear, specific message in
//! the pane with the correlation id in the status bar; the rest of the explorer stays usable
//! (back, move, open another pane); and once the fault clears, `r` brings the data.

mod common;

use common::{Seen, Step, TempDir, explore_in, flat, quick_client, status_bar, step};
use pcx::app::model::{Model, ScreenKind};
use pcx::sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::atomic::{AtomicU64, Ordering};

async fn demo() -> Sandbox {
    common::start_sandbox(SandboxConfig::demo()).await
}

fn on_customers(m: &Model) -> bool {
    m.screens.len() == 1 && m.help.is_none()
}

fn on_users(m: &Model) -> bool {
    matches!(m.top().kind, ScreenKind::Users { .. })
}

fn customers_loaded(m: &Model, s: &str) -> bool {
    on_customers(m) && s.contains("Contoso") && s.contains(" of ")
}

fn users_shown(m: &Model, s: &str) -> bool {
    on_users(m) && !m.busy() && s.contains(".com") && status_bar(s).contains(" of ")
}

/// What the pane and the status bar must say for one fault.
struct Expect {
    pane: &'static [&'static str],
    status: &'static str,
}

/// The API requests the first failing pane costs under a fault, and why that many (None: not
/// checked).
fn spent_on(kind: FaultKind) -> Option<(u64, &'static str)> {
    match kind {
        FaultKind::Throttle => Some((2, "the first try and one retry after Retry-After")),
        FaultKind::ServerError | FaultKind::Stall => Some((2, "tried twice (the client's policy)")),
        FaultKind::Truncate | FaultKind::Huge => Some((1, "bad data is not retried")),
        FaultKind::Redirect => Some((1, "one request, answered by the sandbox; none followed")),
        _ => None,
    }
}

/// Runs the matrix's script for one fault: open a customer's users with the fault on, read
/// the message, go back, move, open the next customer's users (the same fault explained
/// there too), clear the fault, press `r`, see the users. Returns what was seen and how many
/// API requests the first failing pane cost.
async fn fault_case(
    sandbox: &Sandbox,
    faults: FaultConfig,
    latency_ms: u64,
    expect: &Expect,
) -> (Seen, u64) {
    let before = AtomicU64::new(0);
    let spent = AtomicU64::new(0);
    let failed = |m: &Model, s: &str| {
        let text = flat(s);
        on_users(m) && !m.busy() && expect.pane.iter().all(|p| text.contains(p))
    };
    let steps: Vec<Step<'_>> = vec![
        step("customers", customers_loaded, "\n").then(|_, _| {
            before.store(sandbox.api_request_count(), Ordering::SeqCst);
            sandbox.set_faults(faults.clone());
            sandbox.set_latency_ms(latency_ms);
        }),
        step("the first pane explains", failed, "h").then(|_, _| {
            let now = sandbox.api_request_count();
            spent.store(now - before.load(Ordering::SeqCst), Ordering::SeqCst);
        }),
        step("back on the customers", |m, _| on_customers(m), "j"),
        step(
            "the cursor moved",
            |m, _| on_customers(m) && m.top().selected == 1,
            "\n",
        ),
        step("another pane explains", failed, "r").then(|_, _| {
            sandbox.set_faults(FaultConfig::none());
            sandbox.set_latency_ms(0);
        }),
        step("r brought the users", users_shown, "q"),
    ];
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let dir = TempDir::new("faults");
    let api = quick_client(&sandbox.base_url(), pcx::sandbox::DEMO_TOKEN);
    let seen = explore_in(&mut terminal, api, dir.path(), steps).await;
    (seen, spent.load(Ordering::SeqCst))
}

/// The common checks: the message, the correlation id, the quit.
fn check(seen: &Seen, expect: &Expect) {
    assert!(seen.model.quit, "q quit the explorer");
    println!("pane: {}", flat(&seen.matched[1]));
    println!("status bar: {}", status_bar(&seen.matched[1]).trim());
    for at in [1, 4] {
        let screen = &seen.matched[at];
        let bar = status_bar(screen);
        assert!(bar.contains(expect.status), "status bar {bar:?}\n{screen}");
        let id = bar
            .split("correlation id ")
            .nth(1)
            .map(str::trim)
            .unwrap_or_default();
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "a correlation id in the status bar: {bar:?}"
        );
        assert!(
            flat(screen).contains(&format!("correlation id: {id}")),
            "the pane quotes the same id\n{screen}"
        );
        assert!(flat(screen).contains("r to retry"), "{screen}");
    }
    let last = seen.matched.last().unwrap();
    assert!(!flat(last).contains("r to retry"), "recovered\n{last}");
}

async fn matrix(kind: FaultKind, expect: Expect) -> Seen {
    let sandbox = demo().await;
    let faults = FaultConfig::only(&[kind], 1.0).with_retry_after(1);
    let (seen, spent) = fault_case(&sandbox, faults, 0, &expect).await;
    check(&seen, &expect);
    if let Some((want, why)) = spent_on(kind) {
        assert_eq!(spent, want, "{kind:?}: {why}");
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_longer_than_the_retries_says_throttled_and_r_recovers() {
    let seen = matrix(
        FaultKind::Throttle,
        Expect {
            pane: &[
                "throttled: Partner Center asked to wait 1 s",
                "Rate limit is exceeded",
            ],
            status: "throttled (HTTP 429)",
        },
    )
    .await;
    assert!(
        seen.frames
            .iter()
            .any(|f| f.contains("throttled (HTTP 429): retrying in 1 s (attempt 2 of ")),
        "the countdown was shown while waiting"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_within_the_retries_counts_down_and_recovers_by_itself() {
    let sandbox = demo().await;
    let api = common::client_with(&sandbox.base_url(), common::token("t"), |c| {
        c.retry.max_attempts = 10;
    });
    let steps = vec![
        step("customers", customers_loaded, "\n").then(|_, _| {
            sandbox.set_faults(FaultConfig::only(&[FaultKind::Throttle], 1.0).with_retry_after(2));
        }),
        step(
            "counting down from 2 s",
            |m, s| on_users(m) && s.contains("throttled (HTTP 429): retrying in 2 s"),
            "",
        ),
        step(
            "counting down, 1 s left",
            |m, s| on_users(m) && s.contains("throttled (HTTP 429): retrying in 1 s"),
            "",
        )
        .then(|_, _| sandbox.set_faults(FaultConfig::none())),
        step("the users, without r", users_shown, "q"),
    ];
    let dir = TempDir::new("storm");
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let seen = explore_in(&mut terminal, api, dir.path(), steps).await;
    assert!(seen.model.quit);
    assert!(
        !seen.frames.iter().any(|f| f.contains("r to retry")),
        "never failed"
    );
}

/// Each fault but the 429 storm, with what the status bar and the pane say; each case runs on a
/// sandbox of its own.
fn the_matrix() -> Vec<(FaultKind, &'static str, &'static [&'static str])> {
    vec![
        (
            FaultKind::ServerError,
            "server error (HTTP 500)",
            &[
                "Partner Center had a server error (HTTP 500)",
                "Partner Center said: HTTP 500, code 0: An unexpected error occurred",
            ],
        ),
        (
            FaultKind::Unavailable,
            "server error (HTTP 503)",
            &["Partner Center had a server error (HTTP 503)"],
        ),
        (
            FaultKind::Drop,
            "network error",
            &[
                "network error: connection dropped while reading the answer (end of file before message length reached)",
            ],
        ),
        (
            FaultKind::Truncate,
            "bad data",
            &["bad data from Partner Center: malformed JSON"],
        ),
        (
            FaultKind::Huge,
            "bad data",
            &["the answer is larger than 1 MiB, far beyond any real page; refused"],
        ),
        (
            FaultKind::Redirect,
            "refused (HTTP 302)",
            &[
                "request refused (HTTP 302)",
                "redirected to http://203.0.113.9/v1/customers/",
                "pcx does not follow redirects so the token stays with the API host",
            ],
        ),
        (
            FaultKind::Stall,
            "timeout",
            &["no answer from Partner Center within 0.3 s"],
        ),
    ]
}

/// 5xx bursts, gateway pages, dropped connections, truncated and huge bodies, redirects to
/// another host and stalls: each explained in the pane, and `r` recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_other_fault_is_explained_and_r_recovers() {
    for (kind, status, pane) in the_matrix() {
        // Shown with a failure: the case it happened in.
        println!("fault {kind:?}");
        matrix(kind, Expect { pane, status }).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_beyond_the_timeout_times_out_and_r_recovers() {
    let sandbox = demo().await;
    let expect = Expect {
        pane: &["no answer from Partner Center within 0.3 s"],
        status: "timeout",
    };
    let (seen, _) = fault_case(&sandbox, FaultConfig::none(), 2_000, &expect).await;
    check(&seen, &expect);
}

/// The token never follows a redirect: the client asks the API host once and never contacts
/// the host the redirect names (another loopback server here, which records any request).
#[tokio::test]
async fn a_redirect_never_carries_the_token_to_the_other_host() {
    use common::{ScriptServer, Scripted};
    use pcx::api::{ApiClient, ApiError, CallContext, ClientConfig, CustomerQuery, Secret};
    let elsewhere = ScriptServer::start(vec![]).await;
    for status in [301, 302, 303, 307, 308] {
        let target = format!("{}/v1/customers?size=10", elsewhere.base_url());
        let api_host =
            ScriptServer::start(vec![Scripted::json(status, "").header("location", &target)]).await;
        let client = ApiClient::new(
            ClientConfig::new(api_host.base_url()),
            pcx::api::StaticToken::new(Secret::new("redirect-test-token")),
        )
        .unwrap();
        let error = client
            .customers_page(&CallContext::new(), &CustomerQuery::default(), None)
            .await
            .expect_err("a redirect is refused");
        match &error {
            ApiError::Rejected(detail) => {
                assert_eq!(detail.status, status);
                let said = detail.description.as_deref().unwrap_or_default();
                assert!(said.contains(&target), "{said}");
                assert!(said.contains("does not follow redirects"), "{said}");
            }
            other => panic!("HTTP {status}: expected a refusal, got {other:?}"),
        }
        let asked = api_host.received();
        assert_eq!(asked.len(), 1, "HTTP {status}: asked once, not retried");
        assert_eq!(
            asked[0].header("authorization"),
            Some("Bearer redirect-test-token")
        );
    }
    assert!(
        elsewhere.received().is_empty(),
        "the other host was never contacted"
    );
}
