//! How one call is made: the retry policy, the per-action context (correlation id, who hears
//! of retries) and the notice of a retry about to happen. Plain data shared by the client and
//! its HTTP helpers.

use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How hard the client tries before giving up.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Backoff before the first retry of a 5xx or transport error; doubles each time.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` pcx waits out by itself; longer ones end in `Throttled`.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// A retry the client is about to make, for the UI to show ("retrying in 12 s").
#[derive(Clone, Debug, PartialEq)]
pub struct RetryNotice {
    /// The attempt that will follow the wait (2 for the first retry).
    pub next_attempt: u32,
    /// Attempts at most, the first included.
    pub max_attempts: u32,
    pub wait: Duration,
    /// When the request gives up if no attempt succeeds (its deadline), from now.
    pub gives_up_in: Duration,
    /// Why: "throttled (HTTP 429)", "HTTP 503", "timeout", "connection dropped"; or what pcx
    /// waits for before it can send at all ("the token command") when `for_token` is set.
    pub reason: String,
    /// Not a retry: pcx is still waiting for a token (a slow token command, a renewal).
    pub for_token: bool,
}

pub type RetryObserver = Arc<dyn Fn(RetryNotice) + Send + Sync>;

/// Per user action: one correlation id for all its requests, and who to tell about retries.
#[derive(Clone)]
pub struct CallContext {
    pub correlation_id: Uuid,
    pub on_retry: Option<RetryObserver>,
}

impl CallContext {
    pub fn new() -> Self {
        Self {
            correlation_id: Uuid::new_v4(),
            on_retry: None,
        }
    }

    pub fn with_retry_observer(mut self, observer: RetryObserver) -> Self {
        self.on_retry = Some(observer);
        self
    }
}

impl Default for CallContext {
    fn default() -> Self {
        Self::new()
    }
}
