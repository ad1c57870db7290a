//! Rows as the explorer keeps them: each API resource sanitised once when it arrives, with its
//! search text precomputed, and the columns each pane shows (used by the view, the column
//! widths and the CSV export alike). Owns no screen state and performs no I/O.

use super::filter::SearchText;
use crate::api::{
    CapabilityStatus, Customer, CustomerUser, License, LicenseGroup, ProductSku, Relationship,
    Resource, ServicePlan, SubscribedSku, TargetType, UserDomainType, UserState,
};
use crate::text::sanitize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// How a cell or a row mark should read; the theme turns it into colour and glyphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Dim,
    Ok,
    Warn,
    Bad,
}

/// A mark at the start of a row, so problems surface before drilling in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    None,
    /// One or more service plans are not Enabled/Assigned.
    Attention,
    /// A soft-deleted user.
    Deleted,
    /// More seats consumed than bought.
    OverConsumed,
    /// A subscription that renews within 30 days while seats of its SKU sit unassigned.
    Renewal,
    /// A suspended or expired subscription.
    Stopped,
}

/// A column of a pane.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub header: &'static str,
    /// Columns are dropped from the highest priority number first when space runs out.
    pub priority: u8,
    pub min: u16,
    pub max: u16,
    pub right: bool,
    /// A capability status: drawn with its glyph before the text.
    pub glyph: bool,
}

pub(crate) const fn col(header: &'static str, priority: u8, min: u16, max: u16) -> Column {
    Column {
        header,
        priority,
        min,
        max,
        right: false,
        glyph: false,
    }
}

const fn status(header: &'static str, priority: u8) -> Column {
    Column {
        header,
        priority,
        min: 9,
        max: 14,
        right: false,
        glyph: true,
    }
}

pub(crate) const fn num(header: &'static str, priority: u8) -> Column {
    Column {
        header,
        priority,
        min: 5,
        max: 9,
        right: true,
        glyph: false,
    }
}

/// One cell's text and tone.
pub struct Cell<'a> {
    pub text: Cow<'a, str>,
    pub tone: Tone,
}

impl<'a> Cell<'a> {
    pub(crate) fn plain(text: &'a str) -> Self {
        Self {
            text: Cow::Borrowed(text),
            tone: Tone::Normal,
        }
    }

    pub(crate) fn owned(text: String, tone: Tone) -> Self {
        Self {
            text: Cow::Owned(text),
            tone,
        }
    }
}

/// What every kept row offers to the generic list code.
pub trait Row: Clone + Send + 'static {
    const COLUMNS: &'static [Column];
    fn id(&self) -> Option<&str>;
    /// The text the filter matches against: the visible columns, precomputed.
    fn haystack(&self) -> &SearchText;
    fn cell(&self, column: usize) -> Cell<'_>;
    fn mark(&self) -> Mark {
        Mark::None
    }
    /// The short name used in breadcrumbs and parent columns.
    fn label(&self) -> &str;
    fn raw(&self) -> &RawValue;
}

/// Replaces a field by its sanitised text, allocating only when something was removed.
pub(crate) fn clean(field: &mut Option<Box<str>>) {
    if let Some(text) = field
        && let Cow::Owned(clean) = sanitize(text)
    {
        *text = clean.into_boxed_str();
    }
}

/// Replaces a value of an open enum that pcx does not know by its sanitised text (known
/// values are pcx's own spellings and need nothing).
macro_rules! clean_enum {
    ($field:expr, $kind:ident) => {
        if let Some($kind::Other(text)) = $field
            && let Cow::Owned(clean) = sanitize(text)
        {
            *text = clean.into_boxed_str();
        }
    };
}

fn clean_sku(sku: &mut Option<ProductSku>) {
    if let Some(sku) = sku {
        clean(&mut sku.id);
        clean(&mut sku.name);
        clean(&mut sku.sku_part_number);
        clean_enum!(&mut sku.target_type, TargetType);
        clean_enum!(&mut sku.license_group_id, LicenseGroup);
    }
}

fn clean_plans(plans: &mut [ServicePlan]) {
    for plan in plans {
        clean(&mut plan.display_name);
        clean(&mut plan.service_name);
        clean(&mut plan.id);
        clean_enum!(&mut plan.capability_status, CapabilityStatus);
        clean_enum!(&mut plan.target_type, TargetType);
    }
}

