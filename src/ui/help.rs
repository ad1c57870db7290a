//! The help overlay, generated from the keymap table, with a legend of the row marks and
//! status glyphs. Closed by ?, Esc, q or h (handled in update).

use super::theme::Theme;
use crate::app::keymap::help_lines;
use crate::app::rows::{Mark, Tone};
use crate::text::width;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};

/// The overlay's lines: (keys, what they do).
pub fn lines(theme: &Theme) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = help_lines(theme.ascii)
        .into_iter()
        .map(|(k, h)| (k, h.to_string()))
        .collect();
    out.push((String::new(), String::new()));
    let (attention, _) = theme.mark(Mark::Attention);
    let (deleted, _) = theme.mark(Mark::Deleted);
    out.push((
        format!("{attention} {deleted}"),
        "row marks: plans need attention / over-consumed; deleted user".into(),
    ));
    let (renewal, _) = theme.mark(Mark::Renewal);
    let (stopped, _) = theme.mark(Mark::Stopped);
    out.push((
        format!("{renewal} {stopped}"),
        "subscriptions: renews within 30 days with unassigned seats; suspended or expired".into(),
    ));
    out.push((
        format!(
            "{} {} {}",
            theme.status_glyph(Tone::Ok),
            theme.status_glyph(Tone::Warn),
            theme.status_glyph(Tone::Bad)
        ),
        "Enabled/Assigned; Warning or unknown; Suspended, Disabled, LockedOut, Deleted".into(),
    ));
    out
}

/// The help's box in the body area.
fn frame(area: Rect, lines: usize, want_w: u16) -> Rect {
    let w = want_w.min(area.width.saturating_sub(2)).max(10);
    let h = (lines as u16 + 2).min(area.height.saturating_sub(1));
    let x = area.x + (area.width.saturating_sub(w)) / 2;
    let y = area.y + (area.height.saturating_sub(h)) / 2;
    Rect::new(x, y, w, h)
}

/// How far the help can scroll at this terminal size.
pub fn max_offset(size: (u16, u16)) -> usize {
    let (_, body, _) = super::layout::bands(Rect::new(0, 0, size.0, size.1));
    let count = lines(&Theme::new(false, true)).len();
    let shown = usize::from(frame(body, count, u16::MAX).height.saturating_sub(2));
    count.saturating_sub(shown)
}

pub fn draw(buf: &mut Buffer, area: Rect, theme: &Theme, offset: usize) {
    let lines = lines(theme);
    let key_w = lines.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let text_w = lines.iter().map(|(_, t)| width(t)).max().unwrap_or(0);
    let want_w = (key_w + text_w + 6) as u16;
    let rect = frame(area, lines.len(), want_w);
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_set(theme.border_set())
        .border_style(theme.border(true))
        .title(" Help: keys (? or Esc closes) ")
        .title_style(theme.title());
    let inner = block.inner(rect);
    let more = lines.len().saturating_sub(usize::from(inner.height));
    let offset = offset.min(more);
    let block = if more > 0 {
        let hint = if theme.ascii {
            " j/k scroll "
        } else {
            " j/k scroll ↕ "
        };
        block.title_bottom(hint)
    } else {
        block
    };
    block.render(rect, buf);
    let room = usize::from(inner.width.saturating_sub(1));
    for (row, (keys, text)) in lines
        .iter()
        .skip(offset)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let y = inner.y + row as u16;
        buf.set_stringn(inner.x + 1, y, theme.fit(keys, room), room, theme.header());
        let tx = inner.x + 1 + key_w as u16 + 2;
        if tx < inner.x + inner.width {
            let left = usize::from(inner.x + inner.width - tx);
            buf.set_stringn(
                tx,
                y,
                theme.fit(text, left),
                left,
                ratatui::style::Style::new(),
            );
        }
    }
}
