//! One pane: a bordered block titled for its screen (tabs on a customer's users / deleted
//! users / SKUs), holding the list, or its loading / empty / error state, or the raw JSON.
//! Reads the model only.

use super::state::{BACK_HINT, Waiting, empty_line, failure_lines, loading_line};
use super::theme::Theme;
use super::widgets::{Role, draw_message, draw_table};
use crate::app::cache::{PaneData, Table};
use crate::app::model::{Model, Screen, ScreenKind};
use crate::app::rows::{Mark, Tone};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

const TABS: [&str; 4] = ["Users", "Deleted users", "Subscribed SKUs", "Subscriptions"];

/// The block title of a screen.
fn title<'a>(screen: &Screen, theme: &Theme, role: Role) -> Line<'a> {
    let tab = match &screen.kind {
        ScreenKind::Users { deleted: false, .. } => Some(0),
        ScreenKind::Users { deleted: true, .. } => Some(1),
        ScreenKind::Skus { .. } => Some(2),
        ScreenKind::Subscriptions { .. } => Some(3),
        _ => None,
    };
    if role == Role::Parent {
        let text = match &screen.kind {
            ScreenKind::Customers { .. } => "Customers",
            ScreenKind::Users { .. } => "Users",
            ScreenKind::Skus { .. } => "SKUs",
            ScreenKind::Subscriptions { .. } => "Subscriptions",
            ScreenKind::Licenses { .. } => "Licences",
            ScreenKind::Plans { .. } => "Plans",
            ScreenKind::Raw { .. } => "JSON",
        };
        return Line::from(format!(" {text} "));
    }
    let mut spans: Vec<Span<'a>> = vec![Span::raw(" ")];
    match tab {
        Some(active) => {
            for (i, name) in TABS.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(
                        if theme.ascii { " | " } else { " │ " },
                        theme.dim(),
                    ));
                }
                let style = if i == active {
                    theme.title()
                } else {
                    theme.dim()
                };
                spans.push(Span::styled(*name, style));
            }
        }
        None => {
            let text = match &screen.kind {
                ScreenKind::Customers { search: None } => "Customers".to_string(),
                ScreenKind::Customers {
                    search: Some(prefix),
                } => format!(
                    "Customers starting with \"{}\"",
                    crate::text::sanitize(prefix)
                ),
                ScreenKind::Licenses { user, .. } => format!("Licences of {}", user.name),
                ScreenKind::Plans { sku, .. } => format!("Service plans of {}", sku.name),
                ScreenKind::Raw { title, .. } => format!("Raw JSON of {title}"),
                _ => String::new(),
            };
            spans.push(Span::styled(text, theme.title()));
        }
    }
    if let Some(filter) = &screen.filter
        && !filter.query().is_empty()
    {
        spans.push(Span::styled(
            format!("  /{}", crate::text::sanitize(filter.query())),
            theme.tone(Tone::Warn),
        ));
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// Draws `screen` in `area` as the focused pane or as a parent column.
pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    model: &Model,
    screen: &Screen,
    theme: &Theme,
    role: Role,
) {
    let block = Block::bordered()
        .border_set(theme.border_set())
        .border_style(theme.border(role == Role::Focused))
        .title(title(screen, theme, role));
    let inner = block.inner(area);
    block.render(area, buf);
    if let ScreenKind::Raw { lines, .. } = &screen.kind {
        draw_raw(buf, inner, lines, screen.offset, theme);
        return;
    }
    let query = screen.kind.query();
    let noun = screen.kind.noun();
    match screen.view(&model.cache) {
        PaneData::NotLoaded => {
            let lines = [(format!("{noun} not loaded yet: r loads them"), Tone::Dim)];
            draw_message(buf, inner, &lines, theme);
        }
        PaneData::Loading(retry) => {
            let waiting = Waiting {
                retry,
                since: query.as_ref().and_then(|q| model.waiting_since(q)),
                deadline: model.settings.deadline,
            };
            let spinner = theme.spinner(model.spinner);
            let line = loading_line(noun, &waiting, model.now, spinner, theme);
            draw_message(buf, inner, &[line], theme);
        }
        PaneData::Failed(error) => {
            let mut lines = super::signin::signed_out_lines(model, error, theme)
                .unwrap_or_else(|| failure_lines(error, query.as_ref(), theme));
            if std::ptr::eq(screen, &model.screens[0]) {
                lines.retain(|(text, _)| text != BACK_HINT);
            }
            draw_message(buf, inner, &lines, theme);
        }
        PaneData::Ready(table, info) => {
            if table.is_empty() {
                draw_message(buf, inner, &[(empty_line(&screen.kind), Tone::Dim)], theme);
            } else if screen.visible_len(table.len()) == 0 {
                let query = screen.filter.as_ref().map_or("", |f| f.query());
                let mut lines = vec![(
                    format!(
                        "no match for \"{}\" among {} loaded {noun}: Esc clears the filter",
                        crate::text::sanitize(query),
                        table.len()
                    ),
                    Tone::Dim,
                )];
                if info.more {
                    let more = match screen.kind {
                        ScreenKind::Customers { .. } => format!(
                            "more {noun} are on the server: S searches them all by company name"
                        ),
                        _ => format!("more {noun} are on the server: Esc, then End loads them"),
                    };
                    lines.push((more, Tone::Dim));
                }
                draw_message(buf, inner, &lines, theme);
            } else {
                let marks = |t: &dyn Table, i: usize| mark(model, screen, t, i);
                draw_table(buf, inner, table.as_ref(), screen, theme, role, &marks);
            }
        }
    }
}

/// A row's mark: its own (deleted user, over-consumed SKU, plans needing attention) or one
/// learnt from data loaded for it (a user's licences, a customer's SKUs or users).
fn mark(model: &Model, screen: &Screen, table: &dyn Table, i: usize) -> Mark {
    let own = table.mark(i);
    if own != Mark::None {
        return own;
    }
    let Some(id) = table.id(i) else {
        return Mark::None;
    };
    let learnt = match &screen.kind {
        ScreenKind::Customers { .. } => model.marks.customer(id),
        ScreenKind::Users { .. } => model.marks.user(id),
        _ => false,
    };
    if learnt { Mark::Attention } else { Mark::None }
}

fn draw_raw(buf: &mut Buffer, area: Rect, lines: &[Box<str>], offset: usize, _theme: &Theme) {
    let max = usize::from(area.width.saturating_sub(1));
    for (row, piece) in crate::app::layout::raw_rows(lines, max)
        .skip(offset)
        .take(usize::from(area.height))
        .enumerate()
    {
        buf.set_stringn(area.x + 1, area.y + row as u16, piece, max, Style::new());
    }
}
