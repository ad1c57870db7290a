//! Subscriptions beyond the wire format: reading their dates (jiff, calendar days in UTC), the
//! join from a subscription to the subscribed SKU it provisions, and the renewal assessment
//! the explorer's tab and `report renewals` share. Talks to Partner Center only through
//! `ApiClient`; knows nothing of the terminal (must not import `app` or `ui`).

pub mod dates;
pub mod join;
pub mod output;
pub mod renewals;
pub mod terms;

pub use join::{MatchedBy, SkuMatch, SkuResolver};
pub use renewals::{Assessment, REDUCE_BEFORE_RENEWAL, RenewalRow, assess, renewals};
pub use terms::SubscriptionTerms;
