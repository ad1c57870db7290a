//! What the explorer knows before any drill: the latest snapshot's figures as extra columns of
//! the customers list (users, licensed, seats, problems, and `▲` until live data replaces it),
//! and each user's SKUs in the users list (from the snapshot, else loaded live for the rows in
//! view once the cursor rests, cancelled as they scroll away). No I/O: loads go out as effects.

use super::cache::{Cache, List, Loadable, PaneData, Table, info};
use super::model::{Model, Query, ScreenKind};
use super::msg::{Effect, Fx};
use super::rows::{Cell, Column, CustomerRow, Mark, Row, Tone, UserRow, num};
use crate::fetch::records::SearchText;
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A customer's figures in a snapshot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFigures {
    pub users: i64,
    pub licensed: i64,
    pub seats_total: i64,
    pub seats_consumed: i64,
    pub problems: i64,
}

/// A user's licences in a snapshot: SKU short names, and whether a plan needs attention.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserSkus {
    pub skus: Box<str>,
    pub attention: bool,
}

/// The latest complete snapshot of the partner, as the lists use it.
#[derive(Clone, Debug)]
pub struct SnapshotSummary {
    pub id: i64,
    /// How old it was when read, and when that was (the title counts on from there).
    pub age: Duration,
    pub read_at: Instant,
    pub customers: HashMap<Box<str>, CustomerFigures>,
    /// Users' licences, when the scan read users.
    pub users: HashMap<Box<str>, UserSkus>,
}

impl SnapshotSummary {
    /// "scanned 3 h ago" at `now`.
    pub fn age_text(&self, now: Instant) -> String {
        let age = self.age + now.saturating_duration_since(self.read_at);
        let s = age.as_secs();
        match s {
            0..60 => "scanned just now".into(),
            60..3600 => format!("scanned {} min ago", s / 60),
            3600..172_800 => format!("scanned {} h ago", s / 3600),
            _ => format!("scanned {} days ago", s / 86_400),
        }
    }
}

const C: &[Column] = <CustomerRow as Row>::COLUMNS;
const U: &[Column] = <UserRow as Row>::COLUMNS;

/// The customers list with a snapshot: its columns and the figures after the domain.
const CUSTOMER_COLUMNS: &[Column] = &[
    C[0],
    C[1],
    num("Users", 2),
    num("Licensed", 3),
    Column {
        header: "Seats",
        priority: 2,
        min: 5,
        max: 13,
        right: true,
        glyph: false,
        middle: false,
    },
    num("Problems", 1),
    C[2],
    C[3],
];

/// The users list with each user's SKUs after the principal name.
const USER_COLUMNS: &[Column] = &[
    U[0],
    U[1],
    Column {
        header: "Licences",
        priority: 0,
        min: 8,
        max: 40,
        right: false,
        glyph: false,
        middle: false,
    },
    U[2],
    U[3],
    U[4],
];

/// The customers pane's data: the live list, with the snapshot's columns when there is one.
pub fn customers_view<'a>(cache: &'a Cache, search: &Option<String>) -> PaneData<'a> {
    let query = Query::Customers {
        search: search.clone(),
    };
    match (cache.customers.get(&query), &cache.snapshot) {
        (Some(entry), Some(snapshot)) => match &entry.load {
            Loadable::Ready(list) => PaneData::Ready(
                Box::new(SnapshotCustomers {
                    list,
                    snapshot,
                    cache,
                    widths: spliced(list.widths(), 2, &[5, 8, 9, 8]),
                }),
                info(list, entry),
            ),
            _ => cache.view(&query),
        },
        _ => cache.view(&query),
    }
}

/// The users pane's data: the live list with a licences column (not for deleted users).
pub fn users_view<'a>(cache: &'a Cache, customer_id: &str, deleted: bool) -> PaneData<'a> {
    let query = Query::Users {
        customer_id: customer_id.into(),
        deleted,
    };
    match cache.users.get(&query) {
        Some(entry) if !deleted => match &entry.load {
            Loadable::Ready(list) => PaneData::Ready(
                Box::new(UsersWithSkus {
                    list,
                    cache,
                    customer_id: customer_id.into(),
                    widths: spliced(list.widths(), 2, &[SKUS_WIDTH]),
                }),
                info(list, entry),
            ),
            _ => cache.view(&query),
        },
        _ => cache.view(&query),
    }
}

