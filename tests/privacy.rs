//! Privacy mode: a scripted walk through every screen (customers, users, licences, plans, raw
//! JSON, SKUs, the request log, an export and a copy) shows no real name, domain, UPN or id of
//! the partner, the pseudonyms are stable, and filtering still matches the real names. The
//! listing commands take `--privacy` too.

mod common;

use pcx::app::model::Model;
use pcx::privacy::Pseudonyms;
use pcx::sandbox::SandboxConfig;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn private_client(base: &str) -> pcx::api::ApiClient {
    common::client_with(base, common::token("t"), |c| {
        c.names = Some(Pseudonyms::new());
    })
}

#[tokio::test]
async fn a_walk_through_every_screen_shows_no_real_value() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let secrets = common::partner_secrets(&common::client(&sandbox.base_url(), "t"), 1).await;
    assert!(secrets.len() > 20, "the demo has names to hide");
    let dir = common::TempDir::new("privacy-walk");
    let mut options = common::options(dir.path());
    options.privacy = true;
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let first_name = std::cell::RefCell::new(String::new());
    // A list has loaded when the status bar counts its rows.
    let counted = |s: &str| s.lines().last().is_some_and(|l| l.contains(" of "));
    let loaded = |_: &Model, s: &str| counted(s);
    let steps = vec![
        common::on(loaded, "").then(|_, s| {
            let line = s.lines().nth(3).unwrap_or_default().to_string();
            *first_name.borrow_mut() = line;
        }),
        common::on(loaded, "\n"),
        common::on(
            |_, s| s.contains("Users") && s.contains("@") && counted(s),
            "\n",
        ),
        common::on(|_, s| s.contains("Licences of") && counted(s), "\n"),
        common::on(|_, s| s.contains("Service plans of") && counted(s), "y"),
        common::on(|_, s| s.contains("Raw JSON"), "hhh"),
        common::on(|m: &Model, s| m.screens.len() == 2 && counted(s), "e"),
        common::on(|_, s| s.contains("exported "), "c"),
        common::on(|_, s| s.contains("clipboard"), "s"),
        common::on(|_, s| s.contains("Subscribed SKUs") && counted(s), ":log\n"),
        common::on(|_, s| s.contains("request log"), "\n"),
        common::on(|_, s| s.contains("response body"), "hqhh"),
        common::on(|m: &Model, _| m.screens.len() == 1 && m.log.is_none(), "/"),
        common::on(
            |m: &Model, _| m.mode() == pcx::app::keymap::Mode::Filter,
            "\u{1b}q",
        ),
    ];
    let seen = common::run_script(
        &mut terminal,
        private_client(&sandbox.base_url()),
        options,
        steps,
        std::time::Duration::from_secs(60),
    )
    .await;
    for frame in &seen.frames {
        if let Some(real) = common::leak(frame, &secrets) {
            panic!("privacy mode shows {real:?}:\n{frame}");
        }
    }
    assert!(
        seen.frames.iter().all(|f| f.contains("private")),
        "the marker is on every frame"
    );
    assert!(seen.frames.iter().any(|f| f.contains("Customer ")));
    // Stable: the first row reads the same on the first and the last customers frame.
    let first = first_name.borrow().clone();
    assert!(
        seen.frames.last().unwrap().contains(first.trim()),
        "{first}"
    );
    // Exports carry pseudonyms too.
    let exported: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(exported.len(), 1);
    let csv = std::fs::read_to_string(exported[0].path()).unwrap();
    assert!(common::leak(&csv, &secrets).is_none(), "{csv}");
    assert!(csv.contains(".example"), "{csv}");
}

#[tokio::test]
async fn the_filter_still_matches_real_names() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(20, 2, 4)).await;
    let secrets = common::partner_secrets(&common::client(&sandbox.base_url(), "t"), 0).await;
    let company = common::client(&sandbox.base_url(), "t")
        .customers_page(&Default::default(), &Default::default(), None)
        .await
        .unwrap()
        .items[7]
        .data
        .company_profile
        .as_ref()
        .and_then(|p| p.company_name.clone())
        .unwrap()
        .to_string();
    let dir = common::TempDir::new("privacy-filter");
    let mut options = common::options(dir.path());
    options.privacy = true;
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let typed = format!("/{company}\n");
    let seen = common::run_script(
        &mut terminal,
        private_client(&sandbox.base_url()),
        options,
        vec![
            common::on(|_, s| s.contains("20 of 20"), &typed),
            common::on(|_, s| s.contains("1 of 20"), "q"),
        ],
        std::time::Duration::from_secs(60),
    )
    .await;
    for frame in &seen.frames {
        assert!(common::leak(frame, &secrets).is_none(), "{frame}");
    }
}

