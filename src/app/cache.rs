//! Remote data by query: each query's rows, paging cursor and load state; `table` is the view
//! of them the generic list code reads. Answers are applied only when the entry is still
//! waiting for that request id. No I/O, no screen state.

use super::partner_view::SnapshotSummary;
use super::report_pane::ReportKind;
pub use super::report_pane::ReportLoad;
use super::rows::{CustomerRow, LicenseRow, Row, SkuRow, UserRow, widen};
use crate::api::{ApiError, Cursor, RetryNotice, ServicePlan};
use crate::fetch::records::SubscriptionRow;
use crate::fetch::{Query, RequestId};
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Instant;

mod table;
pub use table::{PlanTable, Table};

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

    /// The row a plans screen was opened from, found again by its `sku_key`.
    fn by_sku(&self, sku: &str) -> Option<&R> {
        self.rows
            .iter()
            .enumerate()
            .find(|(i, r)| sku_key(r.id(), *i) == sku)
            .map(|(_, r)| r)
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
    /// Report panes' data, read from the store.
    pub reports: HashMap<ReportKind, ReportLoad>,
    /// The latest complete snapshot of this partner, for the customer and user columns.
    pub snapshot: Option<SnapshotSummary>,
    pub subscriptions: HashMap<Query, Entry<SubscriptionRow>>,
}

