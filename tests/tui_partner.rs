//! The explorer seeing the whole partner: the `:` command line (each command, completion,
//! history, unknown words), report panes (sort, raw JSON, export, Enter jumping to the live
//! place), the background scan's messages, the snapshot's columns on the customers list, the
//! users' SKUs loaded only for rows that stay in view, and render snapshots of the new panes.

mod common;

use common::*;
use crossterm::event::KeyCode;
use pcx::app::cache::PaneData;
use pcx::app::model::{Query, ScreenKind};
use pcx::app::msg::{Effect, Msg};
use pcx::app::partner_view::{CustomerFigures, SnapshotSummary, UserSkus};
use pcx::app::report_pane::{ReportKind, ReportTable};
use pcx::app::rows::Mark;
use pcx::fetch::Payload;
use pcx::report::{Cell, Column, Report, col, data};
use pcx::scan::ProgressView;
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The problems report's fields (as `pcx report problems` names them).
const PROBLEMS: &[Column] = &[
    data("customerId"),
    col("companyName", "CUSTOMER"),
    data("userId"),
    col("userPrincipalName", "USER"),
    data("skuId"),
    col("skuPartNumber", "SKU"),
    data("servicePlanId"),
    col("serviceName", "PLAN"),
    col("capabilityStatus", "STATUS"),
    col("problem", "PROBLEM"),
];

fn text(s: &str) -> Cell {
    Cell::Text(s.into())
}

/// Three problems: two users' plans and one over-consumed SKU.
fn problems() -> ReportTable {
    let mut report = Report::new(PROBLEMS);
    let mut plan = |c: u32, name: &str, u: u32, upn: &str, status: &str| {
        report.push(vec![
            text(&guid(1, c)),
            text(name),
            text(&guid(2, u)),
            text(upn),
            text("sku-e3"),
            text("SPE_E3"),
            text("plan-exo"),
            text("EXCHANGE_S_ENTERPRISE"),
            text(status),
            text("plan-needs-attention"),
        ]);
    };
    plan(
        1,
        "Lamna Healthcare",
        3,
        "pradeep.reddy@lamna.example",
        "Suspended",
    );
    plan(2, "Adatum", 4, "ann@adatum.example", "Warning");
    report.push(vec![
        text(&guid(1, 2)),
        text("Adatum"),
        Cell::Null,
        Cell::Null,
        text("sku-bi"),
        text("POWER_BI_PRO"),
        Cell::Null,
        Cell::Null,
        text("Enabled"),
        text("over-consumed"),
    ]);
    ReportTable::new(&report, "snapshot 1 of 2026-11-30T10:00:00Z".into())
}

fn report_request(effects: &[Effect]) -> Option<(pcx::app::model::RequestId, ReportKind)> {
    effects.iter().find_map(|e| match e {
        Effect::LoadReport { id, kind } => Some((*id, kind.clone())),
        _ => None,
    })
}

/// Types `text`, then Enter (`press` types characters only).
fn line(d: &mut Driver, text: &str) -> Vec<Effect> {
    let mut effects = d.press(text);
    effects.extend(d.send(code(KeyCode::Enter)));
    effects
}

