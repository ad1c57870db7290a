//! The request vocabulary shared by the fetcher and the explorer: what can be asked of Partner
//! Center (a query, the cache key) and the identity of one request. Plain data, no I/O.

use std::fmt;

/// The identity of one request: an answer is applied only while something waits for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One thing the explorer can ask Partner Center for; the cache key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Query {
    /// The partner's customers, or those whose company name starts with `search`.
    Customers { search: Option<String> },
    Users {
        customer_id: Box<str>,
        deleted: bool,
    },
    /// A user's licences (both licence groups, in one request).
    Licenses {
        customer_id: Box<str>,
        user_id: Box<str>,
    },
    /// A customer's subscribed SKUs.
    Skus { customer_id: Box<str> },
    /// A customer's subscriptions, joined to its subscribed SKUs.
    Subscriptions { customer_id: Box<str> },
}

impl Query {
    /// Whether the list arrives in pages (the others come whole).
    pub fn is_paged(&self) -> bool {
        matches!(self, Self::Customers { .. } | Self::Users { .. })
    }
}
