//! Records: each API resource sanitised once when it arrives, with the text the filter searches
//! precomputed, built by the fetcher off the UI loop. Columns, cells and tones are the explorer's
//! business (app::rows); nothing here knows of panes or performs I/O.

pub use super::subscription_record::SubscriptionRow;
use crate::api::{
    Customer, CustomerUser, License, ProductSku, Resource, Sanitize, ServicePlan, SubscribedSku,
};

/// A row's search text, with the folded form the fast path needs when the text is not ASCII:
/// the first character of each grapheme, accents removed and lower-cased, exactly as nucleo
/// compares them. Folding once when the row arrives keeps every keystroke a byte scan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchText {
    text: Box<str>,
    folded: Option<Box<str>>,
    /// Bytes of the first field (the name) in `text` and in `folded`: it ranks first.
    primary: u32,
    primary_folded: u32,
}

fn fold(text: &str) -> String {
    nucleo_matcher::chars::graphemes(text)
        .map(|c| nucleo_matcher::chars::to_lower_case(nucleo_matcher::chars::normalize(c)))
        .collect()
}

impl SearchText {
    /// One field: all of it is the name.
    pub fn new(text: String) -> Self {
        let primary = text.len();
        Self::with_primary(text, primary)
    }

    /// The non-empty fields joined by spaces; the first one is the name, the one ranked first.
    /// The shared `.onmicrosoft.com` ending is left out: it would match every customer.
    pub fn fields(parts: &[&str]) -> Self {
        let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        let mut primary = None;
        for part in parts.iter().map(|p| without_suffix(p)) {
            if part.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part);
            primary.get_or_insert(out.len());
        }
        let primary = primary.unwrap_or(0);
        Self::with_primary(out, primary)
    }

    fn with_primary(text: String, primary: usize) -> Self {
        let folded = (!text.is_ascii()).then(|| fold(&text).into_boxed_str());
        let primary_folded = match &folded {
            Some(_) => fold(text.get(..primary).unwrap_or(&text)).len(),
            None => primary,
        };
        Self {
            text: text.into_boxed_str(),
            folded,
            primary: primary as u32,
            primary_folded: primary_folded as u32,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The folded form, present only when the text is not ASCII.
    pub fn folded(&self) -> Option<&str> {
        self.folded.as_deref()
    }

    /// The text to compare a query with, and the length of its name: the folded form for a
    /// case-ignoring query on non-ASCII text, else the text itself.
    pub fn compare_form(&self, fold: bool) -> (&str, usize) {
        match (&self.folded, fold) {
            (Some(folded), true) => (folded, self.primary_folded as usize),
            _ => (&self.text, self.primary as usize),
        }
    }
}

/// The ending every customer's initial domain shares: matching it would match every row.
pub const SHARED_SUFFIX: &str = ".onmicrosoft.com";

/// A field of a row without the shared suffix.
pub fn without_suffix(field: &str) -> &str {
    let n = field.len();
    if n > SHARED_SUFFIX.len()
        && field.is_char_boundary(n - SHARED_SUFFIX.len())
        && field[n - SHARED_SUFFIX.len()..].eq_ignore_ascii_case(SHARED_SUFFIX)
    {
        &field[..n - SHARED_SUFFIX.len()]
    } else {
        field
    }
}

pub fn or_empty(field: &Option<Box<str>>) -> &str {
    field.as_deref().unwrap_or("")
}

pub(crate) fn haystack(parts: &[&str]) -> SearchText {
    SearchText::fields(parts)
}

/// A resource as the explorer keeps it: sanitised once when it arrives, with the text the
/// filter searches.
#[derive(Clone)]
pub struct Kept<T> {
    pub res: Resource<T>,
    pub search: SearchText,
}

/// A customer row.
pub type CustomerRow = Kept<Customer>;

impl CustomerRow {
    pub fn new(mut res: Resource<Customer>) -> Self {
        res.data.sanitize();
        let search = haystack(&[
            res.data.company_name().unwrap_or(""),
            res.data.domain().unwrap_or(""),
        ]);
        Self { res, search }
    }
}

/// A user row.
pub type UserRow = Kept<CustomerUser>;

impl UserRow {
    pub fn new(mut res: Resource<CustomerUser>) -> Self {
        res.data.sanitize();
        let u = &res.data;
        let search = haystack(&[or_empty(&u.display_name), or_empty(&u.user_principal_name)]);
        Self { res, search }
    }
}

/// A licence row (a SKU assigned to a user, with its plans).
#[derive(Clone)]
pub struct LicenseRow {
    pub res: Resource<License>,
    pub search: SearchText,
    pub attention: usize,
}

impl LicenseRow {
    pub fn new(mut res: Resource<License>) -> Self {
        res.data.sanitize();
        let search = sku_haystack(res.data.product_sku.as_ref());
        let attention = res.data.plans_needing_attention();
        Self {
            res,
            search,
            attention,
        }
    }
}

/// A subscribed SKU row (seat counts and plans).
pub type SkuRow = Kept<SubscribedSku>;

impl SkuRow {
    pub fn new(mut res: Resource<SubscribedSku>) -> Self {
        res.data.sanitize();
        let search = sku_haystack(res.data.product_sku.as_ref());
        Self { res, search }
    }
}

pub fn sku_label(sku: Option<&ProductSku>) -> &str {
    sku.and_then(|s| {
        s.name
            .as_deref()
            .or(s.sku_part_number.as_deref())
            .or(s.id.as_deref())
    })
    .unwrap_or("(unnamed SKU)")
}

/// A SKU row's search text (licences and subscribed SKUs alike): its name, then part number.
fn sku_haystack(sku: Option<&ProductSku>) -> SearchText {
    haystack(&[
        sku_label(sku),
        sku.map_or("", |s| or_empty(&s.sku_part_number)),
    ])
}

pub fn plan_label(plan: &ServicePlan) -> &str {
    plan.display_name
        .as_deref()
        .or(plan.service_name.as_deref())
        .or(plan.id.as_deref())
        .unwrap_or("(unnamed plan)")
}

pub fn plan_haystack(plan: &ServicePlan) -> SearchText {
    haystack(&[
        plan_label(plan),
        or_empty(&plan.service_name),
        plan.capability_status.as_ref().map_or("", |s| s.as_str()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_text_is_sanitised_on_arrival() {
        let res = Resource::<Customer>::parse(
            r#"{"id":"x","companyProfile":{"companyName":"Evil\u001b[2JCo\u202e","domain":"e.com"}}"#,
        )
        .unwrap();
        let row = CustomerRow::new(res);
        assert_eq!(row.res.data.company_name(), Some("Evil[2JCo"));
        assert_eq!(row.search.as_str(), "Evil[2JCo e.com");
    }

    /// Every text field is cleaned, however deep and whatever its kind: nested objects, lists,
    /// values of an open enum pcx does not know, and fields no row shows.
    #[test]
    fn every_text_field_of_every_kind_is_sanitised() {
        // JSON escapes: an OSC 52 clipboard write, then a colour change.
        let evil = r"\u001b]52;c;aGk=\u0007x\u001b[31m";
        fn parse<T: serde::de::DeserializeOwned + Default>(json: String) -> Resource<T> {
            Resource::parse(&json).unwrap()
        }
        let licence = LicenseRow::new(parse(format!(
            r#"{{"productSku":{{"name":"{evil}","targetType":"{evil}"}},
                "servicePlans":[{{"serviceName":"{evil}","capabilityStatus":"{evil}"}}]}}"#
        )));
        let user = UserRow::new(parse(format!(
            r#"{{"lastDirectorySyncTime":"{evil}","userDomainType":"{evil}"}}"#
        )));
        let customer = CustomerRow::new(parse(format!(
            r#"{{"commerceId":"{evil}","associatedPartnerId":"{evil}"}}"#
        )));
        let kept = [
            (serde_json::to_string(&licence.res.data), 4),
            (serde_json::to_string(&user.res.data), 2),
            (serde_json::to_string(&customer.res.data), 2),
        ];
        for (json, fields) in kept {
            let json = json.unwrap();
            assert!(
                !json.contains(r"\u001b") && !json.contains(r"\u0007"),
                "{json}"
            );
            assert_eq!(
                json.matches("aGk=x").count(),
                fields,
                "the text itself is kept: {json}"
            );
        }
    }
}
