//! The interactive explorer: model, messages, the pure update, the keymap, and the event loop
//! that joins terminal events and fetcher answers to them. `run_terminal` is the entry point
//! for a real terminal; `run_with` runs the same loop headless (tests, benchmarks).

pub(crate) mod actions;
pub mod cache;
pub mod command;
mod edge;
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
mod profile;
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

use crate::api::ApiClient;
use std::path::PathBuf;
use std::sync::Arc;
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
    /// The config's partner profiles, for `:profile NAME`.
    pub profiles: Profiles,
}

/// What the explorer needs of one partner: its client, title, sign-in and store.
pub struct Partner {
    pub client: ApiClient,
    /// Shown at the top right.
    pub title: String,
    pub signin: Option<SignInOptions>,
    pub store: StoreOptions,
}

/// Builds a profile's partner from the config (None: pcx cannot here).
pub type OpenProfile = Arc<dyn Fn(&str) -> Result<Partner, String> + Send + Sync>;

/// The config's profiles: which one is active, all their names, and how to open one.
#[derive(Clone, Default)]
pub struct Profiles {
    pub active: Option<String>,
    pub known: Vec<String>,
    pub open: Option<OpenProfile>,
}

impl std::fmt::Debug for Profiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profiles")
            .field("active", &self.active)
            .field("known", &self.known)
            .field("open", &self.open.is_some())
            .finish()
    }
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
            profiles: Profiles::default(),
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
