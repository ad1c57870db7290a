//! The `Table` view the generic list code (cursor, filter, view, export) reads: a loaded list
//! of rows, or the service plans of one SKU. Borrowed data only; no load state.

use super::List;
use crate::api::ServicePlan;
use crate::app::rows::{
    Cell, Column, Mark, PLAN_COLUMNS, Row, plan_cell, plan_haystack, plan_label,
};
use crate::fetch::records::SearchText;
use std::borrow::Cow;

/// A list as the generic code reads it.
pub trait Table {
    fn columns(&self) -> &[Column];
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn id(&self, i: usize) -> Option<&str>;
    fn label(&self, i: usize) -> &str;
    fn haystack(&self, i: usize) -> Cow<'_, SearchText>;
    fn cell(&self, i: usize, column: usize) -> Cell<'_>;
    fn mark(&self, i: usize) -> Mark;
    /// The widest cell of each column.
    fn widths(&self) -> &[u16];
    fn raw(&self, i: usize) -> Option<&serde_json::value::RawValue>;
    /// The JSON `y` shows for row `i` (tables without the API's own JSON build it).
    fn raw_text(&self, i: usize) -> Option<String> {
        self.raw(i).map(|r| r.get().to_string())
    }
    /// Where row `i` sits in the API's own order (tables that reorder say so).
    fn source_index(&self, i: usize) -> usize {
        i
    }
}

/// A borrowed table is a table (the cache hands out views of its lists).
impl<T: Table + ?Sized> Table for &T {
    fn columns(&self) -> &[Column] {
        (**self).columns()
    }
    fn raw_text(&self, i: usize) -> Option<String> {
        (**self).raw_text(i)
    }
    fn len(&self) -> usize {
        (**self).len()
    }
    fn id(&self, i: usize) -> Option<&str> {
        (**self).id(i)
    }
    fn label(&self, i: usize) -> &str {
        (**self).label(i)
    }
    fn haystack(&self, i: usize) -> Cow<'_, SearchText> {
        (**self).haystack(i)
    }
    fn cell(&self, i: usize, column: usize) -> Cell<'_> {
        (**self).cell(i, column)
    }
    fn mark(&self, i: usize) -> Mark {
        (**self).mark(i)
    }
    fn widths(&self) -> &[u16] {
        (**self).widths()
    }
    fn raw(&self, i: usize) -> Option<&serde_json::value::RawValue> {
        (**self).raw(i)
    }
    fn source_index(&self, i: usize) -> usize {
        (**self).source_index(i)
    }
}

impl<R: Row> Table for List<R> {
    fn columns(&self) -> &[Column] {
        R::COLUMNS
    }
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn id(&self, i: usize) -> Option<&str> {
        self.rows.get(i)?.id()
    }
    fn label(&self, i: usize) -> &str {
        self.rows.get(i).map_or("", |r| r.label())
    }
    fn haystack(&self, i: usize) -> Cow<'_, SearchText> {
        match self.rows.get(i) {
            Some(r) => Cow::Borrowed(r.haystack()),
            None => Cow::Owned(SearchText::default()),
        }
    }
    fn cell(&self, i: usize, column: usize) -> Cell<'_> {
        match self.rows.get(i) {
            Some(r) => r.cell(column),
            None => Cell::plain(""),
        }
    }
    fn mark(&self, i: usize) -> Mark {
        self.rows.get(i).map_or(Mark::None, |r| r.mark())
    }
    fn widths(&self) -> &[u16] {
        &self.widths
    }
    fn raw(&self, i: usize) -> Option<&serde_json::value::RawValue> {
        self.rows.get(i).map(|r| r.raw())
    }
}

/// The service plans of one SKU as a table: plans needing attention first (so a Suspended
/// plan among fifty is on the first screen), otherwise in the API's order. A few dozen rows:
/// order and widths are worked out on the fly.
pub struct PlanTable<'a> {
    plans: &'a [ServicePlan],
    order: Vec<usize>,
    widths: Vec<u16>,
}

impl<'a> PlanTable<'a> {
    pub fn new(plans: &'a [ServicePlan]) -> Self {
        let mut order: Vec<usize> = (0..plans.len()).collect();
        order.sort_by_key(|&i| !plans[i].needs_attention());
        let widths = (0..PLAN_COLUMNS.len())
            .map(|c| {
                plans
                    .iter()
                    .map(|p| crate::text::width(&plan_cell(p, c).text))
                    .max()
                    .unwrap_or(0)
                    .min(u16::MAX as usize) as u16
            })
            .collect();
        Self {
            plans,
            order,
            widths,
        }
    }

    fn get(&self, i: usize) -> Option<&'a ServicePlan> {
        self.order.get(i).and_then(|&k| self.plans.get(k))
    }
}

impl Table for PlanTable<'_> {
    fn columns(&self) -> &[Column] {
        PLAN_COLUMNS
    }
    fn len(&self) -> usize {
        self.plans.len()
    }
    fn id(&self, i: usize) -> Option<&str> {
        self.get(i)?.id.as_deref()
    }
    fn label(&self, i: usize) -> &str {
        self.get(i).map_or("", plan_label)
    }
    fn haystack(&self, i: usize) -> Cow<'_, SearchText> {
        Cow::Owned(self.get(i).map(plan_haystack).unwrap_or_default())
    }
    fn cell(&self, i: usize, column: usize) -> Cell<'_> {
        match self.get(i) {
            Some(p) => plan_cell(p, column),
            None => Cell::plain(""),
        }
    }
    fn mark(&self, _i: usize) -> Mark {
        // The status column's own glyph says it: a second ▲ before it would read "▲ ▲ Warning".
        Mark::None
    }
    fn widths(&self) -> &[u16] {
        &self.widths
    }
    fn raw(&self, _i: usize) -> Option<&serde_json::value::RawValue> {
        None
    }
    fn source_index(&self, i: usize) -> usize {
        self.order.get(i).copied().unwrap_or(i)
    }
}
