//! The event loop: terminal events, fetcher reports and edge messages become messages
//! (drained in batches), `update` turns them into effects, which the edge (`edge.rs`)
//! performs, and the token provider's identity is passed on after fetches. It draws only when the model is dirty, at most ~60 frames a second, each
//! frame inside a synchronized update; it ticks only while something loads or a debounce is
//! pending, so an idle explorer writes nothing. Generic over the backend for headless runs.

use super::edge::{Channels, Edge, Stamped};
use super::model::Model;
use super::msg::Msg;
use super::session::SignIn;
use super::{AppError, FRAME_INTERVAL, UiOptions, update};
use crate::api::ApiClient;
use crate::fetch::FetchEvent;
use crate::ui::{self, Theme};
use crossterm::event::Event;
use futures_core::Stream;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::buffer::Buffer;
use std::future::Future;
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What the loop writes outside ratatui's frames: synchronized-update brackets and OSC 52.
/// Backends that cannot (TestBackend) keep the no-op defaults.
pub trait RawTerminal {
    fn begin_frame(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn end_frame(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn write_raw(&mut self, _text: &str) -> io::Result<()> {
        Ok(())
    }
}

impl RawTerminal for TestBackend {}

impl<W: Write> RawTerminal for CrosstermBackend<W> {
    fn begin_frame(&mut self) -> io::Result<()> {
        crossterm::queue!(self, crossterm::terminal::BeginSynchronizedUpdate)
    }
    fn end_frame(&mut self) -> io::Result<()> {
        crossterm::queue!(self, crossterm::terminal::EndSynchronizedUpdate)?;
        Write::flush(self)
    }
    fn write_raw(&mut self, text: &str) -> io::Result<()> {
        self.write_all(text.as_bytes())?;
        Write::flush(self)
    }
}

/// Where the loop's terminal events come from: crossterm's `EventStream`, or scripted events.
pub trait EventSource: Stream<Item = io::Result<Event>> + Unpin {}

impl<S: Stream<Item = io::Result<Event>> + Unpin> EventSource for S {}

/// What sees the model and the frame's buffer after every frame (tests, benchmarks).
pub trait FrameObserver: FnMut(&Model, &Buffer) {}

impl<O: FnMut(&Model, &Buffer)> FrameObserver for O {}

/// Scripted terminal events from a channel (tests, benchmarks); ends when the sender drops.
pub struct ChannelEvents(pub mpsc::UnboundedReceiver<Event>);

impl Stream for ChannelEvents {
    type Item = io::Result<Event>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx).map(|e| e.map(Ok))
    }
}

/// Runs the explorer on any backend with any event source until Quit or the events end;
/// `observer` sees the model and the buffer after every frame. Returns the final model.
pub async fn run_with<B: Backend + RawTerminal>(
    terminal: &mut Terminal<B>,
    events: impl EventSource,
    client: ApiClient,
    options: UiOptions,
    observer: impl FrameObserver,
) -> Result<Model, AppError> {
    run_loop(
        terminal,
        events,
        client,
        options,
        observer,
        std::future::pending(),
    )
    .await
}

/// Everything that arrived since the last turn of the loop.
enum Batch {
    Events(Vec<io::Result<Event>>),
    EventsEnded,
    Fetch(Vec<FetchEvent>),
    /// Messages from edge tasks (sign-in, store, scan), stamped with their partner.
    Edge(Vec<Stamped>),
    Timer,
    Shutdown,
}

/// Polls the stream with the loop's own waker until it has nothing more, so a burst of keys
/// (key repeat, a paste) becomes one batch and one frame.
fn next_events<S: EventSource>(
    events: &mut S,
) -> impl Future<Output = Option<Vec<io::Result<Event>>>> + '_ {
    std::future::poll_fn(move |cx| {
        let mut batch = Vec::new();
        loop {
            match Pin::new(&mut *events).poll_next(cx) {
                Poll::Ready(Some(item)) => {
                    batch.push(item);
                    if batch.len() >= 512 {
                        return Poll::Ready(Some(batch));
                    }
                }
                Poll::Ready(None) if batch.is_empty() => return Poll::Ready(None),
                Poll::Ready(None) => return Poll::Ready(Some(batch)),
                Poll::Pending if batch.is_empty() => return Poll::Pending,
                Poll::Pending => return Poll::Ready(Some(batch)),
            }
        }
    })
}

