//! The command line as an operator found it in use: usage errors pcx detects itself exit 2,
//! `--demo` with `info` and `login` speaks of the demo, `pcx sandbox --help` lists only its own
//! flags, and an unopenable log file is named by its absolute path.

mod common;

use std::process::Output;

async fn pcx(args: &[&str]) -> Output {
    let dir = common::TempDir::new("found");
    common::pcx_command(dir.path())
        .args(args)
        .output()
        .await
        .expect("pcx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a run that must succeed printed.
async fn printed(args: &[&str]) -> String {
    let out = pcx(args).await;
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[tokio::test]
async fn usage_errors_pcx_finds_itself_exit_2() {
    for args in [
        &["--demo", "users", "not-a-guid"][..],
        &["--demo", "licenses", "not-a-guid", "also-not"][..],
        &["login", "--client-id", "notaguid"][..],
        &["sandbox", "--listen", "127.0.0.1:0", "--fault-rate", "2"][..],
    ] {
        let out = pcx(args).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}

#[tokio::test]
async fn demo_info_and_login_speak_of_the_demo() {
    let shown = printed(&["--demo", "info"]).await;
    assert!(shown.contains("demo"), "{shown}");
    assert!(
        !shown.contains("api.partnercenter.microsoft.com"),
        "{shown}"
    );
    assert!(!shown.contains("not signed in"), "{shown}");

    // Never the real sign-in service: said plainly, as a usage error.
    let out = pcx(&["--demo", "login"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--demo needs no sign-in"));
}

#[tokio::test]
async fn sandbox_help_lists_only_sandbox_flags() {
    let help = printed(&["sandbox", "--help"]).await;
    assert!(help.contains("--fault-rate"), "{help}");
    for explorer_flag in [
        "--demo",
        "--ascii",
        "--color",
        "--token-command",
        "--base-url",
    ] {
        assert!(!help.contains(explorer_flag), "{explorer_flag} in {help}");
    }
}

#[tokio::test]
async fn an_unopenable_log_file_is_named_by_its_absolute_path() {
    let out = pcx(&["--log-file", "no-such-dir/pcx.log", "--demo", "info"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let cwd = std::env::current_dir().unwrap();
    assert!(
        err.contains(&cwd.join("no-such-dir/pcx.log").display().to_string()),
        "{err}"
    );
}

/// Contoso in the demo partner, which has soft-deleted users.
const CONTOSO: &str = "a1111429-e9ce-48d5-ace2-e5f8dea72bac";

#[tokio::test]
async fn deleted_users_read_deleted_with_their_time_and_json_stays_as_sent() {
    let csv = text(
        &pcx(&["--demo", "users", CONTOSO, "--deleted", "-o", "csv"])
            .await
            .stdout,
    );
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let state = header.iter().position(|h| *h == "state").unwrap();
    let when = header
        .iter()
        .position(|h| *h == "softDeletionTime")
        .unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row[state], "deleted", "{row:?}");
        assert!(row[when].starts_with("20"), "{row:?}");
    }
    let table = text(
        &pcx(&["--demo", "users", CONTOSO, "--deleted", "-o", "table"])
            .await
            .stdout,
    );
    assert!(!table.contains("inactive"), "{table}");
    assert!(table.contains("deleted 20"), "{table}");
    let json = text(
        &pcx(&["--demo", "users", CONTOSO, "--deleted", "-o", "json"])
            .await
            .stdout,
    );
    let users: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        users
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["state"] == "inactive"),
        "{json}"
    );
}
