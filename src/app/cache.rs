//! Remote data by query: each query's rows, paging cursor and load state, plus the `Table`
//! view the generic list code (cursor, filter, view, export) reads. Answers are applied only
//! when the entry is still waiting for that request id. No I/O, no screen state.

use super::rows::{Cell, Column};
use super::rows::{
    CustomerRow, LicenseRow, Mark, PLAN_COLUMNS, Row, SkuRow, UserRow, plan_cell, plan_haystack,
    plan_label, widen,
};
use crate::api::{ApiError, Cursor, RetryNotice, ServicePlan};
use crate::fetch::records::SearchText;
use crate::fetch::records::SubscriptionRow;
use crate::fetch::{Query, RequestId};
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Instant;

/// Remote data and where its load stands.
#[derive(Clone, Debug)]
pub enum Loadable<T> {
    NotLoaded,
    Loading(RequestId),
    Ready(T),
    Failed(ApiError),
}

/// What an outstanding request on a loaded list is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    NextPage,
    Refresh,
}

/// The loaded rows of a query.
#[derive(Clone)]
pub struct List<R> {
    pub rows: Vec<R>,
    /// Where the next page is, while more exist.
    pub next: Option<Cursor>,
    /// A next page or a refresh under way; the rows stay on screen meanwhile.
    pub pending: Option<(RequestId, Pending)>,
    /// A failed next page or refresh; the rows stay, `r` retries it.
    pub problem: Option<(ApiError, Pending)>,
    /// The widest cell of each column so far.
    pub widths: Vec<u16>,
    /// Bumped when the rows are replaced (refresh), so filters rescan.
    pub generation: u32,
}

impl<R: Row> List<R> {
    pub fn new(rows: Vec<R>, next: Option<Cursor>) -> Self {
        let mut widths = Vec::new();
        widen(&mut widths, &rows);
        Self {
            rows,
            next,
            pending: None,
            problem: None,
            widths,
            generation: 0,
        }
    }
}

/// A retry the client is waiting out, shown as "retrying in 12 s".
#[derive(Clone, Debug)]
pub struct Retry {
    pub id: RequestId,
    pub notice: RetryNotice,
    pub since: Instant,
}

/// One query's data and state.
#[derive(Clone)]
pub struct Entry<R> {
    pub load: Loadable<List<R>>,
    pub retry: Option<Retry>,
    /// When the request it waits for was asked for (the "no answer for 12 s" countdown).
    pub asked: Option<Instant>,
}

impl<R> Default for Entry<R> {
    fn default() -> Self {
        Self {
            load: Loadable::NotLoaded,
            retry: None,
            asked: None,
        }
    }
}

/// What the update logic needs to know about an entry, without its rows.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadStatus {
    NotLoaded,
    Loading(RequestId),
    Failed,
    Ready {
        len: usize,
        more: bool,
        pending: Option<(RequestId, Pending)>,
        problem: Option<Pending>,
    },
}

impl<R> Entry<R> {
    pub fn status(&self) -> LoadStatus {
        match &self.load {
            Loadable::NotLoaded => LoadStatus::NotLoaded,
            Loadable::Loading(id) => LoadStatus::Loading(*id),
            Loadable::Failed(_) => LoadStatus::Failed,
            Loadable::Ready(list) => LoadStatus::Ready {
                len: list.rows.len(),
                more: list.next.is_some(),
                pending: list.pending,
                problem: list.problem.as_ref().map(|(_, p)| *p),
            },
        }
    }

    /// The request this entry is waiting for, if any.
    pub fn waiting_for(&self) -> Option<RequestId> {
        match &self.load {
            Loadable::Loading(id) => Some(*id),
            Loadable::Ready(list) => list.pending.map(|(id, _)| id),
            _ => None,
        }
    }

