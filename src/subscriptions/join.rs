//! Which subscribed SKU a subscription provisions, by what the API documents: a new-commerce
//! offer (`{productId}:{skuId}:{availabilityId}`) through its catalog SKU's
//! `dynamicAttributes.provisioningId`; a legacy GUID offer through `/v1/offers/{id}`'s
//! `product.id`; any other subscription through its `provisioningstatus`' `skuId`. Catalog and
//! offer answers are the same for every customer, so each is asked once per process (one
//! request per distinct SKU or offer, even when asked concurrently). A name match stands in
//! only where none of these answers, and says so. Failed lookups are logged and leave the
//! subscription unmatched; they never fail the listing.

use crate::api::{ApiClient, ApiError, CallContext, Resource, SubscribedSku, Subscription};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// How a subscription was tied to its SKU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedBy {
    /// An id the API gave (catalog SKU, offer or provisioning status).
    Id,
    /// The offer name equals the SKU's name: a guess, shown as such.
    Name,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Name => "name",
        }
    }
}

impl SkuMatch {
    /// A match as the store keeps it (`sku_id`, `matched_by` `id` or `name`); `None` when
    /// either is missing or the way is unknown.
    pub fn stored(sku_id: Option<String>, by: Option<String>) -> Option<Self> {
        let by = match by.as_deref()? {
            "id" => MatchedBy::Id,
            "name" => MatchedBy::Name,
            _ => return None,
        };
        Some(SkuMatch {
            sku_id: sku_id?.into(),
            by,
        })
    }
}

/// The SKU a subscription provisions (its id in lower case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkuMatch {
    pub sku_id: Box<str>,
    pub by: MatchedBy,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Catalog(String, String),
    Offer(String),
}

type Slot = Arc<OnceCell<Option<Box<str>>>>;

/// Told of every request the resolver makes (the scan counts them).
pub type RequestObserver = Arc<dyn Fn() + Send + Sync>;

/// Resolves subscriptions to SKU ids, caching catalog and offer answers across customers.
#[derive(Clone)]
pub struct SkuResolver {
    client: ApiClient,
    country: Arc<str>,
    cache: Arc<Mutex<HashMap<Key, Slot>>>,
    on_request: Option<RequestObserver>,
}

impl SkuResolver {
    /// `country` is sent to the catalog (`US` unless the subscription's own link names one).
    pub fn new(client: ApiClient) -> Self {
        Self {
            client,
            country: "US".into(),
            cache: Arc::default(),
            on_request: None,
        }
    }

    /// Tells `observer` of each request it makes.
    pub fn with_request_observer(mut self, observer: RequestObserver) -> Self {
        self.on_request = Some(observer);
        self
    }

    fn requesting(&self) {
        if let Some(observer) = &self.on_request {
            observer();
        }
    }

    /// The SKU id the API gives for this subscription, if any (lower case).
    pub async fn resolve_id(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        sub: &Subscription,
    ) -> Option<Box<str>> {
        let offer = sub.offer_id.as_deref().unwrap_or("").trim();
        // Azure plans are usage-based: no SKU, nothing to ask.
        if offer.to_ascii_uppercase().starts_with("MS-AZR-") {
            return None;
        }
        let shared = if let Some((product, sku)) = sub.nce_product_sku() {
            let key = Key::Catalog(product.to_ascii_uppercase(), sku.to_ascii_uppercase());
            self.cached(key, || self.catalog(ctx, product, sku)).await
        } else if crate::api::client::check_guid("offer id", offer).is_ok() {
            let key = Key::Offer(offer.to_ascii_lowercase());
            self.cached(key, || self.offer(ctx, offer)).await
        } else {
            None
        };
        if shared.is_some() {
            return shared;
        }
        let sid = sub.id.as_deref()?;
        self.requesting();
        match self.client.provisioning_status(ctx, customer_id, sid).await {
            Ok(status) => clean_id(status.data.sku_id.as_deref()),
            Err(e) => {
                log_miss("provisioning status", sid, &e);
                None
            }
        }
    }

    /// Each subscription's SKU: by id where the API answers, else by name among `skus`.
    pub async fn resolve_all(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        subs: &[Resource<Subscription>],
        skus: &[Resource<SubscribedSku>],
    ) -> Vec<Option<SkuMatch>> {
        let mut out = Vec::with_capacity(subs.len());
        for sub in subs {
            let found = match self.resolve_id(ctx, customer_id, &sub.data).await {
                Some(sku_id) => Some(SkuMatch {
                    sku_id,
                    by: MatchedBy::Id,
                }),
                None => match_by_name(&sub.data, skus),
            };
            out.push(found);
        }
        out
    }

