//! The explorer as issue 16 found it in use, driven through `update` with an injected clock and
//! drawn on a buffer: `s` switches instead of stacking, the filter ranks and selects the best
//! match, `e` exports the whole view, `r` cancels a stalled load, and the screens that read
//! wrong. No terminal, no network, no sleeping.

mod tui_support;

use crossterm::event::KeyCode;
use pcx::app::model::{Query, ScreenKind};
use pcx::app::msg::{Effect, Msg};
use pcx::fetch::Payload;
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tui_support::*;

fn render(d: &Driver, w: u16, h: u16, theme: &Theme) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    pcx::ui::draw(&d.model, theme, "demo", area, &mut buf);
    screen_text(&buf)
}

fn kinds(d: &Driver) -> Vec<&'static str> {
    d.model
        .screens
        .iter()
        .map(|s| match s.kind {
            ScreenKind::Customers { .. } => "customers",
            ScreenKind::Users { deleted: false, .. } => "users",
            ScreenKind::Users { deleted: true, .. } => "deleted",
            ScreenKind::Skus { .. } => "skus",
            ScreenKind::Licences { .. } => "licences",
            ScreenKind::Plans { .. } => "plans",
            ScreenKind::Raw { .. } => "raw",
        })
        .collect()
}

/// Answers every fetch in `effects` that the driver knows how to answer.
fn answer(d: &mut Driver, effects: &[Effect]) {
    for cmd in fetches(effects) {
        let payload = match &cmd.query {
            Query::Customers { .. } => Payload::Customers(customers(0..5), None),
            Query::Users { .. } => Payload::Users(users(0..3), None),
            Query::Licences { .. } => {
                Payload::Licences(vec![licence(1, "Microsoft 365 E3", &["Enabled", "Warning"])])
            }
            Query::Skus { .. } => Payload::Skus(vec![sku(1, "Microsoft 365 E3", 10, 4, &["Enabled"])]),
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
    // From the users tab and from the raw JSON of a customer row.
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
