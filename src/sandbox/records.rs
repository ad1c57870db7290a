//! The sandbox's in-memory view of a partner's data (customers, users, subscriptions, licence
//! assignments), independent of where it comes from (demo asset or generator) and of the wire
//! format. No I/O, no JSON shapes here.

use super::catalog::CatalogSku;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use uuid::Uuid;

/// A capability status of a SKU or a service plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub(crate) enum PlanStatus {
    Enabled,
    Warning,
    Suspended,
    Deleted,
    LockedOut,
    /// Only per user: the plan was turned off in that user's licence.
    Disabled,
}

impl PlanStatus {
    /// As a SKU or tenant-level plan status.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "Enabled",
            Self::Warning => "Warning",
            Self::Suspended => "Suspended",
            Self::Deleted => "Deleted",
            Self::LockedOut => "LockedOut",
            Self::Disabled => "Disabled",
        }
    }

    /// As a plan status inside a user's licence: a working plan reads `Assigned` there.
    pub(crate) fn user_view(self) -> &'static str {
        match self {
            Self::Enabled => "Assigned",
            other => other.as_str(),
        }
    }
}

/// A postal address (customer company profile, billing profile).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

/// The billing contact of a customer.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Contact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// A customer as listed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CustomerRec<'a> {
    pub id: Uuid,
    pub name: Cow<'a, str>,
    pub domain: Cow<'a, str>,
    pub relationship: &'a str,
}

/// What only `GET /customers/{id}` shows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CustomerDetails {
    /// The partner holds a GDAP role here: without it, users/licences/SKUs answer 403 and the
    /// address, email and custom domains are withheld.
    pub gdap: bool,
    /// The legacy DAP flag (`allowDelegatedAccess`).
    pub dap: bool,
    pub address: Address,
    pub contact: Contact,
    pub culture: String,
    pub custom_domains: Vec<String>,
}

/// Where a user comes from, so its licences can be found again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UserSlot {
    /// The k-th named user of a demo customer.
    Named(usize),
    /// The j-th synthetic user of a customer (active ones first, then deleted ones).
    Synthetic(u32),
}

/// A user of a customer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UserRec<'a> {
    pub id: Uuid,
    pub upn: Cow<'a, str>,
    pub first: Cow<'a, str>,
    pub last: Cow<'a, str>,
    pub display: Cow<'a, str>,
    pub usage_location: Option<Cow<'a, str>>,
    /// `none` for cloud-only users, `managed` for users synchronised from on-premises.
    pub domain_type: &'static str,
    /// Set on soft-deleted users (state `inactive`).
    pub soft_deletion_time: Option<Cow<'a, str>>,
    pub last_sync: Option<Cow<'a, str>>,
    pub immutable_id: Option<String>,
    pub slot: UserSlot,
}

impl UserRec<'_> {
    pub(crate) fn is_deleted(&self) -> bool {
        self.soft_deletion_time.is_some()
    }
}

/// A SKU a customer subscribes to.
#[derive(Clone, Debug)]
pub(crate) struct Subscription {
    pub sku: &'static CatalogSku,
    pub status: PlanStatus,
    /// Tenant-level plan statuses other than the SKU's own: (plan index, status).
    pub plan_exceptions: Vec<(usize, PlanStatus)>,
    /// Seats bought.
    pub total: i64,
    /// Seats assigned to users (may exceed `total`).
    pub consumed: i64,
    /// How the demo file pins the subscription behind it (terms, renewal); None: derived.
    pub commerce: Option<super::commerce::CommerceSpec>,
}

impl Subscription {
    /// A plan's status at tenant level.
    pub(crate) fn plan_status(&self, plan: usize) -> PlanStatus {
        if self.status != PlanStatus::Enabled {
            return self.status;
        }
        lookup(&self.plan_exceptions, plan).unwrap_or(PlanStatus::Enabled)
    }

