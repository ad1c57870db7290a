//! The explorer's whole state: the stack of screens, the query cache, row marks, the prompt,
//! the transient status message, and what is in flight. `update` changes it; the view only
//! reads it. Nothing here performs I/O or reads the clock.

pub use super::cache::Loadable;
use super::cache::{Cache, PaneData, Table};
use super::command::CommandLine;
use super::filter::Filter;
use super::keymap::Mode;
use super::report_pane::ReportKind;
use super::rows::Tone;
use super::session::SignIn;
pub use crate::fetch::{Query, RequestId};
use crate::scan::ProgressView;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime};
use tui_input::Input;

/// An item opened on the way down: shown in the breadcrumb, used to build queries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crumb {
    pub id: Box<str>,
    pub name: Box<str>,
}

/// What a screen shows.
#[derive(Clone, Debug, PartialEq)]
pub enum ScreenKind {
    Customers {
        search: Option<String>,
    },
    Users {
        customer: Crumb,
        deleted: bool,
    },
    Skus {
        customer: Crumb,
    },
    Subscriptions {
        customer: Crumb,
    },
    Licenses {
        customer: Crumb,
        user: Crumb,
    },
    /// The service plans of one licence or subscribed SKU; `source` is that list's query and
    /// `sku.id` finds the row in it (so a refresh of the source shows fresh plans).
    Plans {
        source: Query,
        sku: Crumb,
    },
    /// A partner-wide report from the latest snapshot in the store.
    Report {
        kind: ReportKind,
    },
    /// The exact JSON of one item, pretty-printed and sanitised line by line.
    Raw {
        title: Box<str>,
        id: Option<Box<str>>,
        lines: Vec<Box<str>>,
    },
}

impl ScreenKind {
    /// The query whose data this screen shows.
    pub fn query(&self) -> Option<Query> {
        match self {
            Self::Customers { search } => Some(Query::Customers {
                search: search.clone(),
            }),
            Self::Users { customer, deleted } => Some(Query::Users {
                customer_id: customer.id.clone(),
                deleted: *deleted,
            }),
            Self::Skus { customer } => Some(Query::Skus {
                customer_id: customer.id.clone(),
            }),
            Self::Subscriptions { customer } => Some(Query::Subscriptions {
                customer_id: customer.id.clone(),
            }),
            Self::Licenses { customer, user } => Some(Query::Licenses {
                customer_id: customer.id.clone(),
                user_id: user.id.clone(),
            }),
            Self::Plans { source, .. } => Some(source.clone()),
            Self::Raw { .. } | Self::Report { .. } => None,
        }
    }

    /// What Enter opens from a row of this screen, if anything.
    pub fn child_noun(&self) -> Option<&'static str> {
        match self {
            Self::Customers { .. } => Some("users"),
            Self::Users { .. } => Some("licences"),
            Self::Skus { .. } | Self::Licenses { .. } => Some("service plans"),
            Self::Report { .. } => Some("the live place"),
            Self::Subscriptions { .. } => Some("details"),
            Self::Plans { .. } | Self::Raw { .. } => None,
        }
    }

    /// What its rows are called ("no users").
    pub fn noun(&self) -> &'static str {
        match self {
            Self::Customers { .. } => "customers",
            Self::Users { deleted: false, .. } => "users",
            Self::Users { deleted: true, .. } => "deleted users",
            Self::Skus { .. } => "subscribed SKUs",
            Self::Subscriptions { .. } => "subscriptions",
            Self::Licenses { .. } => "licences",
            Self::Plans { .. } => "service plans",
            Self::Raw { .. } => "lines",
            Self::Report { kind } => kind.noun(),
        }
    }
}

/// One level of the drill-down.
#[derive(Clone, Debug)]
pub struct Screen {
    pub kind: ScreenKind,
    /// The selected position among the visible (filtered) rows.
    pub selected: usize,
    /// The first visible row (or line, for raw JSON).
    pub offset: usize,
    /// The selected row's id, so the selection survives refreshes and filtering.
    pub selected_id: Option<Box<str>>,
    pub filter: Option<Filter>,
}

impl Screen {
    pub fn new(kind: ScreenKind) -> Self {
        Self {
            kind,
            selected: 0,
            offset: 0,
            selected_id: None,
            filter: None,
        }
    }

