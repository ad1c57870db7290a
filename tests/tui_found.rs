//! The explorer as an operator found it in use, driven through `update` with an injected clock and
//! drawn on a buffer: `s` switches instead of stacking, the filter ranks and selects the best
//! match, `e` exports the whole view, `r` cancels a stalled load, and the screens that read
//! wrong. No terminal, no network, no sleeping.

mod common;

use common::*;
use crossterm::event::KeyCode;
use pcx::app::model::{Query, ScreenKind};
use pcx::app::msg::{Effect, Msg};
use pcx::fetch::Payload;
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn render(d: &Driver, w: u16, h: u16, theme: &Theme) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    pcx::ui::draw(&d.model, theme, "demo", area, &mut buf);
    screen_text(&buf)
}

/// Draws `d` at `w`×`h` without colour: the screen must say each of `has` and none of `lacks`.
fn says(d: &Driver, w: u16, h: u16, has: &[&str], lacks: &[&str]) {
    let shown = render(d, w, h, &Theme::new(false, false));
    for text in has {
        assert!(shown.contains(text), "{text:?} is missing in\n{shown}");
    }
    for text in lacks {
        assert!(!shown.contains(text), "{text:?} is shown in\n{shown}");
    }
}

/// Answers every fetch in `effects` that the driver knows how to answer.
fn answer(d: &mut Driver, effects: &[Effect]) {
    for cmd in fetches(effects) {
        let payload = match &cmd.query {
            Query::Customers { .. } => Payload::Customers(customers(0..5), None),
            Query::Users { .. } => Payload::Users(users(0..3), None),
            Query::Licenses { .. } => Payload::Licenses(vec![license(
                1,
                "Microsoft 365 E3",
                &["Enabled", "Warning"],
            )]),
            Query::Skus { .. } => {
                Payload::Skus(vec![sku(1, "Microsoft 365 E3", 10, 4, &["Enabled"])])
            }
            Query::Subscriptions { .. } => Payload::Subscriptions(Vec::new()),
        };
        let more = d.send(done(&cmd, Ok(payload)));
        answer(d, &more);
    }
}

fn press(d: &mut Driver, msg: Msg) {
    let effects = d.send(msg);
    answer(d, &effects);
}

#[test]
fn s_switches_to_the_customers_skus_and_never_stacks() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..5), None);
    press(&mut d, code(KeyCode::Enter));
    press(&mut d, code(KeyCode::Enter));
    assert_eq!(kinds(&d), ["customers", "users", "licences"]);
    press(&mut d, key('s'));
    assert_eq!(kinds(&d), ["customers", "skus"]);
    for _ in 0..5 {
        press(&mut d, code(KeyCode::Enter));
        press(&mut d, key('s'));
        assert_eq!(kinds(&d), ["customers", "skus"]);
    }
    // From the raw JSON of a plan, too.
    press(&mut d, code(KeyCode::Enter));
    press(&mut d, key('y'));
    assert_eq!(kinds(&d), ["customers", "skus", "plans", "raw"]);
    press(&mut d, key('s'));
    assert_eq!(kinds(&d), ["customers", "skus"]);
    // From the subscriptions and users tabs, and from the raw JSON of a customer row.
    press(&mut d, code(KeyCode::Tab));
    assert_eq!(kinds(&d), ["customers", "subscriptions"]);
    press(&mut d, key('s'));
    assert_eq!(kinds(&d), ["customers", "skus"]);
    press(&mut d, code(KeyCode::Tab));
    press(&mut d, code(KeyCode::Tab));
    assert_eq!(kinds(&d), ["customers", "users"]);
    press(&mut d, key('s'));
    assert_eq!(kinds(&d), ["customers", "skus"]);
    press(&mut d, key('h'));
    press(&mut d, key('y'));
    assert_eq!(kinds(&d), ["customers", "raw"]);
    press(&mut d, key('s'));
    assert_eq!(kinds(&d), ["customers", "skus"]);
    match &d.model.top().kind {
        ScreenKind::Skus { customer } => assert_eq!(&*customer.name, "Customer 000"),
        other => panic!("{other:?}"),
    }
}

