//! Reads: the snapshot list, the rows each report needs, and ordered walks of two snapshots
//! side by side for the diff (a merge on the tables' primary keys, so memory stays flat).

use super::records::{PlanRecord, SkuSeats};
use super::{PartnerKey, Store, StoreError};
use rusqlite::{Row, params};
use std::cmp::Ordering;

/// Reads a row into a struct: its fields from the columns in the order they are named.
/// `from_row!(T at n, { ... })` starts at column `n`, for a struct nested in a row.
macro_rules! from_row {
    ($t:ident { $($field:ident),+ $(,)? }) => {
        from_row!($t at 0, { $($field),+ })
    };
    ($t:ident at $start:expr, { $($field:ident),+ $(,)? }) => {
        |r: &rusqlite::Row<'_>| -> rusqlite::Result<$t> {
            let mut column = $start..;
            Ok($t {
                $($field: r.get(column.next().expect("a column index"))?,)+
            })
        }
    };
}

/// A SKU present in a snapshot: (id, part number, name).
pub type SkuEntry = (String, Option<String>, Option<String>);
/// A service plan present in a snapshot: (id, service name).
pub type PlanEntry = (String, Option<String>);
/// A customer of a snapshot: (id, company name, failure).
pub type CustomerEntry = (String, Option<String>, Option<String>);

/// One snapshot as `pcx snapshots` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub id: i64,
    pub base_url: String,
    pub tenant: String,
    pub started: String,
    pub finished: Option<String>,
    pub with_users: bool,
    pub scope: String,
    pub complete: bool,
    pub customers: i64,
    pub users: i64,
    pub failures: i64,
    pub requests: i64,
    pub throttled: i64,
}

impl SnapshotInfo {
    pub fn partner(&self) -> PartnerKey {
        PartnerKey {
            base_url: self.base_url.clone(),
            tenant: self.tenant.clone(),
        }
    }
}

/// A subscribed SKU of a customer with its seat counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeatRow {
    pub customer_id: String,
    pub company_name: Option<String>,
    pub sku: SkuSeats,
}

/// A plan held by a user (`user_id` set) or by a subscribed SKU; for a who-has match on a
/// SKU, the licence alone (no plan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoldingRow {
    pub customer_id: String,
    pub company_name: Option<String>,
    pub user_id: Option<String>,
    pub upn: Option<String>,
    pub sku_id: String,
    pub part_number: Option<String>,
    pub plan_id: Option<String>,
    pub service_name: Option<String>,
    pub status: Option<String>,
}

fn holding(r: &Row<'_>) -> rusqlite::Result<HoldingRow> {
    from_row!(HoldingRow {
        customer_id,
        company_name,
        user_id,
        upn,
        sku_id,
        part_number,
        plan_id,
        service_name,
        status
    })(r)
}

/// Per customer figures for `report totals`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TotalsRow {
    pub customer_id: String,
    pub company_name: Option<String>,
    pub failure: Option<String>,
    pub users: i64,
    pub licensed_users: i64,
    pub skus: i64,
    pub seats_total: i64,
    pub seats_consumed: i64,
    pub problems: i64,
}

/// A user in an ordered walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserKey {
    pub customer_id: String,
    pub user_id: String,
    pub upn: Option<String>,
}

/// A licence in an ordered walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenseKey {
    pub customer_id: String,
    pub user_id: String,
    pub sku_id: String,
    pub part_number: Option<String>,
}

/// A plan status in an ordered walk; `user_id` is empty for a SKU's tenant-level plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanKey {
    pub customer_id: String,
    pub user_id: String,
    pub sku_id: String,
    pub plan: PlanRecord,
}

