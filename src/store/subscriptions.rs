//! The subscriptions of a snapshot: written with their customer (in its transaction), and
//! read back with each customer's subscribed SKUs for the renewals report. SQL only.

use super::records::CustomerRecord;
use super::{Store, StoreError};
use crate::subscriptions::SkuMatch;
use rusqlite::{Transaction, params};

/// A stored subscription, as the renewals report reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSubscription {
    pub customer_id: String,
    pub company_name: Option<String>,
    /// The subscription as Partner Center sent it.
    pub raw: String,
    /// The subscribed SKU the scan tied it to.
    pub sku: Option<SkuMatch>,
}

/// Inserts a customer's subscriptions (its old rows are already deleted).
pub(super) fn write(
    tx: &Transaction<'_>,
    snapshot: i64,
    c: &CustomerRecord,
) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO subscriptions (snapshot, customer_id, subscription_id, offer_id, offer_name,
             quantity, status, term_duration, billing_cycle, commitment_end_date, auto_renew, sku_id,
             matched_by, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for s in &c.subscriptions {
        insert.execute(params![
            snapshot,
            c.id,
            s.subscription_id,
            s.terms.offer_id,
            s.terms.offer_name,
            s.terms.quantity,
            s.terms.status,
            s.terms.term_duration,
            s.terms.billing_cycle,
            s.terms.commitment_end_date,
            s.auto_renew,
            s.sku.as_ref().map(|m| &*m.sku_id),
            s.sku.as_ref().map(|m| m.by.as_str()),
            s.raw
        ])?;
    }
    Ok(())
}

impl Store {
    /// Every subscription of a snapshot, customer by customer.
    pub fn subscriptions(&self, snapshot: i64) -> Result<Vec<StoredSubscription>, StoreError> {
        self.rows(
            "SELECT s.customer_id, c.company_name, s.raw, s.sku_id, s.matched_by
             FROM subscriptions s LEFT JOIN customers c
                 ON c.snapshot = s.snapshot AND c.customer_id = s.customer_id
             WHERE s.snapshot = ?1 ORDER BY s.customer_id, s.subscription_id",
            params![snapshot],
            |r| {
                Ok(StoredSubscription {
                    customer_id: r.get(0)?,
                    company_name: r.get(1)?,
                    raw: r.get(2)?,
                    sku: SkuMatch::stored(r.get(3)?, r.get(4)?),
                })
            },
        )
    }

    /// The raw subscribed SKUs of one customer in a snapshot.
    pub fn sku_raws(&self, snapshot: i64, customer_id: &str) -> Result<Vec<String>, StoreError> {
        self.rows(
            "SELECT raw FROM skus WHERE snapshot = ?1 AND customer_id = ?2 ORDER BY sku_id",
            params![snapshot, customer_id],
            |r| r.get(0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::SubscriptionRecord;
    use crate::subscriptions::MatchedBy;

    use super::*;

    fn customer(id: &str, subs: &[(&str, Option<&str>)]) -> CustomerRecord {
        CustomerRecord {
            id: id.into(),
            raw: "{}".into(),
            subscriptions: subs
                .iter()
                .map(|(sid, sku)| SubscriptionRecord {
                    subscription_id: (*sid).into(),
                    sku: sku.map(|id| SkuMatch {
                        sku_id: id.into(),
                        by: MatchedBy::Id,
                    }),
                    raw: format!(r#"{{"id":"{sid}"}}"#),
                    ..SubscriptionRecord::default()
                })
                .collect(),
            ..CustomerRecord::default()
        }
    }

    #[test]
    fn a_customers_subscriptions_are_replaced_never_doubled() {
        let (mut store, snapshot) = Store::in_memory_with_snapshot(false);
        store
            .write_customer(
                snapshot,
                &customer("c1", &[("s1", Some("k1")), ("s2", None)]),
            )
            .unwrap();
        store
            .write_customer(snapshot, &customer("c2", &[("s3", Some("k1"))]))
            .unwrap();
        // A retried customer: its rows are replaced as a whole.
        store
            .write_customer(snapshot, &customer("c1", &[("s1", Some("k2"))]))
            .unwrap();
        let rows = store.subscriptions(snapshot).unwrap();
        let seen: Vec<(&str, Option<&str>)> = rows
            .iter()
            .map(|r| (r.customer_id.as_str(), r.sku.as_ref().map(|m| &*m.sku_id)))
            .collect();
        assert_eq!(seen, [("c1", Some("k2")), ("c2", Some("k1"))]);
        assert_eq!(rows[0].raw, r#"{"id":"s1"}"#);
        assert!(store.subscriptions(snapshot + 1).unwrap().is_empty());
    }
}