fn partner() -> Vec<pcx::app::rows::CustomerRow> {
    vec![
        named_customer(0, "Contoso Ltd.", "contoso.onmicrosoft.com"),
        named_customer(1, "Northwind Traders", "northwindtraders.onmicrosoft.com"),
        named_customer(
            2,
            "Wide World Graphics Importers",
            "wideworldimporters.onmicrosoft.com",
        ),
        named_customer(
            3,
            "Graphic Design Institute",
            "graphicdesign.onmicrosoft.com",
        ),
        named_customer(4, "Nod Publishers", "nodpublishers.onmicrosoft.com"),
        named_customer(5, "Pinnacle Consulting", "pinnacle.onmicrosoft.com"),
        named_customer(6, "Fourth Coffee", "nodcoffee.onmicrosoft.com"),
    ]
}

fn filter(d: &mut Driver, query: &str) {
    press(d, key('/'));
    for c in query.chars() {
        press(d, key(c));
    }
}

#[test]
fn the_filter_selects_the_best_match_and_enter_opens_it() {
    for (query, best) in [
        ("Nod", "Nod Publishers"),
        ("nod", "Nod Publishers"),
        ("Graphic", "Graphic Design Institute"),
        ("pinn", "Pinnacle Consulting"),
    ] {
        let mut d = Driver::new(120, 40);
        d.customers_loaded(partner(), None);
        filter(&mut d, query);
        assert_eq!(selected_label(&d), best, "/{query}");
        press(&mut d, code(KeyCode::Enter));
        press(&mut d, code(KeyCode::Enter));
        match &d.model.top().kind {
            ScreenKind::Users { customer, .. } => assert_eq!(&*customer.name, best, "/{query}"),
            other => panic!("/{query} opened {other:?}"),
        }
    }
}

#[test]
fn names_rank_before_domains_and_the_shared_suffix_matches_nothing() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(partner(), None);
    filter(&mut d, "nod");
    let screen = d.model.top();
    let view = screen.view(&d.model.cache);
    let table = view.table().unwrap();
    let order: Vec<&str> = (0..screen.visible_len(table.len()))
        .map(|p| table.label(screen.row_at(p, table.len()).unwrap()))
        .collect();
    // The name's prefix, then a domain's prefix, then scattered letters (N-o-…-d).
    assert_eq!(order[..2], ["Nod Publishers", "Fourth Coffee"]);
    assert!(order[2..].contains(&"Northwind Traders"), "{order:?}");
    drop(view);
    press(&mut d, code(KeyCode::Esc));
    for query in ["mic", "com"] {
        filter(&mut d, query);
        let screen = d.model.top();
        let view = screen.view(&d.model.cache);
        let n = screen.visible_len(view.table().unwrap().len());
        assert!(
            n < 3,
            "/{query} matched {n} of 7 through the shared .onmicrosoft.com"
        );
        drop(view);
        press(&mut d, code(KeyCode::Esc));
    }
    // Smart case: lower case ignores case, a capital matches exactly.
    filter(&mut d, "pinnacle");
    assert_eq!(selected_label(&d), "Pinnacle Consulting");
}

#[test]
fn a_keystroke_that_matches_nothing_fetches_no_page_and_offers_the_server_search() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(partner(), Some(cursor(1)));
    let before = d.log.len();
    filter(&mut d, "zzzq");
    assert_eq!(d.log.len(), before, "typing fetched {:?}", &d.log[before..]);
    let shown = render(&d, 120, 40, &Theme::new(false, false));
    assert!(shown.contains("S searches them all"), "{shown}");
}

fn export_of(effects: &[Effect]) -> Option<&pcx::app::msg::ExportJob> {
    effects.iter().find_map(|e| match e {
        Effect::Export(job) => Some(job),
        _ => None,
    })
}

