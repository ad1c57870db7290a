//! Output of the listing commands: a table that fits the terminal, the API's JSON as received,
//! or flat CSV. JSON and CSV are written page by page as pages arrive, so memory stays flat
//! however long the listing; the table waits for all rows so its columns can be sized.
//! Every string from the API passes the sanitiser before it reaches stdout.

use crate::api::status::PlanHealth;
use crate::api::{
    CapabilityStatus, Customer, CustomerUser, License, ProductSku, Resource, ServicePlan,
    SubscribedSku,
};
use crate::cli::OutputFormat;
use crate::text::{csv_cell, sanitize, truncate_to_width, width};
use std::io::{self, Write};

/// A listing being written.
pub struct Listing<W: Write, T: Listable> {
    out: W,
    format: OutputFormat,
    table_width: usize,
    started: bool,
    table: Vec<Vec<String>>,
    _rows: std::marker::PhantomData<T>,
}

/// How a resource type becomes rows and columns.
pub trait Listable {
    /// Column titles for CSV (camelCase, as in the API) in groups, so that licences and
    /// subscribed SKUs share the SKU's and the plan's; then the table's titles.
    const CSV_HEADER: &'static [&'static [&'static str]];
    const TABLE_HEADER: &'static [&'static str];
    /// Table columns that shrink only when nothing else can (ids: a cut id is useless).
    const TABLE_KEEP: &'static [usize] = &[];
    /// CSV rows (raw text; quoting and formula neutralising happen on write).
    fn csv_rows(&self) -> Vec<Vec<String>>;
    /// Table rows (raw text; sanitising and fitting happen on write).
    fn table_rows(&self) -> Vec<Vec<String>>;
}

/// Declares a listing of one row per item, CSV or table: each title with the cell it holds
/// (`title => |item| cell`), so titles and cells cannot drift apart.
macro_rules! one_row_columns {
    (csv { $($title:literal => |$item:ident| $cell:expr),+ $(,)? }) => {
        const CSV_HEADER: &'static [&'static [&'static str]] = &[&[$($title),+]];

        fn csv_rows(&self) -> Vec<Vec<String>> {
            vec![vec![$({
                let $item = self;
                $cell
            }),+]]
        }
    };
    (table { $($title:literal => |$item:ident| $cell:expr),+ $(,)? }) => {
        const TABLE_HEADER: &'static [&'static str] = &[$($title),+];

        fn table_rows(&self) -> Vec<Vec<String>> {
            vec![vec![$({
                let $item = self;
                $cell
            }),+]]
        }
    };
}
pub(crate) use one_row_columns;

impl<W: Write, T: Listable> Listing<W, T> {
    /// `table_width` is the terminal width the table must fit.
    pub fn new(out: W, format: OutputFormat, table_width: usize) -> Self {
        Self {
            out,
            format,
            table_width,
            started: false,
            table: Vec::new(),
            _rows: std::marker::PhantomData,
        }
    }

    /// Writes (or, for a table, collects) one page of items.
    pub fn page(&mut self, items: &[Resource<T>]) -> io::Result<()>
    where
        T: Sized,
    {
        match self.format {
            OutputFormat::Json => {
                for item in items {
                    self.out
                        .write_all(if self.started { b",\n" } else { b"[\n" })?;
                    self.started = true;
                    // The API's own JSON, with what a terminal would run escaped.
                    self.out
                        .write_all(crate::text::json_escape_unsafe(item.raw.get()).as_bytes())?;
                }
            }
            OutputFormat::Csv => {
                if !self.started {
                    self.csv_header()?;
                    self.started = true;
                }
                let rows: Vec<Vec<String>> =
                    items.iter().flat_map(|item| item.data.csv_rows()).collect();
                write_csv_rows(
                    &mut self.out,
                    rows.iter().map(|r| r.iter().map(String::as_str)),
                )?;
            }
            OutputFormat::Table => {
                self.started = true;
                for item in items {
                    self.table.extend(item.data.table_rows());
                }
            }
        }
        self.out.flush()
    }

    /// The CSV titles' row: written first, even when no item follows.
    fn csv_header(&mut self) -> io::Result<()> {
        let titles = T::CSV_HEADER.iter().flat_map(|group| group.iter().copied());
        write_csv_rows(&mut self.out, [titles])
    }

