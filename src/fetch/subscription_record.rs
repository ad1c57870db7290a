//! A customer's subscription as the explorer keeps it: sanitised once when it arrives, with its
//! renewal assessment (days left, the SKU it feeds, that SKU's unassigned seats) and its search
//! text worked out off the UI loop. The columns of the Subscriptions tab are app's business.

use super::records::{SearchText, haystack, or_empty};
use crate::api::{Resource, Sanitize, SubscribedSku, Subscription};
use crate::subscriptions::{Assessment, SkuMatch, assess};
use jiff::civil::Date;

/// A subscription row.
#[derive(Clone)]
pub struct SubscriptionRow {
    pub res: Resource<Subscription>,
    pub assessment: Assessment,
    pub search: SearchText,
}

impl SubscriptionRow {
    /// `sku` is the join's answer for it; `skus` the customer's subscribed SKUs; `today` in UTC.
    pub fn new(
        mut res: Resource<Subscription>,
        sku: Option<SkuMatch>,
        skus: &[Resource<SubscribedSku>],
        today: Date,
    ) -> Self {
        res.data.sanitize();
        let assessment = assess(&res.data, sku, skus, today);
        let s = &res.data;
        let search = haystack(&[
            s.label(),
            or_empty(&s.friendly_name),
            s.status.as_ref().map_or("", |x| x.as_str()),
            or_empty(&s.offer_id),
        ]);
        Self {
            res,
            assessment,
            search,
        }
    }
}
