//! Subscriptions through pcx's client against the sandbox over loopback HTTP: every customer's
//! subscriptions add up to its subscribed SKUs' seats, each kind of offer leads to its SKU by
//! the documented lookup, one subscription by id (sent with a BOM), and the demo's story.

mod common;

use pcx::api::{
    ApiClient, ApiError, CallContext, ClientConfig, LicenseGroup, Secret, StaticToken,
    SubscriptionStatus,
};
use pcx::sandbox::{DEMO_TOKEN, Sandbox, SandboxConfig};
use pcx::subscriptions::{MatchedBy, SkuResolver, renewals};
use std::collections::HashMap;

const CONTOSO: &str = "a1111429-e9ce-48d5-ace2-e5f8dea72bac";

async fn sandbox(config: SandboxConfig) -> (Sandbox, ApiClient) {
    let sandbox = common::start_sandbox(config).await;
    let client = ApiClient::new(
        ClientConfig::new(sandbox.base_url()),
        StaticToken::new(Secret::new(DEMO_TOKEN)),
    )
    .unwrap();
    (sandbox, client)
}

async fn customer_ids(client: &ApiClient) -> Vec<String> {
    let ctx = CallContext::new();
    let query = pcx::api::CustomerQuery {
        page_size: 500,
        search: None,
    };
    let page = client.customers_page(&ctx, &query, None).await.unwrap();
    page.items
        .iter()
        .filter_map(|c| c.data.id.as_deref().map(str::to_string))
        .collect()
}

/// For every customer with a GDAP role: the quantities of its (not cancelled) subscriptions,
/// grouped by the SKU the join finds, equal each subscribed SKU's seats.
async fn quantities_add_up(config: SandboxConfig) -> usize {
    let (_sandbox, client) = sandbox(config).await;
    let ctx = CallContext::new();
    let resolver = SkuResolver::new(client.clone());
    let groups = [LicenseGroup::Group1, LicenseGroup::Group2];
    let mut checked = 0;
    for id in customer_ids(&client).await {
        let Ok(skus) = client.subscribed_skus(&ctx, &id, &groups).await else {
            continue;
        };
        let subs = client.subscriptions(&ctx, &id).await.unwrap();
        let matches = resolver.resolve_all(&ctx, &id, &subs, &skus).await;
        let mut seats: HashMap<String, i64> = HashMap::new();
        for (sub, found) in subs.iter().zip(&matches) {
            let found = found
                .as_ref()
                .expect("every sandbox subscription has a SKU");
            assert_eq!(found.by, MatchedBy::Id, "{id}: {:?}", sub.data.offer_id);
            *seats.entry(found.sku_id.to_string()).or_default() += sub.data.quantity.unwrap();
        }
        for sku in &skus {
            let product = sku.data.product_sku.as_ref().unwrap();
            let sku_id = product.id.as_deref().unwrap().to_ascii_lowercase();
            let total = sku.data.total_units.unwrap();
            assert_eq!(
                seats.get(&sku_id).copied().unwrap_or(0),
                total,
                "{id}: {:?}",
                product.name
            );
        }
        checked += 1;
    }
    checked
}

#[tokio::test]
async fn demo_subscriptions_add_up_to_the_subscribed_seats() {
    assert!(quantities_add_up(SandboxConfig::demo()).await >= 20);
}

#[tokio::test]
async fn generated_subscriptions_add_up_to_the_subscribed_seats() {
    assert_eq!(
        quantities_add_up(SandboxConfig::generated(40, 10, 3)).await,
        40
    );
}

#[tokio::test]
async fn the_demo_has_every_term_state_and_kind_of_offer() {
    let (_sandbox, client) = sandbox(SandboxConfig::demo()).await;
    let ctx = CallContext::new();
    let mut all = Vec::new();
    for id in customer_ids(&client).await {
        all.extend(client.subscriptions(&ctx, &id).await.unwrap());
    }
    let has = |f: &dyn Fn(&pcx::api::Subscription) -> bool| all.iter().any(|s| f(&s.data));
    assert!(has(&|s| s.term_duration.as_deref() == Some("P1M")));
    assert!(has(&|s| s.term_duration.as_deref() == Some("P1Y")));
    assert!(has(&|s| s.is_trial == Some(true)));
    assert!(has(&|s| s.auto_renew_enabled == Some(true)));
    assert!(has(&|s| s.auto_renew_enabled == Some(false)));
    assert!(has(
        &|s| s.status == Some(SubscriptionStatus::Suspended) && !s.suspension_reasons.is_empty()
    ));
    assert!(has(&|s| s.status == Some(SubscriptionStatus::Expired)));
    assert!(has(&|s| s.nce_product_sku().is_some()));
    assert!(has(&|s| s
        .offer_id
        .as_deref()
        .is_some_and(|o| uuid::Uuid::try_parse(o).is_ok())));
}

