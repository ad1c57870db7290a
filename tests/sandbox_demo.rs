//! The demo partner, read through pcx's own client: enough customers with valid ids, users'
//! licences that agree with the subscribed SKUs (same SKU and plan ids, seat counts equal to
//! holders, plan statuses derived from the tenant's), and every element of the story.

mod common;

use pcx::api::{
    ApiClient, ApiError, CallContext, ClientConfig, Customer, CustomerQuery, CustomerUser, License,
    LicenseGroup, Resource, StaticToken, SubscribedSku, UserQuery,
};
use pcx::sandbox::{DEMO_TOKEN, SandboxConfig};
use std::collections::{HashMap, HashSet};

const BOTH: [LicenseGroup; 2] = [LicenseGroup::Group1, LicenseGroup::Group2];

fn is_guid(text: Option<&str>) -> bool {
    text.is_some_and(|s| s.len() == 36 && uuid::Uuid::try_parse(s).is_ok() && s == s.to_lowercase())
}

async fn all_users(api: &ApiClient, customer: &str, deleted: bool) -> Vec<Resource<CustomerUser>> {
    common::all_users(api, customer, 500, deleted).await.0
}

/// What the walk over the whole demo partner found.
#[derive(Default)]
struct Story {
    sku_statuses: HashSet<String>,
    tenant_plan_statuses: HashSet<String>,
    user_plan_statuses: HashSet<String>,
    over_consumed: usize,
    none_left: usize,
    deleted_users: usize,
    group2_licences: usize,
    no_access: usize,
    largest_tenant: usize,
    smallest_tenant: usize,
}

/// Checks one customer's users against its subscribed SKUs and records the story.
async fn check_customer(api: &ApiClient, customer: &str, story: &mut Story) {
    let ctx = CallContext::new();
    let skus = match api.subscribed_skus(&ctx, customer, &BOTH).await {
        Ok(skus) => skus,
        Err(ApiError::NoAccess(detail)) => {
            assert_eq!(detail.code.as_deref(), Some("900308"));
            assert!(matches!(
                api.users_page(&ctx, customer, &UserQuery::default(), None)
                    .await,
                Err(ApiError::NoAccess(_))
            ));
            story.no_access += 1;
            return;
        }
        Err(other) => panic!("subscribed SKUs of {customer}: {other}"),
    };
    let by_id: HashMap<String, &SubscribedSku> = skus
        .iter()
        .map(|s| (sku_id(&s.data.product_sku), &s.data))
        .collect();
    let users = all_users(api, customer, false).await;
    story.largest_tenant = story.largest_tenant.max(users.len());
    story.smallest_tenant = story.smallest_tenant.min(users.len());
    let mut tasks = tokio::task::JoinSet::new();
    for user in &users {
        assert!(is_guid(user.data.id.as_deref()));
        let (api, customer, uid) = (
            api.clone(),
            customer.to_string(),
            user.data.id.as_deref().unwrap().to_string(),
        );
        tasks.spawn(async move {
            api.user_licenses(&CallContext::new(), &customer, &uid, &BOTH)
                .await
                .unwrap()
        });
    }
    let mut holders: HashMap<String, i64> = HashMap::new();
    while let Some(licenses) = tasks.join_next().await {
        for license in licenses.unwrap() {
            check_license(&license, &by_id, story);
            let sku = sku_id(&license.data.product_sku);
            *holders.entry(sku).or_default() += 1;
        }
    }
    for sku in &skus {
        let s = &sku.data;
        let id = s.product_sku.as_ref().unwrap().id.as_deref().unwrap();
        assert!(is_guid(Some(id)));
        assert_eq!(
            s.consumed_units,
            Some(*holders.get(id).unwrap_or(&0)),
            "seats of {id} at {customer}"
        );
        story
            .sku_statuses
            .insert(s.capability_status.as_ref().unwrap().to_string());
        story.tenant_plan_statuses.extend(
            s.service_plans
                .iter()
                .map(|p| p.capability_status.as_ref().unwrap().to_string()),
        );
        story.over_consumed += usize::from(s.is_over_consumed());
        story.none_left += usize::from(s.available_units == Some(0));
    }
    for gone in all_users(api, customer, true).await {
        assert!(gone.data.is_deleted() && gone.data.soft_deletion_time.is_some());
        story.deleted_users += 1;
    }
}

