//! The real event loop, headless: a TestBackend (or a byte-counting crossterm backend), keys
//! from a script that waits on what is drawn (never on time), and real HTTP to a loopback
//! Partner Center. Customers to service plans, counting the requests on the way.

mod tui_support;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use pcx::api::{ApiClient, ClientConfig, RetryPolicy, Secret, StaticToken};
use pcx::app::model::{Model, ScreenKind};
use pcx::app::{ChannelEvents, UiOptions, run_with};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tui_support::fake_pc;
use tui_support::screen_text;

type Check = Box<dyn Fn(&Model, &str) -> bool>;

/// When `until` holds for a drawn frame, `keys` are typed.
struct Step {
    until: Check,
    keys: Vec<Event>,
}

fn step(until: impl Fn(&Model, &str) -> bool + 'static, keys: &str) -> Step {
    let keys = keys
        .chars()
        .map(|c| {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\u{1b}' => KeyCode::Esc,
                c => KeyCode::Char(c),
            };
            Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
        })
        .collect();
    Step {
        until: Box::new(until),
        keys,
    }
}

fn client(base_url: &str) -> ApiClient {
    let mut config = ClientConfig::new(base_url);
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(5),
    };
    ApiClient::new(config, StaticToken::new(Secret::new("test-token"))).unwrap()
}

fn options() -> UiOptions {
    UiOptions {
        title: "test".into(),
        ..UiOptions::default()
    }
}

/// Runs the explorer through the steps; returns the final model and every frame drawn.
async fn explore<B>(
    terminal: &mut Terminal<B>,
    api: ApiClient,
    steps: Vec<Step>,
) -> (Model, Vec<String>)
where
    B: ratatui::backend::Backend + pcx::app::RawTerminal,
{
    explore_with(terminal, api, options(), steps).await
}

async fn explore_with<B>(
    terminal: &mut Terminal<B>,
    api: ApiClient,
    options: UiOptions,
    steps: Vec<Step>,
) -> (Model, Vec<String>)
where
    B: ratatui::backend::Backend + pcx::app::RawTerminal,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let mut at = 0;
    let mut frames = Vec::new();
    let last = Arc::new(Mutex::new(String::new()));
    let seen = last.clone();
    let observer = |model: &Model, buf: &Buffer| {
        let screen = screen_text(buf);
        *seen.lock().unwrap() = format!("step {at}\n{screen}");
        if let Some(next) = steps.get(at)
            && (next.until)(model, &screen)
        {
            for key in &next.keys {
                let _ = tx.send(key.clone());
            }
            at += 1;
        }
        frames.push(screen);
    };
    let run = run_with(terminal, ChannelEvents(rx), api, options, observer);
    // A guard against a hang, not a synchronisation: every step waits on a drawn condition.
    let Ok(result) = tokio::time::timeout(Duration::from_secs(60), run).await else {
        panic!(
            "the script did not finish; last frame at {}",
            last.lock().unwrap()
        );
    };
    let model = result.expect("the explorer ran without error");
    (model, frames)
}

