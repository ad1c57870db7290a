//! Where things go on screen, shared by the view and by `update` (which needs the list height
//! to page and scroll): breadcrumb on top, status bar at the bottom, panes between.

use crate::app::model::ScreenKind;
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

/// How many parent columns stand beside a focused screen of this kind at this width.
pub fn max_parents(kind: &ScreenKind, width: u16) -> usize {
    match kind {
        ScreenKind::Raw { .. } => 0,
        _ if width < WIDE => 0,
        ScreenKind::Skus { .. } if width < SEATS_WIDE => 1,
        _ => MAX_PARENTS,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::model::Crumb;

    #[test]
    fn subscribed_skus_keep_room_for_their_seat_counts() {
        let customer = Crumb {
            id: "c".into(),
            name: "Contoso".into(),
        };
        let skus = ScreenKind::Skus { customer };
        let customers = ScreenKind::Customers { search: None };
        assert_eq!(max_parents(&customers, 119), 0);
        assert_eq!(max_parents(&customers, 120), MAX_PARENTS);
        assert_eq!(max_parents(&skus, 120), 1);
        assert_eq!(max_parents(&skus, SEATS_WIDE), MAX_PARENTS);
    }
}
