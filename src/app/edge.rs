//! The edge: performs the effects `update` asks for (fetch, cancel, OSC 52 copy, CSV export,
//! sign-in, store reads and the scan, the request log) and owns what talks to one partner: the
//! client, its fetcher, sign-in runner and store task. `:profile` swaps all of them at once;
//! answers of the partner left behind are dropped here or by their request ids.

use super::effects::{osc52, timestamp_now, write_export};
use super::event_loop::RawTerminal;
use super::model::Model;
use super::msg::{Effect, Msg, Switched};
use super::signin_task::SignInRunner;
use super::store_task::StoreTask;
use super::{AppError, Partner, UiOptions, update};
use crate::api::ApiClient;
use crate::fetch::{FetchEvent, FetchInput, Fetcher, FetcherConfig};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::time::Instant;
use tokio::sync::mpsc;

/// A message from an edge task, stamped with the partner it is about.
pub(crate) type Stamped = (u64, Msg);

/// How an edge task (sign-in, store, scan) answers: stamped with its partner, so that once
/// the operator has switched profiles a late answer of the old partner is dropped.
#[derive(Clone)]
pub(crate) struct EdgeSender {
    partner: u64,
    tx: mpsc::UnboundedSender<Stamped>,
}

/// The loop has ended: nobody reads edge messages any more.
#[derive(Debug)]
pub(crate) struct LoopEnded;

impl EdgeSender {
    pub fn send(&self, msg: Msg) -> Result<(), LoopEnded> {
        self.tx.send((self.partner, msg)).map_err(|_| LoopEnded)
    }
}

/// The channels the edge answers on.
pub(crate) struct Channels {
    pub reports: mpsc::UnboundedSender<FetchEvent>,
    pub edge: mpsc::UnboundedSender<Stamped>,
}

/// Performs effects at the edge; results that the model should know about come back as Msgs.
pub(crate) struct Edge<'a> {
    options: &'a UiOptions,
    channels: Channels,
    tmux: bool,
    /// Counts the partners this run has spoken to; stamps edge messages.
    partner: u64,
    /// The title at the top right (the partner's).
    pub title: String,
    /// The client of the current partner (its token provider says who is signed in).
    pub client: ApiClient,
    fetcher: Fetcher,
    signin: SignInRunner,
    store: StoreTask,
}

impl<'a> Edge<'a> {
    pub fn new(options: &'a UiOptions, client: ApiClient, channels: Channels) -> Self {
        let partner = Partner {
            client,
            title: options.title.clone(),
            signin: options.signin.clone(),
            store: options.store.clone(),
        };
        let parts = Parts::of(options, &channels, 0, &partner);
        Self {
            options,
            channels,
            tmux: std::env::var_os("TMUX").is_some(),
            partner: 0,
            title: partner.title,
            client: partner.client,
            fetcher: parts.fetcher,
            signin: parts.signin,
            store: parts.store,
        }
    }

    /// Whether an edge message is about the partner shown now.
    pub fn is_current(&self, (partner, _): &Stamped) -> bool {
        *partner == self.partner
    }

    pub fn perform<B: Backend + RawTerminal>(
        &mut self,
        model: &mut Model,
        terminal: &mut Terminal<B>,
        effects: Vec<Effect>,
    ) -> Result<(), AppError> {
        let mut queue = effects;
        while !queue.is_empty() {
            let mut followups = Vec::new();
            for effect in queue {
                if let Some(msg) = self.perform_one(terminal, effect)? {
                    followups.push(msg);
                }
            }
            queue = Vec::new();
            for msg in followups {
                queue.extend(update::update(model, msg, Instant::now()));
            }
        }
        Ok(())
    }

    /// One effect; what the model should hear of it.
    fn perform_one<B: Backend + RawTerminal>(
        &mut self,
        terminal: &mut Terminal<B>,
        effect: Effect,
    ) -> Result<Option<Msg>, AppError> {
        let msg = match effect {
            Effect::Fetch(cmd) => {
                if !self.fetcher.send(FetchInput::Fetch(cmd)) {
                    return Err(AppError::Fetcher);
                }
                None
            }
            Effect::Cancel(id) => {
                self.fetcher.send(FetchInput::Cancel(id));
                None
            }
            Effect::Copy(text) => {
                let sequence = osc52(&text, self.tmux);
                let result = terminal
                    .backend_mut()
                    .write_raw(&sequence)
                    .map(|()| text)
                    .map_err(|e| e.to_string());
                Some(Msg::Copied(result))
            }
            Effect::Export(job) => {
                // The full path, so the operator knows where "the current directory" was.
                let result = write_export(&self.options.export_dir, &job, &timestamp_now())
                    .map(|path| super::msg::Exported {
                        path: std::path::absolute(&path).unwrap_or(path),
                        rows: job.rows.len(),
                        total: job.total,
                        noun: job.noun.clone(),
                    })
                    .map_err(|e| e.to_string());
                Some(Msg::Exported(result))
            }
            Effect::StartSignIn { attempt } => {
                self.signin.start(attempt);
                None
            }
            Effect::LoadReport { id, kind } => {
                self.store.report(id, kind);
                None
            }
            Effect::LoadSnapshot => {
                self.store.snapshot();
                None
            }
            Effect::StartScan { with_users } => {
                self.store.scan(with_users);
                None
            }
            Effect::StopScan => {
                self.store.stop();
                None
            }
            Effect::ReadLog { focus } => Some(Msg::Log {
                entries: self.client.request_log().newest_first(),
                focus,
            }),
            Effect::SwitchProfile(name) => Some(Msg::ProfileSwitched(self.switch(&name))),
        };
        Ok(msg)
    }

    /// `:profile NAME`: a new client, fetcher, sign-in runner and store for that partner. The
    /// old fetcher is dropped (its requests are aborted) and the old scan stopped.
    fn switch(&mut self, name: &str) -> Result<Switched, String> {
        let open = self
            .options
            .profiles
            .open
            .as_ref()
            .ok_or("profiles cannot be switched in this session")?;
        let partner = open(name)?;
        self.store.stop();
        self.partner += 1;
        let parts = Parts::of(self.options, &self.channels, self.partner, &partner);
        self.fetcher = parts.fetcher;
        self.signin = parts.signin;
        self.store = parts.store;
        self.title = partner.title;
        self.client = partner.client;
        Ok(Switched {
            name: name.to_string(),
            signin: partner.signin,
            names: self.client.pseudonyms().cloned(),
            deadline: self.client.deadline(),
        })
    }
}

/// What talks to one partner.
struct Parts {
    fetcher: Fetcher,
    signin: SignInRunner,
    store: StoreTask,
}

impl Parts {
    fn of(options: &UiOptions, channels: &Channels, stamp: u64, partner: &Partner) -> Self {
        let config = FetcherConfig {
            page_size: options
                .page_size
                .clamp(1, crate::api::client::MAX_PAGE_SIZE),
            concurrency: options.concurrency.max(1),
        };
        let sender = EdgeSender {
            partner: stamp,
            tx: channels.edge.clone(),
        };
        let login = partner
            .signin
            .as_ref()
            .and_then(|s| s.login.clone().map(|login| (login, s.poll)));
        Self {
            fetcher: Fetcher::spawn(partner.client.clone(), config, channels.reports.clone()),
            signin: SignInRunner::new(login, sender.clone()),
            store: StoreTask::new(
                partner.store.clone(),
                partner.client.clone(),
                options.concurrency.max(1),
                crate::api::client::MAX_PAGE_SIZE,
                sender,
            ),
        }
    }
}
