//! Commerce resources as pcx reads them: a customer's subscriptions, and the three answers that
//! tie a subscription to the SKU it provisions (catalog SKU, legacy offer, provisioning status).
//! Lenient like every other resource: every field optional, the raw JSON kept by `Resource`.
//! Dates stay as the text sent (some legacy answers carry `"2015-11-25T06: 41: 12Z"`); reading
//! them is `crate::subscriptions::dates`' job, and an unreadable one is never fatal.

use super::lenient;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `status` of a subscription. Values pcx does not know are kept and shown as themselves.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SubscriptionStatus {
    Active,
    Suspended,
    Deleted,
    Expired,
    Pending,
    Disabled,
    /// A value this version of pcx does not know, kept exactly as sent.
    Other(Box<str>),
}

impl SubscriptionStatus {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Deleted => "deleted",
            Self::Expired => "expired",
            Self::Pending => "pending",
            Self::Disabled => "disabled",
            Self::Other(text) => text,
        }
    }

    /// Known values match case-insensitively; others are kept.
    pub fn parse(text: &str) -> Self {
        const KNOWN: [(&str, SubscriptionStatus); 6] = [
            ("active", SubscriptionStatus::Active),
            ("suspended", SubscriptionStatus::Suspended),
            ("deleted", SubscriptionStatus::Deleted),
            ("expired", SubscriptionStatus::Expired),
            ("pending", SubscriptionStatus::Pending),
            ("disabled", SubscriptionStatus::Disabled),
        ];
        KNOWN
            .into_iter()
            .find(|(name, _)| text.eq_ignore_ascii_case(name))
            .map_or_else(|| Self::Other(text.into()), |(_, status)| status)
    }

    /// Stopped serving: suspended, expired (what `✗` marks).
    pub fn is_stopped(&self) -> bool {
        matches!(self, Self::Suspended | Self::Expired)
    }
}

impl fmt::Display for SubscriptionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SubscriptionStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SubscriptionStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = lenient::string(d)?.unwrap_or_default();
        Ok(Self::parse(&text))
    }
}

/// A customer's subscription (legacy, new-commerce, Azure, software or marketplace alike).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    /// New commerce: `{productId}:{skuId}:{availabilityId}`; legacy: a GUID; Azure: `MS-AZR-…`.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub offer_id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub offer_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub friendly_name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<i64>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub unit_type: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<SubscriptionStatus>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_date: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub effective_start_date: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub commitment_end_date: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub auto_renew_enabled: Option<bool>,
    /// `monthly`, `annual`, `triennial`, `none`…, kept as sent.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub billing_cycle: Option<Box<str>>,
    /// ISO 8601 duration: `P1M`, `P1Y`, `P3Y`.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub term_duration: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub contract_type: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::boolean",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_trial: Option<bool>,
    /// The end of the window in which seats can still be reduced or the purchase cancelled.
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub cancellation_allowed_until_date: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub refundable_quantity: Option<RefundableQuantity>,
    #[serde(
        default,
        deserialize_with = "lenient::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub suspension_reasons: Vec<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub parent_subscription_id: Option<Box<str>>,
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

/// `refundableQuantity` (new commerce): seats that can still be returned, and until when.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RefundableQuantity {
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_quantity: Option<i64>,
}

/// A catalog SKU (`/v1/products/{productId}/skus/{skuId}`): only what the join needs.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CatalogSku {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub product_id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub title: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub dynamic_attributes: Option<DynamicAttributes>,
}

/// `dynamicAttributes` of a catalog SKU: `provisioningId` is the Entra ID SKU GUID.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DynamicAttributes {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub provisioning_id: Option<Box<str>>,
}

/// A legacy offer (`/v1/offers/{offerId}`): `product.id` is the Entra ID SKU GUID.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::any",
        skip_serializing_if = "Option::is_none"
    )]
    pub product: Option<OfferProduct>,
}

/// `product` of a legacy offer.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OfferProduct {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<Box<str>>,
}

/// `/v1/customers/{id}/subscriptions/{sid}/provisioningstatus`: `skuId` in upper case.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningStatus {
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub sku_id: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::string",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<Box<str>>,
    #[serde(
        default,
        deserialize_with = "lenient::int",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<i64>,
}
