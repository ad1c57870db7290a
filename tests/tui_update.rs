//! The explorer's update, driven with messages and an injected clock: what it fetches, what it
//! cancels, what it shows. No terminal, no network, no sleeping.

mod common;

use common::*;
use crossterm::event::KeyCode;
use pcx::app::cache::{LoadStatus, PaneData};
use pcx::app::model::{Query, ScreenKind};
use pcx::app::msg::Effect;
use pcx::fetch::Payload;
use std::time::Duration;

fn top_len(d: &Driver) -> Option<(usize, usize)> {
    let screen = d.model.top();
    let view = screen.view(&d.model.cache);
    view.table().map(|t| (screen.visible_len(t.len()), t.len()))
}

#[test]
fn start_loads_the_customers_once() {
    let d = Driver::new(120, 40);
    assert_eq!(d.log.len(), 1);
    assert_eq!(d.log[0].query, Query::Customers { search: None });
    assert_eq!(d.log[0].page, None);
    assert!(
        matches!(d.model.cache.status(&d.log[0].query), LoadStatus::Loading(id) if id == d.log[0].id)
    );
}

#[test]
fn open_asks_for_the_customers_users_and_shows_them() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..5), None);
    d.press("j");
    let effects = d.send(code(KeyCode::Enter));
    let asked = fetches(&effects);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].query, users_query(1));
    assert!(
        matches!(d.model.top().kind, ScreenKind::Users { ref customer, deleted: false } if &*customer.name == "Customer 001")
    );
    d.send(done(&asked[0], Ok(Payload::Users(users(0..3), None))));
    assert_eq!(top_len(&d), Some((3, 3)));
}

#[test]
fn back_while_loading_cancels_and_the_late_answer_is_dropped() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..5), None);
    let effects = d.send(code(KeyCode::Enter));
    let cmd = fetches(&effects).remove(0);
    let effects = d.press("h");
    assert_eq!(cancels(&effects), vec![cmd.id]);
    assert_eq!(d.model.screens.len(), 1);
    assert_eq!(d.model.cache.status(&cmd.query), LoadStatus::NotLoaded);
    // The cancelled request answers anyway: nothing waits for it.
    d.send(done(&cmd, Ok(Payload::Users(users(0..3), None))));
    assert_eq!(d.model.cache.status(&cmd.query), LoadStatus::NotLoaded);
    assert!(!d.model.busy());
}

#[test]
fn a_stale_answer_never_lands_on_the_new_request() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..5), None);
    let first = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    d.press("h");
    let second = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    assert_eq!(first.query, second.query);
    assert_ne!(first.id, second.id);
    d.send(done(&first, Ok(Payload::Users(users(0..9), None))));
    assert_eq!(
        d.model.cache.status(&second.query),
        LoadStatus::Loading(second.id)
    );
    d.send(done(&second, Ok(Payload::Users(users(0..2), None))));
    assert_eq!(top_len(&d), Some((2, 2)));
}

#[test]
fn an_error_fails_the_pane_and_r_retries() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..5), None);
    let cmd = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    d.send(done(&cmd, Err(no_access())));
    assert_eq!(d.model.cache.status(&cmd.query), LoadStatus::Failed);
    assert!(matches!(
        d.model.top().view(&d.model.cache),
        PaneData::Failed(_)
    ));
    let retry = fetches(&d.press("r"));
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].query, cmd.query);
    assert_eq!(
        d.model.cache.status(&cmd.query),
        LoadStatus::Loading(retry[0].id)
    );
    // Errors never block navigation elsewhere.
    d.press("h");
    d.press("j");
    assert_eq!(d.model.top().selected, 1);
}

#[test]
fn the_next_page_loads_as_the_cursor_nears_the_end() {
    let mut d = Driver::new(80, 24);
    d.customers_loaded(customers(0..100), Some(cursor(1)));
    assert_eq!(d.log.len(), 1, "the first page is far from its end");
    let mut asked = Vec::new();
    for _ in 0..85 {
        asked.extend(fetches(&d.press("j")));
    }
    let pages: Vec<_> = asked.iter().filter(|c| c.page.is_some()).collect();
    assert_eq!(pages.len(), 1, "exactly one next page, asked once");
    assert_eq!(pages[0].page, Some(cursor(1)));
    let page = pages[0].clone();
    d.send(done(
        &page,
        Ok(Payload::Customers(customers(100..150), None)),
    ));
    assert_eq!(top_len(&d), Some((150, 150)));
    assert_eq!(d.model.top().selected, 85, "the selection stays put");
    for _ in 0..100 {
        d.press("j");
    }
    assert_eq!(
        d.log.iter().filter(|c| c.page.is_some()).count(),
        1,
        "no more pages exist"
    );
}

