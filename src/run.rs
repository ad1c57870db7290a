//! Dispatch of a parsed command line: builds the client from the settings and runs the
//! command. The binary's `main` only parses, sets up logging and prints the error.

use crate::api::{
    ApiClient, ApiError, ClientConfig, NoToken, Secret, StaticToken, TokenProvider,
    client::DEFAULT_BASE_URL,
};
use crate::cli::{Cli, Command};
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
    #[error("{0}")]
    Other(String),
}

impl RunError {
    /// Nothing to report (the reader of our output went away).
    pub fn is_silent(&self) -> bool {
        matches!(self, Self::Listing(e) if e.is_broken_pipe())
    }
}

const SIGN_IN_HINT: &str = "not signed in: set PCX_ACCESS_TOKEN to a Partner Center access token, \
or try pcx without credentials with --demo";

pub async fn run(cli: Cli) -> Result<(), RunError> {
    if let Some(Command::Sandbox(args)) = &cli.command {
        return Ok(sandbox::serve(args).await?);
    }
    let Some(command) = &cli.command else {
        return Err(RunError::Other(
            "the interactive explorer is not available in this build yet".into(),
        ));
    };
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
            cli.global
                .base_url
                .clone()
                .or_else(|| std::env::var("PCX_BASE_URL").ok())
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
            match std::env::var("PCX_ACCESS_TOKEN") {
                Ok(token) if !token.trim().is_empty() => {
                    StaticToken::new(Secret::new(token.trim()))
                }
                _ => Arc::new(NoToken(SIGN_IN_HINT.into())),
            },
        ),
    };
    let mut config = ClientConfig::new(base_url);
    config.locale = cli.global.locale.clone();
    let client = ApiClient::new(config, tokens)?;
    let stdout = std::io::stdout().lock();
    if listing::run(&client, command, crate::api::client::MAX_PAGE_SIZE, stdout).await? {
        return Ok(());
    }
    Err(RunError::Other(format!(
        "{command:?} is not available in this build yet"
    )))
}

/// The demo partner on a random loopback port, in this process.
pub async fn start_demo() -> Result<Sandbox, SandboxError> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    Sandbox::start(SandboxConfig::demo(), addr)
        .await
        .map_err(|source| SandboxError::Start { addr, source })
}