/// How wide the SKUs column is laid out (a user's few part numbers).
const SKUS_WIDTH: u16 = 28;

/// The live list's column widths with the added columns' widths inserted at `at`.
fn spliced(widths: &[u16], at: usize, added: &[u16]) -> Vec<u16> {
    let at = at.min(widths.len());
    let mut out = widths[..at].to_vec();
    out.extend_from_slice(added);
    out.extend_from_slice(&widths[at..]);
    out
}

struct SnapshotCustomers<'a> {
    list: &'a List<CustomerRow>,
    snapshot: &'a SnapshotSummary,
    cache: &'a Cache,
    widths: Vec<u16>,
}

impl SnapshotCustomers<'_> {
    fn figures(&self, i: usize) -> Option<&CustomerFigures> {
        self.snapshot.customers.get(self.list.id(i)?)
    }
}

/// Delegates the parts of `Table` a wrapper does not change to the live list.
macro_rules! delegate {
    () => {
        fn len(&self) -> usize {
            self.list.len()
        }
        fn id(&self, i: usize) -> Option<&str> {
            self.list.id(i)
        }
        fn label(&self, i: usize) -> &str {
            self.list.label(i)
        }
        fn haystack(&self, i: usize) -> Cow<'_, SearchText> {
            self.list.haystack(i)
        }
        fn raw(&self, i: usize) -> Option<&serde_json::value::RawValue> {
            self.list.raw(i)
        }
    };
}

impl Table for SnapshotCustomers<'_> {
    delegate!();
    fn columns(&self) -> &[Column] {
        CUSTOMER_COLUMNS
    }
    fn cell(&self, i: usize, column: usize) -> Cell<'_> {
        let own = |c| self.list.cell(i, c);
        let figure =
            |f: fn(&CustomerFigures) -> String, tone: fn(&CustomerFigures) -> Tone| match self
                .figures(i)
            {
                Some(x) => Cell {
                    text: Cow::Owned(f(x)),
                    tone: tone(x),
                },
                None => Cell {
                    text: Cow::Borrowed(""),
                    tone: Tone::Normal,
                },
            };
        let plain = |_: &CustomerFigures| Tone::Normal;
        match column {
            0 | 1 => own(column),
            2 => figure(|x| x.users.to_string(), plain),
            3 => figure(|x| x.licensed.to_string(), plain),
            4 => figure(
                |x| format!("{}/{}", x.seats_consumed, x.seats_total),
                |x| match x.seats_consumed > x.seats_total {
                    true => Tone::Bad,
                    false => Tone::Normal,
                },
            ),
            5 => figure(
                |x| x.problems.to_string(),
                |x| match x.problems > 0 {
                    true => Tone::Warn,
                    false => Tone::Normal,
                },
            ),
            c => own(c - 4),
        }
    }
    fn mark(&self, i: usize) -> Mark {
        // Once the customer was opened, live data decides its mark (the pane adds it).
        let opened = self.list.id(i).is_some_and(|id| {
            let users = Query::Users {
                customer_id: id.into(),
                deleted: false,
            };
            matches!(
                self.cache.users.get(&users).map(|e| &e.load),
                Some(Loadable::Ready(_))
            )
        });
        match self.figures(i) {
            Some(x) if x.problems > 0 && !opened => Mark::Attention,
            _ => self.list.mark(i),
        }
    }
    fn widths(&self) -> &[u16] {
        &self.widths
    }
}

struct UsersWithSkus<'a> {
    list: &'a List<UserRow>,
    cache: &'a Cache,
    customer_id: Box<str>,
    widths: Vec<u16>,
}

impl UsersWithSkus<'_> {
    fn live(&self, i: usize) -> Option<&List<super::rows::LicenseRow>> {
        let query = licenses_query(&self.customer_id, self.list.id(i)?);
        match &self.cache.licenses.get(&query)?.load {
            Loadable::Ready(list) => Some(list),
            _ => None,
        }
    }

    fn stored(&self, i: usize) -> Option<&UserSkus> {
        self.cache.snapshot.as_ref()?.users.get(self.list.id(i)?)
    }
}

fn licenses_query(customer_id: &str, user_id: &str) -> Query {
    Query::Licenses {
        customer_id: customer_id.into(),
        user_id: user_id.into(),
    }
}

