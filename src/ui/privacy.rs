//! Privacy mode's last pass over a drawn frame: any learnt real value still on a line (text
//! drawn without `Theme::fit`) is overwritten in place by its pseudonym, fitted to the same
//! columns so the layout does not move. Only reads the model's pseudonyms.

use crate::privacy::Pseudonyms;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Replaces learnt values in every row of `area`.
pub fn scrub(buf: &mut Buffer, area: Rect, names: &Pseudonyms) {
    for y in area.top()..area.bottom() {
        // The row's text, and for each byte of it the column it was drawn in.
        let mut text = String::new();
        let mut column_of = Vec::new();
        for x in area.left()..area.right() {
            let symbol = buf[(x, y)].symbol();
            text.push_str(symbol);
            column_of.extend(std::iter::repeat_n(x, symbol.len()));
        }
        for (start, end, pseudonym) in names.find(&text) {
            let (Some(&first), Some(&last)) = (column_of.get(start), column_of.get(end - 1)) else {
                continue;
            };
            let mut chars = pseudonym.chars();
            for x in first..=last {
                let c = chars.next().unwrap_or(' ');
                buf[(x, y)].set_char(c);
            }
        }
    }
}
