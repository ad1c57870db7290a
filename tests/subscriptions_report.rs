//! `pcx report renewals` end to end on the demo partner: the scan stores every subscription
//! with the SKU it feeds, and the report lists what ends within the window with the issue's
//! JSON fields, flagging Contoso's E5 (a week left, 12 seats unassigned) and nothing that
//! will not renew or has no spare seats.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcx-renewals-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pcx(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pcx"))
        .arg("--demo")
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("PCX_DB")
        .env_remove("PCX_ACCESS_TOKEN")
        .env_remove("PCX_TOKEN_COMMAND")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn renewals(home: &Path, db: &str, within: &str) -> Vec<serde_json::Value> {
    let out = pcx(
        home,
        &[
            "report", "renewals", "--within", within, "--db", db, "-o", "json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const FIELDS: [&str; 15] = [
    "customerId",
    "subscriptionId",
    "offerId",
    "offerName",
    "quantity",
    "status",
    "termDuration",
    "billingCycle",
    "commitmentEndDate",
    "daysLeft",
    "autoRenewEnabled",
    "skuId",
    "matchedBy",
    "availableSeats",
    "flag",
];

#[test]
fn the_scan_stores_subscriptions_and_the_report_flags_what_to_reduce() {
    let home = scratch("report");
    let db = home.join("d.sqlite");
    let db = db.to_str().unwrap();
    let scan = pcx(&home, &["scan", "--db", db]);
    assert!(
        scan.status.success(),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );

    // Stored with their join: every demo subscription found its SKU by id.
    let conn = rusqlite::Connection::open(db).unwrap();
    let (stored, by_id): (i64, i64) = conn
        .query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE matched_by = 'id') FROM subscriptions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(stored > 20, "{stored} subscriptions stored");
    assert_eq!(by_id, stored);

    let rows = renewals(&home, db, "30");
    assert!(!rows.is_empty());
    for row in &rows {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys, FIELDS,
            "flat camelCase rows with exactly the issue's fields"
        );
        let days = row["daysLeft"].as_i64().unwrap();
        assert!((0..=30).contains(&days), "{row}");
        assert_ne!(row["status"], "deleted");
        if row["flag"] == "reduce-before-renewal" {
            assert_eq!(row["autoRenewEnabled"], true, "{row}");
            assert_eq!(row["status"], "active", "{row}");
            assert!(row["availableSeats"].as_i64().unwrap() > 0, "{row}");
        } else {
            assert!(row["flag"].is_null());
            let spare = row["availableSeats"].as_i64().unwrap_or(0) > 0;
            assert!(
                !(spare && row["autoRenewEnabled"] == true && row["status"] == "active"),
                "should be flagged: {row}"
            );
        }
    }
    let days: Vec<i64> = rows
        .iter()
        .map(|r| r["daysLeft"].as_i64().unwrap())
        .collect();
    assert!(days.is_sorted(), "soonest first: {days:?}");

    let contoso_e5 = |rows: &[serde_json::Value]| {
        rows.iter()
            .find(|r| {
                r["customerId"] == "a1111429-e9ce-48d5-ace2-e5f8dea72bac"
                    && r["offerName"] == "Microsoft 365 E5"
            })
            .cloned()
    };
    let e5 = contoso_e5(&rows).expect("Contoso's E5 renews within 30 days");
    assert_eq!(e5["daysLeft"], 7);
    assert_eq!(e5["availableSeats"], 12);
    assert_eq!(e5["flag"], "reduce-before-renewal");
    assert_eq!(e5["matchedBy"], "id");
    assert_eq!(e5["termDuration"], "P1Y");
    assert_eq!(e5["billingCycle"], "monthly");

    // A window that closes before its renewal leaves it out.
    let week = renewals(&home, db, "6");
    assert!(contoso_e5(&week).is_none());
    assert!(week.iter().all(|r| r["daysLeft"].as_i64().unwrap() <= 6));
    assert!(week.len() < rows.len());

    let table = pcx(&home, &["report", "renewals", "--db", db, "-o", "table"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("Contoso Ltd."), "{text}");
    let _ = std::fs::remove_dir_all(&home);
}
