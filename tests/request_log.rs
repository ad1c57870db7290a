//! The request log: what the client records (attempts, 429 waits, one request id), that no
//! entry holds the token, that its `curl` command repeats the request against the sandbox,
//! that the explorer's `:log` lists requests and copies one as curl, and `--log-requests`.

mod common;

use pcx::api::{CallContext, CustomerQuery, LogEntry};
use pcx::sandbox::{FaultConfig, FaultKind, SandboxConfig};

const TOKEN: &str = "secret-token-4711";

fn query() -> CustomerQuery {
    CustomerQuery {
        page_size: 20,
        search: None,
    }
}

fn header<'a>(entry: &'a LogEntry, name: &str) -> Option<&'a str> {
    entry
        .request_headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn retries_and_429_waits_are_one_entry_with_one_request_id() {
    let mut config = SandboxConfig::generated(30, 2, 1);
    config.faults = FaultConfig::only(&[FaultKind::Throttle], 1.0)
        .with_retry_after(1)
        .on_path("/v1/customers")
        .times(1);
    let sandbox = common::start_sandbox(config).await;
    let client = common::client(&sandbox.base_url(), TOKEN);
    client
        .customers_page(&CallContext::new(), &query(), None)
        .await
        .expect("the retry succeeds");
    let log = client.request_log().newest_first();
    assert_eq!(log.len(), 1, "one logical request, one entry");
    let entry = &log[0];
    assert_eq!(entry.status, Some(200));
    assert_eq!(entry.attempts, 2);
    assert_eq!(entry.waits.len(), 1);
    assert!(entry.waits[0].contains("429"), "{:?}", entry.waits);
    assert!(entry.waits[0].contains("1000 ms"), "{:?}", entry.waits);
    assert!(entry.duration >= std::time::Duration::from_secs(1));
    assert_eq!(
        header(entry, "ms-requestid"),
        Some(entry.request_id.as_str())
    );
    assert_eq!(
        header(entry, "ms-correlationid"),
        Some(entry.correlation_id.as_str())
    );
    assert!(entry.path.starts_with("/v1/customers?size=20"));
    assert!(entry.body.contains("\"items\""));
    let whole = serde_json::to_string(&**entry).unwrap();
    assert!(!whole.contains(TOKEN), "the token leaked into the log");
    assert_eq!(header(entry, "authorization"), Some("Bearer [redacted]"));
}

#[tokio::test]
async fn failures_are_logged_with_their_status_and_error() {
    let mut config = SandboxConfig::generated(30, 2, 1);
    config.faults = FaultConfig::only(&[FaultKind::ServerError], 1.0).on_path("/users");
    let sandbox = common::start_sandbox(config).await;
    let client = common::quick_client(&sandbox.base_url(), TOKEN);
    let ctx = CallContext::new();
    let page = client.customers_page(&ctx, &query(), None).await.unwrap();
    let id = page.items[0].data.id.clone().expect("an id");
    let err = client
        .users_page(&ctx, &id, &Default::default(), None)
        .await
        .expect_err("users always fail");
    let log = client.request_log().newest_first();
    assert_eq!(log.len(), 2);
    let failed = &log[0];
    assert!(failed.failed());
    assert!(failed.path.contains(&format!("/v1/customers/{id}/users")));
    assert_eq!(failed.attempts, 2, "quick clients try twice");
    assert!(matches!(failed.status, Some(500 | 503)));
    assert_eq!(
        Some(failed.correlation_id.as_str()),
        err.correlation_id(),
        "the status bar's correlation id finds this entry"
    );
    assert!(failed.error.is_some());
    assert!(!log[1].failed());
}

#[tokio::test]
async fn the_curl_command_repeats_the_request_without_the_token() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(12, 2, 3)).await;
    let client = common::client(&sandbox.base_url(), TOKEN);
    client
        .customers_page(&CallContext::new(), &query(), None)
        .await
        .unwrap();
    let entry = client.request_log().newest_first()[0].clone();
    let curl = entry.curl();
    assert!(!curl.contains(TOKEN));
    assert!(curl.contains("$PCX_TOKEN"));
    // The sandbox answers on this test's runtime: the command must not block it.
    let run = |token: Option<&str>| {
        let mut command = tokio::process::Command::new("sh");
        command.arg("-c").arg(&curl).env_remove("PCX_TOKEN");
        if let Some(token) = token {
            command.env("PCX_TOKEN", token);
        }
        command.output()
    };
    let out = run(Some(TOKEN)).await.expect("sh and curl run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON from curl");
    let logged: serde_json::Value = serde_json::from_str(&entry.body).unwrap();
    assert_eq!(again, logged, "curl got the same answer as pcx");
    // Without $PCX_TOKEN the same command is refused: the token really comes from it.
    let refused = run(None).await.expect("sh and curl run");
    let text = String::from_utf8_lossy(&refused.stdout);
    assert!(text.contains("800001") || text.contains("token"), "{text}");
}

#[tokio::test]
async fn the_log_keeps_only_the_last_thousand() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(3, 1, 1)).await;
    let client = common::client(&sandbox.base_url(), TOKEN);
    let ctx = CallContext::new();
    for _ in 0..1005 {
        client.customers_page(&ctx, &query(), None).await.unwrap();
    }
    assert_eq!(client.request_log().len(), pcx::api::reqlog::LOG_CAPACITY);
}

