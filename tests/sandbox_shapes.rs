//! The sandbox's answers have Partner Center's shapes, checked
//! over real loopback HTTP with a plain HTTP client: collections, paging links and tokens,
//! resources, BOMs, error bodies and codes, throttling.

mod common;

use pcx::sandbox::{DEMO_TOKEN, Sandbox, SandboxConfig};
use reqwest::header::HeaderMap;
use serde_json::Value;

const CONTOSO: &str = "a1111429-e9ce-48d5-ace2-e5f8dea72bac";
const SCHOOL: &str = "0aee0a3b-c6a6-454a-904c-4b01dccc2de0";
const NO_GDAP: &str = "99754ec3-cb50-4756-a728-13d21cc978e5";
const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";

struct Answer {
    status: u16,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    /// The body as JSON, a leading BOM allowed.
    fn json(&self) -> Value {
        let text = std::str::from_utf8(&self.bytes).expect("utf-8");
        serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("JSON body")
    }

    fn has_bom(&self) -> bool {
        self.bytes.starts_with("\u{feff}".as_bytes())
    }
}

/// A plain client that follows no redirects (reqwest needs a rustls provider even for http).
fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(sandbox: &Sandbox, path: &str, headers: &[(&str, &str)]) -> Answer {
    let client = http();
    let mut request = client.get(format!("{}{path}", sandbox.base_url()));
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}

async fn api(sandbox: &Sandbox, path: &str) -> Answer {
    get(sandbox, path, &[("Authorization", "Bearer t")]).await
}

/// The body of an API request's answer, as JSON.
async fn api_json(sandbox: &Sandbox, path: &str) -> Value {
    api(sandbox, path).await.json()
}

fn is_guid(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.len() == 36 && uuid::Uuid::try_parse(s).is_ok() && s == s.to_lowercase())
}

/// Each of `keys` in `value` (a `what`) passes `check`.
fn assert_fields(value: &Value, what: &str, keys: &[&str], check: fn(&Value) -> bool) {
    for key in keys {
        assert!(check(&value[*key]), "{what} lacks {key}");
    }
}

fn assert_fault(answer: &Answer, status: u16, code: i64) {
    assert_eq!(
        answer.status,
        status,
        "{}",
        String::from_utf8_lossy(&answer.bytes)
    );
    let body = answer.json();
    assert_eq!(body["code"], code, "{body}");
    assert!(body["description"].as_str().is_some_and(|d| !d.is_empty()));
    assert_eq!(body["data"], serde_json::json!([]));
    assert!(body["source"].is_string());
}