fn flash(d: &Driver) -> String {
    d.model
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

/// A driver on a loaded customers list with the problems pane open and answered.
fn with_problems(w: u16, h: u16) -> Driver {
    let mut d = Driver::new(w, h);
    d.customers_loaded(customers(0..5), None);
    let effects = line(&mut d, ":problems");
    let (id, kind) = report_request(&effects).expect(":problems reads the store");
    assert_eq!(kind, ReportKind::Problems);
    d.send(Msg::Report {
        id,
        kind,
        result: Ok(problems()),
    });
    d
}

#[test]
fn each_command_does_its_thing() {
    let cases: [(&str, Option<ReportKind>); 8] = [
        ("problems", Some(ReportKind::Problems)),
        ("seats", Some(ReportKind::Seats)),
        ("who-has SPE_E5", Some(ReportKind::WhoHas("SPE_E5".into()))),
        ("totals", Some(ReportKind::Totals)),
        ("renewals", Some(ReportKind::Renewals(30))),
        ("renewals 7", Some(ReportKind::Renewals(7))),
        ("snapshots", Some(ReportKind::Snapshots)),
        ("diff 1 2", Some(ReportKind::Diff(Some(1), Some(2)))),
    ];
    for (text, want) in cases {
        let mut d = Driver::new(120, 40);
        let effects = line(&mut d, &format!(":{text}"));
        assert_eq!(report_request(&effects).map(|(_, k)| k), want, ":{text}");
        assert!(
            matches!(&d.model.top().kind, ScreenKind::Report { kind } if Some(kind) == want.as_ref()),
            ":{text} opens its pane"
        );
        assert!(d.model.command.is_none(), "Enter closes the command line");
    }
    let mut d = Driver::new(120, 40);
    assert!(line(&mut d, ":scan users").contains(&Effect::StartScan { with_users: true }));
    assert!(line(&mut d, ":scan stop").contains(&Effect::StopScan));
    line(&mut d, ":help");
    assert!(
        d.model.help.is_some(),
        ":help opens the help with the commands"
    );
    let mut d = Driver::new(120, 40);
    line(&mut d, ":q");
    assert!(d.model.quit);
}

#[test]
fn customer_jumps_to_a_loaded_customer_or_searches() {
    let mut d = Driver::new(120, 40);
    let mut rows = customers(0..5);
    rows.push(named_customer(7, "Lamna Healthcare", "lamna.example"));
    d.customers_loaded(rows, None);
    line(&mut d, ":customer lam");
    assert_eq!(d.model.top().selected, 5);
    assert_eq!(
        d.model.top().selected_id.as_deref(),
        Some(guid(1, 7).as_str())
    );
    let effects = line(&mut d, ":customer Zeta");
    let searched = fetches(&effects).into_iter().any(|c| {
        c.query
            == Query::Customers {
                search: Some("Zeta".into()),
            }
    });
    assert!(searched, "no loaded match: a server-side search");
}

#[test]
fn an_unknown_command_names_the_nearest_and_esc_or_empty_enter_closes() {
    let mut d = Driver::new(120, 40);
    line(&mut d, ":problms");
    assert!(flash(&d).contains(":problems"), "{}", flash(&d));
    line(&mut d, ":frobnicate");
    assert!(flash(&d).contains("unknown command"), "{}", flash(&d));
    line(&mut d, ":scan sideways");
    assert!(flash(&d).contains(":scan"), "a bad argument says so");
    d.press(":");
    assert!(d.model.command.is_some());
    d.send(code(KeyCode::Esc));
    assert!(d.model.command.is_none(), "Esc closes");
    let effects = line(&mut d, ":");
    assert!(d.model.command.is_none(), "an empty Enter closes");
    assert!(effects.is_empty());
}

#[test]
fn tab_completes_and_arrows_walk_the_history() {
    let mut d = Driver::new(120, 40);
    d.press(":prob");
    d.send(code(KeyCode::Tab));
    let typed = |d: &Driver| d.model.command.as_ref().unwrap().input.value().to_string();
    assert_eq!(typed(&d), "problems ");
    d.send(code(KeyCode::Esc));
    line(&mut d, ":totals");
    line(&mut d, ":seats");
    d.press(":");
    d.send(code(KeyCode::Up));
    assert_eq!(typed(&d), "seats");
    d.send(code(KeyCode::Up));
    assert_eq!(typed(&d), "totals");
    d.send(code(KeyCode::Down));
    assert_eq!(typed(&d), "seats");
    d.send(code(KeyCode::Down));
    assert_eq!(typed(&d), "", "past the newest: what was typed");
}

#[test]
fn a_report_pane_sorts_filters_and_shows_raw_json() {
    let mut d = with_problems(120, 40);
    let first_user = |d: &Driver| {
        let screen = d.model.top();
        let view = screen.view(&d.model.cache);
        let table = view.table().unwrap();
        table
            .label(screen.selected_row(table.len()).unwrap())
            .to_string()
    };
    assert_eq!(first_user(&d), "pradeep.reddy@lamna.example");
    d.press("o");
    // Sorted by CUSTOMER: Adatum first.
    assert_eq!(first_user(&d), "ann@adatum.example");
    d.press("O");
    assert_eq!(first_user(&d), "pradeep.reddy@lamna.example", "reversed");
    line(&mut d, "/Warning");
    let view = d.model.top().view(&d.model.cache);
    assert_eq!(d.model.top().visible_len(view.table().unwrap().len()), 1);
    drop(view);
    d.press("y");
    let ScreenKind::Raw { lines, .. } = &d.model.top().kind else {
        panic!("y opens the raw JSON");
    };
    let json = lines.join("\n");
    assert!(json.contains("\"capabilityStatus\": \"Warning\""), "{json}");
    assert!(json.contains("\"userId\""), "the report's own field names");
    d.press("h");
    let effects = d.press("e");
    let Some(Effect::Export(job)) = effects.iter().find(|e| matches!(e, Effect::Export(_))) else {
        panic!("e exports the report pane");
    };
    assert_eq!(job.view, "problems");
    assert_eq!(job.rows.len(), 1, "the filtered view");
    let effects = d.press("r");
    assert_eq!(
        report_request(&effects).map(|(_, k)| k),
        Some(ReportKind::Problems),
        "r reads the report again"
    );
}

#[test]
fn enter_on_a_problem_drills_live_to_the_plan_and_h_walks_back() {
    let mut d = with_problems(120, 40);
    let effects = line(&mut d, "");
    let queries: Vec<Query> = fetches(&effects).into_iter().map(|c| c.query).collect();
    assert!(queries.contains(&users_query(1)), "{queries:?}");
    assert!(queries.contains(&licenses_query(1, 3)), "{queries:?}");
    assert_eq!(
        kinds(&d),
        ["customers", "report", "users", "licences", "plans"]
    );
    let ScreenKind::Plans { sku, source } = &d.model.top().kind else {
        unreachable!()
    };
    assert_eq!(&*sku.id, "sku-e3");
    assert_eq!(source, &licenses_query(1, 3));
    assert_eq!(d.model.top().selected_id.as_deref(), Some("plan-exo"));
    let crumbs = pcx::ui::breadcrumb::crumbs(&d.model);
    assert_eq!(
        crumbs,
        [
            "Customers",
            "Problems",
            "Lamna Healthcare",
            "pradeep.reddy@lamna.example",
            "SPE_E3"
        ]
    );
    d.press("hhh");
    assert!(matches!(d.model.top().kind, ScreenKind::Report { .. }));
}

#[test]
fn the_jump_loads_users_pages_until_its_user_is_there() {
    let mut d = with_problems(120, 40);
    line(&mut d, "");
    let first = d.last_for(&users_query(1));
    d.send(done(
        &first,
        Ok(Payload::Users(users(10..20), Some(cursor(1)))),
    ));
    let next = d.last_for(&users_query(1));
    assert_ne!(
        next.id, first.id,
        "the user is not on the first page: the next one loads"
    );
    assert!(next.page.is_some());
    d.send(done(&next, Ok(Payload::Users(users(0..5), None))));
    let users_screen = &d.model.screens[2];
    assert_eq!(users_screen.selected, 13, "user 3 is the 14th row loaded");
    assert!(d.model.seeking.is_none());
}

#[test]
fn enter_on_an_over_consumed_sku_opens_the_customers_skus() {
    let mut d = with_problems(120, 40);
    line(&mut d, "G");
    assert!(
        matches!(&d.model.top().kind, ScreenKind::Skus { customer } if *customer.id == *guid(1, 2))
    );
    assert_eq!(d.model.top().selected_id.as_deref(), Some("sku-bi"));
}

fn progress(done: u64, total: u64) -> ProgressView {
    ProgressView {
        customers_total: total,
        customers_done: done,
        users_done: done * 10,
        requests: done * 12,
        ..ProgressView::default()
    }
}

#[test]
fn a_background_scan_reports_progress_stops_and_refreshes_what_is_open() {
    let mut d = with_problems(120, 40);
    assert!(line(&mut d, ":scan").contains(&Effect::StartScan { with_users: false }));
    line(&mut d, ":scan");
    assert!(flash(&d).contains("already running"));
    d.send(Msg::ScanProgress(progress(3, 14)));
    d.press("j");
    let screen = render(&d, 120, 40);
    assert!(screen.contains("scan: 3/14 customers"), "{screen}");
    assert!(line(&mut d, ":scan stop").contains(&Effect::StopScan));
    let effects = d.send(Msg::ScanEnded {
        text: "scan stopped: snapshot 2 is incomplete; :scan resumes it".into(),
        complete: false,
    });
    assert!(d.model.scan.is_none());
    assert!(effects.contains(&Effect::LoadSnapshot), "marks refresh");
    assert_eq!(
        report_request(&effects).map(|(_, k)| k),
        Some(ReportKind::Problems),
        "the open report pane reads the store again"
    );
    assert!(flash(&d).contains(":scan resumes it"));
    // The explorer stayed usable throughout: the list still moves.
    d.press("k");
    assert_eq!(d.model.top().selected, 0);
}

fn summary(customers: &[(u32, i64)], users: &[(u32, &str, bool)]) -> SnapshotSummary {
    SnapshotSummary {
        id: 1,
        age: Duration::from_secs(3 * 3600 + 60),
        read_at: Instant::now(),
        customers: customers
            .iter()
            .map(|&(c, problems)| {
                (
                    guid(1, c).into(),
                    CustomerFigures {
                        users: 25,
                        licensed: 20,
                        seats_total: 30,
                        seats_consumed: 31,
                        problems,
                    },
                )
            })
            .collect(),
        users: users
            .iter()
            .map(|&(u, skus, attention)| {
                (
                    guid(2, u).into(),
                    UserSkus {
                        skus: skus.into(),
                        attention,
                    },
                )
            })
            .collect::<HashMap<_, _>>(),
    }
}

#[test]
fn the_snapshot_adds_customer_columns_and_marks_until_opened() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..4), None);
    d.send(Msg::Snapshot(Ok(None)));
    let bar = render(&d, 120, 40);
    assert!(
        bar.contains("no scan of this partner yet: :scan"),
        "says how to get the columns: {bar}"
    );
    d.press("j");
    d.send(Msg::Snapshot(Ok(None)));
    let bar = render(&d, 120, 40);
    assert!(!bar.contains("no scan of this partner yet"), "only once");
    d.send(Msg::Snapshot(Ok(Some(summary(&[(1, 2), (2, 0)], &[])))));
    {
        let view = d.model.top().view(&d.model.cache);
        let table = view.table().unwrap();
        let headers: Vec<&str> = table.columns().iter().map(|c| c.header).collect();
        assert!(headers.contains(&"Problems") && headers.contains(&"Seats"));
        let seats = headers.iter().position(|h| *h == "Seats").unwrap();
        assert_eq!(table.cell(1, seats).text, "31/30");
        assert_eq!(table.mark(1), Mark::Attention);
        assert_eq!(table.mark(2), Mark::None);
    }
    let screen = render(&d, 120, 40);
    assert!(screen.contains("scanned 3 h ago"), "{screen}");
    // Opened: live data decides the mark.
    line(&mut d, "");
    let cmd = d.last_for(&users_query(1));
    d.send(done(&cmd, Ok(Payload::Users(users(0..3), None))));
    d.press("h");
    let view = d.model.top().view(&d.model.cache);
    assert_eq!(view.table().unwrap().mark(1), Mark::None);
}

