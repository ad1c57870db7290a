//! The item actions: `y` raw JSON of the selected item, `c` copy its id, `e` export the view.
//! Builds screens and effects from the model; the clipboard and file writes happen in the
//! event loop (`effects`), never here.

use super::cache::{LoadStatus, Table};
use super::model::{Model, Query, Screen, ScreenKind};
use super::msg::{Effect, ExportJob, Fx};
use super::rows::Tone;
use serde_json::Value;

/// `y`: pushes the exact JSON the API sent for the selected item.
pub fn raw(model: &mut Model) {
    let screen = model.top();
    if matches!(screen.kind, ScreenKind::Raw { .. }) {
        return;
    }
    let view = screen.view(&model.cache);
    let Some(table) = view.table() else {
        drop(view);
        model.flash("nothing loaded here yet", Tone::Dim);
        return;
    };
    let Some(row) = screen.selected_row(table.len()) else {
        drop(view);
        model.flash("no row selected", Tone::Dim);
        return;
    };
    let label = table.label(row).to_string();
    let id: Option<Box<str>> = table.id(row).map(Into::into);
    let text = match &screen.kind {
        ScreenKind::Plans { source, sku } => model
            .cache
            .sku_row_raw(source, &sku.id)
            .and_then(|raw| plan_json(raw.get(), id.as_deref(), table.source_index(row))),
        _ => table.raw_text(row),
    };
    drop(view);
    let Some(text) = text else {
        model.flash("the API sent nothing for this item", Tone::Dim);
        return;
    };
    let lines = pretty_lines(&text);
    model.screens.push(Screen::new(ScreenKind::Raw {
        title: crate::text::sanitize(&label).into(),
        id,
        lines,
    }));
    model.dirty = true;
}

/// One service plan's JSON inside its licence or SKU: matched by id, else by position.
fn plan_json(parent: &str, id: Option<&str>, index: usize) -> Option<String> {
    let value: Value = serde_json::from_str(parent).ok()?;
    let plans = value.get("servicePlans")?.as_array()?;
    let by_id = id.and_then(|id| {
        plans
            .iter()
            .find(|p| p.get("id").and_then(Value::as_str) == Some(id))
    });
    let plan = by_id.or_else(|| plans.get(index))?;
    serde_json::to_string(plan).ok()
}

/// Pretty-printed JSON, one line each. JSON escapes C0 controls but not DEL, C1 or bidi
/// controls: those are shown as their `\uXXXX` escapes, so the view shows what was sent.
pub fn pretty_lines(text: &str) -> Vec<Box<str>> {
    let value = serde_json::from_str::<Value>(text).ok();
    crate::api::reqlog::pretty_json(text, value.as_ref())
        .lines()
        .map(|l| {
            let escaped = crate::text::json_escape_unsafe(l);
            crate::text::sanitize(&escaped)
                .into_owned()
                .into_boxed_str()
        })
        .collect()
}

/// The selected item's id (what `c` copies).
pub fn selected_id(model: &Model) -> Option<String> {
    let screen = model.top();
    if let ScreenKind::Raw { id, .. } = &screen.kind {
        return id.as_deref().map(str::to_string);
    }
    let view = screen.view(&model.cache);
    let table = view.table()?;
    let row = screen.selected_row(table.len())?;
    table
        .id(row)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
}

/// `c`: copies the selected id.
pub fn copy(model: &mut Model, fx: &mut Fx) {
    match selected_id(model) {
        Some(id) => fx.effects.push(Effect::Copy(id)),
        None => model.flash("nothing to copy: no id here", Tone::Dim),
    }
}

/// The name of a view in an export's file name: what its rows are called, in lower case with
/// dashes ("deleted users" → `deleted-users`), except where the noun would not say which view.
fn view_name(kind: &ScreenKind) -> String {
    match kind {
        ScreenKind::Report { kind } => kind.view_name().to_string(),
        ScreenKind::Customers { search: Some(_) } => "customers-search".to_string(),
        ScreenKind::Raw { .. } => "raw".to_string(),
        _ => kind.noun().to_lowercase().replace(' ', "-"),
    }
}

/// The current view (its visible rows, every column) as a table.
pub fn export_job(screen: &Screen, table: &dyn Table) -> ExportJob {
    let columns = table.columns();
    let header = columns.iter().map(|c| c.header.to_string()).collect();
    let len = screen.visible_len(table.len());
    let rows = (0..len)
        .filter_map(|pos| screen.row_at(pos, table.len()))
        .map(|i| {
            (0..columns.len())
                .map(|c| table.cell(i, c).text.into_owned())
                .collect()
        })
        .collect();
    ExportJob {
        view: view_name(&screen.kind),
        header,
        rows,
        noun: screen.kind.noun().to_string(),
        total: table.len(),
    }
}

/// `e`: exports the current view: the whole list, so a paged list first loads its remaining
/// pages (the status bar counts them; Esc cancels) and is written once the last one is in.
pub fn export(model: &mut Model, fx: &mut Fx) {
    let screen = model.top();
    let query = screen.kind.query();
    let unloaded = query.as_ref().is_some_and(|q| {
        q.is_paged()
            && !matches!(screen.kind, ScreenKind::Raw { .. })
            && matches!(model.cache.status(q), LoadStatus::Ready { more: true, .. })
    });
    if let Some(query) = query.filter(|_| unloaded) {
        model.export = Some(query.clone());
        model.dirty = true;
        super::loading::continue_export(model, &query, fx);
        return;
    }
    let view = screen.view(&model.cache);
    match view.table() {
        Some(table) if !matches!(screen.kind, ScreenKind::Raw { .. }) => {
            let job = export_job(screen, table);
            fx.effects.push(Effect::Export(job));
        }
        _ => {
            drop(view);
            model.flash("nothing to export here: open a loaded list", Tone::Dim);
        }
    }
}

/// Writes the export a list was loading for, from the topmost screen that shows it.
pub fn finish_export(model: &mut Model, query: &Query, fx: &mut Fx) {
    model.export = None;
    let Some(screen) = model
        .screens
        .iter()
        .rev()
        .find(|s| s.kind.query().as_ref() == Some(query))
    else {
        return;
    };
    let view = screen.view(&model.cache);
    if let Some(table) = view.table() {
        let job = export_job(screen, table);
        fx.effects.push(Effect::Export(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::model::Crumb;

    #[test]
    fn each_view_names_its_export_file() {
        let crumb = || Crumb {
            id: "id".into(),
            name: "name".into(),
        };
        let cases = [
            (ScreenKind::Customers { search: None }, "customers"),
            (
                ScreenKind::Customers {
                    search: Some("con".into()),
                },
                "customers-search",
            ),
            (
                ScreenKind::Users {
                    customer: crumb(),
                    deleted: false,
                },
                "users",
            ),
            (
                ScreenKind::Users {
                    customer: crumb(),
                    deleted: true,
                },
                "deleted-users",
            ),
            (ScreenKind::Skus { customer: crumb() }, "subscribed-skus"),
            (
                ScreenKind::Subscriptions { customer: crumb() },
                "subscriptions",
            ),
            (
                ScreenKind::Licenses {
                    customer: crumb(),
                    user: crumb(),
                },
                "licences",
            ),
            (
                ScreenKind::Raw {
                    title: "t".into(),
                    id: None,
                    lines: Vec::new(),
                },
                "raw",
            ),
        ];
        for (kind, want) in cases {
            assert_eq!(view_name(&kind), want, "{kind:?}");
        }
    }
}
