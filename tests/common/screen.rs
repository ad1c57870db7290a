//! A ratatui buffer read back as text, for tests that look at what was drawn.

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
