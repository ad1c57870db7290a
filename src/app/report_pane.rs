//! Report panes: a partner-wide report (`report::Report`, read from the store off the UI loop)
//! as an ordinary table the generic list code shows, filters, copies and exports, with a sort
//! order (`o` the next column, `O` reversed) and the live place a row points at (Enter jumps
//! there). Builds rows once when the report arrives; no I/O, no screen state.

use super::cache::{Cache, ListInfo, PaneData, Pending, Table};
use super::rows::{Cell, Column, Mark, Tone};
use crate::fetch::RequestId;
use crate::fetch::records::SearchText;
use crate::report::{self, Report};

/// One cell of a report as the pane keeps it: sanitised once, on load.
type Value = report::Cell;
use std::borrow::Cow;

/// Which report a pane shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReportKind {
    Problems,
    Seats,
    WhoHas(String),
    Totals,
    /// Subscriptions ending within this many days.
    Renewals(u32),
    Snapshots,
    /// Snapshots before and after (default: the two latest complete ones).
    Diff(Option<i64>, Option<i64>),
}

impl ReportKind {
    /// The pane's title.
    pub fn title(&self) -> String {
        match self {
            Self::Problems => "Problems".into(),
            Self::Seats => "Seats".into(),
            Self::WhoHas(q) => format!("Who has \"{}\"", crate::text::sanitize(q)),
            Self::Totals => "Totals".into(),
            Self::Renewals(days) => format!("Renewals within {days} days"),
            Self::Snapshots => "Snapshots".into(),
            Self::Diff(..) => "Changes".into(),
        }
    }

    /// The name in an export's file name.
    pub fn view_name(&self) -> &'static str {
        match self {
            Self::Problems => "problems",
            Self::Seats => "seats",
            Self::WhoHas(_) => "who-has",
            Self::Totals => "totals",
            Self::Renewals(_) => "renewals",
            Self::Snapshots => "snapshots",
            Self::Diff(..) => "diff",
        }
    }

    /// What its rows are called.
    pub fn noun(&self) -> &'static str {
        match self {
            Self::Problems => "problems",
            Self::Seats => "SKUs",
            Self::WhoHas(_) => "holders",
            Self::Totals => "customers",
            Self::Renewals(_) => "subscriptions",
            Self::Snapshots => "snapshots",
            Self::Diff(..) => "changes",
        }
    }
}

/// Orders two cells of a column: numbers as numbers, text case-insensitively, empty cells
/// last whichever way.
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::Int(a), Value::Int(b)) => a.cmp(b),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        // Case-insensitive without allocating: a sort of a million rows compares a lot.
        (Value::Text(x), Value::Text(y)) => lower(x).cmp(lower(y)),
        (a, b) => lower(&a.as_text()).cmp(lower(&b.as_text())),
    }
}

fn lower(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(char::to_lowercase)
}

/// A loaded report as a table.
#[derive(Clone, Debug)]
pub struct ReportTable {
    /// The report's own columns (JSON names), for raw JSON and the jump.
    keys: Vec<&'static str>,
    /// The columns the pane shows, and which report column each is.
    columns: Vec<Column>,
    shown: Vec<usize>,
    rows: Vec<Vec<Value>>,
    search: Vec<SearchText>,
    widths: Vec<u16>,
    /// Table position -> row, in the current sort.
    order: Vec<usize>,
    /// The shown column sorted on, and whether reversed; None: the report's own order.
    pub sort: Option<(usize, bool)>,
    /// Bumped when the order changes, so filters rescan.
    pub generation: u32,
    /// Which snapshot(s) it comes from, for the title.
    pub source: String,
}

/// How a report column is drawn: numbers right-aligned, capability statuses with their glyph
/// (a subscription's status, e.g. the renewals' `active`, is not a plan's health).
fn pane_column(key: &str, title: &'static str, numeric: bool, index: usize) -> Column {
    let status = key == "capabilityStatus" || matches!(title, "BEFORE" | "AFTER");
    Column {
        header: title,
        // Earlier columns matter more and stay when the pane is narrow; a status is the
        // point of most reports and stays too, in full.
        priority: if status { 1 } else { index.min(200) as u8 },
        min: match (numeric, status) {
            (true, _) => 4,
            (false, true) => 9,
            (false, false) => 6,
        },
        max: if numeric { 9 } else { 44 },
        right: numeric,
        glyph: status,
        middle: false,
    }
}

