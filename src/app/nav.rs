//! Moving around: the cursor and scroll offset of a list, opening the selected item, going
//! back, tabs of a customer, the customer search, and keeping the selection by id when rows
//! change. Loads are requested through `loading`; nothing here performs I/O.

use super::cache::Table;
use super::keymap::Action;
use super::loading;
use super::model::{Crumb, Model, Query, Screen, ScreenKind};
use super::rows::Tone;
use super::update::{Fx, flash};
use std::time::Instant;

/// Rows a list shows at the model's terminal size.
pub fn page_rows(model: &Model) -> usize {
    crate::ui::layout::list_height(model.size).max(1)
}

/// Moves the top screen's cursor (or scrolls the raw JSON).
pub fn move_cursor(model: &mut Model, action: Action) {
    let rows = page_rows(model);
    let Model { screens, cache, .. } = model;
    let Some(screen) = screens.last_mut() else {
        return;
    };
    if let ScreenKind::Raw { lines, .. } = &screen.kind {
        let height = crate::ui::layout::raw_height(model.size).max(1);
        let max = lines.len().saturating_sub(height);
        let before = screen.offset;
        screen.offset = step(screen.offset, action, max, height);
        model.dirty |= before != screen.offset;
        return;
    }
    let view = screen.view(cache);
    let Some(table) = view.table() else {
        return;
    };
    let len = screen.visible_len(table.len());
    if len == 0 {
        return;
    }
    let before = screen.selected;
    screen.selected = step(screen.selected.min(len - 1), action, len - 1, rows);
    if let Some(row) = screen.selected_row(table.len()) {
        screen.selected_id = table.id(row).map(Into::into);
    }
    fix_offset(screen, rows, len);
    model.dirty |= before != screen.selected;
}

fn step(current: usize, action: Action, last: usize, page: usize) -> usize {
    let half = (page / 2).max(1);
    match action {
        Action::Up => current.saturating_sub(1),
        Action::Down => current.saturating_add(1).min(last),
        Action::PageUp => current.saturating_sub(page),
        Action::PageDown => current.saturating_add(page).min(last),
        Action::HalfPageUp => current.saturating_sub(half),
        Action::HalfPageDown => current.saturating_add(half).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => current,
    }
}

/// After the cursor moved: schedule the debounced users load, fetch more rows near the end.
pub fn after_move(model: &mut Model, now: Instant, fx: &mut Fx) {
    loading::schedule_preview(model, now);
    loading::maybe_next_page(model, fx);
}

/// Keeps the selected row inside the visible window, and the window inside the rows.
pub fn fix_offset(screen: &mut Screen, rows: usize, len: usize) {
    if len == 0 {
        screen.selected = 0;
        screen.offset = 0;
        return;
    }
    screen.selected = screen.selected.min(len - 1);
    if screen.selected < screen.offset {
        screen.offset = screen.selected;
    } else if screen.selected >= screen.offset + rows {
        screen.offset = screen.selected + 1 - rows;
    }
    screen.offset = screen.offset.min(len.saturating_sub(rows));
}

/// Finds the remembered row again after the rows or the filter changed.
pub fn reselect(screen: &mut Screen, table: &dyn Table, rows: usize) {
    let len = screen.visible_len(table.len());
    if let Some(id) = screen.selected_id.clone() {
        let here = screen
            .selected_row(table.len())
            .and_then(|r| table.id(r))
            .is_some_and(|current| *current == *id);
        if !here {
            let found = (0..table.len())
                .find(|&i| table.id(i) == Some(&id))
                .and_then(|i| match &screen.filter {
                    Some(f) => f.position_of(i),
                    None => Some(i),
                });
            if let Some(pos) = found {
                screen.selected = pos;
            }
        }
    } else if let Some(row) = screen.selected_row(table.len()) {
        screen.selected_id = table.id(row).map(Into::into);
    }
    fix_offset(screen, rows, len);
}

/// Re-applies the top screen's filter (typed text changed, or cleared) and keeps the selection.
pub fn refilter(model: &mut Model) {
    let rows = page_rows(model);
    let Model { screens, cache, .. } = model;
    let Some(screen) = screens.last_mut() else {
        return;
    };
    let view = screen.view(cache);
    let Some(table) = view.table() else {
        return;
    };
    let generation = match &view {
        super::cache::View::Ready(_, info) => info.generation,
        _ => 0,
    };
    if let Some(filter) = &mut screen.filter {
        filter.sync(table, generation);
    }
    reselect(screen, table, rows);
    model.dirty = true;
}

/// Re-fits every screen after a resize.
pub fn clamp_all(model: &mut Model) {
    // A taller terminal shows more of the help: an offset past the end would make `k` seem dead.
    model.help_offset = model
        .help_offset
        .min(crate::ui::help::max_offset(model.size));
    let rows = page_rows(model);
    let raw_rows = crate::ui::layout::raw_height(model.size).max(1);
    let Model { screens, cache, .. } = model;
    for screen in screens.iter_mut() {
        if let ScreenKind::Raw { lines, .. } = &screen.kind {
            screen.offset = screen.offset.min(lines.len().saturating_sub(raw_rows));
            continue;
        }
        let view = screen.view(cache);
        if let Some(table) = view.table() {
            let len = screen.visible_len(table.len());
            fix_offset(screen, rows, len);
        }
    }
}

