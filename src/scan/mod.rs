//! `pcx scan`'s engine: walks the partner (customers, their subscribed SKUs and subscriptions,
//! with users every user's licences) through the shared `ApiClient`, under a scheduler that respects Partner
//! Center's throttling, and streams one record per customer to a writer thread that stores it
//! in one transaction. Knows nothing of the terminal: progress is counters, the caller shows
//! them. Must not import the app or the UI.

mod convert;
mod limiter;
mod progress;
mod walk;

pub use limiter::{AdaptiveCap, TenantBudget};
pub use progress::{Failure, Progress, ProgressView};

use crate::api::{ApiClient, ApiError, Cursor, CustomerQuery, CustomerSearch};
use crate::store::{CustomerRecord, Store, StoreError};
use crate::subscriptions::SkuResolver;
use std::collections::HashSet;
use std::sync::{Arc, Weak};
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

/// Partner Center's budget for customer resources: 500 requests a minute per tenant.
pub const TENANT_BUDGET_PER_MINUTE: u32 = 500;

/// Which customers a scan covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Company names starting with this (server-side).
    Search(String),
    Customers(Vec<String>),
}

impl Scope {
    /// The text stored with a snapshot, so `--resume` repeats the same scope.
    pub fn to_text(&self) -> String {
        match self {
            Self::All => "all".into(),
            Self::Search(prefix) => format!("search:{prefix}"),
            Self::Customers(ids) => format!("customers:{}", ids.join(",")),
        }
    }

    pub fn from_text(text: &str) -> Self {
        if let Some(prefix) = text.strip_prefix("search:") {
            return Self::Search(prefix.to_string());
        }
        match text.strip_prefix("customers:") {
            Some(ids) => Self::Customers(
                ids.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            None => Self::All,
        }
    }
}

/// How a scan runs.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub with_users: bool,
    pub scope: Scope,
    /// Requests in flight at most (the cap's ceiling).
    pub concurrency: usize,
    /// Requests a minute per customer tenant.
    pub tenant_budget: u32,
    pub page_size: u32,
}

/// Why a scan stopped before the end (a failing customer is not one: it is recorded).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("cannot list the customers: {0}")]
    Listing(ApiError),
    #[error("the scan stopped: {0}")]
    Api(ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

/// How a scan ended. The store comes back so the caller can close the snapshot.
pub struct ScanEnd {
    /// `None` only if the writer thread itself died (a defect); the snapshot stays incomplete.
    pub store: Option<Store>,
    /// Ctrl-C (or the caller) stopped it; the snapshot stays incomplete.
    pub interrupted: bool,
    /// What stopped it, if anything did; customers stored before stay stored.
    pub error: Option<ScanError>,
}

/// A customer to read.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub id: String,
    pub name: Option<String>,
    pub domain: Option<String>,
    pub raw: String,
}

/// Shared by every task of one scan.
pub(crate) struct Scan {
    client: ApiClient,
    /// Ties subscriptions to SKUs; catalog answers are shared by every customer of the scan.
    resolver: SkuResolver,
    options: ScanOptions,
    cap: AdaptiveCap,
    budget: TenantBudget,
    progress: Arc<Progress>,
    weak: Weak<Scan>,
}

/// Runs a scan into `snapshot` of `store`, skipping customers the snapshot already holds
/// complete. Stops within moments when `cancel` turns true. The caller keeps `progress` to
/// show it.
pub async fn run(
    client: ApiClient,
    options: ScanOptions,
    store: Store,
    snapshot: i64,
    progress: &Arc<Progress>,
    mut cancel: watch::Receiver<bool>,
) -> ScanEnd {
    let skip = match store.done_customers(snapshot) {
        Ok(skip) => skip,
        Err(e) => {
            return ScanEnd {
                store: Some(store),
                interrupted: false,
                error: Some(e.into()),
            };
        }
    };
    let concurrency = options.concurrency.max(1);
    let counted = Arc::clone(progress);
    let resolver =
        SkuResolver::new(client.clone()).with_request_observer(Arc::new(move || counted.request()));
    let scan = Arc::new_cyclic(|weak| Scan {
        resolver,
        client,
        cap: AdaptiveCap::new(concurrency),
        budget: TenantBudget::new(options.tenant_budget),
        options,
        progress: Arc::clone(progress),
        weak: weak.clone(),
    });
    progress.set_cap(concurrency);
    // A small queue: memory holds only the customers in flight and a few waiting to be written.
    let (tx, rx) = mpsc::channel::<CustomerRecord>(concurrency);
    let writer = spawn_writer(store, snapshot, rx, Arc::clone(progress));
    let (interrupted, mut error) = {
        let work = scan.walk(tx, skip);
        tokio::pin!(work);
        tokio::select! {
            result = &mut work => (false, result.err()),
            _ = stopped(&mut cancel) => (true, None),
        }
    };
    // The work future (and with it every task and sender) is gone: the writer drains and ends.
    let (store, write_error) = match tokio::task::spawn_blocking(move || writer.join()).await {
        Ok(Ok(done)) => done,
        _ => {
            return ScanEnd {
                store: None,
                interrupted,
                error: Some(ScanError::Internal(
                    "the store writer stopped unexpectedly".into(),
                )),
            };
        }
    };
    if let Some(e) = write_error {
        error = Some(ScanError::Store(e));
    }
    ScanEnd {
        store: Some(store),
        interrupted,
        error,
    }
}

