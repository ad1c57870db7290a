//! Commerce resources as pcx reads them: a customer's subscriptions, and the three answers that
//! tie a subscription to the SKU it provisions (catalog SKU, legacy offer, provisioning status).
//! Lenient like every other resource: every field optional, the raw JSON kept by `Resource`.
//! Dates stay as the text sent (some legacy answers carry `"2015-11-25T06: 41: 12Z"`); reading
//! them is `crate::subscriptions::dates`' job, and an unreadable one is never fatal.

use super::lenient::{lenient_struct, open_enum};

open_enum!(
    /// `status` of a subscription. Values pcx does not know are kept and shown as themselves.
    SubscriptionStatus {
        Active => "active",
        Suspended => "suspended",
        Deleted => "deleted",
        Expired => "expired",
        Pending => "pending",
        Disabled => "disabled",
    }
);

impl SubscriptionStatus {
    /// Stopped serving: suspended, expired (what `✗` marks).
    pub fn is_stopped(&self) -> bool {
        matches!(self, Self::Suspended | Self::Expired)
    }
}

lenient_struct! {
    /// A customer's subscription (legacy, new-commerce, Azure, software or marketplace alike).
    #[derive(Debug)]
    pub struct Subscription {
        id: string,
        /// New commerce: `{productId}:{skuId}:{availabilityId}`; legacy: a GUID; Azure: `MS-AZR-…`.
        offer_id: string,
        offer_name: string,
        friendly_name: string,
        quantity: int,
        unit_type: string,
        status: any<SubscriptionStatus>,
        creation_date: string,
        effective_start_date: string,
        commitment_end_date: string,
        auto_renew_enabled: boolean,
        /// `monthly`, `annual`, `triennial`, `none`…, kept as sent.
        billing_cycle: string,
        /// ISO 8601 duration: `P1M`, `P1Y`, `P3Y`.
        term_duration: string,
        contract_type: string,
        is_trial: boolean,
        /// The end of the window in which seats can still be reduced or the purchase cancelled.
        cancellation_allowed_until_date: string,
        refundable_quantity: any<RefundableQuantity>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        suspension_reasons: list<Box<str>>,
        parent_subscription_id: string,
    }
}

impl Subscription {
    /// What the operator calls it: the offer name, else the friendly name, else the offer id.
    pub fn label(&self) -> &str {
        [
            &self.offer_name,
            &self.friendly_name,
            &self.offer_id,
            &self.id,
        ]
        .into_iter()
        .filter_map(|f| f.as_deref())
        .find(|t| !t.trim().is_empty())
        .unwrap_or("(unnamed subscription)")
    }

    /// The offer id split as new commerce writes it: (product id, SKU id), when it has that form.
    pub fn nce_product_sku(&self) -> Option<(&str, &str)> {
        let mut parts = self.offer_id.as_deref()?.split(':');
        let (product, sku) = (parts.next()?, parts.next()?);
        let id_like = |s: &str| {
            !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric())
        };
        (id_like(product) && id_like(sku)).then_some((product, sku))
    }
}

lenient_struct! {
    /// `refundableQuantity` (new commerce): seats that can still be returned, and until when.
    #[derive(Debug)]
    pub struct RefundableQuantity {
        total_quantity: int,
    }
}

lenient_struct! {
    /// A catalog SKU (`/v1/products/{productId}/skus/{skuId}`): only what the join needs.
    #[derive(Debug)]
    pub struct CatalogSku {
        id: string,
        product_id: string,
        title: string,
        dynamic_attributes: any<DynamicAttributes>,
    }
}

lenient_struct! {
    /// `dynamicAttributes` of a catalog SKU: `provisioningId` is the Entra ID SKU GUID.
    #[derive(Debug)]
    pub struct DynamicAttributes {
        provisioning_id: string,
    }
}

lenient_struct! {
    /// A legacy offer (`/v1/offers/{offerId}`): `product.id` is the Entra ID SKU GUID.
    #[derive(Debug)]
    pub struct Offer {
        id: string,
        name: string,
        product: any<OfferProduct>,
    }
}

lenient_struct! {
    /// `product` of a legacy offer.
    #[derive(Debug)]
    pub struct OfferProduct {
        id: string,
        name: string,
    }
}

lenient_struct! {
    /// `/v1/customers/{id}/subscriptions/{sid}/provisioningstatus`: `skuId` in upper case.
    #[derive(Debug)]
    pub struct ProvisioningStatus {
        sku_id: string,
        status: string,
        quantity: int,
    }
}