fn license_fetches(d: &Driver) -> Vec<Query> {
    d.log
        .iter()
        .filter(|c| matches!(c.query, Query::Licenses { .. }))
        .map(|c| c.query.clone())
        .collect()
}

#[test]
fn user_skus_load_only_for_rows_that_stay_in_view() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..3), None);
    line(&mut d, "");
    let cmd = d.last_for(&users_query(0));
    d.send(done(&cmd, Ok(Payload::Users(users(0..5000), None))));
    // Key repeat: the cursor never rests, nothing is fetched.
    for _ in 0..300 {
        d.now += Duration::from_millis(30);
        d.press("j");
    }
    assert!(license_fetches(&d).is_empty(), "{:?}", license_fetches(&d));
    d.advance(Duration::from_millis(200));
    let fetched = license_fetches(&d);
    let rows = d.model.page_rows();
    assert!(
        !fetched.is_empty() && fetched.len() <= rows,
        "{}",
        fetched.len()
    );
    let screen = d.model.top();
    let in_view: Vec<String> = (screen.offset..screen.offset + rows)
        .map(|i| guid(2, i as u32))
        .collect();
    for q in &fetched {
        let Query::Licenses { user_id, .. } = q else {
            unreachable!()
        };
        assert!(
            in_view.contains(&user_id.to_string()),
            "{user_id} is not in view"
        );
    }
    // Scrolling on cancels what has not arrived.
    let mut effects = d.send(code(KeyCode::PageDown));
    effects.extend(d.send(code(KeyCode::PageDown)));
    assert_eq!(cancels(&effects).len(), fetched.len());
    // An answer fills the column.
    d.advance(Duration::from_millis(200));
    let last = d.last();
    let Query::Licenses { user_id, .. } = &last.query else {
        panic!("a licence load");
    };
    d.send(done(
        &last,
        Ok(Payload::Licenses(vec![license(
            1,
            "Microsoft 365 E3",
            &["Assigned"],
        )])),
    ));
    let screen = render(&d, 120, 40);
    let line = screen
        .lines()
        .find(|l| {
            let upn = user_upn(&d, user_id);
            l.contains(&upn)
        })
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("SKU_1"), "{line}");
}