#[test]
fn e_loads_the_remaining_pages_then_exports_the_whole_view() {
    let mut d = Driver::new(120, 40);
    let first = fetches(&d.send(code(KeyCode::Enter)));
    assert!(first.is_empty(), "nothing to open before the customers");
    d.customers_loaded(customers(0..100), Some(cursor(1)));
    // The cursor is at the top: no page is due yet.
    let effects = d.press("e");
    assert!(
        export_of(&effects).is_none(),
        "exported only the first page"
    );
    let page = fetches(&effects);
    assert_eq!(page.len(), 1, "{effects:?}");
    assert!(page[0].page.is_some());
    let shown = render(&d, 120, 40, &Theme::new(false, false));
    assert!(
        shown.contains("exporting: loading all customers, 100 so far"),
        "{shown}"
    );
    let effects = d.send(done(
        &page[0],
        Ok(Payload::Customers(customers(100..200), Some(cursor(2)))),
    ));
    let page = fetches(&effects);
    assert_eq!(page.len(), 1);
    let effects = d.send(done(
        &page[0],
        Ok(Payload::Customers(customers(200..209), None)),
    ));
    let job = export_of(&effects).expect("the export once the last page is in");
    assert_eq!(job.rows.len(), 209);
    assert_eq!(job.total, 209);
    assert!(d.model.export.is_none());
    d.send(Msg::Exported(Ok(pcx::app::msg::Exported {
        path: "/tmp/pcx-customers.csv".into(),
        rows: 209,
        total: 209,
        noun: "customers".into(),
    })));
    assert_eq!(
        d.model.flash.as_ref().unwrap().text,
        "exported 209 customers to pcx-customers.csv in /tmp"
    );
}

#[test]
fn a_filtered_export_says_so_and_esc_cancels_an_export_under_way() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(partner(), Some(cursor(1)));
    filter(&mut d, "nod");
    press(&mut d, code(KeyCode::Enter));
    d.press("e");
    // The short first page already asked for the next one: the export waits for it.
    let page = d.last();
    assert!(page.page.is_some());
    let effects = d.send(done(&page, Ok(Payload::Customers(customers(10..12), None))));
    let job = export_of(&effects).expect("an export");
    assert_eq!((job.rows.len(), job.total), (4, 9));
    d.send(Msg::Exported(Ok(pcx::app::msg::Exported {
        path: "/tmp/x.csv".into(),
        rows: 3,
        total: 9,
        noun: "customers".into(),
    })));
    assert!(
        d.model
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("3 of 9 customers (filtered)")
    );

    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..100), Some(cursor(1)));
    let page = fetches(&d.press("e"));
    d.send(code(KeyCode::Esc));
    assert!(d.model.export.is_none());
    let effects = d.send(done(
        &page[0],
        Ok(Payload::Customers(customers(100..110), None)),
    ));
    assert!(
        export_of(&effects).is_none(),
        "a cancelled export was written"
    );
}

#[test]
fn a_stalled_load_counts_its_wait_and_r_asks_again_at_once() {
    let mut d = Driver::new(100, 24);
    let first = d.last();
    d.advance(std::time::Duration::from_secs(12));
    let shown = render(&d, 100, 24, &Theme::new(false, false));
    assert!(
        shown.contains("no answer for 12 s (gives up in 78 s; r asks again)"),
        "{shown}"
    );
    d.send(Msg::Retrying {
        id: first.id,
        query: first.query.clone(),
        notice: pcx::api::RetryNotice {
            next_attempt: 2,
            max_attempts: 4,
            wait: std::time::Duration::from_secs(2),
            reason: "timeout".into(),
            for_token: false,
            gives_up_in: std::time::Duration::from_secs(60),
        },
    });
    d.advance(std::time::Duration::from_secs(1));
    let shown = render(&d, 100, 24, &Theme::new(false, false));
    assert!(
        shown.contains("timeout: retrying in 1 s (attempt 2 of 4; gives up in 59 s)"),
        "{shown}"
    );
    // The retry's wait is over and the second attempt gets no answer either: no "0 s".
    d.advance(std::time::Duration::from_secs(11));
    let shown = render(&d, 100, 24, &Theme::new(false, false));
    assert!(
        shown.contains("attempt 2 of 4 after timeout: no answer for 10 s (gives up in 48 s"),
        "{shown}"
    );
    let effects = d.press("r");
    assert_eq!(cancels(&effects), vec![first.id]);
    let again = fetches(&effects);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].query, first.query);
    assert_ne!(again[0].id, first.id);
}

