//! `pcx diff A B`: what changed between two snapshots of a partner — customers added or gone,
//! seats bought or cut, users joining or leaving, licences assigned or removed, plans whose
//! status changed. Walks both snapshots side by side in key order, so memory stays flat.

use super::names::sku_name;
use super::{Cell, Column, Report, col, data, shown};
use crate::store::{
    CustomerEntry, DiffCursor, LicenseKey, PlanKey, SeatRow, SkuSeats, Store, StoreError, UserKey,
};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A change's columns, one line per part a `Change` builder fills (`new`, `sku`, `seats`,
/// `user`, `plan`, then the table's before/after summary), in the order JSON and CSV keep.
#[rustfmt::skip]
const CHANGES: &[Column] = &[
    col("kind", "CHANGE"), data("customerId"), col("companyName", "CUSTOMER"),
    data("skuId"), col("skuPartNumber", "SKU"), data("skuName"),
    data("totalBefore"), data("totalAfter"), data("consumedBefore"), data("consumedAfter"),
    data("userId"), col("userPrincipalName", "USER"),
    data("servicePlanId"), col("serviceName", "PLAN"), data("statusBefore"), data("statusAfter"),
    shown("BEFORE"), shown("AFTER"),
];

/// Which snapshots to compare.
#[derive(Clone, Copy, Debug)]
pub struct DiffOptions {
    pub before: i64,
    pub after: i64,
}

/// One change, built field by field.
struct Change {
    cells: Vec<Cell>,
}

impl Change {
    fn new(kind: &str, customer: &str, names: &HashMap<String, Option<String>>) -> Self {
        let mut cells = vec![Cell::Null; CHANGES.len()];
        cells[0] = Cell::Text(kind.to_string());
        cells[1] = Cell::Text(customer.to_string());
        cells[2] = Cell::text(names.get(customer).and_then(|n| n.as_deref()));
        Self { cells }
    }

    fn sku(mut self, id: &str, part: Option<&str>) -> Self {
        self.cells[3] = Cell::Text(id.to_string());
        self.cells[4] = Cell::text(part);
        self.cells[5] = Cell::text(sku_name(id));
        self
    }

    fn seats(mut self, before: Option<&SkuSeats>, after: Option<&SkuSeats>) -> Self {
        self.cells[6] = Cell::int(before.and_then(|s| s.total));
        self.cells[7] = Cell::int(after.and_then(|s| s.total));
        self.cells[8] = Cell::int(before.and_then(|s| s.consumed));
        self.cells[9] = Cell::int(after.and_then(|s| s.consumed));
        let side =
            |s: Option<&SkuSeats>| s.map(|s| format!("{}/{}", show(s.consumed), show(s.total)));
        self.cells[16] = Cell::text(side(before).as_deref());
        self.cells[17] = Cell::text(side(after).as_deref());
        self
    }

    fn user(mut self, id: &str, upn: Option<&str>) -> Self {
        self.cells[10] = Cell::Text(id.to_string());
        self.cells[11] = Cell::text(upn);
        self
    }

