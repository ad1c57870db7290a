//! Injected faults: which API request fails (a seeded decision per request) and how the failure
//! looks on the wire. A safe fault has no side effect, so a retry gets exactly the same page.

use super::config::{FaultConfig, FaultKind};
use super::hash::mix;
use super::reply::{JSON_UTF8, Reply};
use axum::body::{Body, Bytes, HttpBody};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION};
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::watch;

/// Size of the `Huge` body: far beyond any real page.
const HUGE_BYTES: u64 = 64 * 1024 * 1024;
/// How long a `Stall` keeps the client waiting.
const STALL: Duration = Duration::from_secs(600);
/// Where a `Redirect` points: TEST-NET-3, never a real host.
const FOREIGN_HOST: &str = "http://203.0.113.9";

/// The current fault settings and the request counter that drives the seeded decisions.
pub(crate) struct Faults {
    config: RwLock<FaultConfig>,
    counter: AtomicU64,
    /// Faults given since the config was set (for `FaultConfig::times`).
    spent: AtomicU64,
}

/// A decision for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fault {
    pub kind: FaultKind,
    pub retry_after_secs: u64,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        Self {
            config: RwLock::new(config),
            counter: AtomicU64::new(0),
            spent: AtomicU64::new(0),
        }
    }

    pub(crate) fn set(&self, config: FaultConfig) {
        self.spent.store(0, Ordering::Relaxed);
        match self.config.write() {
            Ok(mut guard) => *guard = config,
            Err(poisoned) => *poisoned.into_inner() = config,
        }
    }

    pub(crate) fn current(&self) -> Option<FaultConfig> {
        self.config.read().ok().map(|c| c.clone())
    }

    /// Whether the next request (to `path`) fails, and how. The n-th request's fate depends
    /// only on the seed and n.
    pub(crate) fn decide(&self, path: &str) -> Option<Fault> {
        let config = match self.config.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if config.rate <= 0.0 || config.kinds.is_empty() {
            return None;
        }
        if config.path.as_deref().is_some_and(|p| !path.contains(p)) {
            return None;
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let h = mix(&[config.seed, n, 0xFA17]);
        let draw = (h >> 11) as f64 / (1u64 << 53) as f64;
        if draw >= config.rate {
            return None;
        }
        if let Some(limit) = config.times
            && self.spent.fetch_add(1, Ordering::Relaxed) >= limit
        {
            return None;
        }
        let pick = (mix(&[h]) % config.kinds.len() as u64) as usize;
        Some(Fault {
            kind: config.kinds[pick],
            retry_after_secs: config.retry_after_secs,
        })
    }
}

impl Fault {
    /// Faults that replace the answer outright (the request is not served at all).
    pub(crate) fn replaces_answer(&self) -> bool {
        !matches!(self.kind, FaultKind::Drop | FaultKind::Truncate)
    }

    /// The failing answer for a fault that replaces the answer.
    pub(crate) async fn answer(
        &self,
        path_and_query: &str,
        mut shutdown: watch::Receiver<bool>,
    ) -> Response {
        match self.kind {
            FaultKind::Throttle => Reply::throttled(self.retry_after_secs).into_response(),
            FaultKind::ServerError => Reply::fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                0,
                "An unexpected error occurred while processing the request. Please retry.",
            )
            .into_response(),
            FaultKind::RequestTimeout => Reply::fault(
                StatusCode::REQUEST_TIMEOUT,
                0,
                "The request timed out on the server. Please retry.",
            )
            .into_response(),
            FaultKind::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                [(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))],
                "<!DOCTYPE html><html><head><title>Service Unavailable</title></head>\
                 <body><h2>Service Unavailable</h2><p>The service is temporarily unavailable.</p></body></html>",
            )
                .into_response(),
            FaultKind::Redirect => {
                let target = format!("{FOREIGN_HOST}{path_and_query}");
                let location = HeaderValue::from_str(&target).unwrap_or(HeaderValue::from_static(FOREIGN_HOST));
                (StatusCode::FOUND, [(LOCATION, location)]).into_response()
            }
            FaultKind::Huge => huge_response(),
            FaultKind::Stall => {
                tokio::select! {
                    () = tokio::time::sleep(STALL) => {}
                    _ = shutdown.wait_for(|stop| *stop) => {}
                }
                Reply::fault(StatusCode::GATEWAY_TIMEOUT, 0, "The request timed out.").into_response()
            }
            // Drop and Truncate need the real answer: see `spoil`.
            FaultKind::Drop | FaultKind::Truncate => {
                Reply::fault(StatusCode::INTERNAL_SERVER_ERROR, 0, "Internal error.").into_response()
            }
        }
    }

    /// Spoils a real answer: cut short (`Truncate`) or dropped half way (`Drop`).
    pub(crate) fn spoil(&self, reply: Reply) -> Response {
        let half = reply.body.len() / 2;
        match self.kind {
            FaultKind::Truncate => {
                let mut reply = reply;
                reply.body = reply
                    .body
                    .slice(..half.max(1).min(reply.body.len().saturating_sub(1)));
                reply.into_response()
            }
            _ => {
                let full = reply.body.len() as u64;
                let body = ScriptedBody::dropped(reply.body.slice(..half), full);
                let mut response = Reply {
                    body: Bytes::new(),
                    ..reply
                }
                .into_response();
                *response.body_mut() = Body::new(body);
                response
                    .headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(full));
                response
            }
        }
    }
}

