//! What sign-in looks like: the "signed out" modal at two sizes (insta snapshots, text only),
//! signed-out panes explained for each token source, the account in the status bar as room
//! allows, and the MFA warning's style (colour plus a glyph that reads without colour).

mod common;

use common::signin::*;
use common::*;
use crossterm::event::KeyCode;
use pcx::app::model::ScreenKind;
use pcx::app::msg::Msg;
use pcx::app::session::{Account, Renewal, SignIn};
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::time::Duration;

/// The modal with its code, 61 s after the code arrived, over a signed-out users pane.
fn modal_at(w: u16, h: u16) -> Driver {
    let mut d = on_users(Renewal::InPlace, w, h);
    users_refused(&mut d);
    prompt(&mut d, 1);
    d.advance(Duration::from_secs(61));
    d
}

#[test]
fn the_modal_at_two_sizes() {
    let theme = Theme::new(true, false);
    for (w, h) in [(120, 40), (80, 24)] {
        let d = modal_at(w, h);
        let text = screen_text(&render(&d, w, h, &theme));
        assert!(text.contains(URI) && text.contains(CODE), "{text}");
        assert!(text.contains("13 min 59 s more"), "{text}");
        insta::assert_snapshot!(format!("modal_{w}x{h}"), text);
    }
    // Before the code arrives, and after the sign-in failed.
    let mut d = on_users(Renewal::InPlace, 80, 24);
    users_refused(&mut d);
    insta::assert_snapshot!(
        "modal_starting_80x24",
        screen_text(&render(&d, 80, 24, &theme))
    );
    prompt(&mut d, 1);
    d.send(Msg::SignInFailed {
        attempt: 1,
        message: "the identity platform refused (HTTP 400, invalid_client: AADSTS7000218)".into(),
    });
    insta::assert_snapshot!(
        "modal_failed_80x24",
        screen_text(&render(&d, 80, 24, &theme))
    );
    // ASCII only with --ascii.
    let d = modal_at(80, 24);
    let text = screen_text(&render(&d, 80, 24, &Theme::new(false, true)));
    assert!(text.is_ascii(), "{text}");
}

#[test]
fn signed_out_panes_explain_what_to_do() {
    let theme = Theme::new(true, false);
    // Hidden while the sign-in goes on: the pane carries the code.
    let mut d = modal_at(80, 24);
    d.send(code(KeyCode::Esc));
    insta::assert_snapshot!(
        "pane_signing_in_80x24",
        screen_text(&render(&d, 80, 24, &theme))
    );
    // A token from the environment: what to do, since pcx cannot.
    let mut d = on_users(Renewal::EnvToken, 80, 24);
    users_refused(&mut d);
    insta::assert_snapshot!(
        "pane_env_token_80x24",
        screen_text(&render(&d, 80, 24, &theme))
    );
}

#[test]
fn the_status_bar_shows_who_is_signed_in_as_room_allows() {
    let theme = Theme::new(true, false);
    let mut d = Driver::new(120, 40);
    d.model.signin = SignIn::new(Renewal::InPlace, Account::Token(Some(alice(true))));
    d.customers_loaded(customers(0..3), None);
    let widest = status_line(&render(&d, 160, 40, &theme));
    assert!(
        widest.contains("alice@partner.onmicrosoft.com · tenant 0b1f2c3d… · until 22:13 UTC"),
        "{widest}"
    );
    let wide = status_line(&render(&d, 120, 40, &theme));
    assert!(
        wide.contains("· ? help · q quit")
            && wide.contains("alice@partner.onmicrosoft.com · until 22:13 UTC"),
        "{wide}"
    );
    assert!(wide.ends_with("3 of 3"), "{wide}");
    let narrow = status_line(&render(&d, 80, 24, &theme));
    assert!(narrow.contains("alice@partner.onmicrosoft.com"), "{narrow}");
    assert!(!narrow.contains("tenant"), "{narrow}");
    assert!(
        narrow.contains("Enter users"),
        "the hints keep half the bar: {narrow}"
    );
    let tiny = status_line(&render(&d, 50, 16, &theme));
    assert!(tiny.contains("alice@"), "{tiny}");
    // Nobody signed in yet.
    d.model.signin.account = Account::Token(None);
    let none = status_line(&render(&d, 120, 40, &theme));
    assert!(none.contains("▲ not signed in"), "{none}");
    // The demo.
    d.model.signin = SignIn::new(Renewal::None, Account::Demo);
    let demo = status_line(&render(&d, 120, 40, &theme));
    assert!(demo.contains("demo") && !demo.contains("alice"), "{demo}");
    // Tests and sessions that show no account draw the bar as before.
    d.model.signin = SignIn::default();
    let plain = status_line(&render(&d, 120, 40, &theme));
    assert!(!plain.contains("demo"), "{plain}");
}

/// The columns where `needle` starts on the last row.
fn find(buf: &Buffer, needle: &str) -> Option<u16> {
    let y = buf.area.height - 1;
    let row: Vec<&str> = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
    let chars: Vec<String> = needle.chars().map(String::from).collect();
    (0..row.len().saturating_sub(chars.len())).find_map(|x| {
        chars
            .iter()
            .enumerate()
            .all(|(i, c)| row[x + i] == c)
            .then_some(x as u16)
    })
}

