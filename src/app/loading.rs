//! When to fetch and what to do with answers: first loads (cached by query, never twice at
//! once), refresh and retry, the next page near the end of a list, the debounced users load
//! of the customer under the cursor, cancelling on back, and applying FetchDone to the cache
//! (stale ids dropped) and to the screens that show it. Emits effects; performs no I/O.

use super::cache::{Applied, LoadStatus, PaneData, Pending, Retry, apply};
use super::model::{Model, Prefetch, Query, RequestId, ScreenKind};
use super::msg::{Effect, Fx};
use super::rows::{Row, Tone};
use crate::api::{Cursor, RetryNotice};
use crate::fetch::{FetchCmd, FetchDone, Payload};
use std::time::Instant;

fn issue(model: &mut Model, query: &Query, page: Option<Cursor>, fx: &mut Fx) -> RequestId {
    let id = model.new_request_id();
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
        LoadStatus::NotLoaded | LoadStatus::Failed => {
            let id = issue(model, query, None, fx);
            model.cache.begin_load(query, id, model.now);
        }
        LoadStatus::Loading(_) | LoadStatus::Ready { .. } => {}
    }
}

/// `r`: reloads a list (its rows stay until the answer), or retries what failed, or gives up
/// on a load still under way (stalled, or waiting out a retry) and asks again at once.
pub fn refresh(model: &mut Model, query: &Query, fx: &mut Fx) {
    match model.cache.status(query) {
        LoadStatus::NotLoaded | LoadStatus::Failed => load(model, query, fx),
        LoadStatus::Loading(id) => {
            cancel(model, query, id, fx);
            load(model, query, fx);
        }
        LoadStatus::Ready {
            problem: Some(Pending::NextPage),
            pending: None,
            ..
        } => next_page(model, query, fx),
        LoadStatus::Ready { pending, .. } => {
            if let Some((id, _)) = pending {
                cancel(model, query, id, fx);
            }
            let id = issue(model, query, None, fx);
            model
                .cache
                .begin_pending(query, id, Pending::Refresh, model.now);
        }
    }
}

/// `r` on the top screen.
pub fn refresh_top(model: &mut Model, fx: &mut Fx) {
    match model.top().kind.query() {
        Some(query) => refresh(model, &query, fx),
        None => model.flash("nothing to refresh in the raw JSON view", Tone::Dim),
    }
}

fn next_page(model: &mut Model, query: &Query, fx: &mut Fx) {
    if let Some(cursor) = model.cache.next_cursor(query) {
        let id = issue(model, query, Some(cursor), fx);
        model
            .cache
            .begin_pending(query, id, Pending::NextPage, model.now);
    }
}

fn cancel(model: &mut Model, query: &Query, id: RequestId, fx: &mut Fx) {
    model.cache.abandon(query, id);
    fx.effects.push(Effect::Cancel(id));
}

/// After a screen was left: cancels what no remaining screen waits for (an export of it too).
pub fn release(model: &mut Model, query: &Query, fx: &mut Fx) {
    if model.shows(query) {
        return;
    }
    if model.export.as_ref() == Some(query) {
        model.export = None;
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
    let LoadStatus::Ready {
        len,
        more: true,
        pending: None,
        problem: None,
    } = model.cache.status(&query)
    else {
        return;
    };
    let visible = screen.visible_len(len);
    if visible == 0 && screen.filter_active() {
        // Nothing matches among the loaded rows: fetching every page to look further is what
        // `S` (the server's search) is for; the pane says so.
        return;
    }
    let ahead = model.settings.lookahead.max(model.page_rows());
    if screen.selected + ahead >= visible {
        next_page(model, &query, fx);
    }
}

/// The cursor moved on the customers list: load that customer's users once it rests there.
pub fn schedule_prefetch(model: &mut Model, now: Instant) {
    model.prefetch = None;
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
    if model.cache.status(&query) == LoadStatus::NotLoaded {
        model.prefetch = Some(Prefetch {
            query,
            due: now + model.settings.debounce,
        });
    }
}

/// Starts the debounced load once it is due.
pub fn fire_prefetch(model: &mut Model, now: Instant, fx: &mut Fx) {
    if model.prefetch.as_ref().is_some_and(|p| p.due <= now)
        && let Some(prefetch) = model.prefetch.take()
        && model.cache.status(&prefetch.query) == LoadStatus::NotLoaded
    {
        // A load the operator did not ask for gets its own correlation id.
        let mut own = Fx::new();
        load(model, &prefetch.query, &mut own);
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
    let query = done.query.clone();
    let applied = apply_done(model, done);
    if applied == Applied::Stale {
        return;
    }
    model.dirty = true;
    if matches!(applied, Applied::Loaded | Applied::Replaced) {
        update_marks(model, &query);
    }
    let rows = model.page_rows();
    let Model { screens, cache, .. } = model;
    for screen in screens
        .iter_mut()
        .filter(|s| s.kind.query().as_ref() == Some(&query))
    {
        let view = screen.view(cache);
        let PaneData::Ready(table, info) = &view else {
            continue;
        };
        if let Some(filter) = &mut screen.filter {
            filter.sync(table.as_ref(), info.generation);
        }
        screen.reselect(table.as_ref(), rows);
    }
    let top_shows = model.top().kind.query().as_ref() == Some(&query);
    if top_shows && applied == Applied::Loaded {
        schedule_prefetch(model, now);
    }
    if top_shows
        && matches!(applied, Applied::Loaded | Applied::Appended(_))
        && !model.top().filter_active()
    {
        maybe_next_page(model, fx);
    }
    if model.export.as_ref() == Some(&query) {
        continue_export(model, &query, fx);
    }
}

/// The next step of an export waiting for a list's pages: the next page, the file once the
/// last page is in, or a stop (said in the status bar) when a page failed.
pub fn continue_export(model: &mut Model, query: &Query, fx: &mut Fx) {
    match model.cache.status(query) {
        LoadStatus::Ready {
            problem: Some(_), ..
        }
        | LoadStatus::Failed => {
            model.export = None;
            model.flash(
                "export stopped: loading the rest of the list failed; r retries, then e exports",
                Tone::Bad,
            );
        }
        LoadStatus::Ready {
            more: true,
            pending: None,
            ..
        } => next_page(model, query, fx),
        LoadStatus::Ready {
            more: false,
            pending: None,
            ..
        } => super::actions::finish_export(model, query, fx),
        _ => {}
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
        Query::Licenses { .. } => route!(licenses, Payload::Licenses(rows) => (rows, None)),
        Query::Skus { .. } => route!(skus, Payload::Skus(rows) => (rows, None)),
        Query::Subscriptions { .. } => {
            route!(subscriptions, Payload::Subscriptions(rows) => (rows, None))
        }
    }
}

/// Marks a user (and its customer) whose licences, or a customer whose SKUs, need attention.
fn update_marks(model: &mut Model, query: &Query) {
    match query {
        Query::Licenses {
            customer_id,
            user_id,
        } => {
            let marked = matches!(
                model.cache.licenses.get(query).map(|e| &e.load),
                Some(super::cache::Loadable::Ready(list)) if list.rows.iter().any(|r| r.attention > 0)
            );
            model.marks.set_user(customer_id, user_id, marked);
        }
        Query::Skus { customer_id } => {
            let marked = matches!(
                model.cache.skus.get(query).map(|e| &e.load),
                Some(super::cache::Loadable::Ready(list))
                    if list.rows.iter().any(|r| r.mark() != super::rows::Mark::None)
            );
            model.marks.set_customer_skus(customer_id, marked);
        }
        _ => {}
    }
}
