//! The partner-wide side of the update: loading report panes from the store (request ids, as
//! for fetches), their sort keys, Enter on a report row (a live drill to the customer, user,
//! licence and plan it names), the snapshot figures for the lists, and the background scan's
//! messages. Effects only; the store and the scan run at the edge.

use super::cache::ReportLoad;
use super::model::{Crumb, Model, ScanState, ScreenKind};
use super::msg::{Effect, Fx};
use super::nav;
use super::partner_view::SnapshotSummary;
use super::report_pane::{ReportKind, ReportTable};
use super::rows::Tone;
use crate::fetch::{Query, RequestId};
use crate::scan::ProgressView;

/// Asks the store for a report unless it is loaded or loading.
pub(crate) fn load_report(model: &mut Model, kind: &ReportKind, fx: &mut Fx) {
    if model
        .cache
        .reports
        .get(kind)
        .is_some_and(|r| r.table().is_some() || r.waiting().is_some())
    {
        return;
    }
    issue(model, kind, fx);
}

fn issue(model: &mut Model, kind: &ReportKind, fx: &mut Fx) {
    let id = model.new_request_id();
    let load = match model.cache.reports.remove(kind) {
        Some(ReportLoad::Ready(table) | ReportLoad::Refreshing(_, table)) => {
            ReportLoad::Refreshing(id, table)
        }
        _ => ReportLoad::Loading(id),
    };
    model.cache.reports.insert(kind.clone(), load);
    fx.effects.push(Effect::LoadReport {
        id,
        kind: kind.clone(),
    });
    model.dirty = true;
}

/// `r` on a report pane: read it again (the rows stay until the answer).
pub(crate) fn refresh_report(model: &mut Model, kind: &ReportKind, fx: &mut Fx) {
    if model
        .cache
        .reports
        .get(kind)
        .and_then(ReportLoad::waiting)
        .is_none()
    {
        issue(model, kind, fx);
    }
}

/// A report arrived: kept if it is the one awaited; the sort survives a refresh.
pub fn on_report(
    model: &mut Model,
    id: RequestId,
    kind: ReportKind,
    result: Result<ReportTable, String>,
) {
    let Some(entry) = model.cache.reports.get(&kind) else {
        return;
    };
    if entry.waiting() != Some(id) {
        return;
    }
    // A refresh keeps the operator's sort.
    let sort = entry.table().and_then(|t| t.sort);
    let load = match result {
        Ok(mut table) => {
            table.sort_by(sort);
            ReportLoad::Ready(table)
        }
        Err(why) => ReportLoad::Failed(why),
    };
    model.cache.reports.insert(kind.clone(), load);
    refilter_reports(model, &kind);
}

/// Re-applies filters and selections of the screens showing `kind`.
fn refilter_reports(model: &mut Model, kind: &ReportKind) {
    let rows = model.page_rows();
    let Model { screens, cache, .. } = model;
    for screen in screens
        .iter_mut()
        .filter(|s| matches!(&s.kind, ScreenKind::Report { kind: k } if k == kind))
    {
        let view = screen.view(cache);
        let super::cache::PaneData::Ready(table, info) = &view else {
            continue;
        };
        if let Some(filter) = &mut screen.filter {
            filter.sync(table.as_ref(), info.generation);
        }
        screen.reselect(table.as_ref(), rows);
    }
    model.dirty = true;
}

/// `o` / `O` on a report pane.
pub fn sort(model: &mut Model, reverse: bool) {
    let ScreenKind::Report { kind } = &model.top().kind else {
        model.flash(
            "o and O sort report panes (:problems, :seats, ...)",
            Tone::Dim,
        );
        return;
    };
    let kind = kind.clone();
    let Some(table) = model
        .cache
        .reports
        .get_mut(&kind)
        .and_then(ReportLoad::table_mut)
    else {
        return;
    };
    match reverse {
        true => table.reverse(),
        false => table.next_sort(),
    }
    let screen = model.top_mut();
    // The selected row stays selected (by id) when it still exists.
    screen.selected = 0;
    refilter_reports(model, &kind);
}

/// Enter on a report row: the live place it names, drilled like the operator would, so the
/// breadcrumb and `h` work as after a normal drill.
pub(crate) fn jump(model: &mut Model, fx: &mut Fx) {
    let place = {
        let screen = model.top();
        let ScreenKind::Report { kind } = &screen.kind else {
            return;
        };
        let Some(table) = model.cache.reports.get(kind).and_then(ReportLoad::table) else {
            return;
        };
        let len = super::cache::Table::len(table);
        screen.selected_row(len).and_then(|row| table.place(row))
    };
    let Some(place) = place else {
        model.flash("this row names no customer to open", Tone::Dim);
        return;
    };
    let customer = Crumb {
        id: place.customer_id.clone(),
        name: place.customer_name.clone(),
    };
    let source = match &place.user {
        Some((user_id, upn)) => {
            let users = ScreenKind::Users {
                customer: customer.clone(),
                deleted: false,
            };
            model.seeking = Some((users_query(&customer.id), user_id.clone()));
            push_selected(model, users, Some(user_id.clone()), fx);
            seek_user(model, &users_query(&customer.id), fx);
            let licenses = ScreenKind::Licenses {
                customer: customer.clone(),
                user: Crumb {
                    id: user_id.clone(),
                    name: upn.clone(),
                },
            };
            let sku = place.sku.as_ref().map(|(id, _)| id.clone());
            push_selected(model, licenses, sku, fx);
            Query::Licenses {
                customer_id: customer.id.clone(),
                user_id: user_id.clone(),
            }
        }
        None => {
            let sku = place.sku.as_ref().map(|(id, _)| id.clone());
            push_selected(
                model,
                ScreenKind::Skus {
                    customer: customer.clone(),
                },
                sku,
                fx,
            );
            Query::Skus {
                customer_id: customer.id.clone(),
            }
        }
    };
    if let (Some((sku_id, sku_name)), Some(plan)) = (&place.sku, &place.plan_id) {
        let plans = ScreenKind::Plans {
            source,
            sku: Crumb {
                id: sku_id.clone(),
                name: sku_name.clone(),
            },
        };
        push_selected(model, plans, Some(plan.clone()), fx);
    }
}

