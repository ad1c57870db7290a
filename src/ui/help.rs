//! The help overlay, generated from the keymap table, with a legend of the row marks and
//! status glyphs. Closed by ?, Esc, q or h (handled in update).

use super::theme::Theme;
use crate::app::keymap::{LEGEND, help_lines};
use crate::app::layout::help_frame;
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
    out.push((format!("{attention} {deleted}"), LEGEND[0].into()));
    out.push((
        format!(
            "{} {} {} {}",
            theme.status_glyph(Tone::Ok),
            theme.status_glyph(Tone::Warn),
            theme.status_glyph(Tone::Bad),
            theme.status_glyph(Tone::Dim)
        ),
        LEGEND[1].into(),
    ));
    out.push((String::new(), String::new()));
    for (name, args, what) in crate::app::command::COMMANDS {
        let keys = match args.is_empty() {
            true => format!(":{name}"),
            false => format!(":{name} {args}"),
        };
        out.push((keys, what.to_string()));
    }
    out
}

pub fn draw(buf: &mut Buffer, area: Rect, theme: &Theme, offset: usize) {
    let lines = lines(theme);
    let key_w = lines.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let text_w = lines.iter().map(|(_, t)| width(t)).max().unwrap_or(0);
    let want_w = (key_w + text_w + 6) as u16;
    let rect = help_frame(area, lines.len(), want_w);
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
