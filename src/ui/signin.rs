//! Sign-in in the view: the "signed out" modal (where to go, the code to enter, how long it
//! stays valid), a signed-out pane explained with what to do for this token source, and the
//! account as the status bar shows it (user, tenant, expiry, a warning without MFA). Reads the
//! model only; every API or identity-platform string is sanitised again before it is drawn.

use super::theme::Theme;
use crate::api::ApiError;
use crate::api::token::Identity;
use crate::app::keymap::{self, Action, Mode};
use crate::app::model::Model;
use crate::app::rows::Tone;
use crate::app::session::{Account, Flow, Renewal, advice, reason_of, whole_seconds};
use crate::auth::{self, format_utc};
use crate::text::wrap;
use crate::text::{sanitize, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Clear, Widget};

/// Whether a failed pane is a sign-in problem this session can say something about.
fn explains(model: &Model, error: &ApiError) -> bool {
    model.signin.renewal != Renewal::None && auth::needs_sign_in(error)
}

/// What the sign-in under way (or its end) means for a signed-out pane, in one line.
fn progress(model: &Model, theme: &Theme) -> String {
    let dot = theme.dot();
    match (&model.signin.renewal, &model.signin.flow) {
        (Renewal::InPlace, Flow::Idle) => {
            format!(
                "{} signs in again here with a device code{dot}r retries",
                list_key(Action::SignIn, theme)
            )
        }
        (Renewal::InPlace, Flow::Starting) => {
            format!(
                "signing in again here: asking for a code{}{dot}{} shows it",
                ellipsis(theme),
                list_key(Action::SignIn, theme)
            )
        }
        (
            Renewal::InPlace,
            Flow::Waiting {
                user_code,
                verification_uri,
                ..
            },
        ) => format!(
            "signing in again here: open {} and enter the code {}{dot}{} shows it; this pane \
             reloads by itself once you are signed in",
            sanitize(verification_uri),
            sanitize(user_code),
            list_key(Action::SignIn, theme)
        ),
        (Renewal::InPlace, Flow::Failed { message }) => format!(
            "the sign-in did not complete: {}{dot}{} asks for a new code{dot}{} retries",
            sanitize(message),
            list_key(Action::SignIn, theme),
            list_key(Action::Refresh, theme)
        ),
        (renewal, _) => advice(*renewal).to_string(),
    }
}

/// The first key of an action in the lists, as hints name it ("L").
fn list_key(action: Action, theme: &Theme) -> String {
    first_key(Mode::List, action, theme)
}

/// The first key of an action in the modal ("Esc").
fn modal_key(action: Action, theme: &Theme) -> String {
    first_key(Mode::Modal, action, theme)
}

fn first_key(mode: Mode, action: Action, theme: &Theme) -> String {
    let mut names = keymap::key_names(mode, action, theme.ascii);
    if names.is_empty() {
        String::new()
    } else {
        names.swap_remove(0)
    }
}

/// The modal's hint for an action ("c copies the code").
fn modal_hint(action: Action, theme: &Theme) -> String {
    keymap::hint(Mode::Modal, action, theme.ascii).unwrap_or_default()
}

fn ellipsis(theme: &Theme) -> &'static str {
    if theme.ascii { "..." } else { "…" }
}

/// A pane that failed for want of a sign-in, explained with what to do; None for any other
/// failure (and in sessions with nothing to sign in to).
pub fn signed_out_lines(
    model: &Model,
    error: &ApiError,
    theme: &Theme,
) -> Option<Vec<(String, Tone)>> {
    if !explains(model, error) {
        return None;
    }
    let reason = reason_of(error);
    let headline = match reason.starts_with("not signed in") {
        true => reason,
        false => format!("signed out: {reason}"),
    };
    let mut lines = vec![(headline, Tone::Bad), (progress(model, theme), Tone::Warn)];
    if let Some(id) = error.correlation_id() {
        lines.push((format!("correlation id: {}", sanitize(id)), Tone::Dim));
    }
    lines.push((super::state::BACK_HINT.into(), Tone::Dim));
    Some(lines)
}

