//! The Partner Center client over real loopback HTTP against a scripted server: headers,
//! paging, BOM, error shapes, retries, timeouts and the safety refusals.

mod common;

use common::{ScriptServer, Scripted};
use pcx::api::*;
use pcx::cli::OutputFormat;
use pcx::output::Listing;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CUSTOMER: &str = "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04";
const USER: &str = "a45f1416-3300-4f65-9e8d-f123b397a4ea";

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(60),
    }
}

fn client(server: &ScriptServer) -> ApiClient {
    client_with(server, |_| {})
}

fn client_with(server: &ScriptServer, tweak: impl FnOnce(&mut ClientConfig)) -> ApiClient {
    common::client_with(&server.base_url(), common::token("test-token"), |config| {
        config.retry = fast_retry();
        tweak(config);
    })
}

fn customers_page(names: &[&str], next: Option<(&str, &str)>) -> String {
    let items: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                r#"{{"id":"00000000-0000-0000-0000-{i:012}","companyProfile":{{"companyName":"{n}","domain":"{n}.onmicrosoft.com"}},"relationshipToPartner":"reseller","attributes":{{"objectType":"Customer"}}}}"#
            )
        })
        .collect();
    let links = match next {
        Some((uri, token)) => format!(
            r#","continuationToken":"{token}","links":{{"self":{{"uri":"/v1/customers?size=2","method":"GET","headers":[]}},"next":{{"uri":"{uri}","method":"GET","headers":[{{"key":"MS-ContinuationToken","value":"{token}"}}]}}}}"#
        ),
        None => String::new(),
    };
    format!(
        r#"{{"totalCount":{},"items":[{}]{links},"attributes":{{"objectType":"Collection"}}}}"#,
        names.len(),
        items.join(",")
    )
}

async fn all_customers(client: &ApiClient, ctx: &CallContext) -> Result<Vec<String>, ApiError> {
    let query = CustomerQuery {
        page_size: 2,
        search: None,
    };
    let mut names = Vec::new();
    let mut cursor = None;
    loop {
        let page = client.customers_page(ctx, &query, cursor.as_ref()).await?;
        names.extend(
            page.items
                .iter()
                .map(|c| c.data.company_name().unwrap_or_default().to_string()),
        );
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(names),
        }
    }
}

#[tokio::test]
async fn three_pages_follow_next_links_with_the_token_as_a_header() {
    let token1 = "d19617b8-1,0705c4a9_a4ayc/80/OGda4BO/1o/V0etp+Oq=";
    let token2 = "second/+=,token";
    let server = ScriptServer::start(vec![
        Scripted::json(
            200,
            &customers_page(
                &["alpha", "bravo"],
                Some(("/v1/customers?size=2&seekOperation=Next", token1)),
            ),
        ),
        Scripted::json(
            200,
            &customers_page(
                &["charlie", "delta"],
                Some(("/customers?size=2&seekOperation=Next", token2)),
            ),
        ),
        Scripted::json(200, &customers_page(&["echo"], None)),
    ])
    .await;
    let client = client(&server);
    let ctx = CallContext::new();
    let names = all_customers(&client, &ctx).await.unwrap();
    assert_eq!(names, ["alpha", "bravo", "charlie", "delta", "echo"]);

    let received = server.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[0].path_and_query, "/v1/customers?size=2");
    assert_eq!(received[0].header("MS-ContinuationToken"), None);
    // `/v1` kept when present and added when missing; never doubled.
    assert_eq!(
        received[1].path_and_query,
        "/v1/customers?size=2&seekOperation=Next"
    );
    assert_eq!(
        received[2].path_and_query,
        "/v1/customers?size=2&seekOperation=Next"
    );
    assert_eq!(received[1].header("MS-ContinuationToken"), Some(token1));
    assert_eq!(received[2].header("MS-ContinuationToken"), Some(token2));
    for r in &received {
        assert!(
            !r.path_and_query.contains("token"),
            "token leaked into {}",
            r.path_and_query
        );
        assert_eq!(r.header("authorization"), Some("Bearer test-token"));
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(
            r.header("MS-CorrelationId"),
            Some(ctx.correlation_id.to_string().as_str())
        );
        assert!(uuid::Uuid::try_parse(r.header("MS-RequestId").unwrap()).is_ok());
        assert_eq!(r.header("X-Locale"), None);
    }
    // A fresh request id per logical call.
    assert_ne!(
        received[0].header("MS-RequestId"),
        received[1].header("MS-RequestId")
    );
}

