//! Privacy mode's pseudonyms: learns the personal values in Partner Center answers (company
//! names, domains, UPNs, e-mail addresses, people's names, tenant and object ids) and replaces
//! them in any text with stable stand-ins (`Customer 7F3A`, `user-19c2@customer-7f3a.example`).
//! SKU, plan and status names are never learnt, so they stay. A leaf: it knows no screens, no
//! client and no output format; callers decide where text passes through it.

use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};

/// Values shorter than this are not learnt: "US" or "a" would replace too much.
const MIN_LEN: usize = 3;

/// What kind of personal value a string is; each kind has its own stand-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Company,
    Domain,
    /// A UPN or an e-mail address.
    Address,
    Person,
    /// A tenant, customer, user or profile id (GUID-shaped stand-ins keep columns aligned).
    Id,
}

/// The shared table of real values and their pseudonyms. Cheap to clone; clones share it.
#[derive(Clone, Default)]
pub struct Pseudonyms {
    inner: Arc<Mutex<Table>>,
}

#[derive(Default)]
struct Table {
    /// Salts the hashes for this run, so a stand-in says nothing across runs.
    salt: u64,
    map: HashMap<Box<str>, Box<str>>,
    /// The matcher over every learnt value, rebuilt on the next use after learning.
    matcher: Option<(AhoCorasick, Vec<Box<str>>)>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.inner.lock().map(|t| t.map.len()).unwrap_or(0);
        write!(f, "Pseudonyms({n} values)")
    }
}

impl Pseudonyms {
    pub fn new() -> Self {
        let salt = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Self {
            inner: Arc::new(Mutex::new(Table {
                salt,
                ..Table::default()
            })),
        }
    }

    /// Learns the personal values anywhere in `value`.
    pub fn learn_json(&self, value: &Value) {
        let mut found = Vec::new();
        collect(value, &mut found);
        if found.is_empty() {
            return;
        }
        let Ok(mut table) = self.inner.lock() else {
            return;
        };
        let mut added = false;
        for (kind, real) in found {
            added |= table.learn(kind, &real);
        }
        if added {
            table.matcher = None;
        }
    }

    /// Learns one value of a known kind.
    pub fn learn(&self, kind: Kind, real: &str) {
        if let Ok(mut table) = self.inner.lock()
            && table.learn(kind, real)
        {
            table.matcher = None;
        }
    }

    /// `text` with every learnt value replaced by its pseudonym (longest match first).
    pub fn apply<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Ok(mut table) = self.inner.lock() else {
            return Cow::Borrowed(text);
        };
        let Some((ac, keys, map)) = table.matcher() else {
            return Cow::Borrowed(text);
        };
        if !ac.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in ac.find_iter(text) {
            out.push_str(&text[last..m.start()]);
            let key = &keys[m.pattern().as_usize()];
            out.push_str(map.get(key).map_or("", |v| v));
            last = m.end();
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }

    /// Where learnt values occur in `text`: byte ranges and the pseudonym of each.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, String)> {
        let Ok(mut table) = self.inner.lock() else {
            return Vec::new();
        };
        let Some((ac, keys, map)) = table.matcher() else {
            return Vec::new();
        };
        ac.find_iter(text)
            .map(|m| {
                let key = &keys[m.pattern().as_usize()];
                let shown = map.get(key).map_or("", |v| v).to_string();
                (m.start(), m.end(), shown)
            })
            .collect()
    }

    /// How many values are known.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|t| t.map.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The automaton, its patterns in order, and what each pattern stands for.
type Matcher<'a> = (
    &'a AhoCorasick,
    &'a [Box<str>],
    &'a HashMap<Box<str>, Box<str>>,
);

impl Table {
    /// The matcher over every learnt value (built after learning); None when nothing is known.
    fn matcher(&mut self) -> Option<Matcher<'_>> {
        if self.map.is_empty() {
            return None;
        }
        if self.matcher.is_none() {
            let keys: Vec<Box<str>> = self.map.keys().cloned().collect();
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .build(keys.iter().map(|k| k.as_bytes()))
                .ok()?;
            self.matcher = Some((ac, keys));
        }
        let (ac, keys) = self.matcher.as_ref()?;
        Some((ac, keys, &self.map))
    }

    fn hash(&self, text: &str) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        h.write_u64(self.salt);
        h.write(text.to_lowercase().as_bytes());
        h.finish()
    }

    /// Adds `real` (and, for an address, its domain); true when something was new.
    fn learn(&mut self, kind: Kind, real: &str) -> bool {
        let real = real.trim();
        if real.chars().count() < MIN_LEN || self.map.contains_key(real) {
            return false;
        }
        let h = self.hash(real);
        let tag = format!("{:04x}", h & 0xffff);
        let pseudonym = match kind {
            Kind::Company => format!("Customer {}", tag.to_uppercase()),
            Kind::Person => format!("User {}", tag.to_uppercase()),
            Kind::Domain => format!("customer-{tag}.example"),
            Kind::Id => format!(
                "{:08x}-0000-4000-8000-{:012x}",
                (h >> 32) as u32,
                h & 0xffff_ffff_ffff
            ),
            Kind::Address => {
                let domain = match real.rsplit_once('@') {
                    Some((_, domain)) => {
                        self.learn(Kind::Domain, domain);
                        self.map
                            .get(domain.trim())
                            .map_or_else(|| "customer.example".to_string(), |d| d.to_string())
                    }
                    None => "customer.example".to_string(),
                };
                format!("user-{tag}@{domain}")
            }
        };
        self.map.insert(real.into(), pseudonym.into_boxed_str());
        true
    }
}

