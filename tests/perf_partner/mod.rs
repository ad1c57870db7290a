//! The partner-wide figures of the benchmark: the scan's efficiency and peak memory
//! (the real `pcx` binary against the sandbox with 20 ms latency per request), report and diff
//! times over large synthetic stores, and the store's size per licence. Prints `bench` lines.

pub mod explorer;

use pcx::cli::OutputFormat;
use pcx::report::{self, DiffOptions};
use pcx::sandbox::SandboxConfig;
use pcx::store::{
    CustomerRecord, LicenseRecord, Location, NewSnapshot, PartnerKey, PlanRecord, ScanCounters,
    SkuRecord, SkuSeats, Store, UserRecord,
};
use std::path::Path;
use std::time::{Duration, Instant};

use super::{bench, median, ms};

const LATENCY_MS: u64 = 20;
const CONCURRENCY: u64 = 8;

/// Runs `pcx scan --users` on a generated partner; returns (requests, wall, peak RSS MiB).
async fn scan_binary(customers: u32, users: u32, db: &Path) -> (u64, Duration, f64) {
    let mut config = SandboxConfig::generated(customers, users, 21);
    config.latency_ms = LATENCY_MS;
    let sandbox = crate::common::start_sandbox(config).await;
    let base = sandbox.base_url();
    let db = db.to_path_buf();
    let started = Instant::now();
    let peak_kib = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pcx"))
            .args([
                "--base-url",
                &base,
                "scan",
                "--users",
                "--concurrency",
                "8",
                "--db",
            ])
            .arg(&db)
            .env("PCX_ACCESS_TOKEN", "bench")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // VmHWM is the child's own peak (a fork's rusage would carry this fat test process's);
        // it only grows, so the last reading before the exit is the peak.
        let status = format!("/proc/{}/status", child.id());
        let mut peak = 0u64;
        loop {
            if let Some(kib) = std::fs::read_to_string(&status).ok().and_then(|text| {
                let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            }) {
                peak = peak.max(kib);
            }
            if let Some(exit) = child.try_wait().unwrap() {
                assert!(exit.success(), "pcx scan failed: {exit}");
                return peak;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    })
    .await
    .unwrap();
    let wall = started.elapsed();
    (sandbox.api_request_count(), wall, peak_kib as f64 / 1024.0)
}

fn licenses_in(db: &Path) -> f64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT COUNT(*) FROM licences", [], |r| r.get::<_, i64>(0))
        .unwrap() as f64
}

fn guid(kind: u64, n: u64) -> String {
    format!("{kind:08x}-0000-4000-8000-{n:012x}")
}

