//! How subscriptions and renewal rows print in `pcx subscriptions` and `pcx report renewals`
//! (table and CSV; JSON is the API's own object, or the renewal row as named in the issue).
//! Days left count from today in UTC, read once per row.

use super::dates::{self, days_between, shown, term_words, today_utc};
use super::renewals::RenewalRow;
use crate::api::Subscription;
use crate::output::Rows;

fn text(value: &Option<Box<str>>) -> String {
    value.as_deref().unwrap_or_default().to_string()
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "on".into(),
        Some(false) => "off".into(),
        None => String::new(),
    }
}

fn days_left(end: Option<&str>) -> Option<i64> {
    days_between(today_utc(), dates::utc_date(end?)?)
}

impl Rows for Subscription {
    const CSV_HEADER: &'static [&'static str] = &[
        "id",
        "offerId",
        "offerName",
        "friendlyName",
        "quantity",
        "unitType",
        "status",
        "termDuration",
        "billingCycle",
        "creationDate",
        "effectiveStartDate",
        "commitmentEndDate",
        "daysLeft",
        "autoRenewEnabled",
        "isTrial",
        "cancellationAllowedUntilDate",
        "contractType",
        "refundableQuantity",
    ];
    const TABLE_HEADER: &'static [&'static str] = &[
        "OFFER",
        "QTY",
        "STATUS",
        "TERM",
        "BILLING",
        "ENDS",
        "DAYS",
        "AUTO-RENEW",
        "CANCEL UNTIL",
        "SUBSCRIPTION ID",
    ];
    const TABLE_KEEP: &'static [usize] = &[9];

    fn csv_rows(&self) -> Vec<Vec<String>> {
        vec![vec![
            text(&self.id),
            text(&self.offer_id),
            text(&self.offer_name),
            text(&self.friendly_name),
            opt(self.quantity),
            text(&self.unit_type),
            opt(self.status.as_ref()),
            text(&self.term_duration),
            text(&self.billing_cycle),
            text(&self.creation_date),
            text(&self.effective_start_date),
            text(&self.commitment_end_date),
            opt(days_left(self.commitment_end_date.as_deref())),
            opt(self.auto_renew_enabled),
            opt(self.is_trial),
            text(&self.cancellation_allowed_until_date),
            text(&self.contract_type),
            opt(self
                .refundable_quantity
                .as_ref()
                .and_then(|r| r.total_quantity)),
        ]]
    }

    fn table_rows(&self) -> Vec<Vec<String>> {
        let status = match &self.status {
            Some(s) if s.is_stopped() => format!("✗ {s}"),
            Some(s) => s.to_string(),
            None => String::new(),
        };
        let term = match self.is_trial {
            Some(true) => format!("{} (trial)", term_words(&text(&self.term_duration))),
            _ => term_words(&text(&self.term_duration)),
        };
        vec![vec![
            self.label().to_string(),
            opt(self.quantity),
            status,
            term,
            text(&self.billing_cycle),
            shown(self.commitment_end_date.as_deref()),
            opt(days_left(self.commitment_end_date.as_deref())),
            yes_no(self.auto_renew_enabled),
            shown(self.cancellation_allowed_until_date.as_deref()),
            text(&self.id),
        ]]
    }
}

impl Rows for RenewalRow {
    const CSV_HEADER: &'static [&'static str] = &[
        "customerId",
        "subscriptionId",
        "offerId",
        "offerName",
        "quantity",
        "status",
        "termDuration",
        "billingCycle",
        "commitmentEndDate",
        "daysLeft",
        "autoRenewEnabled",
        "skuId",
        "matchedBy",
        "availableSeats",
        "flag",
    ];
    const TABLE_HEADER: &'static [&'static str] = &[
        "FLAG",
        "CUSTOMER",
        "OFFER",
        "QTY",
        "TERM",
        "ENDS",
        "DAYS",
        "AUTO-RENEW",
        "FREE SEATS",
        "MATCHED BY",
    ];
    const TABLE_KEEP: &'static [usize] = &[1];

    fn csv_rows(&self) -> Vec<Vec<String>> {
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        vec![vec![
            self.customer_id.clone(),
            self.subscription_id.clone(),
            t(&self.offer_id),
            t(&self.offer_name),
            opt(self.quantity),
            t(&self.status),
            t(&self.term_duration),
            t(&self.billing_cycle),
            t(&self.commitment_end_date),
            opt(self.days_left),
            opt(self.auto_renew_enabled),
            t(&self.sku_id),
            opt(self.matched_by),
            opt(self.available_seats),
            opt(self.flag),
        ]]
    }

    fn table_rows(&self) -> Vec<Vec<String>> {
        let t = |v: &Option<String>| v.clone().unwrap_or_default();
        let term = format!(
            "{} {}",
            term_words(&t(&self.term_duration)),
            t(&self.billing_cycle)
        );
        vec![vec![
            match self.flag {
                Some(_) => "▲ reduce".into(),
                None => String::new(),
            },
            self.customer_id.clone(),
            t(&self.offer_name),
            opt(self.quantity),
            term.trim().to_string(),
            shown(self.commitment_end_date.as_deref()),
            opt(self.days_left),
            yes_no(self.auto_renew_enabled),
            opt(self.available_seats),
            match self.matched_by {
                Some("name") => "name (guess)".into(),
                Some(by) => by.into(),
                None => "unmatched".into(),
            },
        ]]
    }
}