/// The status bar's line for a pane that failed for want of a sign-in.
pub fn status_line(model: &Model, error: &ApiError, theme: &Theme) -> Option<String> {
    if !explains(model, error) {
        return None;
    }
    let dot = theme.dot();
    let running = matches!(model.signin.flow, Flow::Starting | Flow::Waiting { .. });
    Some(match model.signin.renewal {
        // A sign-in under way is not offered again: the window (or the bar) shows its code.
        Renewal::InPlace if running => format!(
            "signed out{dot}signing in again{dot}{} retries",
            list_key(Action::Refresh, theme)
        ),
        Renewal::InPlace => format!(
            "signed out{dot}{} signs in again{dot}{} retries",
            list_key(Action::SignIn, theme),
            list_key(Action::Refresh, theme)
        ),
        _ => format!("signed out{dot}the pane says what to do{dot}r retries"),
    })
}

/// While a sign-in goes on behind a hidden modal, the status bar keeps the code in view.
pub fn pending_line(model: &Model, theme: &Theme) -> Option<(String, Tone)> {
    if model.signin.visible {
        return None;
    }
    let dot = theme.dot();
    match &model.signin.flow {
        Flow::Starting => Some((
            format!(
                "signing in: asking for a code{}{dot}{} shows it",
                ellipsis(theme),
                list_key(Action::SignIn, theme)
            ),
            Tone::Warn,
        )),
        Flow::Waiting {
            user_code,
            verification_uri,
            ..
        } => Some((
            // The code first: on a narrow bar the address is what gets cut.
            format!(
                "signing in: enter {} at {}{dot}{} shows it",
                sanitize(user_code),
                sanitize(verification_uri),
                list_key(Action::SignIn, theme)
            ),
            Tone::Warn,
        )),
        Flow::Idle | Flow::Failed { .. } => None,
    }
}

/// The account in the status bar: a warning that must stay visible (no MFA, not signed in),
/// then who, longest form first; the status bar takes the longest that fits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountLabel {
    pub alert: Option<String>,
    pub forms: Vec<String>,
}

/// `until 14:05 UTC` from an expiry (tokens live about an hour, so the time is enough), or
/// `expired` once the model's clock has passed it.
fn until(identity: &Identity, now: Option<std::time::SystemTime>) -> Option<String> {
    let expires_at = identity.expires_at?;
    if now.is_some_and(|now| now >= expires_at) {
        return Some("expired".into());
    }
    let text = format_utc(expires_at);
    Some(format!("until {} UTC", text.get(11..16)?))
}

/// The start of a tenant id: enough to tell tenants apart.
fn short_tenant(tenant: &str, theme: &Theme) -> String {
    let tenant = sanitize(tenant);
    match tenant.char_indices().nth(8) {
        Some((i, _)) => format!("{}{}", &tenant[..i], if theme.ascii { "~" } else { "…" }),
        None => tenant.into_owned(),
    }
}

pub fn account_label(model: &Model, theme: &Theme) -> Option<AccountLabel> {
    let (warn, _) = theme.mark(crate::app::rows::Mark::Attention);
    match &model.signin.account {
        Account::Hidden => None,
        Account::Demo => Some(AccountLabel {
            alert: None,
            forms: vec!["demo".into()],
        }),
        Account::Token(None) => match model.signin.renewal {
            Renewal::InPlace => Some(AccountLabel {
                alert: Some(format!("{warn} not signed in")),
                forms: Vec::new(),
            }),
            _ => None,
        },
        Account::Token(Some(identity)) => {
            let dot = theme.dot();
            let user = sanitize(identity.user.as_deref().unwrap_or("unknown user")).into_owned();
            let tenant = identity.tenant.as_deref().map(|t| short_tenant(t, theme));
            let until = until(identity, model.wall_now());
            let mut forms = Vec::new();
            if let (Some(tenant), Some(until)) = (&tenant, &until) {
                forms.push(format!("{user}{dot}tenant {tenant}{dot}{until}"));
            }
            if let Some(until) = &until {
                forms.push(format!("{user}{dot}{until}"));
            }
            forms.push(user);
            Some(AccountLabel {
                alert: identity.lacks_mfa().then(|| format!("{warn} no MFA")),
                forms,
            })
        }
    }
}

