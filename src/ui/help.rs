//! The help overlay, generated from the keymap table, with a legend of the row marks and
//! status glyphs. Closed by ?, Esc, q or h (handled in update).

use super::theme::Theme;
use crate::app::keymap::help_rows;
use crate::app::layout::help_layout;
use crate::app::rows::{Mark, Tone};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear, Widget};

/// The overlay's lines: (keys, what they do), the legend with this theme's glyphs.
pub fn lines(theme: &Theme) -> Vec<(String, String)> {
    let (attention, _) = theme.mark(Mark::Attention);
    let (deleted, _) = theme.mark(Mark::Deleted);
    let (renewal, _) = theme.mark(Mark::Renewal);
    let (stopped, _) = theme.mark(Mark::Stopped);
    let glyphs = [Tone::Ok, Tone::Warn, Tone::Bad, Tone::Dim].map(|t| theme.status_glyph(t));
    let legend = [
        format!("{attention} {deleted}"),
        format!("{renewal} {stopped}"),
        glyphs.join(" "),
    ];
    help_rows(theme.ascii, legend)
}

pub fn draw(buf: &mut Buffer, area: Rect, theme: &Theme, offset: usize) {
    let (rect, key_w, lines) = help_layout(area, lines(theme));
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
