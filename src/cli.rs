//! The command line (clap). Only definitions: what each command does lives elsewhere.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "pcx",
    version,
    about = "A terminal explorer for Microsoft Partner Center: customers, users, licences and service plans",
    long_about = "A terminal explorer for Microsoft Partner Center. Without a command, opens the interactive \
explorer. Read-only: pcx never writes to Partner Center.\n\nTry it without credentials: pcx --demo"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Run against the built-in sandbox with demo data (no credentials, nothing written to disk)
    #[arg(long, global = true)]
    pub demo: bool,
    /// Partner Center API root [env: PCX_BASE_URL] [default: https://api.partnercenter.microsoft.com]
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Command that prints an access token, e.g. `az account get-access-token --resource
    /// https://api.partnercenter.microsoft.com --tenant YOUR_PARTNER_TENANT --query accessToken
    /// -o tsv` [env: PCX_TOKEN_COMMAND]
    #[arg(long, global = true, value_name = "CMD")]
    pub token_command: Option<String>,
    /// Configuration file (TOML) instead of the default one
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Language of localised names (sent as X-Locale), e.g. en-US
    #[arg(long, global = true, value_name = "LOCALE")]
    pub locale: Option<String>,
    /// When to use colour (NO_COLOR is honoured under auto)
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
    /// Plain ASCII borders and glyphs
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Write a log to this file (level from PCX_LOG, e.g. debug or trace; tokens are never logged)
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// The snapshot store (SQLite) for scan, report, snapshots and diff [env: PCX_DB]
    /// [default: pcx.sqlite in the data directory; in memory under --demo]
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Append every HTTP request of this run to FILE as JSON lines (method, URL, status,
    /// attempts, ids, headers with the token redacted, the answer)
    #[arg(long, global = true, value_name = "FILE")]
    pub log_requests: Option<PathBuf>,
    /// Show pseudonyms instead of company names, domains, user names, UPNs and ids (for screen
    /// sharing); also `privacy = true` in the config
    #[arg(long, global = true)]
    pub privacy: bool,
    /// Use the [profiles.NAME] table of the config (another partner, a sandbox) [env: PCX_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    List(ListCommand),
    #[command(flatten)]
    Partner(PartnerCommand),
    /// Sign in with a device code (works on a jump host without a browser)
    Login(LoginArgs),
    /// Forget the cached sign-in
    Logout(LoginArgs),
    /// Show the version, paths, effective settings and sign-in state (never a token)
    Info,
    /// Serve a simulated Partner Center on loopback (for demos, tests and benchmarks)
    // Its own --help: the explorer's global flags (--demo, --ascii, ...) mean nothing to it.
    #[command(disable_help_flag = true)]
    Sandbox(SandboxArgs),
}

