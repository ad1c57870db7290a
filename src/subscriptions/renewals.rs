//! What a subscription's renewal means for seats: days left to its commitment end (calendar
//! days in UTC), the subscribed SKU it feeds and that SKU's unassigned seats, and whether it is
//! worth reducing before it renews. Pure: the date of today comes in as a parameter. The
//! explorer's `▲` and `pcx report renewals` both read it from here.

use super::dates;
use super::join::SkuMatch;
use super::terms::SubscriptionTerms;
use crate::api::{Resource, SubscribedSku, Subscription, SubscriptionStatus};
use jiff::civil::Date;

/// The flag of a subscription that renews within the window while seats of its SKU sit
/// unassigned.
pub const REDUCE_BEFORE_RENEWAL: &str = "reduce-before-renewal";

/// The explorer marks renewals this close (days).
pub const MARK_WITHIN_DAYS: i64 = 30;

/// One subscription weighed against today and its customer's subscribed SKUs.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// The commitment end's date, when readable.
    pub end: Option<Date>,
    pub days_left: Option<i64>,
    pub sku: Option<SkuMatch>,
    /// Unassigned seats of the matched SKU (shared by every subscription that feeds it).
    pub available_seats: Option<i64>,
    /// Active with auto-renew on: it will renew by itself at the commitment end.
    pub renews: bool,
}

impl Assessment {
    /// Renews within `within` days while its SKU has unassigned seats.
    pub fn reduce_before_renewal(&self, within: i64) -> bool {
        self.renews
            && self.days_left.is_some_and(|d| (0..=within).contains(&d))
            && self.available_seats.is_some_and(|n| n > 0)
    }
}

/// Weighs `sub` on `today` (UTC) given the SKU it was matched to among `skus`.
pub fn assess(
    sub: &Subscription,
    sku: Option<SkuMatch>,
    skus: &[Resource<SubscribedSku>],
    today: Date,
) -> Assessment {
    let end = sub.commitment_end_date.as_deref().and_then(dates::utc_date);
    let available_seats = sku.as_ref().and_then(|m| {
        skus.iter()
            .find(|s| {
                s.data
                    .product_sku
                    .as_ref()
                    .and_then(|p| p.id.as_deref())
                    .is_some_and(|id| id.eq_ignore_ascii_case(&m.sku_id))
            })
            .and_then(|s| s.data.seats_left())
    });
    Assessment {
        end,
        days_left: end.and_then(|end| dates::days_between(today, end)),
        sku,
        available_seats,
        renews: sub.status == Some(SubscriptionStatus::Active)
            && sub.auto_renew_enabled == Some(true),
    }
}

/// One row of `pcx report renewals`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenewalRow {
    pub customer_id: String,
    pub subscription_id: String,
    pub terms: SubscriptionTerms,
    pub days_left: Option<i64>,
    pub auto_renew_enabled: Option<bool>,
    pub sku_id: Option<String>,
    /// `id`, `name` (a guess by name), or null when unmatched.
    pub matched_by: Option<&'static str>,
    pub available_seats: Option<i64>,
    /// Null or `reduce-before-renewal`.
    pub flag: Option<&'static str>,
}

/// The subscriptions of one customer that end within `within` days of `today` (cancelled ones
/// left out: they neither renew nor cost), soonest first. `matches[i]` is `subs[i]`'s SKU.
pub fn renewals(
    customer_id: &str,
    subs: &[Resource<Subscription>],
    matches: &[Option<SkuMatch>],
    skus: &[Resource<SubscribedSku>],
    today: Date,
    within: i64,
) -> Vec<RenewalRow> {
    let mut rows: Vec<RenewalRow> = subs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.data.status != Some(SubscriptionStatus::Deleted))
        .filter_map(|(i, s)| {
            let sku = matches.get(i).cloned().flatten();
            let a = assess(&s.data, sku, skus, today);
            let days = a.days_left?;
            (0..=within)
                .contains(&days)
                .then(|| row(customer_id, &s.data, &a, within))
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.days_left, &a.customer_id, &a.terms.offer_name).cmp(&(
            b.days_left,
            &b.customer_id,
            &b.terms.offer_name,
        ))
    });
    rows
}