#[test]
fn a_deleted_user_reads_deleted_with_the_day_in_the_explorer() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..2), None);
    let effects = d.send(code(KeyCode::Enter));
    let cmd = fetches(&effects).remove(0);
    d.send(done(
        &cmd,
        Ok(Payload::Users(vec![user(0), deleted_user(1)], None)),
    ));
    says(&d, 120, 40, &["deleted 2025-01-01"], &["inactive"]);
}

#[test]
fn the_first_screen_has_nowhere_to_go_back_to_and_403_names_directory_readers() {
    let mut d = Driver::new(120, 40);
    let cmd = d.last();
    d.send(done(&cmd, Err(no_access())));
    says(&d, 120, 40, &["no access"], &["h goes back"]);

    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..2), None);
    let cmd = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    d.send(done(&cmd, Err(no_access())));
    says(&d, 120, 40, &["Directory Readers,", "h goes back"], &[]);
}

#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut d = Driver::new(20, 5);
    d.customers_loaded(customers(0..5), None);
    let effects = d.press("jj");
    assert!(fetches(&effects).is_empty());
    d.send(code(KeyCode::Enter));
    assert_eq!(kinds(&d), ["customers"]);
    assert_eq!(d.model.top().selected, 0);
    d.send(Msg::Resize(120, 40));
    d.press("j");
    assert_eq!(d.model.top().selected, 1);
    let mut small = Driver::new(20, 5);
    small.press("q");
    assert!(small.model.quit, "q still quits");
}

#[test]
fn the_status_bar_says_expired_once_the_token_expiry_has_passed() {
    use pcx::app::session::{Account, Renewal, SignIn};
    use std::time::{Duration, UNIX_EPOCH};
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..2), None);
    // 15:55 UTC on some day; the token expires at 15:56.
    let wall = UNIX_EPOCH + Duration::from_secs(20_000 * 86_400 + 15 * 3600 + 55 * 60);
    d.model.wall = Some((d.now, wall));
    let identity = pcx::api::token::Identity {
        user: Some("alice@partner.example".into()),
        tenant: Some("0b1f2c3d-0000-4000-8000-000000000000".into()),
        expires_at: Some(wall + Duration::from_secs(60)),
        mfa: Some(true),
    };
    d.model.signin = SignIn::new(Renewal::InPlace, Account::Token(Some(identity)));
    let shown = render(&d, 120, 40, &Theme::new(false, false));
    assert!(shown.contains("until 15:56 UTC"), "{shown}");
    // pcx wakes up when the expiry passes, so an idle explorer updates the bar too.
    d.model.prefetch = None;
    assert!(!d.model.busy());
    assert_eq!(
        d.model.next_deadline(d.now),
        Some(d.now + Duration::from_secs(60))
    );
    d.model.dirty = false;
    d.advance(Duration::from_secs(61));
    assert!(d.model.dirty, "the frame after the expiry is drawn");
    says(&d, 120, 40, &["expired"], &["until 15:56"]);
}

#[test]
fn a_search_too_long_is_refused_before_sending_and_long_prompts_scroll() {
    let mut d = Driver::new(80, 24);
    d.customers_loaded(customers(0..5), None);
    d.press("S");
    let long: String = "abcdefghij".repeat(30);
    d.press(&long);
    d.press("XYZ");
    // The end of what was typed is on screen, next to the cursor.
    let shown = render(&d, 80, 24, &Theme::new(false, false));
    let bar = shown.lines().nth(23).unwrap();
    assert!(bar.contains("hijXYZ"), "{bar}");
    let before = d.log.len();
    d.send(code(KeyCode::Enter));
    assert_eq!(d.log.len(), before, "a 303-character search was sent");
    assert!(d.model.search.is_some(), "the prompt stays to shorten it");
    let shown = render(&d, 80, 24, &Theme::new(false, false));
    assert!(shown.contains("at most 256"), "{shown}");
    // The filter prompt scrolls the same way.
    d.send(code(KeyCode::Esc));
    d.press("/");
    d.press(&long);
    d.press("END");
    let shown = render(&d, 80, 24, &Theme::new(false, false));
    assert!(shown.lines().nth(23).unwrap().contains("hijEND"), "{shown}");
}