    /// This screen's rows as they stand in the cache.
    pub fn view<'a>(&self, cache: &'a Cache) -> PaneData<'a> {
        match &self.kind {
            ScreenKind::Plans { source, sku } => cache.plans(source, &sku.id),
            ScreenKind::Report { kind } => cache.report_view(kind),
            ScreenKind::Customers { search } => super::partner_view::customers_view(cache, search),
            ScreenKind::Users { customer, deleted } => {
                super::partner_view::users_view(cache, &customer.id, *deleted)
            }
            kind => match kind.query() {
                Some(query) => cache.view(&query),
                None => PaneData::NotLoaded,
            },
        }
    }

    /// How many rows are visible (after the filter).
    pub fn visible_len(&self, table_len: usize) -> usize {
        match &self.filter {
            Some(f) => f.visible_len(table_len),
            None => table_len,
        }
    }

    /// The table index of the selected row.
    pub fn selected_row(&self, table_len: usize) -> Option<usize> {
        self.row_at(self.selected, table_len)
    }

    /// The table index of visible position `pos`.
    pub fn row_at(&self, pos: usize, table_len: usize) -> Option<usize> {
        let index = match &self.filter {
            Some(f) => f.row_at(pos)?,
            None => pos,
        };
        (index < table_len).then_some(index)
    }

    pub fn filter_active(&self) -> bool {
        self.filter.as_ref().is_some_and(Filter::is_active)
    }

    /// Keeps the selected row inside the visible window, and the window inside the rows.
    pub fn fix_offset(&mut self, rows: usize, len: usize) {
        if len == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        self.selected = self.selected.min(len - 1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }

    /// Finds the remembered row again after the rows or the filter changed; while a filter
    /// follows its best match, that match (the first row) is selected instead.
    pub fn reselect(&mut self, table: &dyn Table, rows: usize) {
        let len = self.visible_len(table.len());
        if self.filter_active() && self.filter.as_ref().is_some_and(|f| f.follow_best) {
            self.selected = 0;
            self.offset = 0;
            self.selected_id = self
                .selected_row(table.len())
                .and_then(|r| table.id(r))
                .map(Into::into);
        }
        if let Some(id) = self.selected_id.clone() {
            let here = self
                .selected_row(table.len())
                .and_then(|r| table.id(r))
                .is_some_and(|current| *current == *id);
            if !here {
                let found = (0..table.len())
                    .find(|&i| table.id(i) == Some(&id))
                    .and_then(|i| match &self.filter {
                        Some(f) => f.position_of(i),
                        None => Some(i),
                    });
                if let Some(pos) = found {
                    self.selected = pos;
                }
            }
        } else if let Some(row) = self.selected_row(table.len()) {
            self.selected_id = table.id(row).map(Into::into);
        }
        self.fix_offset(rows, len);
    }
}

/// A short message in the status bar until the next key ("sent … by OSC 52", "exported 309 users to …").
#[derive(Clone, Debug, PartialEq)]
pub struct Flash {
    pub text: String,
    pub tone: Tone,
}

/// A debounced load: the users of the customer the cursor rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Prefetch {
    pub query: Query,
    pub due: Instant,
}

/// Rows that contain a problem, learnt from data already loaded (never fetched for the mark).
#[derive(Default, Debug)]
pub struct Marks {
    /// Users whose loaded licences have plans needing attention.
    users: HashSet<Box<str>>,
    /// Customers whose subscribed SKUs need attention.
    customer_skus: HashSet<Box<str>>,
    /// For each customer, its users with marked licences.
    customer_users: HashMap<Box<str>, HashSet<Box<str>>>,
}

impl Marks {
    pub fn user(&self, id: &str) -> bool {
        self.users.contains(id)
    }

    pub fn customer(&self, id: &str) -> bool {
        self.customer_skus.contains(id)
            || self
                .customer_users
                .get(id)
                .is_some_and(|users| !users.is_empty())
    }

    pub fn set_user(&mut self, customer_id: &str, user_id: &str, marked: bool) {
        if marked {
            self.users.insert(user_id.into());
            self.customer_users
                .entry(customer_id.into())
                .or_default()
                .insert(user_id.into());
        } else {
            self.users.remove(user_id);
            if let Some(users) = self.customer_users.get_mut(customer_id) {
                users.remove(user_id);
            }
        }
    }

    pub fn set_customer_skus(&mut self, customer_id: &str, marked: bool) {
        if marked {
            self.customer_skus.insert(customer_id.into());
        } else {
            self.customer_skus.remove(customer_id);
        }
    }
}