fn check_license(
    license: &Resource<License>,
    skus: &HashMap<String, &SubscribedSku>,
    story: &mut Story,
) {
    let product = license.data.product_sku.as_ref().unwrap();
    let sku = skus
        .get(product.id.as_deref().unwrap())
        .expect("a licence's SKU is one the customer subscribes to");
    let plan_ids =
        |plans: &[pcx::api::ServicePlan]| plans.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        plan_ids(&license.data.service_plans),
        plan_ids(&sku.service_plans)
    );
    for (mine, tenant) in license.data.service_plans.iter().zip(&sku.service_plans) {
        assert!(is_guid(mine.id.as_deref()));
        let (mine, tenant) = (
            mine.capability_status.as_ref().unwrap().as_str(),
            tenant.capability_status.as_ref().unwrap().as_str(),
        );
        if tenant == "Enabled" {
            assert!(
                mine == "Assigned" || mine == "Disabled",
                "{mine} under an Enabled plan"
            );
        } else {
            assert_eq!(
                mine, tenant,
                "a tenant-level problem shows on the user's plan"
            );
        }
        story.user_plan_statuses.insert(mine.to_string());
    }
    if product.license_group_id.as_ref().map(|g| g.as_str()) == Some("group2") {
        story.group2_licences += 1;
    }
}

#[tokio::test]
async fn the_demo_partner_is_consistent_and_tells_its_story() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let api = ApiClient::new(
        ClientConfig::new(sandbox.base_url()),
        StaticToken::new(pcx::api::Secret::new(DEMO_TOKEN)),
    )
    .unwrap();
    let ctx = CallContext::new();
    let customers: Vec<Resource<Customer>> = api
        .customers_page(
            &ctx,
            &CustomerQuery {
                page_size: 500,
                search: None,
            },
            None,
        )
        .await
        .unwrap()
        .items;
    assert!(customers.len() >= 20, "{} customers", customers.len());
    assert!(customers.iter().all(|c| is_guid(c.data.id.as_deref())));
    assert_eq!(
        customers
            .iter()
            .map(|c| c.data.id.clone())
            .collect::<HashSet<_>>()
            .len(),
        customers.len()
    );

    let names: Vec<&str> = customers
        .iter()
        .map(|c| c.data.company_name().unwrap())
        .collect();
    let any = |f: &dyn Fn(char) -> bool| names.iter().any(|n| n.chars().any(f));
    assert!(
        any(&|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "a CJK name"
    );
    assert!(
        any(&|c| ('\u{0600}'..='\u{06ff}').contains(&c)),
        "a right-to-left name"
    );
    assert!(
        any(&|c| ('\u{1f300}'..='\u{1faff}').contains(&c)),
        "an emoji name"
    );
    assert!(
        names.iter().any(|n| n.chars().count() >= 120),
        "a very long legal name"
    );

    let mut story = Story {
        smallest_tenant: usize::MAX,
        ..Story::default()
    };
    for customer in &customers {
        check_customer(&api, customer.data.id.as_deref().unwrap(), &mut story).await;
    }
    for status in ["Enabled", "Suspended", "Warning", "LockedOut"] {
        assert!(
            story.sku_statuses.contains(status),
            "a SKU {status}: {:?}",
            story.sku_statuses
        );
    }
    assert!(
        story.tenant_plan_statuses.contains("Deleted"),
        "a Deleted plan"
    );
    for status in [
        "Assigned",
        "Suspended",
        "Warning",
        "Deleted",
        "LockedOut",
        "Disabled",
    ] {
        assert!(
            story.user_plan_statuses.contains(status),
            "a user's plan {status}"
        );
    }
    assert!(story.over_consumed >= 1, "an over-consumed SKU");
    assert!(story.none_left >= 1, "a SKU with no seats left");
    assert!(story.deleted_users >= 5, "deleted users");
    assert!(story.group2_licences >= 1, "a Minecraft (group2) licence");
    assert_eq!(story.no_access, 1, "the customer without a GDAP role");
    assert!(
        story.smallest_tenant <= 3 && story.largest_tenant >= 300,
        "{}..{} users",
        story.smallest_tenant,
        story.largest_tenant
    );
}

fn sku_id(sku: &Option<pcx::api::ProductSku>) -> String {
    sku.as_ref()
        .and_then(|s| s.id.clone())
        .expect("a SKU id")
        .to_string()
}
