//! Moving around: the cursor and scroll offset of a list, opening the selected item, going
//! back, tabs of a customer, the customer search, and keeping the selection by id when rows
//! change. Loads are requested through `loading`; nothing here performs I/O.

use super::cache::sku_key;
use super::keymap::Action;
use super::loading;
use super::model::{Crumb, Model, Screen, ScreenKind};
use super::msg::Fx;
use super::rows::Tone;
use std::time::Instant;

/// Moves the top screen's cursor (or scrolls the raw JSON).
pub fn move_cursor(model: &mut Model, action: Action) {
    let rows = model.page_rows();
    let Model { screens, cache, .. } = model;
    let Some(screen) = screens.last_mut() else {
        return;
    };
    if let ScreenKind::Raw { lines, .. } = &screen.kind {
        let height = super::layout::raw_height(model.size).max(1);
        let rows = super::layout::raw_row_count(lines, super::layout::raw_width(model.size));
        let max = rows.saturating_sub(height);
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
    if let Some(filter) = &mut screen.filter {
        // The operator chose a row: arriving pages no longer move the selection to the best.
        filter.follow_best = false;
    }
    screen.selected = step(screen.selected.min(len - 1), action, len - 1, rows);
    if let Some(row) = screen.selected_row(table.len()) {
        screen.selected_id = table.id(row).map(Into::into);
    }
    screen.fix_offset(rows, len);
    model.dirty |= before != screen.selected;
}

/// Where a cursor at `current` goes on a moving key, in a list whose last index is `last`.
pub(super) fn step(current: usize, action: Action, last: usize, page: usize) -> usize {
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
    loading::schedule_prefetch(model, now);
    loading::maybe_next_page(model, fx);
    super::partner_view::schedule_rows(model, now, fx);
}

/// Re-applies the top screen's filter (typed text changed, or cleared) and keeps the selection.
pub fn refilter(model: &mut Model) {
    let rows = model.page_rows();
    let Model { screens, cache, .. } = model;
    let Some(screen) = screens.last_mut() else {
        return;
    };
    let view = screen.view(cache);
    let Some(table) = view.table() else {
        return;
    };
    let generation = match &view {
        super::cache::PaneData::Ready(_, info) => info.generation,
        _ => 0,
    };
    if let Some(filter) = &mut screen.filter {
        filter.sync(table, generation);
    }
    screen.reselect(table, rows);
    model.dirty = true;
}

/// Re-fits every screen after a resize.
pub fn clamp_all(model: &mut Model) {
    // A taller terminal shows more of the help: an offset past the end would make `k` seem dead.
    if let Some(offset) = &mut model.help {
        *offset = (*offset).min(super::layout::help_max_offset(model.size));
    }
    let rows = model.page_rows();
    let raw_rows = super::layout::raw_height(model.size).max(1);
    let raw_width = super::layout::raw_width(model.size);
    let Model { screens, cache, .. } = model;
    for screen in screens.iter_mut() {
        if let ScreenKind::Raw { lines, .. } = &screen.kind {
            let total = super::layout::raw_row_count(lines, raw_width);
            screen.offset = screen.offset.min(total.saturating_sub(raw_rows));
            continue;
        }
        let view = screen.view(cache);
        if let Some(table) = view.table() {
            let len = screen.visible_len(table.len());
            screen.fix_offset(rows, len);
        }
    }
}

/// Pushes a screen and loads what it shows.
pub fn push(model: &mut Model, kind: ScreenKind, fx: &mut Fx) {
    let query = kind.query();
    model.screens.push(Screen::new(kind));
    // A pending debounced load belongs to the customers list the operator just left.
    model.prefetch = None;
    if let Some(query) = query {
        loading::load(model, &query, fx);
    }
    refilter(model);
    // Users already loaded (the debounced preview) show their SKUs once the cursor rests.
    super::partner_view::schedule_rows(model, model.now, fx);
    model.dirty = true;
}

/// Goes back one screen, whatever filter it keeps.
pub fn back_one(model: &mut Model, fx: &mut Fx) {
    pop(model, fx);
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
    super::partner_view::schedule_rows(model, model.now, fx);
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
        ScreenKind::Users { customer, .. } => ScreenKind::Licenses {
            customer: customer.clone(),
            user: item,
        },
        ScreenKind::Licenses { .. } | ScreenKind::Skus { .. } => {
            let Some(source) = screen.kind.query() else {
                return;
            };
            let key = sku_key(table.id(row), row);
            ScreenKind::Plans {
                source,
                sku: Crumb {
                    id: key.into(),
                    name: item.name,
                },
            }
        }
        ScreenKind::Report { .. } => return,
        ScreenKind::Subscriptions { .. } => {
            // A subscription has nothing below it: Enter shows it whole, as `y` does.
            drop(view);
            super::actions::raw(model);
            return;
        }
        ScreenKind::Plans { .. } | ScreenKind::Raw { .. } => {
            drop(view);
            model.flash("nothing below this level: y shows the raw JSON", Tone::Dim);
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
            model.flash(
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

/// `s`: the subscribed SKUs of the customer in the stack, or of the selected customer on the
/// customers list. It switches the customer's tab (as Tab does) wherever the operator is below
/// it, so the stack never grows: one customer level, never a second one on top.
pub fn skus(model: &mut Model, fx: &mut Fx) {
    let level = model.screens.iter().position(|s| {
        matches!(
            s.kind,
            ScreenKind::Users { .. } | ScreenKind::Skus { .. } | ScreenKind::Subscriptions { .. }
        )
    });
    let (keep, customer) = match level {
        Some(index) => {
            let customer = match &model.screens[index].kind {
                ScreenKind::Users { customer, .. }
                | ScreenKind::Skus { customer }
                | ScreenKind::Subscriptions { customer } => Some(customer.clone()),
                _ => None,
            };
            let on_skus = index + 1 == model.screens.len()
                && matches!(model.screens[index].kind, ScreenKind::Skus { .. });
            if on_skus {
                return;
            }
            (index, customer)
        }
        None => {
            // The customers list, or the raw JSON of one of its rows above it.
            let base = model
                .screens
                .iter()
                .rposition(|s| !matches!(s.kind, ScreenKind::Raw { .. }))
                .unwrap_or(0);
            (base + 1, selected_customer(model, base))
        }
    };
    let Some(customer) = customer else {
        model.flash("select a customer first", Tone::Dim);
        return;
    };
    while model.screens.len() > keep.max(1) {
        if pop(model, fx).is_none() {
            break;
        }
    }
    push(model, ScreenKind::Skus { customer }, fx);
}

/// The selected row of the customers list at `index`, as a crumb.
fn selected_customer(model: &Model, index: usize) -> Option<Crumb> {
    let screen = model.screens.get(index)?;
    if !matches!(screen.kind, ScreenKind::Customers { .. }) {
        return None;
    }
    let view = screen.view(&model.cache);
    let table = view.table()?;
    let row = screen.selected_row(table.len())?;
    Some(Crumb {
        id: table.id(row).unwrap_or("").into(),
        name: table.label(row).into(),
    })
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