pub(crate) fn or_empty(field: &Option<Box<str>>) -> &str {
    field.as_deref().unwrap_or("")
}

pub(crate) fn haystack(parts: &[&str]) -> SearchText {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    SearchText::new(out)
}

/// The tone a capability status reads in: anything but Enabled/Assigned stands out.
pub fn status_tone(status: Option<&CapabilityStatus>) -> Tone {
    match status {
        Some(s) if s.is_healthy() => Tone::Ok,
        Some(CapabilityStatus::Warning) | None | Some(CapabilityStatus::Other(_)) => Tone::Warn,
        Some(_) => Tone::Bad,
    }
}

/// A customer row.
#[derive(Clone)]
pub struct CustomerRow {
    pub res: Resource<Customer>,
    search: SearchText,
}

impl CustomerRow {
    pub fn new(mut res: Resource<Customer>) -> Self {
        let c = &mut res.data;
        clean(&mut c.id);
        if let Some(p) = &mut c.company_profile {
            clean(&mut p.company_name);
            clean(&mut p.domain);
            clean(&mut p.tenant_id);
            clean(&mut p.email);
        }
        clean_enum!(&mut c.relationship_to_partner, Relationship);
        let search = haystack(&[
            res.data.company_name().unwrap_or(""),
            res.data.domain().unwrap_or(""),
        ]);
        Self { res, search }
    }
}

impl Row for CustomerRow {
    const COLUMNS: &'static [Column] = &[
        col("Company", 0, 12, 40),
        col("Domain", 1, 12, 40),
        col("Relationship", 3, 8, 18),
        col("Customer id", 4, 36, 36),
    ];

    fn id(&self) -> Option<&str> {
        self.res.data.id.as_deref()
    }

    fn haystack(&self) -> &SearchText {
        &self.search
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        let c = &self.res.data;
        match column {
            0 => Cell::plain(self.label()),
            1 => Cell::plain(c.domain().unwrap_or("")),
            2 => Cell::plain(
                c.relationship_to_partner
                    .as_ref()
                    .map_or("", |r| r.as_str()),
            ),
            _ => Cell::plain(or_empty(&c.id)),
        }
    }

    fn label(&self) -> &str {
        let c = &self.res.data;
        c.company_name()
            .filter(|n| !n.trim().is_empty())
            .or(c.domain())
            .or(c.id.as_deref())
            .unwrap_or("(unnamed customer)")
    }

    fn raw(&self) -> &RawValue {
        &self.res.raw
    }
}

/// A user row.
#[derive(Clone)]
pub struct UserRow {
    pub res: Resource<CustomerUser>,
    search: SearchText,
}

impl UserRow {
    pub fn new(mut res: Resource<CustomerUser>) -> Self {
        let u = &mut res.data;
        for field in [
            &mut u.id,
            &mut u.user_principal_name,
            &mut u.display_name,
            &mut u.first_name,
            &mut u.last_name,
            &mut u.usage_location,
            &mut u.soft_deletion_time,
            &mut u.last_directory_sync_time,
        ] {
            clean(field);
        }
        clean_enum!(&mut u.state, UserState);
        clean_enum!(&mut u.user_domain_type, UserDomainType);
        let search = haystack(&[or_empty(&u.display_name), or_empty(&u.user_principal_name)]);
        Self { res, search }
    }
}

impl Row for UserRow {
    const COLUMNS: &'static [Column] = &[
        col("Display name", 1, 10, 32),
        col("User principal name", 0, 16, 48),
        col("State", 2, 7, 9),
        col("Location", 3, 8, 8),
        col("User id", 4, 36, 36),
    ];

    fn id(&self) -> Option<&str> {
        self.res.data.id.as_deref()
    }

    fn haystack(&self) -> &SearchText {
        &self.search
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        let u = &self.res.data;
        match column {
            0 => Cell::plain(or_empty(&u.display_name)),
            1 => Cell::plain(or_empty(&u.user_principal_name)),
            2 if u.is_deleted() => Cell {
                text: Cow::Borrowed("deleted"),
                tone: Tone::Bad,
            },
            2 => Cell::plain(u.state.as_ref().map_or("", |s| s.as_str())),
            3 => Cell::plain(or_empty(&u.usage_location)),
            _ => Cell::plain(or_empty(&u.id)),
        }
    }

    fn mark(&self) -> Mark {
        if self.res.data.is_deleted() {
            Mark::Deleted
        } else {
            Mark::None
        }
    }

    fn label(&self) -> &str {
        let u = &self.res.data;
        u.user_principal_name
            .as_deref()
            .or(u.display_name.as_deref())
            .or(u.id.as_deref())
            .unwrap_or("(unnamed user)")
    }

    fn raw(&self) -> &RawValue {
        &self.res.raw
    }
}

