//! The `/` filter of a list: the text being typed (tui-input) and the rows it matches (fuzzy,
//! nucleo-matcher, smart case), best match first (`rank`), ties in the list's order. It narrows
//! the previous result when the query grows and scans only new rows when a page arrives. It
//! never copies rows: it keeps their indices.

use super::cache::Table;
use super::rank::{SCATTERED, Tier, tier};
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
    /// The matching rows, best first: (tier, table index), sorted; meaningful when `applied`
    /// is not empty.
    matches: Vec<(Tier, u32)>,
    /// Select the best match as the query changes and rows arrive, until the cursor moves.
    pub follow_best: bool,
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
            follow_best: true,
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
            self.matches.get(pos).map(|&(_, i)| i as usize)
        } else {
            Some(pos)
        }
    }

    /// The visible position of table row `index`, if it is shown.
    pub fn position_of(&self, index: usize) -> Option<usize> {
        if self.is_active() {
            self.matches.iter().position(|&(_, i)| i as usize == index)
        } else {
            Some(index)
        }
    }

    /// Brings the matches up to date with the typed query and the table's rows.
    pub fn sync(&mut self, table: &dyn Table, generation: u32) {
        let query = super::rank::effective_query(self.input.value());
        let len = table.len();
        if query.trim().is_empty() {
            self.applied = query;
            self.matches.clear();
            self.scanned = len;
            self.generation = generation;
            return;
        }
        let pattern = fuzzy(&query);
        let same_rows = generation == self.generation && self.scanned <= len;
        if same_rows && query == self.applied {
            self.scan_new(&pattern, table);
        } else if same_rows && self.narrows_to(&query) {
            // Fuzzy atoms only get stricter as characters are appended: re-test the previous
            // matches instead of every row.
            let mut previous: Vec<u32> = self.matches.drain(..).map(|(_, i)| i).collect();
            // Ties keep the list's order: re-rank the survivors in that order.
            previous.sort_unstable();
            self.matches = ranked(previous, &pattern, table);
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
            let mut found = ranked(fresh, pattern, table);
            self.matches.append(&mut found);
            // Both halves are sorted: the stable sort merges them in one pass.
            self.matches.sort();
        }
        self.scanned = len;
    }
}

/// The candidates (in list order) that match every word of the pattern, with their tier, best
/// first and in list order within a tier: a bucket per tier, so no sort over 100,000 rows.
fn ranked(candidates: Vec<u32>, pattern: &Pattern, table: &dyn Table) -> Vec<(Tier, u32)> {
    let needles: Vec<String> = pattern
        .atoms
        .iter()
        .map(|a| a.needle_text().to_string())
        .collect();
    MATCHER.with(|matcher| {
        let mut matcher = matcher.borrow_mut();
        let mut buf = Vec::new();
        let mut buckets: [Vec<u32>; SCATTERED as usize + 1] = Default::default();
        let found = candidates.into_iter().filter_map(|i| {
            let hay = table.haystack(i as usize);
            let matched = pattern
                .atoms
                .iter()
                .all(|atom| atom_matches(atom, &hay, &mut matcher, &mut buf));
            if !matched {
                return None;
            }
            // The worst word decides: "nod pub" is as good as its weaker half.
            let tier = needles.iter().map(|n| tier(n, &hay)).max().unwrap_or(0);
            Some((tier.min(SCATTERED), i))
        });
        for (tier, i) in found {
            buckets[usize::from(tier)].push(i);
        }
        let mut out = Vec::with_capacity(buckets.iter().map(Vec::len).sum());
        for (tier, rows) in buckets.into_iter().enumerate() {
            out.extend(rows.into_iter().map(|i| (tier as Tier, i)));
        }
        out
    })
}

/// Whether a fuzzy atom matches at all (`rank` orders the matches, cheaply): for an
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

/// The pattern a typed query becomes: fuzzy, smart case, smart normalisation.
fn fuzzy(query: &str) -> Pattern {
    Pattern::new(
        query,
        CaseMatching::Smart,
        Normalization::Smart,
        AtomKind::Fuzzy,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nucleo_says(query: &str, hay: &str) -> bool {
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        fuzzy(query)
            .score(Utf32Str::new(hay, &mut buf), &mut matcher)
            .is_some()
    }

    fn fast_says(query: &str, hay: &str) -> bool {
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        fuzzy(query)
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