#[test]
fn a_token_without_mfa_is_a_coloured_warning_that_reads_without_colour() {
    let mut d = Driver::new(120, 40);
    d.model.signin = SignIn::new(Renewal::InPlace, Account::Token(Some(alice(false))));
    d.customers_loaded(customers(0..3), None);
    for (w, h) in [(120, 40), (80, 24), (50, 16)] {
        let buf = render(&d, w, h, &Theme::new(true, false));
        let x = find(&buf, "▲ no MFA").unwrap_or_else(|| panic!("{}", status_line(&buf)));
        let y = h - 1;
        for dx in [0, 2, 5] {
            let cell = &buf[(x + dx, y)];
            assert_eq!(cell.fg, Color::Yellow, "{w}x{h}");
            assert!(cell.modifier.contains(Modifier::BOLD), "{w}x{h}");
        }
    }
    // Without colour: the glyph and the words carry it, in bold, with no colour at all.
    let buf = render(&d, 80, 24, &Theme::new(false, false));
    let x = find(&buf, "▲ no MFA").expect("the warning without colour");
    let cell = &buf[(x, 23)];
    assert_eq!(cell.fg, Color::Reset);
    assert!(cell.modifier.contains(Modifier::BOLD));
    let buf = render(&d, 80, 24, &Theme::new(false, true));
    assert!(find(&buf, "! no MFA").is_some(), "{}", status_line(&buf));
    // The modal repeats it in full.
    users_on(&mut d);
    let text = screen_text(&render(&d, 120, 40, &Theme::new(true, false)));
    assert!(
        text.contains("▲ alice@partner.onmicrosoft.com: the token has no MFA claim"),
        "{text}"
    );
}

#[test]
fn a_token_pcx_cannot_read_is_not_accused_of_lacking_mfa() {
    let mut d = Driver::new(120, 40);
    let mut opaque = alice(false);
    opaque.mfa = None;
    d.model.signin = SignIn::new(Renewal::InPlace, Account::Token(Some(opaque)));
    d.customers_loaded(customers(0..3), None);
    let buf = render(&d, 120, 40, &Theme::new(true, false));
    assert!(find(&buf, "no MFA").is_none(), "{}", status_line(&buf));
    assert!(
        find(&buf, "alice@partner.onmicrosoft.com").is_some(),
        "{}",
        status_line(&buf)
    );
}

/// Opens the first customer and has its users refused (the modal opens).
fn users_on(d: &mut Driver) {
    d.send(code(KeyCode::Enter));
    let cmd = d.last();
    d.send(done(&cmd, Err(signed_out())));
    assert!(d.model.signin.visible);
    assert!(matches!(d.model.top().kind, ScreenKind::Users { .. }));
}

#[test]
fn the_login_cache_saying_why_opens_the_modal_with_its_words() {
    let theme = Theme::new(true, false);
    // Never signed in: the provider's own message, and a title that says "sign in".
    let mut d = Driver::new(80, 24);
    d.model.signin = SignIn::new(Renewal::InPlace, Account::Token(None));
    let cmd = d.last();
    let never = pcx::api::ApiError::Credentials(
        "not signed in. Sign in with a device code: `pcx login`".into(),
    );
    d.send(done(&cmd, Err(never)));
    assert!(d.model.signin.visible);
    let text = screen_text(&render(&d, 80, 24, &theme));
    assert!(text.contains("┌ Sign in to Partner Center "), "{text}");
    assert!(
        text.contains("│ not signed in. Sign in with a device code"),
        "{text}"
    );
    assert!(status_line(&render(&d, 80, 24, &theme)).contains("▲ not signed in"));
    // A refresh refused: "signed out" once, not twice.
    let mut d = on_users(Renewal::InPlace, 80, 24);
    let cmd = d.last_for(&users_query(1));
    let refused = pcx::api::ApiError::Credentials(
        "signed out: the sign-in of alice@partner.onmicrosoft.com could not be renewed: \
         invalid_grant. Run `pcx login` to sign in again"
            .into(),
    );
    d.send(done(&cmd, Err(refused.clone())));
    assert_eq!(
        d.model.signin.reason.as_deref(),
        Some("the sign-in of alice@partner.onmicrosoft.com could not be renewed: invalid_grant")
    );
    let lines = pcx::ui::signin::signed_out_lines(&d.model, &refused, &theme).unwrap();
    assert!(
        lines[0]
            .0
            .starts_with("signed out: the sign-in of alice@partner.onmicrosoft.com"),
        "{lines:?}"
    );
    assert!(!lines[0].0.contains("signed out: signed out"));
    // pcx signs in again here: no "Run `pcx login`" beside it, and the bar offers no second L.
    let shown = screen_text(&render(&d, 80, 24, &theme));
    assert!(!shown.contains("pcx login"), "{shown}");
    d.send(code(KeyCode::Esc));
    let bar = status_line(&render(&d, 80, 24, &theme));
    assert!(!bar.contains("L signs in"), "{bar}");
}

#[test]
fn on_a_small_terminal_the_modal_keeps_the_address_and_the_code() {
    let theme = Theme::new(true, false);
    for (w, h) in [(40, 10), (50, 16), (60, 12)] {
        let d = modal_at(w, h);
        let text = screen_text(&render(&d, w, h, &theme));
        assert!(text.contains(URI), "{w}x{h}\n{text}");
        assert!(text.contains(CODE), "{w}x{h}\n{text}");
        assert!(text.contains("13 min 59 s left"), "{w}x{h}\n{text}");
    }
    insta::assert_snapshot!(
        "modal_40x10",
        screen_text(&render(&modal_at(40, 10), 40, 10, &theme))
    );
}
