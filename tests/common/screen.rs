//! What was drawn, read back: a ratatui buffer as text, and the bytes a terminal (or a log) was
//! sent.

/// The symbols of row `y` with the column each starts at (a wide character once).
fn row(buf: &ratatui::buffer::Buffer, y: u16) -> Vec<(u16, &str)> {
    let mut out = Vec::new();
    let mut skip = 0;
    for x in 0..buf.area.width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let s = buf[(x, y)].symbol();
        out.push((x, s));
        skip = unicode_width::UnicodeWidthStr::width(s).saturating_sub(1);
    }
    out
}

/// The buffer as text, one line per row, trailing spaces trimmed (wide characters once).
pub fn screen_text(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = row(buf, y).into_iter().map(|(_, s)| s).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The cell where `needle` starts on the first line that holds it.
pub fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    (0..buf.area.height).find_map(|y| {
        let cells = row(buf, y);
        let mut line = String::new();
        let mut xs = Vec::new();
        for (x, s) in &cells {
            xs.extend(s.chars().map(|_| *x));
            line.push_str(s);
        }
        let byte = line.find(needle)?;
        Some((xs[line[..byte].chars().count()], y))
    })
}

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

/// Asserts that `text` says each of `wants`, naming the first it lacks.
pub fn assert_says(text: &str, wants: &[&str]) {
    for want in wants {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

/// A terminal (or a log) the test can read while the explorer writes to it: every byte written,
/// kept.
#[derive(Clone, Default)]
pub struct Tape(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Tape {
    /// What was written so far (a copy).
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().unwrap().clone()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// A subscriber writing every tracing event at every level here.
    pub fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync + 'static {
        let sink = self.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish()
    }
}

impl std::io::Write for Tape {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