fn huge_response() -> Response {
    let mut response = Response::new(Body::new(ScriptedBody::huge()));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    response
}

/// One step of a scripted body.
enum Frames {
    Data(Bytes),
    /// Yields once, so the server writes what it has to the socket before the next step.
    Flush,
    /// Fails the body: the server closes the connection mid-answer.
    Fail,
}

/// A body played from a script of steps, with the length it promises (if any).
struct ScriptedBody {
    steps: VecDeque<Frames>,
    promised: Option<u64>,
}

impl ScriptedBody {
    /// Sends `part` of a body of `full` bytes, then fails. The part is flushed first: failing at
    /// once would drop the buffered answer unsent (a refused answer, not a dropped one).
    fn dropped(part: Bytes, full: u64) -> Self {
        Self {
            steps: VecDeque::from([Frames::Data(part), Frames::Flush, Frames::Fail]),
            promised: Some(full),
        }
    }

    /// 64 MiB of a JSON array that never closes, streamed from one shared 64 KiB chunk.
    fn huge() -> Self {
        let item = br#"{"id":"00000000-0000-0000-0000-000000000000","attributes":{"objectType":"Customer"}},"#;
        let chunk: Vec<u8> = item.iter().copied().cycle().take(64 * 1024).collect();
        let chunk = Bytes::from(chunk);
        let mut steps = VecDeque::from([Frames::Data(Bytes::from_static(
            br#"{"totalCount":1,"items":["#,
        ))]);
        let mut remaining = HUGE_BYTES;
        while remaining > 0 {
            let n = remaining.min(chunk.len() as u64);
            remaining -= n;
            steps.push_back(Frames::Data(chunk.slice(..n as usize)));
        }
        Self {
            steps,
            promised: None,
        }
    }
}

impl HttpBody for ScriptedBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.steps.pop_front() {
            None => Poll::Ready(None),
            Some(Frames::Data(data)) => Poll::Ready(Some(Ok(Frame::data(data)))),
            Some(Frames::Flush) => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Some(Frames::Fail) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "sandbox fault: connection dropped",
            )))),
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.promised
            .map_or_else(SizeHint::default, SizeHint::with_exact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_follow_the_rate_and_the_seed() {
        let run = |seed| {
            let faults = Faults::new(FaultConfig::safe(0.3, seed));
            (0..2000)
                .map(|_| faults.decide("/v1/customers"))
                .collect::<Vec<_>>()
        };
        let a = run(5);
        assert_eq!(a, run(5));
        assert_ne!(a, run(6));
        let failed = a.iter().filter(|d| d.is_some()).count();
        assert!((450..750).contains(&failed), "{failed} of 2000 at rate 0.3");
        for kind in FaultKind::SAFE {
            assert!(
                a.iter().flatten().any(|f| f.kind == kind),
                "{kind:?} never chosen"
            );
        }
        let none = Faults::new(FaultConfig::none());
        assert!((0..100).all(|_| none.decide("/v1/customers").is_none()));
    }

    #[test]
    fn faults_can_be_limited_to_a_path_and_a_count() {
        let only = FaultConfig::only(&[FaultKind::Throttle], 1.0)
            .on_path("/subscribedskus")
            .times(2);
        let faults = Faults::new(only);
        assert!(faults.decide("/v1/customers").is_none());
        assert!(faults.decide("/v1/customers/c/subscribedskus").is_some());
        assert!(faults.decide("/v1/customers/c/subscribedskus").is_some());
        assert!(faults.decide("/v1/customers/c/subscribedskus").is_none());
    }
}
