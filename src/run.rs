//! Dispatch of a parsed command line: builds the client from the settings and runs the
//! command. The binary's `main` only parses, sets up logging and prints the error.

use crate::api::{
    ApiClient, ApiError, ClientConfig, Secret, StaticToken, TokenProvider, client::MAX_PAGE_SIZE,
};
use crate::auth::{self, AuthError};
use crate::cli::{Cli, Command, GlobalArgs, ListCommand, PartnerCommand};
use crate::config::{ConfigError, Settings, process_env};
use crate::listing::{self, ListingError};
use crate::sandbox::{self, DEMO_TOKEN, Sandbox, SandboxConfig, SandboxError};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// What ends a pcx run unsuccessfully.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Listing(#[from] ListingError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Partner(#[from] crate::partner::PartnerError),
    /// Stopped by a signal; the exit status to report (128 + the signal's number).
    #[error("stopped by a signal")]
    Signal(u8),
    /// The command does not apply here (e.g. `pcx --demo login`).
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

impl RunError {
    /// Nothing to report (the reader of our output went away).
    pub fn is_silent(&self) -> bool {
        match self {
            Self::Listing(e) => e.is_broken_pipe(),
            Self::Partner(e) => e.is_broken_pipe(),
            _ => false,
        }
    }

    /// A mistake on the command line that pcx found itself (clap finds the others): exit 2,
    /// like clap's own usage errors, so scripts can tell "you called me wrong" from "it failed".
    pub fn is_usage(&self) -> bool {
        match self {
            Self::Listing(ListingError::Api { source, .. }) | Self::Api(source) => {
                matches!(source, ApiError::InvalidId { .. })
            }
            Self::Sandbox(e) => matches!(
                e,
                SandboxError::BadAddress(_)
                    | SandboxError::NotLoopback(_)
                    | SandboxError::BadFaultRate(_)
                    | SandboxError::BadRateLimit
            ),
            Self::Config(ConfigError::Value { origin, .. }) => origin.starts_with("flag "),
            Self::Usage(_) => true,
            _ => false,
        }
    }
}

