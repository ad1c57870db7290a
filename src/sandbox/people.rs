//! Synthetic users: the j-th user of a tenant, computed from a key and j alone (names, UPN,
//! id, deletion and sync details), so a tenant of any size costs no memory.

use super::clock;
use super::hash::{IndexedIds, mix, pick};
use super::records::{UserRec, UserSlot};
use super::words::{
    AR_FIRST_NAMES, AR_LAST_NAMES, FIRST_NAMES, JP_FIRST_NAMES, JP_LAST_NAMES, LAST_NAMES,
};
use base64::Engine as _;
use std::borrow::Cow;

/// 2026-11-16T00:00:00Z: deletion and sync times are fixed offsets before it, so the same seed
/// always gives the same bytes.
const REFERENCE_TIME: u64 = 1_794_787_200;

/// Which names a tenant's people have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameStyle {
    Latin,
    Japanese,
    Arabic,
}

/// The synthetic users of one tenant: `active` active users, then `deleted` soft-deleted ones.
#[derive(Clone, Debug)]
pub(crate) struct Synthetic<'a, 'd> {
    pub ids: IndexedIds,
    pub key: u64,
    pub style: NameStyle,
    pub domain: &'d str,
    pub location: Option<&'a str>,
    pub active: u32,
    pub deleted: u32,
    /// Users are synchronised from an on-premises directory.
    pub synced: bool,
}

impl<'a> Synthetic<'a, '_> {
    /// All of them, active and deleted.
    pub(crate) fn len(&self) -> u32 {
        self.active.saturating_add(self.deleted)
    }

    /// The j-th user (`j < len()`); users `active..` are soft-deleted.
    pub(crate) fn user(&self, j: u32) -> UserRec<'a> {
        let name = self.name(j);
        let id = self.ids.id(j);
        let h = mix(&[self.key, u64::from(j), 0x5EED]);
        let soft_deletion_time = (j >= self.active).then(|| {
            // Within the 30-day recovery window before the reference time.
            Cow::Owned(clock::iso8601(REFERENCE_TIME - 3600 - h % (27 * 86_400)))
        });
        let (last_sync, immutable_id) = if self.synced {
            let sync = REFERENCE_TIME - 600 - (h >> 20) % 7200;
            let immutable = base64::engine::general_purpose::STANDARD.encode(id.as_bytes());
            (Some(Cow::Owned(clock::iso8601(sync))), Some(immutable))
        } else {
            (None, None)
        };
        UserRec {
            id,
            upn: Cow::Owned(format!("{}@{}", name.local, self.domain)),
            display: Cow::Owned(name.display),
            first: name.first,
            last: name.last,
            usage_location: self.location.map(Cow::Borrowed),
            domain_type: if self.synced { "managed" } else { "none" },
            soft_deletion_time,
            last_sync,
            immutable_id,
            slot: UserSlot::Synthetic(j),
        }
    }

    /// A unique (given, family) pair for every j below |given| × |family|; beyond that the
    /// UPN gets a number.
    fn name(&self, j: u32) -> Name {
        let (firsts, lasts) = match self.style {
            NameStyle::Latin => (FIRST_NAMES.len(), LAST_NAMES.len()),
            NameStyle::Japanese => (JP_FIRST_NAMES.len(), JP_LAST_NAMES.len()),
            NameStyle::Arabic => (AR_FIRST_NAMES.len(), AR_LAST_NAMES.len()),
        };
        let j = j as usize;
        let (block, r) = (j / firsts, j % firsts);
        let step = coprime_step(firsts, self.key);
        let f = (r * step + pick(self.key, firsts)) % firsts;
        // Any multiplier keeps pairs unique within a round; a keyed one avoids alphabetical runs.
        let spread = 1 + pick(self.key >> 29, lasts);
        let l = (block + r * spread + pick(self.key >> 17, lasts)) % lasts;
        let round = j / (firsts * lasts);
        let suffix = if round == 0 {
            String::new()
        } else {
            (round + 1).to_string()
        };
        // The names, and the spellings the address is made of.
        let (first, last, first_r, last_r) = match self.style {
            NameStyle::Latin => {
                let (first, last) = (FIRST_NAMES[f], LAST_NAMES[l]);
                (
                    first,
                    last,
                    Cow::Owned(fold_ascii(first)),
                    Cow::Owned(fold_ascii(last)),
                )
            }
            NameStyle::Japanese => {
                let ((first, fr), (last, lr)) = (JP_FIRST_NAMES[f], JP_LAST_NAMES[l]);
                (first, last, Cow::Borrowed(fr), Cow::Borrowed(lr))
            }
            NameStyle::Arabic => {
                let ((first, fr), (last, lr)) = (AR_FIRST_NAMES[f], AR_LAST_NAMES[l]);
                (first, last, Cow::Borrowed(fr), Cow::Borrowed(lr))
            }
        };
        let display = if self.style == NameStyle::Japanese {
            // Family name first, as Japanese directories show it.
            format!("{last} {first}")
        } else {
            format!("{first} {last}")
        };
        Name {
            first: Cow::Borrowed(first),
            last: Cow::Borrowed(last),
            display,
            local: format!("{first_r}.{last_r}{suffix}"),
        }
    }
}