fn sku_label(sku: Option<&ProductSku>) -> &str {
    sku.and_then(|s| {
        s.name
            .as_deref()
            .or(s.sku_part_number.as_deref())
            .or(s.id.as_deref())
    })
    .unwrap_or("(unnamed SKU)")
}

fn plans_summary(plans: &[ServicePlan]) -> Cell<'static> {
    let bad = plans.iter().filter(|p| p.needs_attention()).count();
    match (plans.len(), bad) {
        (0, _) => Cell::owned("no plans".into(), Tone::Dim),
        (n, 0) => Cell::owned(format!("{n} ok"), Tone::Ok),
        (n, bad) => Cell::owned(format!("{bad} of {n} need attention"), Tone::Warn),
    }
}

/// A licence row (a SKU assigned to a user, with its plans).
#[derive(Clone)]
pub struct LicenceRow {
    pub res: Resource<License>,
    search: SearchText,
    pub attention: usize,
}

impl LicenceRow {
    pub fn new(mut res: Resource<License>) -> Self {
        clean_sku(&mut res.data.product_sku);
        clean_plans(&mut res.data.service_plans);
        let sku = res.data.product_sku.as_ref();
        let search = haystack(&[
            sku_label(sku),
            sku.map_or("", |s| or_empty(&s.sku_part_number)),
        ]);
        let attention = res.data.plans_needing_attention();
        Self {
            res,
            search,
            attention,
        }
    }
}

impl Row for LicenceRow {
    const COLUMNS: &'static [Column] = &[
        col("SKU", 0, 14, 44),
        col("Part number", 2, 8, 28),
        col("Service plans", 1, 8, 26),
        col("Group", 3, 6, 6),
        col("SKU id", 4, 36, 36),
    ];

    fn id(&self) -> Option<&str> {
        self.res.data.product_sku.as_ref()?.id.as_deref()
    }

    fn haystack(&self) -> &SearchText {
        &self.search
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        let sku = self.res.data.product_sku.as_ref();
        match column {
            0 => Cell::plain(self.label()),
            1 => Cell::plain(sku.map_or("", |s| or_empty(&s.sku_part_number))),
            2 => plans_summary(&self.res.data.service_plans),
            3 => Cell::plain(
                sku.and_then(|s| s.license_group_id.as_ref())
                    .map_or("", |g| g.as_str()),
            ),
            _ => Cell::plain(sku.map_or("", |s| or_empty(&s.id))),
        }
    }

    fn mark(&self) -> Mark {
        if self.attention > 0 {
            Mark::Attention
        } else {
            Mark::None
        }
    }

    fn label(&self) -> &str {
        sku_label(self.res.data.product_sku.as_ref())
    }

    fn raw(&self) -> &RawValue {
        &self.res.raw
    }
}

/// A subscribed SKU row (seat counts and plans).
#[derive(Clone)]
pub struct SkuRow {
    pub res: Resource<SubscribedSku>,
    search: SearchText,
}

impl SkuRow {
    pub fn new(mut res: Resource<SubscribedSku>) -> Self {
        clean_sku(&mut res.data.product_sku);
        clean_plans(&mut res.data.service_plans);
        clean_enum!(&mut res.data.capability_status, CapabilityStatus);
        let sku = res.data.product_sku.as_ref();
        let search = haystack(&[
            sku_label(sku),
            sku.map_or("", |s| or_empty(&s.sku_part_number)),
        ]);
        Self { res, search }
    }
}

fn count(n: Option<i64>) -> String {
    n.map_or_else(String::new, |n| n.to_string())
}

