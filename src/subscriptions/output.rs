//! How subscriptions print in `pcx subscriptions` (table and CSV; JSON is the API's own
//! object). Days left count from today in UTC.

use super::dates::{self, days_between, shown, term_words, today_utc};
use crate::api::Subscription;
use crate::output::{Listable, opt, text};

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

impl Listable for Subscription {
    const CSV_HEADER: &'static [&'static [&'static str]] = &[&[
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
    ]];
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
