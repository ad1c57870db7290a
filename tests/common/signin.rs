//! Fixtures for the sign-in tests: an identity, a 401, a session on a customer's users with a
//! given token source, the code arriving, and rendering helpers.

use super::rows::*;
use super::screen::screen_text;
use crossterm::event::KeyCode;
use pcx::api::token::Identity;
use pcx::api::{ApiError, ErrorDetail};
use pcx::app::msg::{Effect, Msg};
use pcx::app::session::{Account, Renewal, SignIn};
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::time::{Duration, UNIX_EPOCH};

pub const CODE: &str = "ABCD-EFGH";
pub const URI: &str = "https://microsoft.com/devicelogin";

pub fn alice(mfa: bool) -> Identity {
    Identity {
        user: Some("alice@partner.onmicrosoft.com".into()),
        tenant: Some("0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into()),
        // 2023-11-14 22:13:20 UTC
        expires_at: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        mfa: Some(mfa),
    }
}

pub fn signed_out() -> ApiError {
    ApiError::SignedOut(detail(401, "900421", "The token has expired", 3))
}

pub fn starts(effects: &[Effect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartSignIn { attempt } => Some(*attempt),
            _ => None,
        })
        .collect()
}

/// A session whose token source is `renewal`, signed in as alice, on a customer's users.
pub fn on_users(renewal: Renewal, w: u16, h: u16) -> Driver {
    let mut d = Driver::new(w, h);
    d.model.signin = SignIn::new(renewal, Account::Token(Some(alice(true))));
    d.customers_loaded(customers(0..12), None);
    d.press("j");
    d.send(code(KeyCode::Enter));
    d
}

/// The users load of `on_users` refused with a 401; returns its effects.
pub fn users_refused(d: &mut Driver) -> Vec<Effect> {
    let cmd = d.last_for(&users_query(1));
    d.send(done(&cmd, Err(signed_out())))
}

pub fn prompt(d: &mut Driver, attempt: u64) -> Vec<Effect> {
    d.send(Msg::SignInPrompt {
        attempt,
        user_code: CODE.into(),
        verification_uri: URI.into(),
        expires_in: Duration::from_secs(900),
    })
}

/// What must survive a sign-in: each screen's kind, cursor, selected id and filter.
pub fn stack(d: &Driver) -> Vec<String> {
    d.model
        .screens
        .iter()
        .map(|s| {
            format!(
                "{:?} sel={} off={} id={:?} filter={:?}",
                s.kind,
                s.selected,
                s.offset,
                s.selected_id,
                s.filter
                    .as_ref()
                    .map(|f| (f.query().to_string(), f.editing))
            )
        })
        .collect()
}

pub fn render(d: &Driver, w: u16, h: u16, theme: &Theme) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    pcx::ui::draw(&d.model, theme, "test", area, &mut buf);
    buf
}

pub fn status_line(buf: &Buffer) -> String {
    screen_text(buf)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}
