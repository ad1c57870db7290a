//! The view: draws the model into a frame (breadcrumb, parent columns on wide terminals, the
//! focused pane, the status bar, the help overlay, the sign-in modal). It only reads the model.

pub mod breadcrumb;
pub mod help;
pub mod pane;
pub mod privacy;
pub mod reqlog;
pub mod signin;
pub mod state;
pub mod statusbar;
pub mod theme;
pub mod widgets;

use crate::app::layout;
use crate::app::model::{Model, ScreenKind};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
pub use theme::Theme;
use widgets::Role;

/// Draws one frame.
pub fn render(model: &Model, theme: &Theme, title: &str, frame: &mut Frame<'_>) {
    let area = frame.area();
    let cursor = draw(model, theme, title, area, frame.buffer_mut());
    if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
}

/// Draws into a buffer (the benchmark and tests call this directly); returns where the text
/// cursor belongs while a prompt is open.
pub fn draw(
    model: &Model,
    theme: &Theme,
    title: &str,
    area: Rect,
    buf: &mut Buffer,
) -> Option<ratatui::layout::Position> {
    if layout::too_small(area) {
        let text = format!(
            "terminal too small: need {}x{}, have {}x{} (q quits)",
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT,
            area.width,
            area.height
        );
        for (i, line) in crate::text::wrap(&text, usize::from(area.width))
            .iter()
            .enumerate()
        {
            if i as u16 >= area.height {
                break;
            }
            buf.set_stringn(
                area.x,
                area.y + i as u16,
                line,
                usize::from(area.width),
                theme.tone(crate::app::rows::Tone::Warn),
            );
        }
        return None;
    }
    let names = model.private_names();
    let private_theme = theme.with_names(names.cloned());
    let theme = &private_theme;
    let (crumb, body, status) = layout::bands(area);
    breadcrumb::draw(buf, crumb, model, theme, title);
    // The request log covers the whole body: the panes under it would never show.
    match &model.log {
        Some(log) => reqlog::draw(buf, body, log, theme),
        None => panes(buf, body, model, theme, area.width),
    }
    let cursor = statusbar::draw(buf, status, model, theme);
    if let Some(offset) = model.help {
        help::draw(buf, body, theme, offset);
    }
    if model.signin.visible {
        signin::draw_modal(buf, body, model, theme);
    }
    if let Some(names) = names {
        privacy::scrub(buf, area, names);
    }
    if model.help.is_some() || model.signin.visible {
        return None;
    }
    cursor
}

/// The focused pane and as many parent panes to its left as the width allows.
fn panes(buf: &mut Buffer, body: Rect, model: &Model, theme: &Theme, width: u16) {
    let top = model.top();
    let parents: Vec<&crate::app::model::Screen> = {
        let below = &model.screens[..model.screens.len() - 1];
        let list: Vec<_> = below
            .iter()
            .filter(|s| !matches!(s.kind, ScreenKind::Raw { .. }))
            .collect();
        let skip = list.len().saturating_sub(max_parents(&top.kind, width));
        list[skip..].to_vec()
    };
    let (parent_areas, focused) = layout::columns(body, parents.len());
    for (screen, rect) in parents.iter().zip(parent_areas) {
        pane::draw(buf, rect, model, screen, theme, Role::Parent);
    }
    pane::draw(buf, focused, model, top, theme, Role::Focused);
}

/// How many parent columns stand beside a focused screen of this kind at this width.
pub fn max_parents(kind: &ScreenKind, width: u16) -> usize {
    match kind {
        // A raw view and a report (wide rows across customers) take the whole width.
        ScreenKind::Raw { .. } | ScreenKind::Report { .. } => 0,
        _ if width < layout::WIDE => 0,
        ScreenKind::Skus { .. } if width < layout::SEATS_WIDE => 1,
        _ => layout::MAX_PARENTS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::layout::{MAX_PARENTS, SEATS_WIDE};
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