#[tokio::test]
async fn contoso_renews_e5_in_a_week_with_twelve_seats_unassigned() {
    let (_sandbox, client) = sandbox(SandboxConfig::demo()).await;
    let ctx = CallContext::new();
    let subs = client.subscriptions(&ctx, CONTOSO).await.unwrap();
    let groups = [LicenseGroup::Group1, LicenseGroup::Group2];
    let skus = client
        .subscribed_skus(&ctx, CONTOSO, &groups)
        .await
        .unwrap();
    let matches = SkuResolver::new(client.clone())
        .resolve_all(&ctx, CONTOSO, &subs, &skus)
        .await;
    let today = pcx::subscriptions::dates::today_utc();
    let rows = renewals(CONTOSO, &subs, &matches, &skus, today, 30);
    let e5 = rows
        .iter()
        .find(|r| r.terms.offer_name.as_deref() == Some("Microsoft 365 E5"))
        .expect("E5 ends within 30 days");
    assert_eq!(e5.days_left, Some(7));
    assert_eq!(e5.available_seats, Some(12));
    assert_eq!(e5.flag, Some(pcx::subscriptions::REDUCE_BEFORE_RENEWAL));
    assert_eq!(e5.matched_by, Some("id"));
}

#[tokio::test]
async fn one_subscription_its_provisioning_status_and_the_catalog_lookups() {
    let (_sandbox, client) = sandbox(SandboxConfig::demo()).await;
    let ctx = CallContext::new();
    let subs = client.subscriptions(&ctx, CONTOSO).await.unwrap();
    let first = &subs[0].data;
    let sid = first.id.as_deref().unwrap();
    // Sent with a byte-order mark, as some Partner Center answers are.
    let one = client.subscription(&ctx, CONTOSO, sid).await.unwrap();
    assert_eq!(one.data, *first);
    let status = client
        .provisioning_status(&ctx, CONTOSO, sid)
        .await
        .unwrap();
    let upper = status.data.sku_id.as_deref().unwrap();
    assert_eq!(upper, upper.to_ascii_uppercase(), "skuId comes upper-case");
    let (product, sku) = first
        .nce_product_sku()
        .expect("Contoso's E5 is new commerce");
    let catalog = client.catalog_sku(&ctx, product, sku, "US").await.unwrap();
    let provisioning = catalog
        .data
        .dynamic_attributes
        .and_then(|d| d.provisioning_id)
        .unwrap();
    assert!(provisioning.eq_ignore_ascii_case(upper));
    assert!(matches!(
        client.catalog_sku(&ctx, "CFQ7TTC0ZZZZ", "0001", "US").await,
        Err(ApiError::NotFound(_))
    ));
    assert!(matches!(
        client.catalog_sku(&ctx, "../x", "0001", "US").await,
        Err(ApiError::BadData { .. })
    ));
    let missing = uuid::Uuid::new_v4().to_string();
    assert!(matches!(
        client.subscription(&ctx, CONTOSO, &missing).await,
        Err(ApiError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_listing_prints_every_field_the_api_sent() {
    let (sandbox, _client) = sandbox(SandboxConfig::demo()).await;
    let exe = env!("CARGO_BIN_EXE_pcx");
    let home = std::env::temp_dir().join(format!("pcx-subs-{}", std::process::id()));
    let run = |format: &'static str| {
        let mut command = tokio::process::Command::new(exe);
        command
            .args(["subscriptions", CONTOSO, "-o", format])
            .env("PCX_BASE_URL", sandbox.base_url())
            .env("PCX_ACCESS_TOKEN", DEMO_TOKEN)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("COLUMNS", "200")
            .env("NO_COLOR", "1");
        async move { command.output().await.unwrap() }
    };
    let json = run("json").await;
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let items: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        items
            .iter()
            .all(|s| s["publisherName"] == "Microsoft Corporation"
                && s["links"]["self"]["uri"].is_string())
    );
    let csv = run("csv").await;
    let text = String::from_utf8(csv.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("id,offerId,offerName"));
    assert_eq!(lines.count(), items.len());
    let table = String::from_utf8(run("table").await.stdout).unwrap();
    assert!(table.contains("AUTO-RENEW"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains("Microsoft 365 E5") && l.contains(" 7 ")),
        "{table}"
    );
}
