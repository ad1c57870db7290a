//! The one sanitiser for text that pcx did not write (API strings, server messages): used by
//! the TUI, table output, CSV and the log file. It removes what could drive a terminal or
//! reorder what the operator reads (JSON output and the raw view escape it instead, to stay
//! exact), and measures display width.

use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

/// Characters that must never reach a terminal, a table or a log raw: C0 and C1 controls
/// (ESC among them), DEL, and the bidirectional overrides, embeddings and isolates that can
/// make text display in a different order than it is stored.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}'   // LRE RLE PDF LRO RLO
            | '\u{2066}'..='\u{2069}' // LRI RLI FSI PDI
            | '\u{200E}' | '\u{200F}' | '\u{061C}' // LRM RLM ALM
            | '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{FEFF}'
        )
}

/// Text safe to draw on one line: unsafe characters removed, tabs and newlines as spaces.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// JSON text as received, safe to print: every unsafe character inside a string becomes its
/// `\uXXXX` escape (JSON escapes C0 controls itself, but not DEL, C1 or bidi controls), and a
/// CR between tokens becomes a space. The text still parses to exactly the same values.
pub fn json_escape_unsafe(json: &str) -> Cow<'_, str> {
    let needs = |c: char| is_unsafe(c) && c != '\n' && c != '\t';
    if !json.chars().any(needs) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            // Valid JSON has raw CR only as whitespace between tokens (strings escape it).
            '\r' => out.push(' '),
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            c if needs(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// An API resource's optional text as an owned string (the store's rows own their text).
pub fn owned(value: &Option<Box<str>>) -> Option<String> {
    value.as_deref().map(str::to_string)
}

/// Display width in terminal columns (CJK and emoji count two).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cuts `text` to at most `max` columns, ending in `…` when something was cut.
pub fn truncate_to_width(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    Cow::Owned(out)
}

/// A CSV cell a spreadsheet would not run as a formula: cells starting with `=`, `+`, `-`,
/// `@`, tab or CR get a leading apostrophe (OWASP's advice), after sanitising.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let clean: Cow<'_, str> = if text.chars().any(|c| is_unsafe(c) && c != '\t' && c != '\r') {
        Cow::Owned(
            text.chars()
                .filter(|&c| !is_unsafe(c) || c == '\t' || c == '\r')
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    };
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => {
            Cow::Owned(format!("'{}", clean.replace(['\t', '\r'], " ")))
        }
        _ if clean.contains(['\t', '\r']) => Cow::Owned(clean.replace(['\t', '\r'], " ")),
        _ => clean,
    }
}

/// Splits text into pieces of at most `max` columns, at spaces where possible.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    if max == 0 {
        return out;
    }
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = width(word);
        if used > 0 && used + 1 + w <= max {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used == 0 && w <= max {
            line.push_str(word);
            used = w;
            continue;
        }
        if used > 0 {
            out.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if used + cw > max && used > 0 {
                out.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_removed() {
        for (input, want) in [
            ("a\u{1b}[31mred\u{7}", "a[31mred"),
            ("x\u{9b}y\u{85}z", "xyz"),
            ("abc\u{202E}fed", "abcfed"),
            ("two\nlines\ttab", "two lines tab"),
        ] {
            assert_eq!(sanitize(input), want, "{input:?}");
        }
        assert!(matches!(sanitize("plain Ünïcødé 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_values_and_escapes_what_a_terminal_would_run() {
        let raw = "{\"a\":\"x\u{9b}31m\u{202e}y\u{7f}\",\r\n\t\"b\":\"\\u001b\"}";
        let safe = json_escape_unsafe(raw);
        assert_eq!(
            safe,
            "{\"a\":\"x\\u009b31m\\u202ey\\u007f\", \n\t\"b\":\"\\u001b\"}"
        );
        let before: serde_json::Value = serde_json::from_str(raw).unwrap();
        let after: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(before, after);
        assert!(matches!(json_escape_unsafe("{\"a\":1}"), Cow::Borrowed(_)));
    }

    #[test]
    fn widths_count_columns() {
        assert_eq!(width("日本"), 4);
        assert_eq!(truncate_to_width("日本語です", 5), "日本…");
        assert_eq!(truncate_to_width("short", 10), "short");
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for (input, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "' =1"),
            ("Contoso", "Contoso"),
            ("\u{1b}=evil", "'=evil"),
        ] {
            assert_eq!(csv_cell(input), want, "{input:?}");
        }
    }
}
