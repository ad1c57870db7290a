//! The listing commands (`customers`, `users`, `licenses`, `skus`, `subscriptions`): fetch through the client and
//! stream each page to stdout as it arrives.

use crate::api::{
    ApiClient, ApiError, CallContext, CustomerQuery, CustomerSearch, LicenseGroup, UserQuery,
    client::MAX_PAGE_SIZE,
};
use crate::cli::{Command, GroupArg, OutputFormat};
use crate::output::Listing;
use std::io::{self, IsTerminal, Write};

/// Why a listing failed.
#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error("cannot list {what}: {source}")]
    Api {
        what: &'static str,
        source: ApiError,
    },
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
}

impl ListingError {
    /// The reader went away (`pcx customers | head`): not worth an error message.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// The format to use: as asked, else a table on a terminal and JSON otherwise.
pub fn effective_format(asked: Option<OutputFormat>) -> OutputFormat {
    asked.unwrap_or(if io::stdout().is_terminal() {
        OutputFormat::Table
    } else {
        OutputFormat::Json
    })
}

/// Width the table must fit: the terminal's, else `$COLUMNS`, else 120.
pub fn table_width() -> usize {
    if io::stdout().is_terminal()
        && let Ok((cols, _)) = crossterm::terminal::size()
        && cols > 0
    {
        return cols as usize;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(120)
}

fn failed(what: &'static str) -> impl Fn(ApiError) -> ListingError {
    move |source| ListingError::Api { what, source }
}

fn groups(args: &[GroupArg]) -> Vec<LicenseGroup> {
    args.iter()
        .map(|g| match g {
            GroupArg::Group1 => LicenseGroup::Group1,
            GroupArg::Group2 => LicenseGroup::Group2,
        })
        .collect()
}

/// Runs one listing command, writing to `out`. Returns `false` for a command that is not a listing.
pub async fn run(
    client: &ApiClient,
    command: &Command,
    page_size: u32,
    out: impl Write,
) -> Result<bool, ListingError> {
    let ctx = CallContext::new();
    let width = table_width();
    let page_size = page_size.clamp(1, MAX_PAGE_SIZE);
    match command {
        Command::Customers {
            search,
            domain,
            output,
        } => {
            let query = CustomerQuery {
                page_size,
                search: match (search, domain) {
                    (Some(prefix), _) => Some(CustomerSearch::CompanyName(prefix.clone())),
                    (None, Some(prefix)) => Some(CustomerSearch::Domain(prefix.clone())),
                    (None, None) => None,
                },
            };
            let mut listing = Listing::new(out, effective_format(output.output), width);
            let mut cursor = None;
            loop {
                let page = client
                    .customers_page(&ctx, &query, cursor.as_ref())
                    .await
                    .map_err(failed("customers"))?;
                listing.page(&page.items)?;
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            listing.finish()?;
        }
        Command::Users {
            customer_id,
            deleted,
            output,
        } => {
            let query = UserQuery {
                page_size,
                deleted: *deleted,
            };
            let mut listing = Listing::new(out, effective_format(output.output), width);
            let mut cursor = None;
            loop {
                let page = client
                    .users_page(&ctx, customer_id, &query, cursor.as_ref())
                    .await
                    .map_err(failed("users"))?;
                listing.page(&page.items)?;
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            listing.finish()?;
        }
        Command::Licenses {
            customer_id,
            user_id,
            groups: group_args,
            output,
        } => {
            let items = client
                .user_licenses(&ctx, customer_id, user_id, &groups(group_args))
                .await
                .map_err(failed("licences"))?;
            let mut listing = Listing::new(out, effective_format(output.output), width);
            listing.page(&items)?;
            listing.finish()?;
        }
        Command::Skus {
            customer_id,
            groups: group_args,
            output,
        } => {
            let items = client
                .subscribed_skus(&ctx, customer_id, &groups(group_args))
                .await
                .map_err(failed("subscribed SKUs"))?;
            let mut listing = Listing::new(out, effective_format(output.output), width);
            listing.page(&items)?;
            listing.finish()?;
        }
        Command::Subscriptions {
            customer_id,
            output,
        } => {
            // A customer has a handful of subscriptions: every page, then one write.
            let items = client
                .subscriptions(&ctx, customer_id)
                .await
                .map_err(failed("subscriptions"))?;
            let mut listing = Listing::new(out, effective_format(output.output), width);
            listing.page(&items)?;
            listing.finish()?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}
