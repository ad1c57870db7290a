//! Runs the pcx binary on a pseudo-terminal, as a user's terminal would, and records every byte
//! it writes, so tests can check what reaches the terminal and how it is left afterwards.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct PtyChild {
    pub child: Child,
    master: OwnedFd,
    /// Kept open so the terminal settings can be read after the child exits.
    slave: OwnedFd,
    output: Arc<Mutex<Vec<u8>>>,
}

/// Opens a pseudo-terminal of the given size: (master, slave). Both close on exec, so no
/// child (of this test or of one running beside it) holds a master open: closing it must
/// hang the terminal up.
pub fn open_pty(cols: u16, rows: u16) -> (OwnedFd, OwnedFd) {
    let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC;
    // SAFETY: plain libc calls on fds we own; the name buffer is ours and NUL-terminated.
    unsafe {
        let master = libc::posix_openpt(flags);
        assert!(master >= 0, "posix_openpt failed");
        let master = OwnedFd::from_raw_fd(master);
        assert_eq!(libc::grantpt(master.as_raw_fd()), 0, "grantpt failed");
        assert_eq!(libc::unlockpt(master.as_raw_fd()), 0, "unlockpt failed");
        let mut name = [0 as libc::c_char; 128];
        assert_eq!(
            libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()),
            0,
            "ptsname_r failed"
        );
        let slave = libc::open(name.as_ptr(), flags);
        assert!(slave >= 0, "cannot open the pty's slave");
        let slave = OwnedFd::from_raw_fd(slave);
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        assert_eq!(libc::ioctl(slave.as_raw_fd(), libc::TIOCSWINSZ, &size), 0);
        (master, slave)
    }
}

/// Copies everything written to the terminal whose master is `master` into the returned
/// buffer, on a thread of its own, until the terminal closes or `stop` is set; the thread
/// drops its copy of the master when it ends.
pub fn record(
    master: OwnedFd,
    stop: Arc<AtomicBool>,
) -> (Arc<Mutex<Vec<u8>>>, std::thread::JoinHandle<()>) {
    let output = Arc::new(Mutex::new(Vec::new()));
    let sink = output.clone();
    let thread = std::thread::spawn(move || {
        let mut reader = std::fs::File::from(master);
        let mut buf = [0u8; 8192];
        while !stop.load(Ordering::SeqCst) {
            let mut poll = libc::pollfd {
                fd: reader.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: polling one fd we own, with a struct we own.
            let ready = unsafe { libc::poll(&mut poll, 1, 20) };
            let interrupted =
                || std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted;
            if ready == 0 || (ready < 0 && interrupted()) {
                continue;
            }
            if ready < 0 {
                break;
            }
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink.lock().unwrap().extend_from_slice(&buf[..n]),
            }
        }
    });
    (output, thread)
}

impl PtyChild {
    /// Starts `pcx ARGS` on a new pseudo-terminal of the given size, in its own session.
    pub fn spawn(args: &[&str], envs: &[(&str, &str)], cols: u16, rows: u16) -> PtyChild {
        Self::spawn_with(args, envs, cols, rows, None, None)
    }

    /// Like `spawn`, with stdout and stderr elsewhere when given (stdin stays the terminal,
    /// which is the controlling terminal either way).
    pub fn spawn_with(
        args: &[&str],
        envs: &[(&str, &str)],
        cols: u16,
        rows: u16,
        stdout: Option<Stdio>,
        stderr: Option<Stdio>,
    ) -> PtyChild {
        let (master, slave) = open_pty(cols, rows);
        let stdio = || Stdio::from(slave.try_clone().expect("dup pty"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_pcx"));
        command
            .args(args)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .env_remove("TMUX")
            .stdin(stdio())
            .stdout(stdout.unwrap_or_else(stdio))
            .stderr(stderr.unwrap_or_else(stdio));
        for (k, v) in envs {
            command.env(k, v);
        }
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("spawn pcx");
        let (output, _) = record(
            master.try_clone().expect("dup master"),
            Arc::new(AtomicBool::new(false)),
        );
        PtyChild {
            child,
            master,
            slave,
            output,
        }
    }

    pub fn output(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    pub fn screen_text(&self) -> String {
        String::from_utf8_lossy(&self.output()).into_owned()
    }

    /// Waits until `check` holds on the output so far; false after `limit`.
    pub fn wait_for(&self, limit: Duration, check: impl Fn(&[u8]) -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if check(&self.output()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Types bytes as the user would.
    pub fn send(&self, bytes: &[u8]) {
        // SAFETY: writing a buffer we own to an fd we own.
        let n = unsafe { libc::write(self.master.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        assert_eq!(n, bytes.len() as isize);
    }

    pub fn signal(&self, signal: i32) {
        // SAFETY: plain kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, signal) };
    }

    /// Waits for the child to exit (up to `limit`), returning its status.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }

    /// Whether the terminal is back in cooked mode with echo (as a shell expects it).
    pub fn terminal_is_cooked(&self) -> bool {
        // SAFETY: tcgetattr fills a termios struct we own.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::tcgetattr(self.slave.as_raw_fd(), &mut t) };
        rc == 0 && t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }
}

impl Drop for PtyChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