#[tokio::test]
async fn the_explorer_lists_requests_newest_first_and_copies_one_as_curl() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(8, 3, 5)).await;
    let client = common::client(&sandbox.base_url(), TOKEN);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).unwrap();
    let loaded = |_: &pcx::app::Model, s: &str| s.contains("8 of 8");
    let seen = common::explore(
        &mut terminal,
        client,
        vec![
            common::on(loaded, "\n"),
            common::on(|_, s| s.contains("users") && s.contains("of 3"), ":log\n"),
            common::on(|_, s| s.contains("request log"), "\n"),
            common::on(|_, s| s.contains("response body"), "c"),
            common::on(|_, s| s.contains("sent curl"), "hqq"),
        ],
    )
    .await;
    let log = seen
        .matched
        .iter()
        .find(|s| s.contains("request log"))
        .unwrap();
    let users = log
        .find("/users?size=")
        .expect("the users request is listed");
    let customers = log
        .find("/v1/customers?size=")
        .expect("and the customers request");
    assert!(users < customers, "newest first:\n{log}");
    assert!(log.contains("GET") && log.contains(" 200 "), "{log}");
    let whole = &seen.matched[3];
    assert!(
        whole.contains("MS-RequestId") && whole.contains("Bearer [redacted]"),
        "{whole}"
    );
    let copied = seen
        .frames
        .iter()
        .find(|f| f.contains("sent curl"))
        .unwrap();
    assert!(
        copied.contains("$PCX_TOKEN") || copied.contains("curl -sS"),
        "{copied}"
    );
    assert!(seen.frames.iter().all(|f| !f.contains(TOKEN)));
}

#[tokio::test]
async fn log_requests_writes_one_json_line_per_request() {
    let dir = common::TempDir::new("pcx-log-requests");
    let file = dir.path().join("requests.jsonl");
    let out = common::pcx_command(dir.path())
        .args(["--demo", "customers", "-o", "json", "--log-requests"])
        .arg(&file)
        .output()
        .await
        .expect("pcx runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).expect("the log file was written");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert_eq!(line["method"], "GET");
        assert_eq!(line["status"], 200);
        assert!(line["path"].as_str().unwrap().starts_with("/v1/customers"));
        assert!(line["requestId"].as_str().is_some_and(|s| s.len() == 36));
        assert!(!line.to_string().contains(pcx::sandbox::DEMO_TOKEN));
    }
}

/// A call that never gets a token still has its entry, saying why: the failure the status bar
/// shows can be looked up in `:log`.
#[tokio::test]
async fn a_call_without_a_token_is_logged_with_why() {
    let tokens = std::sync::Arc::new(pcx::api::NoToken("sign in with pcx login".into()));
    let config = pcx::api::ClientConfig::new("http://127.0.0.1:9");
    let client = pcx::api::ApiClient::new(config, tokens).unwrap();
    let error = client
        .customers_page(&CallContext::new(), &query(), None)
        .await
        .unwrap_err();
    let log = client.request_log().newest_first();
    assert_eq!(log.len(), 1, "one entry for the one call");
    assert_eq!(log[0].status, None, "nothing was sent");
    assert_eq!(log[0].error.as_deref(), Some(error.to_string().as_str()));
}

fn numbered(n: usize) -> std::sync::Arc<LogEntry> {
    std::sync::Arc::new(LogEntry {
        time: "2026-11-30T10:00:00.000Z".into(),
        method: "GET",
        url: format!("https://api.example/v1/request-{n:02}"),
        path: format!("/v1/request-{n:02}"),
        status: Some(200),
        duration: std::time::Duration::from_millis(5),
        attempts: 1,
        waits: Vec::new(),
        correlation_id: format!("c{n}"),
        request_id: format!("r{n}"),
        request_headers: Vec::new(),
        response_headers: Vec::new(),
        body: (0..40)
            .map(|i| format!("body line {i:02}"))
            .collect::<Vec<_>>()
            .join("\n"),
        error: None,
    })
}

/// The log fills its box: at the end of the list the last request sits on the box's last row,
/// and at the end of a request's lines the last line does (no row left empty below either).
#[test]
fn the_log_scrolls_to_its_last_row_and_no_further() {
    use pcx::app::msg::Msg;
    use pcx::ui::Theme;
    let (width, height) = (100, 12);
    let mut d = common::Driver::new(width, height);
    d.send(Msg::Log {
        entries: (0..20).map(numbered).collect(),
        focus: None,
    });
    let drawn = |d: &common::Driver| {
        let area = ratatui::layout::Rect::new(0, 0, width, height);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        pcx::ui::draw(&d.model, &Theme::new(false, false), "log", area, &mut buf);
        common::screen_text(&buf)
    };
    // The body band is rows 1..height-1; the log's box has a border above and below.
    let last_inner_row = |screen: &str| {
        screen
            .lines()
            .nth(usize::from(height) - 3)
            .unwrap()
            .to_string()
    };
    d.press("G");
    let screen = drawn(&d);
    assert!(
        last_inner_row(&screen).contains("/v1/request-19"),
        "{screen}"
    );
    d.send(common::code(crossterm::event::KeyCode::Enter));
    d.press("G");
    let screen = drawn(&d);
    assert!(last_inner_row(&screen).contains("body line 39"), "{screen}");
}
