//! Where things go on screen, shared by the view and by `update` (which needs the list and help
//! heights to page and scroll): breadcrumb on top, status bar at the bottom, panes between. It
//! lives below the view so that `update` never asks the view anything.

use super::keymap;
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

/// The help overlay's box in the body area, for `lines` lines at most `want_w` wide.
pub fn help_frame(area: Rect, lines: usize, want_w: u16) -> Rect {
    let w = want_w.min(area.width.saturating_sub(2)).max(10);
    let h = (lines as u16 + 2).min(area.height.saturating_sub(1));
    let x = area.x + (area.width.saturating_sub(w)) / 2;
    let y = area.y + (area.height.saturating_sub(h)) / 2;
    Rect::new(x, y, w, h)
}

/// How far the help can scroll at this terminal size.
pub fn help_max_offset(size: (u16, u16)) -> usize {
    let (_, body, _) = bands(Rect::new(0, 0, size.0, size.1));
    let count = keymap::help_line_count();
    let shown = usize::from(help_frame(body, count, u16::MAX).height.saturating_sub(2));
    count.saturating_sub(shown)
}
