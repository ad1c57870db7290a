//! The partner-wide commands: `scan`, `report ...`, `snapshots` and `diff`. Chooses the store
//! (file, or memory under `--demo`), the partner a snapshot belongs to, and the output format;
//! the work itself is in `scan`, `store` and `report`. Never imports the app or the UI.

mod scan;

use crate::api::ApiClient;
use crate::cli::{OutputFormat, PartnerCommand, ReportArgs, ReportKind};
use crate::config::{Settings, Source};
use crate::listing::{effective_format, table_width};
use crate::report::{self, DiffOptions, Report};
use crate::store::{Location, PartnerKey, SnapshotInfo, Store, StoreError};
use std::io::{self, Write};

/// Why a partner-wide command failed.
#[derive(Debug, thiserror::Error)]
pub enum PartnerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Scan(Box<crate::scan::ScanError>),
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
    #[error("{0}")]
    Other(String),
}

impl From<crate::scan::ScanError> for PartnerError {
    fn from(e: crate::scan::ScanError) -> Self {
        Self::Scan(Box::new(e))
    }
}

impl PartnerError {
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// What the commands need besides their arguments.
pub struct Context<'a> {
    pub settings: &'a Settings,
    pub client: &'a ApiClient,
    /// Set under `--demo`: the store is in memory unless `--db` was given, and reports over
    /// an empty memory store first scan the demo partner (month 0, and month 1 for a diff).
    pub demo: bool,
}

impl Context<'_> {
    /// Privacy mode's pseudonyms, when it is on.
    fn private_names(&self) -> Option<&crate::privacy::Pseudonyms> {
        self.client
            .pseudonyms()
            .filter(|_| self.settings.privacy.value)
    }

    /// Standard output, through privacy mode's pseudonyms when it is on.
    pub fn stdout(&self) -> Box<dyn Write> {
        crate::privacy::stdout(self.private_names())
    }

    pub fn location(&self) -> Location {
        let db = &self.settings.db;
        match self.demo && !matches!(db.source, Source::Flag(_)) {
            true => Location::Memory,
            false => Location::File(db.value.clone()),
        }
    }

    /// The partner this run speaks to: the API root and the signed-in tenant.
    pub fn partner(&self) -> PartnerKey {
        if self.demo {
            return PartnerKey {
                base_url: "demo".into(),
                tenant: String::new(),
            };
        }
        PartnerKey {
            base_url: self
                .settings
                .base_url
                .value
                .trim_end_matches('/')
                .to_string(),
            tenant: self
                .client
                .identity()
                .and_then(|i| i.tenant)
                .unwrap_or_default(),
        }
    }

    /// A store to read: an existing file, or the demo's memory store filled by a scan.
    async fn reading_store(&self, months: u32) -> Result<Store, PartnerError> {
        let location = self.location();
        if let Location::File(path) = &location
            && !path.exists()
        {
            return Err(PartnerError::Other(format!(
                "no store at {}; run `pcx scan` first (or give --db FILE)",
                path.display()
            )));
        }
        let store = Store::open(&location)?;
        match location {
            Location::Memory => scan::fill_demo(store, self, months).await,
            Location::File(_) => Ok(store),
        }
    }
}

