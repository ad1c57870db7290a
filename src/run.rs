//! Dispatch of a parsed command line: builds the client from the settings and runs the
//! command. The binary's `main` only parses, sets up logging and prints the error.

use crate::api::{
    ApiClient, ApiError, ClientConfig, Secret, StaticToken, TokenProvider, client::MAX_PAGE_SIZE,
};
use crate::auth::{self, AuthError};
use crate::cli::{Cli, Command, ListCommand, PartnerCommand};
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
}

/// A command that needs the API client.
enum Job<'a> {
    List(&'a ListCommand),
    Partner(&'a PartnerCommand),
}

pub async fn run(cli: Cli) -> Result<(), RunError> {
    let env = process_env;
    let job = match &cli.command {
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
    let (base_url, tokens): (String, Arc<dyn TokenProvider>) = match &demo {
        Some(sandbox) => (
            sandbox.base_url(),
            StaticToken::new(Secret::new(DEMO_TOKEN)),
        ),
        None => (
            settings.base_url.value.clone(),
            auth::token_provider(&settings, &env),
        ),
    };
    let mut config = ClientConfig::new(base_url);
    config.locale = settings.locale.value.clone();
    let privacy = settings.privacy.value;
    // The explorer learns names even with privacy off, so turning it on hides them at once.
    if privacy || job.is_none() {
        config.names = Some(crate::privacy::Pseudonyms::new());
    }
    if let Some(path) = &cli.global.log_requests {
        let names = config.names.clone().filter(|_| privacy);
        config.log = crate::api::RequestLog::with_file(path.clone(), names);
    }
    let client = ApiClient::new(config, tokens)?;
    let list = match job {
        None => return explore(&settings, client, demo.is_some()).await,
        Some(Job::Partner(command)) => {
            let partner = crate::partner::Context {
                settings: &settings,
                client: &client,
                demo: demo.is_some(),
            };
            return Ok(crate::partner::run(&partner, command).await?);
        }
        Some(Job::List(list)) => list,
    };
    // Listings stream everything: the largest pages unless the operator chose a size.
    let page_size = match settings.page_size.is_explicit() {
        true => settings.page_size.value,
        false => MAX_PAGE_SIZE,
    };
    let stdout = std::io::stdout().lock();
    match client.pseudonyms().filter(|_| privacy) {
        Some(names) => {
            let out = crate::privacy::PrivateWriter::new(stdout, names.clone());
            listing::run(&client, list, page_size, out)
                .await
                .map_err(|e| private_error(e.into(), names))
        }
        None => Ok(listing::run(&client, list, page_size, stdout).await?),
    }
}

/// An error in privacy mode: its text passes the pseudonyms (ids and names in messages).
fn private_error(error: RunError, names: &crate::privacy::Pseudonyms) -> RunError {
    if error.is_silent() {
        return error;
    }
    RunError::Other(names.apply(&error.to_string()).into_owned())
}

/// The interactive explorer (no command given).
async fn explore(settings: &Settings, client: ApiClient, demo: bool) -> Result<(), RunError> {
    use crate::cli::ColorChoice;
    let title = match demo {
        true => "demo".to_string(),
        false => client
            .base_url()
            .host_str()
            .unwrap_or("Partner Center")
            .to_string(),
    };
    let defaults = crate::app::UiOptions::default();
    let options = crate::app::UiOptions {
        // NO_COLOR and --color never are already folded into the setting.
        color: settings.color.value != ColorChoice::Never,
        ascii: settings.ascii.value,
        title,
        page_size: match settings.page_size.is_explicit() {
            true => settings.page_size.value,
            false => defaults.page_size,
        },
        concurrency: settings.concurrency.value,
        // The demo's token is accepted as is: nothing to sign in to.
        signin: (!demo).then(|| sign_in_options(settings)),
        demo,
        privacy: settings.privacy.value,
        ..defaults
    };
    crate::app::run_terminal(client, options)
        .await
        .map_err(|e| RunError::Other(e.to_string()))
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
