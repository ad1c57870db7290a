//! The terminal is sacred: `pcx --demo` on a real pseudo-terminal, left by `q`, SIGTERM, SIGHUP
//! (the SSH connection dropped), and an error that ends the explorer (its screen went away);
//! each time the alternate screen is left, the cursor shown and the terminal back in cooked
//! mode with echo. Started without a terminal it says so and touches nothing. (A panic on the
//! explorer's thread restores through the same guard; `app::terminal`'s unit tests prove the
//! panic hook in process.)

mod common;

use common::TempDir;
use common::pty::{PtyChild, open_pty, record};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A guard against a hang, not a synchronisation: every wait is on a condition.
const LIMIT: Duration = Duration::from_secs(20);

const ENTER_ALT: &[u8] = b"\x1b[?1049h";
const LEAVE_ALT: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The environment of a user with no configuration and no sign-in.
fn env(home: &TempDir) -> Vec<(String, String)> {
    let h = home.0.display().to_string();
    vec![
        ("HOME".into(), h.clone()),
        ("XDG_CONFIG_HOME".into(), format!("{h}/config")),
        ("XDG_CACHE_HOME".into(), format!("{h}/cache")),
        ("XDG_DATA_HOME".into(), format!("{h}/data")),
        ("PCX_ACCESS_TOKEN".into(), String::new()),
    ]
}

fn spawn_demo(home: &TempDir, stdout: Option<Stdio>, stderr: Option<Stdio>) -> PtyChild {
    let env = env(home);
    let envs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    PtyChild::spawn_with(&["--demo"], &envs, 120, 40, stdout, stderr)
}

fn customers_drawn(out: &[u8]) -> bool {
    find(out, b"Contoso").is_some() && find(out, b" of ").is_some()
}

/// Waits for the explorer's customers on the terminal and checks it took the terminal over.
fn wait_for_customers(pty: &PtyChild) {
    assert!(
        pty.wait_for(LIMIT, customers_drawn),
        "no customers screen: {:?}",
        pty.screen_text()
    );
    assert!(
        !pty.terminal_is_cooked(),
        "raw mode while the explorer runs"
    );
}

/// After the last time the alternate screen was entered, it was left and the cursor shown.
fn assert_restored(pty: &PtyChild) {
    let out = pty.output();
    let entered = rfind(&out, ENTER_ALT).expect("the explorer used the alternate screen");
    let tail = &out[entered..];
    assert!(find(tail, LEAVE_ALT).is_some(), "left the alternate screen");
    assert!(find(tail, SHOW_CURSOR).is_some(), "showed the cursor");
    assert!(pty.terminal_is_cooked(), "cooked mode with echo again");
}

fn quits_restored(how: impl FnOnce(&PtyChild)) -> std::process::ExitStatus {
    let home = TempDir::new("pty-home");
    let mut pty = spawn_demo(&home, None, None);
    wait_for_customers(&pty);
    how(&pty);
    let status = pty.wait_exit(LIMIT).expect("pcx exited");
    // The reader may still be copying the last bytes: wait for the restore to arrive.
    pty.wait_for(LIMIT, |out| {
        rfind(out, ENTER_ALT).is_some_and(|at| find(&out[at..], SHOW_CURSOR).is_some())
    });
    assert_restored(&pty);
    status
}

/// This terminal never answers queries, like some minimal terminals and links too slow to
/// answer within crossterm's 2 s: the explorer must not need an answer to start.
#[test]
fn q_quits_with_status_0_and_the_terminal_restored() {
    let status = quits_restored(|pty| {
        assert!(find(&pty.output(), b"\x1b[6n").is_none(), "no cursor query");
        pty.send(b"q")
    });
    assert_eq!(status.code(), Some(0));
}

#[test]
fn sigterm_restores_the_terminal() {
    let status = quits_restored(|pty| pty.signal(libc::SIGTERM));
    assert_eq!(status.code(), Some(0), "handled, not killed: {status:?}");
}

#[test]
fn sighup_from_a_dropped_ssh_connection_restores_the_terminal() {
    let status = quits_restored(|pty| pty.signal(libc::SIGHUP));
    assert_eq!(status.code(), Some(0), "handled, not killed: {status:?}");
}

/// A real error path: the explorer draws on a screen (its stdout) that goes away while the
/// keyboard's terminal stays. The next frame fails to write, the explorer ends with an
/// error, the keyboard's terminal is back in cooked mode and the error is reported.
#[test]
fn an_error_that_ends_the_explorer_restores_the_terminal() {
    let home = TempDir::new("pty-home");
    let (screen_master, screen_slave) = open_pty(120, 40);
    let stop = Arc::new(AtomicBool::new(false));
    let (screen, recorder) = record(screen_master, stop.clone());
    let mut pty = spawn_demo(&home, Some(Stdio::from(screen_slave)), Some(Stdio::piped()));
    let start = std::time::Instant::now();
    while !customers_drawn(&screen.lock().unwrap()) {
        assert!(start.elapsed() < LIMIT, "no customers screen");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !pty.terminal_is_cooked(),
        "raw mode on the keyboard's terminal"
    );
    // The screen's terminal hangs up: its only master closes with the recorder.
    stop.store(true, Ordering::SeqCst);
    recorder.join().unwrap();
    pty.send(b"j");
    let status = pty.wait_exit(LIMIT).expect("pcx ended");
    let mut stderr = String::new();
    if let Some(mut err) = pty.child.stderr.take() {
        use std::io::Read;
        let _ = err.read_to_string(&mut stderr);
    }
    assert_eq!(status.code(), Some(1), "an error: {stderr:?}");
    // ratatui's own line about the cursor it could not show may come first.
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("pcx: terminal error: Input/output error"),
        "{stderr:?}"
    );
    assert!(stderr.lines().count() <= 2, "{stderr:?}");
    assert!(pty.terminal_is_cooked(), "cooked mode with echo again");
}

/// Without a terminal for its screen, the explorer refuses before touching anything.
#[test]
fn without_a_terminal_the_explorer_says_so_and_touches_nothing() {
    let home = TempDir::new("pty-home");
    let file = home.0.join("stdout.txt");
    let stdout = std::fs::File::create(&file).unwrap();
    let mut pty = spawn_demo(&home, Some(Stdio::from(stdout)), Some(Stdio::piped()));
    let status = pty.wait_exit(LIMIT).expect("pcx ended");
    let mut stderr = String::new();
    if let Some(mut err) = pty.child.stderr.take() {
        use std::io::Read;
        let _ = err.read_to_string(&mut stderr);
    }
    assert_eq!(status.code(), Some(1));
    assert!(
        stderr.contains("the explorer needs a terminal; for scripts use a listing command"),
        "{stderr:?}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"", "nothing on stdout");
    assert!(find(&pty.output(), ENTER_ALT).is_none());
    assert!(pty.terminal_is_cooked());
}
