//! The client's commerce calls: a customer's subscriptions (paged like every collection), one
//! subscription, and the three documented lookups that name the SKU a subscription provisions.
//! Only GETs; ids are checked before they go into a path.

use super::call::CallContext;
use super::client::{ApiClient, check_guid};
use super::error::ApiError;
use super::model::Resource;
use super::subscription::{CatalogSku, Offer, ProvisioningStatus, Subscription};

/// Catalog ids (`CFQ7TTC0LH18`, `0001`) and country codes go into paths and queries: only
/// short alphanumeric text is accepted.
pub fn check_catalog_id(what: &'static str, value: &str) -> Result<(), ApiError> {
    let ok =
        !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        let value = value.chars().take(80).collect::<String>();
        Err(ApiError::BadData {
            message: format!(
                "{what} {:?} is not a catalog id (letters and digits)",
                crate::text::sanitize(&value)
            ),
            correlation_id: None,
        })
    }
}

/// The path of one subscription of a customer, both ids checked.
fn subscription_path(customer_id: &str, subscription_id: &str) -> Result<String, ApiError> {
    check_guid("customer id", customer_id)?;
    check_guid("subscription id", subscription_id)?;
    Ok(format!(
        "/v1/customers/{customer_id}/subscriptions/{subscription_id}"
    ))
}

impl ApiClient {
    /// All of a customer's subscriptions (following `links.next` like every collection).
    pub async fn subscriptions(
        &self,
        ctx: &CallContext,
        customer_id: &str,
    ) -> Result<Vec<Resource<Subscription>>, ApiError> {
        check_guid("customer id", customer_id)?;
        self.get_all(ctx, &format!("/v1/customers/{customer_id}/subscriptions"))
            .await
    }

    /// One subscription of a customer by id.
    pub async fn subscription(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        subscription_id: &str,
    ) -> Result<Resource<Subscription>, ApiError> {
        let path = subscription_path(customer_id, subscription_id)?;
        self.get_one(ctx, &path).await
    }

    /// A new-commerce catalog SKU; its `dynamicAttributes.provisioningId` is the SKU GUID.
    pub async fn catalog_sku(
        &self,
        ctx: &CallContext,
        product_id: &str,
        sku_id: &str,
        country: &str,
    ) -> Result<Resource<CatalogSku>, ApiError> {
        check_catalog_id("product id", product_id)?;
        check_catalog_id("SKU id", sku_id)?;
        check_catalog_id("country", country)?;
        let path = format!("/v1/products/{product_id}/skus/{sku_id}?country={country}");
        self.get_one(ctx, &path).await
    }

    /// A legacy offer by its GUID; its `product.id` is the SKU GUID.
    pub async fn offer(
        &self,
        ctx: &CallContext,
        offer_id: &str,
        country: &str,
    ) -> Result<Resource<Offer>, ApiError> {
        check_guid("offer id", offer_id)?;
        check_catalog_id("country", country)?;
        self.get_one(ctx, &format!("/v1/offers/{offer_id}?country={country}"))
            .await
    }

    /// Where a subscription's provisioning stands; `skuId` names its SKU (upper case).
    pub async fn provisioning_status(
        &self,
        ctx: &CallContext,
        customer_id: &str,
        subscription_id: &str,
    ) -> Result<Resource<ProvisioningStatus>, ApiError> {
        let path = subscription_path(customer_id, subscription_id)?;
        self.get_one(ctx, &format!("{path}/provisioningstatus"))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_ids_are_short_and_alphanumeric() {
        assert!(check_catalog_id("product id", "CFQ7TTC0LH18").is_ok());
        assert!(check_catalog_id("SKU id", "0001").is_ok());
        for bad in ["", "../x", "a b", "CFQ7?x=1", &"A".repeat(65)] {
            assert!(check_catalog_id("SKU id", bad).is_err(), "{bad:?}");
        }
    }
}
