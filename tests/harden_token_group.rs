//! A hung token command is never left running: pcx starts it in a process
//! group of its own and ends the whole group — the shell and what it started — when the
//! command times out and when pcx exits; meanwhile the pane says pcx waits for the command.

mod common;

use common::TempDir;
use common::pty::PtyChild;
use pcx::api::TokenProvider;
use std::path::Path;
use std::time::{Duration, Instant};

/// A guard against a hang, not a synchronisation: every wait is on a condition.
const LIMIT: Duration = Duration::from_secs(20);

/// A command that records its process group and the pid of the `sleep` it starts, then hangs.
fn hung_command(dir: &Path) -> String {
    let d = dir.display();
    format!("echo $$ > {d}/group; sleep 600 & echo $! > {d}/sleep; wait")
}

fn pid_in(path: &Path) -> Option<i32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Running and not a zombie (a container's init may be slow to reap).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

/// The pid of the `sleep` the hung command started in `dir`.
fn started_sleep(dir: &TempDir) -> i32 {
    pid_in(&dir.file("sleep")).expect("the command started its sleep")
}

/// Asserts the hung command's `sleep` ends (soon) after `what`.
fn assert_ends(sleep: i32, what: &str) {
    assert!(
        wait_until(LIMIT, || !alive(sleep)),
        "the token command's sleep ({sleep}) kept running after {what}"
    );
}

fn wait_until(limit: Duration, check: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[tokio::test]
async fn a_timed_out_token_command_is_ended_with_all_it_started() {
    let dir = TempDir::new("token-group-timeout");
    let provider = pcx::auth::CommandToken::new(hung_command(&dir.0))
        .with_timeout(Duration::from_millis(1500));
    let error = provider.token(false).await.expect_err("the command hangs");
    assert!(error.to_string().contains("pcx ended it"), "{error}");
    let sleep = started_sleep(&dir);
    assert_ends(sleep, "the timeout");
}

#[test]
fn quitting_the_explorer_ends_a_token_command_still_running() {
    let dir = TempDir::new("token-group-exit");
    let h = dir.0.display().to_string();
    let command = hung_command(&dir.0);
    let envs = [
        ("HOME", h.as_str()),
        ("XDG_CONFIG_HOME", &format!("{h}/config")),
        ("XDG_CACHE_HOME", &format!("{h}/cache")),
        ("PCX_ACCESS_TOKEN", ""),
    ];
    let envs: Vec<(&str, &str)> = envs.iter().map(|(k, v)| (*k, *v)).collect();
    let args = [
        "--base-url",
        "http://127.0.0.1:9",
        "--token-command",
        command.as_str(),
    ];
    let mut pty = PtyChild::spawn(&args, &envs, 120, 40);
    assert!(
        pty.wait_for(LIMIT, |out| {
            String::from_utf8_lossy(out).contains("waiting for the token command to give a token")
        }),
        "the pane did not say what pcx waits for: {}",
        pty.screen_text()
    );
    let sleep = started_sleep(&dir);
    assert!(alive(sleep));
    pty.send(b"q");
    assert!(pty.wait_exit(LIMIT).is_some(), "pcx did not quit");
    assert_ends(sleep, "pcx quit");
}

#[test]
fn sigterm_to_a_listing_ends_its_token_command() {
    let dir = TempDir::new("token-group-term");
    let h = dir.0.display().to_string();
    let mut pcx = std::process::Command::new(env!("CARGO_BIN_EXE_pcx"))
        .args(["--base-url", "http://127.0.0.1:9", "--token-command"])
        .arg(hung_command(&dir.0))
        .args(["customers", "-o", "json"])
        .env("HOME", &h)
        .env("XDG_CONFIG_HOME", format!("{h}/config"))
        .env("XDG_CACHE_HOME", format!("{h}/cache"))
        .env_remove("PCX_ACCESS_TOKEN")
        .env_remove("PCX_TOKEN_COMMAND")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_until(LIMIT, || pid_in(&dir.0.join("sleep")).is_some()));
    let sleep = pid_in(&dir.0.join("sleep")).unwrap();
    // SAFETY: plain kill(2) on our own child.
    unsafe { libc::kill(pcx.id() as i32, libc::SIGTERM) };
    let status = pcx.wait().unwrap();
    assert_eq!(status.code(), Some(143), "{status:?}");
    assert_ends(sleep, "SIGTERM");
}
