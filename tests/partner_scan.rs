//! The partner-wide scan end to end against the sandbox: what it stores equals what an
//! independent crawler counts (under faults and a rate limit), an interrupted or killed scan
//! resumes to the same result, a diff of two months equals the sandbox's known changes, two
//! scans never write one store at once, a newer store is refused untouched, and a customer
//! without access is reported, not fatal.

mod common;

use common::TempDir;
use common::truth::{Truth, crawl, stored};
use pcx::api::{ApiClient, ClientConfig};
use pcx::cli::OutputFormat;
use pcx::report::{DiffOptions, diff};
use pcx::sandbox::{DEMO_TOKEN, FaultConfig, Sandbox, SandboxConfig};
use pcx::scan::{self, Progress, ScanOptions, Scope};
use pcx::store::{Location, NewSnapshot, PartnerKey, ScanCounters, Store, StoreError};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

async fn start(config: SandboxConfig) -> Sandbox {
    common::start_sandbox(config).await
}

/// `config` answering each request after `latency_ms`, so a scan can be caught mid-way.
async fn slow(mut config: SandboxConfig, latency_ms: u64) -> Sandbox {
    config.latency_ms = latency_ms;
    start(config).await
}

fn client(sandbox: &Sandbox) -> ApiClient {
    let mut config = ClientConfig::new(sandbox.base_url());
    config.retry.base_delay = Duration::from_millis(20);
    ApiClient::new(config, common::token(DEMO_TOKEN)).unwrap()
}

/// The stdout of a pcx run that must have succeeded (its stderr shown when it did not).
fn succeeded(output: std::process::Output) -> Vec<u8> {
    let why = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{why}");
    output.stdout
}

fn options() -> ScanOptions {
    ScanOptions {
        with_users: true,
        scope: Scope::All,
        concurrency: 8,
        tenant_budget: scan::TENANT_BUDGET_PER_MINUTE,
        page_size: 500,
    }
}

fn new_snapshot(store: &mut Store) -> i64 {
    store
        .create_snapshot(&NewSnapshot {
            partner: PartnerKey {
                base_url: "test".into(),
                tenant: String::new(),
            },
            with_users: true,
            scope: "all".into(),
        })
        .unwrap()
}

