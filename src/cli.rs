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
    /// Sign in with a device code (works on a jump host without a browser)
    Login(LoginArgs),
    /// Forget the cached sign-in
    Logout(LoginArgs),
    /// Show the version, paths, effective settings and sign-in state (never a token)
    Info,
    /// Serve a simulated Partner Center on loopback (for demos, tests and benchmarks)
    Sandbox(SandboxArgs),
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
    pub fault_kinds: Vec<FaultKindArg>,
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
}

/// A fault `pcx sandbox --fault-kinds` can inject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FaultKindArg {
    /// 429 with Retry-After
    Throttle,
    /// 500
    ServerError,
    /// 503
    Unavailable,
    /// 408 Request Timeout
    RequestTimeout,
    /// connection dropped mid-body
    Drop,
    /// 200 with a JSON body cut short
    Truncate,
    /// 200 with a 64 MiB body
    Huge,
    /// 302 to another host
    Redirect,
    /// no answer for ten minutes
    Stall,
}