    fn plan(
        mut self,
        id: &str,
        service: Option<&str>,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Self {
        self.cells[12] = Cell::Text(id.to_string());
        self.cells[13] = Cell::text(service);
        self.cells[14] = Cell::text(before);
        self.cells[15] = Cell::text(after);
        self.cells[16] = Cell::text(before);
        self.cells[17] = Cell::text(after);
        self
    }
}

fn show(n: Option<i64>) -> String {
    n.map_or_else(|| "?".into(), |n| n.to_string())
}

/// The changes from snapshot `before` to snapshot `after`.
pub fn diff(store: &Store, options: DiffOptions) -> Result<Report, StoreError> {
    let DiffOptions {
        before: a,
        after: b,
    } = options;
    let mut report = Report::new(CHANGES);
    report.omit_nulls = true;
    let (names, both) = customers(store, a, b, &mut report)?;
    seats(store, a, b, &both, &names, &mut report)?;
    let mut upns: HashMap<(String, String), Option<String>> = HashMap::new();
    store.walk(&UserKey::WALK, a, b, |step| {
        let (kind, u) = match step {
            DiffCursor::Before(u) => ("user-removed", u),
            DiffCursor::After(u) => ("user-added", u),
            DiffCursor::Both(_, u) => {
                if both.contains(&u.customer_id) {
                    upns.insert((u.customer_id, u.user_id), u.upn);
                }
                return Ok(());
            }
        };
        if both.contains(&u.customer_id) {
            let change =
                Change::new(kind, &u.customer_id, &names).user(&u.user_id, u.upn.as_deref());
            report.push(change.cells);
        }
        Ok(())
    })?;
    let upn = |c: &str, u: &str| upns.get(&(c.to_string(), u.to_string())).cloned().flatten();
    store.walk(&LicenseKey::WALK, a, b, |step| {
        let (kind, l) = match step {
            DiffCursor::Before(l) => ("licence-removed", l),
            DiffCursor::After(l) => ("licence-assigned", l),
            DiffCursor::Both(..) => return Ok(()),
        };
        if upns.contains_key(&(l.customer_id.clone(), l.user_id.clone())) {
            let change = Change::new(kind, &l.customer_id, &names)
                .sku(&l.sku_id, l.part_number.as_deref())
                .user(&l.user_id, upn(&l.customer_id, &l.user_id).as_deref());
            report.push(change.cells);
        }
        Ok(())
    })?;
    for (plans, of_users) in [(&PlanKey::SKU_PLANS, false), (&PlanKey::USER_PLANS, true)] {
        store.walk(plans, a, b, |step| {
            let DiffCursor::Both(p, q) = step else {
                return Ok(());
            };
            if p.plan.status == q.plan.status || !both.contains(&q.customer_id) {
                return Ok(());
            }
            let mut change =
                Change::new("plan-status-changed", &q.customer_id, &names).sku(&q.sku_id, None);
            if of_users {
                change = change.user(&q.user_id, upn(&q.customer_id, &q.user_id).as_deref());
            }
            let change = change.plan(
                &q.plan.plan_id,
                q.plan.service_name.as_deref(),
                p.plan.status.as_deref(),
                q.plan.status.as_deref(),
            );
            report.push(change.cells);
            Ok(())
        })?;
    }
    Ok(report)
}

type Names = HashMap<String, Option<String>>;

/// Customers added and gone; returns every customer's name and the customers both snapshots
/// read (details are compared only there: a 403 this month is not "every user gone").
fn customers(
    store: &Store,
    a: i64,
    b: i64,
    report: &mut Report,
) -> Result<(Names, HashSet<String>), StoreError> {
    let (list_a, list_b) = (store.customer_list(a)?, store.customer_list(b)?);
    let mut names: Names = HashMap::new();
    for (id, name, _) in list_a.iter().chain(&list_b) {
        if name.is_some() || !names.contains_key(id) {
            names.insert(id.clone(), name.clone());
        }
    }
    let ids =
        |list: &[CustomerEntry]| -> HashSet<String> { list.iter().map(|c| c.0.clone()).collect() };
    let (ids_a, ids_b) = (ids(&list_a), ids(&list_b));
    for (id, _, _) in list_b.iter().filter(|c| !ids_a.contains(&c.0)) {
        report.push(Change::new("customer-added", id, &names).cells);
    }
    for (id, _, _) in list_a.iter().filter(|c| !ids_b.contains(&c.0)) {
        report.push(Change::new("customer-removed", id, &names).cells);
    }
    let read = |list: &[CustomerEntry]| -> HashSet<String> {
        list.iter()
            .filter(|c| c.2.is_none())
            .map(|c| c.0.clone())
            .collect()
    };
    let both = read(&list_a)
        .intersection(&read(&list_b))
        .cloned()
        .collect();
    Ok((names, both))
}

/// Seats bought or cut (total) and assigned (consumed) per customer x SKU; SKUs that appear
/// or disappear in a customer present both times.
fn seats(
    store: &Store,
    a: i64,
    b: i64,
    both: &HashSet<String>,
    names: &Names,
    report: &mut Report,
) -> Result<(), StoreError> {
    let index = |rows: Vec<SeatRow>| -> BTreeMap<(String, String), SkuSeats> {
        rows.into_iter()
            .filter(|r| both.contains(&r.customer_id))
            .map(|r| ((r.customer_id, r.sku.sku_id.clone()), r.sku))
            .collect()
    };
    let (before, after) = (index(store.seats(a)?), index(store.seats(b)?));
    let keys: std::collections::BTreeSet<&(String, String)> =
        before.keys().chain(after.keys()).collect();
    for key in keys {
        let (p, q) = (before.get(key), after.get(key));
        let kind = match (p, q) {
            (Some(p), Some(q)) if p.total != q.total || p.consumed != q.consumed => "seats-changed",
            (Some(_), Some(_)) => continue,
            (Some(_), None) => "sku-removed",
            (None, _) => "sku-added",
        };
        let part = q.or(p).and_then(|s| s.part_number.as_deref());
        let change = Change::new(kind, &key.0, names)
            .sku(&key.1, part)
            .seats(p, q);
        report.push(change.cells);
    }
    Ok(())
}
