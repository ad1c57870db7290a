//! The status bar: the prompt being typed, the last message, the focused pane's error with its
//! correlation id, what is loading, key hints, who is signed in (a warning without MFA), and
//! the row count (`120 of 120+`).

use super::signin::{AccountLabel, account_label};
use super::state::{Waiting, loading_line};
use super::theme::Theme;
use super::widgets::put_right;
use crate::api::ApiError;
use crate::app::cache::{PaneData, Pending};
use crate::app::keymap::{self, Action, Mode};
use crate::app::model::{Model, ScreenKind};
use crate::app::rows::Tone;
use crate::text::{sanitize, width};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

/// A failure in a few words, with its HTTP status.
pub fn short(error: &ApiError) -> String {
    let status = |s: u16| format!("HTTP {s}");
    match error {
        ApiError::NoAccess(d) => format!("no access ({})", status(d.status)),
        ApiError::SignedOut(d) => format!("signed out ({})", status(d.status)),
        ApiError::Throttled { detail, .. } => format!("throttled ({})", status(detail.status)),
        ApiError::NotFound(d) => format!("not found ({})", status(d.status)),
        ApiError::Server(d) => format!("server error ({})", status(d.status)),
        ApiError::Rejected(d) => format!("refused ({})", status(d.status)),
        ApiError::Network { .. } => "network error".into(),
        ApiError::Timeout { .. } => "timeout".into(),
        ApiError::BadData { .. } => "bad data".into(),
        ApiError::InsecureUrl { .. } => "insecure URL".into(),
        ApiError::InvalidId { .. } => "invalid id".into(),
        ApiError::Credentials(_) => "no credentials".into(),
    }
}

fn with_correlation(text: String, error: &ApiError, theme: &Theme) -> String {
    match error.correlation_id() {
        Some(id) => format!("{text}{}correlation id {}", theme.dot(), sanitize(id)),
        None => text,
    }
}

/// Columns taken by a prompt's text before its cursor. The cursor counts characters, not
/// bytes: slicing the text at it would cut a multi-byte character (and panic).
fn before_cursor(input: &tui_input::Input) -> usize {
    let typed: String = input.value().chars().take(input.cursor()).collect();
    width(&sanitize(&typed))
}

/// A one-line prompt: its label, the typed text scrolled so the cursor's end is always in view,
/// and a hint when there is room for it.
struct Prompt<'a> {
    label: &'a str,
    input: &'a tui_input::Input,
    hint: &'a str,
}

impl Prompt<'_> {
    /// Draws it in `area` (one row); returns where the text cursor goes.
    fn draw(&self, buf: &mut Buffer, area: Rect, theme: &Theme) -> Position {
        let room = usize::from(area.width);
        let (end, _) = buf.set_stringn(area.x, area.y, self.label, room, theme.title());
        // The hint (or a message about the prompt) keeps up to half of what the label leaves.
        let after_label = room.saturating_sub(width(self.label));
        let value_room = after_label
            .saturating_sub(width(self.hint))
            .max(after_label / 2)
            .max(1);
        let value = sanitize(self.input.value());
        let cursor = before_cursor(self.input);
        // Scroll so the cursor stays on the last column at most: the end of long input shows.
        let scroll = (cursor + 1).saturating_sub(value_room);
        let shown = skip_columns(&value, scroll);
        let lead = width(&value[..value.len() - shown.len()]);
        let (after, _) =
            buf.set_stringn(end, area.y, shown, value_room, ratatui::style::Style::new());
        let used = usize::from(after - area.x);
        buf.set_stringn(
            after,
            area.y,
            self.hint,
            room.saturating_sub(used),
            theme.dim(),
        );
        let at = end + (cursor.saturating_sub(lead)) as u16;
        Position::new(at.min(area.x + area.width.saturating_sub(1)), area.y)
    }
}