pub(super) async fn run_loop<B: Backend + RawTerminal>(
    terminal: &mut Terminal<B>,
    mut events: impl EventSource,
    client: ApiClient,
    options: UiOptions,
    mut observer: impl FrameObserver,
    shutdown: impl Future<Output = ()>,
) -> Result<Model, AppError> {
    // The viewport's area: a fixed viewport (headless byte counting) never asks the backend.
    let size = terminal.get_frame().area();
    let start = Instant::now();
    let mut model = first_model((size.width, size.height), start, &options, &client);
    let theme = Theme::new(options.color, options.ascii);
    let (report_tx, mut reports) = mpsc::unbounded_channel();
    let (edge_tx, mut edge_rx) = mpsc::unbounded_channel();
    let channels = Channels {
        reports: report_tx,
        edge: edge_tx,
    };
    let mut edge = Edge::new(&options, client, channels);
    let mut first = Vec::new();
    if model.signin.tracks_identity() {
        // The identity is read from the client's token provider: in memory, no I/O.
        first = update::update(&mut model, Msg::Identity(edge.client.identity()), start);
    }
    first.extend(update::start(&mut model, start));
    edge.perform(&mut model, terminal, first)?;
    let mut last_frame: Option<Instant> = None;
    let mut last_tick = start;
    tokio::pin!(shutdown);
    while !model.quit {
        let now = Instant::now();
        if model.dirty && last_frame.is_none_or(|t| now >= t + FRAME_INTERVAL) {
            draw(terminal, &model, &theme, &edge.title, &mut observer)?;
            model.dirty = false;
            last_frame = Some(now);
        }
        let frame_due = model
            .dirty
            .then(|| last_frame.map_or(now, |t| t + FRAME_INTERVAL));
        let tick_due = model.next_deadline(last_tick);
        let wake = match (frame_due, tick_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let batch = next_batch(&mut events, &mut reports, &mut edge_rx, &mut shutdown, wake).await;
        let msgs = match batch {
            Batch::Shutdown | Batch::EventsEnded => break,
            Batch::Timer => {
                let now = Instant::now();
                if tick_due.is_some_and(|t| now >= t) {
                    last_tick = now;
                    vec![Msg::Tick]
                } else {
                    Vec::new()
                }
            }
            batch => batch.into_msgs(&model, &edge)?,
        };
        for msg in msgs {
            let effects = update::update(&mut model, msg, Instant::now());
            edge.perform(&mut model, terminal, effects)?;
            if model.quit {
                break;
            }
        }
    }
    Ok(model)
}

/// The model before the first frame: the terminal's size, the clock, and what the options and
/// the client say about sign-in, profiles and privacy.
fn first_model(size: (u16, u16), start: Instant, options: &UiOptions, client: &ApiClient) -> Model {
    let mut model = Model::new(size, start);
    model.wall = Some((start, std::time::SystemTime::now()));
    model.signin = SignIn::from_options(options.signin.as_ref(), options.demo);
    model.profile = options.profiles.active.clone();
    model.profiles = options.profiles.known.clone();
    model.names = client.pseudonyms().cloned();
    model.privacy = options.privacy && model.names.is_some();
    model.settings.deadline = client.deadline();
    model
}

/// Waits for the next thing to do: input, answers, edge messages, shutdown, or `wake`.
async fn next_batch<S: EventSource, F>(
    events: &mut S,
    reports: &mut mpsc::UnboundedReceiver<FetchEvent>,
    edge_rx: &mut mpsc::UnboundedReceiver<Stamped>,
    shutdown: &mut Pin<&mut F>,
    wake: Option<Instant>,
) -> Batch
where
    F: Future<Output = ()>,
{
    let sleep_to = wake.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
    tokio::select! {
        () = shutdown.as_mut() => Batch::Shutdown,
        got = next_events(events) => match got {
            Some(batch) => Batch::Events(batch),
            None => Batch::EventsEnded,
        },
        Some(first) = reports.recv() => Batch::Fetch(drain(first, reports)),
        Some(first) = edge_rx.recv() => Batch::Edge(drain(first, edge_rx)),
        () = tokio::time::sleep_until(sleep_to.into()), if wake.is_some() => Batch::Timer,
    }
}

/// `first` and whatever else is already waiting on the channel.
fn drain<T>(first: T, rx: &mut mpsc::UnboundedReceiver<T>) -> Vec<T> {
    let mut batch = vec![first];
    while let Ok(more) = rx.try_recv() {
        batch.push(more);
    }
    batch
}

impl Batch {
    /// The messages of a batch of input, answers or edge messages.
    fn into_msgs(self, model: &Model, edge: &Edge<'_>) -> io::Result<Vec<Msg>> {
        let mut msgs = Vec::new();
        match self {
            Batch::Events(events) => {
                for event in events {
                    match event? {
                        Event::Key(key) => msgs.push(Msg::Key(key)),
                        Event::Resize(w, h) => msgs.push(Msg::Resize(w, h)),
                        Event::Paste(text) => msgs.push(Msg::Paste(text)),
                        _ => {}
                    }
                }
            }
            Batch::Fetch(reports) => {
                for report in reports {
                    msgs.push(match report {
                        FetchEvent::Done(done) => Msg::Fetched(done),
                        FetchEvent::Retrying { id, query, notice } => {
                            Msg::Retrying { id, query, notice }
                        }
                    });
                }
                // A fetch may have refreshed the token (or found a sign-in made elsewhere).
                if model.signin.tracks_identity() {
                    msgs.push(Msg::Identity(edge.client.identity()));
                }
            }
            // An answer about a partner the operator has switched away from is dropped.
            Batch::Edge(stamped) => msgs.extend(
                stamped
                    .into_iter()
                    .filter(|m| edge.is_current(m))
                    .map(|(_, msg)| msg),
            ),
            Batch::Timer | Batch::Shutdown | Batch::EventsEnded => {}
        }
        Ok(msgs)
    }
}

fn draw<B, O>(
    terminal: &mut Terminal<B>,
    model: &Model,
    theme: &Theme,
    title: &str,
    observer: &mut O,
) -> Result<(), AppError>
where
    B: Backend + RawTerminal,
    O: FnMut(&Model, &Buffer),
{
    terminal.backend_mut().begin_frame()?;
    let frame = terminal
        .draw(|frame| ui::render(model, theme, title, frame))
        .map_err(|e| AppError::Terminal(e.to_string()))?;
    observer(model, frame.buffer);
    terminal.backend_mut().end_frame()?;
    Ok(())
}
