//! The one end-to-end runner: the real event loop run headless through a script of steps, each
//! waiting on what is drawn (never on time) before it acts and types.

use super::screen::screen_text;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use pcx::api::ApiClient;
use pcx::app::model::Model;
use pcx::app::{ChannelEvents, RawTerminal, UiOptions, run_with};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Key events for a string: `\n` Enter, `\u{1b}` Esc, `\u{8}` Backspace, `\t` Tab; others as
/// typed (upper case with Shift).
pub fn keys(text: &str) -> Vec<Event> {
    text.chars()
        .map(|c| {
            let (code, modifiers) = match c {
                '\n' => (KeyCode::Enter, KeyModifiers::NONE),
                '\u{1b}' => (KeyCode::Esc, KeyModifiers::NONE),
                '\u{8}' => (KeyCode::Backspace, KeyModifiers::NONE),
                '\t' => (KeyCode::Tab, KeyModifiers::NONE),
                c if c.is_ascii_uppercase() => (KeyCode::Char(c), KeyModifiers::SHIFT),
                c => (KeyCode::Char(c), KeyModifiers::NONE),
            };
            Event::Key(KeyEvent::new(code, modifiers))
        })
        .collect()
}

type Until<'a> = Box<dyn Fn(&Model, &str) -> bool + 'a>;
type Act<'a> = Box<dyn FnMut(&Model, &str) + 'a>;

/// When `until` holds for a drawn frame, `act` runs (switch a fault, record something) and
/// then `events` are typed.
pub struct Step<'a> {
    pub name: &'static str,
    until: Until<'a>,
    act: Option<Act<'a>>,
    events: Vec<Event>,
}

pub fn step<'a>(
    name: &'static str,
    until: impl Fn(&Model, &str) -> bool + 'a,
    typed: &str,
) -> Step<'a> {
    Step {
        name,
        until: Box::new(until),
        act: None,
        events: keys(typed),
    }
}

/// A step known by its place in the script: on a frame where `until` holds, type `typed`.
pub fn on<'a>(until: impl Fn(&Model, &str) -> bool + 'a, typed: &str) -> Step<'a> {
    step("", until, typed)
}

/// A condition on the screen alone: it shows each of `texts`.
pub fn shows<'a>(texts: &'a [&'a str]) -> impl Fn(&Model, &str) -> bool + 'a {
    move |_, screen| texts.iter().all(|t| screen.contains(t))
}

/// A condition on the status bar alone: it shows `text`.
pub fn status_shows<'a>(text: &'a str) -> impl Fn(&Model, &str) -> bool + 'a {
    move |_, screen| super::screen::status_bar(screen).contains(text)
}

impl<'a> Step<'a> {
    /// Runs `act` when the step's condition holds, before its keys are typed.
    pub fn then(mut self, act: impl FnMut(&Model, &str) + 'a) -> Self {
        self.act = Some(Box::new(act));
        self
    }
}

/// What a script run saw.
pub struct Seen {
    pub model: Model,
    /// The screen at which each step's condition held, in step order.
    pub matched: Vec<String>,
    /// Every frame drawn.
    pub frames: Vec<String>,
}

/// Runs the explorer on `terminal` through `steps`; returns the final model and what was
/// drawn. Panics (naming the step and showing the last frame) if the script does not finish.
pub async fn run_script<B>(
    terminal: &mut Terminal<B>,
    api: ApiClient,
    options: UiOptions,
    steps: Vec<Step<'_>>,
    limit: Duration,
) -> Seen
where
    B: Backend + RawTerminal,
{
    let (tx, rx) = mpsc::unbounded_channel();
    let mut at = 0;
    let mut steps = steps;
    let mut matched = Vec::new();
    let mut frames = Vec::new();
    let last = Arc::new(Mutex::new(String::new()));
    let seen = last.clone();
    let observer = |model: &Model, buf: &Buffer| {
        let screen = screen_text(buf);
        if let Some(next) = steps.get_mut(at)
            && (next.until)(model, &screen)
        {
            if let Some(act) = next.act.as_mut() {
                act(model, &screen);
            }
            for event in &next.events {
                let _ = tx.send(event.clone());
            }
            matched.push(screen.clone());
            at += 1;
        }
        let name = steps.get(at).map_or("(done)", |s| s.name);
        *seen.lock().unwrap() = format!("waiting for step {at} {name:?}\n{screen}");
        frames.push(screen);
    };
    let run = run_with(terminal, ChannelEvents(rx), api, options, observer);
    // A guard against a hang, not a synchronisation: every step waits on a drawn condition.
    let Ok(result) = tokio::time::timeout(limit, run).await else {
        panic!("the script did not finish; {}", last.lock().unwrap());
    };
    let model = result.expect("the explorer ran without error");
    Seen {
        model,
        matched,
        frames,
    }
}

pub fn options(export_dir: &std::path::Path) -> UiOptions {
    UiOptions {
        title: "test".into(),
        export_dir: export_dir.to_path_buf(),
        ..UiOptions::default()
    }
}

/// `run_script` with the tests' options and a minute's guard against a hang.
pub async fn explore<B>(terminal: &mut Terminal<B>, api: ApiClient, steps: Vec<Step<'_>>) -> Seen
where
    B: Backend + RawTerminal,
{
    explore_in(terminal, api, &std::env::temp_dir(), steps).await
}

/// `explore` exporting into `export_dir`.
pub async fn explore_in<B>(
    terminal: &mut Terminal<B>,
    api: ApiClient,
    export_dir: &std::path::Path,
    steps: Vec<Step<'_>>,
) -> Seen
where
    B: Backend + RawTerminal,
{
    run_script(
        terminal,
        api,
        options(export_dir),
        steps,
        Duration::from_secs(60),
    )
    .await
}