struct Name {
    first: Cow<'static, str>,
    last: Cow<'static, str>,
    display: String,
    local: String,
}

/// A step in `1..n` sharing no factor with n, so `r * step mod n` visits every residue.
fn coprime_step(n: usize, key: u64) -> usize {
    let start = 1 + pick(key ^ 0xA5A5, n.max(2) - 1);
    (start..n)
        .chain(1..start)
        .find(|&s| gcd(s, n) == 1)
        .unwrap_or(1)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A name as the local part of a UPN: lower-case ASCII, diacritics folded, other letters,
/// spaces and apostrophes dropped.
pub(crate) fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'a'..='z' | '0'..='9' | '-' => {
                out.push(c);
                continue;
            }
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => "a",
            'æ' => "ae",
            'ç' | 'ć' | 'č' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ę' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ł' => "l",
            'ñ' | 'ń' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'ß' => "ss",
            'ś' | 'š' => "s",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' | 'ž' => "z",
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn tenant(style: NameStyle, active: u32, deleted: u32) -> Synthetic<'static, 'static> {
        Synthetic {
            ids: IndexedIds::new(42),
            key: 42,
            style,
            domain: "example.onmicrosoft.com",
            location: Some("US"),
            active,
            deleted,
            synced: true,
        }
    }

    #[test]
    fn users_are_unique_and_deterministic() {
        for style in [NameStyle::Latin, NameStyle::Japanese, NameStyle::Arabic] {
            let t = tenant(style, 12_000, 3);
            let upns: HashSet<String> = (0..t.len()).map(|j| t.user(j).upn.into_owned()).collect();
            assert_eq!(upns.len(), t.len() as usize, "{style:?}");
            assert_eq!(t.user(77), t.user(77));
            assert!(upns.iter().all(|u| u.is_ascii()), "{style:?}");
        }
    }

    #[test]
    fn deleted_users_come_last_with_a_deletion_time() {
        let t = tenant(NameStyle::Latin, 5, 2);
        assert!((0..5).all(|j| !t.user(j).is_deleted()));
        let gone = t.user(5);
        assert!(
            gone.soft_deletion_time
                .as_deref()
                .is_some_and(|s| s.starts_with("2026-1"))
        );
        assert_eq!(t.ids.index_of(&gone.id), Some(5));
    }

    #[test]
    fn names_fold_to_ascii() {
        for (name, folded) in [
            ("Søren", "soren"),
            ("O'Brien", "obrien"),
            ("Dąbrowski", "dabrowski"),
            ("Da Silva", "dasilva"),
            ("Müller", "muller"),
        ] {
            assert_eq!(fold_ascii(name), folded);
        }
    }
}