/// A scan running in the background, as the status bar shows it.
#[derive(Clone, Debug)]
pub struct ScanState {
    pub with_users: bool,
    /// The latest figures (None until the first report).
    pub progress: Option<ProgressView>,
    pub stopping: bool,
}

impl ScanState {
    pub fn starting(with_users: bool) -> Self {
        Self {
            with_users,
            progress: None,
            stopping: false,
        }
    }
}

/// The live licence loads of the users in view, started once the cursor rests.
#[derive(Clone, Debug, Default)]
pub struct RowPrefetch {
    /// When the cursor will have rested long enough.
    pub due: Option<Instant>,
    /// Loads issued for rows that were in view, cancelled when they scroll out.
    pub issued: Vec<(Query, RequestId)>,
}

/// Settings the update logic needs.
#[derive(Clone, Debug)]
pub struct ExplorerSettings {
    /// How long the cursor must rest on a customer before its users load.
    pub debounce: Duration,
    /// Load the next page when the cursor is this many rows from the end of what is loaded
    /// (at least; a screenful counts too).
    pub lookahead: usize,
    /// How long the client tries one request, retries included (for the countdown).
    pub deadline: Duration,
}

impl Default for ExplorerSettings {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(150),
            lookahead: 20,
            deadline: Duration::from_secs(90),
        }
    }
}

/// The explorer's state.
pub struct Model {
    /// Never empty: the bottom is the customers list.
    pub screens: Vec<Screen>,
    pub cache: Cache,
    pub marks: Marks,
    /// The help overlay while it is open: the first line shown (it scrolls on short terminals).
    pub help: Option<usize>,
    /// The server-side customer search being typed.
    pub search: Option<Input>,
    pub flash: Option<Flash>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    pub prefetch: Option<Prefetch>,
    /// Requests not yet answered, for the spinner and for cancelling.
    pub spinner: usize,
    /// The time of the last message (for countdowns in the view).
    pub now: Instant,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    pub settings: ExplorerSettings,
    /// Who is signed in, and the "signed out" modal.
    pub signin: SignIn,
    /// The `:` command line while it is open, and the lines run before.
    pub command: Option<CommandLine>,
    pub history: Vec<String>,
    /// A background scan, while one runs.
    pub scan: Option<ScanState>,
    pub rows: RowPrefetch,
    /// A jump from a report waits for this user to appear in this users list (pages load
    /// until it does).
    pub seeking: Option<(Query, Box<str>)>,
    /// The status bar has said how to get snapshot columns (said once).
    pub told_no_snapshot: bool,
    /// It is saying it now (in place of the key hints, until the next key).
    pub snapshot_hint: bool,
    /// The request log screen, when open.
    pub log: Option<super::reqlog::LogView>,
    /// The active `[profiles.NAME]` (None: the config's own values), and every profile.
    pub profile: Option<String>,
    pub profiles: Vec<String>,
    /// Privacy mode: names and ids are shown as pseudonyms (filters still match real values).
    pub privacy: bool,
    /// The pseudonyms the client learns from its answers; None: privacy mode is unavailable.
    pub names: Option<crate::privacy::Pseudonyms>,
    /// The wall clock at one instant, so the view can tell whether a token's expiry has
    /// passed without reading the clock itself; None in tests that do not care.
    pub wall: Option<(Instant, SystemTime)>,
    /// An `e` export waiting for the rest of this list's pages (Esc or `e` cancels it).
    pub export: Option<Query>,
    next_id: u64,
}

impl Model {
    pub fn new(size: (u16, u16), now: Instant) -> Self {
        Self {
            screens: vec![Screen::new(ScreenKind::Customers { search: None })],
            cache: Cache::default(),
            marks: Marks::default(),
            help: None,
            search: None,
            flash: None,
            size,
            prefetch: None,
            spinner: 0,
            now,
            dirty: true,
            quit: false,
            settings: ExplorerSettings::default(),
            signin: SignIn::default(),
            command: None,
            history: Vec::new(),
            scan: None,
            rows: RowPrefetch::default(),
            seeking: None,
            told_no_snapshot: false,
            snapshot_hint: false,
            log: None,
            profile: None,
            profiles: Vec::new(),
            privacy: false,
            names: None,
            export: None,
            wall: None,
            next_id: 1,
        }
    }