fn users_query(customer_id: &str) -> Query {
    Query::Users {
        customer_id: customer_id.into(),
        deleted: false,
    }
}

/// A jump's user is not among the users loaded so far: load the next page, until it is found
/// or the list ends (then the selection stays where it is).
pub(crate) fn seek_user(model: &mut Model, query: &Query, fx: &mut Fx) {
    let Some((wanted, user_id)) = model.seeking.clone() else {
        return;
    };
    if wanted != *query {
        return;
    }
    if !model.shows(query) {
        model.seeking = None;
        return;
    }
    let found = match model.cache.users.get(query).map(|e| &e.load) {
        Some(super::cache::Loadable::Ready(list)) => list
            .rows
            .iter()
            .any(|r| r.res.data.id.as_deref() == Some(&*user_id)),
        _ => return,
    };
    let status = model.cache.status(query);
    match (found, status) {
        (
            false,
            super::cache::LoadStatus::Ready {
                more: true,
                pending: None,
                ..
            },
        ) => super::loading::next_page(model, query, fx),
        (
            false,
            super::cache::LoadStatus::Ready {
                pending: Some(_), ..
            },
        ) => {}
        _ => model.seeking = None,
    }
}

/// Pushes a screen whose selection should land on `id` once its rows arrive.
fn push_selected(model: &mut Model, kind: ScreenKind, id: Option<Box<str>>, fx: &mut Fx) {
    nav::push(model, kind, fx);
    if let Some(id) = id {
        model.top_mut().selected_id = Some(id);
        nav::refilter(model);
    }
}

/// The snapshot figures arrived (or there is no snapshot: said once, with how to get one).
pub fn on_snapshot(model: &mut Model, result: Result<Option<SnapshotSummary>, String>) {
    match result {
        Ok(Some(summary)) => model.cache.snapshot = Some(summary),
        Ok(None) => {
            model.cache.snapshot = None;
            // Said in place of the key hints, so it never hides a message of the operator's.
            if !model.told_no_snapshot {
                model.told_no_snapshot = true;
                model.snapshot_hint = true;
            }
        }
        Err(why) => model.flash(format!("cannot read the store: {why}"), Tone::Bad),
    }
    model.dirty = true;
}

pub fn on_scan_progress(model: &mut Model, view: ProgressView) {
    if let Some(scan) = model.scan.as_mut() {
        scan.progress = Some(view);
        model.dirty = true;
    }
}

/// The scan ended: say how, then read the snapshot figures and every open report again.
pub(crate) fn on_scan_ended(model: &mut Model, text: String, complete: bool, fx: &mut Fx) {
    model.scan = None;
    model.flash(text, if complete { Tone::Ok } else { Tone::Warn });
    fx.effects.push(Effect::LoadSnapshot);
    let kinds: Vec<ReportKind> = model.cache.reports.keys().cloned().collect();
    for kind in kinds {
        let shown = model
            .screens
            .iter()
            .any(|s| matches!(&s.kind, ScreenKind::Report { kind: k } if *k == kind));
        match shown {
            true => refresh_report(model, &kind, fx),
            false => {
                model.cache.reports.remove(&kind);
            }
        }
    }
}

/// What the status bar says once when there is no snapshot.
pub const NO_SNAPSHOT_HINT: &str =
    "no scan of this partner yet: :scan adds users, seats and problems columns";

/// The scan status for the status bar: "scan: 3/14 customers, 120 users, 250 requests".
pub fn scan_line(scan: &ScanState) -> String {
    let what = if scan.with_users {
        "scan with users"
    } else {
        "scan"
    };
    let stop = if scan.stopping { " (stopping)" } else { "" };
    match &scan.progress {
        None => format!("{what}: starting{stop}"),
        Some(p) => {
            let mut text = format!(
                "{what}: {}/{} customers",
                p.customers_done, p.customers_total
            );
            if scan.with_users {
                text.push_str(&format!(", {} users", p.users_done));
            }
            text.push_str(&format!(", {} requests", p.requests));
            if p.throttled > 0 {
                text.push_str(&format!(", {} throttled", p.throttled));
            }
            text.push_str(stop);
            text.push_str(" · :scan stop");
            text
        }
    }
}
