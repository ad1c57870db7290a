//! The store's schema and its migrations, numbered by `PRAGMA user_version`. A migration runs
//! in one transaction; a store from a newer pcx is refused before anything is written.

use super::{Location, StoreError, write_error};
use rusqlite::Connection;

/// The schema this pcx writes.
pub const SCHEMA_VERSION: i64 = 2;

/// Migration `i` brings a store from version `i` to `i + 1`. New tables (subscriptions, say)
/// are a new entry here, never an edit of an old one.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: snapshots of customers, subscribed SKUs, users and their licences.
    "
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        base_url TEXT NOT NULL,
        tenant TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        with_users INTEGER NOT NULL,
        scope TEXT NOT NULL,
        complete INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        throttled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE customers (
        snapshot INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        company_name TEXT,
        domain TEXT,
        failure TEXT,
        raw TEXT NOT NULL,
        PRIMARY KEY (snapshot, customer_id)
    ) WITHOUT ROWID;
    CREATE TABLE skus (
        snapshot INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        sku_id TEXT NOT NULL,
        part_number TEXT,
        sku_name TEXT,
        status TEXT,
        total INTEGER,
        consumed INTEGER,
        available INTEGER,
        warning INTEGER,
        suspended INTEGER,
        raw TEXT NOT NULL,
        PRIMARY KEY (snapshot, customer_id, sku_id)
    ) WITHOUT ROWID;
    CREATE TABLE sku_plans (
        snapshot INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        sku_id TEXT NOT NULL,
        plan_id TEXT NOT NULL,
        service_name TEXT,
        status TEXT,
        attention INTEGER NOT NULL,
        PRIMARY KEY (snapshot, customer_id, sku_id, plan_id)
    ) WITHOUT ROWID;
    CREATE TABLE users (
        snapshot INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        upn TEXT,
        display_name TEXT,
        raw TEXT NOT NULL,
        PRIMARY KEY (snapshot, customer_id, user_id)
    ) WITHOUT ROWID;
    CREATE TABLE licences (
        snapshot INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        sku_id TEXT NOT NULL,
        part_number TEXT,
        raw TEXT NOT NULL,
        PRIMARY KEY (snapshot, customer_id, user_id, sku_id)
    ) WITHOUT ROWID;
    CREATE TABLE user_plans (
        snapshot INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        sku_id TEXT NOT NULL,
        plan_id TEXT NOT NULL,
        service_name TEXT,
        status TEXT,
        attention INTEGER NOT NULL,
        PRIMARY KEY (snapshot, customer_id, user_id, sku_id, plan_id)
    ) WITHOUT ROWID;
    -- The problems report reads only the few plans that need attention.
    CREATE INDEX user_plans_attention ON user_plans (snapshot) WHERE attention = 1;
    ",
    // 1 -> 2: each customer's subscriptions, with the subscribed SKU the scan joined them to.
    "
    CREATE TABLE subscriptions (
        snapshot INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        subscription_id TEXT NOT NULL,
        offer_id TEXT,
        offer_name TEXT,
        quantity INTEGER,
        status TEXT,
        term_duration TEXT,
        billing_cycle TEXT,
        commitment_end_date TEXT,
        auto_renew INTEGER,
        sku_id TEXT,
        matched_by TEXT,
        raw TEXT NOT NULL,
        PRIMARY KEY (snapshot, customer_id, subscription_id)
    ) WITHOUT ROWID;
    ",
];

/// Checks the version and applies the migrations this store lacks.
pub(super) fn migrate(conn: &mut Connection, location: &Location) -> Result<(), StoreError> {
    let read = |source| StoreError::Read {
        location: location.clone(),
        source,
    };
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(read)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            location: location.clone(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    if let Location::File(_) = location {
        // WAL lets reports read while a scan writes; a read-only file keeps its mode.
        let mode: Result<String, _> = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
        if let Err(e) = mode {
            tracing::info!(error = %e, "the store stays in its journal mode");
        }
        let _ = conn.execute_batch("PRAGMA synchronous = NORMAL");
    }
    for version in found..SCHEMA_VERSION {
        let tx = conn.transaction().map_err(|e| write_error(location, e))?;
        tx.execute_batch(MIGRATIONS[version as usize])
            .map_err(|e| write_error(location, e))?;
        tx.pragma_update(None, "user_version", version + 1)
            .map_err(|e| write_error(location, e))?;
        tx.commit().map_err(|e| write_error(location, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_has_its_migration() {
        assert_eq!(MIGRATIONS.len() as i64, SCHEMA_VERSION);
    }

    #[test]
    fn a_version_1_store_gains_subscriptions_and_keeps_its_rows() {
        let path = std::env::temp_dir().join(format!("pcx-v1-{}.sqlite", std::process::id()));
        let _ = std::fs::remove_file(&path);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(
                "INSERT INTO customers VALUES (1, 'c1', 'Contoso', NULL, NULL, '{}');
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let store = super::super::Store::open(&Location::File(path.clone())).unwrap();
        assert!(store.subscriptions(1).unwrap().is_empty());
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        let kept: i64 = conn
            .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
            .unwrap();
        assert_eq!((version, kept), (SCHEMA_VERSION, 1));
        drop(conn);
        let _ = std::fs::remove_file(&path);
    }
}
