//! Styles and glyphs. The colour theme uses only the 16 named ANSI colours (works on any
//! terminal, tmux included); the no-colour theme sets no foreground or background at all and
//! shows selection by reverse video; `ascii` swaps every border and glyph for plain ASCII.

use crate::app::rows::{Mark, Tone};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// How the explorer draws.
#[derive(Clone, Debug)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
    /// Privacy mode: text passes these pseudonyms before it is cut to fit.
    pub names: Option<crate::privacy::Pseudonyms>,
}

const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const ASCII_SPINNER: &[&str] = &["|", "/", "-", "\\"];

impl Theme {
    pub fn new(color: bool, ascii: bool) -> Self {
        Self {
            color,
            ascii,
            names: None,
        }
    }

    /// This theme with privacy mode's pseudonyms (or without, for `None`).
    pub fn with_names(&self, names: Option<crate::privacy::Pseudonyms>) -> Self {
        Self {
            names,
            ..self.clone()
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// A cell's tone: colour when allowed; without colour, problems are bold.
    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Normal => Style::new(),
            Tone::Dim if self.color => Style::new().fg(Color::DarkGray),
            Tone::Dim => Style::new(),
            Tone::Ok => self.fg(Color::Green),
            Tone::Warn => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Tone::Bad => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    /// The selected row of the focused list: reverse video in both themes.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The selected row of a parent column (context, not focus).
    pub fn parent_selected(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn border(&self, focused: bool) -> Style {
        match (self.color, focused) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().fg(Color::DarkGray),
            (false, _) => Style::new(),
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        self.tone(Tone::Dim)
    }

    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    /// The glyph at the start of a row.
    pub fn mark(&self, mark: Mark) -> (&'static str, Tone) {
        match (mark, self.ascii) {
            (Mark::None, _) => (" ", Tone::Normal),
            (Mark::Attention, false) => ("▲", Tone::Warn),
            (Mark::Attention, true) => ("!", Tone::Warn),
            (Mark::Deleted, false) => ("✗", Tone::Bad),
            (Mark::Deleted, true) => ("x", Tone::Bad),
            (Mark::OverConsumed, false) => ("▲", Tone::Bad),
            (Mark::OverConsumed, true) => ("!", Tone::Bad),
            (Mark::Renewal, false) => ("▲", Tone::Warn),
            (Mark::Renewal, true) => ("^", Tone::Warn),
            (Mark::Stopped, false) => ("✗", Tone::Bad),
            (Mark::Stopped, true) => ("x", Tone::Bad),
        }
    }

    /// The glyph beside a capability status.
    pub fn status_glyph(&self, tone: Tone) -> &'static str {
        match (tone, self.ascii) {
            (Tone::Ok, false) => "✓",
            (Tone::Ok, true) => "+",
            (Tone::Warn, false) => "▲",
            (Tone::Warn, true) => "!",
            (Tone::Bad, false) => "✗",
            (Tone::Bad, true) => "x",
            // Switched off on purpose or retired: its own quiet glyph, never a problem mark.
            (Tone::Dim, false) => "○",
            (Tone::Dim, true) => "o",
            _ => " ",
        }
    }

    pub fn spinner(&self, frame: usize) -> &'static str {
        let frames = if self.ascii { ASCII_SPINNER } else { SPINNER };
        frames[frame % frames.len()]
    }

    /// Between breadcrumb items.
    pub fn separator(&self) -> &'static str {
        if self.ascii { " > " } else { " › " }
    }

    /// Between status bar items.
    pub fn dot(&self) -> &'static str {
        if self.ascii { " - " } else { " · " }
    }

    /// Cuts text to `max` columns, marking the cut (`…`, or `~` in ASCII).
    /// `text` in at most `max` columns, cut in the middle ("Information Protection…Premium")
    /// so two long names with the same start stay distinguishable.
    pub fn fit_middle<'a>(&self, text: &'a str, max: usize) -> std::borrow::Cow<'a, str> {
        if crate::text::width(text) <= max || max < 12 {
            return self.fit(text, max);
        }
        let ellipsis = if self.ascii { "~" } else { "…" };
        let tail_w = (max - 1) * 2 / 5;
        let head = crate::text::truncate_to_width(text, max - tail_w);
        let head = head.trim_end_matches('…');
        let mut tail: Vec<char> = Vec::new();
        let mut used = 0;
        for c in text.chars().rev() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + w > tail_w {
                break;
            }
            used += w;
            tail.push(c);
        }
        let tail: String = tail.into_iter().rev().collect();
        std::borrow::Cow::Owned(format!("{head}{ellipsis}{}", tail.trim_start()))
    }

    pub fn fit<'a>(&self, text: &'a str, max: usize) -> std::borrow::Cow<'a, str> {
        // Pseudonyms first: a cut real name would still show its beginning.
        if let Some(names) = &self.names
            && let std::borrow::Cow::Owned(shown) = names.apply(text)
        {
            return std::borrow::Cow::Owned(self.fit_plain(&shown, max).into_owned());
        }
        self.fit_plain(text, max)
    }

    fn fit_plain<'a>(&self, text: &'a str, max: usize) -> std::borrow::Cow<'a, str> {
        let cut = crate::text::truncate_to_width(text, max);
        if self.ascii
            && let std::borrow::Cow::Owned(mut s) = cut
        {
            if s.ends_with('…') {
                s.pop();
                s.push('~');
            }
            return std::borrow::Cow::Owned(s);
        }
        cut
    }
}
