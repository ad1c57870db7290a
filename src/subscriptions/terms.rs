//! The terms of a subscription as pcx keeps them outside the wire format: the same fields in
//! a stored scan row (`store::SubscriptionRecord`) and a renewals row (`RenewalRow`).

use crate::api::Subscription;
use crate::text::owned;

/// What a subscription is and for how long: its offer, seats, status and commitment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubscriptionTerms {
    pub offer_id: Option<String>,
    /// The offer's name, or the friendly name, or the id (`Subscription::label`).
    pub offer_name: Option<String>,
    pub quantity: Option<i64>,
    pub status: Option<String>,
    pub term_duration: Option<String>,
    pub billing_cycle: Option<String>,
    /// As Partner Center sent it.
    pub commitment_end_date: Option<String>,
}

impl From<&Subscription> for SubscriptionTerms {
    fn from(s: &Subscription) -> Self {
        SubscriptionTerms {
            offer_id: owned(&s.offer_id),
            offer_name: Some(s.label().to_string()),
            quantity: s.quantity,
            status: s.status.as_ref().map(|x| x.as_str().to_string()),
            term_duration: owned(&s.term_duration),
            billing_cycle: owned(&s.billing_cycle),
            commitment_end_date: owned(&s.commitment_end_date),
        }
    }
}