fn user_upn(d: &Driver, id: &str) -> String {
    let view = d.model.top().view(&d.model.cache);
    let table = view.table().unwrap();
    (0..table.len())
        .find(|&i| table.id(i) == Some(id))
        .map(|i| table.label(i).to_string())
        .unwrap_or_default()
}

#[test]
fn users_in_the_snapshot_need_no_fetch() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..3), None);
    let known: Vec<(u32, &str, bool)> = (0..100).map(|u| (u, "SPE_E3", u == 2)).collect();
    d.send(Msg::Snapshot(Ok(Some(summary(&[], &known)))));
    line(&mut d, "");
    let cmd = d.last_for(&users_query(0));
    d.send(done(&cmd, Ok(Payload::Users(users(0..50), None))));
    d.advance(Duration::from_millis(200));
    assert!(license_fetches(&d).is_empty());
    let view = d.model.top().view(&d.model.cache);
    let table = view.table().unwrap();
    assert_eq!(table.mark(2), Mark::Attention);
    assert_eq!(cell_under(table, "Licences", 0), "SPE_E3");
}

#[test]
fn the_subscribed_skus_parent_is_the_customers_list() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..3), None);
    line(&mut d, "");
    d.press("s");
    let kinds: Vec<bool> = d
        .model
        .screens
        .iter()
        .map(|s| matches!(s.kind, ScreenKind::Customers { .. }))
        .collect();
    assert_eq!(kinds, [true, false]);
    assert!(matches!(d.model.top().kind, ScreenKind::Skus { .. }));
}

