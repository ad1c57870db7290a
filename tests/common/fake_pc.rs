//! A tiny Partner Center on loopback for the explorer's end-to-end tests: three customers, a
//! few users, licences with unhealthy plans, and switches for a 429 and a 403. It records every
//! request so tests can count them.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Behaviour {
    /// Answer the next users request with 429 and Retry-After: 1.
    pub throttle_users_once: AtomicBool,
    /// Answer licence requests for this user index with 403.
    pub forbid_licences_of: AtomicUsize,
    /// Never answer subscribed-SKU requests.
    pub stall_skus: AtomicBool,
}

#[derive(Clone)]
struct Shared {
    hits: Arc<Mutex<Vec<String>>>,
    behaviour: Arc<Behaviour>,
}

pub struct FakePc {
    pub base_url: String,
    hits: Arc<Mutex<Vec<String>>>,
    pub behaviour: Arc<Behaviour>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakePc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakePc {
    /// The paths requested so far.
    pub fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }
}

pub const COMPANIES: [(&str, &str); 3] = [
    ("Contoso", "contoso.onmicrosoft.com"),
    ("Fabrikam", "fabrikam.onmicrosoft.com"),
    ("Northwind Traders", "northwind.onmicrosoft.com"),
];

pub const PEOPLE: [&str; 3] = ["alice", "bob", "carol"];

pub fn customer_id(i: usize) -> String {
    format!("c0000000-0000-4000-8000-{i:012}")
}

pub fn user_id(i: usize) -> String {
    format!("a0000000-0000-4000-8000-{i:012}")
}

fn ok(body: Value) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn record(state: &Shared, what: &str) {
    state.hits.lock().unwrap().push(what.to_string());
}

async fn customers(State(state): State<Shared>) -> Response {
    record(&state, "customers");
    let items: Vec<Value> = COMPANIES
        .iter()
        .enumerate()
        .map(|(i, (name, domain))| {
            json!({"id": customer_id(i), "companyProfile": {"companyName": name, "domain": domain},
                   "relationshipToPartner": "reseller", "attributes": {"objectType": "Customer"}})
        })
        .collect();
    ok(
        json!({"totalCount": items.len(), "items": items, "attributes": {"objectType": "Collection"}}),
    )
}

async fn users(State(state): State<Shared>, Path(cid): Path<String>) -> Response {
    record(&state, "users");
    if state
        .behaviour
        .throttle_users_once
        .swap(false, Ordering::SeqCst)
    {
        let mut headers = HeaderMap::new();
        headers.insert("Retry-After", "1".parse().unwrap());
        let body = json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 1 seconds."});
        return (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response();
    }
    let domain = COMPANIES
        .iter()
        .enumerate()
        .find(|(i, _)| customer_id(*i) == cid)
        .map_or("unknown.example", |(_, (_, d))| d);
    let items: Vec<Value> = PEOPLE
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({"id": user_id(i), "userPrincipalName": format!("{p}@{domain}"),
                   "displayName": p, "usageLocation": "US", "state": "active"})
        })
        .collect();
    ok(json!({"totalCount": items.len(), "items": items}))
}

async fn licenses(
    State(state): State<Shared>,
    Path((_cid, uid)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    // The explorer asks for both licence groups in one request.
    let both = query.as_deref() == Some("licenseGroupIds=Group1&licenseGroupIds=Group2");
    record(
        &state,
        if both {
            "licenses"
        } else {
            "licenses (not both groups)"
        },
    );
    let forbidden = state.behaviour.forbid_licences_of.load(Ordering::SeqCst);
    if forbidden > 0 && user_id(forbidden) == uid {
        let body = json!({"code": 900308, "description": "Insufficient privileges", "source": "PartnerFD"});
        return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
    }
    let plan = |n: &str, s: &str, status: &str| {
        json!({"displayName": n, "serviceName": s, "id": format!("p0000000-0000-4000-8000-{:012}", s.len()),
               "capabilityStatus": status, "targetType": "User"})
    };
    ok(json!({"totalCount": 2, "items": [
        {"servicePlans": [
            plan("Exchange Online (Plan 2)", "EXCHANGE_S_ENTERPRISE", "Assigned"),
            plan("Microsoft Teams", "TEAMS1", "Assigned"),
            plan("Microsoft Defender for Office 365 (Plan 2)", "THREAT_INTELLIGENCE", "Suspended"),
         ],
         "productSku": {"id": "e5000000-0000-4000-8000-000000000005", "name": "Microsoft 365 E5",
                        "skuPartNumber": "SPE_E5", "licenseGroupId": "group1"}},
        {"servicePlans": [],
         "productSku": {"id": "m0000000-0000-4000-8000-000000000002", "name": "Minecraft Education Faculty",
                        "skuPartNumber": "CFQ7TTC0K5DR/0002", "licenseGroupId": "group2"}}
    ]}))
}

async fn skus(State(state): State<Shared>) -> Response {
    record(&state, "subscribedskus");
    if state.behaviour.stall_skus.load(Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    ok(json!({"totalCount": 0, "items": []}))
}

pub async fn start() -> FakePc {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let behaviour = Arc::new(Behaviour::default());
    let state = Shared {
        hits: hits.clone(),
        behaviour: behaviour.clone(),
    };
    let app = Router::new()
        .route("/v1/customers", get(customers))
        .route("/v1/customers/{cid}/users", get(users))
        .route("/v1/customers/{cid}/users/{uid}/licenses", get(licenses))
        .route("/v1/customers/{cid}/subscribedskus", get(skus))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    FakePc {
        base_url: format!("http://{addr}"),
        hits,
        behaviour,
        task,
    }
}
