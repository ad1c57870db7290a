//! The `/` filter of a list: the text being typed (tui-input) and the rows it matches (fuzzy,
//! nucleo-matcher), kept in the list's order. It narrows the previous result when the query
//! grows and scans only new rows when a page arrives. It never reorders or copies rows.

use super::cache::Table;
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
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
                .score(Utf32Str::new(&hay, &mut buf), &mut matcher)
                .is_some()
        });
        out
    })
}
