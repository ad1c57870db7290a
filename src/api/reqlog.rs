//! The request log: every HTTP request the client made this session (the last 1,000), with its
//! attempts, waits, ids, headers and the sanitised answer, and the `curl` command that repeats
//! one. It records what the client hands it; it never holds a token (the Authorization header is
//! redacted before an entry exists) and knows nothing of screens.

use serde::Serialize;
use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many requests the log keeps; older ones fall off.
pub const LOG_CAPACITY: usize = 1000;
/// The longest answer body kept per entry (the log is for reading, not for archiving).
const MAX_BODY_CHARS: usize = 256 * 1024;
/// The answers the log keeps in all: older entries lose their body first (a scroll through
/// 100,000 users is a thousand pages; their bodies would otherwise cost more than the rows).
const BODY_BUDGET: usize = 4 * 1024 * 1024;
/// What stands where an older answer was.
pub const BODY_DROPPED: &str = "(answer not kept: the log keeps the newest 4 MiB of answers)";
/// What stands in the log where the token was.
pub const REDACTED: &str = "Bearer [redacted]";

/// One logical request: its first attempt to its last.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// When it started, RFC 3339 UTC.
    pub time: String,
    pub method: &'static str,
    /// The exact URL requested (ids and query kept).
    pub url: String,
    /// Path and query, as the list shows it.
    pub path: String,
    /// The final HTTP status; none when no answer came (network, timeout).
    pub status: Option<u16>,
    #[serde(rename = "durationMs", serialize_with = "millis")]
    pub duration: Duration,
    pub attempts: u32,
    /// Each retry's reason and wait ("throttled (HTTP 429), waited 2 s").
    pub waits: Vec<String>,
    pub correlation_id: String,
    pub request_id: String,
    pub request_headers: Vec<(String, String)>,
    pub response_headers: Vec<(String, String)>,
    /// The answer, pretty-printed when it is JSON, sanitised, cut at 256 KiB.
    pub body: String,
    /// Why the request failed, if it did.
    pub error: Option<String>,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

impl LogEntry {
    /// A failed request (no status, or not 2xx).
    pub fn failed(&self) -> bool {
        self.error.is_some() || !self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// A shell command that repeats this request; the token comes from `$PCX_TOKEN`.
    pub fn curl(&self) -> String {
        let mut out = format!("curl -sS {}", shell_quote(&self.url));
        for (name, value) in &self.request_headers {
            if name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            out.push_str(&format!(" -H {}", shell_quote(&format!("{name}: {value}"))));
        }
        out.push_str(" -H \"Authorization: Bearer $PCX_TOKEN\"");
        out
    }
}

/// Single quotes keep everything literal in sh; a quote inside becomes '\''.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Header pairs for the log: sanitised, the Authorization value replaced.
pub fn logged_headers(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if name == reqwest::header::AUTHORIZATION {
                REDACTED.to_string()
            } else {
                crate::text::sanitize(&String::from_utf8_lossy(value.as_bytes())).into_owned()
            };
            (name.as_str().to_string(), value)
        })
        .collect()
}

/// JSON pretty-printed when `value` is what `text` parsed to; otherwise the text as it came.
pub fn pretty_json(text: &str, value: Option<&serde_json::Value>) -> String {
    value
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_else(|| text.to_string())
}

/// The answer as the log keeps it (`value`: what it parsed to, if JSON): pretty, sanitised per
/// line, bounded. Stops reading the answer once the bound is passed.
pub fn logged_body(body: &str, value: Option<&serde_json::Value>) -> String {
    let mut out = String::new();
    for (i, line) in pretty_json(body, value).lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&crate::text::sanitize(line));
        if out.len() > MAX_BODY_CHARS {
            break;
        }
    }
    if out.len() > MAX_BODY_CHARS {
        let mut cut = MAX_BODY_CHARS;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("\n… (cut at 256 KiB)");
    }
    out
}

/// The shared, bounded log. Cheap to clone; clones share entries.
#[derive(Clone)]
pub struct RequestLog {
    inner: Arc<Mutex<Inner>>,
    /// False for a command whose requests nobody looks at: nothing is recorded.
    keeps: bool,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            keeps: true,
        }
    }
}

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RequestLog({} entries)", self.len())
    }
}

#[derive(Default)]
struct Inner {
    entries: VecDeque<Arc<LogEntry>>,
    /// The bytes of the bodies kept (at most `BODY_BUDGET`, the newest body always).
    body_bytes: usize,
    /// `--log-requests FILE`; gone after the first failed write.
    sink: Option<Sink>,
}

/// `--log-requests FILE`: each entry is appended as one JSON line.
struct Sink {
    path: PathBuf,
    /// Opened at the first entry, then kept.
    file: Option<std::fs::File>,
    /// Privacy mode: the file gets pseudonyms, never the real values.
    names: Option<crate::privacy::Pseudonyms>,
}

impl Sink {
    fn write(&mut self, entry: &LogEntry) -> std::io::Result<()> {
        let line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        let line = match &self.names {
            Some(names) => names.apply(&line).into_owned(),
            None => line,
        };
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?,
            ),
        };
        writeln!(file, "{line}")
    }
}

/// The bytes an entry's body counts against the budget (the stand-in counts nothing).
fn kept_body(entry: &LogEntry) -> usize {
    match entry.body == BODY_DROPPED {
        true => 0,
        false => entry.body.len(),
    }
}

