//! `pcx scan` on the command line: takes the store's scan lock, starts or resumes a snapshot,
//! shows progress (a bar on a terminal, a plain line now and then otherwise), stops cleanly on
//! Ctrl-C, and prints a summary. Also fills the demo's memory store for reports.

use super::{Context, PartnerError};
use crate::api::{ApiClient, ClientConfig, Secret, StaticToken, client::MAX_PAGE_SIZE};
use crate::cli::ScanArgs;
use crate::scan::{self, Progress, ProgressView, ScanEnd, ScanOptions, Scope};
use crate::store::{NewSnapshot, ScanLock, Store};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

pub(super) async fn run(ctx: &Context<'_>, args: &ScanArgs) -> Result<(), PartnerError> {
    let location = ctx.location();
    let _lock = ScanLock::acquire(&location)?;
    let mut store = Store::open(&location)?;
    let partner = ctx.partner();
    let concurrency = args
        .concurrency
        .unwrap_or(ctx.settings.concurrency.value)
        .clamp(1, 64);
    let (snapshot, options) = if args.resume {
        let Some(info) = store.resumable(&partner)? else {
            let latest = store
                .snapshots()?
                .into_iter()
                .rev()
                .find(|s| s.partner() == partner);
            return match latest {
                // Resuming twice, or after a scan that finished just before Ctrl-C, is no error.
                Some(done) => {
                    writeln!(
                        ctx.stdout(),
                        "nothing to resume: snapshot {} of {} is complete",
                        done.id,
                        partner.label()
                    )?;
                    Ok(())
                }
                None => Err(PartnerError::Other(format!(
                    "nothing to resume: no snapshot of {} in {}; run `pcx scan`",
                    partner.label(),
                    location
                ))),
            };
        };
        (
            info.id,
            options(info.with_users, Scope::from_text(&info.scope), concurrency),
        )
    } else {
        let scope = match (&args.search, args.customers.as_slice()) {
            (Some(prefix), _) => Scope::Search(prefix.clone()),
            (None, []) => Scope::All,
            (None, ids) => Scope::Customers(ids.to_vec()),
        };
        let id = store.create_snapshot(&NewSnapshot {
            partner,
            with_users: args.users,
            scope: scope.to_text(),
        })?;
        (id, options(args.users, scope, concurrency))
    };
    let progress = Arc::new(Progress::new());
    let (stop, cancel) = watch::channel(false);
    let signals = tokio::spawn(async move {
        wait_for_interrupt().await;
        stop.send_replace(true);
    });
    let display = Display::start(Arc::clone(&progress));
    let end = scan::run(
        ctx.client.clone(),
        options,
        store,
        snapshot,
        &progress,
        cancel,
    )
    .await;
    signals.abort();
    display.stop().await;
    finish(ctx, end, snapshot, &progress)
}

/// A scan at Partner Center's limits: the largest pages, the per-tenant budget.
fn options(with_users: bool, scope: Scope, concurrency: usize) -> ScanOptions {
    ScanOptions {
        with_users,
        scope,
        concurrency,
        tenant_budget: scan::TENANT_BUDGET_PER_MINUTE,
        page_size: MAX_PAGE_SIZE,
    }
}

/// Closes the snapshot and prints the summary; an interruption or a stop is an error.
fn finish(
    ctx: &Context<'_>,
    end: ScanEnd,
    snapshot: i64,
    progress: &Progress,
) -> Result<(), PartnerError> {
    let view = progress.view();
    let complete = !end.interrupted && end.error.is_none();
    let counters = view.counters();
    let mut closed = None;
    if let Some(mut store) = end.store {
        // A store that failed to write may fail here too; the first error is the one to show.
        match store.finish_snapshot(snapshot, counters, complete) {
            Ok(()) => closed = store.snapshots()?.into_iter().find(|s| s.id == snapshot),
            Err(e) if end.error.is_none() => return Err(e.into()),
            Err(_) => {}
        }
    }
    let mut out = ctx.stdout();
    let state = match (end.interrupted, &end.error, complete) {
        (true, _, _) => "interrupted (incomplete)",
        (_, Some(_), _) => "stopped (incomplete)",
        _ => "complete",
    };
    let (customers, users) = closed
        .as_ref()
        .map_or((view.customers_done, view.users_done), |s| {
            (s.customers as u64, s.users as u64)
        });
    writeln!(
        out,
        "snapshot {snapshot} {state}: {customers} customers, {users} users, {} requests, {} throttled (429), {:.1} s",
        view.requests,
        view.throttled,
        view.elapsed.as_secs_f64()
    )?;
    let failures = progress.failures();
    if !failures.is_empty() {
        writeln!(
            out,
            "{} customers failed (kept in the snapshot with the reason):",
            failures.len()
        )?;
        for f in &failures {
            let name = f.company_name.as_deref().unwrap_or("");
            writeln!(
                out,
                "  {}  {}  {}",
                f.customer_id,
                crate::text::sanitize(name),
                f.reason
            )?;
        }
    }
    out.flush()?;
    if let Some(e) = end.error {
        return Err(e.into());
    }
    if end.interrupted {
        return Err(PartnerError::Other(format!(
            "interrupted: snapshot {snapshot} is incomplete; `pcx scan --resume` continues it"
        )));
    }
    Ok(())
}