    /// The model for another partner: what belongs to the operator (terminal size, settings,
    /// command history, privacy mode, the profiles, the request counter) stays, so answers
    /// meant for the partner left behind keep ids this model never asked with;
    /// everything the old partner said goes.
    pub fn for_next_partner(&self, now: Instant) -> Model {
        let mut next = Model::new(self.size, now);
        next.settings = self.settings.clone();
        next.history = self.history.clone();
        next.privacy = self.privacy;
        next.profiles = self.profiles.clone();
        next.wall = self.wall;
        next.next_id = self.next_id;
        next
    }

    pub fn new_request_id(&mut self) -> RequestId {
        let id = RequestId(self.next_id);
        self.next_id += 1;
        id
    }

    pub fn top(&self) -> &Screen {
        // The stack is never empty: `back` stops at the first screen.
        &self.screens[self.screens.len() - 1]
    }

    pub fn top_mut(&mut self) -> &mut Screen {
        let last = self.screens.len() - 1;
        &mut self.screens[last]
    }

    /// Something is loading: the spinner turns.
    pub fn busy(&self) -> bool {
        self.cache.busy()
    }

    /// The next moment the model needs a Tick: the spinner while busy, a due preview, the
    /// sign-in code's countdown.
    pub fn next_deadline(&self, last_tick: Instant) -> Option<Instant> {
        let spin = self.busy().then(|| last_tick + super::SPINNER_INTERVAL);
        let prefetch = self.prefetch.as_ref().map(|p| p.due);
        let countdown = self.signin.next_deadline(self.now);
        // One frame when the token's expiry passes, so the status bar says "expired".
        let expiry = self
            .signin
            .identity()
            .and_then(|i| i.expires_at)
            .and_then(|at| self.instant_of(at))
            .filter(|at| *at > self.now);
        [spin, prefetch, countdown, expiry, self.rows.due]
            .into_iter()
            .flatten()
            .min()
    }

    /// The wall-clock time at the model's `now`.
    pub fn wall_now(&self) -> Option<SystemTime> {
        let (base, wall) = self.wall?;
        Some(wall + self.now.saturating_duration_since(base))
    }

    /// The instant a wall-clock time falls on (None before the base or without one).
    fn instant_of(&self, at: SystemTime) -> Option<Instant> {
        let (base, wall) = self.wall?;
        Some(base + at.duration_since(wall).ok()?)
    }

    /// Since when the request `query`'s pane waits for was asked for.
    pub fn waiting_since(&self, query: &Query) -> Option<Instant> {
        self.cache.waiting_since(query)
    }

    /// Who has the keyboard: the modal, the help, a prompt, a filter being typed, or the list.
    pub fn mode(&self) -> Mode {
        if self.signin.visible {
            Mode::Modal
        } else if self.help.is_some() {
            Mode::Help
        } else if self.command.is_some() {
            Mode::Command
        } else if self.log.is_some() {
            Mode::Log
        } else if self.search.is_some() {
            Mode::Prompt
        } else if self.top().filter.as_ref().is_some_and(|f| f.editing) {
            Mode::Filter
        } else {
            Mode::List
        }
    }

    /// Rows a list shows at the model's terminal size.
    pub fn page_rows(&self) -> usize {
        super::layout::list_height(self.size).max(1)
    }

    /// Whether any screen still shows `query`.
    pub fn shows(&self, query: &Query) -> bool {
        self.screens
            .iter()
            .any(|s| s.kind.query().as_ref() == Some(query))
    }

    /// Shows a short message in the status bar until the next key.
    pub fn flash(&mut self, text: impl Into<String>, tone: Tone) {
        self.flash = Some(Flash {
            text: text.into(),
            tone,
        });
        self.dirty = true;
    }

    /// The pseudonyms to show text through, when privacy mode is on.
    pub fn private_names(&self) -> Option<&crate::privacy::Pseudonyms> {
        self.names.as_ref().filter(|_| self.privacy)
    }

    /// The customer the top screens are about, if any.
    pub fn current_customer(&self) -> Option<&Crumb> {
        self.screens.iter().rev().find_map(|s| match &s.kind {
            ScreenKind::Users { customer, .. }
            | ScreenKind::Skus { customer }
            | ScreenKind::Subscriptions { customer }
            | ScreenKind::Licenses { customer, .. } => Some(customer),
            _ => None,
        })
    }
}