#[test]
fn the_users_of_the_customer_under_the_cursor_load_after_it_rests() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..100), None);
    let start = d.log.len();
    // Key repeat: a move every 30 ms over 60 customers.
    for _ in 0..60 {
        d.now += Duration::from_millis(30);
        d.press("j");
    }
    assert_eq!(d.log.len(), start, "nothing while moving");
    d.advance(Duration::from_millis(100));
    assert_eq!(d.log.len(), start, "not before the rest time");
    d.advance(Duration::from_millis(60));
    assert_eq!(d.log.len(), start + 1);
    assert_eq!(d.last().query, users_query(60));
    // Opening it now asks for nothing: the same query is already in flight.
    let effects = d.send(code(KeyCode::Enter));
    assert!(fetches(&effects).is_empty());
}

#[test]
fn holding_j_over_a_hundred_customers_costs_at_most_three_requests() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..120), None);
    let start = d.log.len();
    for _ in 0..100 {
        d.now += Duration::from_millis(33);
        d.press("j");
        d.send(pcx::app::msg::Msg::Tick);
    }
    d.advance(Duration::from_secs(1));
    assert!(d.log.len() - start <= 3, "{} requests", d.log.len() - start);
}

#[test]
fn cold_start_to_a_users_plans_is_exactly_three_requests_and_back_is_free() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..5), None);
    let users_cmd = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    d.send(done(&users_cmd, Ok(Payload::Users(users(0..5), None))));
    let licenses_cmd = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    assert_eq!(licenses_cmd.query, licenses_query(0, 0));
    d.send(done(
        &licenses_cmd,
        Ok(Payload::Licenses(vec![
            license(1, "Microsoft 365 E5", &["Assigned", "Suspended"]),
            license(2, "Minecraft Education Faculty", &[]),
        ])),
    ));
    assert!(fetches(&d.send(code(KeyCode::Enter))).is_empty());
    assert!(matches!(d.model.top().kind, ScreenKind::Plans { .. }));
    assert_eq!(top_len(&d), Some((2, 2)));
    // Let any debounce come due: still three.
    d.advance(Duration::from_secs(1));
    assert_eq!(d.log.len(), 3);
    // Back out and open again: all cached.
    d.press("hhh");
    assert_eq!(d.model.screens.len(), 1);
    d.send(code(KeyCode::Enter));
    d.send(code(KeyCode::Enter));
    d.send(code(KeyCode::Enter));
    d.advance(Duration::from_secs(1));
    assert_eq!(d.log.len(), 3, "reopening what was loaded costs nothing");
    assert!(matches!(d.model.top().kind, ScreenKind::Plans { .. }));
}

#[test]
fn the_filter_narrows_as_you_type_and_esc_clears_it() {
    let mut d = Driver::new(120, 40);
    let mut rows = customers(0..50);
    rows.push(named_customer(50, "Contoso Ltd", "contoso.onmicrosoft.com"));
    rows.push(named_customer(51, "Fabrikam", "fabrikam.com"));
    d.customers_loaded(rows, None);
    d.press("/");
    d.press("con");
    let (visible, total) = top_len(&d).unwrap();
    assert!(visible < total && visible >= 1, "{visible} of {total}");
    d.press("toso");
    assert_eq!(top_len(&d), Some((1, 52)));
    assert_eq!(selected_label(&d), "Contoso Ltd");
    d.send(code(KeyCode::Enter));
    assert!(
        !d.model.top().filter.as_ref().unwrap().editing,
        "Enter keeps it"
    );
    assert_eq!(top_len(&d), Some((1, 52)));
    d.press("j");
    assert_eq!(selected_label(&d), "Contoso Ltd");
    d.send(code(KeyCode::Esc));
    assert!(
        d.model.top().filter.is_none(),
        "Esc (back) clears a kept filter first"
    );
    assert_eq!(top_len(&d), Some((52, 52)));
    assert_eq!(
        selected_label(&d),
        "Contoso Ltd",
        "the selection follows the row"
    );
    assert_eq!(d.model.screens.len(), 1);
}

