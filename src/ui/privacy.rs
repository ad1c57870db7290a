//! Privacy mode's last pass over a drawn frame: any learnt real value still on a line (text
//! drawn without `Theme::fit`) is overwritten in place by its pseudonym, fitted to the same
//! columns so the layout does not move. Only reads the model's pseudonyms.

use crate::privacy::Pseudonyms;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Replaces learnt values in every row of `area`.
pub fn scrub(buf: &mut Buffer, area: Rect, names: &Pseudonyms) {
    for y in area.top()..area.bottom() {
        // The row's text (a wide character once, not followed by its filler cell), and for
        // each byte of it the column it was drawn in.
        let mut text = String::new();
        let mut column_of = Vec::new();
        let mut x = area.left();
        while x < area.right() {
            let symbol = buf[(x, y)].symbol();
            text.push_str(symbol);
            column_of.extend(std::iter::repeat_n(x, symbol.len()));
            x += width(symbol);
        }
        for (start, end, pseudonym) in names.find(&text) {
            let (Some(&first), Some(&last)) = (column_of.get(start), column_of.get(end - 1)) else {
                continue;
            };
            // The last character may be wide: its filler cells are overwritten too.
            let end_x = (last + width(buf[(last, y)].symbol()) - 1).min(area.right() - 1);
            let mut chars = pseudonym.chars();
            for x in first..=end_x {
                buf[(x, y)].set_char(chars.next().unwrap_or(' '));
            }
        }
    }
}

/// The columns a drawn symbol takes (at least one, so a row is always walked to its end).
fn width(symbol: &str) -> u16 {
    unicode_width::UnicodeWidthStr::width(symbol).clamp(1, 2) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::Kind;

    fn row_text(buf: &Buffer) -> String {
        (0..buf.area.width).map(|x| buf[(x, 0)].symbol()).collect()
    }

    #[test]
    fn a_name_in_wide_characters_is_replaced_with_its_filler_cells() {
        let names = Pseudonyms::new();
        names.learn(Kind::Company, "株式会社あさひ物流");
        let area = Rect::new(0, 0, 30, 1);
        let mut buf = Buffer::empty(area);
        buf.set_string(
            0,
            0,
            "> 株式会社あさひ物流 <",
            ratatui::style::Style::default(),
        );
        scrub(&mut buf, area, &names);
        let text = row_text(&buf);
        assert!(!text.contains('株') && !text.contains('流'), "{text}");
        let shown = names.apply("株式会社あさひ物流").into_owned();
        assert!(text.starts_with(&format!("> {shown}")), "{text}");
        // The text after the name keeps its column (the name took 18 cells).
        assert_eq!(buf[(21, 0)].symbol(), "<", "{text}");
    }
}
