//! What a sandbox serves and how it misbehaves: the partner it simulates, latency, faults,
//! throttling and sign-in settings. Plain data; nothing here runs a server.

use super::entra::IdentityError;
use crate::cli::SandboxArgs;
use clap::ValueEnum;

use std::time::Duration;

/// Which partner the sandbox simulates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartnerSource {
    /// The built-in demo partner (`assets/demo-partner.json`).
    Demo,
    /// A synthetic partner derived from a seed: customers, users and licences are computed on
    /// demand, so any size starts instantly.
    Generated {
        customers: u32,
        users_per_customer: u32,
        seed: u64,
    },
}

/// One way a request can fail on purpose (also the values of `pcx sandbox --fault-kinds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum FaultKind {
    /// 429 with `Retry-After` and the gateway's `{statusCode, message}` body.
    Throttle,
    /// 500 with an ApiFault body.
    ServerError,
    /// 503 with a gateway HTML page.
    Unavailable,
    /// Opt-in: 408 Request Timeout with an ApiFault body (transient: a client retries it).
    RequestTimeout,
    /// The connection is dropped half way through the body (Content-Length promised more).
    Drop,
    /// Opt-in: 200 whose JSON body is cut short, with a Content-Length that matches the cut.
    Truncate,
    /// Opt-in: 200 with a 64 MiB body streamed without a Content-Length.
    Huge,
    /// Opt-in: 302 to another host; a client must not follow it (it would carry the token).
    Redirect,
    /// Opt-in: no answer for ten minutes; a client must time out.
    Stall,
}

impl FaultKind {
    /// The default mix: failures a correct client survives by retrying, with exact data.
    pub const SAFE: [FaultKind; 4] = [
        FaultKind::Throttle,
        FaultKind::ServerError,
        FaultKind::Unavailable,
        FaultKind::Drop,
    ];

    /// The name `--fault-kinds` takes.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |value| value.get_name().to_string())
    }
}

/// Which share of API requests fail, and how. Decisions come from a seeded generator, so a
/// run with the same requests in the same order fails the same way.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// 0.0 (never) to 1.0 (always).
    pub rate: f64,
    /// Picked uniformly per failing request; empty means no faults.
    pub kinds: Vec<FaultKind>,
    pub seed: u64,
    /// `Retry-After` of a throttled answer, in seconds.
    pub retry_after_secs: u64,
    /// Only requests whose path contains this text can fail (all when None).
    pub path: Option<String>,
    /// At most this many faults, then none (no limit when None).
    pub times: Option<u64>,
}

impl FaultConfig {
    /// No faults.
    pub fn none() -> Self {
        Self {
            rate: 0.0,
            kinds: FaultKind::SAFE.to_vec(),
            seed: 0,
            retry_after_secs: 1,
            path: None,
            times: None,
        }
    }

    /// The safe mix at the given rate.
    pub fn safe(rate: f64, seed: u64) -> Self {
        Self {
            rate: clamp_rate(rate),
            seed,
            ..Self::none()
        }
    }

    /// Only these kinds, at the given rate.
    pub fn only(kinds: &[FaultKind], rate: f64) -> Self {
        Self {
            rate: clamp_rate(rate),
            kinds: kinds.to_vec(),
            ..Self::none()
        }
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = secs;
        self
    }

    /// Faults only for requests whose path contains `text` (e.g. `/subscribedskus`).
    pub fn on_path(mut self, text: &str) -> Self {
        self.path = Some(text.to_string());
        self
    }

    /// At most `n` faults in all.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }
}

/// NaN and out-of-range rates become the nearest meaningful value.
fn clamp_rate(rate: f64) -> f64 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

/// Everything a sandbox needs to start.
#[derive(Clone, Debug, PartialEq)]
pub struct SandboxConfig {
    pub partner: PartnerSource,
    /// Added to every API request, with ±25% jitter.
    pub latency_ms: u64,
    pub faults: FaultConfig,
    /// Requests per minute per tenant; beyond it, 429 with `Retry-After`.
    pub rate_limit: Option<u32>,
    /// Accept only unexpired access tokens this sandbox issued.
    pub strict_auth: bool,
    /// Polls answered `authorization_pending` before a device code is approved.
    pub approve_after: u32,
    /// Lifetime of issued access tokens.
    pub token_ttl: Duration,
    /// `expires_in` of a device code.
    pub device_code_ttl: Duration,
    /// `interval` a device-code client is told to poll at, in seconds.
    pub poll_interval_secs: u64,
    /// Every sign-in is refused this way (Entra's error body), when set.
    pub identity_error: Option<IdentityError>,
    /// The signed-in user holds a Partner Center role (Admin, Sales or Helpdesk agent);
    /// without one the customer list and search answer 403.
    pub partner_role: bool,
    /// Months after the start: the partner as it stands then (0 is as generated).
    pub month: u32,
}

impl SandboxConfig {
    /// The demo partner, no faults, any bearer token accepted.
    pub fn demo() -> Self {
        Self {
            partner: PartnerSource::Demo,
            latency_ms: 0,
            faults: FaultConfig::none(),
            rate_limit: None,
            strict_auth: false,
            approve_after: 2,
            token_ttl: Duration::from_secs(3600),
            device_code_ttl: Duration::from_secs(900),
            poll_interval_secs: 1,
            identity_error: None,
            partner_role: true,
            month: 0,
        }
    }

    /// A synthetic partner of `customers` customers with `users_per_customer` active users each.
    pub fn generated(customers: u32, users_per_customer: u32, seed: u64) -> Self {
        Self {
            partner: PartnerSource::Generated {
                customers,
                users_per_customer,
                seed,
            },
            faults: FaultConfig {
                seed,
                ..FaultConfig::none()
            },
            ..Self::demo()
        }
    }

    /// From `pcx sandbox` flags. Out-of-range values are clamped; `serve` refuses them first.
    pub fn from_args(args: &SandboxArgs) -> Self {
        let mut config = match args.customers {
            Some(n) => Self::generated(n, args.users_per_customer, args.seed),
            None => Self::demo(),
        };
        let kinds: Vec<FaultKind> = if args.fault_kinds.is_empty() {
            FaultKind::SAFE.to_vec()
        } else {
            args.fault_kinds.clone()
        };
        config.latency_ms = args.latency_ms;
        config.faults = FaultConfig {
            rate: clamp_rate(args.fault_rate),
            kinds,
            seed: args.seed,
            ..FaultConfig::none()
        };
        config.rate_limit = args.rate_limit;
        config.strict_auth = args.strict_auth;
        config.approve_after = args.approve_after;
        config.token_ttl = Duration::from_secs(args.token_ttl);
        config.identity_error = args
            .identity_error
            .as_deref()
            .and_then(|code| IdentityError::parse(code).ok());
        config.partner_role = !args.no_partner_role;
        config.month = args.month;
        config
    }
}
