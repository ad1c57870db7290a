//! The listing commands (`customers`, `users`, `licenses`, `skus`, `subscriptions`): fetch
//! through the client and stream each page to stdout as it arrives. While they wait (no answer
//! yet, a throttle, a retry) they say so in one line on stderr instead of going silent.

use crate::api::access::{Call, no_access_advice};
use crate::api::{
    ApiClient, ApiError, CallContext, Cursor, CustomerQuery, CustomerSearch, LicenseGroup, Page,
    Resource, RetryNotice, UserQuery, client::MAX_PAGE_SIZE,
};
use crate::cli::{GroupArg, ListCommand, OutputArgs, OutputFormat};
use crate::output::{Listable, Listing};
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

/// Why a listing failed.
#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    #[error("cannot list {what}: {source}{}", advice.as_ref().map(|a| format!("; {a}")).unwrap_or_default())]
    Api {
        what: &'static str,
        source: ApiError,
        /// What to do, when the failure says (a refused token, a missing role).
        advice: Option<String>,
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

/// The listing error for a failed call, with what to do about a refused token (it depends on
/// the token source) or a 403 (a Partner Center role or a GDAP role, depending on the call).
fn failed(client: &ApiClient, what: &'static str, call: Call) -> impl Fn(ApiError) -> ListingError {
    let refused = client.refused_advice();
    move |source| {
        let advice = match &source {
            ApiError::SignedOut(_) => refused.map(str::to_string),
            ApiError::NoAccess(_) => Some(no_access_advice(call)),
            _ => None,
        };
        ListingError::Api {
            what,
            source,
            advice,
        }
    }
}

/// Writes every page of a paged listing as it arrives, following continuation cursors.
async fn write_pages<W, T, F, Fut>(
    mut listing: Listing<W, T>,
    failed: impl Fn(ApiError) -> ListingError,
    mut fetch: F,
) -> Result<(), ListingError>
where
    W: Write,
    T: Listable,
    F: FnMut(Option<Cursor>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let mut cursor = None;
    loop {
        let page = fetch(cursor.take()).await.map_err(&failed)?;
        listing.page(&page.items)?;
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(listing.finish()?)
}

/// How long a call may go unanswered before the listing says it is waiting.
const PATIENCE: Duration = Duration::from_secs(10);

/// "waiting 20 s for Partner Center (throttled (HTTP 429); attempt 2 of 4)…"
pub fn waiting_line(notice: &RetryNotice) -> String {
    if notice.for_token {
        return format!(
            "waiting for {} to give a token…",
            crate::text::sanitize(&notice.reason)
        );
    }
    let secs = notice.wait.as_secs() + u64::from(notice.wait.subsec_nanos() > 0);
    format!(
        "waiting {secs} s for Partner Center ({}; attempt {} of {}, giving up in {} s at most)…",
        crate::text::sanitize(&notice.reason),
        notice.next_attempt,
        notice.max_attempts,
        notice.gives_up_in.as_secs()
    )
}

/// Awaits a call; if it has no answer after a while, says so once on stderr (a stalled
/// server must not look like a hung pcx).
async fn patiently<T>(call: impl Future<Output = T>, deadline: Duration) -> T {
    let mut call = std::pin::pin!(call);
    tokio::select! {
        out = &mut call => return out,
        () = tokio::time::sleep(PATIENCE) => eprintln!(
            "pcx: waiting for Partner Center: no answer for {} s yet (giving up after {} s at most)…",
            PATIENCE.as_secs(),
            deadline.as_secs()
        ),
    }
    call.await
}

fn groups(args: &[GroupArg]) -> Vec<LicenseGroup> {
    args.iter()
        .map(|g| match g {
            GroupArg::Group1 => LicenseGroup::Group1,
            GroupArg::Group2 => LicenseGroup::Group2,
        })
        .collect()
}

/// Writes a listing that comes in one answer (a short list, every page already followed).
async fn write_once<W: Write, T: Listable>(
    mut listing: Listing<W, T>,
    failed: impl Fn(ApiError) -> ListingError,
    call: impl Future<Output = Result<Vec<Resource<T>>, ApiError>>,
) -> Result<(), ListingError> {
    let items = call.await.map_err(failed)?;
    listing.page(&items)?;
    Ok(listing.finish()?)
}

/// `--search` (a company name prefix) wins over `--domain` (a domain prefix).
fn customer_query(
    page_size: u32,
    search: &Option<String>,
    domain: &Option<String>,
) -> CustomerQuery {
    CustomerQuery {
        page_size,
        search: match (search, domain) {
            (Some(prefix), _) => Some(CustomerSearch::CompanyName(prefix.clone())),
            (None, Some(prefix)) => Some(CustomerSearch::Domain(prefix.clone())),
            (None, None) => None,
        },
    }
}

/// What a listing command lists (for its error message and advice) and how to write it.
fn describe(command: &ListCommand) -> (&'static str, Call, &OutputArgs) {
    match command {
        ListCommand::Customers { output, .. } => ("customers", Call::Customers, output),
        ListCommand::Users { output, .. } => ("users", Call::Users, output),
        ListCommand::Licenses { output, .. } => ("licences", Call::Licenses, output),
        ListCommand::Skus { output, .. } => ("subscribed SKUs", Call::Skus, output),
        ListCommand::Subscriptions { output, .. } => ("subscriptions", Call::Subscriptions, output),
    }
}

/// Runs one listing command, writing to `out`.
pub async fn run(
    client: &ApiClient,
    command: &ListCommand,
    page_size: u32,
    out: impl Write,
) -> Result<(), ListingError> {
    let ctx = CallContext::new().with_retry_observer(Arc::new(|notice: RetryNotice| {
        eprintln!("pcx: {}", waiting_line(&notice));
    }));
    let ctx = &ctx;
    let deadline = client.deadline();
    let page_size = page_size.clamp(1, MAX_PAGE_SIZE);
    let (what, call, output) = describe(command);
    let failed = failed(client, what, call);
    let format = effective_format(output.output);
    let width = table_width();
    match command {
        ListCommand::Customers { search, domain, .. } => {
            let query = &customer_query(page_size, search, domain);
            let fetch = |cursor: Option<Cursor>| async move {
                patiently(client.customers_page(ctx, query, cursor.as_ref()), deadline).await
            };
            write_pages(Listing::new(out, format, width), failed, fetch).await
        }
        ListCommand::Users {
            customer_id,
            deleted,
            ..
        } => {
            let query = &UserQuery {
                page_size,
                deleted: *deleted,
            };
            let fetch = |cursor: Option<Cursor>| async move {
                let page = client.users_page(ctx, customer_id, query, cursor.as_ref());
                patiently(page, deadline).await
            };
            write_pages(Listing::new(out, format, width), failed, fetch).await
        }
        ListCommand::Licenses {
            customer_id,
            user_id,
            groups: group_args,
            ..
        } => {
            let groups = groups(group_args);
            let call = client.user_licenses(ctx, customer_id, user_id, &groups);
            write_once(
                Listing::new(out, format, width),
                failed,
                patiently(call, deadline),
            )
            .await
        }
        ListCommand::Skus {
            customer_id,
            groups: group_args,
            ..
        } => {
            let groups = groups(group_args);
            let call = client.subscribed_skus(ctx, customer_id, &groups);
            write_once(
                Listing::new(out, format, width),
                failed,
                patiently(call, deadline),
            )
            .await
        }
        // A customer has a handful of subscriptions: every page, then one write.
        ListCommand::Subscriptions { customer_id, .. } => {
            let call = client.subscriptions(ctx, customer_id);
            write_once(
                Listing::new(out, format, width),
                failed,
                patiently(call, deadline),
            )
            .await
        }
    }
}
