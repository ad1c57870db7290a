//! The scan's scheduler: a concurrency cap that halves when Partner Center throttles and grows
//! back one step per window of clean answers; a per-tenant budget (requests a minute) and a
//! per-tenant pause after `Retry-After`, so a throttled customer waits while others go on.
//! Pure coordination: it never talks HTTP itself.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, SemaphorePermit};

const WINDOW: Duration = Duration::from_secs(60);
/// Several answers of one burst come back throttled together: one cut per burst.
const MIN_CUT_INTERVAL: Duration = Duration::from_secs(1);

/// An adaptive cap on requests in flight.
pub struct AdaptiveCap {
    semaphore: Semaphore,
    state: Mutex<CapState>,
}

struct CapState {
    cap: usize,
    max: usize,
    /// Permits to retire as they come back, after a cut.
    debt: usize,
    /// Clean answers since the cap last changed.
    clean: usize,
    last_cut: Option<Instant>,
}

/// A slot in flight; returning it may retire it when the cap was cut.
pub struct CapPermit<'a> {
    permit: Option<SemaphorePermit<'a>>,
    cap: &'a AdaptiveCap,
}

impl Drop for CapPermit<'_> {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        let mut state = lock(&self.cap.state);
        if state.debt > 0 {
            state.debt -= 1;
            permit.forget();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl AdaptiveCap {
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            semaphore: Semaphore::new(max),
            state: Mutex::new(CapState {
                cap: max,
                max,
                debt: 0,
                clean: 0,
                last_cut: None,
            }),
        }
    }

    pub fn current(&self) -> usize {
        lock(&self.state).cap
    }

    pub async fn acquire(&self) -> CapPermit<'_> {
        // The semaphore is never closed, so acquiring cannot fail; a closed one would let
        // the request through rather than hang.
        CapPermit {
            permit: self.semaphore.acquire().await.ok(),
            cap: self,
        }
    }

    /// Throttled: halve (at most once per burst), never below one.
    pub fn throttled(&self) {
        let mut state = lock(&self.state);
        let now = Instant::now();
        if state
            .last_cut
            .is_some_and(|t| now.duration_since(t) < MIN_CUT_INTERVAL)
        {
            return;
        }
        let new = (state.cap / 2).max(1);
        let cut = state.cap - new;
        // Free slots go at once; slots in flight retire as they come back.
        let gone = self.semaphore.forget_permits(cut);
        state.debt += cut - gone;
        state.cap = new;
        state.clean = 0;
        state.last_cut = Some(now);
    }

    /// A clean answer: after as many clean answers as the cap, one more slot.
    pub fn clean(&self) {
        let mut state = lock(&self.state);
        state.clean += 1;
        if state.clean < state.cap || state.cap >= state.max {
            return;
        }
        state.clean = 0;
        state.cap += 1;
        if state.debt > 0 {
            state.debt -= 1;
        } else {
            self.semaphore.add_permits(1);
        }
    }
}

/// Per tenant: a sliding one-minute window of requests, and a pause after `Retry-After`.
pub struct TenantBudget {
    per_minute: usize,
    tenants: Mutex<HashMap<String, Tenant>>,
}

#[derive(Default)]
struct Tenant {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl TenantBudget {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1) as usize,
            tenants: Mutex::new(HashMap::new()),
        }
    }

    /// How long to wait before a request to `tenant` may go; `None` admits it now (and counts it).
    pub fn admit(&self, tenant: &str, now: Instant) -> Option<Duration> {
        let mut tenants = lock(&self.tenants);
        let t = tenants.entry(tenant.to_string()).or_default();
        if let Some(until) = t.paused_until {
            if until > now {
                return Some(until - now);
            }
            t.paused_until = None;
        }
        while t
            .sent
            .front()
            .is_some_and(|s| now.duration_since(*s) >= WINDOW)
        {
            t.sent.pop_front();
        }
        if t.sent.len() < self.per_minute {
            t.sent.push_back(now);
            return None;
        }
        let frees = t.sent.front().map_or(now + WINDOW, |s| *s + WINDOW);
        Some(
            frees
                .saturating_duration_since(now)
                .max(Duration::from_millis(1)),
        )
    }

    /// A retry the client makes by itself still counts against the budget.
    pub fn count(&self, tenant: &str) {
        let mut tenants = lock(&self.tenants);
        tenants
            .entry(tenant.to_string())
            .or_default()
            .sent
            .push_back(Instant::now());
    }

    /// Partner Center said to wait: nothing more goes to this tenant until then.
    pub fn pause(&self, tenant: &str, wait: Duration) {
        let until = Instant::now() + wait;
        let mut tenants = lock(&self.tenants);
        let t = tenants.entry(tenant.to_string()).or_default();
        t.paused_until = Some(t.paused_until.map_or(until, |u| u.max(until)));
    }

    /// The customer is finished: its window no longer needs memory.
    pub fn forget(&self, tenant: &str) {
        lock(&self.tenants).remove(tenant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_cap_halves_on_throttling_and_grows_back() {
        let cap = AdaptiveCap::new(8);
        cap.throttled();
        assert_eq!(cap.current(), 4);
        // A second 429 of the same burst does not cut again.
        cap.throttled();
        assert_eq!(cap.current(), 4);
        // While four are in flight, a fifth waits.
        let held: Vec<_> = futures_hold(&cap, 4).await;
        assert_eq!(cap.semaphore.available_permits(), 0);
        drop(held);
        assert_eq!(cap.semaphore.available_permits(), 4);
        for _ in 0..4 {
            cap.clean();
        }
        assert_eq!(cap.current(), 5);
        assert_eq!(cap.semaphore.available_permits(), 5);
        for _ in 0..100 {
            cap.clean();
        }
        assert_eq!(cap.current(), 8);
        assert_eq!(cap.semaphore.available_permits(), 8);
    }

    async fn futures_hold(cap: &AdaptiveCap, n: usize) -> Vec<CapPermit<'_>> {
        let mut held = Vec::new();
        for _ in 0..n {
            held.push(cap.acquire().await);
        }
        held
    }

    #[test]
    fn the_budget_is_per_tenant_and_a_pause_holds_only_that_tenant() {
        let budget = TenantBudget::new(2);
        let t0 = Instant::now();
        assert_eq!(budget.admit("a", t0), None);
        assert_eq!(budget.admit("a", t0), None);
        let wait = budget.admit("a", t0 + Duration::from_secs(10));
        assert_eq!(wait, Some(Duration::from_secs(50)));
        assert_eq!(budget.admit("b", t0), None);
        assert_eq!(budget.admit("a", t0 + WINDOW), None);
        budget.pause("b", Duration::from_secs(30));
        assert!(budget.admit("b", Instant::now()).is_some());
        assert_eq!(budget.admit("c", Instant::now()), None);
    }
}