/// Runs a partner-wide command; `false` if `command` is not one.
pub async fn run(ctx: &Context<'_>, command: &PartnerCommand) -> Result<(), PartnerError> {
    match command {
        PartnerCommand::Scan(args) => scan::run(ctx, args).await?,
        PartnerCommand::Report { report } => {
            let (common, months) = match report {
                ReportKind::Seats { common, .. }
                | ReportKind::Problems { common }
                | ReportKind::WhoHas { common, .. }
                | ReportKind::Totals { common }
                | ReportKind::Renewals { common, .. } => (common, 1),
            };
            let store = ctx.reading_store(months).await?;
            let snapshot = store.pick_snapshot(common.snapshot, Some(&ctx.partner()))?;
            let built = blocking(|| build_report(&store, report, snapshot.id))?;
            show(ctx, &built, common, Some(&snapshot))?;
        }
        PartnerCommand::Snapshots { output } => {
            let store = ctx.reading_store(1).await?;
            let list = store.snapshots()?;
            let common = ReportArgs {
                snapshot: None,
                output: output.clone(),
            };
            show(ctx, &report::snapshots(&list), &common, None)?;
        }
        PartnerCommand::Diff {
            before,
            after,
            output,
        } => {
            let store = ctx.reading_store(2).await?;
            let (a, b) = diff_pair(&store, &ctx.partner(), *before, *after)?;
            let built = blocking(|| {
                report::diff(
                    &store,
                    DiffOptions {
                        before: a.id,
                        after: b.id,
                    },
                )
            })?;
            let common = ReportArgs {
                snapshot: None,
                output: output.clone(),
            };
            let format = effective_format(output.output);
            if format == OutputFormat::Table {
                let mut out = io::stdout().lock();
                writeln!(
                    out,
                    "changes from snapshot {} ({}) to {} ({})",
                    a.id, a.started, b.id, b.started
                )?;
            }
            show(ctx, &built, &common, None)?;
        }
    }
    Ok(())
}

/// SQLite calls block; on the multi-threaded runtime this keeps the other tasks running.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

fn build_report(store: &Store, kind: &ReportKind, snapshot: i64) -> Result<Report, StoreError> {
    match kind {
        ReportKind::Seats { unused, .. } => report::seats(store, snapshot, *unused),
        ReportKind::Problems { .. } => report::problems(store, snapshot),
        ReportKind::WhoHas { query, .. } => report::who_has(store, snapshot, query),
        ReportKind::Totals { .. } => report::totals(store, snapshot),
        ReportKind::Renewals { within, .. } => {
            report::renewals(store, snapshot, i64::from(*within))
        }
    }
}

fn show(
    ctx: &Context<'_>,
    built: &Report,
    common: &ReportArgs,
    snapshot: Option<&SnapshotInfo>,
) -> Result<(), PartnerError> {
    let format = effective_format(common.output.output);
    if let Some(names) = ctx.private_names() {
        built.learn_names(names);
        if let Some(s) = snapshot {
            names.learn(crate::privacy::Kind::Id, &s.tenant);
        }
    }
    let mut out = ctx.stdout();
    if let (OutputFormat::Table, Some(s)) = (format, snapshot) {
        writeln!(
            out,
            "snapshot {} of {}, {}",
            s.id,
            s.partner().label(),
            s.finished.as_deref().unwrap_or(&s.started)
        )?;
    }
    built.write(format, table_width(), &mut out)?;
    out.flush()?;
    Ok(())
}

/// The snapshots a diff compares: as given, else the two latest complete ones of the partner.
fn diff_pair(
    store: &Store,
    partner: &PartnerKey,
    before: Option<i64>,
    after: Option<i64>,
) -> Result<(SnapshotInfo, SnapshotInfo), PartnerError> {
    let complete = store.complete_of(store.snapshots()?, Some(partner));
    match (before, after) {
        (Some(a), Some(b)) => Ok((
            store.pick_snapshot(Some(a), None)?,
            store.pick_snapshot(Some(b), None)?,
        )),
        (Some(a), None) => {
            let b = complete
                .last()
                .cloned()
                .ok_or_else(|| store.no_snapshot())?;
            Ok((store.pick_snapshot(Some(a), None)?, b))
        }
        _ => match complete.as_slice() {
            [.., a, b] => Ok((a.clone(), b.clone())),
            _ => Err(PartnerError::Other(format!(
                "a diff needs two complete snapshots of {} in the store {}; found {} (run `pcx scan` again next month)",
                partner.label(),
                store.location(),
                complete.len()
            ))),
        },
    }
}