#[tokio::test]
async fn customers_pages_carry_tokens_and_next_links_in_both_forms() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let first = get(
        &sandbox,
        "/v1/customers?size=10",
        &[
            ("Authorization", "Bearer t"),
            ("MS-CorrelationId", "c0ffee00-0000-4000-8000-000000000001"),
            ("MS-RequestId", "r-1"),
        ],
    )
    .await;
    assert_eq!(first.status, 200);
    assert_eq!(
        first.headers["content-type"],
        "application/json; charset=utf-8"
    );
    assert_eq!(
        first.headers["ms-correlationid"],
        "c0ffee00-0000-4000-8000-000000000001"
    );
    assert_eq!(first.headers["ms-requestid"], "r-1");
    let body = first.json();
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    assert_eq!(body["totalCount"], 10);
    assert_eq!(body["attributes"]["objectType"], "Collection");
    assert_eq!(body["links"]["self"]["uri"], "/v1/customers?size=10");
    let token = body["continuationToken"].as_str().unwrap();
    for c in ['/', '+', '=', ','] {
        assert!(token.contains(c), "token lacks {c:?}");
    }
    let next = &body["links"]["next"];
    assert_eq!(next["uri"], "/v1/customers?size=10&seekOperation=Next");
    assert_eq!(next["method"], "GET");
    assert_eq!(
        next["headers"],
        serde_json::json!([{"key": "MS-ContinuationToken", "value": token}])
    );
    for item in items {
        assert!(is_guid(&item["id"]));
        assert_eq!(item["companyProfile"]["tenantId"], item["id"]);
        assert!(item["companyProfile"]["companyName"].is_string());
        assert!(item["companyProfile"]["domain"].is_string());
        assert_eq!(
            item["companyProfile"]["attributes"]["objectType"],
            "CustomerCompanyProfile"
        );
        assert!(item["relationshipToPartner"].is_string());
        assert_eq!(
            item["links"]["self"]["uri"],
            format!("/customers/{}", item["id"].as_str().unwrap())
        );
        assert_eq!(item["attributes"]["objectType"], "Customer");
    }

    // The seek request carries no size: the token holds the query state.
    let second = get(
        &sandbox,
        "/v1/customers?seekOperation=Next",
        &[
            ("Authorization", "Bearer t"),
            ("MS-ContinuationToken", token),
        ],
    )
    .await;
    let body2 = second.json();
    assert_eq!(body2["totalCount"], 10);
    assert_eq!(
        body2["links"]["next"]["uri"], "/customers?size=10&seekOperation=Next",
        "odd pages link without /v1"
    );
    assert_ne!(body2["items"][0]["id"], items[0]["id"]);
    // A client must put the /v1 back: the service has no route without it.
    assert_fault(&api(&sandbox, "/customers?size=10").await, 404, 1000);

    let token2 = body2["continuationToken"].as_str().unwrap();
    let third = get(
        &sandbox,
        "/v1/customers?size=10&seekOperation=Next",
        &[
            ("Authorization", "Bearer t"),
            ("MS-ContinuationToken", token2),
        ],
    )
    .await
    .json();
    let rest = third["items"].as_array().unwrap().len();
    assert!(rest > 0 && rest <= 10);
    assert!(
        third.get("continuationToken").is_none(),
        "the last page has no token"
    );
    assert!(
        third["links"].get("next").is_none(),
        "the last page has no next link"
    );
}

#[tokio::test]
async fn garbled_or_missing_tokens_are_refused() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let token = api_json(&sandbox, "/v1/customers?size=2").await["continuationToken"]
        .as_str()
        .unwrap()
        .to_string();
    let garbled = token.replacen('+', "-", 1);
    for bad in [garbled.as_str(), "abc", "+/==,0"] {
        let answer = get(
            &sandbox,
            "/v1/customers?seekOperation=Next",
            &[("Authorization", "Bearer t"), ("MS-ContinuationToken", bad)],
        )
        .await;
        assert_fault(&answer, 400, 2000);
    }
    assert_fault(
        &api(&sandbox, "/v1/customers?seekOperation=Next").await,
        400,
        2000,
    );
    // A customers token is no users token.
    let users = get(
        &sandbox,
        &format!("/v1/customers/{CONTOSO}/users?seekOperation=Next"),
        &[
            ("Authorization", "Bearer t"),
            ("MS-ContinuationToken", &token),
        ],
    )
    .await;
    assert_fault(&users, 400, 2000);
}

#[tokio::test]
async fn a_customer_by_id_has_profiles_and_gdap_hides_contact_details() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let body = api_json(&sandbox, &format!("/v1/customers/{CONTOSO}")).await;
    assert_eq!(body["id"], CONTOSO);
    assert!(is_guid(&body["commerceId"]));
    assert_eq!(body["companyProfile"]["companyName"], "Contoso Ltd.");
    assert_eq!(body["companyProfile"]["address"]["country"], "US");
    assert!(body["companyProfile"]["email"].is_string());
    assert_eq!(
        body["billingProfile"]["attributes"]["objectType"],
        "CustomerBillingProfile"
    );
    assert!(body["billingProfile"]["attributes"]["etag"].is_string());
    assert_eq!(body["customDomains"][1], "contoso.com");
    assert_eq!(
        body["links"]["self"]["uri"],
        format!("/customers/{CONTOSO}")
    );
    assert_eq!(body["attributes"]["objectType"], "Customer");

    let hidden = api_json(&sandbox, &format!("/v1/customers/{NO_GDAP}")).await;
    assert!(hidden["companyProfile"].get("address").is_none());
    assert!(hidden["companyProfile"].get("email").is_none());
    assert!(hidden.get("customDomains").is_none());
}