/// A user's SKUs as one short cell: part numbers, comma separated.
fn sku_names(list: &List<super::rows::LicenseRow>) -> String {
    let names: Vec<&str> = list
        .rows
        .iter()
        .map(|r| {
            r.res
                .data
                .product_sku
                .as_ref()
                .and_then(|s| s.sku_part_number.as_deref().or(s.name.as_deref()))
                .unwrap_or("?")
        })
        .collect();
    match names.is_empty() {
        true => "none".into(),
        false => names.join(", "),
    }
}

impl Table for UsersWithSkus<'_> {
    delegate!();
    fn columns(&self) -> &[Column] {
        USER_COLUMNS
    }
    fn cell(&self, i: usize, column: usize) -> Cell<'_> {
        match column {
            0 | 1 => self.list.cell(i, column),
            2 => match (self.live(i), self.stored(i)) {
                (Some(list), _) => Cell {
                    text: Cow::Owned(sku_names(list)),
                    tone: Tone::Normal,
                },
                (None, Some(stored)) => Cell {
                    text: Cow::Borrowed(&stored.skus),
                    tone: Tone::Normal,
                },
                (None, None) => Cell {
                    text: Cow::Borrowed(""),
                    tone: Tone::Dim,
                },
            },
            c => self.list.cell(i, c - 1),
        }
    }
    fn mark(&self, i: usize) -> Mark {
        let own = self.list.mark(i);
        match (own, self.live(i), self.stored(i)) {
            (Mark::None, None, Some(s)) if s.attention => Mark::Attention,
            _ => own,
        }
    }
    fn widths(&self) -> &[u16] {
        &self.widths
    }
}

/// The user ids in view on the top screen, when it is a users list.
fn users_in_view(model: &Model) -> Option<(Box<str>, Vec<Box<str>>)> {
    let screen = model.top();
    let ScreenKind::Users {
        customer,
        deleted: false,
    } = &screen.kind
    else {
        return None;
    };
    let view = screen.view(&model.cache);
    let table = view.table()?;
    let len = screen.visible_len(table.len());
    let ids = (screen.offset..len)
        .take(model.page_rows())
        .filter_map(|pos| screen.row_at(pos, table.len()))
        .filter_map(|i| table.id(i).filter(|id| !id.is_empty()).map(Into::into))
        .collect();
    Some((customer.id.clone(), ids))
}

/// The users in view changed (scrolled, loaded): cancel the licence loads of rows that left
/// the view, and load the rest once the cursor has rested.
pub(crate) fn schedule_rows(model: &mut Model, now: Instant, fx: &mut Fx) {
    let in_view = users_in_view(model);
    let issued = std::mem::take(&mut model.rows.issued);
    for (query, id) in issued {
        let still = matches!(
            (&query, &in_view),
            (Query::Licenses { user_id, .. }, Some((_, ids))) if ids.contains(user_id)
        );
        if model.cache.waiting_for(&query) != Some(id) {
            continue;
        }
        if still || model.shows(&query) {
            model.rows.issued.push((query, id));
        } else {
            model.cache.abandon(&query, id);
            fx.effects.push(Effect::Cancel(id));
        }
    }
    model.rows.due = in_view.map(|_| now + model.settings.debounce);
}

/// Loads the licences of the users in view once the cursor has rested.
pub(crate) fn fire_rows(model: &mut Model, now: Instant, fx: &mut Fx) {
    if model.rows.due.is_none_or(|due| due > now) {
        return;
    }
    model.rows.due = None;
    let Some((customer, ids)) = users_in_view(model) else {
        return;
    };
    let known = |id: &str| {
        model
            .cache
            .snapshot
            .as_ref()
            .is_some_and(|s| s.users.contains_key(id))
    };
    let wanted: Vec<Query> = ids
        .iter()
        .filter(|id| !known(id))
        .map(|id| licenses_query(&customer, id))
        .filter(|q| model.cache.status(q) == super::cache::LoadStatus::NotLoaded)
        .collect();
    for query in wanted {
        // Loads the operator did not ask for get their own correlation id.
        let mut own = Fx::new();
        super::loading::load(model, &query, &mut own);
        if let Some(id) = model.cache.waiting_for(&query) {
            model.rows.issued.push((query, id));
        }
        fx.effects.append(&mut own.effects);
    }
}