/// The kind of a field named `key` (a report column), if that field is personal.
pub fn field_kind(key: &str) -> Option<Kind> {
    kind_of(key, false)
}

/// The kind of personal value a field holds, by its name (the API's, and the store's report
/// columns, which follow it). `personal`: the object is a company or a person, so its own
/// `id` and names are personal too.
fn kind_of(key: &str, personal: bool) -> Option<Kind> {
    match key {
        "companyName" => Some(Kind::Company),
        "domain" | "defaultDomainName" | "customDomains" => Some(Kind::Domain),
        "userPrincipalName" | "email" | "mail" => Some(Kind::Address),
        "firstName" | "lastName" | "displayName" if personal => Some(Kind::Person),
        "tenantId" | "tenant" | "customerId" | "userId" | "objectId" | "commerceId" => {
            Some(Kind::Id)
        }
        "id" if personal => Some(Kind::Id),
        _ => None,
    }
}

/// The personal values in a JSON tree, by key; an object's `id` counts when the object is a
/// customer, a user or a profile (never a SKU's or a plan's id).
fn collect(value: &Value, out: &mut Vec<(Kind, String)>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => {
            let personal = map.contains_key("companyProfile")
                || map.contains_key("userPrincipalName")
                || map.contains_key("email")
                || map.contains_key("companyName");
            for (key, v) in map {
                match (kind_of(key, personal), v) {
                    (Some(kind), Value::String(s)) => out.push((kind, s.clone())),
                    (Some(kind), Value::Array(items)) => out.extend(
                        items
                            .iter()
                            .filter_map(Value::as_str)
                            .map(|s| (kind, s.to_string())),
                    ),
                    _ => collect(v, out),
                }
            }
        }
        _ => {}
    }
}

/// Standard output, through the pseudonyms when privacy mode has them.
pub fn stdout(names: Option<&Pseudonyms>) -> Box<dyn std::io::Write> {
    let out = std::io::stdout().lock();
    match names {
        Some(names) => Box::new(PrivateWriter::new(out, names.clone())),
        None => Box::new(out),
    }
}

/// A writer that passes each complete line through the pseudonyms (listings with --privacy).
pub struct PrivateWriter<W: std::io::Write> {
    inner: W,
    names: Pseudonyms,
    pending: Vec<u8>,
}

impl<W: std::io::Write> PrivateWriter<W> {
    pub fn new(inner: W, names: Pseudonyms) -> Self {
        Self {
            inner,
            names,
            pending: Vec::new(),
        }
    }

    fn emit(&mut self, upto: usize) -> std::io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..upto).collect();
        let text = String::from_utf8_lossy(&chunk);
        self.inner.write_all(self.names.apply(&text).as_bytes())
    }
}

impl<W: std::io::Write> std::io::Write for PrivateWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            self.emit(end + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let all = self.pending.len();
        self.emit(all)?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for PrivateWriter<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_personal_values_and_keeps_skus() {
        let names = Pseudonyms::new();
        let answer = serde_json::from_str(
            r#"{"items":[{"id":"eebd1b55-5360-4438-a11d-5c06918c3014","companyProfile":{"tenantId":"eebd1b55-5360-4438-a11d-5c06918c3014","domain":"contoso.onmicrosoft.com","companyName":"Contoso Ltd"}},
            {"id":"482e2152-4b49-48ec-b715-823365ce3d4c","userPrincipalName":"jade@contoso.onmicrosoft.com","displayName":"Jade Azul"},
            {"productSku":{"id":"c42b9cae-ea4f-4ab7-9717-81576235ccac","name":"Office 365 E3"},"servicePlans":[{"displayName":"Exchange Online"}]}]}"#,
        )
        .unwrap();
        names.learn_json(&answer);
        let text = "Contoso Ltd · contoso.onmicrosoft.com · Jade Azul jade@contoso.onmicrosoft.com \
                    eebd1b55-5360-4438-a11d-5c06918c3014 Office 365 E3 Exchange Online c42b9cae-ea4f-4ab7-9717-81576235ccac";
        let shown = names.apply(text);
        for real in [
            "Contoso",
            "contoso",
            "Jade",
            "eebd1b55-5360-4438-a11d-5c06918c3014",
        ] {
            assert!(!shown.contains(real), "{real} in {shown}");
        }
        assert!(shown.contains("Office 365 E3") && shown.contains("Exchange Online"));
        assert!(shown.contains("c42b9cae-ea4f-4ab7-9717-81576235ccac"));
        assert!(shown.contains("Customer ") && shown.contains("User "));
        assert!(shown.contains(".example"));
        // Stable: the same value, the same stand-in.
        assert_eq!(names.apply(text), shown);
        let upn = names.apply("jade@contoso.onmicrosoft.com");
        let domain = names.apply("contoso.onmicrosoft.com");
        assert!(upn.ends_with(&format!("@{domain}")), "{upn} / {domain}");
    }

    #[test]
    fn the_writer_replaces_whole_lines() {
        use std::io::Write;
        let names = Pseudonyms::new();
        names.learn(Kind::Company, "Fabrikam Inc");
        let mut out = Vec::new();
        {
            let mut w = PrivateWriter::new(&mut out, names.clone());
            w.write_all(b"[{\"companyName\":\"Fabri").unwrap();
            w.write_all(b"kam Inc\"}]\n").unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("Fabrikam"), "{text}");
        assert!(text.contains("Customer "));
    }
}
