//! The partner a sandbox serves, demo or generated, behind one interface: customers by index
//! and id, users, subscriptions, licences, and the page scans that paging needs. Read-only.

use super::catalog::catalog;
use super::config::PartnerSource;
use super::demo::{DemoPartner, demo_partner};
use super::generated::GeneratedPartner;
use super::records::{CustomerDetails, CustomerFilter, CustomerRec, Status, Subscription, UserRec};
use std::borrow::Cow;
use uuid::Uuid;

pub(crate) enum Partner {
    Demo(&'static DemoPartner),
    Generated(GeneratedPartner),
}

/// One page of a scan: the items and where the next page starts, if there is one.
pub(crate) struct Scan<T> {
    pub items: Vec<T>,
    pub next: Option<usize>,
}

impl Partner {
    /// The partner as it stands `month` months on.
    pub(crate) fn load(source: &PartnerSource, month: u32) -> Result<Self, String> {
        Ok(match source {
            PartnerSource::Demo => Self::Demo(demo_partner(month)?),
            PartnerSource::Generated {
                customers,
                users_per_customer,
                seed,
            } => Self::Generated(
                GeneratedPartner::new(*customers, *users_per_customer, *seed, catalog()?)
                    .at_month(month),
            ),
        })
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Demo(p) => p.describe(),
            Self::Generated(p) => p.describe(),
        }
    }

    pub(crate) fn customer_count(&self) -> usize {
        match self {
            Self::Demo(p) => p.customer_count(),
            Self::Generated(p) => p.customer_count(),
        }
    }

    pub(crate) fn find_customer(&self, id: &Uuid) -> Option<usize> {
        match self {
            Self::Demo(p) => p.find_customer(id),
            Self::Generated(p) => p.find_customer(id),
        }
    }

    /// Customer `i` (`i < customer_count()`).
    pub(crate) fn customer(&self, i: usize) -> Option<CustomerRec<'_>> {
        match self {
            Self::Demo(p) => p.customer(i),
            Self::Generated(p) => (i < p.customer_count()).then(|| p.customer(i)),
        }
    }

    pub(crate) fn details(&self, i: usize) -> Option<CustomerDetails> {
        match self {
            Self::Demo(p) => p.details(i),
            Self::Generated(p) => (i < p.customer_count()).then(|| p.details(i)),
        }
    }

    /// Whether the partner holds a GDAP role on customer `i` (users, licences, SKUs need one).
    pub(crate) fn has_gdap_role(&self, i: usize) -> bool {
        match self {
            Self::Demo(p) => p.has_gdap_role(i),
            Self::Generated(_) => true,
        }
    }

    pub(crate) fn user_count(&self, i: usize, deleted: bool) -> usize {
        match self {
            Self::Demo(p) => p.user_count(i, deleted),
            Self::Generated(p) => p.user_count(i, deleted),
        }
    }

    pub(crate) fn find_user(&self, i: usize, id: &Uuid) -> Option<UserRec<'_>> {
        match self {
            Self::Demo(p) => p.find_user(i, id),
            Self::Generated(p) => p.find_user(i, id),
        }
    }

    pub(crate) fn subscriptions(&self, i: usize) -> Cow<'_, [Subscription]> {
        match self {
            Self::Demo(p) => Cow::Borrowed(p.subscriptions(i)),
            Self::Generated(p) => Cow::Owned(p.subscriptions(i).0),
        }
    }

    /// (index into `subscriptions(i)`, per-user plan statuses) of each licence a user holds.
    pub(crate) fn held(&self, i: usize, user: &UserRec<'_>) -> Vec<(usize, &[(usize, Status)])> {
        match self {
            Self::Demo(p) => p.held(i, user),
            Self::Generated(p) => p.held(i, user).into_iter().map(|k| (k, &[][..])).collect(),
        }
    }

    /// Up to `size` customers matching `filter`, scanning from index `from`.
    pub(crate) fn scan_customers(
        &self,
        filter: Option<&CustomerFilter>,
        from: usize,
        size: usize,
    ) -> Scan<CustomerRec<'_>> {
        let count = self.customer_count();
        let Some(filter) = filter else {
            let end = from.saturating_add(size).min(count);
            let items = (from..end).filter_map(|i| self.customer(i)).collect();
            return Scan {
                items,
                next: (end < count).then_some(end),
            };
        };
        let mut items = Vec::new();
        for i in from..count {
            let Some(customer) = self.customer(i) else {
                break;
            };
            if !filter.matches(&customer) {
                continue;
            }
            if items.len() == size {
                // The next page starts at the next match, so a last page is never empty.
                return Scan {
                    items,
                    next: Some(i),
                };
            }
            items.push(customer);
        }
        Scan { items, next: None }
    }

    /// Up to `size` active (or deleted) users of customer `i`, from position `from`.
    pub(crate) fn scan_users(
        &self,
        i: usize,
        deleted: bool,
        from: usize,
        size: usize,
    ) -> Scan<UserRec<'_>> {
        let (items, count) = match self {
            Self::Demo(p) => {
                let count = p.user_count(i, deleted);
                let end = from.saturating_add(size).min(count);
                let items = (from..end).filter_map(|j| p.user(i, deleted, j)).collect();
                (items, count)
            }
            Self::Generated(p) => p.users(i, deleted, from, size),
        };
        let end = from.saturating_add(items.len());
        Scan {
            next: (end < count && !items.is_empty()).then_some(end),
            items,
        }
    }
}
