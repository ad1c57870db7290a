//! The `/` filter of a list: the text being typed (tui-input) and the rows it matches (fuzzy,
//! nucleo-matcher), kept in the list's order. It narrows the previous result when the query
//! grows and scans only new rows when a page arrives. It never reorders or copies rows.

use super::cache::Table;
pub use crate::fetch::records::SearchText;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::cell::RefCell;
use tui_input::{Input, InputRequest};

thread_local! {
    // A matcher owns sizeable scratch memory; one per thread is reused for every filter.
    static MATCHER: RefCell<Matcher> = RefCell::new(Matcher::new(Config::DEFAULT));
}

/// A list's filter.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub input: Input,
    /// The prompt has the keyboard; Enter keeps the filter, Esc clears it.
    pub editing: bool,
    /// Table indices of the matching rows, ascending; meaningful when `applied` is not empty.
    matches: Vec<u32>,
    /// The query `matches` reflects.
    applied: String,
    /// How many table rows `matches` has considered.
    scanned: usize,
    /// The table generation `matches` was computed for (a refresh replaces the rows).
    generation: u32,
}

impl Filter {
    pub fn new() -> Self {
        Self {
            editing: true,
            ..Self::default()
        }
    }

    pub fn query(&self) -> &str {
        self.input.value()
    }

    /// Whether rows are being hidden.
    pub fn is_active(&self) -> bool {
        !self.applied.trim().is_empty()
    }

    /// Feeds one editing request; returns whether the text changed.
    pub fn edit(&mut self, request: InputRequest) -> bool {
        let before = self.input.value().len();
        let response = self.input.handle(request);
        response.is_some_and(|r| r.value) || before != self.input.value().len()
    }

    /// How many rows the list shows.
    pub fn visible_len(&self, table_len: usize) -> usize {
        if self.is_active() {
            self.matches.len()
        } else {
            table_len
        }
    }

    /// The table index of the `pos`-th visible row.
    pub fn row_at(&self, pos: usize) -> Option<usize> {
        if self.is_active() {
            self.matches.get(pos).map(|&i| i as usize)
        } else {
            Some(pos)
        }
    }

    /// The visible position of table row `index`, if it is shown.
    pub fn position_of(&self, index: usize) -> Option<usize> {
        if self.is_active() {
            self.matches.binary_search(&(index as u32)).ok()
        } else {
            Some(index)
        }
    }