/// A command that needs the API client.
enum Job<'a> {
    List(&'a ListCommand),
    Partner(&'a PartnerCommand),
}

pub async fn run(cli: Cli) -> Result<(), RunError> {
    let env = process_env;
    if cli.global.demo
        && let Some(text) = demo_account_command(cli.command.as_ref())
    {
        return text;
    }
    let job = match &cli.command {
        Some(Command::Sandbox(args)) if args.help => {
            print!("{}", crate::cli::sandbox_help());
            return Ok(());
        }
        Some(Command::Sandbox(args)) => return Ok(sandbox::serve(args).await?),
        Some(Command::Login(args)) => {
            let settings = Settings::load(&cli.global, Some(args), &env)?;
            // The prompt goes to stderr: stdout stays clean for scripts; stdin is never read.
            auth::login(&settings, &mut std::io::stderr()).await?;
            return Ok(());
        }
        Some(Command::Logout(args)) => {
            let settings = Settings::load(&cli.global, Some(args), &env)?;
            auth::logout(&settings, &mut std::io::stdout())?;
            return Ok(());
        }
        Some(Command::Info) => {
            let settings = Settings::load(&cli.global, None, &env)?;
            auth::info(&settings, &env, &mut std::io::stdout().lock())
                .map_err(|e| RunError::Other(format!("cannot write: {e}")))?;
            return Ok(());
        }
        Some(Command::List(list)) => Some(Job::List(list)),
        Some(Command::Partner(partner)) => Some(Job::Partner(partner)),
        None => None,
    };
    let settings = Settings::load(&cli.global, None, &env)?;
    // The demo's sandbox lives as long as this run: dropping it stops the server.
    let demo = match cli.global.demo {
        true => Some(start_demo().await?),
        false => None,
    };
    let privacy = settings.privacy.value;
    // The explorer learns names even with privacy off, so turning it on hides them at once.
    let names = (privacy || job.is_none()).then(crate::privacy::Pseudonyms::new);
    let client = client_for(&settings, demo.as_ref(), names, &cli.global, job.is_none())?;
    let list = match job {
        None => return explore(&settings, client, demo.is_some(), &cli.global).await,
        Some(Job::Partner(command)) => {
            let partner = crate::partner::Context {
                settings: &settings,
                client: &client,
                demo: demo.is_some(),
            };
            let done = crate::partner::run(&partner, command).await;
            return done.map_err(|e| private_error(e.into(), client.pseudonyms()));
        }
        Some(Job::List(list)) => list,
    };
    // Listings stream everything: the largest pages unless the operator chose a size.
    let page_size = match settings.page_size.is_explicit() {
        true => settings.page_size.value,
        false => MAX_PAGE_SIZE,
    };
    // A listing's client has pseudonyms exactly when privacy mode is on.
    let names = client.pseudonyms();
    if let Some(names) = names {
        // A typed id that is no GUID is no one's id: the refusal shows it as typed.
        let ids = list.ids().into_iter();
        for id in ids.filter(|id| crate::api::client::check_guid("id", id).is_ok()) {
            names.learn(crate::privacy::Kind::Id, id);
        }
    }
    let out = crate::privacy::stdout(names);
    listing::run(&client, list, page_size, out)
        .await
        .map_err(|e| private_error(e.into(), names))
}

/// The API client for these settings: the demo's sandbox, or the configured partner with its
/// token source. `names` learns personal values for privacy mode (shared across profiles, so
/// a value keeps its pseudonym when the operator switches back). The request log is kept for
/// the explorer's `:log` and for `--log-requests`; a command without either keeps none.
fn client_for(
    settings: &Settings,
    demo: Option<&Sandbox>,
    names: Option<crate::privacy::Pseudonyms>,
    global: &GlobalArgs,
    explorer: bool,
) -> Result<ApiClient, ApiError> {
    let (base_url, tokens): (String, Arc<dyn TokenProvider>) = match demo {
        Some(sandbox) => (
            sandbox.base_url(),
            StaticToken::new(Secret::new(DEMO_TOKEN)),
        ),
        None => (
            settings.base_url.value.clone(),
            auth::token_provider(settings, &process_env),
        ),
    };
    let mut config = ClientConfig::new(base_url);
    config.locale = settings.locale.value.clone();
    config.deadline = std::time::Duration::from_secs(settings.request_deadline.value);
    config.names = names;
    config.log = match (&global.log_requests, explorer) {
        (Some(path), _) => {
            let names = config.names.clone().filter(|_| settings.privacy.value);
            crate::api::RequestLog::with_file(path.clone(), names)
        }
        (None, true) => crate::api::RequestLog::new(),
        (None, false) => crate::api::RequestLog::off(),
    };
    ApiClient::new(config, tokens)
}

/// An error in privacy mode: its text passes the pseudonyms (ids and names in messages); a
/// usage error stays one (exit 2).
fn private_error(error: RunError, names: Option<&crate::privacy::Pseudonyms>) -> RunError {
    let Some(names) = names.filter(|_| !error.is_silent()) else {
        return error;
    };
    let text = names.apply(&error.to_string()).into_owned();
    match error.is_usage() {
        true => RunError::Usage(text),
        false => RunError::Other(text),
    }
}

/// `login`, `logout` and `info` under `--demo`: the demo has no account, so they speak of the
/// demo instead of the real sign-in (and never contact the real sign-in service).
fn demo_account_command(command: Option<&Command>) -> Option<Result<(), RunError>> {
    match command? {
        Command::Info => {
            let text = demo_info();
            Some(
                std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
                    .map_err(|e| RunError::Other(format!("cannot write: {e}"))),
            )
        }
        Command::Login(_) | Command::Logout(_) => Some(Err(RunError::Usage(
            "--demo needs no sign-in: the demo runs on pcx's own sandbox with a built-in token \
             (run `pcx login` without --demo to sign in to Partner Center)"
                .into(),
        ))),
        _ => None,
    }
}

/// What `pcx --demo info` prints.
pub fn demo_info() -> String {
    format!(
        "pcx {}\n\nDemo\n  partner      the built-in demo partner (27 customers), served by pcx's own sandbox\n  \
         base URL     a random loopback port (http://127.0.0.1:PORT), chosen when the demo starts\n  \
         sign-in      none needed: the demo uses a built-in token; nothing is read from or written to disk\n\n\
         Run `pcx info` without --demo for the real settings, paths and sign-in.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// The interactive explorer (no command given).
async fn explore(
    settings: &Settings,
    client: ApiClient,
    demo: bool,
    global: &GlobalArgs,
) -> Result<(), RunError> {
    use crate::cli::ColorChoice;
    let defaults = crate::app::UiOptions::default();
    let partner = partner_for(settings, client.clone(), demo);
    let options = crate::app::UiOptions {
        // NO_COLOR and --color never are already folded into the setting.
        color: settings.color.value != ColorChoice::Never,
        // A terminal whose locale is not UTF-8 (LANG=C) would show the box drawing as garbage.
        ascii: settings.ascii.value || !locale_is_utf8(&process_env),
        title: partner.title,
        page_size: match settings.page_size.is_explicit() {
            true => settings.page_size.value,
            false => defaults.page_size,
        },
        concurrency: settings.concurrency.value,
        signin: partner.signin,
        demo,
        store: partner.store,
        privacy: settings.privacy.value,
        // The demo is one partner: profiles are the configured ones.
        profiles: match demo {
            true => crate::app::Profiles::default(),
            false => profiles(settings, &client, global),
        },
        ..defaults
    };
    crate::app::run_terminal(client, options)
        .await
        .map_err(|e| RunError::Other(e.to_string()))
}

/// What the explorer needs of one partner: its client, title, sign-in and store.
fn partner_for(settings: &Settings, client: ApiClient, demo: bool) -> crate::app::Partner {
    let title = match (demo, &settings.profile) {
        (true, _) => "demo".to_string(),
        (false, Some(profile)) => format!("profile {profile}"),
        (false, None) => client
            .base_url()
            .host_str()
            .unwrap_or("Partner Center")
            .to_string(),
    };
    // The same store and partner as `pcx scan` and `pcx report` (in memory for the demo).
    let context = crate::partner::Context {
        settings,
        client: &client,
        demo,
    };
    let store = crate::app::StoreOptions {
        location: context.location(),
        partner: context.partner(),
    };
    crate::app::Partner {
        title,
        // The demo's token is accepted as is: nothing to sign in to.
        signin: (!demo).then(|| sign_in_options(settings)),
        store,
        client,
    }
}

/// The config's profiles, and how `:profile NAME` opens one: the settings are loaded again
/// with that profile chosen, as `--profile NAME` would, and a client built for them.
fn profiles(settings: &Settings, client: &ApiClient, global: &GlobalArgs) -> crate::app::Profiles {
    let global = global.clone();
    let names = client.pseudonyms().cloned();
    let open = move |name: &str| -> Result<crate::app::Partner, String> {
        let global = GlobalArgs {
            profile: Some(name.to_string()),
            ..global.clone()
        };
        let settings = Settings::load(&global, None, &process_env).map_err(|e| e.to_string())?;
        let client =
            client_for(&settings, None, names.clone(), &global, true).map_err(|e| e.to_string())?;
        Ok(partner_for(&settings, client, false))
    };
    crate::app::Profiles {
        active: settings.profile.clone(),
        known: settings.profiles.clone(),
        open: Some(Arc::new(open)),
    }
}

/// Whether the locale says UTF-8: the first of LC_ALL, LC_CTYPE and LANG that is set decides,
/// as in C's setlocale. None set says nothing, and modern terminals are UTF-8: then yes.
pub fn locale_is_utf8(env: &dyn Fn(&str) -> Option<String>) -> bool {
    let Some(locale) = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|var| env(var).filter(|v| !v.is_empty()))
    else {
        return true;
    };
    let lower = locale.to_ascii_lowercase();
    lower.contains("utf-8") || lower.contains("utf8")
}

/// How the explorer signs in again when Partner Center refuses the token: a device code into
/// the login cache when that is the token source; otherwise the explorer explains what to do
/// for the source in use.
fn sign_in_options(settings: &Settings) -> crate::app::SignInOptions {
    let source = auth::token_source(settings, &process_env);
    let login = match source {
        auth::TokenSource::LoginCache => Some(auth::LoginSettings::resolve(settings)),
        auth::TokenSource::EnvToken | auth::TokenSource::Command => None,
    };
    crate::app::SignInOptions {
        source,
        login,
        poll: auth::PollPolicy::default(),
    }
}

/// The demo partner on a random loopback port, in this process.
pub async fn start_demo() -> Result<Sandbox, SandboxError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    Sandbox::start(SandboxConfig::demo(), addr)
        .await
        .map_err(|source| SandboxError::Start { addr, source })
}

#[cfg(test)]
mod tests {
    use super::locale_is_utf8;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_locale_that_is_not_utf8_means_ascii() {
        assert!(!locale_is_utf8(&env(&[("LANG", "C")])));
        assert!(!locale_is_utf8(&env(&[("LANG", "POSIX")])));
        assert!(!locale_is_utf8(&env(&[
            ("LANG", "en_US.UTF-8"),
            ("LC_ALL", "C")
        ])));
        assert!(locale_is_utf8(&env(&[("LANG", "C.UTF-8")])));
        assert!(locale_is_utf8(&env(&[
            ("LC_CTYPE", "de_DE.utf8"),
            ("LANG", "C")
        ])));
        assert!(locale_is_utf8(&env(&[
            ("LC_ALL", ""),
            ("LANG", "en_GB.UTF-8")
        ])));
        assert!(locale_is_utf8(&env(&[])));
    }
}
