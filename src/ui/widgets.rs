//! The virtualised table: lays out columns from precomputed widths and draws only the rows
//! in view, straight into the buffer (a list of 100,000 rows costs what 50 rows cost). Reads
//! the model; never changes it.

use super::theme::Theme;
use crate::app::cache::Table;
use crate::app::model::Screen;
use crate::app::rows::{Column, Mark, Tone};
use crate::text::{width, wrap};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Where one column goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub column: usize,
    pub x: u16,
    pub width: u16,
}

/// The mark glyph and a space before the first column.
pub const MARK_WIDTH: u16 = 2;

/// Fits columns into `avail` cells: by priority while their minimum fits, then widened
/// towards their content, shown in their own order with one space between. Room left over
/// goes to columns whose content is wider than their usual maximum, so nothing is cut while
/// the pane has room.
pub fn layout(columns: &[Column], widths: &[u16], avail: u16) -> Vec<Span> {
    let full: Vec<u16> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let glyph = if c.glyph { 2 } else { 0 };
            let content = widths.get(i).copied().unwrap_or(0).saturating_add(glyph);
            content.max(width(c.header) as u16)
        })
        .collect();
    let want: Vec<u16> = columns
        .iter()
        .zip(&full)
        .map(|(c, w)| (*w).min(c.max))
        .collect();
    let least: Vec<u16> = columns
        .iter()
        .zip(&want)
        .map(|(c, w)| (*w).min(c.min))
        .collect();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| (columns[i].priority, i));
    let mut alloc = vec![0u16; columns.len()];
    let mut chosen: Vec<usize> = Vec::new();
    let mut used: u16 = 0;
    let mut rest = order.iter().copied();
    // Whole columns by priority while they fit at the width their content wants ...
    for i in rest.by_ref() {
        let gap = u16::from(!chosen.is_empty());
        if used + gap + want[i] <= avail {
            chosen.push(i);
            alloc[i] = want[i];
            used += gap + want[i];
            continue;
        }
        // ... then the next one in what is left, if its minimum fits.
        let left = avail.saturating_sub(used + gap);
        if chosen.is_empty() {
            chosen.push(i);
            alloc[i] = avail;
        } else if left >= least[i] {
            chosen.push(i);
            alloc[i] = left.min(want[i]);
        }
        break;
    }
    let gaps = chosen.len().saturating_sub(1) as u16;
    let mut slack = avail.saturating_sub(alloc.iter().sum::<u16>() + gaps);
    for &i in &chosen {
        let extra = full[i].saturating_sub(alloc[i]).min(slack);
        alloc[i] += extra;
        slack -= extra;
    }
    chosen.sort_unstable();
    let mut x = 0u16;
    let mut spans = Vec::with_capacity(chosen.len());
    for i in chosen {
        let w = alloc[i].min(avail.saturating_sub(x));
        spans.push(Span {
            column: i,
            x,
            width: w,
        });
        x = x.saturating_add(w + 1);
    }
    spans
}

/// Whether a list pane is the focused one or context on the left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Focused,
    Parent,
}

