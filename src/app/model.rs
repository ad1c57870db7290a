//! The explorer's whole state: the stack of screens, the query cache, row marks, the prompt,
//! the transient status message, and what is in flight. `update` changes it; the view only
//! reads it. Nothing here performs I/O or reads the clock.

use super::cache::{Cache, View};
use super::filter::Filter;
use super::rows::Tone;
use super::signin::SignIn;
use crate::api::ApiError;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};
use tui_input::Input;

/// The identity of one request: an answer is applied only while something waits for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Remote data and where its load stands.
#[derive(Clone, Debug)]
pub enum Loadable<T> {
    NotLoaded,
    Loading(RequestId),
    Ready(T),
    Failed(ApiError),
}

/// One thing the explorer can ask Partner Center for; the cache key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Query {
    /// The partner's customers, or those whose company name starts with `search`.
    Customers { search: Option<String> },
    Users {
        customer_id: Box<str>,
        deleted: bool,
    },
    /// A user's licences (both licence groups, in one request).
    Licences {
        customer_id: Box<str>,
        user_id: Box<str>,
    },
    /// A customer's subscribed SKUs.
    Skus { customer_id: Box<str> },
    /// A customer's subscriptions, joined to its subscribed SKUs.
    Subscriptions { customer_id: Box<str> },
}

impl Query {
    /// Whether the list arrives in pages (the others come whole).
    pub fn is_paged(&self) -> bool {
        matches!(self, Self::Customers { .. } | Self::Users { .. })
    }
}

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
    Licences {
        customer: Crumb,
        user: Crumb,
    },
    /// The service plans of one licence or subscribed SKU; `source` is that list's query and
    /// `sku.id` finds the row in it (so a refresh of the source shows fresh plans).
    Plans {
        source: Query,
        sku: Crumb,
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
            Self::Licences { customer, user } => Some(Query::Licences {
                customer_id: customer.id.clone(),
                user_id: user.id.clone(),
            }),
            Self::Plans { source, .. } => Some(source.clone()),
            Self::Raw { .. } => None,
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
            Self::Licences { .. } => "licences",
            Self::Plans { .. } => "service plans",
            Self::Raw { .. } => "lines",
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
    pub fn view<'a>(&self, cache: &'a Cache) -> View<'a> {
        match &self.kind {
            ScreenKind::Plans { source, sku } => cache.plans(source, &sku.id),
            kind => match kind.query() {
                Some(query) => cache.view(&query),
                None => View::NotLoaded,
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
}

/// A short message in the status bar until the next key ("copied …", "exported to …").
#[derive(Clone, Debug, PartialEq)]
pub struct Flash {
    pub text: String,
    pub tone: Tone,
}

/// A debounced load: the users of the customer the cursor rests on.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
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

/// Settings the update logic needs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long the cursor must rest on a customer before its users load.
    pub debounce: Duration,
    /// Load the next page when the cursor is this many rows from the end of what is loaded
    /// (at least; a screenful counts too).
    pub lookahead: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(150),
            lookahead: 20,
        }
    }
}

/// The explorer's state.
pub struct Model {
    /// Never empty: the bottom is the customers list.
    pub screens: Vec<Screen>,
    pub cache: Cache,
    pub marks: Marks,
    pub help: bool,
    /// The first help line shown (the help scrolls on short terminals).
    pub help_offset: usize,
    /// The server-side customer search being typed.
    pub search: Option<Input>,
    pub flash: Option<Flash>,
    /// Terminal columns and rows.
    pub size: (u16, u16),
    pub preview: Option<Preview>,
    /// Requests not yet answered, for the spinner and for cancelling.
    pub in_flight: HashMap<RequestId, Query>,
    pub spinner: usize,
    /// The time of the last message (for countdowns in the view).
    pub now: Instant,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    pub quit: bool,
    pub settings: Settings,
    /// Who is signed in, and the "signed out" modal.
    pub signin: SignIn,
    next_id: u64,
}

impl Model {
    pub fn new(size: (u16, u16), now: Instant) -> Self {
        Self {
            screens: vec![Screen::new(ScreenKind::Customers { search: None })],
            cache: Cache::default(),
            marks: Marks::default(),
            help: false,
            help_offset: 0,
            search: None,
            flash: None,
            size,
            preview: None,
            in_flight: HashMap::new(),
            spinner: 0,
            now,
            dirty: true,
            quit: false,
            settings: Settings::default(),
            signin: SignIn::default(),
            next_id: 1,
        }
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
        !self.in_flight.is_empty()
    }

    /// The next moment the model needs a Tick: the spinner while busy, a due preview, the
    /// sign-in code's countdown.
    pub fn next_deadline(&self, last_tick: Instant) -> Option<Instant> {
        let spin = self.busy().then(|| last_tick + super::SPINNER_INTERVAL);
        let preview = self.preview.as_ref().map(|p| p.due);
        let countdown = self.signin.next_deadline(self.now);
        [spin, preview, countdown].into_iter().flatten().min()
    }

    /// The customer the top screens are about, if any.
    pub fn current_customer(&self) -> Option<&Crumb> {
        self.screens.iter().rev().find_map(|s| match &s.kind {
            ScreenKind::Users { customer, .. }
            | ScreenKind::Skus { customer }
            | ScreenKind::Subscriptions { customer }
            | ScreenKind::Licences { customer, .. } => Some(customer),
            _ => None,
        })
    }
}