    async fn cached<F, Fut>(&self, key: Key, lookup: F) -> Option<Box<str>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<Box<str>>, ApiError>>,
    {
        let slot = {
            let mut cache = match self.cache.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            cache.entry(key).or_default().clone()
        };
        // A failed lookup (throttled, offline) leaves the slot empty: the next caller retries.
        slot.get_or_try_init(lookup).await.ok().cloned().flatten()
    }

    async fn catalog(
        &self,
        ctx: &CallContext,
        product: &str,
        sku: &str,
    ) -> Result<Option<Box<str>>, ApiError> {
        self.requesting();
        match self
            .client
            .catalog_sku(ctx, product, sku, &self.country)
            .await
        {
            Ok(found) => Ok(clean_id(
                found
                    .data
                    .dynamic_attributes
                    .as_ref()
                    .and_then(|d| d.provisioning_id.as_deref()),
            )),
            Err(e) => settle(e, "catalog SKU", &format!("{product}/{sku}")),
        }
    }

    async fn offer(&self, ctx: &CallContext, offer: &str) -> Result<Option<Box<str>>, ApiError> {
        self.requesting();
        match self.client.offer(ctx, offer, &self.country).await {
            Ok(found) => Ok(clean_id(
                found.data.product.as_ref().and_then(|p| p.id.as_deref()),
            )),
            Err(e) => settle(e, "offer", offer),
        }
    }

    /// How many catalog and offer answers are cached (for tests and the log).
    pub fn cached_lookups(&self) -> usize {
        match self.cache.lock() {
            Ok(cache) => cache.values().filter(|s| s.initialized()).count(),
            Err(poisoned) => poisoned.into_inner().len(),
        }
    }
}

/// A definite "no such thing" is an answer worth keeping; anything else is tried again later.
fn settle(e: ApiError, what: &str, id: &str) -> Result<Option<Box<str>>, ApiError> {
    log_miss(what, id, &e);
    match e {
        ApiError::NotFound(_)
        | ApiError::NoAccess(_)
        | ApiError::Rejected(_)
        | ApiError::InvalidId { .. }
        | ApiError::BadData { .. } => Ok(None),
        other => Err(other),
    }
}

fn log_miss(what: &str, id: &str, e: &ApiError) {
    tracing::info!(what, id = %crate::text::sanitize(id), error = %e, "SKU join: no answer");
}

/// A SKU GUID in lower case (the provisioning status sends upper case); anything else is none.
fn clean_id(id: Option<&str>) -> Option<Box<str>> {
    let id = id?.trim();
    crate::api::client::check_guid("SKU id", id)
        .is_ok()
        .then(|| id.to_ascii_lowercase().into_boxed_str())
}

/// The last resort: the subscribed SKU whose name equals the offer (or friendly) name.
pub fn match_by_name(sub: &Subscription, skus: &[Resource<SubscribedSku>]) -> Option<SkuMatch> {
    let names: Vec<&str> = [&sub.offer_name, &sub.friendly_name]
        .into_iter()
        .filter_map(|n| n.as_deref().map(str::trim))
        .filter(|n| !n.is_empty())
        .collect();
    skus.iter().find_map(|sku| {
        let product = sku.data.product_sku.as_ref()?;
        let name = product.name.as_deref()?.trim();
        let id = product.id.as_deref()?;
        names
            .iter()
            .any(|n| n.to_lowercase() == name.to_lowercase())
            .then(|| SkuMatch {
                sku_id: id.to_ascii_lowercase().into(),
                by: MatchedBy::Name,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provisioning_ids_compare_without_case() {
        assert_eq!(
            clean_id(Some("6FD2C87F-B296-42F0-B197-1E91E994B900")).as_deref(),
            Some("6fd2c87f-b296-42f0-b197-1e91e994b900")
        );
        assert_eq!(clean_id(Some("not a guid")), None);
        assert_eq!(clean_id(None), None);
    }

    #[test]
    fn a_name_match_is_marked_as_one() {
        let sub: Subscription =
            serde_json::from_str(r#"{"offerName":"  microsoft 365 business basic "}"#).unwrap();
        let skus = vec![
            Resource::<SubscribedSku>::parse(
                r#"{"productSku":{"id":"AAAA0000-0000-0000-0000-000000000001","name":"Other"}}"#,
            )
            .unwrap(),
            Resource::<SubscribedSku>::parse(
                r#"{"productSku":{"id":"3B555118-DA6A-4418-894F-7DF1E2096870","name":"Microsoft 365 Business Basic"}}"#,
            )
            .unwrap(),
        ];
        let found = match_by_name(&sub, &skus).unwrap();
        assert_eq!(&*found.sku_id, "3b555118-da6a-4418-894f-7df1e2096870");
        assert_eq!(found.by, MatchedBy::Name);
        let nameless: Subscription = serde_json::from_str(r#"{"offerId":"x"}"#).unwrap();
        assert_eq!(match_by_name(&nameless, &skus), None);
    }
}
