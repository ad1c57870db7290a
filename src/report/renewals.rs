//! `pcx report renewals`: the subscriptions of a snapshot that end within a window, each with
//! the unassigned seats of the subscribed SKU it feeds and the flag `reduce-before-renewal`
//! when it will renew while seats sit unassigned. Days count from the snapshot's day (UTC),
//! so a report of a snapshot always says the same. The judgement itself is
//! `crate::subscriptions::renewals`, shared with the explorer's `▲`.

use super::{Cell, Column, Report, col, data, shown};
use crate::api::{Resource, SubscribedSku, Subscription};
use crate::store::{Store, StoreError, StoredSubscription};
use crate::subscriptions::dates::{self, term_words};
use crate::subscriptions::{RenewalRow, SkuMatch, renewals as judge};
use jiff::civil::Date;
use serde_json::value::RawValue;

const RENEWALS: &[Column] = &[
    data("customerId"),
    shown("CUSTOMER"),
    data("subscriptionId"),
    data("offerId"),
    col("offerName", "OFFER"),
    col("quantity", "QTY"),
    col("status", "STATUS"),
    shown("TERM"),
    data("termDuration"),
    data("billingCycle"),
    data("commitmentEndDate"),
    shown("ENDS"),
    col("daysLeft", "DAYS"),
    col("autoRenewEnabled", "RENEWS"),
    data("skuId"),
    col("matchedBy", "MATCHED BY"),
    col("availableSeats", "FREE"),
    col("flag", "FLAG"),
];

/// The day a snapshot was taken (UTC); today if the store does not say.
fn snapshot_day(store: &Store, snapshot: i64) -> Result<Date, StoreError> {
    let started = store
        .snapshots()?
        .into_iter()
        .find(|s| s.id == snapshot)
        .map(|s| s.started);
    Ok(started
        .as_deref()
        .and_then(dates::utc_date)
        .unwrap_or_else(dates::today_utc))
}

/// Subscriptions ending within `within` days of the snapshot's day, soonest first.
pub fn renewals(store: &Store, snapshot: i64, within: i64) -> Result<Report, StoreError> {
    let today = snapshot_day(store, snapshot)?;
    let stored = store.subscriptions(snapshot)?;
    let mut rows: Vec<(Option<String>, RenewalRow)> = Vec::new();
    for customer in stored.chunk_by(|a, b| a.customer_id == b.customer_id) {
        let Some(first) = customer.first() else {
            continue;
        };
        let skus: Vec<Resource<SubscribedSku>> = store
            .sku_raws(snapshot, &first.customer_id)?
            .into_iter()
            .filter_map(|raw| RawValue::from_string(raw).ok().map(Resource::from_raw))
            .collect();
        let (subs, matches): (Vec<Resource<Subscription>>, Vec<Option<SkuMatch>>) = customer
            .iter()
            .filter_map(|s| Some((parsed(s)?, s.sku.clone())))
            .unzip();
        for row in judge(&first.customer_id, &subs, &matches, &skus, today, within) {
            rows.push((first.company_name.clone(), row));
        }
    }
    rows.sort_by(|(a_name, a), (b_name, b)| {
        (a.days_left, a_name, &a.terms.offer_name).cmp(&(b.days_left, b_name, &b.terms.offer_name))
    });
    let mut report = Report::new(RENEWALS);
    report.keep = &[0];
    for (company, r) in rows {
        report.push(cells(company, r));
    }
    Ok(report)
}

fn parsed(s: &StoredSubscription) -> Option<Resource<Subscription>> {
    RawValue::from_string(s.raw.clone())
        .ok()
        .map(Resource::from_raw)
}

fn cells(company: Option<String>, r: RenewalRow) -> Vec<Cell> {
    let term = format!(
        "{} {}",
        term_words(r.terms.term_duration.as_deref().unwrap_or_default()),
        r.terms.billing_cycle.as_deref().unwrap_or_default()
    );
    vec![
        Cell::Text(r.customer_id.clone()),
        Cell::Text(company.unwrap_or(r.customer_id)),
        Cell::Text(r.subscription_id),
        Cell::text(r.terms.offer_id.as_deref()),
        Cell::text(r.terms.offer_name.as_deref()),
        Cell::int(r.terms.quantity),
        Cell::text(r.terms.status.as_deref()),
        Cell::Text(term.trim().to_string()),
        Cell::text(r.terms.term_duration.as_deref()),
        Cell::text(r.terms.billing_cycle.as_deref()),
        Cell::text(r.terms.commitment_end_date.as_deref()),
        Cell::Text(dates::shown(r.terms.commitment_end_date.as_deref())),
        Cell::int(r.days_left),
        r.auto_renew_enabled.map_or(Cell::Null, Cell::Bool),
        Cell::text(r.sku_id.as_deref()),
        Cell::text(r.matched_by),
        Cell::int(r.available_seats),
        Cell::text(r.flag),
    ]
}