    /// Brings the matches up to date with the typed query and the table's rows.
    pub fn sync(&mut self, table: &dyn Table, generation: u32) {
        let query = self.input.value().to_string();
        let len = table.len();
        if query.trim().is_empty() {
            self.applied = query;
            self.matches.clear();
            self.scanned = len;
            self.generation = generation;
            return;
        }
        let pattern = Pattern::new(
            &query,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let same_rows = generation == self.generation && self.scanned <= len;
        if same_rows && query == self.applied {
            self.scan_new(&pattern, table);
        } else if same_rows && self.narrows_to(&query) {
            // Fuzzy atoms only get stricter as characters are appended: re-test the previous
            // matches instead of every row.
            let previous = std::mem::take(&mut self.matches);
            self.matches = retain(previous, &pattern, table);
            self.applied = query;
            self.scan_new(&pattern, table);
        } else {
            self.matches.clear();
            self.scanned = 0;
            self.applied = query;
            self.generation = generation;
            self.scan_new(&pattern, table);
        }
    }

    fn narrows_to(&self, query: &str) -> bool {
        !self.applied.trim().is_empty()
            && query.starts_with(self.applied.as_str())
            && !self.applied.contains('\\')
    }

    fn scan_new(&mut self, pattern: &Pattern, table: &dyn Table) {
        let len = table.len();
        if self.scanned < len {
            let fresh = (self.scanned..len).map(|i| i as u32).collect();
            let mut found = retain(fresh, pattern, table);
            self.matches.append(&mut found);
        }
        self.scanned = len;
    }
}

fn retain(candidates: Vec<u32>, pattern: &Pattern, table: &dyn Table) -> Vec<u32> {
    MATCHER.with(|matcher| {
        let mut matcher = matcher.borrow_mut();
        let mut buf = Vec::new();
        let mut out = candidates;
        out.retain(|&i| {
            let hay = table.haystack(i as usize);
            pattern
                .atoms
                .iter()
                .all(|atom| atom_matches(atom, &hay, &mut matcher, &mut buf))
        });
        out
    })
}

/// Whether a fuzzy atom matches at all. The list keeps its order, so no score is needed: for an
/// ASCII query that is a (smart-case) subsequence test over the text, or over its folded form
/// when the text is not ASCII (an ASCII byte never matches inside a multi-byte character), much
/// cheaper than scoring; anything else goes through nucleo.
fn atom_matches(atom: &Atom, hay: &SearchText, matcher: &mut Matcher, buf: &mut Vec<char>) -> bool {
    if let Utf32Str::Ascii(needle) = atom.needle_text() {
        let fold = !needle.iter().any(u8::is_ascii_uppercase);
        match (hay.folded(), fold) {
            (None, _) => return subsequence(needle, hay.as_str().as_bytes(), fold),
            (Some(folded), true) => return subsequence(needle, folded.as_bytes(), false),
            (Some(_), false) => {}
        }
    }
    atom.score(Utf32Str::new(hay.as_str(), buf), matcher)
        .is_some()
}

fn subsequence(needle: &[u8], hay: &[u8], fold: bool) -> bool {
    let mut wanted = needle.iter();
    let Some(mut want) = wanted.next() else {
        return true;
    };
    for &b in hay {
        let b = if fold { b.to_ascii_lowercase() } else { b };
        if b == *want {
            match wanted.next() {
                Some(next) => want = next,
                None => return true,
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nucleo_says(query: &str, hay: &str) -> bool {
        let pattern = Pattern::new(
            query,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        pattern
            .score(Utf32Str::new(hay, &mut buf), &mut matcher)
            .is_some()
    }

    fn fast_says(query: &str, hay: &str) -> bool {
        let pattern = Pattern::new(
            query,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        pattern
            .atoms
            .iter()
            .all(|a| atom_matches(a, &SearchText::new(hay.to_string()), &mut matcher, &mut buf))
    }

    #[test]
    fn the_fast_path_agrees_with_nucleo() {
        let hays = [
            "Contoso Ltd contoso.onmicrosoft.com",
            "alice@fabrikam.com Alice Smith",
            "Microsoft 365 E5 SPE_E5",
            "Zoë Åström zoe@example.com",
            "José García jose.garcia@contoso.com",
            "Łukasz Dąbrowski Søren Sørensen Siobhán",
            "株式会社さくら電機 sakura",
            "cafe\u{301} Cafe\u{301}",
            "",
        ];
        let queries = [
            "con",
            "Con",
            "cON",
            "ctso",
            "alice fab",
            "xyz",
            "E5",
            "e5",
            "spe_",
            "zoe",
            "zoë",
            "åst",
            "ast",
            "ms e5",
            "oo oo",
            "a",
            "jose",
            "Jose",
            "garc",
            "luk",
            "dabr",
            "soren",
            "siobhan",
            "さくら",
            "cafe",
            "café",
            "",
        ];
        for hay in hays {
            for query in queries {
                assert_eq!(
                    fast_says(query, hay),
                    nucleo_says(query, hay),
                    "{query:?} in {hay:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_agrees_with_nucleo_on_any_text(
            hay in "[a-zA-Z .@éÉøØłŁåäöüßñçÅ株式\u{301}]{0,24}",
            query in "[a-zA-Z .éø]{0,5}",
        ) {
            proptest::prop_assert_eq!(fast_says(&query, &hay), nucleo_says(&query, &hay));
        }
    }
}