/// One line of the modal.
enum Piece {
    Text(String, Style),
    /// Indented, for the address and the code (the things to copy).
    Value(String, Style),
    Blank,
}

/// The modal's content; `compact` (a short terminal) keeps only what signing in needs: where,
/// the code, how long it is valid and the keys.
fn pieces(model: &Model, theme: &Theme, compact: bool) -> Vec<Piece> {
    let mut out = Vec::new();
    let dot = theme.dot();
    if let Some(reason) = model.signin.reason.as_ref().filter(|_| !compact) {
        out.push(Piece::Text(sanitize(reason).into_owned(), theme.dim()));
        out.push(Piece::Blank);
    }
    out.extend(match &model.signin.flow {
        Flow::Idle | Flow::Starting => state_and_keys(
            format!("Asking the identity platform for a code{}", ellipsis(theme)),
            Style::new(),
            format!(
                "{}{dot}{} shows it again",
                modal_hint(Action::Close, theme),
                list_key(Action::SignIn, theme)
            ),
            theme,
            compact,
        ),
        Flow::Waiting {
            user_code,
            verification_uri,
            ..
        } => waiting(model, theme, compact, user_code, verification_uri),
        Flow::Failed { message } => state_and_keys(
            format!("The sign-in did not complete: {}", sanitize(message)),
            theme.tone(Tone::Bad),
            format!(
                "{} asks for a new code{dot}{} closes",
                keymap::key_names(Mode::Modal, Action::SignIn, theme.ascii).join(" or "),
                modal_key(Action::Close, theme)
            ),
            theme,
            compact,
        ),
    });
    if let Some(identity) = model
        .signin
        .identity()
        .filter(|i| i.lacks_mfa() && !compact)
    {
        let (warn, _) = theme.mark(crate::app::rows::Mark::Attention);
        let who = sanitize(identity.user.as_deref().unwrap_or("the last sign-in"));
        out.push(Piece::Blank);
        out.push(Piece::Text(
            format!("{warn} {who}: {}; sign in with MFA", auth::NO_MFA_WARNING),
            theme.tone(Tone::Warn),
        ));
    }
    out
}

/// A state in one line, then (after a blank line unless `compact`) its keys, dim.
fn state_and_keys(
    state: String,
    style: Style,
    keys: String,
    theme: &Theme,
    compact: bool,
) -> Vec<Piece> {
    let mut out = vec![Piece::Text(state, style)];
    if !compact {
        out.push(Piece::Blank);
    }
    out.push(Piece::Text(keys, theme.dim()));
    out
}

