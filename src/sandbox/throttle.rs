//! Per-tenant request quotas, like Partner Center's "N requests per minute per tenant": a
//! sliding one-minute window per tenant; beyond the quota, the seconds until a slot frees.

use super::locked;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

pub(crate) struct RateLimiter {
    per_minute: u32,
    log: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub(crate) fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            log: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Admits a request for `tenant` now, or says how many seconds to wait (at least 1).
    pub(crate) fn admit(&self, tenant: &str) -> Result<(), u64> {
        self.admit_at(tenant, Instant::now())
    }

    fn admit_at(&self, tenant: &str, now: Instant) -> Result<(), u64> {
        let mut log = locked(&self.log);
        let times = log.entry(tenant.to_string()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        if (times.len() as u64) < u64::from(self.per_minute) {
            times.push_back(now);
            return Ok(());
        }
        let frees_at = times.front().map_or(now + WINDOW, |t| *t + WINDOW);
        let wait = frees_at.saturating_duration_since(now);
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Err(secs.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_is_per_tenant_and_frees_after_a_minute() {
        let limiter = RateLimiter::new(2);
        let t0 = Instant::now();
        assert_eq!(limiter.admit_at("a", t0), Ok(()));
        assert_eq!(limiter.admit_at("a", t0 + Duration::from_secs(10)), Ok(()));
        assert_eq!(limiter.admit_at("a", t0 + Duration::from_secs(20)), Err(40));
        assert_eq!(limiter.admit_at("b", t0 + Duration::from_secs(20)), Ok(()));
        assert_eq!(
            limiter.admit_at("a", t0 + Duration::from_millis(59_500)),
            Err(1)
        );
        assert_eq!(limiter.admit_at("a", t0 + Duration::from_secs(60)), Ok(()));
        let none = RateLimiter::new(0);
        assert_eq!(none.admit_at("a", t0), Err(60));
    }
}
