//! The process groups of token commands still running, so pcx can end each one whole (the
//! shell and everything it started) when the command times out and when pcx exits, instead of
//! leaving `az` or a hung script orphaned. Knows nothing of tokens or of what the command prints.

use std::sync::Mutex;

/// Process group ids of running token commands.
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// A running command's process group (the command leads it: its pid is the group id).
/// Registered while the command runs. Dropped before `finished` (the wait was abandoned: a
/// timeout, or pcx stopping), it ends the group: the shell's children outlive the shell.
pub struct Group {
    pgid: u32,
    running: bool,
}

impl Group {
    pub fn new(pgid: u32) -> Self {
        with_groups(|groups| groups.push(pgid));
        Self {
            pgid,
            running: true,
        }
    }

    /// The command ended by itself: nothing to kill.
    pub fn finished(mut self) {
        self.running = false;
    }

    /// Ends every process of the group.
    pub fn kill(&self) {
        kill_group(self.pgid);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = self.pgid;
        with_groups(|groups| groups.retain(|g| *g != pgid));
        if self.running {
            kill_group(pgid);
        }
    }
}

fn with_groups(f: impl FnOnce(&mut Vec<u32>)) {
    match GROUPS.lock() {
        Ok(mut groups) => f(&mut groups),
        Err(poisoned) => f(&mut poisoned.into_inner()),
    }
}

/// Ends every token command still running (pcx is exiting).
pub fn kill_all() {
    let groups = match GROUPS.lock() {
        Ok(mut groups) => std::mem::take(&mut *groups),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for pgid in groups {
        kill_group(pgid);
    }
}

#[cfg(unix)]
fn kill_group(pgid: u32) {
    let Ok(pgid) = i32::try_from(pgid) else {
        return;
    };
    if pgid <= 1 {
        return;
    }
    // SAFETY: kill(2) with a negative pid signals that process group; it touches no memory.
    // The group is one pcx created for the command (process_group(0)), never pcx's own.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pgid: u32) {}
