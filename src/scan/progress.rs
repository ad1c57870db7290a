//! What a scan has done so far, as counters any thread can read: the CLI draws a progress bar
//! or prints a line from them, a test checks them. Knows nothing of how it is shown.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A customer that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub customer_id: String,
    pub company_name: Option<String>,
    pub reason: String,
}

/// Live counters of one scan.
#[derive(Debug)]
pub struct Progress {
    started: Instant,
    customers_total: AtomicU64,
    customers_done: AtomicU64,
    customers_skipped: AtomicU64,
    users_seen: AtomicU64,
    users_done: AtomicU64,
    requests: AtomicU64,
    throttled: AtomicU64,
    cap: AtomicU64,
    failures: Mutex<Vec<Failure>>,
}

/// A copy of the counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgressView {
    pub elapsed: Duration,
    pub customers_total: u64,
    pub customers_done: u64,
    /// Already complete in the snapshot being resumed.
    pub customers_skipped: u64,
    pub users_seen: u64,
    pub users_done: u64,
    pub requests: u64,
    pub throttled: u64,
    pub failures: u64,
    pub cap: u64,
}

impl ProgressView {
    /// What the snapshot records of the scan's traffic.
    pub fn counters(&self) -> crate::store::ScanCounters {
        crate::store::ScanCounters {
            requests: self.requests,
            throttled: self.throttled,
        }
    }
}

impl ProgressView {
    /// Time left, from the pace of customers done so far.
    pub fn eta(&self) -> Option<Duration> {
        let todo = self.customers_total.saturating_sub(self.customers_skipped);
        let done = self.customers_done.saturating_sub(self.customers_skipped);
        if done == 0 || todo <= done {
            return None;
        }
        Some(self.elapsed.mul_f64((todo - done) as f64 / done as f64))
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            customers_total: AtomicU64::new(0),
            customers_done: AtomicU64::new(0),
            customers_skipped: AtomicU64::new(0),
            users_seen: AtomicU64::new(0),
            users_done: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            cap: AtomicU64::new(0),
            failures: Mutex::new(Vec::new()),
        }
    }

    pub fn view(&self) -> ProgressView {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        ProgressView {
            elapsed: self.started.elapsed(),
            customers_total: get(&self.customers_total),
            customers_done: get(&self.customers_done),
            customers_skipped: get(&self.customers_skipped),
            users_seen: get(&self.users_seen),
            users_done: get(&self.users_done),
            requests: get(&self.requests),
            throttled: get(&self.throttled),
            failures: self.failures().len() as u64,
            cap: get(&self.cap),
        }
    }

    pub fn failures(&self) -> Vec<Failure> {
        match self.failures.lock() {
            Ok(list) => list.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn customers_listed(&self, n: u64, skipped: u64) {
        self.customers_total.fetch_add(n, Ordering::Relaxed);
        self.customers_skipped.fetch_add(skipped, Ordering::Relaxed);
        self.customers_done.fetch_add(skipped, Ordering::Relaxed);
    }

    pub(crate) fn customer_stored(&self) {
        self.customers_done.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn failed(&self, failure: Failure) {
        match self.failures.lock() {
            Ok(mut list) => list.push(failure),
            Err(poisoned) => poisoned.into_inner().push(failure),
        }
    }

    pub(crate) fn users_listed(&self, n: u64) {
        self.users_seen.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn user_done(&self) {
        self.users_done.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn throttle(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn set_cap(&self, cap: usize) {
        self.cap.store(cap as u64, Ordering::Relaxed);
    }
}
