//! Whatever the operator types and whatever the API answers, in whatever order, at whatever
//! terminal size: the explorer never panics, keeps its cursor inside its rows, and draws.

mod common;

use common::subs::subscription;
use common::*;
use crossterm::event::KeyCode;
use pcx::app::model::Query;
use pcx::app::msg::Msg;
use pcx::fetch::Payload;
use pcx::ui::Theme;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::time::Duration;

#[derive(Clone, Debug)]
enum Step {
    Key(char),
    Code(u8),
    /// Answer the n-th outstanding fetch with `rows` rows (and more pages when `more`).
    Answer {
        pick: usize,
        rows: u8,
        more: bool,
    },
    Fail {
        pick: usize,
    },
    Resize(u16, u16),
    Wait(u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => prop::sample::select(vec!['j', 'k', 'l', 'h', 'g', 'G', 's', 'y', 'c', 'e', 'r', '?', '/', 'S', 'a', 'x', '1'])
            .prop_map(Step::Key),
        2 => (0u8..8).prop_map(Step::Code),
        3 => (0usize..4, 0u8..40, any::<bool>()).prop_map(|(pick, rows, more)| Step::Answer { pick, rows, more }),
        1 => (0usize..4).prop_map(|pick| Step::Fail { pick }),
        1 => (1u16..140, 1u16..50).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => (0u16..400).prop_map(Step::Wait),
    ]
}

fn payload(query: &Query, rows: u8, more: bool, page: u32) -> Payload {
    let n = u32::from(rows);
    let base = page * 1000;
    let next = more.then(|| cursor(page + 1));
    match query {
        Query::Customers { .. } => Payload::Customers(customers(base..base + n), next),
        Query::Users { .. } => {
            let mut rows = users(base..base + n);
            if n > 2 {
                rows[1] = deleted_user(base + 1);
            }
            Payload::Users(rows, next)
        }
        Query::Licenses { .. } => Payload::Licenses(
            (0..n.min(6))
                .map(|i| {
                    license(
                        i,
                        &format!("SKU {i}"),
                        &["Assigned", "Suspended", "Weird\u{1b}"][..(i as usize % 3) + 1],
                    )
                })
                .collect(),
        ),
        Query::Skus { .. } => Payload::Skus(
            (0..n.min(6))
                .map(|i| sku(i, &format!("SKU {i}"), 5, i64::from(i), &["Enabled"]))
                .collect(),
        ),
        Query::Subscriptions { .. } => Payload::Subscriptions(
            (0..n.min(6))
                .map(|i| {
                    let status = ["active", "suspended", "Weird\u{1b}"][i as usize % 3];
                    subscription(
                        i,
                        &format!("Offer {i}"),
                        status,
                        i64::from(i) * 9 - 3,
                        i % 2 == 0,
                        2,
                    )
                })
                .collect(),
        ),
    }
}

fn check(d: &Driver) {
    assert!(!d.model.screens.is_empty());
    for screen in &d.model.screens {
        let view = screen.view(&d.model.cache);
        if let Some(table) = view.table() {
            let len = screen.visible_len(table.len());
            assert!(
                len == 0 || screen.selected < len,
                "selected {} of {len}",
                screen.selected
            );
            assert!(screen.offset <= screen.selected || len == 0);
        }
    }
    let (w, h) = d.model.size;
    let area = Rect::new(0, 0, w, h);
    for theme in [Theme::new(true, false), Theme::new(false, true)] {
        let mut buf = Buffer::empty(area);
        pcx::ui::draw(&d.model, &theme, "props", area, &mut buf);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_keys_and_answers_keep_the_explorer_sound(steps in prop::collection::vec(step(), 1..80)) {
        let mut d = Driver::new(100, 30);
        let mut answered = std::collections::HashSet::new();
        let mut page = 0;
        for step in steps {
            match step {
                Step::Key(c) => { d.press(&c.to_string()); }
                Step::Code(n) => {
                    let code = [KeyCode::Enter, KeyCode::Esc, KeyCode::Tab, KeyCode::BackTab,
                                KeyCode::PageDown, KeyCode::PageUp, KeyCode::Backspace, KeyCode::End][n as usize];
                    d.send(code_msg(code));
                }
                Step::Answer { pick, rows, more } => {
                    let open: Vec<_> = d.log.iter().filter(|c| !answered.contains(&c.id)).cloned().collect();
                    if let Some(cmd) = open.get(pick % open.len().max(1)) {
                        answered.insert(cmd.id);
                        page += 1;
                        d.send(done(cmd, Ok(payload(&cmd.query, rows, more, page))));
                    }
                }
                Step::Fail { pick } => {
                    let open: Vec<_> = d.log.iter().filter(|c| !answered.contains(&c.id)).cloned().collect();
                    if let Some(cmd) = open.get(pick % open.len().max(1)) {
                        answered.insert(cmd.id);
                        d.send(done(cmd, Err(no_access())));
                    }
                }
                Step::Resize(w, h) => { d.send(Msg::Resize(w, h)); }
                Step::Wait(ms) => { d.advance(Duration::from_millis(u64::from(ms))); }
            }
            check(&d);
            if d.model.quit {
                break;
            }
        }
    }
}

fn code_msg(code: KeyCode) -> Msg {
    common::code(code)
}
