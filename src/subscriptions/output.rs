//! How subscriptions print in `pcx subscriptions` (table and CSV; JSON is the API's own
//! object). Days left count from today in UTC.

use super::dates::{self, days_between, shown, term_words, today_utc};
use crate::api::Subscription;
use crate::output::{Listable, one_row_columns, opt, text};

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
    one_row_columns!(csv {
        "id" => |s| text(&s.id),
        "offerId" => |s| text(&s.offer_id),
        "offerName" => |s| text(&s.offer_name),
        "friendlyName" => |s| text(&s.friendly_name),
        "quantity" => |s| opt(s.quantity),
        "unitType" => |s| text(&s.unit_type),
        "status" => |s| opt(s.status.as_ref()),
        "termDuration" => |s| text(&s.term_duration),
        "billingCycle" => |s| text(&s.billing_cycle),
        "creationDate" => |s| text(&s.creation_date),
        "effectiveStartDate" => |s| text(&s.effective_start_date),
        "commitmentEndDate" => |s| text(&s.commitment_end_date),
        "daysLeft" => |s| opt(days_left(s.commitment_end_date.as_deref())),
        "autoRenewEnabled" => |s| opt(s.auto_renew_enabled),
        "isTrial" => |s| opt(s.is_trial),
        "cancellationAllowedUntilDate" => |s| text(&s.cancellation_allowed_until_date),
        "contractType" => |s| text(&s.contract_type),
        "refundableQuantity" => |s| {
            opt(s.refundable_quantity.as_ref().and_then(|r| r.total_quantity))
        },
    });
    one_row_columns!(table {
        "OFFER" => |s| s.label().to_string(),
        "QTY" => |s| opt(s.quantity),
        "STATUS" => |s| match &s.status {
            Some(status) if status.is_stopped() => format!("✗ {status}"),
            status => opt(status.as_ref()),
        },
        "TERM" => |s| {
            let term = term_words(&text(&s.term_duration));
            match s.is_trial {
                Some(true) => format!("{term} (trial)"),
                _ => term,
            }
        },
        "BILLING" => |s| text(&s.billing_cycle),
        "ENDS" => |s| shown(s.commitment_end_date.as_deref()),
        "DAYS" => |s| opt(days_left(s.commitment_end_date.as_deref())),
        "AUTO-RENEW" => |s| yes_no(s.auto_renew_enabled),
        "CANCEL UNTIL" => |s| shown(s.cancellation_allowed_until_date.as_deref()),
        "SUBSCRIPTION ID" => |s| text(&s.id),
    });
    const TABLE_KEEP: &'static [usize] = &[9];
}