fn row(customer_id: &str, s: &Subscription, a: &Assessment, within: i64) -> RenewalRow {
    RenewalRow {
        customer_id: customer_id.to_string(),
        subscription_id: s.id.as_deref().unwrap_or_default().to_string(),
        terms: s.into(),
        days_left: a.days_left,
        auto_renew_enabled: s.auto_renew_enabled,
        sku_id: a.sku.as_ref().map(|m| m.sku_id.to_string()),
        matched_by: a.sku.as_ref().map(|m| m.by.as_str()),
        available_seats: a.available_seats,
        flag: a
            .reduce_before_renewal(within)
            .then_some(REDUCE_BEFORE_RENEWAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subscriptions::MatchedBy;
    use jiff::civil::date;

    const E3: &str = "05e9a617-0261-4cee-bb44-138d3ef5d965";

    fn sub(json: &str) -> Resource<Subscription> {
        Resource::parse(json).unwrap()
    }

    fn skus(available: i64) -> Vec<Resource<SubscribedSku>> {
        vec![
            Resource::parse(&format!(
                r#"{{"productSku":{{"id":"{}","name":"Microsoft 365 E3"}},"totalUnits":40,"consumedUnits":{},"availableUnits":{available}}}"#,
                E3.to_uppercase(),
                40 - available
            ))
            .unwrap(),
        ]
    }

    fn by_id() -> Option<SkuMatch> {
        Some(SkuMatch {
            sku_id: E3.into(),
            by: MatchedBy::Id,
        })
    }

    const TODAY: Date = date(2026, 11, 30);

    /// A subscription with only what the renewal weighs.
    fn ending(id: &str, status: &str, auto_renew: bool, end: &str) -> Resource<Subscription> {
        sub(&format!(
            r#"{{"id":"{id}","status":"{status}","autoRenewEnabled":{auto_renew},"commitmentEndDate":"{end}"}}"#
        ))
    }

    /// Customer c1's renewals on `TODAY` within 30 days, its SKU with `available` seats.
    fn c1_renewals(
        subs: &[Resource<Subscription>],
        matches: &[Option<SkuMatch>],
        available: i64,
    ) -> Vec<RenewalRow> {
        renewals("c1", subs, matches, &skus(available), TODAY, 30)
    }

    #[test]
    fn renewing_soon_with_spare_seats_is_flagged() {
        let s = sub(
            r#"{"id":"s1","offerName":"Microsoft 365 E3","status":"active","autoRenewEnabled":true,
                "commitmentEndDate":"2026-12-07T00:00:00Z","quantity":40,"termDuration":"P1Y","billingCycle":"monthly"}"#,
        );
        let rows = c1_renewals(std::slice::from_ref(&s), &[by_id()], 12);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(
            (r.days_left, r.available_seats, r.flag, r.matched_by),
            (Some(7), Some(12), Some(REDUCE_BEFORE_RENEWAL), Some("id"))
        );
        assert_eq!(r.sku_id.as_deref(), Some(E3));
        // No spare seats, or a window that ends before the renewal: no flag / no row.
        let full = c1_renewals(std::slice::from_ref(&s), &[by_id()], 0);
        assert_eq!(full[0].flag, None);
        assert!(renewals("c1", &[s], &[by_id()], &skus(12), TODAY, 6).is_empty());
    }

    #[test]
    fn what_will_not_renew_is_listed_but_not_flagged() {
        let off = ending("s1", "active", false, "2026-12-01T00:00:00Z");
        let suspended = ending("s2", "suspended", true, "2026-12-02T00:00:00Z");
        let cancelled = ending("s3", "deleted", true, "2026-12-02T00:00:00Z");
        let rows = c1_renewals(
            &[off, suspended, cancelled],
            &[by_id(), by_id(), by_id()],
            5,
        );
        let ids: Vec<_> = rows.iter().map(|r| r.subscription_id.as_str()).collect();
        assert_eq!(ids, ["s1", "s2"]);
        assert!(rows.iter().all(|r| r.flag.is_none()));
    }

    #[test]
    fn unmatched_and_unreadable_rows_say_so() {
        let unmatched = ending("s1", "active", true, "2026-12-03T00:00:00Z");
        let legacy = ending("s2", "active", true, "2026-12-03T08: 00: 00Z");
        let garbled = ending("s3", "active", true, "next week");
        let rows = c1_renewals(&[unmatched, legacy, garbled], &[None], 5);
        assert_eq!(
            rows.len(),
            2,
            "an unreadable end date cannot be placed in a window"
        );
        assert!(
            rows.iter()
                .all(|r| r.sku_id.is_none() && r.matched_by.is_none())
        );
        assert!(
            rows.iter()
                .all(|r| r.flag.is_none() && r.days_left == Some(3))
        );
        assert_eq!(
            rows[1].terms.commitment_end_date.as_deref(),
            Some("2026-12-03T08: 00: 00Z")
        );
    }

    #[test]
    fn a_past_end_is_not_a_coming_renewal() {
        let a = assess(
            &sub(r#"{"status":"active","autoRenewEnabled":true,"commitmentEndDate":"2026-11-29T23:59:59Z"}"#).data,
            by_id(),
            &skus(3),
            TODAY,
        );
        assert_eq!(a.days_left, Some(-1));
        assert!(!a.reduce_before_renewal(30));
    }
}