fn render(d: &Driver, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    pcx::ui::draw(&d.model, &Theme::new(false, false), "demo", area, &mut buf);
    screen_text(&buf)
}

#[test]
fn new_panes_at_120x40_and_80x24() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut d = with_problems(w, h);
        insta::assert_snapshot!(format!("problems_{w}x{h}"), render(&d, w, h));
        d.press("o");
        insta::assert_snapshot!(format!("problems_sorted_{w}x{h}"), render(&d, w, h));
        d.press(":who-h");
        d.send(code(KeyCode::Tab));
        insta::assert_snapshot!(format!("command_line_{w}x{h}"), render(&d, w, h));
        d.send(code(KeyCode::Esc));
        let effects = line(&mut d, ":totals");
        if let Some((id, kind)) = report_request(&effects) {
            d.send(Msg::Report {
                id,
                kind,
                result: Err("no complete scan of this partner yet: :scan users makes one".into()),
            });
        }
        insta::assert_snapshot!(format!("report_unavailable_{w}x{h}"), render(&d, w, h));

        let mut d = Driver::new(w, h);
        d.customers_loaded(customers(0..6), None);
        d.send(Msg::Snapshot(Ok(Some(summary(
            &[(0, 0), (1, 3), (2, 0)],
            &[],
        )))));
        insta::assert_snapshot!(format!("customers_snapshot_{w}x{h}"), render(&d, w, h));
        d.send(Msg::ScanProgress(progress(2, 6)));
        d.model.scan = Some(pcx::app::model::ScanState::starting(true));
        d.send(Msg::ScanProgress(progress(2, 6)));
        insta::assert_snapshot!(format!("scan_progress_{w}x{h}"), render(&d, w, h));

        let mut d = Driver::new(w, h);
        d.customers_loaded(customers(0..3), None);
        let known: Vec<(u32, &str, bool)> = (0..4)
            .map(|u| (u, "SPE_E3, POWER_BI_PRO", u == 1))
            .collect();
        d.send(Msg::Snapshot(Ok(Some(summary(&[], &known)))));
        line(&mut d, "");
        let cmd = d.last_for(&users_query(0));
        d.send(done(&cmd, Ok(Payload::Users(users(0..6), None))));
        insta::assert_snapshot!(format!("users_skus_{w}x{h}"), render(&d, w, h));
    }
}

