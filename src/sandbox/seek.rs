//! Continuation tokens: the whole query state of a paged listing (what, which filter, where
//! the next page starts, page size), carried by the client in `MS-ContinuationToken`. Stateless
//! on the server, so a retried page is the same page. Tokens look like the real ones (base64
//! with `/ + =` and comma-joined segments) and are checked, so a garbled one is refused.

use super::hash::{mix, str_key};
use super::records::{CustomerFilter, SearchField};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

/// Encodes to `+/+/` in base64: every token carries the characters clients must not mangle.
const MAGIC: [u8; 3] = [0xFB, 0xFF, 0xBF];
const SEP: char = '\u{1f}';

/// Where a listing continues.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seek {
    Customers {
        /// 0-based number of the page this token fetches.
        page: u32,
        size: u32,
        offset: usize,
        filter: Option<CustomerFilter>,
    },
    Users {
        page: u32,
        size: u32,
        offset: usize,
        deleted: bool,
        customer: Uuid,
    },
}

/// Encodes and checks tokens for one partner (a token of another sandbox is refused).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TokenCodec {
    fingerprint: u64,
}

impl TokenCodec {
    pub(crate) fn new(fingerprint: u64) -> Self {
        Self { fingerprint }
    }

    pub(crate) fn encode(&self, seek: &Seek) -> String {
        let text = match seek {
            Seek::Customers {
                page,
                size,
                offset,
                filter,
            } => {
                let (field, value) = match filter {
                    None => ("-", ""),
                    Some(f) => match f.field {
                        SearchField::CompanyName => ("N", f.value.as_str()),
                        SearchField::Domain => ("D", f.value.as_str()),
                    },
                };
                format!("C{SEP}{page}{SEP}{size}{SEP}{offset}{SEP}{field}{SEP}{value}")
            }
            Seek::Users {
                page,
                size,
                offset,
                deleted,
                customer,
            } => {
                format!(
                    "U{SEP}{page}{SEP}{size}{SEP}{offset}{SEP}{}{SEP}{customer}",
                    u8::from(*deleted)
                )
            }
        };
        let mut bytes = Vec::with_capacity(text.len() + 8);
        bytes.extend_from_slice(&MAGIC);
        let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend_from_slice(&text.as_bytes()[..usize::from(len)]);
        // A length of 3k+1 bytes ends the base64 in "==", like the real tokens.
        while bytes.len() % 3 != 1 {
            bytes.push(0);
        }
        format!("{},{:016x}", STANDARD.encode(&bytes), self.check(&text))
    }

    pub(crate) fn decode(&self, token: &str) -> Option<Seek> {
        let (data, check) = token.trim().rsplit_once(',')?;
        let bytes = STANDARD.decode(data).ok()?;
        let rest = bytes.strip_prefix(&MAGIC[..])?;
        let (len, body) = rest.split_at_checked(2)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        let text = std::str::from_utf8(body.get(..len)?).ok()?;
        if u64::from_str_radix(check, 16).ok()? != self.check(text) {
            return None;
        }
        let mut parts = text.splitn(6, SEP);
        let kind = parts.next()?;
        let page = parts.next()?.parse().ok()?;
        let size = parts.next()?.parse().ok()?;
        let offset = parts.next()?.parse().ok()?;
        let a = parts.next()?;
        let b = parts.next()?;
        match kind {
            "C" => {
                let field = match a {
                    "-" => None,
                    "N" => Some(SearchField::CompanyName),
                    "D" => Some(SearchField::Domain),
                    _ => return None,
                };
                let filter = field.map(|field| CustomerFilter {
                    field,
                    value: b.to_string(),
                });
                Some(Seek::Customers {
                    page,
                    size,
                    offset,
                    filter,
                })
            }
            "U" => Some(Seek::Users {
                page,
                size,
                offset,
                deleted: a == "1",
                customer: Uuid::try_parse(b).ok()?,
            }),
            _ => None,
        }
    }

    fn check(&self, text: &str) -> u64 {
        mix(&[self.fingerprint, str_key(text)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_look_real() {
        let codec = TokenCodec::new(11);
        let seeks = [
            Seek::Customers {
                page: 3,
                size: 500,
                offset: 1500,
                filter: None,
            },
            Seek::Customers {
                page: 1,
                size: 2,
                offset: 7,
                filter: Some(CustomerFilter {
                    field: SearchField::CompanyName,
                    value: "a,b\u{1f}c 株式".into(),
                }),
            },
            Seek::Users {
                page: 2,
                size: 100,
                offset: 200,
                deleted: true,
                customer: Uuid::from_u128(77),
            },
        ];
        for seek in seeks {
            let token = codec.encode(&seek);
            for c in ['/', '+', '=', ','] {
                assert!(token.contains(c), "{token} lacks {c}");
            }
            assert_eq!(codec.decode(&token), Some(seek));
        }
    }

    #[test]
    fn garbled_or_foreign_tokens_are_refused() {
        let codec = TokenCodec::new(11);
        let token = codec.encode(&Seek::Customers {
            page: 1,
            size: 5,
            offset: 5,
            filter: None,
        });
        assert_eq!(TokenCodec::new(12).decode(&token), None);
        assert_eq!(codec.decode(&token.replace('+', "-")), None);
        assert_eq!(codec.decode(&token[..token.len() - 1]), None);
        assert_eq!(codec.decode("not a token"), None);
        assert_eq!(codec.decode(""), None);
        let mut tampered = token.clone();
        tampered.insert(6, 'A');
        assert_eq!(codec.decode(&tampered), None);
    }
}