    /// Closes the listing (the JSON array, or the whole table).
    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => {
                self.out
                    .write_all(if self.started { b"\n]\n" } else { b"[]\n" })?;
            }
            OutputFormat::Csv => {
                if !self.started {
                    self.csv_header()?;
                }
            }
            OutputFormat::Table => {
                let table = std::mem::take(&mut self.table);
                write_table(
                    &mut self.out,
                    T::TABLE_HEADER,
                    T::TABLE_KEEP,
                    &table,
                    self.table_width,
                )?;
            }
        }
        self.out.flush()
    }
}

/// Writes rows of CSV the one way pcx writes CSV, for listings and exports alike: the csv
/// crate's quoting, CRLF line ends, and every cell sanitised and kept from running as a
/// spreadsheet formula.
pub fn write_csv_rows<'a, W, R, C>(out: W, rows: R) -> io::Result<()>
where
    W: Write,
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = &'a str>,
{
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    for row in rows {
        writer.write_record(row.into_iter().map(|cell| csv_cell(cell).into_owned()))?;
    }
    writer.flush()
}

/// Writes a plain-text table whose width fits `max_width`, shrinking the widest columns.
pub fn write_table(
    out: &mut impl Write,
    header: &[&str],
    keep: &[usize],
    rows: &[Vec<String>],
    max_width: usize,
) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "(none)");
    }
    let clean: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| sanitize(c).into_owned()).collect())
        .collect();
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &clean {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(width(cell));
        }
    }
    fit_widths(
        &mut widths,
        keep,
        max_width.saturating_sub(2 * (columns - 1)),
    );
    let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut dyn Write| -> io::Result<()> {
        let mut text = String::new();
        for (i, cell) in cells.enumerate().take(columns) {
            if i > 0 {
                text.push_str("  ");
            }
            let cut = truncate_to_width(cell, widths[i]);
            text.push_str(&cut);
            if i + 1 < columns {
                text.push_str(&" ".repeat(widths[i] - width(&cut)));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(&mut header.iter().copied(), out)?;
    for row in &clean {
        line(&mut row.iter().map(String::as_str), out)?;
    }
    Ok(())
}

/// Shrinks the widest columns first until the total fits (each keeps at least 4 columns);
/// the `keep` columns only once the others are down to that.
fn fit_widths(widths: &mut [usize], keep: &[usize], available: usize) {
    const MIN: usize = 4;
    while widths.iter().sum::<usize>() > available {
        let widest = |allowed: &dyn Fn(usize) -> bool| {
            widths
                .iter()
                .enumerate()
                .filter(|(i, w)| allowed(*i) && **w > MIN)
                .max_by_key(|(_, w)| **w)
                .map(|(i, _)| i)
        };
        let Some(column) = widest(&|i| !keep.contains(&i)).or_else(|| widest(&|_| true)) else {
            return;
        };
        widths[column] -= 1;
    }
}

/// An optional text field as a cell: absent is empty.
pub(crate) fn text(value: &Option<Box<str>>) -> String {
    value.as_deref().unwrap_or_default().to_string()
}

/// An optional value as a cell, in its own words: absent is empty.
pub(crate) fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A status as the table shows it: problems stand out even without colour; a plan switched
/// off on purpose or retired reads as itself, unmarked.
fn status_marked(value: &Option<CapabilityStatus>) -> String {
    match value {
        Some(s) => marked(s.health(), s.as_str()),
        None => "! (none)".into(),
    }
}

fn marked(health: PlanHealth, text: &str) -> String {
    match health {
        PlanHealth::NeedsAttention => format!("! {text}"),
        PlanHealth::Healthy | PlanHealth::Off => text.to_string(),
    }
}

impl Listable for Customer {
    one_row_columns!(csv {
        "id" => |c| text(&c.id),
        "companyName" => |c| c.company_name().unwrap_or_default().to_string(),
        "domain" => |c| c.domain().unwrap_or_default().to_string(),
        "tenantId" => |c| {
            let profile = c.company_profile.as_ref();
            profile.and_then(|p| p.tenant_id.as_deref()).unwrap_or_default().to_string()
        },
        "relationshipToPartner" => |c| opt(c.relationship_to_partner.as_ref()),
    });
    one_row_columns!(table {
        "COMPANY" => |c| c.company_name().unwrap_or_default().to_string(),
        "DOMAIN" => |c| c.domain().unwrap_or_default().to_string(),
        "CUSTOMER ID" => |c| text(&c.id),
        "RELATIONSHIP" => |c| opt(c.relationship_to_partner.as_ref()),
    });
    const TABLE_KEEP: &'static [usize] = &[2];
}

impl Listable for CustomerUser {
    one_row_columns!(csv {
        "id" => |u| text(&u.id),
        "userPrincipalName" => |u| text(&u.user_principal_name),
        "displayName" => |u| text(&u.display_name),
        "firstName" => |u| text(&u.first_name),
        "lastName" => |u| text(&u.last_name),
        "usageLocation" => |u| text(&u.usage_location),
        "state" => |u| u.state_word(),
        "softDeletionTime" => |u| text(&u.soft_deletion_time),
        "lastDirectorySyncTime" => |u| text(&u.last_directory_sync_time),
    });
    one_row_columns!(table {
        "USER PRINCIPAL NAME" => |u| text(&u.user_principal_name),
        "DISPLAY NAME" => |u| text(&u.display_name),
        "STATE" => |u| u.state_with_day(),
        "LOCATION" => |u| text(&u.usage_location),
        "USER ID" => |u| text(&u.id),
    });
    const TABLE_KEEP: &'static [usize] = &[4];
}

fn plan_csv(plan: Option<&ServicePlan>) -> [String; 5] {
    match plan {
        Some(p) => [
            text(&p.id),
            text(&p.service_name),
            text(&p.display_name),
            opt(p.capability_status.as_ref()),
            opt(p.target_type.as_ref()),
        ],
        None => Default::default(),
    }
}

/// The SKU of a licence or subscribed SKU; an absent one reads as empty cells.
fn sku_of(sku: &Option<ProductSku>) -> &ProductSku {
    static NONE: ProductSku = ProductSku {
        id: None,
        name: None,
        sku_part_number: None,
        target_type: None,
        license_group_id: None,
    };
    sku.as_ref().unwrap_or(&NONE)
}

/// The SKU's own CSV cells, shared by licences and subscribed SKUs.
fn sku_csv(sku: &ProductSku) -> Vec<String> {
    vec![
        text(&sku.id),
        text(&sku.name),
        text(&sku.sku_part_number),
        opt(sku.license_group_id.as_ref()),
    ]
}

/// CSV rows: `prefix` followed by each plan's cells, one row per plan.
fn csv_per_plan(prefix: Vec<String>, plans: &[ServicePlan]) -> Vec<Vec<String>> {
    per_plan(plans)
        .into_iter()
        .map(|plan| {
            let mut row = prefix.clone();
            row.extend(plan_csv(plan));
            row
        })
        .collect()
}

/// One item per plan; a SKU without plans (group2) still gets one row.
fn per_plan(plans: &[ServicePlan]) -> Vec<Option<&ServicePlan>> {
    if plans.is_empty() {
        vec![None]
    } else {
        plans.iter().map(Some).collect()
    }
}

/// The SKU's CSV titles, then a service plan's: shared by licences and subscribed SKUs.
const SKU_CSV: &[&str] = &["skuId", "skuName", "skuPartNumber", "licenseGroupId"];
const PLAN_CSV: &[&str] = &[
    "servicePlanId",
    "serviceName",
    "servicePlanDisplayName",
    "capabilityStatus",
    "targetType",
];

impl Listable for License {
    const CSV_HEADER: &'static [&'static [&'static str]] = &[SKU_CSV, PLAN_CSV];
    const TABLE_HEADER: &'static [&'static str] = &[
        "SKU",
        "PART NUMBER",
        "GROUP",
        "SERVICE PLAN",
        "SERVICE NAME",
        "STATUS",
    ];

    fn csv_rows(&self) -> Vec<Vec<String>> {
        csv_per_plan(sku_csv(sku_of(&self.product_sku)), &self.service_plans)
    }

    fn table_rows(&self) -> Vec<Vec<String>> {
        let sku = sku_of(&self.product_sku);
        per_plan(&self.service_plans)
            .into_iter()
            .enumerate()
            .map(|(i, plan)| {
                let mut row = if i == 0 {
                    vec![
                        text(&sku.name),
                        text(&sku.sku_part_number),
                        opt(sku.license_group_id.as_ref()),
                    ]
                } else {
                    vec![String::new(); 3]
                };
                match plan {
                    Some(p) => row.extend([
                        text(&p.display_name),
                        text(&p.service_name),
                        status_marked(&p.capability_status),
                    ]),
                    None => row.extend(["(no service plans)".into(), String::new(), String::new()]),
                }
                row
            })
            .collect()
    }
}

impl Listable for SubscribedSku {
    const CSV_HEADER: &'static [&'static [&'static str]] = &[
        SKU_CSV,
        &[
            "skuCapabilityStatus",
            "totalUnits",
            "consumedUnits",
            "availableUnits",
            "activeUnits",
            "warningUnits",
            "suspendedUnits",
        ],
        PLAN_CSV,
    ];
    const TABLE_HEADER: &'static [&'static str] = &[
        "SKU",
        "PART NUMBER",
        "STATUS",
        "TOTAL",
        "CONSUMED",
        "AVAILABLE",
        "WARNING",
        "SUSPENDED",
        "PLANS",
    ];

    fn csv_rows(&self) -> Vec<Vec<String>> {
        let mut sku = sku_csv(sku_of(&self.product_sku));
        sku.extend([
            opt(self.capability_status.as_ref()),
            opt(self.total_units),
            opt(self.consumed_units),
            opt(self.available_units),
            opt(self.active_units),
            opt(self.warning_units),
            opt(self.suspended_units),
        ]);
        csv_per_plan(sku, &self.service_plans)
    }

    fn table_rows(&self) -> Vec<Vec<String>> {
        let sku = sku_of(&self.product_sku);
        let troubled = self
            .service_plans
            .iter()
            .filter(|p| p.needs_attention())
            .count();
        let plans = match troubled {
            0 => self.service_plans.len().to_string(),
            // "1 of 2 plans need attention": the `!` says it, short enough to stay whole.
            n => format!("! {n} of {}", self.service_plans.len()),
        };
        let consumed = match self.is_over_consumed() {
            true => format!("! {} over", opt(self.consumed_units)),
            false => opt(self.consumed_units),
        };
        vec![vec![
            text(&sku.name),
            text(&sku.sku_part_number),
            self.capability_status
                .as_ref()
                .map(|s| marked(self.health(), s.as_str()))
                .unwrap_or_default(),
            opt(self.total_units),
            consumed,
            opt(self.seats_left()),
            opt(self.warning_units),
            opt(self.suspended_units),
            plans,
        ]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn license(json: &str) -> Resource<License> {
        Resource::parse(json).unwrap()
    }

    #[test]
    fn csv_has_a_header_and_one_row_per_plan_with_formulas_neutralised() {
        let item = license(
            r#"{"productSku":{"id":"s1","name":"=cmd|' /C calc'!A0","skuPartNumber":"EMS","licenseGroupId":"group1"},
                "servicePlans":[{"id":"p1","serviceName":"A","displayName":"Plan, A","capabilityStatus":"Assigned"},
                                {"id":"p2","serviceName":"B","displayName":"@B","capabilityStatus":"Frozen"}]}"#,
        );
        let mut out = Vec::new();
        let mut listing: Listing<_, License> = Listing::new(&mut out, OutputFormat::Csv, 80);
        listing.page(std::slice::from_ref(&item)).unwrap();
        listing.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("skuId,skuName,skuPartNumber"));
        assert!(lines[1].contains("'=cmd|' /C calc'!A0"));
        assert!(lines[1].contains("\"Plan, A\""));
        assert!(lines[2].contains(",'@B,Frozen,"));
    }

    #[test]
    fn json_output_is_the_raw_items_in_an_array() {
        let item = license(
            r#"{"productSku":{"id":"s1"},"servicePlans":[],"futureField":{"x":[1,2]},"capabilityStatus":"Quantum"}"#,
        );
        let mut out = Vec::new();
        let mut listing: Listing<_, License> = Listing::new(&mut out, OutputFormat::Json, 80);
        listing.page(&[item.clone(), item]).unwrap();
        listing.finish().unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value.as_array().unwrap().len(), 2);
        assert_eq!(value[1]["futureField"]["x"][1], 2);
        assert_eq!(value[0]["capabilityStatus"], "Quantum");
    }

    #[test]
    fn table_fits_the_width_and_strips_escape_sequences() {
        let rows = vec![vec![
            "A very long company name that goes on and on \u{1b}[31m".to_string(),
            "contoso.onmicrosoft.com".to_string(),
        ]];
        let mut out = Vec::new();
        write_table(&mut out, &["COMPANY", "DOMAIN"], &[1], &rows, 40).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'));
        assert!(text.lines().all(|l| width(l) <= 40), "{text}");
        assert!(text.contains('…'));
    }

    #[test]
    fn empty_listings_are_valid() {
        let mut out = Vec::new();
        Listing::<_, Customer>::new(&mut out, OutputFormat::Json, 80)
            .finish()
            .unwrap();
        assert_eq!(out, b"[]\n");
    }
}