#[tokio::test]
async fn users_deleted_users_and_one_user() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let body = api_json(&sandbox, &format!("/v1/customers/{CONTOSO}/users?size=4")).await;
    assert_eq!(body["totalCount"], 4);
    assert_eq!(
        body["links"]["self"]["uri"],
        format!("/customers/{CONTOSO}/users?size=4")
    );
    assert_eq!(
        body["links"]["next"]["uri"],
        format!("/v1/customers/{CONTOSO}/users?size=4&seekOperation=Next")
    );
    assert!(body["continuationToken"].is_string());
    let user = &body["items"][0];
    assert_eq!(user["userPrincipalName"], "MeganB@contoso.com");
    assert_eq!(user["state"], "active");
    assert_eq!(user["userDomainType"], "none");
    assert!(user.get("softDeletionTime").is_none());
    assert_eq!(user["attributes"]["objectType"], "CustomerUser");
    let uid = user["id"].as_str().unwrap();
    assert_eq!(
        user["links"]["self"]["uri"],
        format!("/customers/{CONTOSO}/users/{uid}")
    );

    let filter = r#"{"Field":"UserState","Value":"Inactive","Operator":"equals"}"#;
    let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let deleted = api_json(
        &sandbox,
        &format!("/v1/customers/{CONTOSO}/users?size=100&filter={encoded}"),
    )
    .await;
    let deleted_items = deleted["items"].as_array().unwrap();
    assert_eq!(deleted_items.len(), 5);
    assert!(
        deleted_items
            .iter()
            .all(|u| u["state"] == "inactive" && u["softDeletionTime"].is_string())
    );
    assert!(deleted["links"].get("next").is_none());

    let one = api(&sandbox, &format!("/v1/customers/{CONTOSO}/users/{uid}")).await;
    assert_eq!(one.status, 200);
    assert!(
        one.has_bom(),
        "single user answers start with a BOM like the real service"
    );
    assert_eq!(one.json()["id"], uid);
}

#[tokio::test]
async fn licenses_and_subscribed_skus_have_no_links_and_respect_groups() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let users = api_json(&sandbox, &format!("/v1/customers/{SCHOOL}/users?size=1")).await;
    let uid = users["items"][0]["id"].as_str().unwrap().to_string();
    let base = format!("/v1/customers/{SCHOOL}/users/{uid}/licenses");

    let group1 = api_json(&sandbox, &base).await;
    assert!(group1.get("links").is_none());
    assert_eq!(group1["attributes"]["objectType"], "Collection");
    assert_eq!(group1["totalCount"], 1);
    let license = &group1["items"][0];
    assert_eq!(license["productSku"]["licenseGroupId"], "group1");
    assert!(license["productSku"].get("targetType").is_none());
    assert_eq!(license["attributes"]["objectType"], "License");
    let plan = &license["servicePlans"][0];
    let plan_keys = [
        "displayName",
        "serviceName",
        "id",
        "capabilityStatus",
        "targetType",
    ];
    assert_fields(plan, "plan", &plan_keys, Value::is_string);
    assert_eq!(plan["capabilityStatus"], "Assigned");

    let group2 = api_json(&sandbox, &format!("{base}?licenseGroupIds=Group2")).await;
    assert_eq!(group2["totalCount"], 1);
    assert_eq!(
        group2["items"][0]["productSku"]["skuPartNumber"],
        "CFQ7TTC0K5DR/0002"
    );
    assert_eq!(group2["items"][0]["productSku"]["licenseGroupId"], "group2");
    assert_eq!(group2["items"][0]["servicePlans"], serde_json::json!([]));
    let both = api_json(
        &sandbox,
        &format!("{base}?licenseGroupIds=Group1&licenseGroupIds=Group2"),
    )
    .await;
    assert_eq!(both["totalCount"], 2);
    assert_fault(
        &api(&sandbox, &format!("{base}?licenseGroupIds=Group9")).await,
        400,
        2000,
    );

    let skus = api(&sandbox, &format!("/v1/customers/{SCHOOL}/subscribedskus")).await;
    assert!(skus.has_bom());
    let skus = skus.json();
    assert!(skus.get("links").is_none());
    let sku = &skus["items"][0];
    let units = [
        "availableUnits",
        "activeUnits",
        "consumedUnits",
        "suspendedUnits",
        "totalUnits",
        "warningUnits",
    ];
    assert_fields(sku, "subscribed SKU", &units, Value::is_i64);
    assert_eq!(sku["productSku"]["targetType"], "User");
    assert_eq!(sku["capabilityStatus"], "Enabled");
    assert_eq!(sku["attributes"]["objectType"], "SubscribedSku");
    assert!(
        skus["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["productSku"]["licenseGroupId"] == "group1")
    );
}