#[test]
fn typing_in_the_filter_is_text_not_keys() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..20), None);
    d.press("/");
    d.press("qhjks");
    assert!(!d.model.quit);
    assert_eq!(d.model.screens.len(), 1);
    assert_eq!(d.model.top().filter.as_ref().unwrap().query(), "qhjks");
    d.send(code(KeyCode::Backspace));
    assert_eq!(d.model.top().filter.as_ref().unwrap().query(), "qhjk");
    d.send(code(KeyCode::Esc));
    assert!(d.model.top().filter.is_none());
}

#[test]
fn the_selection_survives_a_refresh_by_id() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..10), None);
    d.press("jjjjj");
    assert_eq!(selected_label(&d), "Customer 005");
    let refresh = fetches(&d.press("r")).remove(0);
    assert_eq!(refresh.page, None);
    // The rows stay while the refresh runs.
    assert_eq!(top_len(&d), Some((10, 10)));
    let mut fresh = customers(0..10);
    fresh.reverse();
    fresh.insert(0, customer(99));
    d.send(done(&refresh, Ok(Payload::Customers(fresh, None))));
    assert_eq!(top_len(&d), Some((11, 11)));
    assert_eq!(selected_label(&d), "Customer 005");
    assert_eq!(d.model.top().selected, 5);
}

#[test]
fn a_failed_refresh_keeps_the_rows_and_r_tries_again() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..10), None);
    let refresh = fetches(&d.press("r")).remove(0);
    d.send(done(&refresh, Err(no_access())));
    assert_eq!(top_len(&d), Some((10, 10)));
    let again = fetches(&d.press("r"));
    assert_eq!(again.len(), 1);
}

#[test]
fn server_search_asks_with_the_prefix_and_back_returns_to_the_full_list() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..10), None);
    d.press("S");
    d.press("con");
    d.send(code(KeyCode::Enter));
    let query = Query::Customers {
        search: Some("con".into()),
    };
    assert_eq!(d.last().query, query);
    d.press("h");
    assert_eq!(d.model.screens.len(), 1);
    assert!(matches!(
        d.model.top().kind,
        ScreenKind::Customers { search: None }
    ));
    assert_eq!(top_len(&d), Some((10, 10)));
}

#[test]
fn tab_switches_between_users_deleted_users_and_skus() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..3), None);
    d.send(code(KeyCode::Enter));
    d.send(code(KeyCode::Tab));
    assert_eq!(
        d.last().query,
        Query::Users {
            customer_id: guid(1, 0).into(),
            deleted: true
        }
    );
    d.send(code(KeyCode::Tab));
    assert_eq!(
        d.last().query,
        Query::Skus {
            customer_id: guid(1, 0).into()
        }
    );
    d.send(code(KeyCode::BackTab));
    assert!(matches!(
        d.model.top().kind,
        ScreenKind::Users { deleted: true, .. }
    ));
    assert_eq!(d.model.screens.len(), 2);
}

#[test]
fn skus_open_from_a_customer_and_their_plans_from_a_sku() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..3), None);
    let cmd = fetches(&d.press("s")).remove(0);
    assert_eq!(
        cmd.query,
        Query::Skus {
            customer_id: guid(1, 0).into()
        }
    );
    d.send(done(
        &cmd,
        Ok(Payload::Skus(vec![
            sku(1, "Office 365 E3", 10, 12, &["Enabled"]),
            sku(2, "EMS E3", 5, 1, &["Enabled", "Warning"]),
        ])),
    ));
    assert!(
        d.model.marks.customer(&guid(1, 0)),
        "the customer row is marked"
    );
    d.press("j");
    d.send(code(KeyCode::Enter));
    assert_eq!(top_len(&d), Some((2, 2)));
}

#[test]
fn raw_json_copy_and_export_of_the_selection() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..3), None);
    d.press("j");
    let effects = d.press("c");
    assert_eq!(effects, vec![Effect::Copy(guid(1, 1))]);
    d.send(pcx::app::msg::Msg::Copied(Ok(guid(1, 1))));
    assert!(d.model.flash.as_ref().unwrap().text.starts_with("sent "));
    let effects = d.press("e");
    let Some(Effect::Export(job)) = effects.first() else {
        panic!("no export: {effects:?}");
    };
    assert_eq!(job.view, "customers");
    assert_eq!(job.header[0], "Company");
    assert_eq!(job.rows.len(), 3);
    d.press("y");
    let ScreenKind::Raw { lines, id, .. } = &d.model.top().kind else {
        panic!("no raw view");
    };
    assert_eq!(id.as_deref(), Some(guid(1, 1).as_str()));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"relationshipToPartner\": \"reseller\""))
    );
    d.press("h");
    assert!(matches!(d.model.top().kind, ScreenKind::Customers { .. }));
}

