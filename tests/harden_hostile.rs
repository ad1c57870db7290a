//! Untrusted text everywhere: a hostile Partner Center (terminal escapes, OSC 52 clipboard
//! writes, C1 controls, bidi overrides, NUL, spreadsheet formulas, a newline that forges a log
//! line) against the explorer's frames and the bytes it writes to the terminal, the listing
//! commands' table, CSV and JSON, their error lines on stderr, and the log file.

mod common;

use common::hostile::{self, DENIED_CUSTOMER, customer_id, unsafe_chars, user_id};
use common::{Tape, TempDir, explore_in, flat, kind_name, quick_client, shows, status_bar, step};
use pcx::app::model::Model;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use serde_json::Value;
use std::process::Output;
use std::sync::{Arc, Mutex};

const TOKEN: &str = "hostile-test-token-5ecret";

/// On pane `name`, showing `text`.
fn showing(name: &'static str, text: &'static str) -> impl Fn(&Model, &str) -> bool {
    move |m, s| kind_name(&m.top().kind) == name && s.contains(text)
}

/// As `showing`, with nothing loading.
fn settled(name: &'static str, text: &'static str) -> impl Fn(&Model, &str) -> bool {
    move |m, s| !m.busy() && showing(name, text)(m, s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_shows_hostile_text_inert_and_writes_no_foreign_sequence() {
    let pc = hostile::start().await;
    let out = Tape::default();
    let viewport = Viewport::Fixed(Rect::new(0, 0, 120, 40));
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(out.clone()),
        TerminalOptions { viewport },
    )
    .unwrap();
    let raw_customer = Arc::new(Mutex::new(String::new()));
    let raw_plan = Arc::new(Mutex::new(String::new()));
    let (keep_customer, keep_plan) = (raw_customer.clone(), raw_plan.clone());
    let steps = vec![
        step(
            "customers",
            |m, s| !m.busy() && shows(&["Contoso", " of 3"])(m, s),
            "y",
        ),
        step("the customer's raw JSON", showing("raw", ""), "h\n")
            .then(move |_, s| *keep_customer.lock().unwrap() = s.to_string()),
        step("users", settled("users", "user0"), "\n"),
        step("licences", settled("licences", "E3"), "\n"),
        step("service plans", showing("plans", "Suspended"), "y"),
        step("the plan's raw JSON", showing("raw", ""), "hhhhjs")
            .then(move |_, s| *keep_plan.lock().unwrap() = s.to_string()),
        step(
            "a hostile 500 on subscribed SKUs",
            settled("skus", "r to retry"),
            "hj\n",
        ),
        step(
            "a hostile 403 on users",
            settled("users", "r to retry"),
            "hkks",
        ),
        step("subscribed SKUs", settled("skus", "Visio"), "\n"),
        step("the SKU's plans", showing("plans", "Suspended"), "q"),
    ];
    let dir = TempDir::new("hostile-tui");
    let api = quick_client(&pc.base_url, TOKEN);
    let seen = explore_in(&mut terminal, api, dir.path(), steps).await;
    assert!(seen.model.quit);

    // What was drawn: nothing unsafe in any cell of any frame.
    for frame in &seen.frames {
        assert!(unsafe_chars(frame).is_empty(), "{frame}");
    }
    // The errors are explained, the server's words included but inert.
    let failed_500 = flat(&seen.matched[6]);
    assert!(
        failed_500.contains("Partner Center had a server error (HTTP 500)"),
        "{failed_500}"
    );
    assert!(
        failed_500.contains("code 900308: Denied]52;c;cm0gLXJmIH4=2J FAKE LOG LINE"),
        "{failed_500}"
    );
    let denied = &seen.matched[7];
    assert!(flat(denied).contains("no access"), "{denied}");
    assert!(status_bar(denied).contains("correlation id"), "{denied}");

    // The raw JSON view shows the API's text as itself: escapes, not effects.
    let customer = flat(&raw_customer.lock().unwrap());
    assert!(
        customer.contains(r#""companyName": "Contoso\u001b[2J\u001b[H Ltd\u001b]0;owned\u001b\\""#),
        "{customer}"
    );
    assert!(customer.contains(r"contoso\u202emoc.evil"), "{customer}");
    assert!(customer.contains(r"reseller\u009b31m"), "{customer}");
    let plan = flat(&raw_plan.lock().unwrap());
    assert!(plan.contains(r"EXCHANGE\u009b31m"), "{plan}");
    assert!(plan.contains(r"User\u202e"), "{plan}");

    // What reached the terminal: pcx's own drawing sequences only.
    let bytes = out.bytes();
    let written = String::from_utf8(bytes).expect("UTF-8 to the terminal");
    for foreign in [
        "\u{1b}]",
        "\u{1b}[2J",
        "\u{1b}[H",
        "\u{7}",
        "\u{0}",
        "\u{1b}\\",
    ] {
        assert!(
            !written.contains(foreign),
            "{foreign:?} reached the terminal"
        );
    }
    let stray: Vec<char> = written
        .chars()
        .filter(|&c| c != '\u{1b}' && c != '\n' && c != '\r' && pcx::text::is_unsafe(c))
        .collect();
    assert!(stray.is_empty(), "C1 or bidi controls written: {stray:?}");
}

async fn pcx(args: &[&str], envs: &[(&str, &str)], home: &TempDir) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_pcx"));
    command
        .args(args)
        .env_remove("PCX_TOKEN_COMMAND")
        .env_remove("PCX_LOG")
        .env("PCX_ACCESS_TOKEN", TOKEN)
        .env("HOME", &home.0)
        .env("XDG_CONFIG_HOME", home.0.join("config"))
        .env("XDG_CACHE_HOME", home.0.join("cache"))
        .env("XDG_DATA_HOME", home.0.join("data"))
        .stdin(std::process::Stdio::null());
    for (k, v) in envs {
        command.env(k, v);
    }
    command.output().await.expect("pcx runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_print_hostile_text_inert_and_json_exact() {
    let pc = hostile::start().await;
    let home = TempDir::new("hostile-home");
    let base = ["--base-url", pc.base_url.as_str()];
    let (c0, u0) = (customer_id(0), user_id(0));
    let listings: Vec<Vec<&str>> = vec![
        vec!["customers", "-o", "table"],
        vec!["customers", "-o", "csv"],
        vec!["customers", "-o", "json"],
        vec!["users", &c0, "-o", "table"],
        vec!["users", &c0, "-o", "csv"],
        vec!["users", &c0, "-o", "json"],
        vec!["licenses", &c0, &u0, "-o", "table"],
        vec!["licenses", &c0, &u0, "-o", "csv"],
        vec!["licenses", &c0, &u0, "-o", "json"],
        vec!["skus", &c0, "-o", "table"],
        vec!["skus", &c0, "-o", "csv"],
        vec!["skus", &c0, "-o", "json"],
    ];
    for listing in listings {
        let args: Vec<&str> = base
            .iter()
            .copied()
            .chain(listing.iter().copied())
            .collect();
        let output = pcx(&args, &[], &home).await;
        let stdout = text(&output.stdout);
        assert!(
            output.status.success(),
            "{listing:?}: {}",
            text(&output.stderr)
        );
        let format = listing[listing.len() - 1];
        let lines = match format {
            "csv" => stdout.replace("\r\n", "\n"),
            _ => stdout.clone(),
        };
        assert_eq!(
            unsafe_chars(&lines),
            Vec::<char>::new(),
            "{listing:?} printed:\n{stdout}"
        );
        match format {
            "csv" => {
                for line in stdout.split("\r\n").filter(|l| !l.is_empty()) {
                    assert!(
                        !line.starts_with(['=', '+', '-', '@'])
                            && !line.contains(",=")
                            && !line.contains(",+")
                            && !line.contains(",-")
                            && !line.contains(",@")
                            && !line.contains(",\"="),
                        "{listing:?}: a formula cell in {line:?}"
                    );
                }
            }
            "json" => {
                let back: Vec<Value> = serde_json::from_str(&stdout).expect("valid JSON");
                let sent = match listing[0] {
                    "customers" => hostile::customers(),
                    "users" => hostile::users(),
                    "licenses" => hostile::licenses(),
                    _ => hostile::skus(),
                };
                assert_eq!(back, sent, "{listing:?}: exactly what the API sent");
                assert!(
                    stdout.contains(r"\u009b") || listing[0] != "customers",
                    "C1 controls escaped: {stdout}"
                );
            }
            _ => {}
        }
    }
    let csv = pcx(&[base[0], base[1], "skus", &c0, "-o", "csv"], &[], &home).await;
    let csv = text(&csv.stdout);
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\""),
        "{csv}"
    );
    assert!(csv.contains("'-VISIO"), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_error_text_reaches_stderr_and_the_log_inert() {
    let pc = hostile::start().await;
    let home = TempDir::new("hostile-log");
    let log = home.0.join("pcx.log");
    let log_arg = log.display().to_string();
    let denied = customer_id(DENIED_CUSTOMER);
    let output = pcx(
        &[
            "--log-file",
            &log_arg,
            "--base-url",
            &pc.base_url,
            "users",
            &denied,
        ],
        &[("PCX_LOG", "trace")],
        &home,
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let stderr = text(&output.stderr);
    println!("stderr: {stderr}");
    assert_eq!(unsafe_chars(&stderr), Vec::<char>::new(), "{stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(
        stderr.starts_with("pcx: cannot list users: no access (HTTP 403, code 900308: Denied"),
        "{stderr}"
    );
    assert!(stderr.contains("FAKE LOG LINE"), "kept, inert: {stderr}");
    assert!(stderr.contains("correlation id"), "{stderr}");

    let written = std::fs::read_to_string(&log).expect("the log file was written");
    assert!(
        written.contains("Denied"),
        "the failure is logged: {written}"
    );
    assert_eq!(unsafe_chars(&written), Vec::<char>::new(), "{written:?}");
    for line in written.lines() {
        assert!(!line.starts_with("FAKE"), "a forged log line: {line:?}");
    }
    assert!(!written.contains(TOKEN), "the token is never logged");
}