    /// Forgets an outstanding request (cancelled): a first load goes back to NotLoaded.
    pub fn abandon(&mut self, id: RequestId) {
        match &mut self.load {
            Loadable::Loading(waiting) if *waiting == id => self.load = Loadable::NotLoaded,
            Loadable::Ready(list) if list.pending.is_some_and(|(p, _)| p == id) => {
                list.pending = None
            }
            _ => {}
        }
        if self.retry.as_ref().is_some_and(|r| r.id == id) {
            self.retry = None;
        }
    }
}

/// What applying an answer did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Nobody waits for this id any more: dropped.
    Stale,
    /// The first page arrived.
    Loaded,
    /// Rows were appended from this index on.
    Appended(usize),
    /// A refresh replaced the rows.
    Replaced,
    Failed,
}

/// Applies one answer to the entry waiting for `id`.
pub fn apply<R: Row>(
    entry: &mut Entry<R>,
    id: RequestId,
    result: Result<(Vec<R>, Option<Cursor>), ApiError>,
) -> Applied {
    if entry.waiting_for() != Some(id) {
        return Applied::Stale;
    }
    entry.retry = None;
    match (&mut entry.load, result) {
        (Loadable::Loading(_), Ok((rows, next))) => {
            entry.load = Loadable::Ready(List::new(rows, next));
            Applied::Loaded
        }
        (Loadable::Loading(_), Err(e)) => {
            entry.load = Loadable::Failed(e);
            Applied::Failed
        }
        (Loadable::Ready(list), result) => {
            let Some((_, kind)) = list.pending.take() else {
                return Applied::Stale;
            };
            match (kind, result) {
                (Pending::NextPage, Ok((mut rows, next))) => {
                    let from = list.rows.len();
                    widen(&mut list.widths, &rows);
                    list.rows.append(&mut rows);
                    list.next = next;
                    list.problem = None;
                    Applied::Appended(from)
                }
                (Pending::Refresh, Ok((rows, next))) => {
                    let generation = list.generation.wrapping_add(1);
                    *list = List::new(rows, next);
                    list.generation = generation;
                    Applied::Replaced
                }
                (kind, Err(e)) => {
                    list.problem = Some((e, kind));
                    Applied::Failed
                }
            }
        }
        _ => Applied::Stale,
    }
}

/// All loaded data, by query.
#[derive(Default)]
pub struct Cache {
    pub customers: HashMap<Query, Entry<CustomerRow>>,
    pub users: HashMap<Query, Entry<UserRow>>,
    pub licenses: HashMap<Query, Entry<LicenseRow>>,
    pub skus: HashMap<Query, Entry<SkuRow>>,
    pub subscriptions: HashMap<Query, Entry<SubscriptionRow>>,
}

/// Runs `$body` with `$e` bound to the `Option<&mut Entry<_>>` of `$query`.
macro_rules! with_entry_mut {
    ($cache:expr, $query:expr, $e:ident => $body:expr) => {
        match $query {
            Query::Customers { .. } => {
                let $e = $cache.customers.entry($query.clone()).or_default();
                $body
            }
            Query::Users { .. } => {
                let $e = $cache.users.entry($query.clone()).or_default();
                $body
            }
            Query::Licenses { .. } => {
                let $e = $cache.licenses.entry($query.clone()).or_default();
                $body
            }
            Query::Skus { .. } => {
                let $e = $cache.skus.entry($query.clone()).or_default();
                $body
            }
            Query::Subscriptions { .. } => {
                let $e = $cache.subscriptions.entry($query.clone()).or_default();
                $body
            }
        }
    };
}

macro_rules! with_entry {
    ($cache:expr, $query:expr, $e:ident => $body:expr, $absent:expr) => {
        match $query {
            Query::Customers { .. } => match $cache.customers.get($query) {
                Some($e) => $body,
                None => $absent,
            },
            Query::Users { .. } => match $cache.users.get($query) {
                Some($e) => $body,
                None => $absent,
            },
            Query::Licenses { .. } => match $cache.licenses.get($query) {
                Some($e) => $body,
                None => $absent,
            },
            Query::Skus { .. } => match $cache.skus.get($query) {
                Some($e) => $body,
                None => $absent,
            },
            Query::Subscriptions { .. } => match $cache.subscriptions.get($query) {
                Some($e) => $body,
                None => $absent,
            },
        }
    };
}