/// Draws the header and the rows in view of `table` as `screen` scrolls and filters it.
/// `mark_of` adds marks learnt elsewhere (a customer whose users' licences need attention).
pub fn draw_table(
    buf: &mut Buffer,
    area: Rect,
    table: &dyn Table,
    screen: &Screen,
    theme: &Theme,
    role: Role,
    mark_of: &dyn Fn(&dyn Table, usize) -> Mark,
) {
    if area.width <= MARK_WIDTH || area.height == 0 {
        return;
    }
    let avail = area.width - MARK_WIDTH;
    let spans = match role {
        Role::Focused => layout(table.columns(), table.widths(), avail),
        Role::Parent => Vec::new(),
    };
    let header_y = area.y;
    let left = area.x + MARK_WIDTH;
    match role {
        Role::Focused => {
            for span in &spans {
                let col = &table.columns()[span.column];
                let text = theme.fit(col.header, usize::from(span.width));
                let x = aligned(left + span.x, span.width, &text, col.right);
                buf.set_stringn(x, header_y, text, usize::from(span.width), theme.header());
            }
        }
        Role::Parent => {
            let header = table
                .columns()
                .iter()
                .min_by_key(|c| c.priority)
                .map_or("", |c| c.header);
            buf.set_stringn(
                left,
                header_y,
                theme.fit(header, usize::from(avail)),
                usize::from(avail),
                theme.header(),
            );
        }
    }
    let rows = usize::from(area.height.saturating_sub(1));
    let len = screen.visible_len(table.len());
    for (line, pos) in (screen.offset..len).take(rows).enumerate() {
        let Some(i) = screen.row_at(pos, table.len()) else {
            continue;
        };
        let y = area.y + 1 + line as u16;
        let selected = pos == screen.selected;
        let base = match (selected, role) {
            (true, Role::Focused) => theme.selected(),
            (true, Role::Parent) => theme.parent_selected(),
            (false, _) => Style::new(),
        };
        if selected {
            buf.set_style(Rect::new(area.x, y, area.width, 1), base);
        }
        let (glyph, tone) = theme.mark(mark_of(table, i));
        buf.set_stringn(area.x, y, glyph, 1, base.patch(theme.tone(tone)));
        match role {
            Role::Focused => draw_cells(buf, left, y, table, i, &spans, theme, base),
            Role::Parent => {
                let text = theme.fit(table.label(i), usize::from(avail));
                buf.set_stringn(left, y, text, usize::from(avail), base);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_cells(
    buf: &mut Buffer,
    left: u16,
    y: u16,
    table: &dyn Table,
    i: usize,
    spans: &[Span],
    theme: &Theme,
    base: Style,
) {
    for span in spans {
        let col = &table.columns()[span.column];
        let cell = table.cell(i, span.column);
        if cell.text.is_empty() {
            continue;
        }
        let style = base.patch(theme.tone(cell.tone));
        let max = usize::from(span.width);
        let glyph = if col.glyph {
            theme.status_glyph(cell.tone)
        } else {
            ""
        };
        let text = if glyph.is_empty() && col.middle {
            theme.fit_middle(&cell.text, max)
        } else if glyph.is_empty() {
            theme.fit(&cell.text, max)
        } else {
            std::borrow::Cow::Owned(
                theme
                    .fit(&format!("{glyph} {}", cell.text), max)
                    .into_owned(),
            )
        };
        let x = aligned(left + span.x, span.width, &text, col.right);
        buf.set_stringn(x, y, text, max, style);
    }
}

fn aligned(x: u16, span: u16, text: &str, right: bool) -> u16 {
    if right {
        x + span.saturating_sub(width(text) as u16)
    } else {
        x
    }
}

/// Writes `text` (`text_w` columns wide) against the right edge of a one-line area, one column
/// in; nothing when the area is too narrow for it.
pub fn put_right(buf: &mut Buffer, area: Rect, text: &str, text_w: u16, style: Style) {
    if area.width > text_w + 1 {
        buf.set_stringn(
            area.x + area.width - text_w - 1,
            area.y,
            text,
            usize::from(text_w),
            style,
        );
    }
}

/// Writes lines of (text, tone) from the top of `area`, wrapping long ones at spaces.
pub fn draw_message(buf: &mut Buffer, area: Rect, lines: &[(String, Tone)], theme: &Theme) {
    let mut y = area.y;
    let max = usize::from(area.width.saturating_sub(1));
    for (text, tone) in lines {
        for piece in wrap(text, max) {
            if y >= area.y + area.height {
                return;
            }
            buf.set_stringn(area.x + 1, y, &piece, max, theme.tone(*tone));
            y += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::rows::{CustomerRow, Row, UserRow};

    #[test]
    fn columns_drop_by_priority_and_keep_their_order() {
        let widths = [20, 30, 7, 8, 36];
        let wide = layout(UserRow::COLUMNS, &widths, 120);
        assert_eq!(
            wide.iter().map(|s| s.column).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        let narrow = layout(UserRow::COLUMNS, &widths, 40);
        let cols: Vec<usize> = narrow.iter().map(|s| s.column).collect();
        assert!(cols.contains(&1), "the UPN stays: {cols:?}");
        assert!(!cols.contains(&4));
        assert!(narrow.iter().all(|s| s.x + s.width <= 40));
        let tiny = layout(CustomerRow::COLUMNS, &[50, 50, 10, 36], 8);
        assert_eq!(
            tiny,
            [Span {
                column: 0,
                x: 0,
                width: 8
            }]
        );
    }

    #[test]
    fn a_long_value_takes_the_room_other_columns_leave() {
        use crate::app::rows::PLAN_COLUMNS;
        // Status "PendingProvisioning" (19 cells and its glyph), short plan and service names.
        let widths = [19, 20, 12, 4, 36];
        let spans = layout(PLAN_COLUMNS, &widths, 138);
        let status = spans.iter().find(|s| s.column == 0).map(|s| s.width);
        assert_eq!(status, Some(21), "not cut while there is room: {spans:?}");
        assert!(spans.iter().all(|s| s.x + s.width <= 138));
        // Without room to spare, the usual maximum holds and nothing overflows.
        let narrow = layout(PLAN_COLUMNS, &widths, 40);
        assert!(narrow.iter().all(|s| s.x + s.width <= 40));
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(
            wrap("no access: the partner", 12),
            ["no access:", "the partner"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("日本語テキスト", 4), ["日本", "語テ", "キス", "ト"]);
    }
}