impl ReportTable {
    /// Builds the pane's rows from a report (off the UI loop: sanitising, search text, widths).
    pub fn new(report: &Report, source: String) -> Self {
        let shown: Vec<usize> = (0..report.columns.len())
            .filter(|&i| report.columns[i].title.is_some())
            .collect();
        let rows: Vec<Vec<Value>> = report
            .rows
            .iter()
            .map(|r| r.iter().map(Value::sanitised).collect())
            .collect();
        let numeric = |c: usize| {
            rows.iter()
                .all(|r| matches!(r.get(c), Some(Value::Int(_) | Value::Null)))
                && rows.iter().any(|r| matches!(r.get(c), Some(Value::Int(_))))
        };
        let columns = shown
            .iter()
            .enumerate()
            .map(|(n, &c)| {
                let column = &report.columns[c];
                pane_column(column.key, column.title.unwrap_or(""), numeric(c), n)
            })
            .collect();
        let mut widths = vec![0u16; shown.len()];
        let search = rows
            .iter()
            .map(|row| {
                let mut text = String::new();
                for (w, &c) in widths.iter_mut().zip(&shown) {
                    let cell = row.get(c).map(Value::as_text).unwrap_or_default();
                    *w = (*w).max(crate::text::width(&cell).min(usize::from(u16::MAX)) as u16);
                    if !cell.is_empty() {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(&cell);
                    }
                }
                SearchText::new(text)
            })
            .collect();
        let order = (0..rows.len()).collect();
        Self {
            keys: report.columns.iter().map(|c| c.key).collect(),
            columns,
            shown,
            rows,
            search,
            widths,
            order,
            sort: None,
            generation: 0,
            source,
        }
    }

    fn row(&self, i: usize) -> Option<&Vec<Value>> {
        self.rows.get(*self.order.get(i)?)
    }

    /// The text of report column `key` in table row `i` (empty cells are None).
    pub fn value(&self, i: usize, key: &str) -> Option<&str> {
        let c = self.keys.iter().position(|k| *k == key)?;
        match self.row(i)?.get(c)? {
            Value::Text(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }

    /// `o`: sort by the next shown column (from the report's order to the first column, and
    /// after the last back to the report's order).
    pub fn next_sort(&mut self) {
        self.sort = match self.sort {
            None => Some((0, false)),
            Some((c, _)) if c + 1 < self.shown.len() => Some((c + 1, false)),
            Some(_) => None,
        };
        self.reorder();
    }

    /// `O`: reverse the order (sorting by the first column if unsorted).
    pub fn reverse(&mut self) {
        self.sort = match self.sort {
            None => Some((0, true)),
            Some((c, rev)) => Some((c, !rev)),
        };
        self.reorder();
    }

    /// Applies a sort kept from before a refresh.
    pub fn sort_by(&mut self, sort: Option<(usize, bool)>) {
        if sort.is_some_and(|(c, _)| c < self.shown.len()) && sort != self.sort {
            self.sort = sort;
            self.reorder();
        }
    }

    fn reorder(&mut self) {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        if let Some((c, rev)) = self.sort {
            let col = self.shown[c];
            let rows = &self.rows;
            order.sort_by(|&a, &b| {
                let ord = compare(&rows[a][col], &rows[b][col]);
                if rev { ord.reverse() } else { ord }
            });
        }
        self.order = order;
        self.generation = self.generation.wrapping_add(1);
    }

    /// "sorted by STATUS ↓" for the title, when sorted.
    pub fn sort_label(&self, ascii: bool) -> Option<String> {
        let (c, rev) = self.sort?;
        let arrow = match (rev, ascii) {
            (false, false) => "↑",
            (true, false) => "↓",
            (false, true) => "asc",
            (true, true) => "desc",
        };
        Some(format!("sorted by {} {arrow}", self.columns.get(c)?.header))
    }

    /// The row as one flat JSON object with the report's field names.
    pub fn json(&self, i: usize) -> Option<String> {
        let row = self.row(i)?;
        let mut object = serde_json::Map::new();
        for (key, value) in self.keys.iter().zip(row) {
            if !key.is_empty() {
                object.insert(key.to_string(), value.json());
            }
        }
        serde_json::to_string(&object).ok()
    }
}

impl Table for ReportTable {
    fn columns(&self) -> &[Column] {
        &self.columns
    }
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn id(&self, i: usize) -> Option<&str> {
        ["servicePlanId", "userId", "skuId", "customerId"]
            .iter()
            .find_map(|k| self.value(i, k))
            .or_else(|| match self.row(i)?.first()? {
                Value::Text(s) => Some(&**s),
                _ => None,
            })
    }
    fn label(&self, i: usize) -> &str {
        ["userPrincipalName", "companyName", "partner"]
            .iter()
            .find_map(|k| self.value(i, k))
            .unwrap_or("")
    }
    fn haystack(&self, i: usize) -> Cow<'_, SearchText> {
        match self.order.get(i).and_then(|&r| self.search.get(r)) {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(SearchText::default()),
        }
    }
    fn cell(&self, i: usize, column: usize) -> Cell<'_> {
        let value = self
            .row(i)
            .zip(self.shown.get(column))
            .and_then(|(row, &c)| row.get(c));
        let text = value.map(Value::as_text).unwrap_or_default();
        let tone = match (self.columns.get(column), &text) {
            (Some(c), t) if c.glyph => tone_of(t),
            (Some(c), t) if c.header == "FLAG" || c.header == "PROBLEM" => {
                if t.is_empty() || *t == "unused" {
                    Tone::Normal
                } else {
                    Tone::Warn
                }
            }
            _ => Tone::Normal,
        };
        Cell { text, tone }
    }
    fn mark(&self, i: usize) -> Mark {
        match (
            self.value(i, "problem"),
            self.value(i, "flag"),
            self.value(i, "capabilityStatus"),
        ) {
            (Some("over-consumed"), _, _) | (_, Some("over-consumed"), _) => Mark::OverConsumed,
            (Some(_), _, _) => Mark::Attention,
            (_, _, Some(s)) if tone_of(s) == Tone::Bad || tone_of(s) == Tone::Warn => {
                Mark::Attention
            }
            _ => Mark::None,
        }
    }
    fn widths(&self) -> &[u16] {
        &self.widths
    }
    fn raw(&self, _i: usize) -> Option<&serde_json::value::RawValue> {
        None
    }
    fn raw_text(&self, i: usize) -> Option<String> {
        self.json(i)
    }
}

