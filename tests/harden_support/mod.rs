//! Shared by the hardening tests: the real event loop run headless through a script of steps,
//! each waiting on what is drawn (never on time) before it acts and types; a test backend that
//! follows scripted resizes; clients with short timeouts; screen text helpers.
#![allow(dead_code)]

pub mod hostile;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use pcx::api::{ApiClient, ClientConfig, RetryPolicy, Secret, StaticToken};
use pcx::app::model::Model;
use pcx::app::{ChannelEvents, RawTerminal, UiOptions, run_with};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Size};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

#[path = "../support/screen.rs"]
mod screen;
pub use screen::screen_text;

/// The screen's words in reading order with borders and repeated spaces gone, so a message
/// wrapped over several lines of a pane can be found whole.
pub fn flat(screen: &str) -> String {
    let text: String = screen
        .chars()
        .map(|c| match c {
            '│' | '─' | '┌' | '┐' | '└' | '┘' | '╭' | '╮' | '╰' | '╯' | '\n' => {
                ' '
            }
            c => c,
        })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The status bar: the last line of the screen.
pub fn status_bar(screen: &str) -> &str {
    screen.trim_end_matches('\n').lines().last().unwrap_or("")
}

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

/// A client with short timeouts and few retries, so every fault shows within a second.
pub fn quick_client(base_url: &str, token: &str) -> ApiClient {
    let mut config = ClientConfig::new(base_url);
    config.retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(5),
    };
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = Duration::from_millis(300);
    config.max_body_bytes = 1024 * 1024;
    ApiClient::new(config, StaticToken::new(Secret::new(token))).expect("a loopback URL")
}

pub fn options(export_dir: &std::path::Path) -> UiOptions {
    UiOptions {
        title: "test".into(),
        export_dir: export_dir.to_path_buf(),
        ..UiOptions::default()
    }
}

/// A directory of its own under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(what: &str) -> Self {
        let path = std::env::temp_dir().join(format!("pcx-{what}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A TestBackend whose size follows a shared value, as a real terminal follows its window: the
/// script sets the size together with the Resize event it types.
pub struct ResizableBackend {
    inner: TestBackend,
    pub size: Arc<Mutex<(u16, u16)>>,
}

impl ResizableBackend {
    pub fn new(width: u16, height: u16) -> Self {
        Self {
            inner: TestBackend::new(width, height),
            size: Arc::new(Mutex::new((width, height))),
        }
    }

    fn target(&self) -> (u16, u16) {
        *self.size.lock().unwrap()
    }

    /// Brings the inner buffer to the window's size before it is drawn on.
    fn follow(&mut self) {
        let (w, h) = self.target();
        let area = self.inner.buffer().area;
        if (area.width, area.height) != (w, h) {
            self.inner.resize(w, h);
        }
    }
}

impl RawTerminal for ResizableBackend {}

impl Backend for ResizableBackend {
    type Error = std::convert::Infallible;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.follow();
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.follow();
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.follow();
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.follow();
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        let (width, height) = self.target();
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.follow();
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}