fn top_is_plans(model: &Model) -> bool {
    matches!(model.top().kind, ScreenKind::Plans { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_to_service_plans_in_exactly_three_requests() {
    let pc = fake_pc::start().await;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let steps = vec![
        step(|_, s| s.contains("Contoso") && s.contains("3 of 3"), "\n"),
        step(|_, s| s.contains("alice@contoso.onmicrosoft.com"), "\n"),
        step(
            |_, s| s.contains("Microsoft 365 E5") && s.contains("1 of 3 need attention"),
            "\n",
        ),
        step(|m, s| top_is_plans(m) && s.contains("Suspended"), "hhh"),
        step(
            |m, s| m.screens.len() == 1 && s.contains("Northwind"),
            "\n\n\n",
        ),
        step(|m, s| top_is_plans(m) && s.contains("Suspended"), "q"),
    ];
    let (model, frames) = explore(&mut terminal, client(&pc.base_url), steps).await;
    assert!(top_is_plans(&model));
    assert_eq!(
        pc.hits(),
        ["customers", "users", "licenses"],
        "cold start, then reopening is free"
    );
    let plans = frames
        .iter()
        .rev()
        .find(|f| f.contains("Suspended"))
        .unwrap();
    assert!(
        plans.contains("Customers › Contoso › alice@contoso.onmicrosoft.com › Microsoft 365 E5"),
        "{plans}"
    );
    assert!(
        plans.contains("✓ Assigned") && plans.contains("✗ Suspended"),
        "{plans}"
    );
    // The first frame came before any answer: the customers pane was loading.
    assert!(frames[0].contains("loading customers"), "{}", frames[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_load_says_so_and_then_shows_its_rows() {
    let pc = fake_pc::start().await;
    pc.behaviour
        .throttle_users_once
        .store(true, Ordering::SeqCst);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let steps = vec![
        step(|_, s| s.contains("Contoso"), "\n"),
        step(|_, s| s.contains("alice@contoso.onmicrosoft.com"), "q"),
    ];
    let (_, frames) = explore(&mut terminal, client(&pc.base_url), steps).await;
    assert!(
        frames
            .iter()
            .any(|f| f.contains("throttled (HTTP 429): retrying in 1 s")),
        "no throttle notice in {} frames",
        frames.len()
    );
    assert_eq!(pc.hits().iter().filter(|h| *h == "users").count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_access_names_the_roles_and_navigation_goes_on() {
    let pc = fake_pc::start().await;
    pc.behaviour.forbid_licences_of.store(1, Ordering::SeqCst);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let steps = vec![
        step(|_, s| s.contains("Contoso"), "\n"),
        step(|_, s| s.contains("bob@contoso.onmicrosoft.com"), "j\n"),
        step(|_, s| s.contains("GDAP roles"), "hk\n"),
        step(|_, s| s.contains("Microsoft 365 E5"), "q"),
    ];
    let (_, frames) = explore(&mut terminal, client(&pc.base_url), steps).await;
    let denied = frames.iter().find(|f| f.contains("GDAP roles")).unwrap();
    assert!(
        denied.contains("no access: the partner needs one of the GDAP roles"),
        "{denied}"
    );
    assert!(denied.contains("r to retry"), "{denied}");
    assert!(denied.contains("code 900308"), "{denied}");
}

/// A writer the test can read while the explorer writes to it.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_move_writes_a_few_hundred_bytes() {
    let pc = fake_pc::start().await;
    let out = Shared::default();
    let backend = CrosstermBackend::new(out.clone());
    let viewport = Viewport::Fixed(Rect::new(0, 0, 120, 40));
    let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let (out, sizes) = (out.clone(), sizes.clone());
        move |s: &str| {
            if s.contains("Suspended") {
                sizes.lock().unwrap().push(out.0.lock().unwrap().len());
            }
        }
    };
    let r1 = record.clone();
    let r2 = record.clone();
    let r3 = record.clone();
    let steps = vec![
        step(|_, s| s.contains("Contoso"), "\n"),
        step(|_, s| s.contains("alice@contoso.onmicrosoft.com"), "\n"),
        step(|_, s| s.contains("Microsoft 365 E5"), "\n"),
        step(
            move |m, s| {
                top_is_plans(m) && !m.busy() && {
                    r1(s);
                    true
                }
            },
            "j",
        ),
        step(
            move |_, s| {
                r2(s);
                true
            },
            "j",
        ),
        step(
            move |_, s| {
                r3(s);
                true
            },
            "k",
        ),
        step(
            move |_, s| {
                record(s);
                true
            },
            "q",
        ),
    ];
    explore(&mut terminal, client(&pc.base_url), steps).await;
    let sizes = sizes.lock().unwrap().clone();
    assert_eq!(sizes.len(), 4, "{sizes:?}");
    let per_move: Vec<usize> = sizes.windows(2).map(|w| w[1] - w[0]).collect();
    println!("bytes per cursor move: {per_move:?}");
    assert!(per_move.iter().all(|&b| b > 0 && b <= 600), "{per_move:?}");
}

async fn demo() -> (pcx::sandbox::Sandbox, ApiClient) {
    let sandbox = pcx::sandbox::Sandbox::start(
        pcx::sandbox::SandboxConfig::demo(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let api = ApiClient::new(
        ClientConfig::new(sandbox.base_url()),
        StaticToken::new(Secret::new(pcx::sandbox::DEMO_TOKEN)),
    )
    .unwrap();
    (sandbox, api)
}

fn has_status(s: &str) -> bool {
    [
        "Assigned",
        "Enabled",
        "Suspended",
        "Warning",
        "Disabled",
        "LockedOut",
        "Deleted",
    ]
    .iter()
    .any(|w| s.contains(w))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_sandbox_from_customers_to_a_service_plan() {
    let (sandbox, api) = demo().await;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let steps = vec![
        step(|_, s| s.contains("Contoso") && s.contains(" of "), "\n"),
        step(
            |m, s| matches!(m.top().kind, ScreenKind::Users { .. }) && s.contains("@contoso.com"),
            "\n",
        ),
        step(
            |m, s| {
                matches!(m.top().kind, ScreenKind::Licences { .. })
                    && s.contains("Microsoft 365 E5")
            },
            "\n",
        ),
        step(|m, s| top_is_plans(m) && has_status(s), "q"),
    ];
    let (model, frames) = explore(&mut terminal, api, steps).await;
    assert!(top_is_plans(&model));
    let requests = sandbox.api_requests();
    assert_eq!(
        requests.len(),
        3,
        "cold start to a user's plans: {requests:?}"
    );
    assert!(requests[0].starts_with("/v1/customers?"), "{requests:?}");
    assert!(requests[1].contains("/users?"), "{requests:?}");
    assert!(
        requests[2].contains("/licenses?licenseGroupIds=Group1&licenseGroupIds=Group2"),
        "{requests:?}"
    );
    let last = frames.last().unwrap();
    assert!(last.contains("Customers › Contoso"), "{last}");
    assert!(last.contains("✓ Assigned"), "{last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_customer_without_gdap_explains_the_403() {
    let (_sandbox, api) = demo().await;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let steps = vec![
        step(
            |_, s| s.contains("Contoso") && s.contains(" of "),
            "/Graphic Design\n",
        ),
        step(
            |_, s| s.contains("Graphic Design Institute") && s.contains("1 of"),
            "\n",
        ),
        step(|_, s| s.contains("GDAP roles"), "hhgs"),
        step(
            |_, s| s.contains("Subscribed SKUs") && s.contains("Microsoft 365"),
            "q",
        ),
    ];
    let (_, frames) = explore(&mut terminal, api, steps).await;
    let denied = frames.iter().find(|f| f.contains("GDAP roles")).unwrap();
    assert!(denied.contains("Directory Readers"), "{denied}");
    assert!(denied.contains("correlation id"), "{denied}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_and_export_report_in_the_status_bar() {
    let pc = fake_pc::start().await;
    let dir = std::env::temp_dir().join(format!("pcx-e2e-export-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let options = UiOptions {
        export_dir: dir.clone(),
        ..options()
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let steps = vec![
        step(|_, s| s.contains("Contoso"), "c"),
        step(
            |_, s| s.contains("sent c0000000-0000-4000-8000-000000000000"),
            "\n",
        ),
        step(|_, s| s.contains("alice@contoso.onmicrosoft.com"), "\n"),
        step(|_, s| s.contains("Microsoft 365 E5"), "\n"),
        step(|m, s| top_is_plans(m) && s.contains("Suspended"), "e"),
        step(|_, s| s.contains("exported "), "q"),
    ];
    let (_, frames) = explore_with(&mut terminal, client(&pc.base_url), options, steps).await;
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let csv = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        csv.starts_with("Status,Service plan,Service name,Target,Plan id\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Suspended,Microsoft Defender for Office 365 (Plan 2)"),
        "{csv}"
    );
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("pcx-service-plans-") && name.ends_with(".csv"),
        "{name}"
    );
    assert!(
        frames.iter().any(|f| f.contains(&name)),
        "the status bar names the file"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
