//! The explorer's edge to the store and the scan: reports and snapshot figures are read on
//! tokio's blocking pool (SQLite blocks; never on the UI loop), a background scan runs as a
//! task reporting progress every quarter second, and every answer comes back as a `Msg`.
//! The demo's store lives in memory: the scan borrows it and gives it back when it ends.

use super::edge::EdgeSender;
use super::msg::Msg;
use super::partner_view::{CustomerFigures, SnapshotSummary, UserSkus};
use super::report_pane::{ReportKind, ReportTable};
use crate::api::ApiClient;
use crate::fetch::RequestId;
use crate::report::{self, DiffOptions};
use crate::scan::{self, Progress, ScanOptions, Scope};
use crate::store::{
    LicenseKey, Location, NewSnapshot, PartnerKey, ScanLock, SnapshotInfo, Store, StoreError,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Which store the explorer reads and which partner's snapshots are its own.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub location: Location,
    pub partner: PartnerKey,
}

impl Default for StoreOptions {
    /// The demo's: in memory, nothing on disk.
    fn default() -> Self {
        Self {
            location: Location::Memory,
            partner: PartnerKey {
                base_url: "demo".into(),
                tenant: String::new(),
            },
        }
    }
}

/// Shared by the reads and the scan.
struct Shared {
    options: StoreOptions,
    /// The open store; None while a scan holds the in-memory store, or before the first use.
    store: Mutex<Option<Store>>,
    /// A scan holds the in-memory store.
    scanning: AtomicBool,
    tx: EdgeSender,
    /// Privacy mode's pseudonyms learn the names in every report read.
    names: Option<crate::privacy::Pseudonyms>,
}

pub struct StoreTask {
    shared: Arc<Shared>,
    client: ApiClient,
    concurrency: usize,
    page_size: u32,
    stop: Option<watch::Sender<bool>>,
}

impl StoreTask {
    pub fn new(
        options: StoreOptions,
        client: ApiClient,
        concurrency: usize,
        page_size: u32,
        tx: EdgeSender,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                options,
                store: Mutex::new(None),
                scanning: AtomicBool::new(false),
                tx,
                names: client.pseudonyms().cloned(),
            }),
            client,
            concurrency,
            page_size,
            stop: None,
        }
    }

    /// Reads a report off the UI loop; the answer comes back as `Msg::Report`.
    pub fn report(&self, id: RequestId, kind: ReportKind) {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            let result = shared
                .with_store(|store| build(store, &shared.options.partner, &kind))
                .map(|(built, label)| {
                    if let Some(names) = &shared.names {
                        built.learn_names(names);
                    }
                    ReportTable::new(&built, label)
                })
                .map_err(|e| e.to_string());
            let _ = shared.tx.send(Msg::Report { id, kind, result });
        });
    }

    /// Reads the latest complete snapshot's figures; the answer comes back as `Msg::Snapshot`.
    pub fn snapshot(&self) {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            let result = match &shared.options.location {
                // Before the first scan: no snapshot, and the status bar says how to get one.
                Location::File(path) if !path.exists() => Ok(None),
                _ => shared
                    .with_store(|store| summary(store, &shared.options.partner))
                    .map_err(|e| e.to_string()),
            };
            let _ = shared.tx.send(Msg::Snapshot(result));
        });
    }

    /// Starts (or resumes) a scan in the background.
    pub fn scan(&mut self, with_users: bool) {
        let (stop, cancel) = watch::channel(false);
        self.stop = Some(stop);
        let shared = Arc::clone(&self.shared);
        let client = self.client.clone();
        let options = ScanOptions {
            with_users,
            scope: Scope::All,
            concurrency: self.concurrency.max(1),
            tenant_budget: scan::TENANT_BUDGET_PER_MINUTE,
            page_size: self.page_size,
        };
        tokio::spawn(async move {
            let (text, complete) = run_scan(&shared, client, options, cancel).await;
            let _ = shared.tx.send(Msg::ScanEnded { text, complete });
        });
    }

    /// Interrupts the scan; the snapshot stays incomplete and `:scan` resumes it.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send_replace(true);
        }
    }
}