#[tokio::test]
async fn search_filter_locale_and_licence_groups_are_sent_as_partner_center_expects() {
    let server = ScriptServer::start(vec![
        Scripted::json(200, &customers_page(&[], None)),
        Scripted::json(
            200,
            r#"{"totalCount":0,"items":[],"attributes":{"objectType":"Collection"}}"#,
        ),
        Scripted::json(
            200,
            r#"{"totalCount":0,"items":[],"attributes":{"objectType":"Collection"}}"#,
        ),
        Scripted::json(
            200,
            r#"{"totalCount":0,"items":[],"attributes":{"objectType":"Collection"}}"#,
        ),
    ])
    .await;
    let client = client_with(&server, |c| c.locale = Some("de-DE".into()));
    let ctx = CallContext::new();
    let query = CustomerQuery {
        page_size: 9999,
        search: Some(CustomerSearch::CompanyName("Cont oso".into())),
    };
    client.customers_page(&ctx, &query, None).await.unwrap();
    client
        .users_page(
            &ctx,
            CUSTOMER,
            &UserQuery {
                page_size: 100,
                deleted: true,
            },
            None,
        )
        .await
        .unwrap();
    client
        .user_licenses(
            &ctx,
            CUSTOMER,
            USER,
            &[LicenseGroup::Group1, LicenseGroup::Group2],
        )
        .await
        .unwrap();
    client.subscribed_skus(&ctx, CUSTOMER, &[]).await.unwrap();

    let received = server.received();
    let decoded = |i: usize| -> Vec<(String, String)> {
        let url = url::Url::parse(&format!("http://x{}", received[i].path_and_query)).unwrap();
        url.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    assert_eq!(
        decoded(0),
        [
            ("size".to_string(), "500".to_string()),
            (
                "filter".to_string(),
                r#"{"Field":"CompanyName","Value":"Cont oso","Operator":"starts_with"}"#
                    .to_string()
            )
        ]
    );
    assert!(
        received[1]
            .path_and_query
            .starts_with(&format!("/v1/customers/{CUSTOMER}/users?"))
    );
    assert_eq!(
        decoded(1)[1].1,
        r#"{"Field":"UserState","Value":"Inactive","Operator":"equals"}"#
    );
    assert_eq!(
        received[2].path_and_query,
        format!(
            "/v1/customers/{CUSTOMER}/users/{USER}/licenses?licenseGroupIds=Group1&licenseGroupIds=Group2"
        )
    );
    assert_eq!(
        received[3].path_and_query,
        format!("/v1/customers/{CUSTOMER}/subscribedskus")
    );
    assert!(
        received
            .iter()
            .all(|r| r.header("X-Locale") == Some("de-DE"))
    );
}

#[tokio::test]
async fn bodies_with_a_byte_order_mark_parse() {
    let body = format!(
        "\u{feff}{}",
        r#"{"totalCount":"04","items":[{"availableUnits":4,"consumedUnits":"1","totalUnits":5,"productSku":{"id":"efccb6f7-5641-4e0e-bd10-b4976e1bf68e","name":"Enterprise Mobility + Security E3","skuPartNumber":"EMS","targetType":"User","licenseGroupId":"group1"},"servicePlans":[],"capabilityStatus":"Enabled"}]}"#
    );
    let server = ScriptServer::start(vec![Scripted::json(200, &body)]).await;
    let skus = client(&server)
        .subscribed_skus(&CallContext::new(), CUSTOMER, &[])
        .await
        .unwrap();
    assert_eq!(skus.len(), 1);
    let sku = &skus[0].data;
    assert_eq!(sku.consumed_units, Some(1));
    assert_eq!(sku.seats_left(), Some(4));
    assert_eq!(
        sku.product_sku.as_ref().unwrap().sku_part_number.as_deref(),
        Some("EMS")
    );
}

#[tokio::test]
async fn each_error_body_shape_maps_to_its_kind_with_code_and_description() {
    let server = ScriptServer::start(vec![
        Scripted::json(404, r#"{"code":60003,"description":"Tenant not found.","data":[],"source":"PartnerFD"}"#),
        Scripted::json(403, r#"{"code":"900308","description":"Insufficient privileges to complete the operation.","data":[],"source":"PartnerFD"}"#),
        Scripted::json(401, r#"{"code":800001,"description":"Partner token missing in request context"}"#),
        Scripted::json(409, r#"{"code":600061,"message":"A partner confirmed agreement already exists for the customer.","description":"A partner confirmed agreement already exists for the customer.","errorName":"PartnerConfirmedAgreementAlreadyExists","isRetryable":false,"parameters":{},"errorMessageExtended":"InternalErrorCode=600061"}"#),
        Scripted::json(429, r#"{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds." }"#).header("Retry-After", "57"),
        Scripted::json(404, ""),
        Scripted::json(400, "Bad Request: not json"),
    ])
    .await;
    let client = client_with(&server, |c| {
        c.retry.max_retry_after = Duration::from_secs(10)
    });
    let ctx = CallContext::new();
    let cid = ctx.correlation_id.to_string();
    let mut errors = Vec::new();
    for _ in 0..7 {
        errors.push(client.customer(&ctx, CUSTOMER).await.unwrap_err());
    }
    let detail = |e: &ApiError| e.detail().cloned().unwrap();
    assert!(
        matches!(&errors[0], ApiError::NotFound(d) if d.code.as_deref() == Some("60003") && d.description.as_deref() == Some("Tenant not found."))
    );
    assert!(matches!(&errors[1], ApiError::NoAccess(d) if d.code.as_deref() == Some("900308")));
    assert!(matches!(&errors[2], ApiError::SignedOut(d) if d.code.as_deref() == Some("800001")));
    assert!(
        matches!(&errors[3], ApiError::Rejected(d) if d.status == 409 && d.error_name.as_deref() == Some("PartnerConfirmedAgreementAlreadyExists"))
    );
    // Retry-After beyond what pcx waits: given back at once with the wait asked for.
    assert!(
        matches!(&errors[4], ApiError::Throttled { retry_after: Some(w), detail } if *w == Duration::from_secs(57) && detail.description.as_deref().unwrap().contains("57 seconds"))
    );
    assert_eq!(
        detail(&errors[5]),
        ErrorDetail {
            status: 404,
            correlation_id: Some(cid.clone()),
            ..Default::default()
        }
    );
    assert_eq!(
        detail(&errors[6]).description.as_deref(),
        Some("Bad Request: not json")
    );
    for e in &errors {
        assert_eq!(e.correlation_id(), Some(cid.as_str()));
        assert!(e.to_string().contains(&cid), "{e}");
    }
    assert_eq!(server.received().len(), 7, "none of these is retried");
    assert!(errors[4].to_string().contains("57 s"));
}

#[tokio::test]
async fn throttling_waits_retry_after_then_succeeds() {
    let server = ScriptServer::start(vec![
        Scripted::json(
            429,
            r#"{"statusCode":429,"message":"Rate limit is exceeded. Try again in 1 seconds."}"#,
        )
        .header("Retry-After", "1"),
        Scripted::json(200, &customers_page(&["alpha"], None)),
    ])
    .await;
    let notices = Arc::new(Mutex::new(Vec::new()));
    let seen = notices.clone();
    let ctx =
        CallContext::new().with_retry_observer(Arc::new(move |n| seen.lock().unwrap().push(n)));
    let names = all_customers(&client(&server), &ctx).await.unwrap();
    assert_eq!(names, ["alpha"]);
    let notices = notices.lock().unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].wait, Duration::from_secs(1));
    assert_eq!(notices[0].next_attempt, 2);
    assert!(notices[0].reason.contains("429"));
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_with_the_same_request_id() {
    let server = ScriptServer::start(vec![
        Scripted::json(503, ""),
        Scripted::json(500, r#"{"code":0,"description":"exception not defined"}"#),
        Scripted::json(200, &customers_page(&["alpha"], None)),
        Scripted::json(502, ""),
        Scripted::json(502, ""),
        Scripted::json(502, ""),
        Scripted::json(502, "Bad Gateway"),
    ])
    .await;
    let client = client(&server);
    let ctx = CallContext::new();
    assert_eq!(all_customers(&client, &ctx).await.unwrap(), ["alpha"]);
    let error = all_customers(&client, &ctx).await.unwrap_err();
    assert!(
        matches!(&error, ApiError::Server(d) if d.status == 502),
        "{error:?}"
    );

    let received = server.received();
    assert_eq!(received.len(), 7, "4 attempts for the failing call");
    let ids: Vec<_> = received
        .iter()
        .map(|r| r.header("MS-RequestId").unwrap().to_string())
        .collect();
    assert!(
        ids[..3].iter().all(|id| *id == ids[0]),
        "retries reuse the request id"
    );
    assert!(ids[3..].iter().all(|id| *id == ids[3]));
    assert_ne!(ids[0], ids[3], "a new logical call has a new request id");
}

#[tokio::test]
async fn a_slow_answer_becomes_a_timeout() {
    let server = ScriptServer::start(vec![
        Scripted::json(200, "{}").delayed(Duration::from_secs(30)),
        Scripted::json(200, "{}").delayed(Duration::from_secs(30)),
    ])
    .await;
    let client = client_with(&server, |c| {
        c.request_timeout = Duration::from_millis(200);
        c.retry.max_attempts = 2;
    });
    let error = client
        .customer(&CallContext::new(), CUSTOMER)
        .await
        .unwrap_err();
    assert!(
        matches!(error, ApiError::Timeout { after, .. } if after == Duration::from_millis(200)),
        "{error:?}"
    );
    assert_eq!(server.received().len(), 2, "a timeout is retried");
}

#[tokio::test]
async fn malformed_json_and_redirects_end_in_clear_errors() {
    let server = ScriptServer::start(vec![
        Scripted::json(200, r#"{"items":[{"id":"1"},"#),
        Scripted::json(302, "").header("Location", "http://203.0.113.9/v1/customers"),
        Scripted::json(200, r#"{"items":"not a list"}"#),
    ])
    .await;
    let client = client(&server);
    let ctx = CallContext::new();
    let query = CustomerQuery::default();
    let e = client.customers_page(&ctx, &query, None).await.unwrap_err();
    assert!(
        matches!(&e, ApiError::BadData { message, .. } if message.contains("malformed JSON")),
        "{e:?}"
    );
    let e = client.customers_page(&ctx, &query, None).await.unwrap_err();
    assert!(e.to_string().contains("does not follow redirects"), "{e}");
    let e = client.customers_page(&ctx, &query, None).await.unwrap_err();
    assert!(matches!(e, ApiError::BadData { .. }));
    assert_eq!(
        server.received().len(),
        3,
        "the redirect target was never contacted"
    );
}

#[tokio::test]
async fn bad_ids_and_insecure_urls_are_refused_before_any_request() {
    let server = ScriptServer::start(vec![]).await;
    let client = client(&server);
    let ctx = CallContext::new();
    for bad in [
        "",
        "../../partners",
        "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/../x",
        "not-a-guid",
        "4d3cf48770f44e1e9ff1b2bfce8d9f04",
    ] {
        let e = client.customer(&ctx, bad).await.unwrap_err();
        assert!(
            matches!(
                e,
                ApiError::InvalidId {
                    what: "customer_id",
                    ..
                }
            ),
            "{bad}: {e:?}"
        );
    }
    let e = client
        .user_licenses(&ctx, CUSTOMER, "x?y", &[])
        .await
        .unwrap_err();
    assert!(matches!(
        e,
        ApiError::InvalidId {
            what: "user_id",
            ..
        }
    ));
    assert!(
        e.to_string().starts_with("user id must be a GUID"),
        "the message names the id in words: {e}"
    );
    assert!(server.received().is_empty());

    let token = || -> Arc<dyn TokenProvider> { StaticToken::new(Secret::new("t")) };
    for insecure in [
        "http://api.partnercenter.microsoft.com",
        "http://10.0.0.1:8080",
        "ftp://127.0.0.1",
        "http://user:pw@127.0.0.1",
        "not a url",
    ] {
        let e = ApiClient::new(ClientConfig::new(insecure), token())
            .err()
            .expect(insecure);
        assert!(matches!(e, ApiError::InsecureUrl { .. }), "{insecure}");
        assert!(e.to_string().contains("https is required"));
    }
    for fine in [
        "https://api.partnercenter.microsoft.com",
        "http://127.0.0.1:9",
        "http://localhost:9",
        "http://[::1]:9",
    ] {
        assert!(
            ApiClient::new(ClientConfig::new(fine), token()).is_ok(),
            "{fine}"
        );
    }
}

#[tokio::test]
async fn unknown_values_and_fields_survive_to_json_output() {
    let body = r#"{"totalCount":1,"items":[{"servicePlans":[{"displayName":"Exchange Online (Plan 2)","serviceName":"EXCHANGE_S_ENTERPRISE","id":"efb87545-963c-4e0d-99df-69c6916d9eb0","capabilityStatus":"QuantumEntangled","targetType":"User","futurePlanField":[1,{"deep":null}]}],"productSku":{"id":"05e9a617-0261-4cee-bb44-138d3ef5d965","name":"Microsoft 365 E3","skuPartNumber":"SPE_E3","licenseGroupId":"group7"},"assignedBy":{"group":"Sales"},"attributes":{"objectType":"License"}}]}"#;
    let server = ScriptServer::start(vec![Scripted::json(200, body)]).await;
    let licenses = client(&server)
        .user_licenses(&CallContext::new(), CUSTOMER, USER, &[])
        .await
        .unwrap();
    let plan = &licenses[0].data.service_plans[0];
    assert_eq!(
        plan.capability_status,
        Some(CapabilityStatus::Other("QuantumEntangled".into()))
    );
    assert!(plan.needs_attention());
    assert_eq!(
        licenses[0]
            .data
            .product_sku
            .as_ref()
            .unwrap()
            .license_group_id,
        Some(LicenseGroup::Other("group7".into()))
    );
    let mut out = Vec::new();
    let mut listing: Listing<_, License> = Listing::new(&mut out, OutputFormat::Json, 100);
    listing.page(&licenses).unwrap();
    listing.finish().unwrap();
    let output: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let sent: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        output[0], sent["items"][0],
        "JSON output is exactly what the API sent"
    );
}

/// A token source that hands out a new token when asked to refresh.
struct Rotating(Mutex<u32>);

impl TokenProvider for Rotating {
    fn token(&self, refresh: bool) -> pcx::api::token::BoxFuture<'_, Result<Secret, ApiError>> {
        let mut n = self.0.lock().unwrap();
        if refresh {
            *n += 1;
        }
        let token = Secret::new(format!("token-{n}"));
        Box::pin(async move { Ok(token) })
    }

    fn can_refresh(&self) -> bool {
        true
    }
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries() {
    let server = ScriptServer::start(vec![
        Scripted::json(401, r#"{"code":900420,"description":"token expired"}"#),
        Scripted::json(200, &customers_page(&["alpha"], None)),
        Scripted::json(401, ""),
        Scripted::json(401, ""),
        Scripted::json(200, "never reached"),
    ])
    .await;
    let mut config = ClientConfig::new(server.base_url());
    config.retry = fast_retry();
    let client = ApiClient::new(config, Arc::new(Rotating(Mutex::new(0)))).unwrap();
    let ctx = CallContext::new();
    assert_eq!(all_customers(&client, &ctx).await.unwrap(), ["alpha"]);
    let e = all_customers(&client, &ctx).await.unwrap_err();
    assert!(matches!(e, ApiError::SignedOut(_)));
    let auth: Vec<_> = server
        .received()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_string())
        .collect();
    assert_eq!(
        auth,
        [
            "Bearer token-0",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-2"
        ]
    );
}