/// What a diff walks: its SQL (ordered by the key; `?1` is the snapshot), how a row reads,
/// and the order of the keys (the SQL's `ORDER BY`).
pub struct Walk<K> {
    sql: &'static str,
    read: fn(&Row<'_>) -> rusqlite::Result<K>,
    cmp: fn(&K, &K) -> Ordering,
}

impl UserKey {
    /// The users of a snapshot.
    pub const WALK: Walk<Self> = Walk {
        sql: "SELECT customer_id, user_id, upn FROM users WHERE snapshot = ?1 ORDER BY customer_id, user_id",
        read: from_row!(UserKey {
            customer_id,
            user_id,
            upn
        }),
        cmp: |x, y| (&x.customer_id, &x.user_id).cmp(&(&y.customer_id, &y.user_id)),
    };
}

impl LicenseKey {
    /// The licences of a snapshot.
    pub const WALK: Walk<Self> = Walk {
        sql: "SELECT customer_id, user_id, sku_id, part_number FROM licences WHERE snapshot = ?1
             ORDER BY customer_id, user_id, sku_id",
        read: from_row!(LicenseKey {
            customer_id,
            user_id,
            sku_id,
            part_number
        }),
        cmp: |x, y| {
            (&x.customer_id, &x.user_id, &x.sku_id).cmp(&(&y.customer_id, &y.user_id, &y.sku_id))
        },
    };
}

impl PlanKey {
    /// The plan statuses in users' licences.
    pub const USER_PLANS: Walk<Self> = Walk {
        sql: "SELECT customer_id, user_id, sku_id, plan_id, service_name, status FROM user_plans
             WHERE snapshot = ?1 ORDER BY customer_id, user_id, sku_id, plan_id",
        ..Self::SKU_PLANS
    };
    /// The subscribed SKUs' tenant-level plan statuses.
    pub const SKU_PLANS: Walk<Self> = Walk {
        sql: "SELECT customer_id, '', sku_id, plan_id, service_name, status FROM sku_plans
             WHERE snapshot = ?1 ORDER BY customer_id, sku_id, plan_id",
        read: |r| {
            Ok(PlanKey {
                customer_id: r.get(0)?,
                user_id: r.get(1)?,
                sku_id: r.get(2)?,
                plan: from_row!(PlanRecord at 3, { plan_id, service_name, status })(r)?,
            })
        },
        cmp: |x, y| {
            (&x.customer_id, &x.user_id, &x.sku_id, &x.plan.plan_id).cmp(&(
                &y.customer_id,
                &y.user_id,
                &y.sku_id,
                &y.plan.plan_id,
            ))
        },
    };
}

/// One step of a walk over two snapshots: a key only before, only after, or in both.
#[derive(Debug, PartialEq, Eq)]
pub enum DiffCursor<T> {
    Before(T),
    After(T),
    Both(T, T),
}

const SNAPSHOTS: &str =
    "SELECT s.id, s.base_url, s.tenant, s.started, s.finished, s.with_users, s.scope, s.complete,
        (SELECT COUNT(*) FROM customers c WHERE c.snapshot = s.id),
        (SELECT COUNT(*) FROM users u WHERE u.snapshot = s.id),
        (SELECT COUNT(*) FROM customers c WHERE c.snapshot = s.id AND c.failure IS NOT NULL),
        s.requests, s.throttled
    FROM snapshots s ORDER BY s.id";

impl Store {
    /// Every snapshot, oldest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotInfo>, StoreError> {
        self.rows(
            SNAPSHOTS,
            params![],
            from_row!(SnapshotInfo {
                id,
                base_url,
                tenant,
                started,
                finished,
                with_users,
                scope,
                complete,
                customers,
                users,
                failures,
                requests,
                throttled
            }),
        )
    }

    /// The snapshot a report reads: `id` if given; else the latest complete one of `partner`
    /// (when it has any), else the latest complete one.
    pub fn pick_snapshot(
        &self,
        id: Option<i64>,
        partner: Option<&PartnerKey>,
    ) -> Result<SnapshotInfo, StoreError> {
        let all = self.snapshots()?;
        if let Some(id) = id {
            return all.into_iter().find(|s| s.id == id).ok_or_else(|| {
                StoreError::NotFound(format!(
                    "no snapshot {id} in the store {} (`pcx snapshots` lists them)",
                    self.location
                ))
            });
        }
        self.complete_of(all, partner)
            .pop()
            .ok_or_else(|| self.no_snapshot())
    }

    /// Complete snapshots of `partner` if it has any, else all complete ones; oldest first.
    pub fn complete_of(
        &self,
        all: Vec<SnapshotInfo>,
        partner: Option<&PartnerKey>,
    ) -> Vec<SnapshotInfo> {
        let complete: Vec<SnapshotInfo> = all.into_iter().filter(|s| s.complete).collect();
        let mine = |s: &SnapshotInfo| partner.is_some_and(|p| p.base_url == s.base_url);
        match complete.iter().any(mine) {
            true => complete.into_iter().filter(mine).collect(),
            false => complete,
        }
    }

    pub fn no_snapshot(&self) -> StoreError {
        StoreError::NotFound(format!(
            "no complete snapshot in the store {}; run `pcx scan` (or `pcx scan --resume`) first",
            self.location
        ))
    }