/// A pane's data as the view and the update logic see it.
pub enum PaneData<'a> {
    NotLoaded,
    Loading(Option<&'a Retry>),
    Failed(&'a ApiError),
    /// Not from Partner Center: why a report could not be read from the store.
    Unavailable(&'a str),
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

pub(super) fn info<'a, R>(list: &'a List<R>, entry: &'a Entry<R>) -> ListInfo<'a> {
    ListInfo {
        more: list.next.is_some(),
        pending: list.pending.map(|(_, p)| p),
        problem: list.problem.as_ref().map(|(e, p)| (e, *p)),
        retry: entry.retry.as_ref(),
        generation: list.generation,
    }
}

/// What `Cache` does to one query's entry, whatever its rows: the entries of all kinds behind
/// one face, so each operation is written once.
trait Slot {
    fn status(&self) -> LoadStatus;
    fn waiting_for(&self) -> Option<RequestId>;
    fn asked(&self) -> Option<Instant>;
    fn next_cursor(&self) -> Option<Cursor>;
    fn view(&self) -> PaneData<'_>;
    fn abandon(&mut self, id: RequestId);
    /// Starts waiting for `id`: a first load, or (`Some`) a next page or refresh of a loaded list.
    fn begin(&mut self, id: RequestId, pending: Option<Pending>, now: Instant);
    fn set_retry(&mut self, retry: Retry);
}

impl<R: Row> Slot for Entry<R> {
    fn status(&self) -> LoadStatus {
        Entry::status(self)
    }
    fn waiting_for(&self) -> Option<RequestId> {
        Entry::waiting_for(self)
    }
    fn asked(&self) -> Option<Instant> {
        self.asked
    }
    fn next_cursor(&self) -> Option<Cursor> {
        match &self.load {
            Loadable::Ready(list) => list.next.clone(),
            _ => None,
        }
    }
    fn view(&self) -> PaneData<'_> {
        view_of(self)
    }
    fn abandon(&mut self, id: RequestId) {
        Entry::abandon(self, id)
    }
    fn begin(&mut self, id: RequestId, pending: Option<Pending>, now: Instant) {
        match pending {
            None => self.load = Loadable::Loading(id),
            Some(kind) => {
                if let Loadable::Ready(list) = &mut self.load {
                    list.pending = Some((id, kind));
                    list.problem = None;
                }
            }
        }
        self.retry = None;
        self.asked = Some(now);
    }
    fn set_retry(&mut self, retry: Retry) {
        if Entry::waiting_for(self) == Some(retry.id) {
            self.retry = Some(retry);
        }
    }
}

impl Cache {
    /// The entry of `query`, if it was ever asked for.
    fn slot(&self, query: &Query) -> Option<&dyn Slot> {
        fn get<'a, R: Row>(m: &'a HashMap<Query, Entry<R>>, q: &Query) -> Option<&'a dyn Slot> {
            m.get(q).map(|e| e as &dyn Slot)
        }
        match query {
            Query::Customers { .. } => get(&self.customers, query),
            Query::Users { .. } => get(&self.users, query),
            Query::Licenses { .. } => get(&self.licenses, query),
            Query::Skus { .. } => get(&self.skus, query),
            Query::Subscriptions { .. } => get(&self.subscriptions, query),
        }
    }

    /// The entry of `query`, made when it is new.
    fn slot_mut(&mut self, query: &Query) -> &mut dyn Slot {
        fn make<'a, R: Row>(m: &'a mut HashMap<Query, Entry<R>>, q: &Query) -> &'a mut dyn Slot {
            m.entry(q.clone()).or_default()
        }
        match query {
            Query::Customers { .. } => make(&mut self.customers, query),
            Query::Users { .. } => make(&mut self.users, query),
            Query::Licenses { .. } => make(&mut self.licenses, query),
            Query::Skus { .. } => make(&mut self.skus, query),
            Query::Subscriptions { .. } => make(&mut self.subscriptions, query),
        }
    }

    pub fn status(&self, query: &Query) -> LoadStatus {
        self.slot(query)
            .map_or(LoadStatus::NotLoaded, |e| e.status())
    }

    pub fn begin_load(&mut self, query: &Query, id: RequestId, now: Instant) {
        self.slot_mut(query).begin(id, None, now)
    }

    /// Marks a loaded list as waiting for a next page or a refresh.
    pub fn begin_pending(&mut self, query: &Query, id: RequestId, kind: Pending, now: Instant) {
        self.slot_mut(query).begin(id, Some(kind), now)
    }

    pub fn abandon(&mut self, query: &Query, id: RequestId) {
        self.slot_mut(query).abandon(id)
    }

    pub fn waiting_for(&self, query: &Query) -> Option<RequestId> {
        self.slot(query)?.waiting_for()
    }

    /// Since when the request `query` waits for was asked for.
    pub fn waiting_since(&self, query: &Query) -> Option<Instant> {
        let e = self.slot(query)?;
        e.waiting_for().and(e.asked())
    }

    /// Whether any request is outstanding: the one record of what is in flight.
    pub fn busy(&self) -> bool {
        fn any<R>(entries: &HashMap<Query, Entry<R>>) -> bool {
            entries.values().any(|e| e.waiting_for().is_some())
        }
        any(&self.customers)
            || any(&self.users)
            || any(&self.licenses)
            || any(&self.skus)
            || self.reports.values().any(|r| r.waiting().is_some())
    }

    pub fn set_retry(&mut self, query: &Query, retry: Retry) {
        self.slot_mut(query).set_retry(retry)
    }

    /// The cursor of the next page of a loaded list.
    pub fn next_cursor(&self, query: &Query) -> Option<Cursor> {
        self.slot(query)?.next_cursor()
    }

    /// The data of a list query.
    pub fn view(&self, query: &Query) -> PaneData<'_> {
        self.slot(query).map_or(PaneData::NotLoaded, |e| e.view())
    }

    /// The raw JSON of the licence or subscribed SKU a plans screen was opened from.
    pub fn sku_row_raw(&self, source: &Query, sku: &str) -> Option<&serde_json::value::RawValue> {
        fn find<'a, R: Row>(e: &'a Entry<R>, sku: &str) -> Option<&'a serde_json::value::RawValue> {
            match &e.load {
                Loadable::Ready(list) => list.by_sku(sku).map(|r| r.raw()),
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
                    let plans = list.by_sku(sku).map_or(&[][..], plans);
                    PaneData::Ready(Box::new(PlanTable::new(plans)), info(list, e))
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
