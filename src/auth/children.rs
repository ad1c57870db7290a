//! The process groups of token commands still running, so pcx can end each one whole (the
//! shell and everything it started) when the command times out and when pcx exits, instead of
//! leaving `az` or a hung script orphaned. Knows nothing of tokens or of what the command prints.

use std::sync::Mutex;

/// Process group ids of running token commands.
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// A running command's process group (the command leads it: its pid is the group id).
/// Registered while alive; dropping it forgets it without killing.
pub struct Group(u32);

impl Group {
    pub fn new(pgid: u32) -> Self {
        with_groups(|groups| groups.push(pgid));
        Self(pgid)
    }

    /// Ends every process of the group.
    pub fn kill(&self) {
        kill_group(self.0);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = self.0;
        with_groups(|groups| groups.retain(|g| *g != pgid));
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