#[tokio::test]
async fn privacy_toggles_in_place() {
    let sandbox = common::start_sandbox(SandboxConfig::generated(6, 2, 9)).await;
    let secrets = common::partner_secrets(&common::client(&sandbox.base_url(), "t"), 0).await;
    let dir = common::TempDir::new("privacy-toggle");
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let seen = common::explore_in(
        &mut terminal,
        private_client(&sandbox.base_url()),
        dir.path(),
        vec![
            common::on(|_, s| s.contains("6 of 6"), ":privacy\n"),
            common::on(|_, s| s.contains("privacy mode on"), ":privacy\n"),
            common::on(|_, s| s.contains("privacy mode off"), "q"),
        ],
    )
    .await;
    let [open, private, off] = &seen.matched[..] else {
        panic!("three steps")
    };
    assert!(common::leak(open, &secrets).is_some());
    assert!(common::leak(private, &secrets).is_none(), "{private}");
    assert!(private.contains("private"));
    assert!(common::leak(off, &secrets).is_some());
}

/// `--privacy` on the command line: the listing commands, the scan and every report print no
/// real name, domain, UPN or id of the partner. A small generated partner keeps the scans short;
/// its month 1 (a second sandbox) gives the diff something to say.
// Blocking child processes: the sandboxes answer from the other worker thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_and_reports_with_privacy_print_no_real_value() {
    let now = common::start_sandbox(SandboxConfig::generated(4, 6, 7)).await;
    let mut later = SandboxConfig::generated(4, 6, 7);
    later.month = 1;
    let later = common::start_sandbox(later).await;
    let mut secrets = Vec::new();
    for sandbox in [&now, &later] {
        let api = common::client(&sandbox.base_url(), "t");
        secrets.extend(common::partner_secrets(&api, 100).await);
    }
    let api = common::client(&now.base_url(), "t");
    let query = pcx::api::CustomerQuery {
        page_size: 1,
        search: None,
    };
    let ctx = pcx::api::CallContext::new();
    let page = api.customers_page(&ctx, &query, None).await.unwrap();
    let first = page.items[0].data.id.clone().unwrap();
    let dir = common::TempDir::new("privacy-cli");
    let db = dir.path().join("pcx.sqlite");
    let run = |base: &str, args: &[&str]| {
        let out = common::pcx_std_command(dir.path())
            .arg("--privacy")
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("PCX_BASE_URL", base)
            .env("PCX_ACCESS_TOKEN", "t")
            .output()
            .expect("pcx runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "pcx {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.trim().is_empty(), "pcx {args:?} printed nothing");
        for real in &secrets {
            assert!(
                !text.contains(real.as_str()),
                "pcx {args:?} shows {real:?}:\n{text}"
            );
        }
    };
    let base = now.base_url();
    let commands: &[&[&str]] = &[
        &["customers"],
        &["users", &first],
        &["skus", &first],
        &["scan", "--users"],
        &["report", "totals"],
        &["report", "seats"],
        &["report", "problems", "-o", "csv"],
        &["report", "who-has", "E5"],
        &["report", "renewals", "--within", "365", "-o", "json"],
        &["snapshots"],
    ];
    for args in commands {
        run(&base, args);
    }
    run(&later.base_url(), &["scan", "--users"]);
    run(&base, &["diff", "1", "2"]);
}

/// A refused id under `--privacy` is still a usage error (exit 2, as without privacy), and the
/// message shows what was typed: a value that is no GUID is nobody's id to hide.
#[tokio::test]
async fn a_usage_error_under_privacy_exits_2_and_names_what_was_typed() {
    let dir = common::TempDir::new("privacy-usage");
    let out = common::pcx_command(dir.path())
        .args(["--privacy", "users", "not-a-guid"])
        .env("PCX_BASE_URL", "http://127.0.0.1:9")
        .env("PCX_ACCESS_TOKEN", "t")
        .output()
        .await
        .expect("pcx runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("customer id must be a GUID") && stderr.contains("\"not-a-guid\""),
        "{stderr}"
    );
}
