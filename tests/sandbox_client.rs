//! pcx's own client against the sandbox over real loopback HTTP: continuation paging at scale,
//! exactness under injected faults, determinism by seed, `/v1` normalisation, users paging,
//! the deleted filter, licence groups and server-side search.

mod common;

use common::all_customers;
use pcx::api::{
    ApiClient, CallContext, Customer, CustomerQuery, CustomerSearch, LicenseGroup, Resource,
    RetryPolicy, UserQuery,
};
use pcx::sandbox::{DEMO_TOKEN, FaultConfig, FaultKind, Sandbox, SandboxConfig};
use std::collections::HashSet;
use std::time::Duration;

fn client(sandbox: &Sandbox, attempts: u32) -> ApiClient {
    common::client_with(&sandbox.base_url(), common::token(DEMO_TOKEN), |config| {
        config.retry = RetryPolicy {
            max_attempts: attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
        };
        config.request_timeout = Duration::from_secs(10);
    })
}

/// Every customer, in pages of `size`.
fn pages_of(size: u32) -> CustomerQuery {
    CustomerQuery {
        page_size: size,
        search: None,
    }
}

fn ids(customers: &[Resource<Customer>]) -> Vec<String> {
    customers
        .iter()
        .map(|c| c.data.id.as_deref().unwrap_or_default().to_string())
        .collect()
}

fn raw_json<T>(items: &[Resource<T>]) -> String {
    serde_json::to_string(items).unwrap()
}

#[tokio::test]
async fn paging_1234_generated_customers_returns_each_exactly_once() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(1234, 3, 7)).await;
    let query = pages_of(500);
    let customers = all_customers(&client(&sandbox, 1), &query).await;
    let ids = ids(&customers);
    assert_eq!(ids.len(), 1234);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1234);
    assert!(
        customers
            .iter()
            .all(|c| c.data.company_name().is_some_and(|n| !n.is_empty()))
    );
    // Page 0 links to /v1/customers?..., page 1 to /customers?...: the client normalised both.
    assert_eq!(
        sandbox.api_requests(),
        vec![
            "/v1/customers?size=500",
            "/v1/customers?size=500&seekOperation=Next",
            "/v1/customers?size=500&seekOperation=Next",
        ]
    );
}

#[tokio::test]
async fn under_thirty_percent_faults_the_listing_is_still_exact() {
    let clean = common::start_sandbox(SandboxConfig::generated(1234, 3, 7)).await;
    let query = pages_of(100);
    let expected = all_customers(&client(&clean, 1), &query).await;

    let mut config = SandboxConfig::generated(1234, 3, 7);
    config.faults = FaultConfig::safe(0.3, 99).with_retry_after(0);
    let faulty = common::start_sandbox(config).await;
    let got = all_customers(&client(&faulty, 12), &query).await;
    assert_eq!(
        raw_json(&got),
        raw_json(&expected),
        "exact data, in order, through the faults"
    );
    let pages = 13;
    assert!(
        faulty.api_request_count() > pages,
        "faults were injected and retried"
    );
}

#[tokio::test]
async fn the_listing_recovers_once_the_fault_clears() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(30, 1, 1)).await;
    let api = client(&sandbox, 2);
    let query = pages_of(10);
    sandbox.set_faults(FaultConfig::only(&[FaultKind::ServerError], 1.0));
    let ctx = CallContext::new();
    assert!(api.customers_page(&ctx, &query, None).await.is_err());
    sandbox.set_faults(FaultConfig::none());
    assert_eq!(all_customers(&api, &query).await.len(), 30);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    let a = common::start_sandbox(SandboxConfig::generated(300, 40, 42)).await;
    let b = common::start_sandbox(SandboxConfig::generated(300, 40, 42)).await;
    let c = common::start_sandbox(SandboxConfig::generated(300, 40, 43)).await;
    let query = pages_of(120);
    let (ca, cb, cc) = (client(&a, 1), client(&b, 1), client(&c, 1));
    let (la, lb, lc) = (
        all_customers(&ca, &query).await,
        all_customers(&cb, &query).await,
        all_customers(&cc, &query).await,
    );
    assert_eq!(raw_json(&la), raw_json(&lb));
    assert_ne!(raw_json(&la), raw_json(&lc));

    let ctx = CallContext::new();
    let customer = la[17].data.id.as_deref().unwrap();
    let users = |api: ApiClient| {
        let ctx = ctx.clone();
        async move {
            let (users, _) = common::all_users(&api, customer, 500, false).await;
            let user = users[9].data.id.as_deref().unwrap().to_string();
            let licenses = api.user_licenses(&ctx, customer, &user, &[]).await.unwrap();
            let skus = api.subscribed_skus(&ctx, customer, &[]).await.unwrap();
            (raw_json(&users), raw_json(&licenses), raw_json(&skus))
        }
    };
    assert_eq!(users(ca.clone()).await, users(cb.clone()).await);
}

