//! The columns of a customer's Subscriptions tab (shown and exported) and the marks of its rows:
//! a subscription renewing soon with seats unassigned, a suspended or expired one. No I/O.

use super::filter::SearchText;
use super::rows::{Cell, Column, Mark, Row, Tone, col, columns, kept_parts, num, or_empty};
use crate::api::SubscriptionStatus;
use crate::fetch::records::SubscriptionRow;
use crate::subscriptions::MatchedBy;
use crate::subscriptions::dates::{shown, term_words};
use crate::subscriptions::renewals::MARK_WITHIN_DAYS;
use std::borrow::Cow;

impl SubscriptionRow {
    fn term(&self) -> String {
        let s = &self.res.data;
        let mut text = term_words(or_empty(&s.term_duration));
        if let Some(cycle) = s.billing_cycle.as_deref().filter(|c| !c.is_empty()) {
            if !text.is_empty() {
                text.push_str(", ");
            }
            text.push_str(cycle);
        }
        if s.is_trial == Some(true) {
            text.push_str(" (trial)");
        }
        text
    }

    fn ends(&self) -> Cell<'_> {
        let end = shown(self.res.data.commitment_end_date.as_deref());
        let a = &self.assessment;
        match a.days_left {
            Some(days) if days < 0 => Cell::owned(format!("{end} (ended)"), Tone::Dim),
            Some(days) => {
                let soon = a.renews && days <= MARK_WITHIN_DAYS;
                let tone = if soon { Tone::Warn } else { Tone::Normal };
                Cell::owned(format!("{end} ({days} d)"), tone)
            }
            None => Cell::owned(end, Tone::Normal),
        }
    }

    fn seats(&self) -> Cell<'_> {
        let a = &self.assessment;
        let guess = match &a.sku {
            Some(m) if m.by == MatchedBy::Name => " (by name)",
            _ => "",
        };
        match (a.available_seats, &a.sku) {
            (Some(n), _) => {
                let tone = if n > 0 { Tone::Warn } else { Tone::Normal };
                Cell::owned(format!("{n}{guess}"), tone)
            }
            (None, Some(_)) => Cell::owned(format!("?{guess}"), Tone::Dim),
            (None, None) => Cell::owned("no SKU".into(), Tone::Dim),
        }
    }
}

fn status_tone(status: Option<&SubscriptionStatus>) -> Tone {
    match status {
        Some(SubscriptionStatus::Active) => Tone::Ok,
        Some(SubscriptionStatus::Suspended | SubscriptionStatus::Expired) => Tone::Bad,
        Some(SubscriptionStatus::Deleted) => Tone::Dim,
        _ => Tone::Warn,
    }
}

impl Row for SubscriptionRow {
    columns! {
        col("Offer", 0, 14, 40) => |r| Cell::plain(r.label()),
        num("Qty", 1) => |r| Cell::owned(
            r.res.data.quantity.map_or_else(String::new, |n| n.to_string()),
            Tone::Normal,
        ),
        col("Status", 2, 6, 12) => |r| {
            let status = r.res.data.status.as_ref();
            Cell {
                text: Cow::Borrowed(status.map_or("", |x| x.as_str())),
                tone: status_tone(status),
            }
        },
        col("Term", 3, 8, 24) => |r| Cell::owned(r.term(), Tone::Normal),
        col("Ends", 1, 12, 22) => |r| r.ends(),
        col("Auto-renew", 5, 10, 10) => |r| match r.res.data.auto_renew_enabled {
            Some(true) => Cell::owned("on".into(), Tone::Normal),
            Some(false) => Cell::owned("off".into(), Tone::Dim),
            None => Cell::plain(""),
        },
        col("Cancel until", 6, 10, 12) => |r| Cell::owned(
            shown(r.res.data.cancellation_allowed_until_date.as_deref()),
            Tone::Normal,
        ),
        col("Free", 4, 4, 14) => |r| r.seats(),
        col("Subscription id", 7, 36, 36) => |r| Cell::plain(or_empty(&r.res.data.id)),
    }

    kept_parts!(|r| r.id.as_deref());

    fn mark(&self) -> Mark {
        let s = &self.res.data;
        if self.assessment.reduce_before_renewal(MARK_WITHIN_DAYS) {
            Mark::Renewal
        } else if s
            .status
            .as_ref()
            .is_some_and(SubscriptionStatus::is_stopped)
        {
            Mark::Stopped
        } else {
            Mark::None
        }
    }

    fn label(&self) -> &str {
        self.res.data.label()
    }
}
