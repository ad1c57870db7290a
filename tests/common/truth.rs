//! Shared by the partner-wide tests and benchmarks: an independent crawler of a sandbox (plain
//! HTTP and JSON, none of pcx's client or scan code) and a read of a store with plain SQL (none
//! of pcx's report code), so a test compares two separate counts of the same partner.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a partner holds, as the independent crawler counted it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Truth {
    /// customer -> sku -> (total, consumed)
    pub seats: BTreeMap<(String, String), (i64, i64)>,
    /// (customer, user, sku, plan) -> status
    pub plans: BTreeMap<(String, String, String, String), String>,
    /// (customer, user)
    pub users: BTreeMap<(String, String), ()>,
    pub customers: BTreeMap<String, ()>,
}

async fn get(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    headers: &[(String, String)],
) -> serde_json::Value {
    for _ in 0..50 {
        let mut request = http.get(format!("{base}{path}")).bearer_auth("truth");
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let Ok(response) = request.send().await else {
            continue;
        };
        if !response.status().is_success() {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        }
        let text = response.text().await.unwrap_or_default();
        if let Ok(value) = serde_json::from_str(text.trim_start_matches('\u{feff}')) {
            return value;
        }
    }
    panic!("truth: gave up on {path}");
}

async fn all_items(http: &reqwest::Client, base: &str, first: &str) -> Vec<serde_json::Value> {
    let (mut path, mut headers) = (first.to_string(), Vec::new());
    let mut items = Vec::new();
    loop {
        let page = get(http, base, &path, &headers).await;
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        let Some(next) = page["links"]["next"].as_object() else {
            return items;
        };
        let uri = next["uri"].as_str().unwrap_or_default();
        path = if uri.starts_with("/v1") {
            uri.to_string()
        } else {
            format!("/v1{uri}")
        };
        headers = next["headers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| {
                (
                    h["key"].as_str().unwrap_or_default().to_string(),
                    h["value"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
    }
}

fn s(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Crawls a clean sandbox one request at a time. Customers without access (403) have no rows.
pub async fn crawl(base: &str) -> Truth {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let mut truth = Truth::default();
    for c in all_items(&http, base, "/v1/customers?size=500").await {
        let cid = s(&c["id"]);
        truth.customers.insert(cid.clone(), ());
        let probe = http
            .get(format!("{base}/v1/customers/{cid}/subscribedskus"))
            .bearer_auth("truth")
            .send()
            .await
            .map(|r| r.status().as_u16());
        if probe.ok() == Some(403) {
            continue;
        }
        let skus = get(
            &http,
            base,
            &format!(
                "/v1/customers/{cid}/subscribedskus?licenseGroupIds=Group1&licenseGroupIds=Group2"
            ),
            &[],
        )
        .await;
        for sku in skus["items"].as_array().into_iter().flatten() {
            let total = sku["totalUnits"].as_i64().unwrap_or(-1);
            let consumed = sku["consumedUnits"].as_i64().unwrap_or(-1);
            truth.seats.insert(
                (cid.clone(), s(&sku["productSku"]["id"])),
                (total, consumed),
            );
        }
        for u in all_items(&http, base, &format!("/v1/customers/{cid}/users?size=500")).await {
            let uid = s(&u["id"]);
            truth.users.insert((cid.clone(), uid.clone()), ());
            let path = format!(
                "/v1/customers/{cid}/users/{uid}/licenses?licenseGroupIds=Group1&licenseGroupIds=Group2"
            );
            for l in get(&http, base, &path, &[]).await["items"]
                .as_array()
                .into_iter()
                .flatten()
            {
                for p in l["servicePlans"].as_array().into_iter().flatten() {
                    let key = (
                        cid.clone(),
                        uid.clone(),
                        s(&l["productSku"]["id"]),
                        s(&p["id"]),
                    );
                    truth.plans.insert(key, s(&p["capabilityStatus"]));
                }
            }
        }
    }
    truth
}

/// The same figures read back from a store snapshot with plain SQL.
pub fn stored(db: &Path, snapshot: i64) -> Truth {
    let conn = rusqlite::Connection::open(db).unwrap();
    let at = |sql: &str| format!("{sql} WHERE snapshot = ?1");
    Truth {
        customers: select(
            &conn,
            &at("SELECT customer_id FROM customers"),
            snapshot,
            |r| Ok((r.get(0)?, ())),
        ),
        seats: select(
            &conn,
            &at("SELECT customer_id, sku_id, total, consumed FROM skus"),
            snapshot,
            |r| Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?))),
        ),
        users: select(
            &conn,
            &at("SELECT customer_id, user_id FROM users"),
            snapshot,
            |r| Ok(((r.get(0)?, r.get(1)?), ())),
        ),
        plans: select(
            &conn,
            &at("SELECT customer_id, user_id, sku_id, plan_id, status FROM user_plans"),
            snapshot,
            |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?), r.get(4)?)),
        ),
    }
}

/// Every row `sql` selects for `snapshot`, as the keys and values `row` reads.
fn select<K: Ord, V>(
    conn: &rusqlite::Connection,
    sql: &str,
    snapshot: i64,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<(K, V)>,
) -> BTreeMap<K, V> {
    let mut q = conn.prepare(sql).unwrap();
    q.query_map([snapshot], row)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}
