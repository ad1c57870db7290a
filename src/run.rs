//! Dispatch of a parsed command line: builds the client from the settings and runs the
//! command. The binary's `main` only parses, sets up logging and prints the error.

use crate::api::{
    ApiClient, ApiError, ClientConfig, NoToken, Secret, StaticToken, TokenProvider,
    client::DEFAULT_BASE_URL,
};
use crate::cli::Cli;
use crate::listing::{self, ListingError};
use std::sync::Arc;

/// What ends a pcx run unsuccessfully.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Listing(#[from] ListingError),
    #[error(transparent)]
    Api(#[from] ApiError),
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
    let Some(command) = &cli.command else {
        return Err(RunError::Other(
            "the interactive explorer is not available in this build yet".into(),
        ));
    };
    let base_url = cli
        .global
        .base_url
        .clone()
        .or_else(|| std::env::var("PCX_BASE_URL").ok())
        .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let tokens: Arc<dyn TokenProvider> = match std::env::var("PCX_ACCESS_TOKEN") {
        Ok(token) if !token.trim().is_empty() => StaticToken::new(Secret::new(token.trim())),
        _ => Arc::new(NoToken(SIGN_IN_HINT.into())),
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