impl Shared {
    /// Runs `f` on the store, opening it on first use. While a scan holds the in-memory store
    /// there is nothing to read; a file store is read through a connection of its own.
    fn with_store<T>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            match &self.options.location {
                Location::File(path) if !path.exists() => {
                    return Err(StoreError::NotFound(format!(
                        "no store at {} yet: :scan makes one",
                        path.display()
                    )));
                }
                Location::File(_) => *guard = Some(Store::open(&self.options.location)?),
                Location::Memory if !self.scanning.load(Ordering::SeqCst) => {
                    *guard = Some(Store::open(&self.options.location)?)
                }
                Location::Memory => {
                    return Err(StoreError::NotFound(
                        "the scan is writing the store: the report reads it when the scan ends"
                            .into(),
                    ));
                }
            }
        }
        match guard.as_ref() {
            Some(store) => f(store),
            None => Err(StoreError::NotFound("the store is not open".into())),
        }
    }
}

/// The complete snapshots of this partner (never another's), oldest first.
fn complete(store: &Store, partner: &PartnerKey) -> Result<Vec<SnapshotInfo>, StoreError> {
    let all = store.snapshots()?;
    Ok(all
        .into_iter()
        .filter(|s| s.complete && s.base_url == partner.base_url)
        .collect())
}

/// The snapshot a report reads: the latest complete one of this partner.
fn latest(store: &Store, partner: &PartnerKey) -> Result<SnapshotInfo, StoreError> {
    complete(store, partner)?.pop().ok_or_else(|| {
        StoreError::NotFound("no complete scan of this partner yet: :scan users makes one".into())
    })
}

fn build(
    store: &Store,
    partner: &PartnerKey,
    kind: &ReportKind,
) -> Result<(report::Report, String), StoreError> {
    let source = |s: &SnapshotInfo| {
        let when = s.finished.as_deref().unwrap_or(&s.started);
        format!("snapshot {} of {when}", s.id)
    };
    let (built, label) = match kind {
        ReportKind::Snapshots => (
            report::snapshots(&store.snapshots()?),
            "all snapshots".into(),
        ),
        ReportKind::Diff(a, b) => {
            let complete = complete(store, partner)?;
            let (a, b) = match (a, b) {
                (Some(a), Some(b)) => (*a, *b),
                (Some(a), None) => match complete.last() {
                    Some(b) => (*a, b.id),
                    None => return Err(store.no_snapshot()),
                },
                _ => match complete.as_slice() {
                    [.., a, b] => (a.id, b.id),
                    _ => {
                        return Err(StoreError::NotFound(format!(
                            "a diff needs two complete scans of this partner; found {}",
                            complete.len()
                        )));
                    }
                },
            };
            let built = report::diff(
                store,
                DiffOptions {
                    before: a,
                    after: b,
                },
            )?;
            (built, format!("snapshot {a} to {b}"))
        }
        kind => {
            let snapshot = latest(store, partner)?;
            let built = match kind {
                ReportKind::Problems => report::problems(store, snapshot.id)?,
                ReportKind::Seats => report::seats(store, snapshot.id, 1)?,
                ReportKind::WhoHas(q) => report::who_has(store, snapshot.id, q)?,
                ReportKind::Renewals(days) => {
                    report::renewals(store, snapshot.id, i64::from(*days))?
                }
                _ => report::totals(store, snapshot.id)?,
            };
            (built, source(&snapshot))
        }
    };
    Ok((built, label))
}

/// The latest complete snapshot's figures per customer and licences per user.
fn summary(store: &Store, partner: &PartnerKey) -> Result<Option<SnapshotSummary>, StoreError> {
    let Some(snapshot) = complete(store, partner)?.pop() else {
        return Ok(None);
    };
    let mut customers = HashMap::new();
    for t in store.totals(snapshot.id)? {
        customers.insert(
            t.customer_id.into_boxed_str(),
            CustomerFigures {
                users: t.users,
                licensed: t.licensed_users,
                seats_total: t.seats_total,
                seats_consumed: t.seats_consumed,
                problems: t.problems,
            },
        );
    }
    let mut users: HashMap<Box<str>, UserSkus> = HashMap::new();
    if snapshot.with_users {
        store.each(&LicenseKey::WALK, snapshot.id, |l| {
            let entry = users.entry(l.user_id.into_boxed_str()).or_default();
            let name = l.part_number.unwrap_or(l.sku_id);
            entry.skus = match entry.skus.is_empty() {
                true => name.into_boxed_str(),
                false => format!("{}, {name}", entry.skus).into_boxed_str(),
            };
        })?;
        for p in store.problem_plans(snapshot.id)? {
            if let Some(user) = p.user_id {
                users.entry(user.into_boxed_str()).or_default().attention = true;
            }
        }
    }
    let age = snapshot
        .finished
        .as_deref()
        .and_then(|f| f.parse::<jiff::Timestamp>().ok())
        .and_then(|f| {
            let secs = jiff::Timestamp::now().as_second() - f.as_second();
            u64::try_from(secs).ok()
        })
        .map_or(Duration::ZERO, Duration::from_secs);
    Ok(Some(SnapshotSummary {
        id: snapshot.id,
        age,
        read_at: Instant::now(),
        customers,
        users,
    }))
}

