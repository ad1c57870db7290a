//! The fetcher: a tokio task that owns the `ApiClient` and runs the explorer's requests in a
//! JoinSet under a concurrency cap. FetchCmd in, FetchDone out (over channels), each tagged
//! with the model's request id; the same query (and page) is never in flight twice; Cancel
//! aborts. Rows are sanitised and indexed here, off the UI loop. It never touches the model.

pub mod query;
pub mod records;
mod subscription_record;

pub use query::{Query, RequestId};

use crate::api::{
    ApiClient, ApiError, CallContext, Cursor, CustomerQuery, CustomerSearch, LicenseGroup, Page,
    Resource, RetryNotice, UserQuery,
};
use crate::subscriptions::SkuResolver;
use records::{CustomerRow, LicenseRow, SkuRow, SubscriptionRow, UserRow};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::{AbortHandle, JoinSet};
use uuid::Uuid;

/// Ask for one page of a query (`page` None = the first).
#[derive(Clone, Debug, PartialEq)]
pub struct FetchCmd {
    pub id: RequestId,
    pub query: Query,
    pub page: Option<Cursor>,
    /// One per user action: all requests of that action share it.
    pub correlation_id: Uuid,
}

/// The rows of one answer.
#[derive(Clone)]
pub enum Payload {
    Customers(Vec<CustomerRow>, Option<Cursor>),
    Users(Vec<UserRow>, Option<Cursor>),
    Licenses(Vec<LicenseRow>),
    Skus(Vec<SkuRow>),
    Subscriptions(Vec<SubscriptionRow>),
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, n, more) = match self {
            Self::Customers(r, next) => ("customers", r.len(), next.is_some()),
            Self::Users(r, next) => ("users", r.len(), next.is_some()),
            Self::Licenses(r) => ("licences", r.len(), false),
            Self::Skus(r) => ("skus", r.len(), false),
            Self::Subscriptions(r) => ("subscriptions", r.len(), false),
        };
        write!(f, "{kind}({n} rows, more: {more})")
    }
}

/// The answer to a FetchCmd.
#[derive(Debug)]
pub struct FetchDone {
    pub id: RequestId,
    pub query: Query,
    pub result: Result<Payload, ApiError>,
}

/// What the fetcher reports.
#[derive(Debug)]
pub enum FetchEvent {
    Done(FetchDone),
    /// The client waits before retrying this request (throttled, server error, network).
    Retrying {
        id: RequestId,
        query: Query,
        notice: RetryNotice,
    },
}

/// What the fetcher accepts.
#[derive(Debug)]
pub enum FetchInput {
    Fetch(FetchCmd),
    Cancel(RequestId),
}

/// Fetcher settings.
#[derive(Clone, Copy, Debug)]
pub struct FetcherConfig {
    /// Customers and users per page (1..=500).
    pub page_size: u32,
    /// Requests at once.
    pub concurrency: usize,
}

/// A running fetcher; dropping it aborts the task and every request.
pub struct Fetcher {
    input: mpsc::UnboundedSender<FetchInput>,
    task: tokio::task::JoinHandle<()>,
}

impl Fetcher {
    /// Starts the task; its reports go to `events`.
    pub fn spawn(
        client: ApiClient,
        config: FetcherConfig,
        events: mpsc::UnboundedSender<FetchEvent>,
    ) -> Self {
        let (input, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(client, config, rx, events));
        Self { input, task }
    }

    /// Sends a command; false if the task has ended.
    pub fn send(&self, input: FetchInput) -> bool {
        self.input.send(input).is_ok()
    }
}

impl Drop for Fetcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Key = (Query, Option<Cursor>);
type JobOutput = (Key, Result<Payload, ApiError>);
type Joined = Result<(tokio::task::Id, JobOutput), tokio::task::JoinError>;

struct Flight {
    task: tokio::task::Id,
    abort: AbortHandle,
    waiters: Vec<RequestId>,
}

