//! pcx's own Partner Center: an HTTP server on loopback that speaks the API pcx uses (customers
//! with continuation paging and search, users, licences, subscribed SKUs, the real error bodies)
//! plus a simulated Microsoft sign-in. It serves the demo partner or a generated one of any size,
//! and can add latency, faults and throttling. `pcx --demo`, the tests and the benchmarks run on
//! it. It never listens beyond loopback and never logs a token.

mod api;
mod catalog;
mod clock;
mod commerce;
mod commerce_api;
mod config;
mod demo;
mod demo_spec;
mod entra;
mod faults;
mod generated;
mod hash;
mod identity;
mod partner;
mod people;
mod query;
mod records;
mod reply;
mod seek;
mod throttle;
mod wire;
mod words;

pub use config::{FaultConfig, FaultKind, PartnerSource, SandboxConfig};
pub use entra::IdentityError;
pub use identity::{PARTNER_ADMIN, PARTNER_TENANT_ID, SignInCounts};

use crate::cli::SandboxArgs;
use axum::Router;
use axum::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use faults::Faults;
use identity::{Identity, Refusal};
use partner::Partner;
use reply::Reply;
use seek::TokenCodec;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use throttle::RateLimiter;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The bearer token `pcx --demo` sends (any non-empty token is accepted without strict auth).
pub const DEMO_TOKEN: &str = "pcx-demo-token";

/// `api_requests` keeps at most this many paths; `api_request_count` keeps counting.
const MAX_LOGGED_REQUESTS: usize = 100_000;

/// Why `pcx sandbox` could not run.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("invalid --listen address {0:?}: expected IP:PORT, e.g. 127.0.0.1:8400")]
    BadAddress(String),
    #[error("refusing to listen on {0}: the sandbox serves loopback only (127.0.0.1 or [::1])")]
    NotLoopback(SocketAddr),
    #[error("--fault-rate must be a number from 0 to 1, got {0}")]
    BadFaultRate(f64),
    #[error("--rate-limit must be at least 1 request per minute")]
    BadRateLimit,
    #[error("{0}")]
    BadIdentityError(String),
    #[error("cannot start the sandbox on {addr}: {source}")]
    Start { addr: SocketAddr, source: io::Error },
    #[error("cannot wait for Ctrl-C or SIGTERM: {0}")]
    Signal(io::Error),
}

/// State shared by all request handlers of one sandbox.
pub(crate) struct Shared {
    partner: Partner,
    codec: TokenCodec,
    faults: Faults,
    latency_ms: AtomicU64,
    limiter: Option<RateLimiter>,
    /// Months the sandbox's clock runs ahead (`--month N`): subscriptions renew or expire.
    month: u32,
    strict_auth: bool,
    partner_role: bool,
    /// Absolute next-page links on this root instead of relative ones (tests).
    next_link_root: Mutex<Option<String>>,
    identity: Identity,
    request_count: AtomicU64,
    /// Path and query of each API request, and the correlation id it came with (if any).
    request_log: Mutex<Vec<(String, Option<String>)>>,
    base_url: String,
    shutdown: watch::Receiver<bool>,
}

/// The sandbox's state behind a lock. A handler that panicked leaves it usable: each lock
/// guards plain records (logs, switches, a ledger) that no half-finished write breaks.
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn record(&self, path_and_query: &str, correlation_id: Option<&str>) {
        self.request_count.fetch_add(1, Ordering::Relaxed);
        let mut log = locked(&self.request_log);
        if log.len() < MAX_LOGGED_REQUESTS {
            log.push((
                path_and_query.to_string(),
                correlation_id.map(str::to_string),
            ));
        }
    }

    /// The configured latency, ±25%.
    async fn delay(&self) {
        let ms = self.latency_ms.load(Ordering::Relaxed);
        if ms > 0 {
            let jittered = ms as f64 * (0.75 + fastrand::f64() * 0.5);
            tokio::time::sleep(Duration::from_secs_f64(jittered / 1000.0)).await;
        }
    }

    /// 401 without a bearer token; under strict auth, also for tokens this sandbox did not
    /// issue or that have expired.
    fn authorize(&self, headers: &HeaderMap) -> Result<(), Reply> {
        let token = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(unauthorized(
                800001,
                "Partner token missing in request context.",
            ));
        };
        if !self.strict_auth {
            return Ok(());
        }
        match self.identity.check(token) {
            Ok(()) => Ok(()),
            Err(Refusal::Expired) => Err(unauthorized(
                400,
                "Access denied: the access token has expired.",
            )),
            Err(Refusal::NotIssued) => Err(unauthorized(
                400,
                "Access denied: the access token was not issued by this sign-in.",
            )),
        }
    }
}

