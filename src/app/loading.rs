//! When to fetch and what to do with answers: first loads (cached by query, never twice at
//! once), refresh and retry, the next page near the end of a list, the debounced users load
//! of the customer under the cursor, cancelling on back, and applying FetchDone to the cache
//! (stale ids dropped) and to the screens that show it. Emits effects; performs no I/O.

use super::cache::{Applied, Pending, Retry, Status, View, apply};
use super::model::{Model, Preview, Query, RequestId, ScreenKind};
use super::msg::Effect;
use super::nav::{self, page_rows};
use super::rows::{Row, Tone};
use super::update::{Fx, flash};
use crate::api::{Cursor, RetryNotice};
use crate::fetch::{FetchCmd, FetchDone, Payload};
use std::time::Instant;

fn issue(model: &mut Model, query: &Query, page: Option<Cursor>, fx: &mut Fx) -> RequestId {
    let id = model.new_request_id();
    model.in_flight.insert(id, query.clone());
    let correlation_id = fx.correlation();
    fx.effects.push(Effect::Fetch(FetchCmd {
        id,
        query: query.clone(),
        page,
        correlation_id,
    }));
    model.dirty = true;
    id
}

/// Loads a query unless it is loaded or loading (the cache); a failed one is tried again.
pub fn load(model: &mut Model, query: &Query, fx: &mut Fx) {
    match model.cache.status(query) {
        Status::NotLoaded | Status::Failed => {
            let id = issue(model, query, None, fx);
            model.cache.begin_load(query, id);
        }
        Status::Loading(_) | Status::Ready { .. } => {}
    }
}

/// `r`: reloads a list (its rows stay until the answer), or retries what failed.
pub fn refresh(model: &mut Model, query: &Query, fx: &mut Fx) {
    match model.cache.status(query) {
        Status::NotLoaded | Status::Failed => load(model, query, fx),
        Status::Loading(_) => {}
        Status::Ready {
            problem: Some(Pending::NextPage),
            pending: None,
            ..
        } => next_page(model, query, fx),
        Status::Ready { pending, .. } => {
            if let Some((id, kind)) = pending {
                if kind == Pending::Refresh {
                    return;
                }
                cancel(model, query, id, fx);
            }
            let id = issue(model, query, None, fx);
            model.cache.begin_pending(query, id, Pending::Refresh);
        }
    }
}

/// `r` on the top screen.
pub fn refresh_top(model: &mut Model, fx: &mut Fx) {
    match model.top().kind.query() {
        Some(query) => refresh(model, &query, fx),
        None => flash(model, "nothing to refresh in the raw JSON view", Tone::Dim),
    }
}

fn next_page(model: &mut Model, query: &Query, fx: &mut Fx) {
    if let Some(cursor) = model.cache.next_cursor(query) {
        let id = issue(model, query, Some(cursor), fx);
        model.cache.begin_pending(query, id, Pending::NextPage);
    }
}

fn cancel(model: &mut Model, query: &Query, id: RequestId, fx: &mut Fx) {
    model.cache.abandon(query, id);
    model.in_flight.remove(&id);
    fx.effects.push(Effect::Cancel(id));
}

/// After a screen was left: cancels what no remaining screen waits for.
pub fn release(model: &mut Model, query: &Query, fx: &mut Fx) {
    if nav::shown(model, query) {
        return;
    }
    if let Some(id) = model.cache.waiting_for(query) {
        cancel(model, query, id, fx);
    }
}

/// Fetches the next page when the top screen's cursor nears the end of what is loaded.
pub fn maybe_next_page(model: &mut Model, fx: &mut Fx) {
    let screen = model.top();
    let Some(query) = screen.kind.query().filter(Query::is_paged) else {
        return;
    };
    if !matches!(
        screen.kind,
        ScreenKind::Customers { .. } | ScreenKind::Users { .. }
    ) {
        return;
    }
    let Status::Ready {
        len,
        more: true,
        pending: None,
        problem: None,
    } = model.cache.status(&query)
    else {
        return;
    };
    let visible = screen.visible_len(len);
    let ahead = model.settings.lookahead.max(page_rows(model));
    if screen.selected + ahead >= visible {
        next_page(model, &query, fx);
    }
}

/// The cursor moved on the customers list: load that customer's users once it rests there.
pub fn schedule_preview(model: &mut Model, now: Instant) {
    model.preview = None;
    let screen = model.top();
    if !matches!(screen.kind, ScreenKind::Customers { .. }) {
        return;
    }
    let view = screen.view(&model.cache);
    let Some(table) = view.table() else {
        return;
    };
    let Some(id) = screen
        .selected_row(table.len())
        .and_then(|r| table.id(r))
        .filter(|id| !id.is_empty())
    else {
        return;
    };
    let query = Query::Users {
        customer_id: id.into(),
        deleted: false,
    };
    drop(view);
    if model.cache.status(&query) == Status::NotLoaded {
        model.preview = Some(Preview {
            query,
            due: now + model.settings.debounce,
        });
    }
}

