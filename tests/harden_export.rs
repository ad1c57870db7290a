//! Nothing lost: an export goes to a temporary file that is then linked to a free name, so it
//! never overwrites a file, always reports the path it wrote, and a failed write leaves no
//! partial file behind; the explorer says why an export failed and goes on.

mod common;

use common::{
    Seen, Step, TempDir, explore_in, flat, quick_client, shows, status_bar, status_shows, step,
};
use pcx::app::effects::write_export;
use pcx::app::msg::ExportJob;
use pcx::sandbox::{Sandbox, SandboxConfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::{Arc, Mutex};

fn job(rows: usize) -> ExportJob {
    ExportJob {
        view: "users".into(),
        header: vec!["Name".into(), "Note".into()],
        rows: (0..rows)
            .map(|i| vec![format!("User {i}"), "=1+1".into()])
            .collect(),
        noun: "users".into(),
        total: rows,
    }
}

/// The explorer at 200×30 on `sandbox`, exporting into `dir`.
async fn explore_exporting(sandbox: &Sandbox, dir: &std::path::Path, steps: Vec<Step<'_>>) -> Seen {
    let mut terminal = Terminal::new(TestBackend::new(200, 30)).unwrap();
    let api = quick_client(&sandbox.base_url(), pcx::sandbox::DEMO_TOKEN);
    explore_in(&mut terminal, api, dir, steps).await
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = TempDir::new("export-keep");
    let taken = dir.0.join("pcx-users-20250101-000000.csv");
    std::fs::write(&taken, "KEEP").unwrap();
    std::fs::write(dir.0.join("pcx-users-20250101-000000-1.csv"), "KEEP TOO").unwrap();
    let written = write_export(&dir.0, &job(3), "20250101-000000").unwrap();
    assert_eq!(written, dir.0.join("pcx-users-20250101-000000-2.csv"));
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "KEEP");
    assert!(
        std::fs::read_to_string(&written)
            .unwrap()
            .starts_with("Name,Note\r\nUser 0,'=1+1\r\n")
    );
    assert_eq!(
        dir.files(),
        [
            "pcx-users-20250101-000000-1.csv",
            "pcx-users-20250101-000000-2.csv",
            "pcx-users-20250101-000000.csv",
        ],
        "no temporary file left"
    );
}

/// Runs as a child process (see the next test) with a 4 KiB file size limit: the export's
/// write fails half way, as on a full disk.
#[test]
fn child_export_under_a_file_size_limit() {
    let Some(dir) = std::env::var_os("PCX_TEST_EXPORT_CHILD_DIR") else {
        return; // only meaningful as the child of the test below
    };
    let limit = libc::rlimit {
        rlim_cur: 4096,
        rlim_max: 4096,
    };
    // SAFETY: plain libc calls that change only this (child) process.
    unsafe {
        // Past the limit a write fails with EFBIG instead of killing the process.
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &limit), 0);
    }
    let error = write_export(std::path::Path::new(&dir), &job(5000), "20250101-000000")
        .expect_err("the write cannot complete");
    println!("EXPORT ERROR: {error}");
}

#[test]
fn a_failed_write_leaves_no_partial_file_and_says_why() {
    let dir = TempDir::new("export-full");
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_export_under_a_file_size_limit",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("PCX_TEST_EXPORT_CHILD_DIR", &dir.0)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "{out}");
    let said = out
        .lines()
        .find_map(|l| l.split_once("EXPORT ERROR: ").map(|(_, said)| said))
        .unwrap_or_else(|| panic!("the child reported: {out}"));
    assert!(
        said.starts_with(&format!("cannot write in {}: ", dir.0.display())),
        "{said}"
    );
    assert!(said.contains("File too large"), "{said}");
    assert_eq!(
        dir.files(),
        Vec::<String>::new(),
        "no partial file, no temp file"
    );
}

/// In the explorer: an export to a place that cannot be written says why and writes nothing;
/// two exports of the same view write two files, each named in the status bar.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_reports_each_export_and_each_failure() {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;

    // A file stands where the export directory should be: not writable even for root.
    let home = TempDir::new("export-ui");
    let blocked = home.0.join("not-a-directory");
    std::fs::write(&blocked, "").unwrap();
    let steps = vec![
        step("customers", shows(&["Contoso", " of "]), "e"),
        step("the failure", status_shows("export failed"), "jq"),
    ];
    let seen = explore_exporting(&sandbox, &blocked, steps).await;
    let bar = status_bar(&seen.matched[1]);
    assert!(
        bar.contains(&format!(
            "export failed: cannot write in {}: Not a directory",
            blocked.display()
        )),
        "{bar}"
    );
    assert!(seen.model.quit, "the explorer went on (j) and quit (q)");
    assert_eq!(home.files(), ["not-a-directory"], "nothing written");

    // Twice into a good directory.
    let dir = TempDir::new("export-ui-ok");
    let reported = Arc::new(Mutex::new(Vec::<String>::new()));
    let (first, second) = (reported.clone(), reported.clone());
    let steps = vec![
        step("customers", shows(&["Contoso", " of "]), "e"),
        step("the first export", status_shows("exported "), "je")
            .then(move |_, s| first.lock().unwrap().push(flat(status_bar(s)))),
        step(
            "the second export",
            |m, s| m.top().selected == 1 && status_bar(s).contains("exported "),
            "q",
        )
        .then(move |_, s| second.lock().unwrap().push(flat(status_bar(s)))),
    ];
    explore_exporting(&sandbox, dir.path(), steps).await;
    let files = dir.files();
    assert_eq!(files.len(), 2, "two exports, two files: {files:?}");
    let reported = reported.lock().unwrap().clone();
    for (file, said) in files.iter().zip(&reported) {
        // The file's name, then its absolute directory.
        let (name, parent) = (file.to_string(), dir.0.display().to_string());
        assert!(
            reported
                .iter()
                .any(|r| r.contains(&format!("{name} in {parent}"))),
            "{name} in {parent} reported in {reported:?}"
        );
        assert!(said.contains(&dir.0.display().to_string()), "{said}");
        assert!(
            std::fs::read_to_string(dir.0.join(file))
                .unwrap()
                .starts_with("Company,"),
            "{file}"
        );
    }
}