/// Resolves when `cancel` turns true; a dropped sender means nobody can stop the scan.
async fn stopped(cancel: &mut watch::Receiver<bool>) {
    if cancel.wait_for(|stop| *stop).await.is_err() {
        std::future::pending::<()>().await;
    }
}

type WriterResult = (Store, Option<StoreError>);

/// The one writer: a thread (SQLite blocks) committing one customer per transaction.
fn spawn_writer(
    mut store: Store,
    snapshot: i64,
    mut rx: mpsc::Receiver<CustomerRecord>,
    progress: Arc<Progress>,
) -> std::thread::JoinHandle<WriterResult> {
    std::thread::spawn(move || {
        while let Some(record) = rx.blocking_recv() {
            if let Err(e) = store.write_customer(snapshot, &record) {
                return (store, Some(e));
            }
            if let Some(reason) = &record.failure {
                progress.failed(Failure {
                    customer_id: record.id.clone(),
                    company_name: record.company_name.clone(),
                    reason: reason.clone(),
                });
            }
            progress.customer_stored();
        }
        (store, None)
    })
}

impl Scan {
    async fn walk(
        self: &Arc<Self>,
        tx: mpsc::Sender<CustomerRecord>,
        skip: HashSet<String>,
    ) -> Result<(), ScanError> {
        let targets = self.targets().await?;
        let skipped = targets
            .iter()
            .filter(|t| skip.contains(target_id(t)))
            .count() as u64;
        self.progress
            .customers_listed(targets.len() as u64, skipped);
        // Enough customers in flight to keep the cap busy, few enough to keep memory flat.
        let customers = Arc::new(Semaphore::new(self.options.concurrency.max(1) * 2));
        let mut tasks: JoinSet<Result<(), ScanError>> = JoinSet::new();
        for target in targets {
            if skip.contains(target_id(&target)) {
                continue;
            }
            let Ok(permit) = Arc::clone(&customers).acquire_owned().await else {
                break;
            };
            while let Some(done) = tasks.try_join_next() {
                joined(done)?;
            }
            let scan = Arc::clone(self);
            let tx = tx.clone();
            tasks.spawn(async move {
                let record = match target {
                    Ok(target) => scan.customer(target).await?,
                    Err(failed) => failed,
                };
                drop(permit);
                tx.send(record).await.map_err(|_| {
                    ScanError::Internal("the store writer stopped; see the error above".into())
                })
            });
        }
        while let Some(done) = tasks.join_next().await {
            joined(done)?;
        }
        Ok(())
    }

    /// The customers in scope; one asked for by id that cannot be read is a failed record.
    async fn targets(&self) -> Result<Vec<Result<Target, CustomerRecord>>, ScanError> {
        let client = &self.client;
        let search = match &self.options.scope {
            Scope::Customers(ids) => {
                let mut out = Vec::new();
                for id in ids {
                    let result = self
                        .call(id, |ctx| async move { client.customer(&ctx, id).await })
                        .await;
                    out.push(match result {
                        Ok(item) => convert::customer(&item).ok_or_else(|| failed(id, "no id")),
                        Err(e) => Err(failed(id, &e.to_string())),
                    });
                }
                return Ok(out);
            }
            Scope::Search(prefix) => Some(CustomerSearch::CompanyName(prefix.clone())),
            Scope::All => None,
        };
        let query = CustomerQuery {
            page_size: self.options.page_size,
            search,
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut cursor: Option<Cursor> = None;
        loop {
            let (q, c) = (&query, &cursor);
            let page = self
                .call("partner", |ctx| async move {
                    client.customers_page(&ctx, q, c.as_ref()).await
                })
                .await
                .map_err(ScanError::Listing)?;
            for target in page.items.iter().filter_map(convert::customer) {
                // A page boundary that moved can repeat a customer; it is read once.
                if seen.insert(target.id.clone()) {
                    out.push(Ok(target));
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(out),
            }
        }
    }
}

fn target_id(target: &Result<Target, CustomerRecord>) -> &str {
    match target {
        Ok(t) => &t.id,
        Err(r) => &r.id,
    }
}

fn failed(id: &str, reason: &str) -> CustomerRecord {
    CustomerRecord {
        id: id.to_ascii_lowercase(),
        raw: serde_json::json!({ "id": id }).to_string(),
        failure: Some(crate::text::sanitize(reason).into_owned()),
        ..CustomerRecord::default()
    }
}

fn joined(done: Result<Result<(), ScanError>, tokio::task::JoinError>) -> Result<(), ScanError> {
    match done {
        Ok(result) => result,
        Err(e) => Err(ScanError::Internal(format!("a customer task failed: {e}"))),
    }
}
