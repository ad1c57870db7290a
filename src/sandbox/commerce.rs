//! The sandbox's commerce view: the subscriptions behind each customer's subscribed SKUs.
//! Their quantities add up to each SKU's seat total; terms are monthly, annual or trial; end
//! dates spread relative to the sandbox's clock; auto-renew is on or off; a suspended or
//! warning SKU shows as a suspended or expired subscription. Offers come in the new-commerce
//! form (`{productId}:{skuId}:{availabilityId}`) or as legacy GUIDs, each resolvable to the
//! catalog SKU through the catalog endpoints. Dates go through jiff. No I/O, no JSON here.

use super::catalog::CatalogSku;
use super::hash::{guid, mix, pick, str_key};
use super::records::{PlanStatus, Subscription};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;
use uuid::Uuid;

/// How the demo file pins one SKU's subscription (everything else is derived).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CommerceSpec {
    #[serde(default)]
    pub term: Option<Term>,
    #[serde(default)]
    pub ends_in_days: Option<i64>,
    #[serde(default)]
    pub auto_renew: Option<bool>,
    #[serde(default)]
    pub trial: bool,
    #[serde(default)]
    pub legacy_offer: Option<bool>,
}

/// A subscription term (and how it is billed).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub(crate) enum Term {
    /// `P1M`, billed monthly.
    Monthly,
    /// `P1Y`, billed monthly.
    AnnualMonthly,
    /// `P1Y`, paid up front.
    Annual,
}

impl Term {
    pub(crate) fn duration(self) -> &'static str {
        match self {
            Self::Monthly => "P1M",
            Self::AnnualMonthly | Self::Annual => "P1Y",
        }
    }

    pub(crate) fn billing(self) -> &'static str {
        match self {
            Self::Monthly | Self::AnnualMonthly => "monthly",
            Self::Annual => "annual",
        }
    }

    fn months(self) -> i32 {
        match self {
            Self::Monthly => 1,
            Self::AnnualMonthly | Self::Annual => 12,
        }
    }
}

/// A subscription's lifecycle state as the sandbox keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SubState {
    Active,
    Suspended,
    Expired,
}

/// One subscription of a customer.
#[derive(Clone, Debug)]
pub(crate) struct CommerceSub {
    pub id: Uuid,
    pub sku: &'static CatalogSku,
    pub legacy_offer: bool,
    pub quantity: i64,
    pub term: Term,
    pub trial: bool,
    pub auto_renew: bool,
    pub state: SubState,
    /// The start of the current term.
    pub start: Date,
    /// The end of the current term (the commitment end).
    pub end: Date,
}

impl CommerceSub {
    /// The same subscription on a later day of the sandbox's clock: auto-renewing ones roll
    /// into their next term, the others expire at their end.
    pub(crate) fn moved_on(&self, now: Date) -> Self {
        let mut next = self.clone();
        if self.state != SubState::Active {
            return next;
        }
        while next.end < now {
            if !next.auto_renew {
                next.state = SubState::Expired;
                break;
            }
            next.start = next.end;
            next.end = next
                .end
                .checked_add(self.term.months().months())
                .unwrap_or(next.end);
        }
        next
    }
}

/// The new-commerce ids of a catalog SKU: (product id, SKU id, availability id), stable and
/// shaped like Microsoft's (`CFQ7TTC0LH18`, `0001`, `CFQ7TTC0K971`).
pub(crate) fn nce_ids(sku: &CatalogSku) -> (String, &'static str, String) {
    let key = str_key(&sku.part_number);
    (
        format!("CFQ7TTC0{}", code(key)),
        "0001",
        format!("CFQ7TTC0{}", code(mix(&[key, 0xA7A1]))),
    )
}

/// The legacy offer GUID of a catalog SKU.
pub(crate) fn legacy_offer_id(sku: &CatalogSku) -> Uuid {
    guid(&[0x0FFE, str_key(&sku.part_number)])
}

