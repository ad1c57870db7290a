//! The client's commerce calls: a customer's subscriptions (paged like every collection), one
//! subscription, and the three documented lookups that name the SKU a subscription provisions.
//! Only GETs; ids are checked before they go into a path.

use super::call::CallContext;
use super::client::{ApiClient, check_guid, endpoint};
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
                "{} {:?} is not a catalog id (letters and digits)",
                super::error::id_name(what),
                crate::text::sanitize(&value)
            ),
            correlation_id: None,
        })
    }
}

impl ApiClient {
    endpoint! {
        /// All of a customer's subscriptions (following `links.next` like every collection).
        subscriptions(customer_id: check_guid)
            -> get_all Vec<Resource<Subscription>>
            = "/v1/customers/{customer_id}/subscriptions";

        /// One subscription of a customer by id.
        subscription(customer_id: check_guid, subscription_id: check_guid)
            -> get_one Resource<Subscription>
            = "/v1/customers/{customer_id}/subscriptions/{subscription_id}";

        /// A new-commerce catalog SKU; its `dynamicAttributes.provisioningId` is the SKU GUID.
        catalog_sku(
            product_id: check_catalog_id,
            sku_id: check_catalog_id,
            country: check_catalog_id
        )
            -> get_one Resource<CatalogSku>
            = "/v1/products/{product_id}/skus/{sku_id}?country={country}";

        /// A legacy offer by its GUID; its `product.id` is the SKU GUID.
        offer(offer_id: check_guid, country: check_catalog_id)
            -> get_one Resource<Offer>
            = "/v1/offers/{offer_id}?country={country}";

        /// Where a subscription's provisioning stands; `skuId` names its SKU (upper case).
        provisioning_status(customer_id: check_guid, subscription_id: check_guid)
            -> get_one Resource<ProvisioningStatus>
            = "/v1/customers/{customer_id}/subscriptions/{subscription_id}/provisioningstatus";
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