/// The text after its first `columns` display columns (a wide character is skipped whole).
fn skip_columns(text: &str, columns: usize) -> &str {
    let mut skipped = 0;
    for (i, c) in text.char_indices() {
        if skipped >= columns {
            return &text[i..];
        }
        skipped += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    ""
}

/// The rows shown of the rows loaded (`120 of 120+`), and whether privacy mode is on.
fn count(model: &Model, view: &PaneData<'_>, theme: &Theme) -> String {
    let screen = model.top();
    let count = match view {
        PaneData::Ready(table, info) if !matches!(screen.kind, ScreenKind::Raw { .. }) => {
            let more = if info.more { "+" } else { "" };
            format!(
                "{} of {}{more}",
                screen.visible_len(table.len()),
                table.len()
            )
        }
        _ => String::new(),
    };
    match (model.privacy, count.is_empty()) {
        (false, _) => count,
        (true, true) => "private".to_string(),
        (true, false) => format!("private{}{count}", theme.dot()),
    }
}

/// The prompt being typed, if one is open: its label, its input and its keys' mode.
fn open_prompt(model: &Model) -> Option<(&'static str, &tui_input::Input, Mode)> {
    if let Some(line) = &model.command {
        return Some((":", &line.input, Mode::Command));
    }
    if let Some(input) = &model.search {
        return Some(("search customers by name: ", input, Mode::Prompt));
    }
    let filter = model.top().filter.as_ref().filter(|f| f.editing)?;
    Some(("/", &filter.input, Mode::Filter))
}

/// Draws the bar; returns where the text cursor goes while a prompt is open.
pub fn draw(buf: &mut Buffer, area: Rect, model: &Model, theme: &Theme) -> Option<Position> {
    let screen = model.top();
    let view = screen.view(&model.cache);
    let count = count(model, &view, theme);
    let count_w = width(&count) as u16;
    let mut room = usize::from(area.width.saturating_sub(count_w + 3));
    let x = area.x + 1;
    let mut cursor = None;
    let open = open_prompt(model);
    let message = open.is_none().then(|| message(model, &view, theme));
    // The account takes what the message leaves: a problem keeps three fifths of the bar,
    // hints and progress give way down to two.
    let (left_need, share) = match &message {
        None => (room, room / 2),
        Some((text, Tone::Bad | Tone::Warn)) => (width(text), room * 3 / 5),
        Some((text, _)) => (width(text), room * 2 / 5),
    };
    let budget = room.saturating_sub(left_need.min(share) + 2);
    if let Some((alert, who)) = account_label(model, theme).and_then(|l| fit(&l, budget, theme)) {
        let label_w = alert.as_ref().map_or(0, |a| width(a))
            + usize::from(alert.is_some() && who.is_some())
            + who.as_ref().map_or(0, |w| width(w));
        let end = match count.is_empty() {
            true => area.x + area.width - 1,
            false => area.x + area.width - count_w - 3,
        };
        let mut at = end.saturating_sub(label_w as u16);
        if let Some(alert) = &alert {
            (at, _) = buf.set_stringn(at, area.y, alert, label_w, theme.tone(Tone::Warn));
            at += u16::from(who.is_some());
        }
        if let Some(who) = &who {
            buf.set_stringn(at, area.y, who, label_w, theme.dim());
        }
        room = room.saturating_sub(label_w + 2);
    }
    // A message about the prompt (a search too long) stands where its hint would.
    let said = model
        .flash
        .as_ref()
        .map(|f| format!("{}{}", theme.dot(), sanitize(&f.text)));
    if let Some((label, input, mode)) = open {
        let hint = said.unwrap_or_else(|| prompt_hints(mode, theme));
        let prompt = Prompt {
            label,
            input,
            hint: &hint,
        };
        cursor = Some(prompt.draw(buf, Rect::new(x, area.y, room as u16, 1), theme));
    } else if let Some((text, tone)) = message {
        buf.set_stringn(x, area.y, theme.fit(&text, room), room, theme.tone(tone));
    }
    if !count.is_empty() {
        put_right(buf, area, &count, count_w, theme.dim());
    }
    cursor
}

/// The account's alert and the longest form of who is signed in that fit in `budget`
/// columns; the user cut short, or the alert alone, when nothing fits whole.
fn fit(
    label: &AccountLabel,
    budget: usize,
    theme: &Theme,
) -> Option<(Option<String>, Option<String>)> {
    let alert_w = label.alert.as_ref().map_or(0, |a| width(a) + 1);
    if let Some(form) = label.forms.iter().find(|f| alert_w + width(f) <= budget) {
        return Some((label.alert.clone(), Some(form.clone())));
    }
    if let Some(user) = label.forms.last()
        && budget >= alert_w + 8
    {
        let cut = theme.fit(user, budget - alert_w).into_owned();
        return Some((label.alert.clone(), Some(cut)));
    }
    let alert = label.alert.clone().filter(|a| width(a) <= budget)?;
    Some((Some(alert), None))
}

fn message(model: &Model, view: &PaneData<'_>, theme: &Theme) -> (String, Tone) {
    if let Some(flash) = &model.flash {
        return (sanitize(&flash.text).into_owned(), flash.tone);
    }
    if let Some(line) = super::signin::pending_line(model, theme) {
        return line;
    }
    if let Some(query) = &model.export {
        let loaded = match model.cache.status(query) {
            crate::app::cache::LoadStatus::Ready { len, .. } => len,
            _ => 0,
        };
        let ellipsis = if theme.ascii { "..." } else { "…" };
        let noun = model.top().kind.noun();
        let dot = theme.dot();
        return (
            format!(
                "{} exporting: loading all {noun}, {loaded} so far{ellipsis}{dot}Esc cancels",
                theme.spinner(model.spinner)
            ),
            Tone::Normal,
        );
    }
    let spinner = theme.spinner(model.spinner);
    match view {
        PaneData::Failed(error) => {
            if let Some(text) = super::signin::status_line(model, error, theme) {
                return (with_correlation(text, error, theme), Tone::Bad);
            }
            let text = format!("{}{}r retries", short(error), theme.dot());
            return (with_correlation(text, error, theme), Tone::Bad);
        }
        PaneData::Ready(_, info) => {
            if let Some((error, kind)) = info.problem {
                let what = match kind {
                    Pending::NextPage => "loading more failed",
                    Pending::Refresh => "refresh failed (showing the rows from before)",
                };
                let text = match super::signin::status_line(model, error, theme) {
                    Some(text) => format!("{what}: {text}"),
                    None => format!("{what}: {}{}r retries", short(error), theme.dot()),
                };
                return (with_correlation(text, error, theme), Tone::Bad);
            }
            if let Some(retry) = info.retry {
                let waiting = Waiting {
                    retry: Some(retry),
                    since: None,
                    deadline: model.settings.deadline,
                };
                return loading_line("more", &waiting, model.now, spinner, theme);
            }
            if info.pending.is_some() {
                let ellipsis = if theme.ascii { "..." } else { "…" };
                return (format!("{spinner} loading{ellipsis}"), Tone::Normal);
            }
        }
        PaneData::Loading(_) | PaneData::NotLoaded | PaneData::Unavailable(_) => {}
    }
    if let Some(scan) = &model.scan {
        return (crate::app::partner::scan_line(scan), Tone::Normal);
    }
    if model.snapshot_hint {
        return (crate::app::partner::NO_SNAPSHOT_HINT.into(), Tone::Dim);
    }
    if model.busy() && !matches!(view, PaneData::Loading(_)) {
        let ellipsis = if theme.ascii { "..." } else { "…" };
        return (format!("{spinner} loading{ellipsis}"), Tone::Dim);
    }
    (hints(model, theme), Tone::Dim)
}

fn hints(model: &Model, theme: &Theme) -> String {
    if model.log.is_some() {
        let items: Vec<String> = [Action::Open, Action::Copy, Action::Back]
            .iter()
            .filter_map(|&a| keymap::hint(Mode::Log, a, theme.ascii))
            .collect();
        return items.join(theme.dot());
    }
    let kind = &model.top().kind;
    let actions: &[Action] = match kind {
        ScreenKind::Customers { .. } => &[
            Action::Open,
            Action::Filter,
            Action::Search,
            Action::Skus,
            Action::Help,
            Action::Quit,
        ],
        ScreenKind::Users { .. } => &[
            Action::Open,
            Action::Back,
            Action::NextTab,
            Action::Filter,
            Action::Help,
        ],
        ScreenKind::Skus { .. } | ScreenKind::Licenses { .. } => &[
            Action::Open,
            Action::Back,
            Action::Raw,
            Action::Filter,
            Action::Help,
        ],
        ScreenKind::Subscriptions { .. } => &[
            Action::Open,
            Action::Back,
            Action::NextTab,
            Action::Filter,
            Action::Help,
        ],
        ScreenKind::Plans { .. } => &[
            Action::Back,
            Action::Raw,
            Action::Copy,
            Action::Export,
            Action::Help,
        ],
        ScreenKind::Raw { .. } => &[Action::Down, Action::Back, Action::Copy, Action::Help],
        ScreenKind::Report { .. } => &[
            Action::Open,
            Action::Back,
            Action::Filter,
            Action::Sort,
            Action::Export,
            Action::Command,
        ],
    };
    let items: Vec<String> = actions
        .iter()
        .filter_map(|&action| match action {
            // What Enter opens depends on where the cursor is.
            Action::Open => kind.child_noun().map(|noun| format!("Enter {noun}")),
            Action::Down => {
                let last = |a| keymap::key_names(Mode::List, a, theme.ascii).pop();
                Some(format!(
                    "{} {} scroll",
                    last(Action::Down)?,
                    last(Action::Up)?
                ))
            }
            action => keymap::hint(Mode::List, action, theme.ascii),
        })
        .collect();
    items.join(theme.dot())
}

/// "· Enter keeps, Esc clears": what ends a prompt, from its key table.
fn prompt_hints(mode: Mode, theme: &Theme) -> String {
    let hint = |action| keymap::hint(mode, action, theme.ascii);
    let items: Vec<String> = [Action::Submit, Action::Cancel, Action::Complete]
        .into_iter()
        .filter_map(hint)
        .collect();
    format!("{}{}", theme.dot(), items.join(", "))
}
