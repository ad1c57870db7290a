//! Logging to a file (never to the terminal: the TUI owns it). Level from `PCX_LOG`
//! (e.g. `debug`, `trace`, `pcx=debug`). Every line passes the sanitiser, so text from the
//! API cannot put escape sequences into the log; tokens are never logged in the first place.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tracing_subscriber::EnvFilter;

/// Starts logging to `path` (appending, created 0600). Without a path nothing is logged.
pub fn init(path: Option<&Path>) -> io::Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let file = open_private(path)?;
    let filter = EnvFilter::try_from_env("PCX_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let writer = SanitizingWriter(Arc::new(Mutex::new(file)));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .map_err(|e| io::Error::other(e.to_string()))
}

fn open_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes each formatted event with unsafe characters removed. The formatter hands over one
/// event per write, ending in a newline; a newline inside it came from a field's text (a
/// server's message) and would forge a log line, so it becomes a space.
#[derive(Clone)]
struct SanitizingWriter(Arc<Mutex<File>>);

impl Write for SanitizingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (event, end) = match text.strip_suffix('\n') {
            Some(event) => (event, "\n"),
            None => (&*text, ""),
        };
        let clean = format!("{}{end}", crate::text::sanitize(event));
        let mut file = self
            .0
            .lock()
            .map_err(|_| io::Error::other("log lock poisoned"))?;
        file.write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut file = self
            .0
            .lock()
            .map_err(|_| io::Error::other("log lock poisoned"))?;
        file.flush()
    }
}