    pub fn seats(&self, snapshot: i64) -> Result<Vec<SeatRow>, StoreError> {
        self.rows(
            "SELECT s.customer_id, c.company_name, s.sku_id, s.part_number, s.sku_name, s.status, s.total,
                    s.consumed, s.available, s.warning, s.suspended
             FROM skus s LEFT JOIN customers c ON c.snapshot = s.snapshot AND c.customer_id = s.customer_id
             WHERE s.snapshot = ?1 ORDER BY c.company_name, s.customer_id, s.part_number, s.sku_id",
            params![snapshot],
            |r| {
                Ok(SeatRow {
                    customer_id: r.get(0)?,
                    company_name: r.get(1)?,
                    sku: from_row!(SkuSeats at 2, {
                        sku_id, part_number, name, status, total, consumed, available, warning,
                        suspended
                    })(r)?,
                })
            },
        )
    }

    /// Plans that need attention: in users' licences, then in subscribed SKUs.
    pub fn problem_plans(&self, snapshot: i64) -> Result<Vec<HoldingRow>, StoreError> {
        let mut rows = self.rows(
            "SELECT p.customer_id, c.company_name, p.user_id, u.upn, p.sku_id, l.part_number, p.plan_id,
                    p.service_name, p.status
             FROM user_plans p INDEXED BY user_plans_attention
             LEFT JOIN customers c ON c.snapshot = p.snapshot AND c.customer_id = p.customer_id
             LEFT JOIN users u ON u.snapshot = p.snapshot AND u.customer_id = p.customer_id AND u.user_id = p.user_id
             LEFT JOIN licences l ON l.snapshot = p.snapshot AND l.customer_id = p.customer_id
                  AND l.user_id = p.user_id AND l.sku_id = p.sku_id
             WHERE p.snapshot = ?1 AND p.attention = 1",
            params![snapshot],
            holding,
        )?;
        rows.extend(self.rows(
            "SELECT p.customer_id, c.company_name, NULL, NULL, p.sku_id, s.part_number, p.plan_id,
                    p.service_name, p.status
             FROM sku_plans p
             LEFT JOIN customers c ON c.snapshot = p.snapshot AND c.customer_id = p.customer_id
             LEFT JOIN skus s ON s.snapshot = p.snapshot AND s.customer_id = p.customer_id AND s.sku_id = p.sku_id
             WHERE p.snapshot = ?1 AND p.attention = 1",
            params![snapshot],
            holding,
        )?);
        Ok(rows)
    }