#[tokio::test]
async fn errors_have_the_real_bodies_and_codes() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let anonymous = get(&sandbox, "/v1/customers", &[]).await;
    assert_fault(&anonymous, 401, 800001);
    assert!(anonymous.headers.contains_key("www-authenticate"));
    assert_fault(
        &get(&sandbox, "/v1/customers", &[("Authorization", "Bearer ")]).await,
        401,
        800001,
    );
    assert_fault(
        &get(&sandbox, "/v1/customers", &[("Authorization", "Basic abc")]).await,
        401,
        800001,
    );
    assert_eq!(
        get(
            &sandbox,
            "/v1/customers",
            &[("Authorization", &format!("Bearer {DEMO_TOKEN}"))]
        )
        .await
        .status,
        200
    );

    let malformed = api(&sandbox, "/v1/customers/not-a-guid/users").await;
    assert_fault(&malformed, 400, 2000);
    assert_eq!(malformed.json()["description"], "Tenant Id must be a GUID.");
    assert_fault(
        &api(&sandbox, &format!("/v1/customers/{UNKNOWN}")).await,
        404,
        60003,
    );
    assert_fault(
        &api(&sandbox, &format!("/v1/customers/{UNKNOWN}/users")).await,
        404,
        60003,
    );
    assert_fault(
        &api(
            &sandbox,
            &format!("/v1/customers/{CONTOSO}/users/{UNKNOWN}"),
        )
        .await,
        404,
        60002,
    );
    assert_fault(
        &api(
            &sandbox,
            &format!("/v1/customers/{CONTOSO}/users/{UNKNOWN}/licenses"),
        )
        .await,
        404,
        60002,
    );
    for path in [
        "users",
        "subscribedskus",
        &format!("users/{UNKNOWN}/licenses"),
    ] {
        assert_fault(
            &api(&sandbox, &format!("/v1/customers/{NO_GDAP}/{path}")).await,
            403,
            900308,
        );
    }
    assert_fault(&api(&sandbox, "/v1/v1/customers").await, 404, 1000);
    assert_fault(&api(&sandbox, "/v1/customers?size=-3").await, 400, 2000);
    assert_fault(
        &api(&sandbox, "/v1/customers?filter=%7Bnot%20json").await,
        400,
        2000,
    );

    let post = http()
        .post(format!("{}/v1/customers", sandbox.base_url()))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(post.status().as_u16(), 405, "the sandbox is read-only");
}

#[tokio::test]
async fn page_size_is_clamped_and_defaults() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(700, 1, 5)).await;
    assert_eq!(
        api_json(&sandbox, "/v1/customers?size=0").await["totalCount"],
        100
    );
    assert_eq!(api_json(&sandbox, "/v1/customers").await["totalCount"], 100);
    let big = api_json(&sandbox, "/v1/customers?size=9000").await;
    assert_eq!(big["totalCount"], 500);
    assert_eq!(
        big["links"]["next"]["uri"],
        "/v1/customers?size=500&seekOperation=Next"
    );
}

#[tokio::test]
async fn rate_limit_throttles_per_tenant_like_the_gateway() {
    let mut config = SandboxConfig::demo();
    config.rate_limit = Some(2);
    let sandbox = common::start_sandbox(config).await;
    assert_eq!(api(&sandbox, "/v1/customers?size=1").await.status, 200);
    assert_eq!(api(&sandbox, "/v1/customers?size=1").await.status, 200);
    let throttled = api(&sandbox, "/v1/customers?size=1").await;
    assert_eq!(throttled.status, 429);
    let wait: u64 = throttled.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    let body = throttled.json();
    assert_eq!(body["statusCode"], 429);
    assert_eq!(
        body["message"],
        format!("Rate limit is exceeded. Try again in {wait} seconds.")
    );
    // Another tenant has its own quota.
    assert_eq!(
        api(&sandbox, &format!("/v1/customers/{CONTOSO}"))
            .await
            .status,
        200
    );
}