impl Inner {
    /// Drops the oldest bodies until the kept ones fit the budget (the newest always stays).
    fn keep_within_budget(&mut self) {
        let newest = self.entries.len().saturating_sub(1);
        for entry in self.entries.iter_mut().take(newest) {
            if self.body_bytes <= BODY_BUDGET {
                break;
            }
            let bytes = kept_body(entry);
            if bytes > 0 {
                Arc::make_mut(entry).body = BODY_DROPPED.to_string();
                self.body_bytes -= bytes;
            }
        }
    }
}

impl RequestLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// A log that records nothing: a listing or a scan without `--log-requests` (only the
    /// explorer's `:log` and the file read the log), so the answers are not copied for it.
    pub fn off() -> Self {
        Self {
            keeps: false,
            ..Self::default()
        }
    }

    /// Whether entries are recorded (else an attempt need not prepare one).
    pub fn keeps(&self) -> bool {
        self.keeps
    }

    /// Also appends every entry to `path` as JSON lines, through `names` in privacy mode.
    pub fn with_file(path: PathBuf, names: Option<crate::privacy::Pseudonyms>) -> Self {
        let log = Self::default();
        if let Ok(mut inner) = log.inner.lock() {
            inner.sink = Some(Sink {
                path,
                file: None,
                names,
            });
        }
        log
    }

    pub fn push(&self, entry: LogEntry) {
        if !self.keeps {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some(sink) = inner.sink.as_mut()
            && let Err(e) = sink.write(&entry)
        {
            // One warning, not one per request.
            tracing::warn!(path = %sink.path.display(), error = %e, "cannot write the request log");
            inner.sink = None;
        }
        if inner.entries.len() >= LOG_CAPACITY
            && let Some(gone) = inner.entries.pop_front()
        {
            inner.body_bytes -= kept_body(&gone);
        }
        inner.body_bytes += kept_body(&entry);
        inner.entries.push_back(Arc::new(entry));
        inner.keep_within_budget();
    }

    /// The entries, newest first.
    pub fn newest_first(&self) -> Vec<Arc<LogEntry>> {
        match self.inner.lock() {
            Ok(inner) => inner.entries.iter().rev().cloned().collect(),
            Err(_) => Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.inner.lock().map(|i| i.entries.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> LogEntry {
        LogEntry {
            time: "2026-01-01T00:00:00Z".into(),
            method: "GET",
            url: format!("https://api.example{path}"),
            path: path.into(),
            status: Some(200),
            duration: Duration::from_millis(5),
            attempts: 1,
            waits: Vec::new(),
            correlation_id: "c".into(),
            request_id: "r".into(),
            request_headers: vec![
                ("authorization".into(), REDACTED.into()),
                ("accept".into(), "application/json".into()),
            ],
            response_headers: Vec::new(),
            body: String::new(),
            error: None,
        }
    }

    #[test]
    fn older_answers_give_way_to_newer_ones_within_the_budget() {
        let log = RequestLog::new();
        let page = "x".repeat(1024 * 1024);
        for n in 0..40 {
            let mut e = entry(&format!("/v1/customers/{n}/users"));
            e.body = page.clone();
            log.push(e);
        }
        let entries = log.newest_first();
        assert_eq!(entries.len(), 40, "every request stays listed");
        let kept: usize = entries.iter().map(|e| kept_body(e)).sum();
        assert!(kept <= BODY_BUDGET, "{kept} bytes of answers kept");
        assert_eq!(entries[0].body, page, "the newest answer is whole");
        assert_eq!(entries[39].body, BODY_DROPPED, "the oldest gave way");
        let whole = entries.iter().take_while(|e| e.body == page).count();
        assert_eq!(
            whole,
            BODY_BUDGET / page.len(),
            "the newest that fit, in order"
        );
    }

    #[test]
    fn keeps_the_last_thousand_newest_first() {
        let log = RequestLog::new();
        for n in 0..LOG_CAPACITY + 5 {
            log.push(entry(&format!("/v1/customers/{n}")));
        }
        let all = log.newest_first();
        assert_eq!(all.len(), LOG_CAPACITY);
        assert_eq!(all[0].path, format!("/v1/customers/{}", LOG_CAPACITY + 4));
        assert_eq!(all[LOG_CAPACITY - 1].path, "/v1/customers/5");
    }

    #[test]
    fn curl_uses_the_variable_and_quotes_the_url() {
        let mut e = entry("/v1/customers?filter=it's");
        e.url = "https://api.example/v1/customers?filter=it's".into();
        let curl = e.curl();
        assert!(curl.starts_with("curl -sS 'https://api.example/v1/customers?filter=it'\\''s'"));
        assert!(curl.contains("\"Authorization: Bearer $PCX_TOKEN\""));
        assert!(!curl.contains("redacted"));
        assert!(curl.contains("-H 'accept: application/json'"));
    }

    #[test]
    fn bodies_are_pretty_and_sanitised() {
        let text = "{\"a\":\"x\\u001b[31my\"}";
        let body = logged_body(text, serde_json::from_str(text).ok().as_ref());
        assert!(body.contains("\n"));
        assert!(!body.contains('\u{1b}'));
    }
}