/// Runs one scan to its end; returns what to tell the operator and whether it completed.
async fn run_scan(
    shared: &Arc<Shared>,
    client: ApiClient,
    options: ScanOptions,
    cancel: watch::Receiver<bool>,
) -> (String, bool) {
    let prepared = {
        let shared = Arc::clone(shared);
        let with_users = options.with_users;
        tokio::task::spawn_blocking(move || prepare(&shared, with_users)).await
    };
    let (store, snapshot, lock, resumed) = match prepared {
        Ok(Ok(ready)) => ready,
        Ok(Err(e)) => return (format!("the scan could not start: {e}"), false),
        Err(_) => return ("the scan could not start (see the log file)".into(), false),
    };
    let progress = Arc::new(Progress::new());
    let ticker = {
        let progress = Arc::clone(&progress);
        let tx = shared.tx.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(250));
            loop {
                every.tick().await;
                if tx.send(Msg::ScanProgress(progress.view())).is_err() {
                    break;
                }
            }
        })
    };
    let end = scan::run(client, options, store, snapshot, &progress, cancel).await;
    ticker.abort();
    let view = progress.view();
    let complete = !end.interrupted && end.error.is_none();
    let counters = view.counters();
    let shared = Arc::clone(shared);
    let closed = tokio::task::spawn_blocking(move || {
        let mut store = end.store?;
        let result = store.finish_snapshot(snapshot, counters, complete);
        let mut guard = shared.store.lock().unwrap_or_else(|p| p.into_inner());
        // The memory store goes back for reading; a file store keeps its own reader.
        if shared.options.location == Location::Memory || guard.is_none() {
            *guard = Some(store);
        }
        shared.scanning.store(false, Ordering::SeqCst);
        drop(lock);
        Some(result)
    })
    .await;
    let failed = view.failures;
    let again = if resumed { " (resumed)" } else { "" };
    match (end.interrupted, end.error, closed) {
        (true, _, _) => (
            format!("scan stopped: snapshot {snapshot} is incomplete; :scan resumes it"),
            false,
        ),
        (_, Some(e), _) => (format!("the scan stopped: {e}"), false),
        (_, None, Ok(Some(Ok(())))) => (
            format!(
                "snapshot {snapshot} complete{again}: {} customers, {} users, {} requests, {failed} failed",
                view.customers_done, view.users_done, view.requests
            ),
            true,
        ),
        (_, None, Ok(Some(Err(e)))) => (format!("the scan could not be closed: {e}"), false),
        _ => (
            "the store writer stopped unexpectedly (see the log file)".into(),
            false,
        ),
    }
}

type Prepared = (Store, i64, Option<ScanLock>, bool);

/// The store the scan writes to and its snapshot: an incomplete one of this partner is
/// resumed, else a new one starts.
fn prepare(shared: &Shared, with_users: bool) -> Result<Prepared, StoreError> {
    let location = &shared.options.location;
    let (mut store, lock) = match location {
        Location::Memory => {
            let mut guard = shared.store.lock().unwrap_or_else(|p| p.into_inner());
            shared.scanning.store(true, Ordering::SeqCst);
            let store = match guard.take() {
                Some(store) => store,
                None => Store::open(location)?,
            };
            (store, None)
        }
        Location::File(_) => {
            let lock = ScanLock::acquire(location)?;
            (Store::open(location)?, Some(lock))
        }
    };
    let partner = &shared.options.partner;
    let resumable = store.resumable(partner);
    match resumable {
        Ok(Some(info)) if info.with_users == with_users => Ok((store, info.id, lock, true)),
        Ok(_) => {
            let created = store.create_snapshot(&NewSnapshot {
                partner: partner.clone(),
                with_users,
                scope: Scope::All.to_text(),
            });
            match created {
                Ok(id) => Ok((store, id, lock, false)),
                Err(e) => Err(give_back(shared, store, e)),
            }
        }
        Err(e) => Err(give_back(shared, store, e)),
    }
}

/// A scan that cannot start returns the memory store for reading.
fn give_back(shared: &Shared, store: Store, error: StoreError) -> StoreError {
    if shared.options.location == Location::Memory {
        let mut guard = shared.store.lock().unwrap_or_else(|p| p.into_inner());
        *guard = Some(store);
        shared.scanning.store(false, Ordering::SeqCst);
    }
    error
}