/// A pane's data as the view and the update logic see it.
pub enum PaneData<'a> {
    NotLoaded,
    Loading(Option<&'a Retry>),
    Failed(&'a ApiError),
    Ready(Box<dyn Table + 'a>, ListInfo<'a>),
}

/// Paging and refresh state of a loaded list.
#[derive(Clone, Copy, Default)]
pub struct ListInfo<'a> {
    pub more: bool,
    pub pending: Option<Pending>,
    pub problem: Option<(&'a ApiError, Pending)>,
    pub retry: Option<&'a Retry>,
    pub generation: u32,
}

fn view_of<'a, R: Row>(entry: &'a Entry<R>) -> PaneData<'a> {
    match &entry.load {
        Loadable::NotLoaded => PaneData::NotLoaded,
        Loadable::Loading(_) => PaneData::Loading(entry.retry.as_ref()),
        Loadable::Failed(e) => PaneData::Failed(e),
        Loadable::Ready(list) => PaneData::Ready(Box::new(list), info(list, entry)),
    }
}

fn info<'a, R>(list: &'a List<R>, entry: &'a Entry<R>) -> ListInfo<'a> {
    ListInfo {
        more: list.next.is_some(),
        pending: list.pending.map(|(_, p)| p),
        problem: list.problem.as_ref().map(|(e, p)| (e, *p)),
        retry: entry.retry.as_ref(),
        generation: list.generation,
    }
}

impl Cache {
    pub fn status(&self, query: &Query) -> LoadStatus {
        with_entry!(self, query, e => e.status(), LoadStatus::NotLoaded)
    }

    pub fn begin_load(&mut self, query: &Query, id: RequestId, now: Instant) {
        with_entry_mut!(self, query, e => {
            e.load = Loadable::Loading(id);
            e.retry = None;
            e.asked = Some(now);
        })
    }

    /// Marks a loaded list as waiting for a next page or a refresh.
    pub fn begin_pending(&mut self, query: &Query, id: RequestId, kind: Pending, now: Instant) {
        with_entry_mut!(self, query, e => {
            if let Loadable::Ready(list) = &mut e.load {
                list.pending = Some((id, kind));
                list.problem = None;
            }
            e.retry = None;
            e.asked = Some(now);
        })
    }

    pub fn abandon(&mut self, query: &Query, id: RequestId) {
        with_entry_mut!(self, query, e => e.abandon(id))
    }

    pub fn waiting_for(&self, query: &Query) -> Option<RequestId> {
        with_entry!(self, query, e => e.waiting_for(), None)
    }

    /// Since when the request `query` waits for was asked for.
    pub fn waiting_since(&self, query: &Query) -> Option<Instant> {
        with_entry!(self, query, e => e.waiting_for().and(e.asked), None)
    }

    /// Whether any request is outstanding: the one record of what is in flight.
    pub fn busy(&self) -> bool {
        fn any<R>(entries: &HashMap<Query, Entry<R>>) -> bool {
            entries.values().any(|e| e.waiting_for().is_some())
        }
        any(&self.customers) || any(&self.users) || any(&self.licenses) || any(&self.skus)
    }

    pub fn set_retry(&mut self, query: &Query, retry: Retry) {
        with_entry_mut!(self, query, e => {
            if e.waiting_for() == Some(retry.id) {
                e.retry = Some(retry);
            }
        })
    }

