//! Runs the pcx binary on a pseudo-terminal, as a user's terminal would, and records every byte
//! it writes, so tests can check what reaches the terminal and how it is left afterwards.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct PtyChild {
    pub child: Child,
    master: OwnedFd,
    /// Kept open so the terminal settings can be read after the child exits.
    slave: OwnedFd,
    output: Arc<Mutex<Vec<u8>>>,
}

impl PtyChild {
    /// Starts `pcx ARGS` on a new pseudo-terminal of the given size, in its own session.
    pub fn spawn(args: &[&str], envs: &[(&str, &str)], cols: u16, rows: u16) -> PtyChild {
        let mut master = -1;
        let mut slave = -1;
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty fills two fds we own from here on.
        let rc = unsafe {
            libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size)
        };
        assert_eq!(rc, 0, "openpty failed");
        // SAFETY: both fds were just opened and are not owned elsewhere.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let stdio = || Stdio::from(slave.try_clone().expect("dup pty"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_pcx"));
        command
            .args(args)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .env_remove("TMUX")
            .stdin(stdio())
            .stdout(stdio())
            .stderr(stdio());
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
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        let mut reader = std::fs::File::from(master.try_clone().expect("dup master"));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
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