/// Pushes a screen and loads what it shows.
pub fn push(model: &mut Model, kind: ScreenKind, fx: &mut Fx) {
    let query = kind.query();
    model.screens.push(Screen::new(kind));
    // A pending debounced load belongs to the customers list the operator just left.
    model.preview = None;
    if let Some(query) = query {
        loading::load(model, &query, fx);
    }
    refilter(model);
    model.dirty = true;
}

/// Pops the top screen (never the first), cancelling what only it was waiting for.
fn pop(model: &mut Model, fx: &mut Fx) -> Option<Screen> {
    if model.screens.len() <= 1 {
        return None;
    }
    let screen = model.screens.pop()?;
    if let Some(query) = screen.kind.query() {
        loading::release(model, &query, fx);
    }
    model.dirty = true;
    Some(screen)
}

/// Enter: the selected customer's users, a user's licences, a SKU's service plans.
pub fn open(model: &mut Model, fx: &mut Fx) {
    let screen = model.top();
    let view = screen.view(&model.cache);
    let Some(table) = view.table() else {
        return;
    };
    let Some(row) = screen.selected_row(table.len()) else {
        return;
    };
    let item = Crumb {
        id: table.id(row).unwrap_or("").into(),
        name: table.label(row).into(),
    };
    let next = match &screen.kind {
        ScreenKind::Customers { .. } => ScreenKind::Users {
            customer: item,
            deleted: false,
        },
        ScreenKind::Users { customer, .. } => ScreenKind::Licences {
            customer: customer.clone(),
            user: item,
        },
        ScreenKind::Licences { .. } | ScreenKind::Skus { .. } => {
            let Some(source) = screen.kind.query() else {
                return;
            };
            let key = match table.id(row) {
                Some(id) if !id.is_empty() => id.to_string(),
                _ => format!("#{row}"),
            };
            ScreenKind::Plans {
                source,
                sku: Crumb {
                    id: key.into(),
                    name: item.name,
                },
            }
        }
        ScreenKind::Subscriptions { .. } => {
            // A subscription has nothing below it: Enter shows it whole, as `y` does.
            drop(view);
            super::actions::raw(model);
            return;
        }
        ScreenKind::Plans { .. } | ScreenKind::Raw { .. } => {
            drop(view);
            flash(
                model,
                "nothing below this level: y shows the raw JSON",
                Tone::Dim,
            );
            return;
        }
    };
    drop(view);
    push(model, next, fx);
}

/// Back: clears a kept filter first, else returns to the previous screen.
pub fn back(model: &mut Model, fx: &mut Fx) {
    if model.top().filter.is_some() {
        model.top_mut().filter = None;
        refilter(model);
        return;
    }
    pop(model, fx);
}

/// The tabs of a customer, in Tab order.
const TAB_COUNT: usize = 4;

/// Tab / Shift-Tab among a customer's users, deleted users, subscribed SKUs and subscriptions.
pub fn tab(model: &mut Model, forward: bool, fx: &mut Fx) {
    let (customer, index) = match &model.top().kind {
        ScreenKind::Users {
            customer,
            deleted: false,
        } => (customer.clone(), 0),
        ScreenKind::Users {
            customer,
            deleted: true,
        } => (customer.clone(), 1),
        ScreenKind::Skus { customer } => (customer.clone(), 2),
        ScreenKind::Subscriptions { customer } => (customer.clone(), 3),
        _ => {
            flash(
                model,
                "Tab switches between a customer's users, deleted users, subscribed SKUs and subscriptions",
                Tone::Dim,
            );
            return;
        }
    };
    let next = if forward {
        (index + 1) % TAB_COUNT
    } else {
        (index + TAB_COUNT - 1) % TAB_COUNT
    };
    let kind = match next {
        0 => ScreenKind::Users {
            customer,
            deleted: false,
        },
        1 => ScreenKind::Users {
            customer,
            deleted: true,
        },
        2 => ScreenKind::Skus { customer },
        _ => ScreenKind::Subscriptions { customer },
    };
    pop(model, fx);
    push(model, kind, fx);
}

/// `s`: the subscribed SKUs of the selected (or current) customer.
pub fn skus(model: &mut Model, fx: &mut Fx) {
    let customer = match &model.top().kind {
        ScreenKind::Customers { .. } => {
            let screen = model.top();
            let view = screen.view(&model.cache);
            view.table().and_then(|table| {
                let row = screen.selected_row(table.len())?;
                Some(Crumb {
                    id: table.id(row).unwrap_or("").into(),
                    name: table.label(row).into(),
                })
            })
        }
        ScreenKind::Skus { .. } => return,
        _ => model.current_customer().cloned(),
    };
    match customer {
        Some(customer) => push(model, ScreenKind::Skus { customer }, fx),
        None => flash(model, "select a customer first", Tone::Dim),
    }
}

/// `S` then Enter: customers whose company name starts with `prefix` (server-side); an empty
/// prefix returns to the full list.
pub fn search_customers(model: &mut Model, prefix: String, _now: Instant, fx: &mut Fx) {
    while model.screens.len() > 1
        && matches!(model.top().kind, ScreenKind::Customers { search: Some(_) })
    {
        pop(model, fx);
    }
    if prefix.is_empty() {
        return;
    }
    push(
        model,
        ScreenKind::Customers {
            search: Some(prefix),
        },
        fx,
    );
}

/// Whether any screen still shows `query`.
pub fn shown(model: &Model, query: &Query) -> bool {
    model
        .screens
        .iter()
        .any(|s| s.kind.query().as_ref() == Some(query))
}