#[test]
fn raw_json_of_a_plan_comes_from_its_license() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..2), None);
    let u = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    d.send(done(&u, Ok(Payload::Users(users(0..2), None))));
    let l = fetches(&d.send(code(KeyCode::Enter))).remove(0);
    d.send(done(
        &l,
        Ok(Payload::Licenses(vec![license(
            7,
            "E5",
            &["Assigned", "Suspended"],
        )])),
    ));
    assert!(d.model.marks.user(&guid(2, 0)), "the user row is marked");
    assert!(d.model.marks.customer(&guid(1, 0)), "and its customer");
    d.send(code(KeyCode::Enter));
    // Plans needing attention come first: the Suspended one leads.
    assert_eq!(selected_label(&d), "Plan 1 of E5");
    d.press("y");
    let ScreenKind::Raw { lines, .. } = &d.model.top().kind else {
        panic!("no raw view");
    };
    assert!(
        lines
            .iter()
            .any(|l| l.contains("\"capabilityStatus\": \"Suspended\"")),
        "{lines:?}"
    );
}

#[test]
fn help_opens_and_closes_and_q_quits() {
    let mut d = Driver::new(120, 40);
    d.press("?");
    assert_eq!(d.model.help, Some(0));
    d.press("j");
    assert!(d.model.help.is_some(), "keys do not leak through the help");
    d.send(code(KeyCode::Esc));
    assert!(d.model.help.is_none());
    let effects = d.press("q");
    assert!(effects.is_empty());
    assert!(d.model.quit);
}

#[test]
fn moving_on_an_empty_or_failed_list_is_harmless() {
    let mut d = Driver::new(120, 40);
    let cmd = d.last();
    d.send(done(&cmd, Err(no_access())));
    for c in "jkgGlhyce/".chars() {
        d.press(&c.to_string());
    }
    d.send(code(KeyCode::Esc));
    d.send(code(KeyCode::PageDown));
    assert_eq!(d.model.screens.len(), 1);
    assert!(!d.model.quit);
}

#[test]
fn a_retry_notice_is_kept_for_the_pane() {
    let mut d = Driver::new(120, 40);
    let cmd = d.last();
    d.send(common::throttled(&cmd));
    assert!(
        matches!(d.model.top().view(&d.model.cache), PaneData::Loading(Some(r)) if r.notice.wait.as_secs() == 12)
    );
}

#[test]
fn a_paste_types_into_the_prompt_and_never_runs_commands() {
    let mut d = Driver::new(120, 40);
    d.customers_loaded(customers(0..5), None);
    d.send(pcx::app::msg::Msg::Paste("qqq".into()));
    assert!(!d.model.quit, "a paste outside a prompt is ignored");
    d.press("/");
    d.send(pcx::app::msg::Msg::Paste("Customer\u{1b}[2J 003\n".into()));
    assert_eq!(
        d.model.top().filter.as_ref().unwrap().query(),
        "Customer[2J 003"
    );
}

#[test]
fn the_help_scrolls_on_a_short_terminal() {
    let mut d = Driver::new(50, 16);
    d.press("?");
    d.press("jjj");
    assert_eq!(d.model.help, Some(3));
    d.press("k");
    assert_eq!(d.model.help, Some(2));
    // More presses than the help has lines (it lists the keys and the `:` commands).
    for _ in 0..200 {
        d.press("j");
    }
    let at_end = d.model.help.expect("the help is open");
    // The end of the help (its lines wrap at this width), and no further.
    assert!(at_end > 2, "{at_end}");
    assert_eq!(at_end, pcx::app::layout::help_max_offset((50, 16)));
    d.press("q");
    assert!(
        d.model.help.is_none() && !d.model.quit,
        "q closes the help first"
    );
}

/// On a terminal too small to draw the panes, the screen says "q quits": q quits in every
/// mode (even while a filter is typed, where q is otherwise a letter), and no other key acts.
#[test]
fn q_quits_a_terminal_too_small_whatever_the_mode() {
    for opening in ["/", "S", ":", "?"] {
        let mut d = Driver::new(120, 40);
        d.customers_loaded(customers(0..5), None);
        d.press(opening);
        let mode = d.model.mode();
        d.send(pcx::app::msg::Msg::Resize(32, 10));
        d.send(code(KeyCode::Esc));
        d.press("j");
        assert_eq!(d.model.mode(), mode, "{opening}: keys do not act unseen");
        d.press("q");
        assert!(d.model.quit, "{opening}: q quits the too-small screen");
    }
}