/// Starts the debounced load once it is due.
pub fn fire_preview(model: &mut Model, now: Instant, fx: &mut Fx) {
    if model.preview.as_ref().is_some_and(|p| p.due <= now)
        && let Some(preview) = model.preview.take()
        && model.cache.status(&preview.query) == Status::NotLoaded
    {
        // A load the operator did not ask for gets its own correlation id.
        let mut own = Fx::new();
        load(model, &preview.query, &mut own);
        fx.effects.append(&mut own.effects);
    }
}

pub fn on_retrying(
    model: &mut Model,
    id: RequestId,
    query: &Query,
    notice: RetryNotice,
    now: Instant,
) {
    if model.cache.waiting_for(query) == Some(id) {
        model.cache.set_retry(
            query,
            Retry {
                id,
                notice,
                since: now,
            },
        );
        model.dirty = true;
    }
}

/// Applies an answer: stale ones are dropped; fresh ones update marks, filters, selections.
pub fn on_fetched(model: &mut Model, done: FetchDone, now: Instant, fx: &mut Fx) {
    let was_in_flight = model.in_flight.remove(&done.id).is_some();
    let query = done.query.clone();
    let applied = apply_done(model, done);
    if applied == Applied::Stale {
        // Nothing visible changed, except that the spinner may have to stop.
        model.dirty |= was_in_flight;
        return;
    }
    model.dirty = true;
    if matches!(applied, Applied::Loaded | Applied::Replaced) {
        update_marks(model, &query);
    }
    let rows = page_rows(model);
    let Model { screens, cache, .. } = model;
    for screen in screens
        .iter_mut()
        .filter(|s| s.kind.query().as_ref() == Some(&query))
    {
        let view = screen.view(cache);
        let View::Ready(table, info) = &view else {
            continue;
        };
        if let Some(filter) = &mut screen.filter {
            filter.sync(table.as_ref(), info.generation);
        }
        nav::reselect(screen, table.as_ref(), rows);
    }
    let top_shows = model.top().kind.query().as_ref() == Some(&query);
    if top_shows && applied == Applied::Loaded {
        schedule_preview(model, now);
    }
    if top_shows
        && matches!(applied, Applied::Loaded | Applied::Appended(_))
        && !model.top().filter_active()
    {
        maybe_next_page(model, fx);
    }
}

fn apply_done(model: &mut Model, done: FetchDone) -> Applied {
    let cache = &mut model.cache;
    let id = done.id;
    macro_rules! route {
        ($map:ident, $ok:pat => $rows:expr) => {
            match cache.$map.get_mut(&done.query) {
                None => Applied::Stale,
                Some(entry) => match done.result {
                    Ok($ok) => apply(entry, id, Ok($rows)),
                    Err(e) => apply(entry, id, Err(e)),
                    #[allow(unreachable_patterns)]
                    Ok(_) => Applied::Stale,
                },
            }
        };
    }
    match &done.query {
        Query::Customers { .. } => {
            route!(customers, Payload::Customers(rows, next) => (rows, next))
        }
        Query::Users { .. } => route!(users, Payload::Users(rows, next) => (rows, next)),
        Query::Licences { .. } => route!(licences, Payload::Licences(rows) => (rows, None)),
        Query::Skus { .. } => route!(skus, Payload::Skus(rows) => (rows, None)),
        Query::Subscriptions { .. } => {
            route!(subscriptions, Payload::Subscriptions(rows) => (rows, None))
        }
    }
}

/// Marks a user (and its customer) whose licences, or a customer whose SKUs, need attention.
fn update_marks(model: &mut Model, query: &Query) {
    match query {
        Query::Licences {
            customer_id,
            user_id,
        } => {
            let marked = matches!(
                model.cache.licences.get(query).map(|e| &e.load),
                Some(super::model::Loadable::Ready(list)) if list.rows.iter().any(|r| r.attention > 0)
            );
            model.marks.set_user(customer_id, user_id, marked);
        }
        Query::Skus { customer_id } => {
            let marked = matches!(
                model.cache.skus.get(query).map(|e| &e.load),
                Some(super::model::Loadable::Ready(list))
                    if list.rows.iter().any(|r| r.mark() != super::rows::Mark::None)
            );
            model.marks.set_customer_skus(customer_id, marked);
        }
        _ => {}
    }
}