async fn wait_for_interrupt() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Progress on stderr: a bar on a terminal, otherwise a plain line every few seconds.
struct Display {
    task: tokio::task::JoinHandle<()>,
    stop: watch::Sender<bool>,
}

impl Display {
    fn start(progress: Arc<Progress>) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let terminal = std::io::stderr().is_terminal();
        let task = tokio::spawn(async move {
            let bar = terminal.then(|| {
                let bar = indicatif::ProgressBar::with_draw_target(
                    None,
                    indicatif::ProgressDrawTarget::stderr(),
                );
                let style =
                    indicatif::ProgressStyle::with_template("{bar:20} {pos}/{len} customers {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
                bar.set_style(style);
                bar
            });
            let every = if terminal {
                Duration::from_millis(200)
            } else {
                Duration::from_secs(5)
            };
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stopped.changed() => break,
                }
                let view = progress.view();
                match &bar {
                    Some(bar) => {
                        bar.set_length(view.customers_total);
                        bar.set_position(view.customers_done);
                        bar.set_message(line(&view));
                    }
                    None => eprintln!(
                        "scan: {}/{} customers, {}",
                        view.customers_done,
                        view.customers_total,
                        line(&view)
                    ),
                }
            }
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
        });
        Self { task, stop }
    }

    async fn stop(self) {
        self.stop.send_replace(true);
        let _ = self.task.await;
    }
}

fn line(v: &ProgressView) -> String {
    let mut text = format!(
        "· users {}/{} · requests {} · 429s {} · failed {} · cap {}",
        v.users_done, v.users_seen, v.requests, v.throttled, v.failures, v.cap
    );
    if let Some(eta) = v.eta() {
        text.push_str(&format!(" · ETA {}s", eta.as_secs()));
    }
    text
}

/// The demo without `--db`: fills the memory store with a scan of the demo partner (and of
/// the same partner a month later, for a diff), quietly.
pub(super) async fn fill_demo(
    mut store: Store,
    ctx: &Context<'_>,
    months: u32,
) -> Result<Store, PartnerError> {
    if !store.snapshots()?.is_empty() {
        return Ok(store);
    }
    let mut later = None;
    for month in 0..months.max(1) {
        let client = match month {
            0 => ctx.client.clone(),
            m => {
                let mut config = crate::sandbox::SandboxConfig::demo();
                config.month = m;
                let addr = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0));
                let sandbox = crate::sandbox::Sandbox::start(config, addr)
                    .await
                    .map_err(|e| {
                        PartnerError::Other(format!("cannot start the demo sandbox: {e}"))
                    })?;
                let client = ApiClient::new(
                    ClientConfig::new(sandbox.base_url()),
                    StaticToken::new(Secret::new(crate::sandbox::DEMO_TOKEN)),
                )
                .map_err(|e| PartnerError::Other(e.to_string()))?;
                later = Some(sandbox);
                client
            }
        };
        let snapshot = store.create_snapshot(&NewSnapshot {
            partner: ctx.partner(),
            with_users: true,
            scope: Scope::All.to_text(),
        })?;
        let options = options(true, Scope::All, ctx.settings.concurrency.value.max(1));
        let progress = Arc::new(Progress::new());
        let (_stop, cancel) = watch::channel(false);
        let end = scan::run(client, options, store, snapshot, &progress, cancel).await;
        if let Some(e) = end.error {
            return Err(e.into());
        }
        let Some(mut done) = end.store else {
            return Err(PartnerError::Other("the demo scan lost its store".into()));
        };
        let view = progress.view();
        let counters = view.counters();
        done.finish_snapshot(snapshot, counters, true)?;
        store = done;
    }
    drop(later);
    Ok(store)
}