impl Row for SkuRow {
    const COLUMNS: &'static [Column] = &[
        col("SKU", 0, 14, 40),
        num("Total", 3),
        num("Consumed", 1),
        num("Available", 4),
        num("Warning", 5),
        num("Suspended", 6),
        status("Status", 2),
        col("Part number", 7, 8, 28),
    ];

    fn id(&self) -> Option<&str> {
        self.res.data.product_sku.as_ref()?.id.as_deref()
    }

    fn haystack(&self) -> &SearchText {
        &self.search
    }

    fn cell(&self, column: usize) -> Cell<'_> {
        let s = &self.res.data;
        let warn_if = |n: Option<i64>| {
            if n.unwrap_or(0) > 0 {
                Tone::Warn
            } else {
                Tone::Normal
            }
        };
        match column {
            0 => Cell::plain(self.label()),
            1 => Cell::owned(count(s.total_units), Tone::Normal),
            2 if s.is_over_consumed() => Cell::owned(count(s.consumed_units), Tone::Bad),
            2 => Cell::owned(count(s.consumed_units), Tone::Normal),
            3 => Cell::owned(count(s.seats_left()), Tone::Normal),
            4 => Cell::owned(count(s.warning_units), warn_if(s.warning_units)),
            5 => Cell::owned(count(s.suspended_units), warn_if(s.suspended_units)),
            6 => Cell {
                text: Cow::Borrowed(s.capability_status.as_ref().map_or("", |c| c.as_str())),
                tone: status_tone(s.capability_status.as_ref()),
            },
            _ => Cell::plain(
                s.product_sku
                    .as_ref()
                    .map_or("", |k| or_empty(&k.sku_part_number)),
            ),
        }
    }

    fn mark(&self) -> Mark {
        let s = &self.res.data;
        if s.is_over_consumed() {
            Mark::OverConsumed
        } else if s.needs_attention() {
            Mark::Attention
        } else {
            Mark::None
        }
    }

    fn label(&self) -> &str {
        sku_label(self.res.data.product_sku.as_ref())
    }

    fn raw(&self) -> &RawValue {
        &self.res.raw
    }
}

/// Service plan columns (plans live inside licence and SKU rows, not in their own list).
pub const PLAN_COLUMNS: &[Column] = &[
    status("Status", 0),
    col("Service plan", 1, 14, 48),
    col("Service name", 2, 10, 30),
    col("Target", 3, 6, 6),
    col("Plan id", 4, 36, 36),
];

/// One cell of a service plan row.
pub fn plan_cell(plan: &ServicePlan, column: usize) -> Cell<'_> {
    match column {
        0 => Cell {
            text: Cow::Borrowed(
                plan.capability_status
                    .as_ref()
                    .map_or("(none)", |s| s.as_str()),
            ),
            tone: status_tone(plan.capability_status.as_ref()),
        },
        1 => Cell::plain(plan_label(plan)),
        2 => Cell::plain(or_empty(&plan.service_name)),
        3 => Cell::plain(plan.target_type.as_ref().map_or("", |t| t.as_str())),
        _ => Cell::plain(or_empty(&plan.id)),
    }
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

/// The display width of each column's widest cell among `rows`, merged into `widths`.
pub fn widen<R: Row>(widths: &mut Vec<u16>, rows: &[R]) {
    widths.resize(R::COLUMNS.len(), 0);
    for row in rows {
        for (i, w) in widths.iter_mut().enumerate() {
            let cell = row.cell(i);
            let cw = crate::text::width(&cell.text).min(u16::MAX as usize) as u16;
            *w = (*w).max(cw);
        }
    }
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
        assert_eq!(row.label(), "Evil[2JCo");
        assert_eq!(row.haystack().as_str(), "Evil[2JCo e.com");
    }

    #[test]
    fn statuses_have_tones() {
        assert_eq!(status_tone(Some(&CapabilityStatus::Assigned)), Tone::Ok);
        assert_eq!(status_tone(Some(&CapabilityStatus::Warning)), Tone::Warn);
        assert_eq!(status_tone(Some(&CapabilityStatus::Suspended)), Tone::Bad);
        assert_eq!(status_tone(None), Tone::Warn);
    }
}
