//! A customer's subscription as the explorer keeps it: sanitised once when it arrives, with its
//! renewal assessment (days left, the SKU it feeds, that SKU's unassigned seats) and its search
//! text worked out off the UI loop. The columns of the Subscriptions tab are app's business.

use super::records::{SearchText, clean, haystack, or_empty};
use crate::api::{Resource, SubscribedSku, Subscription, SubscriptionStatus};
use crate::subscriptions::{Assessment, SkuMatch, assess};
use crate::text::sanitize;
use jiff::civil::Date;
use std::borrow::Cow;

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
        let s = &mut res.data;
        for field in [
            &mut s.id,
            &mut s.offer_id,
            &mut s.offer_name,
            &mut s.friendly_name,
            &mut s.unit_type,
            &mut s.creation_date,
            &mut s.effective_start_date,
            &mut s.commitment_end_date,
            &mut s.billing_cycle,
            &mut s.term_duration,
            &mut s.contract_type,
            &mut s.cancellation_allowed_until_date,
        ] {
            clean(field);
        }
        if let Some(SubscriptionStatus::Other(text)) = &mut s.status
            && let Cow::Owned(clean) = sanitize(text)
        {
            *text = clean.into_boxed_str();
        }
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