/// Waiting for the operator: where to go, the code, how long it stays valid, the keys.
fn waiting(
    model: &Model,
    theme: &Theme,
    compact: bool,
    user_code: &str,
    verification_uri: &str,
) -> Vec<Piece> {
    let dot = theme.dot();
    let open = match compact {
        true => "Open in a browser:",
        false => "To sign in, open this address in a browser on any device:",
    };
    let mut out = vec![
        Piece::Text(open.into(), Style::new()),
        Piece::Value(sanitize(verification_uri).into_owned(), theme.title()),
        Piece::Text("and enter the code:".into(), Style::new()),
        Piece::Value(sanitize(user_code).into_owned(), theme.title()),
    ];
    let left = whole_seconds(model.signin.remaining(model.now).unwrap_or_default());
    // "14 min 52 s left", never "14:52", which reads as a time of day next to "until
    // 15:56 UTC".
    let clock = match left / 60 {
        0 => format!("{} s", left % 60),
        m => format!("{m} min {} s", left % 60),
    };
    if compact {
        let validity = match left {
            0 => "expired".to_string(),
            _ => format!("{clock} left"),
        };
        out.push(Piece::Text(
            format!(
                "{validity}{dot}{} copies{dot}{} hides",
                modal_key(Action::CopyCode, theme),
                modal_key(Action::Close, theme)
            ),
            theme.dim(),
        ));
        return out;
    }
    let validity = match left {
        0 => "The code has expired.".to_string(),
        _ => format!("The code is valid for {clock} more."),
    };
    out.push(Piece::Blank);
    out.push(Piece::Text(
        format!(
            "{validity} Once you have signed in, this closes by itself and the panes that \
             failed reload; screens, selections and filters stay as they are."
        ),
        Style::new(),
    ));
    out.push(Piece::Blank);
    out.push(Piece::Text(
        format!(
            "{}{dot}{} ({} shows it again)",
            modal_hint(Action::CopyCode, theme),
            modal_hint(Action::Close, theme),
            list_key(Action::SignIn, theme)
        ),
        theme.dim(),
    ));
    out
}

/// The modal's lines at a text width: long lines wrap; the reason keeps to three lines.
fn lines(model: &Model, theme: &Theme, text_w: usize, compact: bool) -> Vec<(String, Style, u16)> {
    let mut out = Vec::new();
    let reason_lines = model.signin.reason.is_some() && !compact;
    for (n, piece) in pieces(model, theme, compact).into_iter().enumerate() {
        match piece {
            Piece::Blank => out.push((String::new(), Style::new(), 0)),
            Piece::Text(text, style) => {
                let mut wrapped = wrap(&text, text_w);
                if n == 0 && reason_lines && wrapped.len() > 3 {
                    wrapped.truncate(3);
                    if let Some(last) = wrapped.last_mut() {
                        let cut = theme.fit(last, text_w.saturating_sub(1)).into_owned();
                        *last = format!("{cut}{}", if theme.ascii { "~" } else { "…" });
                    }
                }
                out.extend(wrapped.into_iter().map(|l| (l, style, 0)));
            }
            Piece::Value(text, style) => {
                let indent = 4.min(text_w.saturating_sub(width(&text)));
                let pieces = wrap(&text, text_w.saturating_sub(indent).max(1));
                out.extend(pieces.into_iter().map(|l| (l, style, indent as u16)));
            }
        }
    }
    out
}

/// Draws the modal centred in the body.
pub fn draw_modal(buf: &mut Buffer, area: Rect, model: &Model, theme: &Theme) {
    let w = 72.min(area.width.saturating_sub(2));
    let text_w = usize::from(w.saturating_sub(4));
    let mut lines = lines(model, theme, text_w, false);
    if lines.len() + 2 > usize::from(area.height) {
        lines = self::lines(model, theme, text_w, true);
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let rect = Rect::new(
        area.x + area.width.saturating_sub(w) / 2,
        area.y + area.height.saturating_sub(h) / 2,
        w,
        h,
    );
    Clear.render(rect, buf);
    let title = match &model.signin.account {
        Account::Token(None) => " Sign in to Partner Center ",
        _ => " Signed out ",
    };
    let block = Block::bordered()
        .border_set(theme.border_set())
        .border_style(theme.tone(Tone::Warn))
        .title(title)
        .title_style(theme.title());
    let inner = block.inner(rect);
    block.render(rect, buf);
    for (row, (text, style, indent)) in lines.iter().take(usize::from(inner.height)).enumerate() {
        let x = inner.x + 1 + indent;
        let room = usize::from((inner.x + inner.width).saturating_sub(x));
        buf.set_stringn(x, inner.y + row as u16, text, room, *style);
    }
}
