//! What flows into `update` (messages) and out of it (effects). Plain data: no behaviour.

use super::partner_view::SnapshotSummary;
use super::report_pane::{ReportKind, ReportTable};
use crate::api::RetryNotice;
use crate::api::token::Identity;
use crate::fetch::{FetchCmd, FetchDone};
use crate::fetch::{Query, RequestId};
use crate::scan::ProgressView;
use crossterm::event::KeyEvent;
use std::path::PathBuf;
use std::time::Duration;
use uuid::Uuid;

/// Everything that can change the model.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): typed into an open prompt, else ignored.
    Paste(String),
    /// The terminal's new columns and rows.
    Resize(u16, u16),
    /// Time passed (spinner frame, a debounce that came due).
    Tick,
    Fetched(FetchDone),
    /// The client is waiting out a throttle or an error before retrying.
    Retrying {
        id: RequestId,
        query: Query,
        notice: RetryNotice,
    },
    /// An OSC 52 copy was written (the id) or could not be (why).
    Copied(Result<String, String>),
    /// An export was written (where, how many rows) or not (why).
    Exported(Result<Exported, String>),
    /// Sign-in `attempt` has a code for the operator to enter at `verification_uri`.
    SignInPrompt {
        attempt: u64,
        user_code: String,
        verification_uri: String,
        expires_in: Duration,
    },
    /// Sign-in `attempt` completed and was saved in the login cache.
    SignedIn {
        attempt: u64,
        identity: Identity,
    },
    /// Sign-in `attempt` ended without a sign-in (declined, expired, refused), and why.
    SignInFailed {
        attempt: u64,
        message: String,
    },
    /// Who the token provider's current token speaks for (read by the loop after fetches).
    Identity(Option<Identity>),
    /// A report read from the store (or why it could not be).
    Report {
        id: RequestId,
        kind: ReportKind,
        result: Result<ReportTable, String>,
    },
    /// The latest complete snapshot of the partner (None: there is none yet), or why the
    /// store could not be read.
    Snapshot(Result<Option<SnapshotSummary>, String>),
    /// A background scan's figures so far.
    ScanProgress(ProgressView),
    /// A background scan ended: what to tell the operator, and whether it completed.
    ScanEnded {
        text: String,
        complete: bool,
    },
    /// A profile switch happened (or why it could not).
    ProfileSwitched(Result<Switched, String>),
    /// The request log's entries, newest first; open on the newest of correlation id `focus`.
    Log {
        entries: Vec<std::sync::Arc<crate::api::LogEntry>>,
        focus: Option<String>,
    },
}

/// A side effect for the event loop to perform.
#[derive(Debug, PartialEq)]
pub enum Effect {
    Fetch(FetchCmd),
    Cancel(RequestId),
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    Export(ExportJob),
    /// Start device-code sign-in `attempt` (abandoning any earlier one).
    StartSignIn {
        attempt: u64,
    },
    /// Read a report from the store, off the UI loop.
    LoadReport {
        id: RequestId,
        kind: ReportKind,
    },
    /// Read the latest snapshot's figures for the lists.
    LoadSnapshot,
    /// Start (or resume) a background scan.
    StartScan {
        with_users: bool,
    },
    /// Interrupt the background scan (it stays resumable).
    StopScan,
    /// Read the client's request log and answer with `Msg::Log`.
    ReadLog {
        focus: Option<String>,
    },
    /// `:profile NAME`: speak to that partner from now on (answered by `Msg::ProfileSwitched`).
    SwitchProfile(String),
}

/// The explorer speaks to another partner now: what the model needs of it.
#[derive(Clone, Debug)]
pub struct Switched {
    pub name: String,
    pub signin: Option<super::SignInOptions>,
    pub names: Option<crate::privacy::Pseudonyms>,
    pub deadline: std::time::Duration,
}

/// A view as a table, to be written to a CSV file.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportJob {
    /// The view's name in the file name (`pcx-<view>-<timestamp>.csv`).
    pub view: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the rows are ("users"), for the status bar.
    pub noun: String,
    /// Rows in the whole list; more than `rows.len()` when a filter hid some.
    pub total: usize,
}

/// A written export, as the status bar reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Exported {
    pub path: PathBuf,
    pub rows: usize,
    pub total: usize,
    pub noun: String,
}

/// Effects collected during one update, and the correlation id of the user action behind them.
pub(crate) struct Fx {
    pub effects: Vec<Effect>,
    correlation: Option<Uuid>,
}

impl Fx {
    pub fn new() -> Self {
        Self {
            effects: Vec::new(),
            correlation: None,
        }
    }

    /// One correlation id per user action: every request it causes shares it.
    pub fn correlation(&mut self) -> Uuid {
        *self.correlation.get_or_insert_with(Uuid::new_v4)
    }
}