/// A synthetic customer: `users` users with one licence of `plans` plans each; `variant`
/// changes a few seats, users, licences and statuses (for a second snapshot).
fn customer(c: u64, users: u64, plans: u64, variant: u64) -> CustomerRecord {
    let sku = |k: u64| guid(2, k);
    let plan = |p: u64| PlanRecord {
        plan_id: guid(3, p),
        service_name: Some(format!("PLAN_{p}")),
        status: Some("Enabled".into()),
    };
    let skus = (0..3)
        .map(|k| SkuRecord {
            sku: SkuSeats {
                sku_id: sku(k),
                part_number: Some(format!("SKU_{k}")),
                total: Some((users + 2 + (c + k + variant) % 3) as i64),
                consumed: Some(users as i64),
                ..SkuSeats::default()
            },
            raw: format!(r#"{{"productSku":{{"id":"{}"}}}}"#, sku(k)),
            plans: (0..plans).map(plan).collect(),
        })
        .collect();
    let users =
        (0..users)
            .filter(|u| variant == 0 || !(u + c).is_multiple_of(97))
            .map(|u| {
                let id = guid(
                    4,
                    c * 1_000_000
                        + u
                        + if variant > 0 && (u + c).is_multiple_of(89) {
                            500_000
                        } else {
                            0
                        },
                );
                let status =
                    |p: u64| match (u * 7 + p + c + variant * (u + c).is_multiple_of(53) as u64)
                        % 100
                    {
                        0 => "Suspended",
                        1 => "Warning",
                        _ => "Assigned",
                    };
                UserRecord {
                    upn: Some(format!("user{u}@customer{c}.example")),
                    raw: format!(
                        r#"{{"id":"{id}","userPrincipalName":"user{u}@customer{c}.example"}}"#
                    ),
                    licenses: vec![LicenseRecord {
                        sku_id: sku(u % 2 + (u + c + variant).is_multiple_of(61) as u64),
                        part_number: Some(format!("SKU_{}", u % 2)),
                        raw: format!(
                            r#"{{"productSku":{{"id":"{}"}},"servicePlans":[]}}"#,
                            sku(u % 2)
                        ),
                        plans: (0..plans)
                            .map(|p| PlanRecord {
                                status: Some(status(p).into()),
                                ..plan(p)
                            })
                            .collect(),
                    }],
                    user_id: id,
                    ..UserRecord::default()
                }
            })
            .collect();
    CustomerRecord {
        id: guid(1, c),
        company_name: Some(format!("Customer {c}")),
        raw: format!(r#"{{"id":"{}"}}"#, guid(1, c)),
        skus,
        users,
        ..CustomerRecord::default()
    }
}

fn fill(store: &mut Store, customers: u64, users: u64, plans: u64, variant: u64) -> i64 {
    let snapshot = store
        .create_snapshot(&NewSnapshot {
            partner: PartnerKey {
                base_url: "bench".into(),
                tenant: String::new(),
            },
            with_users: true,
            scope: "all".into(),
        })
        .unwrap();
    for c in 0..customers {
        store
            .write_customer(snapshot, &customer(c, users, plans, variant))
            .unwrap();
    }
    store
        .finish_snapshot(snapshot, ScanCounters::default(), true)
        .unwrap();
    snapshot
}

fn render(report: &report::Report) -> usize {
    let mut out = Vec::new();
    report.write(OutputFormat::Json, 120, &mut out).unwrap();
    out.len()
}

pub async fn run(dir: &Path) {
    let (requests, wall, rss) = scan_binary(200, 25, &dir.join("scan.sqlite")).await;
    let ideal = requests as f64 * LATENCY_MS as f64 / CONCURRENCY as f64;
    bench("scan_efficiency", ideal / ms(wall), "ratio");
    bench("scan_rss_mib", rss, "MiB");
    let size = Store::open(&Location::File(dir.join("scan.sqlite")))
        .unwrap()
        .size_bytes()
        .unwrap();
    bench(
        "store_bytes_per_licence",
        size as f64 / licenses_in(&dir.join("scan.sqlite")),
        "bytes",
    );
    let (_, _, rss_2x) = scan_binary(400, 25, &dir.join("scan2.sqlite")).await;
    bench("scan_rss_mib_2x", rss_2x, "MiB");

    // 2,000 customers x 50 users x 10 plans = 1,000,000 plan rows in users' licences.
    let mut store = Store::open(&Location::File(dir.join("plans.sqlite"))).unwrap();
    let snapshot = fill(&mut store, 2_000, 50, 10, 0);
    let seats = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                render(&report::seats(&store, snapshot, 1).unwrap());
                ms(t.elapsed())
            })
            .collect(),
    );
    let problems = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                render(&report::problems(&store, snapshot).unwrap());
                ms(t.elapsed())
            })
            .collect(),
    );
    bench("report_seats_ms_1m_plans", seats.max(problems), "ms");
    bench("report_problems_ms_1m_plans", problems, "ms");
    drop(store);

    // Two snapshots of 1,000 customers x 100 users (5 plans each), the second changed a little.
    let mut store = Store::open(&Location::File(dir.join("diff.sqlite"))).unwrap();
    let a = fill(&mut store, 1_000, 100, 5, 0);
    let b = fill(&mut store, 1_000, 100, 5, 1);
    let mut changes = 0;
    let diff = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                changes = render(
                    &report::diff(
                        &store,
                        DiffOptions {
                            before: a,
                            after: b,
                        },
                    )
                    .unwrap(),
                );
                ms(t.elapsed())
            })
            .collect(),
    );
    assert!(changes > 1000, "the second snapshot differs");
    bench("diff_ms_100k_users", diff, "ms");
}
