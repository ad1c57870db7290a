//! The real terminal: raw mode, alternate screen, hidden cursor, no mouse capture; restored on
//! every way out (quit, error, panic via a hook, SIGTERM, SIGHUP, SIGINT) by a guard whose
//! Drop restores. Owns nothing of the explorer's state.

use super::event_loop::run_loop;
use super::{AppError, UiOptions};
use crate::api::ApiClient;
use crossterm::event::EventStream;
use crossterm::terminal::{
    EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io;
use std::panic::PanicHookInfo;
use std::sync::Arc;

type Hook = Arc<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Puts the terminal back the way the shell expects it. Safe to call more than once.
fn restore() {
    let mut out = io::stdout();
    let _ = crossterm::execute!(
        out,
        EndSynchronizedUpdate,
        crossterm::event::DisableBracketedPaste,
        crossterm::style::SetAttribute(crossterm::style::Attribute::Reset),
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// While alive, the terminal is in explorer mode; dropping it (or a panic) restores it.
struct Guard {
    previous_hook: Hook,
}

impl Guard {
    fn enter() -> Result<Self, AppError> {
        use std::io::IsTerminal;
        if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
            return Err(AppError::Terminal(
                "the explorer needs a terminal; for scripts use a listing command such as \
                 `pcx customers -o json`"
                    .into(),
            ));
        }
        enable_raw_mode()?;
        let previous: Hook = Arc::from(std::panic::take_hook());
        let chained = previous.clone();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            chained(info);
        }));
        // From here on, dropping the guard restores whatever was set up.
        let guard = Self {
            previous_hook: previous,
        };
        // Bracketed paste: a paste arrives as text, never as a burst of commands.
        crossterm::execute!(
            io::stdout(),
            EnterAlternateScreen,
            crossterm::cursor::Hide,
            crossterm::event::EnableBracketedPaste
        )?;
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
        // Setting a hook while unwinding would itself panic (and abort); the chained hook
        // stays then, which is harmless as the process is on its way out.
        if !std::thread::panicking() {
            let previous = self.previous_hook.clone();
            std::panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

/// Resolves when the process is asked to stop (terminal closed, SSH dropped, kill).
async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
    ];
    let mut streams = Vec::new();
    for kind in kinds {
        match signal(kind) {
            Ok(s) => streams.push(s),
            Err(e) => tracing::warn!(error = %e, "cannot watch a signal"),
        }
    }
    if streams.is_empty() {
        return std::future::pending().await;
    }
    std::future::poll_fn(|cx| {
        for s in streams.iter_mut() {
            if s.poll_recv(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// Runs the explorer in the real terminal (stdout) until the operator quits or a signal
/// arrives; the terminal is restored on every path.
pub async fn run_terminal(client: ApiClient, options: UiOptions) -> Result<(), AppError> {
    let guard = Guard::enter()?;
    let result = async {
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        // Once, so the first frame starts from a known blank screen.
        terminal.clear()?;
        let events = EventStream::new();
        run_loop(
            &mut terminal,
            events,
            client,
            options,
            |_, _| {},
            stop_signal(),
        )
        .await
    }
    .await;
    drop(guard);
    result.map(|_| ())
}