    /// SKUs (id, part number, name) and plans (id, service name) present in a snapshot, for
    /// matching a who-has query.
    pub fn catalogue(&self, snapshot: i64) -> Result<(Vec<SkuEntry>, Vec<PlanEntry>), StoreError> {
        let skus = self.rows(
            "SELECT sku_id, MAX(part_number), MAX(name) FROM (
                 SELECT sku_id, part_number, sku_name AS name FROM skus WHERE snapshot = ?1
                 UNION ALL SELECT DISTINCT sku_id, part_number, NULL FROM licences WHERE snapshot = ?1)
             GROUP BY sku_id",
            params![snapshot],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let plans = self.rows(
            "SELECT DISTINCT plan_id, service_name FROM user_plans WHERE snapshot = ?1",
            params![snapshot],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((skus, plans))
    }

    /// Users holding one of `sku_ids` (one row per licence), or a plan in `plan_ids`.
    pub fn holders(
        &self,
        snapshot: i64,
        sku_ids: &[String],
        plan_ids: &[String],
    ) -> Result<Vec<HoldingRow>, StoreError> {
        let list = |ids: &[String]| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        self.rows(
            "SELECT l.customer_id, c.company_name, l.user_id, u.upn, l.sku_id, l.part_number, NULL, NULL, NULL
             FROM licences l
             LEFT JOIN customers c ON c.snapshot = l.snapshot AND c.customer_id = l.customer_id
             LEFT JOIN users u ON u.snapshot = l.snapshot AND u.customer_id = l.customer_id AND u.user_id = l.user_id
             WHERE l.snapshot = ?1 AND l.sku_id IN (SELECT value FROM json_each(?2))
             UNION ALL
             SELECT p.customer_id, c.company_name, p.user_id, u.upn, p.sku_id, l.part_number, p.plan_id,
                    p.service_name, p.status
             FROM user_plans p
             LEFT JOIN customers c ON c.snapshot = p.snapshot AND c.customer_id = p.customer_id
             LEFT JOIN users u ON u.snapshot = p.snapshot AND u.customer_id = p.customer_id AND u.user_id = p.user_id
             LEFT JOIN licences l ON l.snapshot = p.snapshot AND l.customer_id = p.customer_id
                  AND l.user_id = p.user_id AND l.sku_id = p.sku_id
             WHERE p.snapshot = ?1 AND p.plan_id IN (SELECT value FROM json_each(?3))
             ORDER BY 2, 1, 4, 6",
            params![snapshot, list(sku_ids), list(plan_ids)],
            holding,
        )
    }

    /// Per customer counts; `problems` counts plans needing attention (users' and SKUs').
    pub fn totals(&self, snapshot: i64) -> Result<Vec<TotalsRow>, StoreError> {
        self.rows(
            "SELECT c.customer_id, c.company_name, c.failure,
                (SELECT COUNT(*) FROM users u WHERE u.snapshot = c.snapshot AND u.customer_id = c.customer_id),
                (SELECT COUNT(DISTINCT l.user_id) FROM licences l WHERE l.snapshot = c.snapshot AND l.customer_id = c.customer_id),
                (SELECT COUNT(*) FROM skus s WHERE s.snapshot = c.snapshot AND s.customer_id = c.customer_id),
                (SELECT COALESCE(SUM(s.total), 0) FROM skus s WHERE s.snapshot = c.snapshot AND s.customer_id = c.customer_id),
                (SELECT COALESCE(SUM(s.consumed), 0) FROM skus s WHERE s.snapshot = c.snapshot AND s.customer_id = c.customer_id),
                (SELECT COUNT(*) FROM user_plans p INDEXED BY user_plans_attention
                     WHERE p.snapshot = c.snapshot AND p.attention = 1 AND p.customer_id = c.customer_id)
                + (SELECT COUNT(*) FROM sku_plans p WHERE p.snapshot = c.snapshot AND p.customer_id = c.customer_id AND p.attention = 1)
             FROM customers c WHERE c.snapshot = ?1 ORDER BY c.company_name, c.customer_id",
            params![snapshot],
            from_row!(TotalsRow {
                customer_id, company_name, failure, users, licensed_users, skus, seats_total,
                seats_consumed, problems
            }),
        )
    }

    /// Customers of a snapshot: (id, name, failure).
    pub fn customer_list(&self, snapshot: i64) -> Result<Vec<CustomerEntry>, StoreError> {
        self.rows(
            "SELECT customer_id, company_name, failure FROM customers WHERE snapshot = ?1 ORDER BY customer_id",
            params![snapshot],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Every row `what` reads of one snapshot, in its order, one at a time.
    pub fn each<K>(
        &self,
        what: &Walk<K>,
        snapshot: i64,
        mut f: impl FnMut(K),
    ) -> Result<(), StoreError> {
        let err = |e| self.read_error(e);
        let mut stmt = self.conn.prepare(what.sql).map_err(err)?;
        let mut rows = stmt.query([snapshot]).map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            f((what.read)(row).map_err(err)?);
        }
        Ok(())
    }

    /// Walks two snapshots side by side in key order: the rows `what` names, read from `a`
    /// and from `b`, each key once (only before, only after, or in both).
    pub fn walk<K>(
        &self,
        what: &Walk<K>,
        a: i64,
        b: i64,
        mut f: impl FnMut(DiffCursor<K>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let Walk { sql, read, cmp } = *what;
        let err = |e| self.read_error(e);
        let mut sa = self.conn.prepare(sql).map_err(err)?;
        let mut sb = self.conn.prepare(sql).map_err(err)?;
        let mut ra = sa.query([a]).map_err(err)?;
        let mut rb = sb.query([b]).map_err(err)?;
        let next = |rows: &mut rusqlite::Rows<'_>| -> Result<Option<K>, StoreError> {
            match rows.next().map_err(err)? {
                Some(row) => Ok(Some(read(row).map_err(err)?)),
                None => Ok(None),
            }
        };
        let mut x = next(&mut ra)?;
        let mut y = next(&mut rb)?;
        loop {
            match (x.take(), y.take()) {
                (None, None) => return Ok(()),
                (Some(p), None) => {
                    f(DiffCursor::Before(p))?;
                    x = next(&mut ra)?;
                }
                (None, Some(q)) => {
                    f(DiffCursor::After(q))?;
                    y = next(&mut rb)?;
                }
                (Some(p), Some(q)) => match cmp(&p, &q) {
                    Ordering::Less => {
                        f(DiffCursor::Before(p))?;
                        x = next(&mut ra)?;
                        y = Some(q);
                    }
                    Ordering::Greater => {
                        f(DiffCursor::After(q))?;
                        y = next(&mut rb)?;
                        x = Some(p);
                    }
                    Ordering::Equal => {
                        f(DiffCursor::Both(p, q))?;
                        x = next(&mut ra)?;
                        y = next(&mut rb)?;
                    }
                },
            }
        }
    }

    pub(super) fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.read_error(e))?;
        let rows = stmt
            .query_map(params, map)
            .map_err(|e| self.read_error(e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| self.read_error(e))
    }
}
