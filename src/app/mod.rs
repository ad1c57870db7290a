//! The interactive explorer: model, messages, the pure update, the keymap, and the event loop
//! that joins terminal events and fetcher answers to them. `run_terminal` is the entry point
//! for a real terminal; `run_with` runs the same loop headless (tests, benchmarks).

pub(crate) mod actions;
pub mod cache;
pub mod command;
pub mod effects;
mod event_loop;
pub mod filter;
pub mod keymap;
pub mod layout;
pub(crate) mod loading;
pub mod model;
pub mod msg;
pub(crate) mod nav;
pub mod partner;
pub mod partner_view;
pub mod privacy;
pub mod rank;
pub mod report_pane;
pub mod reqlog;
pub mod rows;
pub mod session;
pub mod signin;
mod signin_task;
mod store_task;
pub mod subscription_rows;
mod terminal;
pub mod update;

pub use event_loop::{ChannelEvents, RawTerminal, run_with};
pub use model::Model;
pub use session::SignInOptions;
pub use store_task::StoreOptions;
pub use terminal::run_terminal;

use std::path::PathBuf;
use std::time::Duration;

/// How often the spinner turns while something loads (and only then).
pub const SPINNER_INTERVAL: Duration = Duration::from_millis(100);
/// The shortest time between two frames (at most ~60 a second).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// How the explorer runs. The caller decides colour (`NO_COLOR`, `--color`).
#[derive(Clone, Debug)]
pub struct UiOptions {
    /// false: no colour codes at all (selection by reverse video).
    pub color: bool,
    /// ASCII borders and glyphs.
    pub ascii: bool,
    /// Shown at the top right, e.g. "demo" or the API host.
    pub title: String,
    /// Customers and users per page (1..=500).
    pub page_size: u32,
    /// Requests at once.
    pub concurrency: usize,
    /// Where `e` writes CSV files.
    pub export_dir: PathBuf,
    /// Signing in again from the explorer; None: no sign-in (the demo, most tests).
    pub signin: Option<SignInOptions>,
    /// The built-in demo: the status bar says "demo" instead of who is signed in.
    pub demo: bool,
    /// The store `:scan` writes and the report panes read (default: in memory, the demo's).
    pub store: StoreOptions,
    /// Start in privacy mode (pseudonyms instead of names and ids).
    pub privacy: bool,
}

impl Default for UiOptions {
    fn default() -> Self {
        Self {
            color: true,
            ascii: false,
            title: "Partner Center".into(),
            page_size: 100,
            concurrency: 4,
            export_dir: PathBuf::from("."),
            signin: None,
            demo: false,
            store: StoreOptions::default(),
            privacy: false,
        }
    }
}

/// Why the explorer stopped other than by the operator's choice.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("terminal error: {0}")]
    Terminal(String),
    #[error("the request task stopped unexpectedly (see the log file)")]
    Fetcher,
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        Self::Terminal(e.to_string())
    }
}