#[tokio::test]
async fn users_page_through_and_the_deleted_filter_selects_inactive_users() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(20, 730, 3)).await;
    let api = client(&sandbox, 1);
    let ctx = CallContext::new();
    let first = all_customers(&api, &pages_of(5)).await;
    let customer = first[0].data.id.as_deref().unwrap();
    let (users, pages) = common::all_users(&api, customer, 100, false).await;
    assert_eq!(pages, 8);
    assert_eq!(users.len(), 730, "--users-per-customer is exact");
    let upns: HashSet<_> = users
        .iter()
        .map(|u| u.data.user_principal_name.clone())
        .collect();
    assert_eq!(upns.len(), 730);
    assert!(users.iter().all(|u| !u.data.is_deleted()));

    let mut deleted_seen = 0;
    for c in &first {
        let id = c.data.id.as_deref().unwrap();
        let deleted = api
            .users_page(
                &ctx,
                id,
                &UserQuery {
                    page_size: 50,
                    deleted: true,
                },
                None,
            )
            .await
            .unwrap();
        assert!(
            deleted
                .items
                .iter()
                .all(|u| u.data.is_deleted() && u.data.soft_deletion_time.is_some())
        );
        deleted_seen += deleted.items.len();
        if let Some(gone) = deleted.items.first() {
            // A deleted user can still be read by id, and holds no licences.
            let uid = gone.data.id.as_deref().unwrap();
            assert!(api.user(&ctx, id, uid).await.unwrap().data.is_deleted());
            assert!(
                api.user_licenses(&ctx, id, uid, &[])
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
    }
    assert!(
        deleted_seen > 0,
        "some generated customers have deleted users"
    );
}

#[tokio::test]
async fn licence_groups_select_group1_group2_or_both() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let api = client(&sandbox, 1);
    let ctx = CallContext::new();
    let school = "0aee0a3b-c6a6-454a-904c-4b01dccc2de0";
    let users = api
        .users_page(&ctx, school, &UserQuery::default(), None)
        .await
        .unwrap();
    let faculty = users.items[0].data.id.as_deref().unwrap();
    let groups = |licenses: Vec<Resource<pcx::api::License>>| -> Vec<String> {
        licenses
            .iter()
            .map(|l| {
                l.data
                    .product_sku
                    .as_ref()
                    .unwrap()
                    .license_group_id
                    .as_ref()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(
        groups(api.user_licenses(&ctx, school, faculty, &[]).await.unwrap()),
        ["group1"]
    );
    let minecraft = api
        .user_licenses(&ctx, school, faculty, &[LicenseGroup::Group2])
        .await
        .unwrap();
    assert_eq!(groups(minecraft.clone()), ["group2"]);
    assert!(minecraft[0].data.service_plans.is_empty());
    let both = api
        .user_licenses(
            &ctx,
            school,
            faculty,
            &[LicenseGroup::Group1, LicenseGroup::Group2],
        )
        .await
        .unwrap();
    assert_eq!(groups(both), ["group1", "group2"]);
    let skus = api
        .subscribed_skus(&ctx, school, &[LicenseGroup::Group2])
        .await
        .unwrap();
    assert_eq!(skus.len(), 1);
    assert_eq!(
        skus[0]
            .data
            .product_sku
            .as_ref()
            .unwrap()
            .sku_part_number
            .as_deref(),
        Some("CFQ7TTC0K5DR/0002")
    );
}

#[tokio::test]
async fn starts_with_search_by_name_or_domain_ignores_case() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let api = client(&sandbox, 1);
    let names = |found: Vec<Resource<Customer>>| -> Vec<String> {
        found
            .iter()
            .map(|c| c.data.company_name().unwrap().to_string())
            .collect()
    };
    let search = |s: CustomerSearch| CustomerQuery {
        page_size: 2,
        search: Some(s),
    };
    assert_eq!(
        names(all_customers(&api, &search(CustomerSearch::CompanyName("CONT".into()))).await),
        ["Contoso Ltd."]
    );
    assert_eq!(
        names(all_customers(&api, &search(CustomerSearch::CompanyName("co".into()))).await),
        ["Contoso Ltd.", "Coho Winery"]
    );
    assert_eq!(
        names(all_customers(&api, &search(CustomerSearch::CompanyName("株式".into()))).await),
        ["株式会社さくら電機"]
    );
    let by_domain = all_customers(&api, &search(CustomerSearch::Domain("north".into()))).await;
    assert_eq!(by_domain.len(), 2);
    assert!(
        by_domain
            .iter()
            .all(|c| c.data.domain().unwrap().starts_with("north"))
    );
    assert!(
        all_customers(&api, &search(CustomerSearch::CompanyName("zzz".into())))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn filtered_paging_over_a_generated_partner_matches_a_full_scan() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(2000, 1, 11)).await;
    let api = client(&sandbox, 1);
    let everyone = all_customers(&api, &pages_of(500)).await;
    let prefix = "Ha";
    let expected: Vec<String> = everyone
        .iter()
        .filter(|c| {
            c.data
                .company_name()
                .unwrap()
                .to_lowercase()
                .starts_with("ha")
        })
        .map(|c| c.data.id.as_deref().unwrap().to_string())
        .collect();
    assert!(expected.len() > 7, "the prefix must span several pages");
    let query = CustomerQuery {
        page_size: 7,
        search: Some(CustomerSearch::CompanyName(prefix.into())),
    };
    assert_eq!(ids(&all_customers(&api, &query).await), expected);
}