/// A capability status's tone (the same rule as the explorer's plans).
fn tone_of(status: &str) -> Tone {
    use crate::api::status::{PlanHealth, plan_health};
    match plan_health(status) {
        PlanHealth::NeedsAttention => Tone::Bad,
        PlanHealth::Off => Tone::Dim,
        _ if status.is_empty() => Tone::Normal,
        _ => Tone::Ok,
    }
}

/// Where a report row points in Partner Center: the customer, and the user, SKU and plan
/// when the row names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub customer_id: Box<str>,
    pub customer_name: Box<str>,
    pub user: Option<(Box<str>, Box<str>)>,
    pub sku: Option<(Box<str>, Box<str>)>,
    pub plan_id: Option<Box<str>>,
}

impl ReportTable {
    /// The live place table row `i` points at, if it names a customer.
    pub fn place(&self, i: usize) -> Option<Place> {
        let customer_id = self.value(i, "customerId")?;
        let name = self.value(i, "companyName").unwrap_or(customer_id);
        let user = self.value(i, "userId").map(|id| {
            let upn = self.value(i, "userPrincipalName").unwrap_or(id);
            (id.into(), upn.into())
        });
        let sku = self.value(i, "skuId").map(|id| {
            let name = ["skuName", "skuPartNumber"]
                .iter()
                .find_map(|k| self.value(i, k))
                .unwrap_or(id);
            (id.into(), name.into())
        });
        Some(Place {
            customer_id: customer_id.into(),
            customer_name: name.into(),
            user,
            sku,
            plan_id: self.value(i, "servicePlanId").map(Into::into),
        })
    }
}

/// A report pane's data and where its load stands.
#[derive(Clone, Debug)]
pub enum ReportLoad {
    Loading(RequestId),
    Ready(ReportTable),
    /// Read again (`r`, a scan ended): the rows stay on screen meanwhile.
    Refreshing(RequestId, ReportTable),
    /// Why the store could not answer (no snapshot yet, no store file, ...).
    Failed(String),
}

impl ReportLoad {
    pub fn table(&self) -> Option<&ReportTable> {
        match self {
            Self::Ready(t) | Self::Refreshing(_, t) => Some(t),
            _ => None,
        }
    }

    pub fn table_mut(&mut self) -> Option<&mut ReportTable> {
        match self {
            Self::Ready(t) | Self::Refreshing(_, t) => Some(t),
            _ => None,
        }
    }

    /// The read this entry waits for, if any.
    pub fn waiting(&self) -> Option<RequestId> {
        match self {
            Self::Loading(id) | Self::Refreshing(id, _) => Some(*id),
            _ => None,
        }
    }
}

impl Cache {
    /// A report pane's data.
    pub fn report_view(&self, kind: &ReportKind) -> PaneData<'_> {
        fn ready(table: &ReportTable, pending: Option<Pending>) -> PaneData<'_> {
            let info = ListInfo {
                generation: table.generation,
                pending,
                ..ListInfo::default()
            };
            PaneData::Ready(Box::new(table), info)
        }
        match self.reports.get(kind) {
            None => PaneData::NotLoaded,
            Some(ReportLoad::Loading(_)) => PaneData::Loading(None),
            Some(ReportLoad::Failed(why)) => PaneData::Unavailable(why),
            Some(ReportLoad::Ready(table)) => ready(table, None),
            Some(ReportLoad::Refreshing(_, table)) => ready(table, Some(Pending::Refresh)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::col;

    #[test]
    fn only_a_capability_status_is_drawn_as_plan_health() {
        const COLUMNS: &[crate::report::Column] =
            &[col("status", "STATUS"), col("capabilityStatus", "STATUS")];
        let mut report = Report::new(COLUMNS);
        report.push(vec![
            report::Cell::Text("active".into()),
            report::Cell::Text("Suspended".into()),
        ]);
        let table = ReportTable::new(&report, String::new());
        assert!(!table.columns[0].glyph, "a subscription's status");
        assert!(table.columns[1].glyph, "a plan's capability status");
        assert_eq!(table.cell(0, 1).tone, Tone::Bad);
    }
}
