//! The customer's Subscriptions tab: Tab reaches it and wraps, its marks (▲ renews within 30
//! days with unassigned seats, ✗ suspended or expired), Enter/y/c/e on a subscription, and what
//! it draws; then the real tab end to end against the sandbox's demo partner.

mod common;

use common::subs::subscription;
use common::*;
use crossterm::event::KeyCode;
use pcx::app::model::{Query, ScreenKind};
use pcx::app::msg::Effect;
use pcx::app::rows::Mark;
use pcx::fetch::Payload;
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn subs_query() -> Query {
    Query::Subscriptions {
        customer_id: guid(1, 0).into(),
    }
}

/// A driver on customer 0's Subscriptions tab, reached with Tab from its users.
fn on_subscriptions_tab() -> Driver {
    let mut d = Driver::new(140, 40);
    d.customers_loaded(customers(0..3), None);
    d.send(code(KeyCode::Enter));
    for _ in 0..3 {
        d.send(code(KeyCode::Tab));
    }
    d
}

#[test]
fn tab_reaches_the_subscriptions_and_wraps_around() {
    let mut d = on_subscriptions_tab();
    assert_eq!(d.last().query, subs_query());
    assert!(matches!(
        d.model.top().kind,
        ScreenKind::Subscriptions { .. }
    ));
    assert_eq!(d.model.screens.len(), 2, "tabs replace each other");
    d.send(code(KeyCode::Tab));
    assert!(matches!(
        d.model.top().kind,
        ScreenKind::Users { deleted: false, .. }
    ));
    d.send(code(KeyCode::BackTab));
    assert!(matches!(
        d.model.top().kind,
        ScreenKind::Subscriptions { .. }
    ));
    d.send(code(KeyCode::BackTab));
    assert!(matches!(d.model.top().kind, ScreenKind::Skus { .. }));
}

fn answered() -> Driver {
    let mut d = on_subscriptions_tab();
    let cmd = d.last_for(&subs_query());
    d.send(done(
        &cmd,
        Ok(Payload::Subscriptions(vec![
            subscription(0, "Renews soon, spare seats", "active", 7, true, 12),
            subscription(1, "Renews soon, auto-renew off", "active", 7, false, 12),
            subscription(2, "Renews later", "active", 45, true, 12),
            subscription(3, "Suspended", "suspended", 100, true, 0),
            subscription(4, "Expired", "expired", -3, false, 0),
            subscription(5, "Renews soon, every seat used", "active", 7, true, 0),
            subscription(6, "Something new", "Frozen", 7, true, 12),
        ])),
    ));
    d
}

#[test]
fn marks_flag_renewals_with_spare_seats_and_stopped_subscriptions() {
    let d = answered();
    let screen = d.model.top();
    let view = screen.view(&d.model.cache);
    let table = view.table().expect("the tab is loaded");
    let marks: Vec<Mark> = (0..table.len()).map(|i| table.mark(i)).collect();
    assert_eq!(
        marks,
        [
            Mark::Renewal,
            Mark::None,
            Mark::None,
            Mark::Stopped,
            Mark::Stopped,
            Mark::None,
            Mark::None
        ]
    );
    // An unknown status is shown as itself.
    assert_eq!(cell_under(table, "Status", 6), "Frozen");
    assert_eq!(cell_under(table, "Ends", 0), "2026-12-07 (7 d)");
    assert_eq!(cell_under(table, "Ends", 4), "2026-11-27 (ended)");
    assert_eq!(cell_under(table, "Term", 0), "1 year, monthly");
}

#[test]
fn enter_shows_the_subscription_whole_and_y_c_e_work() {
    let mut d = answered();
    d.press("j");
    d.send(code(KeyCode::Enter));
    let ScreenKind::Raw { lines, id, .. } = &d.model.top().kind else {
        panic!("Enter did not show the subscription");
    };
    assert_eq!(id.as_deref(), Some(guid(7, 1).as_str()));
    for field in [
        "\"commitmentEndDate\"",
        "\"autoRenewEnabled\": false",
        "\"termDuration\": \"P1Y\"",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(field)),
            "{field} missing: {lines:?}"
        );
    }
    d.press("h");
    d.press("y");
    assert!(matches!(d.model.top().kind, ScreenKind::Raw { .. }));
    d.press("h");
    assert_eq!(d.press("c"), vec![Effect::Copy(guid(7, 1))]);
    let effects = d.press("e");
    let Some(Effect::Export(job)) = effects.first() else {
        panic!("no export: {effects:?}");
    };
    assert_eq!(job.view, "subscriptions");
    assert!(job.header.iter().any(|h| h == "Auto-renew") && job.header.iter().any(|h| h == "Free"));
    assert_eq!(job.rows.len(), 7);
}