fn unauthorized(code: i64, description: &str) -> Reply {
    let realm = format!("OAuth realm=urn:cpsvc:cpid:{PARTNER_TENANT_ID}");
    Reply::fault(StatusCode::UNAUTHORIZED, code, description).with_header(
        WWW_AUTHENTICATE,
        HeaderValue::from_str(&realm).unwrap_or(HeaderValue::from_static("OAuth")),
    )
}

/// A running sandbox. Dropping it stops accepting connections and closes the open ones.
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Sandbox {
    /// Binds `listen` (a loopback address; port 0 picks a free one) and serves in the background.
    pub async fn start(config: SandboxConfig, listen: SocketAddr) -> io::Result<Sandbox> {
        if !listen.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the sandbox serves loopback only, not {listen}"),
            ));
        }
        let partner = Partner::load(&config.partner, config.month)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let (stop, shutdown) = watch::channel(false);
        let fingerprint = match config.partner {
            PartnerSource::Demo => hash::str_key("demo"),
            PartnerSource::Generated {
                customers,
                users_per_customer,
                seed,
            } => hash::mix(&[seed, u64::from(customers), u64::from(users_per_customer)]),
        };
        let shared = Arc::new(Shared {
            partner,
            codec: TokenCodec::new(fingerprint),
            faults: Faults::new(config.faults),
            latency_ms: AtomicU64::new(config.latency_ms),
            limiter: config.rate_limit.map(RateLimiter::new),
            month: config.month,
            strict_auth: config.strict_auth,
            partner_role: config.partner_role,
            next_link_root: Mutex::new(None),
            identity: Identity::new(
                config.approve_after,
                config.token_ttl.as_secs(),
                config.device_code_ttl.as_secs(),
                config.poll_interval_secs,
            ),
            request_count: AtomicU64::new(0),
            request_log: Mutex::new(Vec::new()),
            base_url: base_url.clone(),
            shutdown: shutdown.clone(),
        });
        shared.identity.set_error(config.identity_error);
        let app = Router::new()
            .route(
                "/{tenant}/oauth2/v2.0/devicecode",
                post(identity::devicecode),
            )
            .route("/{tenant}/oauth2/v2.0/token", post(identity::token))
            .route("/devicelogin", get(identity::devicelogin))
            .fallback(api::handle)
            .with_state(Arc::clone(&shared));
        // Small answers must not wait for Nagle's algorithm.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let mut stopped = shutdown;
        let task = tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await;
        });
        Ok(Sandbox {
            addr,
            base_url,
            shared,
            stop,
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the API root and the identity authority.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// What is served, e.g. "demo partner: 26 customers; faults 30% (throttle, drop)".
    pub fn describe(&self) -> String {
        let s = &self.shared;
        let mut text = s.partner.describe();
        let latency = s.latency_ms.load(Ordering::Relaxed);
        if latency > 0 {
            text.push_str(&format!("; latency {latency} ms"));
        }
        if let Some(faults) = s.faults.current().filter(|f| f.rate > 0.0) {
            let kinds: Vec<String> = faults.kinds.iter().map(|k| k.name()).collect();
            let percent = (faults.rate * 1000.0).round() / 10.0;
            text.push_str(&format!("; faults {percent}% ({})", kinds.join(", ")));
        }
        if let Some(limiter) = &s.limiter {
            text.push_str(&format!(
                "; rate limit {}/min per tenant",
                limiter.per_minute()
            ));
        }
        if s.strict_auth {
            text.push_str("; strict auth");
        }
        if !s.partner_role {
            text.push_str("; no Partner Center role");
        }
        if let Some(error) = s.identity.error() {
            text.push_str(&format!("; sign-in refused with {}", error.code()));
        }
        text
    }

    /// Switches faults at run time.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.faults.set(faults);
    }

    pub fn set_latency_ms(&self, ms: u64) {
        self.shared.latency_ms.store(ms, Ordering::Relaxed);
    }

    /// Lifetime of access tokens issued from now on (0 issues already-expired tokens).
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.shared.identity.set_token_ttl(ttl.as_secs());
    }

    /// From now on every sign-in is refused this way (None: sign-in works again).
    pub fn set_identity_error(&self, error: Option<IdentityError>) {
        self.shared.identity.set_error(error);
    }

    /// Every secret the identity platform handed out so far (device codes, access, refresh and
    /// id tokens), for a test to look for where none may appear.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.identity.issued()
    }

    /// What the identity platform and strict auth were asked so far.
    pub fn sign_in_counts(&self) -> SignInCounts {
        self.shared.identity.counts()
    }

    /// Whether the tokens issued from now on say the user signed in with a second factor
    /// (they do unless switched off).
    pub fn set_mfa(&self, mfa: bool) {
        self.shared.identity.set_mfa(mfa);
    }

    /// From now on the first poll of each device code is answered `slow_down`.
    pub fn set_slow_down(&self, slow_down: bool) {
        self.shared.identity.set_slow_down(slow_down);
    }

    /// The user codes the identity platform showed, in order.
    pub fn user_codes(&self) -> Vec<String> {
        self.shared.identity.user_codes()
    }

    /// Strict auth refuses every access token issued so far, as after a revocation on the
    /// server's side.
    pub fn revoke_access_tokens(&self) {
        self.shared.identity.revoke_access();
    }

    /// The identity platform refuses every refresh token issued so far.
    pub fn revoke_refresh_tokens(&self) {
        self.shared.identity.revoke_refresh();
    }

    /// Next-page links as absolute URLs on `root` (e.g. this sandbox's own base URL, or another
    /// host a client must refuse to follow); None: relative links, as usual.
    pub fn set_next_link_root(&self, root: Option<String>) {
        *locked(&self.shared.next_link_root) = root;
    }

    /// API requests received so far (identity endpoints not counted).
    pub fn api_request_count(&self) -> u64 {
        self.shared.request_count.load(Ordering::Relaxed)
    }

    /// Path and query of each API request received, in order (the first 100,000).
    pub fn api_requests(&self) -> Vec<String> {
        let log = locked(&self.shared.request_log);
        log.iter().map(|(path, _)| path.clone()).collect()
    }

    /// The `MS-CorrelationId` each API request came with, in order (None: it had none); a
    /// client's messages must name the id it sent.
    pub fn api_correlation_ids(&self) -> Vec<Option<String>> {
        let log = locked(&self.shared.request_log);
        log.iter().map(|(_, id)| id.clone()).collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop.send_replace(true);
        self.task.abort();
    }
}