/// Scans into `snapshot` until done or `stop_after` customers are stored; returns whether it
/// ran to the end.
async fn scan_into(
    db: &Path,
    client: ApiClient,
    snapshot: i64,
    stop_after: Option<u64>,
) -> (bool, Arc<Progress>) {
    let store = Store::open(&Location::File(db.to_path_buf())).unwrap();
    let progress = Arc::new(Progress::new());
    let (stop, cancel) = watch::channel(false);
    let watcher = {
        let progress = Arc::clone(&progress);
        tokio::spawn(async move {
            let Some(n) = stop_after else { return };
            while progress.view().customers_done < n {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            stop.send_replace(true);
        })
    };
    let end = scan::run(client, options(), store, snapshot, &progress, cancel).await;
    watcher.abort();
    assert!(end.error.is_none(), "{:?}", end.error);
    let complete = !end.interrupted;
    let view = progress.view();
    let counters = ScanCounters {
        requests: view.requests,
        throttled: view.throttled,
    };
    end.store
        .unwrap()
        .finish_snapshot(snapshot, counters, complete)
        .unwrap();
    (complete, progress)
}

async fn full_scan(db: &Path, client: ApiClient) -> i64 {
    let snapshot = new_snapshot(&mut Store::open(&Location::File(db.to_path_buf())).unwrap());
    assert!(scan_into(db, client, snapshot, None).await.0);
    snapshot
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_under_faults_and_a_rate_limit_equals_the_truth() {
    let clean = start(SandboxConfig::generated(14, 6, 5)).await;
    let truth = crawl(&clean.base_url()).await;
    let mut config = SandboxConfig::generated(14, 6, 5);
    config.faults = FaultConfig::safe(0.2, 9);
    config.rate_limit = Some(400);
    let faulty = start(config).await;
    let dir = TempDir::new("test");
    let db = dir.file("store.sqlite");
    let snapshot = full_scan(&db, client(&faulty)).await;
    let got = stored(&db, snapshot);
    assert!(
        truth.plans.len() > 100 && truth.seats.len() > 14,
        "a real partner: {}",
        truth.plans.len()
    );
    assert_eq!(got, truth);
    let minimum = 1 + 2 * truth.customers.len() + truth.users.len();
    assert!(
        faulty.api_request_count() as usize > minimum,
        "faults were injected and retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_scan_resumes_to_the_uninterrupted_result() {
    let sandbox = slow(SandboxConfig::generated(16, 4, 8), 15).await;
    let dir = TempDir::new("test");
    let db = dir.file("store.sqlite");
    let whole = full_scan(&db, client(&sandbox)).await;
    let snapshot = new_snapshot(&mut Store::open(&Location::File(db.clone())).unwrap());
    let (complete, progress) = scan_into(&db, client(&sandbox), snapshot, Some(4)).await;
    assert!(!complete, "stopped part way");
    let partial = progress.view().customers_done;
    assert!(
        (4..16).contains(&partial),
        "{partial} customers stored before the stop"
    );
    let store = Store::open(&Location::File(db.clone())).unwrap();
    let info = store
        .snapshots()
        .unwrap()
        .into_iter()
        .find(|s| s.id == snapshot)
        .unwrap();
    assert!(!info.complete);
    assert_eq!(
        store.done_customers(snapshot).unwrap().len() as u64,
        partial
    );
    drop(store);
    let (complete, progress) = scan_into(&db, client(&sandbox), snapshot, None).await;
    assert!(complete);
    assert_eq!(
        progress.view().customers_skipped,
        partial,
        "stored customers are not read again"
    );
    assert_eq!(stored(&db, snapshot), stored(&db, whole));
}

fn pcx(base_url: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pcx"));
    command
        .args(["--base-url", base_url])
        .args(args)
        .env("PCX_ACCESS_TOKEN", "test")
        .env_remove("PCX_DB")
        .env_remove("PCX_TOKEN_COMMAND")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits until the store holds at least `n` customers (read while the scan writes: WAL).
async fn wait_for_customers(db: &Path, n: i64) {
    loop {
        let count = rusqlite::Connection::open(db)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM customers", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0);
        if count >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_or_interrupted_scan_resumes_to_the_truth() {
    let sandbox = slow(SandboxConfig::generated(24, 4, 12), 25).await;
    let base = sandbox.base_url();
    let truth = crawl(&base).await;
    for signal in [libc::SIGKILL, libc::SIGINT] {
        let dir = TempDir::new("test");
        let db = dir.file("store.sqlite");
        let db_arg = db.to_str().unwrap();
        let mut child = pcx(&base, &["scan", "--users", "--db", db_arg])
            .spawn()
            .unwrap();
        wait_for_customers(&db, 3).await;
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        assert!(!status.success(), "stopped by signal {signal}");
        let partial = stored(&db, 1);
        assert!(
            partial.customers.len() < truth.customers.len(),
            "stopped part way"
        );
        succeeded(
            pcx(&base, &["scan", "--resume", "--db", db_arg])
                .output()
                .unwrap(),
        );
        assert_eq!(stored(&db, 1), truth, "after signal {signal}");
        let list = pcx(&base, &["snapshots", "--db", db_arg, "-o", "json"])
            .output()
            .unwrap();
        let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
        assert_eq!(list[0]["complete"], true);
        assert_eq!(
            list.as_array().unwrap().len(),
            1,
            "the resume continued the same snapshot"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_scan_on_the_same_store_is_refused_and_the_first_loses_nothing() {
    let sandbox = slow(SandboxConfig::generated(20, 4, 4), 25).await;
    let base = sandbox.base_url();
    let truth = crawl(&base).await;
    let dir = TempDir::new("test");
    let db = dir.file("store.sqlite");
    let db_arg = db.to_str().unwrap();
    let first = pcx(&base, &["scan", "--users", "--db", db_arg])
        .spawn()
        .unwrap();
    wait_for_customers(&db, 1).await;
    let second = pcx(&base, &["scan", "--users", "--db", db_arg])
        .output()
        .unwrap();
    assert!(!second.status.success());
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(
        message.contains("another pcx scan") && message.contains(db_arg),
        "{message}"
    );
    let first = first.wait_with_output().unwrap();
    succeeded(first);
    assert_eq!(stored(&db, 1), truth);
    let snapshots = Store::open(&Location::File(db.clone()))
        .unwrap()
        .snapshots()
        .unwrap();
    assert_eq!(
        snapshots.len(),
        1,
        "the refused scan left no snapshot behind"
    );
}

#[test]
fn a_store_from_a_newer_pcx_is_refused_untouched() {
    let dir = TempDir::new("test");
    let db = dir.file("newer.sqlite");
    drop(Store::open(&Location::File(db.clone())).unwrap());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    let error = Store::open(&Location::File(db.clone())).err().unwrap();
    assert!(
        matches!(error, StoreError::NewerSchema { found: 99, .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains(db.to_str().unwrap()),
        "names the file: {error}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "not modified");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_without_access_is_reported_and_the_scan_goes_on() {
    let sandbox = start(SandboxConfig::demo()).await;
    let dir = TempDir::new("test");
    let db = dir.file("demo.sqlite");
    let snapshot = new_snapshot(&mut Store::open(&Location::File(db.clone())).unwrap());
    let (complete, progress) = scan_into(&db, client(&sandbox), snapshot, None).await;
    assert!(complete);
    let failures = progress.failures();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(
        failures[0].company_name.as_deref(),
        Some("Graphic Design Institute")
    );
    assert!(failures[0].reason.contains("403"), "{}", failures[0].reason);
    let store = Store::open(&Location::File(db.clone())).unwrap();
    let info = store.pick_snapshot(None, None).unwrap();
    assert_eq!((info.complete, info.failures), (true, 1));
    assert_eq!(
        info.customers as usize,
        store.customer_list(snapshot).unwrap().len()
    );
    assert!(
        info.users > 1000,
        "every other customer was read: {}",
        info.users
    );
}

type Keys = BTreeSet<Vec<String>>;

/// The keys of `a` that `b` lacks.
fn only_in<'a, K: Ord, V>(
    a: &'a BTreeMap<K, V>,
    b: &'a BTreeMap<K, V>,
) -> impl Iterator<Item = &'a K> + 'a {
    a.keys().filter(move |k| !b.contains_key(*k))
}

/// The keys of both whose values differ.
fn changed<'a, K: Ord, V: PartialEq>(
    a: &'a BTreeMap<K, V>,
    b: &'a BTreeMap<K, V>,
) -> impl Iterator<Item = &'a K> + 'a {
    a.iter()
        .filter(move |(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
}

/// The changes from one crawl to the next, by kind, as (customer, ...) keys.
fn known_changes(t0: &Truth, t1: &Truth) -> Vec<(&'static str, Keys)> {
    let both: BTreeSet<&String> = t0
        .customers
        .keys()
        .filter(|c| t1.customers.contains_key(*c))
        .collect();
    let users = |a: &Truth, b: &Truth| -> Keys {
        only_in(&a.users, &b.users)
            .filter(|k| both.contains(&k.0))
            .map(|k| vec![k.0.clone(), k.1.clone()])
            .collect()
    };
    let licenses = |t: &Truth| -> BTreeSet<(String, String, String)> {
        t.plans
            .keys()
            .map(|k| (k.0.clone(), k.1.clone(), k.2.clone()))
            .collect()
    };
    let (l0, l1) = (licenses(t0), licenses(t1));
    let in_both = |k: &(String, String, String)| {
        t0.users.contains_key(&(k.0.clone(), k.1.clone()))
            && t1.users.contains_key(&(k.0.clone(), k.1.clone()))
    };
    let license_keys =
        |a: &BTreeSet<(String, String, String)>, b: &BTreeSet<(String, String, String)>| -> Keys {
            a.iter()
                .filter(|k| in_both(k) && !b.contains(*k))
                .map(|k| vec![k.0.clone(), k.1.clone(), k.2.clone()])
                .collect()
        };
    let customer = |c: &String| vec![c.clone()];
    vec![
        (
            "customer-added",
            only_in(&t1.customers, &t0.customers)
                .map(customer)
                .collect(),
        ),
        (
            "customer-removed",
            only_in(&t0.customers, &t1.customers)
                .map(customer)
                .collect(),
        ),
        (
            "seats-changed",
            changed(&t0.seats, &t1.seats)
                .map(|k| vec![k.0.clone(), k.1.clone()])
                .collect(),
        ),
        ("user-added", users(t1, t0)),
        ("user-removed", users(t0, t1)),
        ("licence-assigned", license_keys(&l1, &l0)),
        ("licence-removed", license_keys(&l0, &l1)),
        (
            "plan-status-changed",
            changed(&t0.plans, &t1.plans)
                .map(|k| vec![k.0.clone(), k.1.clone(), k.2.clone(), k.3.clone()])
                .collect(),
        ),
    ]
}

fn reported(changes: &[serde_json::Value], kind: &str) -> Keys {
    let fields: &[&str] = match kind {
        "customer-added" | "customer-removed" => &["customerId"],
        "seats-changed" => &["customerId", "skuId"],
        "user-added" | "user-removed" => &["customerId", "userId"],
        "licence-assigned" | "licence-removed" => &["customerId", "userId", "skuId"],
        _ => &["customerId", "userId", "skuId", "servicePlanId"],
    };
    changes
        .iter()
        .filter(|c| {
            c["kind"] == kind && (kind != "plan-status-changed" || c.get("userId").is_some())
        })
        .map(|c| {
            fields
                .iter()
                .map(|f| c[*f].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diff_of_two_months_equals_what_the_sandbox_changed() {
    let dir = TempDir::new("test");
    let db = dir.file("months.sqlite");
    let mut truths = Vec::new();
    let mut snapshots = Vec::new();
    for month in [0, 1] {
        let mut config = SandboxConfig::generated(40, 6, 3);
        config.month = month;
        let sandbox = start(config).await;
        truths.push(crawl(&sandbox.base_url()).await);
        snapshots.push(full_scan(&db, client(&sandbox)).await);
    }
    let store = Store::open(&Location::File(db.clone())).unwrap();
    let report = diff(
        &store,
        DiffOptions {
            before: snapshots[0],
            after: snapshots[1],
        },
    )
    .unwrap();
    let mut json = Vec::new();
    report.write(OutputFormat::Json, 120, &mut json).unwrap();
    let changes: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    for (kind, want) in known_changes(&truths[0], &truths[1]) {
        assert!(!want.is_empty(), "month 1 changes something of kind {kind}");
        assert_eq!(reported(&changes, kind), want, "{kind}");
    }
    let seat = changes
        .iter()
        .find(|c| c["kind"] == "seats-changed")
        .unwrap();
    for field in [
        "totalBefore",
        "totalAfter",
        "consumedBefore",
        "consumedAfter",
        "skuPartNumber",
    ] {
        assert!(seat.get(field).is_some(), "{field} in {seat}");
    }
}

#[test]
fn the_demo_shows_a_diff_without_writing_anything() {
    let dir = TempDir::new("test");
    let output = Command::new(env!("CARGO_BIN_EXE_pcx"))
        .args(["--demo", "diff", "-o", "json"])
        .env("HOME", &dir.0)
        .env("XDG_DATA_HOME", dir.file("data"))
        .env_remove("PCX_DB")
        .output()
        .unwrap();
    let changes: Vec<serde_json::Value> = serde_json::from_slice(&succeeded(output)).unwrap();
    let kinds: BTreeSet<&str> = changes.iter().filter_map(|c| c["kind"].as_str()).collect();
    for kind in [
        "customer-added",
        "customer-removed",
        "seats-changed",
        "user-added",
        "user-removed",
        "plan-status-changed",
    ] {
        assert!(kinds.contains(kind), "{kind} in {kinds:?}");
    }
    assert_eq!(
        std::fs::read_dir(&dir.0).unwrap().count(),
        0,
        "nothing written under HOME"
    );
}