#[test]
fn the_tab_draws_its_title_columns_and_marks() {
    let d = answered();
    let area = Rect::new(0, 0, 140, 40);
    let mut buf = Buffer::empty(area);
    pcx::ui::draw(&d.model, &Theme::new(false, false), "demo", area, &mut buf);
    let text = screen_text(&buf);
    assert!(text.contains("Subscriptions"), "{text}");
    assert!(text.contains("Auto-renew"), "{text}");
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in {text}"))
            .to_string()
    };
    assert!(line("Renews soon, spare seats").contains('▲'));
    assert!(line("Suspended").contains('✗'));
    assert!(!line("Renews later").contains('▲'));
}

/// The demo partner's Contoso: its E5 subscription renews in a week with 12 seats unassigned.
const CONTOSO: &str = "a1111429-e9ce-48d5-ace2-e5f8dea72bac";
const WOODGROVE: &str = "ec0656dd-369f-4d7d-ac56-0d27b5a88055";

async fn subscriptions_from(
    fetcher: &pcx::fetch::Fetcher,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<pcx::fetch::FetchEvent>,
    id: u64,
    customer: &str,
) -> Vec<pcx::fetch::records::SubscriptionRow> {
    use pcx::fetch::{FetchCmd, FetchEvent, FetchInput};
    fetcher.send(FetchInput::Fetch(FetchCmd {
        id: pcx::app::model::RequestId(id),
        query: Query::Subscriptions {
            customer_id: customer.into(),
        },
        page: None,
        correlation_id: uuid::Uuid::new_v4(),
    }));
    loop {
        let event = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
            .await
            .expect("an answer (guard against a hang)")
            .expect("the fetcher is alive");
        if let FetchEvent::Done(done) = event {
            match done.result {
                Ok(Payload::Subscriptions(rows)) => return rows,
                other => panic!("unexpected answer: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn the_tab_joins_the_sandboxs_subscriptions_to_their_skus_once_per_sku() {
    use pcx::api::{ApiClient, ClientConfig, Secret, StaticToken};
    use pcx::fetch::{Fetcher, FetcherConfig};
    use pcx::sandbox::SandboxConfig;
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let client = ApiClient::new(
        ClientConfig::new(sandbox.base_url()),
        StaticToken::new(Secret::new("t")),
    )
    .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let config = FetcherConfig {
        page_size: 100,
        concurrency: 2,
    };
    let fetcher = Fetcher::spawn(client, config, tx);
    let rows = subscriptions_from(&fetcher, &mut rx, 1, CONTOSO).await;
    assert!(!rows.is_empty());
    // Every subscription of a licence SKU found its SKU by id.
    assert!(rows.iter().all(|r| {
        r.assessment
            .sku
            .as_ref()
            .is_some_and(|m| m.by == pcx::subscriptions::MatchedBy::Id)
    }));
    let e5: Vec<_> = rows
        .iter()
        .filter(|r| r.res.data.label() == "Microsoft 365 E5")
        .collect();
    assert_eq!(e5.len(), 1);
    let e5 = e5[0];
    assert_eq!(e5.assessment.days_left, Some(7));
    assert_eq!(e5.assessment.available_seats, Some(12));
    assert_eq!(pcx::app::rows::Row::mark(e5), Mark::Renewal);

    // Woodgrove buys some of the same SKUs: each catalog SKU or offer is asked for once.
    subscriptions_from(&fetcher, &mut rx, 2, WOODGROVE).await;
    subscriptions_from(&fetcher, &mut rx, 3, CONTOSO).await;
    let catalog: Vec<String> = sandbox
        .api_requests()
        .into_iter()
        .filter(|p| p.starts_with("/v1/products/") || p.starts_with("/v1/offers/"))
        .collect();
    let distinct: std::collections::HashSet<&String> = catalog.iter().collect();
    assert!(!catalog.is_empty());
    assert_eq!(catalog.len(), distinct.len(), "asked twice: {catalog:?}");
}
