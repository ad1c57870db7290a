//! How well a row matches the `/` filter, so the best match comes first and is selected: the
//! row's name before its second field (domain, user principal name), a prefix before a word
//! start before any contiguous match, and a scattered (fuzzy) match last, as fzf and nucleo
//! rank. Smart case: a query in lower case ignores case, one with a capital matches exactly.
//! Pure functions over a row's search text; it never reorders or copies rows itself.

use super::filter::SearchText;
pub use crate::fetch::records::{SHARED_SUFFIX, without_suffix};

/// A rank; lower is better. `SCATTERED` ranks a match whose letters are not together.
pub type Tier = u8;
pub const SCATTERED: Tier = 6;

/// The query as the filter uses it: the shared suffix removed wherever it was typed.
pub fn effective_query(query: &str) -> String {
    let lower = query.to_ascii_lowercase();
    match lower.find(SHARED_SUFFIX) {
        None => query.to_string(),
        Some(_) => {
            let mut out = String::with_capacity(query.len());
            let mut rest = query;
            while let Some(at) = rest.to_ascii_lowercase().find(SHARED_SUFFIX) {
                out.push_str(&rest[..at]);
                rest = &rest[at + SHARED_SUFFIX.len()..];
            }
            out.push_str(rest);
            out
        }
    }
}

/// The tier of one word of the query in a row's text, given that it matches at all (the
/// caller tested that): 0 name prefix, 1 word start in the name, 2 inside the name, 3 word
/// start in the second field, 4 inside it, 5 scattered within the name, 6 scattered anywhere.
pub fn tier(needle: &str, hay: &SearchText) -> Tier {
    let fold = !needle.chars().any(char::is_uppercase);
    let (text, primary) = hay.compare_form(fold);
    let split = primary.min(text.len());
    let (name, rest) = text.split_at(split);
    if let Some(t) = contiguous(needle, name, fold) {
        return t;
    }
    if let Some(t) = contiguous(needle, rest, fold) {
        return if t < 2 { 3 } else { 4 };
    }
    if scattered(needle, name, fold) {
        return 5;
    }
    SCATTERED
}

/// 0 prefix, 1 word start, 2 elsewhere; None if `needle` is not a contiguous part of `hay`.
fn contiguous(needle: &str, hay: &str, fold: bool) -> Option<Tier> {
    let hay = hay.trim_start();
    let mut best: Option<Tier> = None;
    let mut search_from = 0;
    while let Some(at) = find(&hay[search_from..], needle, fold).map(|i| i + search_from) {
        let t = match hay[..at].chars().next_back() {
            None => 0,
            Some(c) if !c.is_alphanumeric() => 1,
            Some(_) => 2,
        };
        best = Some(best.map_or(t, |b| b.min(t)));
        if t == 0 || best == Some(1) {
            break;
        }
        let step = hay[at..].chars().next().map_or(1, char::len_utf8);
        search_from = at + step;
    }
    best
}

fn find(hay: &str, needle: &str, fold: bool) -> Option<usize> {
    if !fold {
        return hay.find(needle);
    }
    if needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        if n.is_empty() {
            return Some(0);
        }
        return h
            .windows(n.len())
            .position(|w| w.eq_ignore_ascii_case(n))
            .filter(|&i| hay.is_char_boundary(i));
    }
    // Rare (a non-ASCII query): compare lower-cased copies, mapping the offset back.
    let lower = hay.to_lowercase();
    let at = lower.find(&needle.to_lowercase())?;
    (lower.len() == hay.len()).then_some(at)
}

fn scattered(needle: &str, hay: &str, fold: bool) -> bool {
    if needle.is_ascii() && hay.is_ascii() {
        let mut wanted = needle.bytes();
        let mut want = wanted.next();
        for b in hay.bytes() {
            match want {
                None => return true,
                Some(w) if w == b || (fold && w.eq_ignore_ascii_case(&b)) => want = wanted.next(),
                Some(_) => {}
            }
        }
        return want.is_none();
    }
    let mut wanted = needle.chars().peekable();
    for c in hay.chars() {
        let Some(&want) = wanted.peek() else {
            return true;
        };
        let same = match fold {
            true => c.to_lowercase().eq(want.to_lowercase()),
            false => c == want,
        };
        if same {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hay(name: &str, second: &str) -> SearchText {
        SearchText::fields(&[name, second])
    }

    #[test]
    fn names_before_second_fields_and_prefixes_before_the_rest() {
        let nod = hay("Nod Publishers", "nodpublishers");
        let northwind = hay("Northwind Traders", "northwindtraders");
        assert_eq!(tier("nod", &nod), 0);
        assert_eq!(tier("nod", &northwind), 5);
        assert_eq!(tier("cold", &hay("Contoso Ltd.", "x")), 5);
        assert_eq!(tier("cx", &hay("Contoso Ltd.", "x")), SCATTERED);
        assert_eq!(tier("pub", &nod), 1);
        assert_eq!(tier("ish", &nod), 2);
        let graphic = hay("Graphic Design Institute", "graphicdesigninstitute");
        assert_eq!(tier("graphic", &graphic), 0);
        assert_eq!(tier("design", &graphic), 1);
        let mail = hay("Alice Smith", "alice@contoso.com");
        assert_eq!(tier("contoso", &mail), 3);
        assert_eq!(tier("toso", &mail), 4);
        assert_eq!(tier("ash", &mail), 5);
    }

    #[test]
    fn smart_case() {
        let p = hay("Pinnacle Consulting", "pinnacle");
        assert_eq!(tier("pinnacle", &p), 0);
        assert_eq!(tier("Pinnacle", &p), 0);
        // A capital asks for exactly that case: the name does not have it, the domain neither.
        assert_eq!(tier("PINNACLE", &p), SCATTERED);
    }

    #[test]
    fn the_shared_suffix_is_ignored() {
        for (input, want) in [
            ("contoso.onmicrosoft.com", "contoso"),
            ("contoso.OnMicrosoft.com", "contoso"),
            ("contoso.com", "contoso.com"),
        ] {
            assert_eq!(without_suffix(input), want, "{input:?}");
        }
        assert_eq!(effective_query("contoso.onmicrosoft.com"), "contoso");
        assert_eq!(effective_query("mic"), "mic");
    }
}
