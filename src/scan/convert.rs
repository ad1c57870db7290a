//! From Partner Center resources to the store's rows, keeping each item's raw JSON.

use crate::api::{
    Customer, CustomerUser, License, Resource, ServicePlan, SubscribedSku, Subscription,
};
use crate::store::{
    LicenseRecord, PlanRecord, SkuRecord, SkuSeats, SubscriptionRecord, UserRecord,
};
use crate::subscriptions::SkuMatch;
use crate::text::owned;

fn plans(list: &[ServicePlan]) -> Vec<PlanRecord> {
    list.iter()
        .filter_map(|p| {
            Some(PlanRecord {
                plan_id: p.id.as_deref()?.to_ascii_lowercase(),
                service_name: owned(&p.service_name),
                status: p.capability_status.as_ref().map(|s| s.as_str().to_string()),
            })
        })
        .collect()
}

/// A customer as listed: (id, name, domain, raw). `None` without an id.
pub(crate) fn customer(item: &Resource<Customer>) -> Option<super::Target> {
    Some(super::Target {
        id: item.data.id.as_deref()?.to_ascii_lowercase(),
        name: item.data.company_name().map(str::to_string),
        domain: item.data.domain().map(str::to_string),
        raw: item.raw.get().to_string(),
    })
}

pub(crate) fn sku(item: &Resource<SubscribedSku>) -> Option<SkuRecord> {
    let s = &item.data;
    let product = s.product_sku.as_ref()?;
    Some(SkuRecord {
        sku: SkuSeats {
            sku_id: product.id.as_deref()?.to_ascii_lowercase(),
            part_number: owned(&product.sku_part_number),
            name: owned(&product.name),
            status: s.capability_status.as_ref().map(|c| c.as_str().to_string()),
            total: s.total_units,
            consumed: s.consumed_units,
            available: s.available_units,
            warning: s.warning_units,
            suspended: s.suspended_units,
        },
        raw: item.raw.get().to_string(),
        plans: plans(&s.service_plans),
    })
}

/// A user (without licences yet); `None` without an id.
pub(crate) fn user(item: &Resource<CustomerUser>) -> Option<UserRecord> {
    Some(UserRecord {
        user_id: item.data.id.as_deref()?.to_ascii_lowercase(),
        upn: owned(&item.data.user_principal_name),
        display_name: owned(&item.data.display_name),
        raw: item.raw.get().to_string(),
        licenses: Vec::new(),
    })
}

pub(crate) fn license(item: &Resource<License>) -> Option<LicenseRecord> {
    let product = item.data.product_sku.as_ref()?;
    Some(LicenseRecord {
        sku_id: product.id.as_deref()?.to_ascii_lowercase(),
        part_number: owned(&product.sku_part_number),
        raw: item.raw.get().to_string(),
        plans: plans(&item.data.service_plans),
    })
}

/// A subscription and the SKU the join found for it; `None` without an id.
pub(crate) fn subscription(
    item: &Resource<Subscription>,
    found: Option<SkuMatch>,
) -> Option<SubscriptionRecord> {
    let s = &item.data;
    Some(SubscriptionRecord {
        subscription_id: s.id.as_deref()?.to_ascii_lowercase(),
        terms: s.into(),
        auto_renew: s.auto_renew_enabled,
        sku: found,
        raw: item.raw.get().to_string(),
    })
}
