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
use std::thread::ThreadId;

type Hook = Arc<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// The bytes that put the screen back: end any synchronized update, stop bracketed paste,
/// reset attributes, leave the alternate screen, show the cursor.
fn write_restore(out: &mut impl io::Write) -> io::Result<()> {
    crossterm::execute!(
        out,
        EndSynchronizedUpdate,
        crossterm::event::DisableBracketedPaste,
        crossterm::style::SetAttribute(crossterm::style::Attribute::Reset),
        LeaveAlternateScreen,
        crossterm::cursor::Show
    )
}

/// Puts the terminal back the way the shell expects it. Safe to call more than once.
fn restore() {
    let _ = write_restore(&mut io::stdout());
    let _ = disable_raw_mode();
}

/// The panic hook while the explorer owns the terminal. A panic on the UI thread ends the
/// explorer: the terminal is restored first, then the panic is reported as before (on a usable
/// screen). A panic on another thread (a request task: the runtime catches it and the explorer
/// goes on, showing the request as failed) must neither leave the explorer drawing on a
/// restored, cooked terminal nor print over its screen, so it goes to the log instead; unless
/// panics abort, when the process is about to end whichever thread panicked.
fn panic_hook(
    ui_thread: ThreadId,
    restore: impl Fn() + Send + Sync + 'static,
    previous: Hook,
) -> Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static> {
    Box::new(move |info| {
        if std::thread::current().id() == ui_thread || cfg!(panic = "abort") {
            restore();
            previous(info);
        } else {
            tracing::error!(panic = %info, "a background task panicked; the explorer goes on");
        }
    })
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
        let ui_thread = std::thread::current().id();
        std::panic::set_hook(panic_hook(ui_thread, restore, previous.clone()));
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
        // Once, so the first frame starts from a known blank screen. Not `Terminal::clear`: it
        // asks the terminal where its cursor is and fails after 2 s without an answer (a slow
        // link, a terminal that does not answer), which would end the explorer at the start.
        crossterm::execute!(
            terminal.backend_mut(),
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
        )?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_restore_leaves_the_alternate_screen_and_shows_the_cursor() {
        let mut out = Vec::new();
        write_restore(&mut out).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("\x1b[?1049l"), "{text:?}");
        assert!(text.contains("\x1b[?25h"), "{text:?}");
        assert!(
            text.contains("\x1b[?2004l"),
            "bracketed paste off: {text:?}"
        );
    }

    /// The hook installed by `Guard::enter`, with the screen written to a buffer: a panic on
    /// the UI thread restores, then reports; a panic on another thread touches neither.
    #[test]
    fn a_panic_restores_the_terminal_only_when_it_ends_the_explorer() {
        let screen = Arc::new(Mutex::new(Vec::<u8>::new()));
        let reported = Arc::new(AtomicUsize::new(0));
        let restored_before_report = Arc::new(AtomicUsize::new(0));
        let previous: Hook = {
            let (screen, reported, ordered) = (
                screen.clone(),
                reported.clone(),
                restored_before_report.clone(),
            );
            Arc::new(move |_| {
                if screen.lock().is_ok_and(|s| !s.is_empty()) {
                    ordered.fetch_add(1, Ordering::SeqCst);
                }
                reported.fetch_add(1, Ordering::SeqCst);
            })
        };
        let sink = screen.clone();
        let restore_to_buffer = move || {
            if let Ok(mut out) = sink.lock() {
                let _ = write_restore(&mut *out);
            }
        };
        let before = std::panic::take_hook();
        std::panic::set_hook(panic_hook(
            std::thread::current().id(),
            restore_to_buffer,
            previous,
        ));
        let on_ui = std::panic::catch_unwind(|| panic!("a bug in update"));
        let after_ui = screen.lock().unwrap().clone();
        let elsewhere = std::thread::spawn(|| panic!("a bug in a request task")).join();
        std::panic::set_hook(before);

        assert!(on_ui.is_err() && elsewhere.is_err());
        let text = String::from_utf8_lossy(&after_ui);
        assert!(
            text.contains("\x1b[?1049l") && text.contains("\x1b[?25h"),
            "{text:?}"
        );
        assert_eq!(
            screen.lock().unwrap().len(),
            after_ui.len(),
            "another thread's panic leaves the terminal to the explorer"
        );
        assert_eq!(reported.load(Ordering::SeqCst), 1, "reported once");
        assert_eq!(
            restored_before_report.load(Ordering::SeqCst),
            1,
            "restored before the report"
        );
    }
}