/// The customer's subscribed SKUs, opened with `s` and answered with `rows`.
fn skus_shown(w: u16, h: u16, rows: Vec<pcx::app::rows::SkuRow>) -> Driver {
    let mut d = Driver::new(w, h);
    d.customers_loaded(customers(0..2), None);
    let cmd = fetches(&d.press("s")).remove(0);
    d.send(done(&cmd, Ok(Payload::Skus(rows))));
    d
}

#[test]
fn a_narrow_sku_pane_keeps_seats_available_and_plan_rows_carry_one_mark() {
    let d = skus_shown(
        60,
        12,
        vec![sku(1, "Microsoft 365 E3", 25, 20, &["Enabled", "Warning"])],
    );
    let shown = render(&d, 60, 12, &Theme::new(false, false));
    let header = shown.lines().nth(2).unwrap();
    assert!(header.contains("Available"), "{shown}");
    let mut d = d;
    d.send(code(KeyCode::Enter));
    says(&d, 60, 12, &["▲ Warning"], &["▲ ▲"]);
}

#[test]
fn long_plan_names_that_share_their_start_stay_apart() {
    let plans = ["Premium", "Standard"].map(|edition| {
        serde_json::json!({
            "displayName": format!("Information Protection and Governance Analytics - {edition}"),
            "serviceName": format!("RMS_S_{edition}"),
            "id": guid(4, edition.len() as u32),
            "capabilityStatus": "Enabled",
            "targetType": "User",
        })
    });
    let json = serde_json::json!({
        "availableUnits": 5, "activeUnits": 10, "consumedUnits": 5, "totalUnits": 10,
        "productSku": {"id": guid(3, 1), "name": "Microsoft 365 E5", "skuPartNumber": "SPE_E5"},
        "servicePlans": plans,
        "capabilityStatus": "Enabled",
    });
    let row = pcx::app::rows::SkuRow::new(
        pcx::api::Resource::<pcx::api::SubscribedSku>::parse(&json.to_string()).unwrap(),
    );
    let mut d = skus_shown(60, 12, vec![row]);
    d.send(code(KeyCode::Enter));
    says(&d, 60, 12, &["Premium", "Standard"], &[]);
}

#[test]
fn the_raw_json_wraps_long_values_and_scrolls_to_their_end() {
    let long = format!("{}END", "x".repeat(150));
    let json = serde_json::json!({
        "id": guid(1, 0),
        "companyProfile": {"companyName": "Long Co", "domain": "long.example", "email": long},
    });
    let row = pcx::app::rows::CustomerRow::new(
        pcx::api::Resource::<pcx::api::Customer>::parse(&json.to_string()).unwrap(),
    );
    let mut d = Driver::new(60, 12);
    d.customers_loaded(vec![row], None);
    d.press("y");
    d.press("G");
    says(&d, 60, 12, &["xxxEND"], &["…"]);
}

#[test]
fn the_help_wraps_at_40_to_60_columns() {
    for w in [40u16, 50, 60] {
        let mut d = Driver::new(w, 60);
        d.customers_loaded(customers(0..2), None);
        d.press("?");
        let shown = render(&d, w, 60, &Theme::new(false, false));
        // The help box (the status bar below it cuts its own hints).
        let shown = shown.lines().take(59).collect::<Vec<_>>().join("\n");
        let flat = shown
            .lines()
            .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_string())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!shown.contains('…'), "{w} columns cut a line:\n{shown}");
        assert!(flat.contains("deleted user"), "{w}:\n{shown}");
    }
}
