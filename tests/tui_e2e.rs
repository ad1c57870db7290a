//! The real event loop, headless: a TestBackend (or a byte-counting crossterm backend), keys
//! from a script that waits on what is drawn (never on time), and real HTTP to a loopback
//! Partner Center. Customers to service plans, counting the requests on the way.

mod common;

use common::{Seen, Step, Tape, TempDir, client, explore, explore_in, flat, on, shows};
use pcx::api::ApiClient;
use pcx::app::model::{Model, ScreenKind};
use pcx::sandbox::{FaultConfig, FaultKind};
use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{TerminalOptions, Viewport};
use std::sync::{Arc, Mutex};

fn top_is_plans(model: &Model) -> bool {
    matches!(model.top().kind, ScreenKind::Plans { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_to_service_plans_in_exactly_three_requests() {
    let steps = vec![
        on(shows(&["Contoso Ltd.", " of 27"]), "\n"),
        on(|_, s| s.contains("MeganB@contoso.com"), "\n"),
        on(|_, s| s.contains("Microsoft 365 E5"), "\n"),
        on(|m, s| top_is_plans(m) && s.contains("Assigned"), "hhh"),
        on(
            |m, s| m.screens.len() == 1 && s.contains("Northwind"),
            "\n\n\n",
        ),
        on(|m, s| top_is_plans(m) && s.contains("Assigned"), "q"),
    ];
    let (sandbox, Seen { model, frames, .. }) = on_the_demo(steps).await;
    assert!(top_is_plans(&model));
    let kinds: Vec<&str> = sandbox
        .api_requests()
        .iter()
        .map(|path| match path {
            p if p.contains("/licenses") => "licenses",
            p if p.contains("/users") => "users",
            _ => "customers",
        })
        .collect();
    assert_eq!(
        kinds,
        ["customers", "users", "licenses"],
        "cold start, then reopening is free"
    );
    let plans = frames
        .iter()
        .rev()
        .find(|f| f.contains("Assigned"))
        .unwrap();
    assert!(
        plans.contains("Customers › Contoso Ltd. › MeganB@contoso.com › Microsoft 365 E5"),
        "{plans}"
    );
    assert!(plans.contains("✓ Assigned"), "{plans}");
    // The first frame came before any answer: the customers pane was loading.
    assert!(frames[0].contains("loading customers"), "{}", frames[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_load_says_so_and_then_shows_its_rows() {
    let (sandbox, api) = demo().await;
    let once = FaultConfig::only(&[FaultKind::Throttle], 1.0)
        .on_path("/users")
        .times(1);
    sandbox.set_faults(once.with_retry_after(1));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let steps = vec![
        on(|_, s| s.contains("Contoso Ltd."), "\n"),
        on(|_, s| s.contains("MeganB@contoso.com"), "q"),
    ];
    let Seen { frames, .. } = explore(&mut terminal, api, steps).await;
    assert!(
        frames
            .iter()
            .any(|f| f.contains("throttled (HTTP 429): retrying in 1 s")),
        "no throttle notice in {} frames",
        frames.len()
    );
    let users = sandbox.api_requests();
    let users = users.iter().filter(|p| p.contains("/users")).count();
    assert_eq!(users, 2, "the throttled request and its retry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_access_names_the_roles_and_navigation_goes_on() {
    let (_sandbox, api) = demo().await;
    let mut terminal = Terminal::new(TestBackend::new(80, 30)).unwrap();
    let steps = vec![
        // The demo's customer whose GDAP relationship expired, found by a server search.
        on(|_, s| s.contains("Contoso Ltd."), "SGraphic\n"),
        on(
            |m, s| m.screens.len() == 2 && s.contains("Graphic Design"),
            "\n",
        ),
        on(|_, s| s.contains("GDAP roles"), "hh\n"),
        on(|_, s| s.contains("MeganB@contoso.com"), "q"),
    ];
    let Seen { frames, .. } = explore(&mut terminal, api, steps).await;
    let denied = flat(frames.iter().find(|f| f.contains("GDAP roles")).unwrap());
    assert!(
        denied.contains("no access: the partner needs one of the GDAP roles"),
        "{denied}"
    );
    assert!(denied.contains("r to retry"), "{denied}");
    assert!(denied.contains("code 900308"), "{denied}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_move_writes_a_few_hundred_bytes() {
    let (_sandbox, api) = demo().await;
    let out = Tape::default();
    let backend = CrosstermBackend::new(out.clone());
    let viewport = Viewport::Fixed(Rect::new(0, 0, 120, 40));
    let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let record = {
        let (out, sizes) = (out.clone(), sizes.clone());
        move |s: &str| {
            if s.contains("Assigned") {
                sizes.lock().unwrap().push(out.bytes().len());
            }
        }
    };
    let r1 = record.clone();
    let r2 = record.clone();
    let r3 = record.clone();
    let steps = vec![
        on(|_, s| s.contains("Contoso Ltd."), "\n"),
        on(|_, s| s.contains("MeganB@contoso.com"), "\n"),
        on(|_, s| s.contains("Microsoft 365 E5"), "\n"),
        on(
            move |m, s| {
                top_is_plans(m) && !m.busy() && {
                    r1(s);
                    true
                }
            },
            "j",
        ),
        on(
            move |_, s| {
                r2(s);
                true
            },
            "j",
        ),
        on(
            move |_, s| {
                r3(s);
                true
            },
            "k",
        ),
        on(
            move |_, s| {
                record(s);
                true
            },
            "q",
        ),
    ];
    explore(&mut terminal, api, steps).await;
    let sizes = sizes.lock().unwrap().clone();
    assert_eq!(sizes.len(), 4, "{sizes:?}");
    let per_move: Vec<usize> = sizes.windows(2).map(|w| w[1] - w[0]).collect();
    println!("bytes per cursor move: {per_move:?}");
    assert!(per_move.iter().all(|&b| b > 0 && b <= 600), "{per_move:?}");
}

async fn demo() -> (pcx::sandbox::Sandbox, ApiClient) {
    demo_with(pcx::sandbox::SandboxConfig::demo()).await
}

async fn demo_with(config: pcx::sandbox::SandboxConfig) -> (pcx::sandbox::Sandbox, ApiClient) {
    let sandbox = common::start_sandbox(config).await;
    let api = client(&sandbox.base_url(), pcx::sandbox::DEMO_TOKEN);
    (sandbox, api)
}

/// The explorer at 120×40 on the demo through `steps`: the sandbox (to count its requests) and
/// what was seen.
async fn on_the_demo(steps: Vec<Step<'_>>) -> (pcx::sandbox::Sandbox, Seen) {
    let (sandbox, api) = demo().await;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let seen = explore(&mut terminal, api, steps).await;
    (sandbox, seen)
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
    let steps = vec![
        on(|_, s| s.contains("Contoso") && s.contains(" of "), "\n"),
        on(
            |m, s| matches!(m.top().kind, ScreenKind::Users { .. }) && s.contains("@contoso.com"),
            "\n",
        ),
        on(
            |m, s| {
                matches!(m.top().kind, ScreenKind::Licenses { .. })
                    && s.contains("Microsoft 365 E5")
            },
            "\n",
        ),
        on(|m, s| top_is_plans(m) && has_status(s), "q"),
    ];
    let (sandbox, Seen { model, frames, .. }) = on_the_demo(steps).await;
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
    let steps = vec![
        on(shows(&["Contoso", " of "]), "/Graphic Design\n"),
        on(shows(&["Graphic Design Institute", "1 of"]), "\n"),
        on(|_, s| s.contains("GDAP roles"), "hhgs"),
        on(shows(&["Subscribed SKUs", "Microsoft 365"]), "q"),
    ];
    let (_sandbox, Seen { frames, .. }) = on_the_demo(steps).await;
    let denied = frames.iter().find(|f| f.contains("GDAP roles")).unwrap();
    assert!(denied.contains("Directory Readers"), "{denied}");
    assert!(denied.contains("correlation id"), "{denied}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_a_partner_center_role_is_told_which_roles_list_customers() {
    let mut config = pcx::sandbox::SandboxConfig::demo();
    config.partner_role = false;
    let (_sandbox, api) = demo_with(config).await;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let steps = vec![on(|_, s| s.contains("no access"), "q")];
    let Seen { frames, .. } = explore(&mut terminal, api, steps).await;
    let denied = frames.iter().find(|f| f.contains("no access")).unwrap();
    assert!(denied.contains("Partner Center role"), "{denied}");
    assert!(denied.contains("Admin agent"), "{denied}");
    assert!(!denied.contains("GDAP"), "{denied}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_and_export_report_in_the_status_bar() {
    let (_sandbox, api) = demo().await;
    let dir = TempDir::new("e2e-export");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let steps = vec![
        on(|_, s| s.contains("Contoso Ltd."), "c"),
        on(
            |_, s| s.contains("sent a1111429-e9ce-48d5-ace2-e5f8dea72bac"),
            "\n",
        ),
        on(|_, s| s.contains("MeganB@contoso.com"), "\n"),
        on(|_, s| s.contains("Microsoft 365 E5"), "\n"),
        on(|m, s| top_is_plans(m) && s.contains("Assigned"), "e"),
        on(|_, s| s.contains("exported "), "q"),
    ];
    let Seen { frames, .. } = explore_in(&mut terminal, api, dir.path(), steps).await;
    let files: Vec<_> = std::fs::read_dir(dir.path())
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
        csv.contains("Assigned,Exchange Online (Plan 2),EXCHANGE_S_ENTERPRISE,"),
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
}