    /// (active, warning, suspended) seats, by the SKU's status.
    pub(crate) fn units(&self) -> (i64, i64, i64) {
        match self.status {
            PlanStatus::Enabled => (self.total, 0, 0),
            PlanStatus::Warning => (0, self.total, 0),
            _ => (0, 0, self.total),
        }
    }
}

/// A licence held by a user: one of the customer's subscriptions, with per-user plan statuses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Assignment<'a> {
    pub subscription: &'a Subscription,
    pub overrides: &'a [(usize, PlanStatus)],
}

impl Assignment<'_> {
    /// A plan's status as the user's licence shows it.
    pub(crate) fn plan_status(&self, plan: usize) -> &'static str {
        lookup(self.overrides, plan)
            .unwrap_or_else(|| self.subscription.plan_status(plan))
            .user_view()
    }
}

fn lookup(list: &[(usize, PlanStatus)], plan: usize) -> Option<PlanStatus> {
    list.iter().find(|(p, _)| *p == plan).map(|(_, s)| *s)
}

/// Synthetic users `j` with `j >= start` and `(j - start) % every == 0`, at most `limit` of
/// them, hold a subscription. Counting them is arithmetic, so seat counts need no scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Rule {
    /// Index into the customer's subscriptions.
    pub subscription: usize,
    pub start: u32,
    pub every: u32,
    pub limit: Option<u32>,
}

impl Rule {
    pub(crate) fn holds(&self, j: u32) -> bool {
        let every = self.every.max(1);
        j >= self.start
            && (j - self.start).is_multiple_of(every)
            && self.limit.is_none_or(|l| (j - self.start) / every < l)
    }

    /// How many of the users `0..n` hold it.
    pub(crate) fn count(&self, n: u32) -> u32 {
        if n <= self.start {
            return 0;
        }
        let all = (n - 1 - self.start) / self.every.max(1) + 1;
        self.limit.map_or(all, |l| all.min(l))
    }
}

/// Which customer field a search matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SearchField {
    CompanyName,
    Domain,
}

/// A `starts_with` customer search (case-insensitive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CustomerFilter {
    pub field: SearchField,
    pub value: String,
}

impl CustomerFilter {
    pub(crate) fn matches(&self, customer: &CustomerRec<'_>) -> bool {
        let text = match self.field {
            SearchField::CompanyName => &customer.name,
            SearchField::Domain => &customer.domain,
        };
        starts_with_ignoring_case(text, &self.value)
    }
}

/// Unicode-aware, allocation-free case-insensitive prefix test.
pub(crate) fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    let mut text = text.chars().flat_map(char::to_lowercase);
    prefix
        .chars()
        .flat_map(char::to_lowercase)
        .all(|p| text.next() == Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_count_matches_holds() {
        let rules = [
            Rule {
                subscription: 0,
                start: 0,
                every: 1,
                limit: None,
            },
            Rule {
                subscription: 0,
                start: 3,
                every: 4,
                limit: None,
            },
            Rule {
                subscription: 0,
                start: 1,
                every: 5,
                limit: Some(3),
            },
            Rule {
                subscription: 0,
                start: 50,
                every: 2,
                limit: None,
            },
        ];
        for rule in rules {
            for n in [0, 1, 2, 3, 4, 10, 17, 100] {
                let scanned = (0..n).filter(|&j| rule.holds(j)).count() as u32;
                assert_eq!(rule.count(n), scanned, "{rule:?} n={n}");
            }
        }
    }

    #[test]
    fn prefix_search_ignores_case_in_any_script() {
        assert!(starts_with_ignoring_case("Contoso Ltd.", "cont"));
        assert!(starts_with_ignoring_case("ÉCOLE", "éc"));
        assert!(starts_with_ignoring_case("株式会社さくら電機", "株式会社"));
        assert!(starts_with_ignoring_case("anything", ""));
        assert!(!starts_with_ignoring_case("Co", "Contoso"));
        assert!(!starts_with_ignoring_case("Fabrikam", "cont"));
    }
}
