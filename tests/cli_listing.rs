//! The `pcx` binary as scripts use it: listing commands against the sandbox (and a scripted
//! server for SKU names no real partner has), their output formats, error lines on stderr and
//! exit statuses.

mod common;

use common::{ScriptServer, Scripted, TempDir};
use pcx::sandbox::SandboxConfig;
use std::process::Output;

const CUSTOMER: &str = "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04";
/// A demo customer on which the partner holds no GDAP role: its users are refused (403).
const NO_GDAP: &str = "99754ec3-cb50-4756-a728-13d21cc978e5";

async fn pcx(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let home = TempDir::new("cli-home");
    common::pcx_command(home.path())
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .await
        .expect("pcx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SKUS: &str = r#"{"totalCount":2,"items":[
 {"availableUnits":0,"activeUnits":25,"consumedUnits":27,"suspendedUnits":0,"totalUnits":25,"warningUnits":0,
  "productSku":{"id":"05e9a617-0261-4cee-bb44-138d3ef5d965","name":"Microsoft 365 E3","skuPartNumber":"SPE_E3","targetType":"User","licenseGroupId":"group1"},
  "servicePlans":[{"displayName":"Exchange Online (Plan 2)","serviceName":"EXCHANGE_S_ENTERPRISE","id":"efb87545-963c-4e0d-99df-69c6916d9eb0","capabilityStatus":"Enabled","targetType":"User"},
                  {"displayName":"=HYPERLINK(\"http://x\")","serviceName":"TEAMS1","id":"57ff2da0-773e-42df-b2af-ffb7a2317929","capabilityStatus":"Suspended","targetType":"User"}],
  "capabilityStatus":"Enabled","attributes":{"objectType":"SubscribedSku"}},
 {"availableUnits":1,"activeUnits":1,"consumedUnits":0,"suspendedUnits":0,"totalUnits":1,"warningUnits":0,
  "productSku":{"id":"c5928f49-12ba-48f7-ada3-0d743a3601d5","name":"Visio Plan 2 \u001b[2J","skuPartNumber":"VISIOCLIENT","targetType":"User","licenseGroupId":"group1"},
  "servicePlans":[],"capabilityStatus":"Enabled","attributes":{"objectType":"SubscribedSku"}}],
 "attributes":{"objectType":"Collection"}}"#;

#[tokio::test]
async fn skus_are_listed_as_json_csv_and_table() {
    let server = ScriptServer::start(vec![
        Scripted::json(200, SKUS),
        Scripted::json(200, SKUS),
        Scripted::json(200, SKUS),
    ])
    .await;
    let base = server.base_url();
    let env = [("PCX_ACCESS_TOKEN", "tok"), ("COLUMNS", "100")];

    let json = pcx(&["--base-url", &base, "skus", CUSTOMER, "-o", "json"], &env).await;
    assert!(json.status.success(), "{}", text(&json.stderr));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value.as_array().unwrap().len(), 2);
    assert_eq!(
        value[1]["productSku"]["name"], "Visio Plan 2 \u{1b}[2J",
        "JSON stays exact (escaped)"
    );
    assert!(!json.stdout.contains(&0x1b), "no raw ESC on stdout");

    let csv = pcx(&["--base-url", &base, "skus", CUSTOMER, "-o", "csv"], &env).await;
    let csv_text = text(&csv.stdout);
    let lines: Vec<&str> = csv_text.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "header + 2 plans + 1 SKU without plans:\n{csv_text}"
    );
    assert!(
        lines[0].starts_with(
            "skuId,skuName,skuPartNumber,licenseGroupId,skuCapabilityStatus,totalUnits"
        )
    );
    assert!(
        lines[2].contains("'=HYPERLINK"),
        "formula neutralised: {}",
        lines[2]
    );
    assert!(!csv.stdout.contains(&0x1b));

    let table = pcx(
        &["--base-url", &base, "skus", CUSTOMER, "-o", "table"],
        &env,
    )
    .await;
    let table_text = text(&table.stdout);
    assert!(
        table_text.lines().all(|l| pcx::text::width(l) <= 100),
        "{table_text}"
    );
    assert!(
        table_text.contains("! 27 over"),
        "over-consumption marked without colour:\n{table_text}"
    );
    assert!(table_text.contains("! 1 of 2"), "{table_text}");
    assert!(!table.stdout.contains(&0x1b));
}

#[tokio::test]
async fn an_api_error_is_two_lines_at_most_with_status_code_and_correlation_id() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let out = pcx(
        &["--base-url", &sandbox.base_url(), "users", NO_GDAP],
        &[("PCX_ACCESS_TOKEN", "tok")],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.lines().count() <= 2, "{stderr}");
    assert!(stderr.contains("cannot list users"), "{stderr}");
    assert!(
        stderr.contains("HTTP 403")
            && stderr.contains("900308")
            && stderr.contains("Insufficient privileges"),
        "{stderr}"
    );
    let cid = sandbox.api_correlation_ids()[0].clone().unwrap();
    assert!(stderr.contains(&cid), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn refusals_happen_before_any_request_and_usage_errors_exit_2() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let base = sandbox.base_url();
    let out = pcx(
        &["--base-url", &base, "users", "../partners"],
        &[("PCX_ACCESS_TOKEN", "tok")],
    )
    .await;
    // A usage error pcx finds itself exits 2, like clap's own.
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("customer id must be a GUID"));

    let out = pcx(
        &["--base-url", "http://partner.example.com", "customers"],
        &[("PCX_ACCESS_TOKEN", "tok")],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("https is required"));

    let out = pcx(&["customers", "--output", "yaml"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(sandbox.api_request_count(), 0, "no request was made");
}
