//! Where things go on screen, shared by the view and by `update` (which needs the list and help
//! heights to page and scroll): breadcrumb on top, status bar at the bottom, panes between. It
//! lives below the view so that `update` never asks the view anything.

use super::keymap;
use crate::text::{width, wrap};
use ratatui::layout::Rect;

/// Below this the explorer shows only a "terminal too small" message.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// From this width on, parent lists stand beside the focused one (Miller columns).
pub const WIDE: u16 = 120;
/// At most this many parent columns.
pub const MAX_PARENTS: usize = 2;
/// Below this width the subscribed SKUs keep one parent column: their five seat counts, status
/// and name need the room more than a second list of context does.
pub const SEATS_WIDE: u16 = 160;

/// Rows of list items in a pane: the height less breadcrumb, status bar, borders and header.
pub fn list_height((_, height): (u16, u16)) -> usize {
    usize::from(height.saturating_sub(5))
}

/// Columns of text in the raw JSON pane (full width: borders and a margin off).
pub fn raw_width((width, _): (u16, u16)) -> usize {
    usize::from(width.saturating_sub(3))
}

/// Lines of text in the raw JSON pane (no header row).
pub fn raw_height((_, height): (u16, u16)) -> usize {
    usize::from(height.saturating_sub(4))
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The three bands of the screen: breadcrumb, body, status bar.
pub fn bands(area: Rect) -> (Rect, Rect, Rect) {
    let crumb = Rect::new(area.x, area.y, area.width, 1);
    let body = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(2),
    );
    let status = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(1),
        area.width,
        1,
    );
    (crumb, body, status)
}

/// Splits the body into `parents` narrow columns on the left and the focused pane.
pub fn columns(body: Rect, parents: usize) -> (Vec<Rect>, Rect) {
    if parents == 0 {
        return (Vec::new(), body);
    }
    let each = (body.width * 22 / 100).clamp(20, 34);
    let mut x = body.x;
    let mut out = Vec::with_capacity(parents);
    for _ in 0..parents {
        out.push(Rect::new(x, body.y, each, body.height));
        x += each;
    }
    let focused = Rect::new(
        x,
        body.y,
        body.width.saturating_sub(x - body.x),
        body.height,
    );
    (out, focused)
}

/// The raw JSON's lines wrapped at `max` columns: long values continue on the next row
/// instead of being cut (the view is for reading what the API sent, all of it).
pub fn raw_rows(lines: &[Box<str>], max: usize) -> impl Iterator<Item = &str> {
    lines.iter().flat_map(move |line| Pieces {
        rest: line,
        max: max.max(1),
        first: true,
    })
}

/// How many rows the raw JSON takes at `max` columns.
pub fn raw_row_count(lines: &[Box<str>], max: usize) -> usize {
    raw_rows(lines, max).count()
}

/// A line cut into pieces of at most `max` columns (an empty line is one empty piece).
struct Pieces<'a> {
    rest: &'a str,
    max: usize,
    first: bool,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return std::mem::take(&mut self.first).then_some("");
        }
        self.first = false;
        let mut used = 0;
        let mut end = self.rest.len();
        for (i, c) in self.rest.char_indices() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > self.max && i > 0 {
                end = i;
                break;
            }
            used += w;
        }
        let (piece, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(piece)
    }
}

/// The help's box in the body area, and its rows with each text wrapped to what is left
/// beside the keys (a help cut off at 40-60 columns would hide what the keys do).
pub fn help_layout(
    area: Rect,
    lines: Vec<(String, String)>,
) -> (Rect, usize, Vec<(String, String)>) {
    let key_w = lines.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let text_w = lines.iter().map(|(_, t)| width(t)).max().unwrap_or(0);
    let want_w = (key_w + text_w + 6) as u16;
    let w = want_w.min(area.width.saturating_sub(2)).max(10);
    // Inside the borders: a margin, the keys, two spaces, the text.
    let room = usize::from(w).saturating_sub(5 + key_w).max(8);
    let mut rows = Vec::new();
    for (keys, text) in lines {
        let mut pieces = wrap(&text, room).into_iter();
        rows.push((keys, pieces.next().unwrap_or_default()));
        rows.extend(pieces.map(|piece| (String::new(), piece)));
    }
    let h = (rows.len() as u16 + 2).min(area.height.saturating_sub(1));
    let x = area.x + (area.width.saturating_sub(w)) / 2;
    let y = area.y + (area.height.saturating_sub(h)) / 2;
    (Rect::new(x, y, w, h), key_w, rows)
}

/// How far the help can scroll at this terminal size (its legend glyphs are one cell each,
/// in any theme).
pub fn help_max_offset(size: (u16, u16)) -> usize {
    let (_, body, _) = bands(Rect::new(0, 0, size.0, size.1));
    let legend = ["! x", "! x", "+ ! x o"].map(String::from);
    let (rect, _, rows) = help_layout(body, keymap::help_rows(true, legend));
    let shown = usize::from(rect.height.saturating_sub(2));
    rows.len().saturating_sub(shown)
}
