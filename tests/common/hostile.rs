//! A hostile Partner Center on loopback: every name it serves carries terminal escapes (CSI,
//! OSC 52 clipboard writes, window titles), C1 controls, bidi overrides, NUL and spreadsheet
//! formulas, and its error bodies do too (with a newline that would forge a log line).
//! Routed by path, so the explorer may ask in any order. It stays beside the sandbox: the
//! sandbox's records are typed (statuses, targets and licence groups are its own words), so it
//! cannot put escapes into every field the way this server does.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub const CLEAR: &str = "\u{1b}[2J\u{1b}[H";
pub const CLIPBOARD: &str = "\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
pub const TITLE: &str = "\u{1b}]0;owned\u{1b}\\";
pub const C1_CSI: &str = "\u{9b}31m";
pub const RLO: &str = "\u{202e}";
pub const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"Open\")";
/// The error description: escapes, a C1 CSI, a bidi override, and a line of its own that
/// would look like a log entry.
pub const DENIED: &str =
    "Denied\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{9b}2J\u{202e}\nFAKE LOG LINE level=INFO granted";

/// Is any of `text` something a terminal would act on or display out of order?
pub fn unsafe_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| pcx::text::is_unsafe(c) && c != '\n')
        .collect()
}

pub fn customer_id(i: usize) -> String {
    format!("4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f{i:02}")
}

pub fn user_id(i: usize) -> String {
    format!("a45f1416-3300-4f65-9e8d-f123b397a4{i:02}")
}

/// Customer 2 answers its users with a hostile 403; customer 1 its SKUs with a hostile 500.
pub const DENIED_CUSTOMER: usize = 2;

pub fn customers() -> Vec<Value> {
    let names = [
        (
            format!("Contoso{CLEAR} Ltd{TITLE}"),
            format!("contoso{RLO}moc.evil"),
        ),
        (
            FORMULA.to_string(),
            format!("fabrikam{C1_CSI}.onmicrosoft.com"),
        ),
        (
            format!("Northwind\u{0}{CLIPBOARD}"),
            "northwind.onmicrosoft.com".to_string(),
        ),
    ];
    names
        .iter()
        .enumerate()
        .map(|(i, (name, domain))| {
            json!({"id": customer_id(i), "relationshipToPartner": format!("reseller{C1_CSI}"),
                   "companyProfile": {"companyName": name, "domain": domain, "tenantId": customer_id(i)},
                   "attributes": {"objectType": "Customer"}})
        })
        .collect()
}

pub fn users() -> Vec<Value> {
    (0..2)
        .map(|i| {
            json!({"id": user_id(i), "userPrincipalName": format!("user{i}{RLO}@contoso.com"),
                   "displayName": format!("@SUM(A1){CLIPBOARD}"), "firstName": "-2+3",
                   "usageLocation": format!("US{CLEAR}"), "state": format!("active{TITLE}"),
                   "attributes": {"objectType": "CustomerUser"}})
        })
        .collect()
}

fn plans() -> Value {
    json!([
        {"displayName": FORMULA, "serviceName": format!("EXCHANGE{C1_CSI}"),
         "id": "efb87545-963c-4e0d-99df-69c6916d9eb0", "capabilityStatus": format!("Suspended{CLEAR}"),
         "targetType": format!("User{RLO}")},
        {"displayName": format!("Teams{CLIPBOARD}"), "serviceName": "TEAMS1",
         "id": "57ff2da0-773e-42df-b2af-ffb7a2317929", "capabilityStatus": "Enabled", "targetType": "User"}
    ])
}

pub fn licenses() -> Vec<Value> {
    vec![json!({
        "servicePlans": plans(),
        "productSku": {"id": "05e9a617-0261-4cee-bb44-138d3ef5d965", "name": format!("Microsoft 365 E3{CLEAR}{TITLE}"),
                       "skuPartNumber": format!("+SPE_E3{RLO}"), "licenseGroupId": format!("group1{C1_CSI}")},
        "attributes": {"objectType": "License"}
    })]
}

pub fn skus() -> Vec<Value> {
    vec![json!({
        "availableUnits": 0, "activeUnits": 25, "consumedUnits": 27, "suspendedUnits": 0, "totalUnits": 25,
        "warningUnits": 0, "capabilityStatus": format!("Enabled{C1_CSI}"),
        "productSku": {"id": "c5928f49-12ba-48f7-ada3-0d743a3601d5", "name": format!("Visio{CLIPBOARD}"),
                       "skuPartNumber": "-VISIO", "targetType": "User", "licenseGroupId": "group1"},
        "servicePlans": plans(),
        "attributes": {"objectType": "SubscribedSku"}
    })]
}

fn collection(items: Vec<Value>) -> Response {
    let body = json!({"totalCount": items.len(), "items": items, "attributes": {"objectType": "Collection"}});
    json_response(StatusCode::OK, &body)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    // serde_json escapes C0 controls but sends C1 and bidi controls as they are, as a hostile
    // server would.
    (
        status,
        [("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn fault(status: StatusCode) -> Response {
    let body = json!({"code": 900308, "description": DENIED, "data": [], "source": format!("PartnerFD{C1_CSI}")});
    json_response(status, &body)
}

/// The running server and the paths it was asked for.
pub struct HostilePc {
    pub base_url: String,
    pub hits: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostilePc {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn start() -> HostilePc {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let seen = hits.clone();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let seen = seen.clone();
        async move {
            let path = request.uri().path().to_string();
            seen.lock().unwrap().push(path.clone());
            answer(&path)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    HostilePc {
        base_url,
        hits,
        task,
    }
}

fn answer(path: &str) -> Response {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let denied = customer_id(DENIED_CUSTOMER);
    let skus_fail = customer_id(1);
    match segments.as_slice() {
        ["v1", "customers"] => collection(customers()),
        ["v1", "customers", c, "users"] if *c == denied => fault(StatusCode::FORBIDDEN),
        ["v1", "customers", _, "users"] => collection(users()),
        ["v1", "customers", _, "users", _, "licenses"] => collection(licenses()),
        ["v1", "customers", c, "subscribedskus"] if *c == skus_fail => {
            fault(StatusCode::INTERNAL_SERVER_ERROR)
        }
        ["v1", "customers", _, "subscribedskus"] => collection(skus()),
        _ => fault(StatusCode::NOT_FOUND),
    }
}
