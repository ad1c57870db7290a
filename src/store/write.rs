//! Writes: creating a snapshot, one transaction per scanned customer, and closing a snapshot.
//! A customer's rows are replaced as a whole, so a retried or resumed customer never doubles.

use super::read::SnapshotInfo;
use super::records::{CustomerRecord, PlanRecord};
use super::{PartnerKey, Store, StoreError};
use crate::api::status::{PlanHealth, plan_health};
use rusqlite::{Transaction, params};
use std::collections::HashSet;

/// A snapshot about to start.
#[derive(Clone, Debug)]
pub struct NewSnapshot {
    pub partner: PartnerKey,
    pub with_users: bool,
    /// What was asked for (`all`, `search:PREFIX`, `customers:ID,ID`), so a resume repeats it.
    pub scope: String,
}

/// Request figures added to a snapshot when a scan (or a resumed part of it) stops.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanCounters {
    pub requests: u64,
    pub throttled: u64,
}

const TABLES: &[&str] = &[
    "customers",
    "skus",
    "sku_plans",
    "users",
    "licences",
    "user_plans",
    "subscriptions",
];

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn attention(status: Option<&str>) -> bool {
    plan_health(status.unwrap_or_default()) == PlanHealth::NeedsAttention
}

impl Store {
    /// Starts a snapshot; it stays incomplete until `finish_snapshot(.., true)`.
    pub fn create_snapshot(&mut self, new: &NewSnapshot) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO snapshots (base_url, tenant, started, with_users, scope) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![new.partner.base_url, new.partner.tenant, now(), new.with_users, new.scope],
            )
            .map_err(|e| self.write_error(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The partner's newest snapshot, if it is incomplete (what `--resume` continues).
    pub fn resumable(&self, partner: &PartnerKey) -> Result<Option<SnapshotInfo>, StoreError> {
        let latest = self
            .snapshots()?
            .into_iter()
            .rev()
            .find(|s| s.base_url == partner.base_url && s.tenant == partner.tenant);
        Ok(latest.filter(|s| !s.complete))
    }

    /// Customers of a snapshot already stored without a failure: a resume skips them.
    pub fn done_customers(&self, snapshot: i64) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT customer_id FROM customers WHERE snapshot = ?1 AND failure IS NULL")
            .map_err(|e| self.read_error(e))?;
        let rows = stmt
            .query_map([snapshot], |r| r.get::<_, String>(0))
            .map_err(|e| self.read_error(e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.read_error(e))
    }

    /// Stores one customer in one transaction, replacing whatever the snapshot held for it.
    pub fn write_customer(
        &mut self,
        snapshot: i64,
        customer: &CustomerRecord,
    ) -> Result<(), StoreError> {
        let location = self.location.clone();
        let fail = |e| super::write_error(&location, e);
        let tx = self.conn.transaction().map_err(fail)?;
        write_rows(&tx, snapshot, customer).map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Adds the scan's request figures and, when `complete`, marks the snapshot finished.
    pub fn finish_snapshot(
        &mut self,
        snapshot: i64,
        counters: ScanCounters,
        complete: bool,
    ) -> Result<(), StoreError> {
        let finished = complete.then(now);
        self.conn
            .execute(
                "UPDATE snapshots SET requests = requests + ?2, throttled = throttled + ?3,
                     complete = ?4, finished = COALESCE(?5, finished) WHERE id = ?1",
                params![
                    snapshot,
                    counters.requests as i64,
                    counters.throttled as i64,
                    complete,
                    finished
                ],
            )
            .map_err(|e| self.write_error(e))?;
        Ok(())
    }
}

fn write_rows(tx: &Transaction<'_>, snapshot: i64, c: &CustomerRecord) -> rusqlite::Result<()> {
    for table in TABLES {
        tx.prepare_cached(&format!(
            "DELETE FROM {table} WHERE snapshot = ?1 AND customer_id = ?2"
        ))?
        .execute(params![snapshot, c.id])?;
    }
    tx.prepare_cached(
        "INSERT INTO customers (snapshot, customer_id, company_name, domain, failure, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![snapshot, c.id, c.company_name, c.domain, c.failure, c.raw])?;
    write_skus(tx, snapshot, c)?;
    super::subscriptions::write(tx, snapshot, c)?;
    write_users(tx, snapshot, c)
}

/// Inserts a customer's subscribed SKUs and their tenant-level plans.
fn write_skus(tx: &Transaction<'_>, snapshot: i64, c: &CustomerRecord) -> rusqlite::Result<()> {
    let mut sku = tx.prepare_cached(
        "INSERT OR REPLACE INTO skus (snapshot, customer_id, sku_id, part_number, sku_name, status, total, consumed,
             available, warning, suspended, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut sku_plan = tx.prepare_cached(
        "INSERT OR REPLACE INTO sku_plans (snapshot, customer_id, sku_id, plan_id, service_name, status, attention)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in &c.skus {
        sku.execute(params![
            snapshot,
            c.id,
            s.sku.sku_id,
            s.sku.part_number,
            s.sku.name,
            s.sku.status,
            s.sku.total,
            s.sku.consumed,
            s.sku.available,
            s.sku.warning,
            s.sku.suspended,
            s.raw
        ])?;
        for p in &s.plans {
            plan_row(&mut sku_plan, snapshot, &c.id, &s.sku.sku_id, p)?;
        }
    }
    Ok(())
}

/// Inserts a customer's users, their licences and the licences' plans.
fn write_users(tx: &Transaction<'_>, snapshot: i64, c: &CustomerRecord) -> rusqlite::Result<()> {
    let mut user = tx.prepare_cached(
        "INSERT OR REPLACE INTO users (snapshot, customer_id, user_id, upn, display_name, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut license = tx.prepare_cached(
        "INSERT OR REPLACE INTO licences (snapshot, customer_id, user_id, sku_id, part_number, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut user_plan = tx.prepare_cached(
        "INSERT OR REPLACE INTO user_plans (snapshot, customer_id, user_id, sku_id, plan_id, service_name, status, attention)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for u in &c.users {
        user.execute(params![
            snapshot,
            c.id,
            u.user_id,
            u.upn,
            u.display_name,
            u.raw
        ])?;
        for l in &u.licenses {
            license.execute(params![
                snapshot,
                c.id,
                u.user_id,
                l.sku_id,
                l.part_number,
                l.raw
            ])?;
            for p in &l.plans {
                user_plan.execute(params![
                    snapshot,
                    c.id,
                    u.user_id,
                    l.sku_id,
                    p.plan_id,
                    p.service_name,
                    p.status,
                    attention(p.status.as_deref())
                ])?;
            }
        }
    }
    Ok(())
}

fn plan_row(
    stmt: &mut rusqlite::CachedStatement<'_>,
    snapshot: i64,
    customer: &str,
    sku: &str,
    p: &PlanRecord,
) -> rusqlite::Result<usize> {
    stmt.execute(params![
        snapshot,
        customer,
        sku,
        p.plan_id,
        p.service_name,
        p.status,
        attention(p.status.as_deref())
    ])
}

#[cfg(test)]
impl Store {
    /// A store in memory with one new snapshot of a test partner, for unit tests.
    pub(super) fn in_memory_with_snapshot(with_users: bool) -> (Store, i64) {
        let mut store = Store::open(&super::Location::Memory).unwrap();
        let snapshot = store
            .create_snapshot(&NewSnapshot {
                partner: PartnerKey {
                    base_url: "test".into(),
                    tenant: String::new(),
                },
                with_users,
                scope: "all".into(),
            })
            .unwrap();
        (store, snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LicenseRecord, SkuRecord, SkuSeats, UserRecord};
    use super::*;

    fn customer(id: &str, failure: Option<&str>) -> CustomerRecord {
        let plan = |status: &str| PlanRecord {
            plan_id: "p1".into(),
            service_name: Some("EXCHANGE".into()),
            status: Some(status.into()),
        };
        CustomerRecord {
            id: id.into(),
            raw: "{}".into(),
            failure: failure.map(str::to_string),
            skus: vec![SkuRecord {
                sku: SkuSeats {
                    sku_id: "s1".into(),
                    total: Some(3),
                    consumed: Some(4),
                    ..SkuSeats::default()
                },
                raw: "{}".into(),
                plans: vec![plan("Enabled")],
            }],
            users: vec![UserRecord {
                user_id: "u1".into(),
                raw: "{}".into(),
                licenses: vec![LicenseRecord {
                    sku_id: "s1".into(),
                    raw: "{}".into(),
                    plans: vec![plan("Suspended")],
                    ..LicenseRecord::default()
                }],
                ..UserRecord::default()
            }],
            ..CustomerRecord::default()
        }
    }

    #[test]
    fn a_customer_written_twice_is_stored_once_and_failures_are_not_done() {
        let (mut store, snapshot) = Store::in_memory_with_snapshot(true);
        store
            .write_customer(snapshot, &customer("a", None))
            .unwrap();
        store
            .write_customer(snapshot, &customer("a", None))
            .unwrap();
        store
            .write_customer(snapshot, &customer("b", Some("403")))
            .unwrap();
        assert_eq!(
            store.done_customers(snapshot).unwrap(),
            HashSet::from(["a".to_string()])
        );
        assert_eq!(store.seats(snapshot).unwrap().len(), 2);
        let problems = store.problem_plans(snapshot).unwrap();
        assert_eq!(
            problems.len(),
            2,
            "the suspended user plan, once per customer: {problems:?}"
        );
        assert!(
            problems
                .iter()
                .all(|p| p.status.as_deref() == Some("Suspended"))
        );
        let info = store.pick_snapshot(None, None);
        assert!(info.is_err(), "not complete yet");
        store
            .finish_snapshot(
                snapshot,
                ScanCounters {
                    requests: 5,
                    throttled: 1,
                },
                true,
            )
            .unwrap();
        let info = store.pick_snapshot(None, None).unwrap();
        assert_eq!(
            (info.customers, info.users, info.failures, info.requests),
            (2, 2, 1, 5)
        );
    }
}