fn code(h: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789BCDFGHJKLMNPQRSTVWXZ";
    (0..4)
        .map(|i| ALPHABET[pick(mix(&[h, i]), ALPHABET.len())] as char)
        .collect()
}

/// The catalog SKU a new-commerce product/SKU pair names.
pub(crate) fn by_product(product: &str, sku: &str) -> Option<&'static CatalogSku> {
    let catalog = super::catalog::catalog().ok()?;
    catalog.skus.iter().find(|s| {
        let (p, k, _) = nce_ids(s);
        p.eq_ignore_ascii_case(product) && k.eq_ignore_ascii_case(sku)
    })
}

/// The catalog SKU a legacy offer GUID names.
pub(crate) fn by_offer(offer: &Uuid) -> Option<&'static CatalogSku> {
    let catalog = super::catalog::catalog().ok()?;
    catalog.skus.iter().find(|s| legacy_offer_id(s) == *offer)
}

/// The subscriptions behind a customer's subscribed SKUs. A SKU's `commerce` spec (from the
/// demo file) pins its subscription. Terms are laid out around `anchor` (the day the data is
/// about) and then moved on to `now`, the sandbox's clock: the same day unless it was set ahead.
pub(crate) fn subscriptions_of(
    customer: Uuid,
    skus: &[Subscription],
    anchor: Date,
    now: Date,
) -> Vec<CommerceSub> {
    let key = customer.as_u128() as u64 ^ (customer.as_u128() >> 64) as u64;
    let mut out = Vec::new();
    for (k, sku) in skus.iter().enumerate() {
        if sku.total <= 0 {
            continue;
        }
        let h = mix(&[key, k as u64, 0xC0]);
        let spec = sku.commerce.clone();
        let pieces = match (&spec, sku.total) {
            (None, total) if total >= 12 && h.is_multiple_of(3) => {
                vec![total - total / 4, total / 4]
            }
            (_, total) => vec![total],
        };
        for (piece, quantity) in pieces.into_iter().enumerate() {
            let h = mix(&[h, piece as u64]);
            let id = guid(&[key, k as u64, piece as u64, 0x5B]);
            out.push(one(id, sku, quantity, spec.as_ref(), piece, h, anchor).moved_on(now));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn one(
    id: Uuid,
    sku: &Subscription,
    quantity: i64,
    spec: Option<&CommerceSpec>,
    piece: usize,
    h: u64,
    today: Date,
) -> CommerceSub {
    let trial = spec.is_some_and(|s| s.trial);
    let term = spec
        .and_then(|s| s.term)
        .unwrap_or(match (trial, piece, h % 3) {
            (true, _, _) | (false, 1, _) | (false, _, 0) => Term::Monthly,
            (false, _, 1) => Term::AnnualMonthly,
            _ => Term::Annual,
        });
    let state = match sku.status {
        PlanStatus::Enabled | PlanStatus::Disabled => SubState::Active,
        PlanStatus::Warning => SubState::Expired,
        PlanStatus::Suspended | PlanStatus::Deleted | PlanStatus::LockedOut => SubState::Suspended,
    };
    let auto_renew = match (state, spec.and_then(|s| s.auto_renew)) {
        (SubState::Expired, _) => false,
        (_, Some(on)) => on,
        _ if trial => false,
        _ => !(h >> 8).is_multiple_of(5),
    };
    let term_days = i64::from(term.months()) * 30;
    let ends_in = match (state, spec.and_then(|s| s.ends_in_days)) {
        // In the grace period: ended a few days ago.
        (SubState::Expired, _) => -1 - (h >> 16) as i64 % 20,
        (_, Some(days)) => days,
        _ => 1 + (h >> 16) as i64 % term_days,
    };
    let end = today.checked_add(ends_in.days()).unwrap_or(today);
    let start = end.checked_sub(term.months().months()).unwrap_or(end);
    CommerceSub {
        id,
        sku: sku.sku,
        legacy_offer: spec
            .and_then(|s| s.legacy_offer)
            .unwrap_or((h >> 24).is_multiple_of(4)),
        quantity,
        term,
        trial,
        auto_renew,
        state,
        start,
        end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::catalog::catalog;
    use jiff::civil::date;

    fn sku(part: &str, total: i64, status: PlanStatus) -> Subscription {
        Subscription {
            sku: catalog().unwrap().sku(part).unwrap(),
            status,
            plan_exceptions: Vec::new(),
            total,
            consumed: 0,
            commerce: None,
        }
    }

    const TODAY: Date = date(2026, 11, 30);

    #[test]
    fn quantities_add_up_to_each_skus_seats() {
        let skus = [
            sku("SPE_E5", 300, PlanStatus::Enabled),
            sku("EMS", 60, PlanStatus::Suspended),
            sku("POWER_BI_PRO", 10, PlanStatus::Warning),
            sku("VISIOCLIENT", 0, PlanStatus::Enabled),
        ];
        for n in 0..40u128 {
            let subs = subscriptions_of(Uuid::from_u128(n * 7919), &skus, TODAY, TODAY);
            for (k, s) in skus.iter().enumerate() {
                let sum: i64 = subs
                    .iter()
                    .filter(|c| c.sku.id == s.sku.id)
                    .map(|c| c.quantity)
                    .sum();
                assert_eq!(sum, s.total, "customer {n}, SKU {k}");
            }
            assert!(
                subs.iter()
                    .filter(|c| c.sku.id == skus[1].sku.id)
                    .all(|c| c.state == SubState::Suspended)
            );
            assert!(
                subs.iter()
                    .filter(|c| c.sku.id == skus[2].sku.id)
                    .all(|c| c.state == SubState::Expired && c.end < TODAY && !c.auto_renew)
            );
            assert!(
                subs.iter()
                    .filter(|c| c.state == SubState::Active)
                    .all(|c| c.end > TODAY)
            );
        }
    }

    #[test]
    fn a_pinned_subscription_follows_its_spec() {
        let spec = CommerceSpec {
            term: Some(Term::AnnualMonthly),
            ends_in_days: Some(7),
            auto_renew: Some(true),
            ..CommerceSpec::default()
        };
        let pinned = Subscription {
            commerce: Some(spec),
            ..sku("SPE_E5", 40, PlanStatus::Enabled)
        };
        let subs = subscriptions_of(Uuid::nil(), &[pinned], TODAY, TODAY);
        assert_eq!(subs.len(), 1);
        let s = &subs[0];
        assert_eq!(
            (s.quantity, s.end, s.start, s.auto_renew),
            (40, date(2026, 12, 7), date(2025, 12, 7), true)
        );
    }

    #[test]
    fn time_renews_auto_renewing_terms_and_expires_the_others() {
        let pinned = Subscription {
            commerce: Some(CommerceSpec {
                term: Some(Term::Monthly),
                ends_in_days: Some(3),
                auto_renew: Some(true),
                ..CommerceSpec::default()
            }),
            ..sku("SPE_E5", 40, PlanStatus::Enabled)
        };
        let base = subscriptions_of(Uuid::nil(), &[pinned], TODAY, TODAY)[0].clone();
        let later = base.moved_on(date(2027, 1, 15));
        assert_eq!(
            (later.state, later.end),
            (SubState::Active, date(2027, 2, 3))
        );
        let cancelled = CommerceSub {
            auto_renew: false,
            ..base
        };
        let later = cancelled.moved_on(date(2027, 1, 15));
        assert_eq!(
            (later.state, later.end),
            (SubState::Expired, date(2026, 12, 3))
        );
    }

    #[test]
    fn every_catalog_sku_has_distinct_offer_ids() {
        let catalog = catalog().unwrap();
        let mut seen = std::collections::HashSet::new();
        for s in &catalog.skus {
            let (product, sku, _) = nce_ids(s);
            assert!(seen.insert(product.clone()), "{product} twice");
            assert_eq!(by_product(&product, sku).map(|x| &x.id), Some(&s.id));
            assert_eq!(by_offer(&legacy_offer_id(s)).map(|x| &x.id), Some(&s.id));
        }
    }
}