/// `pcx sandbox`: serves on `args.listen` (loopback only) until Ctrl-C or SIGTERM, after
/// printing one line saying where and what.
pub async fn serve(args: &SandboxArgs) -> Result<(), SandboxError> {
    let addr = parse_listen(&args.listen)?;
    if !(0.0..=1.0).contains(&args.fault_rate) {
        return Err(SandboxError::BadFaultRate(args.fault_rate));
    }
    if args.rate_limit == Some(0) {
        return Err(SandboxError::BadRateLimit);
    }
    if let Some(code) = &args.identity_error {
        IdentityError::parse(code).map_err(SandboxError::BadIdentityError)?;
    }
    let sandbox = Sandbox::start(SandboxConfig::from_args(args), addr)
        .await
        .map_err(|source| SandboxError::Start { addr, source })?;
    println!(
        "pcx sandbox listening on {} ({})",
        sandbox.base_url(),
        sandbox.describe()
    );
    use std::io::Write as _;
    let _ = io::stdout().flush();
    wait_for_stop().await.map_err(SandboxError::Signal)?;
    drop(sandbox);
    Ok(())
}

fn parse_listen(text: &str) -> Result<SocketAddr, SandboxError> {
    let text = text.trim();
    let addr = match text.parse::<SocketAddr>() {
        Ok(addr) => addr,
        Err(_) => {
            let port = text
                .strip_prefix("localhost:")
                .and_then(|p| p.parse::<u16>().ok())
                .ok_or_else(|| SandboxError::BadAddress(text.to_string()))?;
            SocketAddr::from((Ipv4Addr::LOCALHOST, port))
        }
    };
    if addr.ip().is_loopback() {
        Ok(addr)
    } else {
        Err(SandboxError::NotLoopback(addr))
    }
}

async fn wait_for_stop() -> io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_addresses_must_be_loopback() {
        assert_eq!(parse_listen("127.0.0.1:8400").unwrap().port(), 8400);
        assert!(parse_listen("[::1]:0").is_ok());
        assert!(parse_listen("localhost:9").is_ok());
        for elsewhere in ["0.0.0.0:8400", "192.168.1.2:80"] {
            let refused = parse_listen(elsewhere);
            assert!(
                matches!(refused, Err(SandboxError::NotLoopback(_))),
                "{elsewhere}: {refused:?}"
            );
        }
        for bad in ["example.com:80", "127.0.0.1"] {
            let refused = parse_listen(bad);
            assert!(
                matches!(refused, Err(SandboxError::BadAddress(_))),
                "{bad}: {refused:?}"
            );
        }
    }
}