#[test]
fn the_report_pane_keeps_its_status_glyph_and_count() {
    let d = with_problems(120, 40);
    let screen = render(&d, 120, 40);
    assert!(screen.contains("3 of 3"), "{screen}");
    let PaneData::Ready(table, _) = d.model.top().view(&d.model.cache) else {
        panic!("ready");
    };
    assert_eq!(table.mark(2), Mark::OverConsumed);
    assert_eq!(table.mark(0), Mark::Attention);
}

fn is_report(m: &pcx::app::Model) -> bool {
    matches!(m.top().kind, ScreenKind::Report { .. })
}

/// The explorer on the demo sandbox at `width`×40, headless through the real event loop: once
/// the customers are listed it types `scan`, once that scan has finished `then`, and then goes
/// on through `steps`.
async fn explore_demo(width: u16, (scan, then): (&str, &str), steps: Vec<Step<'_>>) -> Seen {
    let mut steps = steps;
    steps.splice(
        0..0,
        [
            on(shows(&["Contoso", " of 27"]), scan),
            on(|_, s| s.contains("scanned just now"), then),
        ],
    );
    let sandbox = start_sandbox(pcx::sandbox::SandboxConfig::demo()).await;
    let api = client(&sandbox.base_url(), pcx::sandbox::DEMO_TOKEN);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, 40)).unwrap();
    explore(&mut terminal, api, steps).await
}

/// The demo end to end, headless through the real event loop: `:scan users` in the background,
/// `:problems` from the snapshot it wrote, a filter to Lamna, Enter down to the live plan and
/// `h` back to the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_scan_problems_and_the_jump_to_the_live_plan() {
    let steps = vec![
        on(|m, s| is_report(m) && s.contains("Suspended"), "/Lamna\n\n"),
        on(
            |m, s| matches!(m.top().kind, ScreenKind::Plans { .. }) && s.contains("Suspended"),
            "hhh",
        ),
        on(|m, _| is_report(m), "q"),
    ];
    let seen = explore_demo(120, (":scan users\n", ":problems\n"), steps).await;
    let plans = &seen.matched[3];
    let crumb = plans.lines().next().unwrap_or_default();
    assert!(
        crumb.contains("Lamna"),
        "the breadcrumb of a drill: {crumb}"
    );
    assert!(seen.model.quit);
}

/// `:renewals 7` on the demo after a scan: the pane lists the subscriptions ending within a week
/// and flags Contoso's E5, which renews with seats unassigned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_renewals_pane_flags_the_subscription_to_cut() {
    let steps = vec![on(|m, s| is_report(m) && s.contains("reduce"), "q")];
    let seen = explore_demo(160, (":scan\n", ":renewals 7\n"), steps).await;
    let pane = &seen.matched[2];
    assert!(pane.contains("Renewals within 7 days"), "{pane}");
    let flagged: Vec<&str> = pane.lines().filter(|l| l.contains("reduce")).collect();
    assert!(
        flagged.iter().any(|l| l.contains("Contoso Ltd.")
            && l.contains("Microsoft 365 E5")
            && l.contains(" 12 ")),
        "Contoso's E5 with 12 seats free is flagged: {flagged:?}\n{pane}"
    );
}
