//! Rows as the explorer keeps them: each API resource sanitised once when it arrives, with its
//! search text precomputed, and the columns each pane shows (used by the view, the column
//! widths and the CSV export alike). Owns no screen state and performs no I/O.

use crate::api::status::PlanHealth;
use crate::api::{CapabilityStatus, CustomerUser, ProductSku, ServicePlan};
use crate::fetch::records::SearchText;
pub use crate::fetch::records::{
    CustomerRow, LicenseRow, SkuRow, UserRow, or_empty, plan_haystack, plan_label, sku_label,
};
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
    /// Cut in the middle when too long, keeping the end: names that share a long start
    /// ("Information Protection and Governance Analytics - Premium/Standard") stay apart.
    pub middle: bool,
}

pub(crate) const fn col(header: &'static str, priority: u8, min: u16, max: u16) -> Column {
    Column {
        header,
        priority,
        min,
        max,
        right: false,
        glyph: false,
        middle: false,
    }
}

/// A status column: wide enough that a value pcx does not know shows in full while the pane
/// has room (it is the operator's only clue).
const fn status(header: &'static str, priority: u8) -> Column {
    Column {
        header,
        priority,
        min: 9,
        max: 40,
        right: false,
        glyph: true,
        middle: false,
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
        middle: false,
    }
}

/// A name column cut in the middle (see `Column::middle`).
const fn name(header: &'static str, priority: u8, min: u16, max: u16) -> Column {
    Column {
        middle: true,
        ..col(header, priority, min, max)
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

/// The parts of `Row` every kept row (`fetch::records`) answers alike: its id (read from the
/// resource by the closure-like `|data| expr`), its precomputed search text and the JSON as
/// the API sent it.
macro_rules! kept_parts {
    (|$data:ident| $id:expr) => {
        fn id(&self) -> Option<&str> {
            let $data = &self.res.data;
            $id
        }
        fn haystack(&self) -> &SearchText {
            &self.search
        }
        fn raw(&self) -> &serde_json::value::RawValue {
            &self.res.raw
        }
    };
}
pub(super) use kept_parts;

/// Declares a row's columns, each with the cell it shows (`column => |row| cell`): a title and
/// its cell stand on one line, so the two cannot drift apart.
macro_rules! columns {
    ($($column:expr => |$row:ident| $cell:expr),+ $(,)?) => {
        const COLUMNS: &'static [Column] = &[$($column),+];
        const CELLS: &'static [for<'a> fn(&'a Self) -> Cell<'a>] = &[$(|$row| $cell),+];
    };
}
pub(super) use columns;

/// What every kept row offers to the generic list code.
pub trait Row: Clone + Send + 'static {
    const COLUMNS: &'static [Column];
    /// Each column's cell, in the order of `COLUMNS` (`columns!` declares both).
    const CELLS: &'static [for<'a> fn(&'a Self) -> Cell<'a>];
    fn id(&self) -> Option<&str>;
    /// The text the filter matches against: the visible columns, precomputed.
    fn haystack(&self) -> &SearchText;
    /// A column index past the end reads as the last column.
    fn cell(&self, column: usize) -> Cell<'_> {
        Self::CELLS[column.min(Self::CELLS.len() - 1)](self)
    }
    fn mark(&self) -> Mark {
        Mark::None
    }
    /// The short name used in breadcrumbs and parent columns.
    fn label(&self) -> &str;
    fn raw(&self) -> &RawValue;
}

/// The tone a capability status reads in, from its health (`api::status`): problems stand
/// out (lost service in red), a plan switched off on purpose or retired reads dim.
pub fn status_tone(status: Option<&CapabilityStatus>) -> Tone {
    match status {
        Some(s) => health_tone(s.health(), s),
        None => Tone::Warn,
    }
}

fn health_tone(health: PlanHealth, status: &CapabilityStatus) -> Tone {
    match (health, status) {
        (PlanHealth::Healthy, _) => Tone::Ok,
        (PlanHealth::Off, _) => Tone::Dim,
        (_, CapabilityStatus::Suspended | CapabilityStatus::LockedOut) => Tone::Bad,
        _ => Tone::Warn,
    }
}

impl Row for CustomerRow {
    columns! {
        col("Company", 0, 12, 40) => |r| Cell::plain(r.label()),
        col("Domain", 1, 12, 40) => |r| Cell::plain(r.res.data.domain().unwrap_or("")),
        col("Relationship", 3, 8, 18) => |r| Cell::plain(
            r.res.data.relationship_to_partner.as_ref().map_or("", |x| x.as_str()),
        ),
        col("Customer id", 4, 36, 36) => |r| Cell::plain(or_empty(&r.res.data.id)),
    }

    kept_parts!(|r| r.id.as_deref());

    fn label(&self) -> &str {
        let c = &self.res.data;
        c.company_name()
            .filter(|n| !n.trim().is_empty())
            .or(c.domain())
            .or(c.id.as_deref())
            .unwrap_or("(unnamed customer)")
    }
}

impl Row for UserRow {
    columns! {
        col("Display name", 1, 10, 32) => |r| Cell::plain(or_empty(&r.res.data.display_name)),
        col("User principal name", 0, 16, 48) => |r| {
            Cell::plain(or_empty(&r.res.data.user_principal_name))
        },
        col("State", 2, 7, 18) => |r| user_state(&r.res.data),
        col("Location", 3, 8, 8) => |r| Cell::plain(or_empty(&r.res.data.usage_location)),
        col("User id", 4, 36, 36) => |r| Cell::plain(or_empty(&r.res.data.id)),
    }