    /// The cursor of the next page of a loaded list.
    pub fn next_cursor(&self, query: &Query) -> Option<Cursor> {
        fn of<R>(e: &Entry<R>) -> Option<Cursor> {
            match &e.load {
                Loadable::Ready(list) => list.next.clone(),
                _ => None,
            }
        }
        with_entry!(self, query, e => of(e), None)
    }

    /// The data of a list query.
    pub fn view(&self, query: &Query) -> PaneData<'_> {
        with_entry!(self, query, e => view_of(e), PaneData::NotLoaded)
    }

    /// The raw JSON of the licence or subscribed SKU a plans screen was opened from.
    pub fn sku_row_raw(&self, source: &Query, sku: &str) -> Option<&serde_json::value::RawValue> {
        fn find<'a, R: Row>(e: &'a Entry<R>, sku: &str) -> Option<&'a serde_json::value::RawValue> {
            match &e.load {
                Loadable::Ready(list) => list
                    .rows
                    .iter()
                    .enumerate()
                    .find(|(i, r)| sku_key(r.id(), *i) == sku)
                    .map(|(_, r)| r.raw()),
                _ => None,
            }
        }
        match source {
            Query::Licenses { .. } => find(self.licenses.get(source)?, sku),
            Query::Skus { .. } => find(self.skus.get(source)?, sku),
            _ => None,
        }
    }

    /// The service plans of one licence or subscribed SKU (`source` is its list's query).
    pub fn plans(&self, source: &Query, sku: &str) -> PaneData<'_> {
        fn find<'a, R: Row>(
            e: &'a Entry<R>,
            sku: &str,
            plans: impl Fn(&'a R) -> &'a [ServicePlan],
        ) -> PaneData<'a> {
            match &e.load {
                Loadable::Ready(list) => {
                    match list
                        .rows
                        .iter()
                        .enumerate()
                        .find(|(i, r)| sku_key(r.id(), *i) == sku)
                    {
                        Some((_, row)) => {
                            PaneData::Ready(Box::new(PlanTable::new(plans(row))), info(list, e))
                        }
                        None => PaneData::Ready(Box::new(PlanTable::new(&[])), info(list, e)),
                    }
                }
                _ => view_of(e),
            }
        }
        match source {
            Query::Licenses { .. } => match self.licenses.get(source) {
                Some(e) => find(e, sku, |r| &r.res.data.service_plans),
                None => PaneData::NotLoaded,
            },
            Query::Skus { .. } => match self.skus.get(source) {
                Some(e) => find(e, sku, |r| &r.res.data.service_plans),
                None => PaneData::NotLoaded,
            },
            _ => PaneData::NotLoaded,
        }
    }
}

impl<'a> PaneData<'a> {
    pub fn table(&self) -> Option<&(dyn Table + 'a)> {
        match self {
            PaneData::Ready(t, _) => Some(t.as_ref()),
            _ => None,
        }
    }
}

/// How a SKU row is found again (the plans screen keeps this): its id, else its position.
pub fn sku_key(id: Option<&str>, index: usize) -> Cow<'_, str> {
    match id {
        Some(id) if !id.is_empty() => Cow::Borrowed(id),
        _ => Cow::Owned(format!("#{index}")),
    }
}

/// A list as the generic code reads it.
pub trait Table {
    fn columns(&self) -> &'static [Column];
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
    /// Where row `i` sits in the API's own order (tables that reorder say so).
    fn source_index(&self, i: usize) -> usize {
        i
    }
}

/// A borrowed table is a table (the cache hands out views of its lists).
impl<T: Table + ?Sized> Table for &T {
    fn columns(&self) -> &'static [Column] {
        (**self).columns()
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
    fn columns(&self) -> &'static [Column] {
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
            None => Cell {
                text: Cow::Borrowed(""),
                tone: super::rows::Tone::Normal,
            },
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
    fn columns(&self) -> &'static [Column] {
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
            None => Cell {
                text: Cow::Borrowed(""),
                tone: super::rows::Tone::Normal,
            },
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
