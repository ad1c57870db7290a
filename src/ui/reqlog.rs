//! Draws the request log over the body: a list of requests (newest first) or one request whole,
//! scrolled. It only reads the model.

use super::theme::Theme;
use crate::app::reqlog::LogView;
use crate::app::rows::Tone;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Widget};

/// One list line: time, method, status, duration, attempts, path, correlation id.
pub fn list_line(entry: &crate::api::LogEntry) -> String {
    let time = entry.time.get(11..23).unwrap_or(&entry.time);
    let status = entry.status.map_or("---".to_string(), |s| s.to_string());
    let attempts = match entry.attempts {
        0 | 1 => "  ".to_string(),
        n => format!("x{n}"),
    };
    format!(
        "{time} {} {status} {:>6} ms {attempts} {}  {}",
        entry.method,
        entry.duration.as_millis(),
        entry.path,
        entry.correlation_id
    )
}

pub fn draw(buf: &mut Buffer, area: Rect, view: &LogView, theme: &Theme) {
    let title = match view.detail {
        Some(_) => " request ".to_string(),
        None => format!(
            " request log · {} requests, newest first ",
            view.entries.len()
        ),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border(true))
        .title(title)
        .title_style(theme.title());
    let inner = block.inner(area);
    ratatui::widgets::Clear.render(area, buf);
    block.render(area, buf);
    let room = usize::from(inner.width);
    match &view.detail {
        Some(detail) => {
            let shown = detail.lines.iter().skip(detail.top);
            for (i, line) in shown.take(usize::from(inner.height)).enumerate() {
                buf.set_stringn(
                    inner.x,
                    inner.y + i as u16,
                    theme.fit(line, room),
                    room,
                    ratatui::style::Style::new(),
                );
            }
        }
        _ if view.entries.is_empty() => {
            buf.set_stringn(inner.x, inner.y, "no requests yet", room, theme.dim());
        }
        _ => {
            let rows = usize::from(inner.height);
            for (i, entry) in view.entries.iter().enumerate().skip(view.offset).take(rows) {
                let text = list_line(entry);
                let tone = if entry.failed() {
                    Tone::Bad
                } else {
                    Tone::Normal
                };
                let style = match i == view.selected {
                    true => theme.selected(),
                    false => theme.tone(tone),
                };
                let y = inner.y + (i - view.offset) as u16;
                buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
                buf.set_stringn(inner.x, y, theme.fit(&text, room), room, style);
            }
        }
    }
}