    kept_parts!(|r| r.id.as_deref());

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
}

/// A user's state; a deleted user's says since when, in red.
fn user_state(u: &CustomerUser) -> Cell<'_> {
    if u.is_deleted() {
        Cell::owned(u.state_with_day(), Tone::Bad)
    } else {
        Cell::plain(u.state.as_ref().map_or("", |s| s.as_str()))
    }
}

fn plans_summary(plans: &[ServicePlan]) -> Cell<'static> {
    let bad = plans.iter().filter(|p| p.needs_attention()).count();
    let off = plans
        .iter()
        .filter(|p| p.health() == PlanHealth::Off)
        .count();
    match (plans.len(), bad, off) {
        (0, _, _) => Cell::owned("no plans".into(), Tone::Dim),
        (n, 0, 0) => Cell::owned(format!("{n} ok"), Tone::Ok),
        (n, 0, off) => Cell::owned(format!("{} ok, {off} off", n - off), Tone::Ok),
        (n, bad, _) => Cell::owned(format!("{bad} of {n} need attention"), Tone::Warn),
    }
}

impl Row for LicenseRow {
    columns! {
        name("SKU", 0, 14, 44) => |r| Cell::plain(r.label()),
        col("Part number", 2, 8, 28) => |r| Cell::plain(
            r.sku().map_or("", |s| or_empty(&s.sku_part_number)),
        ),
        col("Service plans", 1, 8, 26) => |r| plans_summary(&r.res.data.service_plans),
        col("Group", 3, 6, 6) => |r| Cell::plain(
            r.sku().and_then(|s| s.license_group_id.as_ref()).map_or("", |g| g.as_str()),
        ),
        col("SKU id", 4, 36, 36) => |r| Cell::plain(r.sku().map_or("", |s| or_empty(&s.id))),
    }

    kept_parts!(|r| r.product_sku.as_ref()?.id.as_deref());

    fn mark(&self) -> Mark {
        if self.attention > 0 {
            Mark::Attention
        } else {
            Mark::None
        }
    }

    fn label(&self) -> &str {
        sku_label(self.sku())
    }
}

impl LicenseRow {
    fn sku(&self) -> Option<&ProductSku> {
        self.res.data.product_sku.as_ref()
    }
}

fn count(n: Option<i64>) -> String {
    n.map_or_else(String::new, |n| n.to_string())
}

/// A seat count that reads as a warning when above zero (seats in warning or suspended).
fn count_warned(n: Option<i64>) -> Cell<'static> {
    let tone = if n.unwrap_or(0) > 0 {
        Tone::Warn
    } else {
        Tone::Normal
    };
    Cell::owned(count(n), tone)
}

impl Row for SkuRow {
    // Seats left first when room is short: "consumed" alone says nothing.
    columns! {
        name("SKU", 0, 14, 40) => |r| Cell::plain(r.label()),
        num("Total", 3) => |r| Cell::owned(count(r.res.data.total_units), Tone::Normal),
        num("Consumed", 4) => |r| {
            let s = &r.res.data;
            let tone = if s.is_over_consumed() { Tone::Bad } else { Tone::Normal };
            Cell::owned(count(s.consumed_units), tone)
        },
        num("Available", 1) => |r| Cell::owned(count(r.res.data.seats_left()), Tone::Normal),
        num("Warning", 5) => |r| count_warned(r.res.data.warning_units),
        num("Suspended", 6) => |r| count_warned(r.res.data.suspended_units),
        status("Status", 2) => |r| {
            let s = &r.res.data;
            Cell {
                text: Cow::Borrowed(s.capability_status.as_ref().map_or("", |c| c.as_str())),
                tone: s.capability_status.as_ref()
                    .map_or(Tone::Normal, |c| health_tone(s.health(), c)),
            }
        },
        col("Part number", 7, 8, 28) => |r| Cell::plain(
            r.res.data.product_sku.as_ref().map_or("", |k| or_empty(&k.sku_part_number)),
        ),
    }

    kept_parts!(|r| r.product_sku.as_ref()?.id.as_deref());

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
}

/// Service plan columns (plans live inside licence and SKU rows, not in their own list).
pub const PLAN_COLUMNS: &[Column] = &[
    status("Status", 0),
    name("Service plan", 1, 14, 48),
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
    fn statuses_have_tones() {
        assert_eq!(status_tone(Some(&CapabilityStatus::Assigned)), Tone::Ok);
        assert_eq!(status_tone(Some(&CapabilityStatus::Warning)), Tone::Warn);
        assert_eq!(status_tone(Some(&CapabilityStatus::Suspended)), Tone::Bad);
        assert_eq!(status_tone(Some(&CapabilityStatus::Disabled)), Tone::Dim);
        assert_eq!(status_tone(Some(&CapabilityStatus::Deleted)), Tone::Dim);
        assert_eq!(
            status_tone(Some(&CapabilityStatus::Other("Frozen".into()))),
            Tone::Warn
        );
        assert_eq!(status_tone(None), Tone::Warn);
    }
}
