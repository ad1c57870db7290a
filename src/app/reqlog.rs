//! The request log screen's state and keys: the entries (newest first) as the event loop read
//! them from the client, the selected one, and the one opened whole with its scroll. Copying
//! asks the edge for an OSC 52 copy of the entry's `curl` command. No I/O, no clock.

use super::keymap::Action;
use super::model::Model;
use super::msg::{Effect, Fx};
use super::nav::step;
use super::rows::Tone;
use crate::api::LogEntry;
use std::sync::Arc;

/// The log as shown: a list, and optionally one entry opened whole.
#[derive(Clone, Debug, Default)]
pub struct LogView {
    pub entries: Vec<Arc<LogEntry>>,
    pub selected: usize,
    pub offset: usize,
    /// The selected entry opened whole.
    pub detail: Option<Detail>,
}

/// One entry opened whole: its lines (built once, when it opens) and the first one visible.
#[derive(Clone, Debug)]
pub struct Detail {
    pub lines: Vec<String>,
    pub top: usize,
}

impl LogView {
    pub fn selected_entry(&self) -> Option<&LogEntry> {
        self.entries.get(self.selected).map(Arc::as_ref)
    }
}

/// The whole of one entry as lines (the detail view; sanitised at recording).
fn detail_lines(entry: &LogEntry) -> Vec<String> {
    let mut out = vec![
        format!("{} {}", entry.method, entry.url),
        format!(
            "status {} · {} ms · {} attempt{}",
            entry.status.map_or("none".to_string(), |s| s.to_string()),
            entry.duration.as_millis(),
            entry.attempts,
            if entry.attempts == 1 { "" } else { "s" }
        ),
        format!("time {}", entry.time),
        format!("MS-CorrelationId {}", entry.correlation_id),
        format!("MS-RequestId {}", entry.request_id),
    ];
    if let Some(error) = &entry.error {
        out.push(format!("error: {error}"));
    }
    out.extend(entry.waits.iter().map(|w| format!("retry: {w}")));
    for (title, headers) in [
        ("request headers", &entry.request_headers),
        ("response headers", &entry.response_headers),
    ] {
        out.push(String::new());
        out.push(title.into());
        out.extend(headers.iter().map(|(k, v)| format!("  {k}: {v}")));
    }
    out.push(String::new());
    out.push("response body".into());
    out.extend(entry.body.lines().map(str::to_string));
    out
}

/// `:log`: asks the edge for the entries, focused on the failure the status bar names.
pub(crate) fn open(model: &mut Model, fx: &mut Fx) {
    use super::cache::PaneData;
    let focus = match model.top().view(&model.cache) {
        PaneData::Failed(e) => e.correlation_id().map(str::to_string),
        PaneData::Ready(_, info) => info
            .problem
            .and_then(|(e, _)| e.correlation_id().map(str::to_string)),
        PaneData::NotLoaded | PaneData::Loading(_) | PaneData::Unavailable(_) => None,
    };
    fx.effects.push(Effect::ReadLog { focus });
}

/// The entries arrived: show them, on the newest entry of `focus` when given.
pub fn show(model: &mut Model, entries: Vec<Arc<LogEntry>>, focus: Option<String>) {
    let selected = focus
        .and_then(|cid| entries.iter().position(|e| e.correlation_id == cid))
        .unwrap_or(0);
    model.log = Some(LogView {
        entries,
        selected,
        offset: 0,
        detail: None,
    });
    fix(model);
    model.dirty = true;
}

/// Rows of the list (or lines of the detail) that fit on screen: the body's box without a
/// header row, the shape of the raw JSON pane.
fn rows(model: &Model) -> usize {
    super::layout::raw_height(model.size).max(1)
}

fn fix(model: &mut Model) {
    let rows = rows(model);
    let Some(view) = model.log.as_mut() else {
        return;
    };
    let len = view.entries.len();
    view.selected = view.selected.min(len.saturating_sub(1));
    if view.selected < view.offset {
        view.offset = view.selected;
    } else if view.selected >= view.offset + rows {
        view.offset = view.selected + 1 - rows;
    }
}

/// One key in the log.
pub(crate) fn action(model: &mut Model, action: Action, fx: &mut Fx) {
    let rows = rows(model);
    let Some(view) = model.log.as_mut() else {
        return;
    };
    let last = view.entries.len().saturating_sub(1);
    match (view.detail.as_mut(), action) {
        (_, Action::Copy) => {
            match view.selected_entry() {
                Some(entry) => fx.effects.push(Effect::Copy(entry.curl())),
                None => model.flash("no request to copy", Tone::Dim),
            }
            return;
        }
        (Some(_), Action::Back | Action::Close) => view.detail = None,
        (None, Action::Back | Action::Close) => model.log = None,
        (None, Action::Open) => {
            if let Some(entry) = view.selected_entry() {
                let lines = detail_lines(entry);
                view.detail = Some(Detail { lines, top: 0 });
            }
        }
        (Some(detail), _) => {
            let max = detail.lines.len().saturating_sub(rows);
            detail.top = step(detail.top, action, max, rows).min(max);
        }
        (None, _) => view.selected = step(view.selected, action, last, rows),
    }
    fix(model);
    model.dirty = true;
}