/// The partner-wide commands: the scan into the local store, and what reads the store.
#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Read the whole partner into a snapshot in the local store (throttle-aware; Ctrl-C to
    /// stop, --resume to continue)
    Scan(ScanArgs),
    /// Partner-wide reports from a snapshot in the store (never the network)
    Report {
        #[command(subcommand)]
        report: ReportKind,
    },
    /// List the snapshots in the store
    Snapshots {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// What changed between two snapshots [default: the two latest complete ones]
    Diff {
        /// The earlier snapshot id
        before: Option<i64>,
        /// The later snapshot id
        after: Option<i64>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// The listing commands: each pane of the explorer as a command for scripts.
#[derive(Debug, Subcommand)]
pub enum ListCommand {
    /// List the partner's customers
    Customers {
        /// Only customers whose company name starts with PREFIX (server-side, case-insensitive)
        #[arg(long, value_name = "PREFIX", conflicts_with = "domain")]
        search: Option<String>,
        /// Only customers whose domain starts with PREFIX (server-side)
        #[arg(long, value_name = "PREFIX")]
        domain: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List a customer's users
    Users {
        /// The customer's tenant id (a GUID)
        customer_id: String,
        /// Soft-deleted users instead of active ones
        #[arg(long)]
        deleted: bool,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List the licences assigned to a user, with their service plans
    Licenses {
        /// The customer's tenant id (a GUID)
        customer_id: String,
        /// The user's id (a GUID)
        user_id: String,
        /// Licence group(s) to show; repeat for both [default: group1]
        #[arg(long = "group", value_enum, value_name = "GROUP")]
        groups: Vec<GroupArg>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List a customer's subscribed SKUs with seat counts and service plans
    Skus {
        /// The customer's tenant id (a GUID)
        customer_id: String,
        /// Licence group(s) to show; repeat for both [default: group1]
        #[arg(long = "group", value_enum, value_name = "GROUP")]
        groups: Vec<GroupArg>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List a customer's subscriptions: offer, seats, status, term, commitment end, auto-renew
    Subscriptions {
        /// The customer's tenant id (a GUID)
        customer_id: String,
        #[command(flatten)]
        output: OutputArgs,
    },
}

impl ListCommand {
    /// The ids the operator typed (customer, user): privacy mode hides them like learnt ones.
    pub fn ids(&self) -> Vec<&str> {
        match self {
            Self::Customers { .. } => Vec::new(),
            Self::Licenses {
                customer_id,
                user_id,
                ..
            } => vec![customer_id, user_id],
            Self::Users { customer_id, .. }
            | Self::Skus { customer_id, .. }
            | Self::Subscriptions { customer_id, .. } => vec![customer_id],
        }
    }
}

#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Also read every user and every user's licences (both licence groups)
    #[arg(long)]
    pub users: bool,
    /// Only this customer (tenant id); repeat for several
    #[arg(long = "customer", value_name = "ID", conflicts_with = "search")]
    pub customers: Vec<String>,
    /// Only customers whose company name starts with PREFIX
    #[arg(long, value_name = "PREFIX")]
    pub search: Option<String>,
    /// Continue the latest incomplete snapshot, skipping customers already stored (the scope
    /// and --users come from the snapshot)
    #[arg(long, conflicts_with_all = ["customers", "search"])]
    pub resume: bool,
    /// Requests in flight at most [default: the concurrency setting]
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
}

/// A report and its options.
#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// Seats per customer x SKU, flagged over-consumed, suspended, warning or unused
    Seats {
        /// Flag a SKU unused when at least N seats are free
        #[arg(long, default_value_t = 1, value_name = "N")]
        unused: i64,
        #[command(flatten)]
        common: ReportArgs,
    },
    /// Every plan that needs attention (users' and SKUs') and every over-consumed SKU
    Problems {
        #[command(flatten)]
        common: ReportArgs,
    },
    /// Every user holding a SKU or service plan (part number, name, service name or id)
    WhoHas {
        query: String,
        #[command(flatten)]
        common: ReportArgs,
    },
    /// Per customer: users, licensed users, SKUs, seats, problems; and a total
    Totals {
        #[command(flatten)]
        common: ReportArgs,
    },
    /// Subscriptions ending within DAYS, flagged reduce-before-renewal when they will renew
    /// while seats of their SKU sit unassigned
    Renewals {
        /// The window, in days from the snapshot's day
        #[arg(long, default_value_t = 30, value_name = "DAYS")]
        within: u32,
        #[command(flatten)]
        common: ReportArgs,
    },
}

#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// The snapshot to read [default: the latest complete one]
    #[arg(long, value_name = "ID")]
    pub snapshot: Option<i64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupArg {
    Group1,
    Group2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, json otherwise]
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
}

/// Where and as whom to sign in.
#[derive(Debug, Args, Clone, Default)]
pub struct LoginArgs {
    /// Identity platform root [default: https://login.microsoftonline.com]
    #[arg(long, value_name = "URL")]
    pub authority: Option<String>,
    /// Tenant to sign in to (the partner tenant id or domain; required for a single-tenant app)
    /// [default: organizations]
    #[arg(long, value_name = "TENANT")]
    pub tenant: Option<String>,
    /// Your own public-client app registration with the delegated Partner Center permission
    /// [default: 04b07795-8ddb-461a-bbee-02f9e1bf7b46, the Partner Center PowerShell module's client]
    #[arg(long, value_name = "GUID")]
    pub client_id: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct SandboxArgs {
    /// Print help
    #[arg(short, long)]
    pub help: bool,
    /// Loopback address to listen on
    #[arg(long, default_value = "127.0.0.1:8400", value_name = "ADDR")]
    pub listen: String,
    /// Serve a generated partner with N customers instead of the demo partner
    #[arg(long, value_name = "N")]
    pub customers: Option<u32>,
    /// Users per generated customer
    #[arg(long, default_value_t = 25, value_name = "N")]
    pub users_per_customer: u32,
    /// Seed of the generated partner (same seed, same data)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Added latency per request in milliseconds (with jitter)
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Share of requests (0..1) that fail: 429 with Retry-After, 500, 503 or a dropped connection
    #[arg(long, default_value_t = 0.0, value_name = "F")]
    pub fault_rate: f64,
    /// Which faults --fault-rate injects, comma separated [default: throttle,server-error,unavailable,drop]
    /// (request-timeout is opt-in; truncate, huge, redirect and stall break the protocol on
    /// purpose, for hardening tests)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub fault_kinds: Vec<crate::sandbox::FaultKind>,
    /// Requests per minute per tenant before answering 429 with Retry-After
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Accept only tokens issued by the sandbox's own sign-in (401 otherwise)
    #[arg(long)]
    pub strict_auth: bool,
    /// Approve a device code after this many polls
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub approve_after: u32,
    /// Lifetime of issued access tokens in seconds
    #[arg(long, default_value_t = 3600, value_name = "SECONDS")]
    pub token_ttl: u64,
    /// Make the simulated sign-in refuse as Entra does: an AADSTS code (e.g. AADSTS50194,
    /// AADSTS50076, AADSTS7000218) or authorization_declined / expired_token
    #[arg(long, value_name = "CODE")]
    pub identity_error: Option<String>,
    /// The signed-in user has no Partner Center role: the customer list answers 403
    #[arg(long)]
    pub no_partner_role: bool,
    /// Serve the partner as it stands N months later (seats, users, licences, statuses and
    /// customers change deterministically)
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub month: u32,
}

/// `pcx sandbox --help`: the sandbox's own flags only (clap would list every global flag too).
pub fn sandbox_help() -> String {
    let command = SandboxArgs::augment_args(
        clap::Command::new("pcx sandbox")
            .about("Serve a simulated Partner Center on loopback (for demos, tests and benchmarks)")
            .disable_help_flag(true),
    );
    command
        .bin_name("pcx sandbox")
        .render_long_help()
        .to_string()
}