async fn run(
    client: ApiClient,
    config: FetcherConfig,
    mut input: mpsc::UnboundedReceiver<FetchInput>,
    out: mpsc::UnboundedSender<FetchEvent>,
) {
    let permits = Arc::new(Semaphore::new(config.concurrency.max(1)));
    // Catalog and offer answers are the same for every customer: one resolver for the session.
    let resolver = SkuResolver::new(client.clone());
    let mut jobs: JoinSet<JobOutput> = JoinSet::new();
    let mut flights: HashMap<Key, Flight> = HashMap::new();
    loop {
        tokio::select! {
            command = input.recv() => match command {
                None => return,
                Some(FetchInput::Fetch(cmd)) => start(&client, &resolver, config, cmd, &permits, &out, &mut jobs, &mut flights),
                Some(FetchInput::Cancel(id)) => cancel(&mut flights, id),
            },
            Some(joined) = jobs.join_next_with_id(), if !jobs.is_empty() => {
                finish(&mut flights, joined, &out);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn start(
    client: &ApiClient,
    resolver: &SkuResolver,
    config: FetcherConfig,
    cmd: FetchCmd,
    permits: &Arc<Semaphore>,
    out: &mpsc::UnboundedSender<FetchEvent>,
    jobs: &mut JoinSet<JobOutput>,
    flights: &mut HashMap<Key, Flight>,
) {
    let key: Key = (cmd.query.clone(), cmd.page.clone());
    if let Some(flight) = flights.get_mut(&key) {
        // The same query and page is already in flight: this id gets the same answer.
        flight.waiters.push(cmd.id);
        return;
    }
    let id = cmd.id;
    let client = client.clone();
    let resolver = resolver.clone();
    let permits = permits.clone();
    let out = out.clone();
    let job_key = key.clone();
    let abort = jobs.spawn(async move {
        // Closed only when the fetcher is dropped, and then this task is aborted too.
        let _permit = permits.acquire_owned().await;
        let result = fetch(&client, &resolver, config, &cmd, out).await;
        (job_key, result)
    });
    flights.insert(
        key,
        Flight {
            task: abort.id(),
            abort,
            waiters: vec![id],
        },
    );
}

fn cancel(flights: &mut HashMap<Key, Flight>, id: RequestId) {
    let Some(key) = flights
        .iter()
        .find(|(_, f)| f.waiters.contains(&id))
        .map(|(k, _)| k.clone())
    else {
        return;
    };
    if let Some(flight) = flights.get_mut(&key) {
        flight.waiters.retain(|w| *w != id);
        if flight.waiters.is_empty() {
            flight.abort.abort();
            flights.remove(&key);
        }
    }
}

fn finish(
    flights: &mut HashMap<Key, Flight>,
    joined: Joined,
    out: &mpsc::UnboundedSender<FetchEvent>,
) {
    let (key, result) = match joined {
        Ok((task, (key, result))) => {
            if flights.get(&key).is_none_or(|f| f.task != task) {
                return;
            }
            (key, result)
        }
        Err(e) if e.is_cancelled() => return,
        Err(e) => {
            // A request task panicked: its waiters get an error instead of waiting forever.
            let task = e.id();
            let Some(key) = flights
                .iter()
                .find(|(_, f)| f.task == task)
                .map(|(k, _)| k.clone())
            else {
                return;
            };
            tracing::error!(error = %e, "a request task failed");
            let error = ApiError::BadData {
                message: "the request failed inside pcx (see the log file)".into(),
                correlation_id: None,
            };
            (key, Err(error))
        }
    };
    let Some(flight) = flights.remove(&key) else {
        return;
    };
    let query = key.0;
    let mut waiters = flight.waiters;
    let last = waiters.pop();
    for id in waiters {
        let _ = out.send(FetchEvent::Done(FetchDone {
            id,
            query: query.clone(),
            result: result.clone(),
        }));
    }
    if let Some(id) = last {
        let _ = out.send(FetchEvent::Done(FetchDone { id, query, result }));
    }
}

/// Licences of both groups in one request, so Minecraft (group2) licences show too.
const BOTH_GROUPS: [LicenseGroup; 2] = [LicenseGroup::Group1, LicenseGroup::Group2];

/// A page's resources as kept rows (sanitised, with their search text), with where the next
/// page is, as the payload `answer` makes of them.
fn kept<T, R>(
    page: Page<T>,
    keep: fn(Resource<T>) -> R,
    answer: fn(Vec<R>, Option<Cursor>) -> Payload,
) -> Payload {
    answer(page.items.into_iter().map(keep).collect(), page.next)
}

async fn fetch(
    client: &ApiClient,
    resolver: &SkuResolver,
    config: FetcherConfig,
    cmd: &FetchCmd,
    out: mpsc::UnboundedSender<FetchEvent>,
) -> Result<Payload, ApiError> {
    let id = cmd.id;
    let query = cmd.query.clone();
    let ctx = CallContext {
        correlation_id: cmd.correlation_id,
        on_retry: None,
    }
    .with_retry_observer(Arc::new(move |notice| {
        let _ = out.send(FetchEvent::Retrying {
            id,
            query: query.clone(),
            notice,
        });
    }));
    let page = cmd.page.as_ref();
    match &cmd.query {
        Query::Customers { search } => {
            let query = CustomerQuery {
                page_size: config.page_size,
                search: search.clone().map(CustomerSearch::CompanyName),
            };
            let page = client.customers_page(&ctx, &query, page).await?;
            Ok(kept(page, CustomerRow::new, Payload::Customers))
        }
        Query::Users {
            customer_id,
            deleted,
        } => {
            let query = UserQuery {
                page_size: config.page_size,
                deleted: *deleted,
            };
            let page = client.users_page(&ctx, customer_id, &query, page).await?;
            Ok(kept(page, UserRow::new, Payload::Users))
        }
        Query::Licenses {
            customer_id,
            user_id,
        } => {
            let items = client
                .user_licenses(&ctx, customer_id, user_id, &BOTH_GROUPS)
                .await?;
            Ok(Payload::Licenses(
                items.into_iter().map(LicenseRow::new).collect(),
            ))
        }
        Query::Skus { customer_id } => {
            let items = client
                .subscribed_skus(&ctx, customer_id, &BOTH_GROUPS)
                .await?;
            Ok(Payload::Skus(items.into_iter().map(SkuRow::new).collect()))
        }
        Query::Subscriptions { customer_id } => {
            let rows = subscription_rows(client, resolver, &ctx, customer_id).await?;
            Ok(Payload::Subscriptions(rows))
        }
    }
}

/// A customer's subscriptions with their SKU join and renewal assessment. Seats come from the
/// subscribed SKUs; where the partner may not read those (no GDAP role), the subscriptions
/// still show, without seat counts.
async fn subscription_rows(
    client: &ApiClient,
    resolver: &SkuResolver,
    ctx: &CallContext,
    customer_id: &str,
) -> Result<Vec<SubscriptionRow>, ApiError> {
    let subs = client.subscriptions(ctx, customer_id).await?;
    let skus = match client.subscribed_skus(ctx, customer_id, &BOTH_GROUPS).await {
        Ok(skus) => skus,
        Err(e @ (ApiError::NoAccess(_) | ApiError::NotFound(_))) => {
            tracing::info!(error = %e, "subscriptions without seat counts");
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    let matches = resolver.resolve_all(ctx, customer_id, &subs, &skus).await;
    let today = crate::subscriptions::dates::today_utc();
    Ok(subs
        .into_iter()
        .zip(matches)
        .map(|(sub, sku)| SubscriptionRow::new(sub, sku, &skus, today))
        .collect())
}
