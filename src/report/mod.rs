//! Partner-wide reports and the diff of two snapshots: each is one definition (columns with
//! their JSON names, and rows) shown three ways: a table, JSON (flat camelCase objects) or CSV.
//! Reads the store only, never the network. Must not import the app or the UI.

mod diff;
pub mod names;
mod renewals;
mod reports;

pub use diff::{DiffOptions, diff};
pub use renewals::renewals;
pub use reports::{problems, seats, snapshots, totals, who_has};

use crate::cli::OutputFormat;
use std::borrow::Cow;
use std::io::{self, Write};

/// A value in a report.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
}

impl Cell {
    pub fn text(value: Option<&str>) -> Self {
        value.map_or(Cell::Null, |s| Cell::Text(s.to_string()))
    }

    pub fn int(value: Option<i64>) -> Self {
        value.map_or(Cell::Null, Cell::Int)
    }

    /// The cell as text: empty when null, "yes" or "no" for a flag.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Int(n) => Cow::Owned(n.to_string()),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Bool(true) => Cow::Borrowed("yes"),
            Cell::Bool(false) => Cow::Borrowed("no"),
        }
    }

    /// The same cell with its text made safe for a terminal.
    pub fn sanitised(&self) -> Self {
        match self {
            Cell::Text(s) => Cell::Text(crate::text::sanitize(s).into_owned()),
            other => other.clone(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Int(n) => (*n).into(),
            Cell::Text(s) => s.clone().into(),
            Cell::Bool(b) => (*b).into(),
        }
    }
}

/// A column: its JSON/CSV name, its table title (`None`: not in the table).
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub key: &'static str,
    pub title: Option<&'static str>,
}

pub const fn col(key: &'static str, title: &'static str) -> Column {
    Column {
        key,
        title: Some(title),
    }
}

/// Only in the table (a summary of other columns); JSON and CSV leave it out.
pub const fn shown(title: &'static str) -> Column {
    Column {
        key: "",
        title: Some(title),
    }
}

/// Only in JSON and CSV (ids and raw values a table has no room for).
pub const fn data(key: &'static str) -> Column {
    Column { key, title: None }
}

/// A report ready to show.
#[derive(Clone, Debug)]
pub struct Report {
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell>>,
    /// JSON leaves out null fields (the diff: each change has only its own fields).
    pub omit_nulls: bool,
    /// Columns (indices into `columns`) that keep their width in a narrow table.
    pub keep: &'static [usize],
}

impl Report {
    /// Teaches privacy mode the personal values of this report (names, UPNs, ids), so that
    /// they are shown as pseudonyms wherever the report goes.
    pub fn learn_names(&self, names: &crate::privacy::Pseudonyms) {
        let customer = self.columns.iter().position(|c| c.key == "customerId");
        let kinds: Vec<_> = self
            .columns
            .iter()
            .map(|c| crate::privacy::field_kind(c.key))
            .collect();
        for row in &self.rows {
            // A row of a customers' report without the customer's id is a sum ("Total").
            if customer.is_some_and(|i| !matches!(row.get(i), Some(Cell::Text(_)))) {
                continue;
            }
            for (kind, cell) in kinds.iter().zip(row) {
                if let (Some(kind), Cell::Text(value)) = (kind, cell) {
                    names.learn(*kind, value);
                }
            }
        }
    }

    pub fn new(columns: &'static [Column]) -> Self {
        Self {
            columns,
            rows: Vec::new(),
            omit_nulls: false,
            keep: &[],
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// Writes the report in `format`; a table fits `width` columns.
    pub fn write(
        &self,
        format: OutputFormat,
        width: usize,
        out: &mut impl Write,
    ) -> io::Result<()> {
        match format {
            OutputFormat::Json => self.write_json(out),
            OutputFormat::Csv => self.write_csv(out),
            OutputFormat::Table => self.write_table(width, out),
        }?;
        out.flush()
    }

    fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"[")?;
        for (i, row) in self.rows.iter().enumerate() {
            let mut object = serde_json::Map::new();
            for (column, cell) in self.columns.iter().zip(row) {
                if column.key.is_empty() || (self.omit_nulls && *cell == Cell::Null) {
                    continue;
                }
                object.insert(column.key.to_string(), cell.json());
            }
            out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
            serde_json::to_writer(&mut *out, &object)?;
        }
        out.write_all(if self.rows.is_empty() {
            b"]\n"
        } else {
            b"\n]\n"
        })
    }

    fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        let header: Vec<&str> = self
            .columns
            .iter()
            .map(|c| c.key)
            .filter(|k| !k.is_empty())
            .collect();
        writer.write_record(&header)?;
        for row in &self.rows {
            let data = self
                .columns
                .iter()
                .zip(row)
                .filter(|(c, _)| !c.key.is_empty());
            let cells = data.map(|(_, cell)| match cell {
                // Text from Partner Center could start a spreadsheet formula: neutralised.
                Cell::Text(s) => crate::text::csv_cell(s).into_owned(),
                Cell::Bool(b) => b.to_string(),
                other => other.as_text().into_owned(),
            });
            writer.write_record(cells)?;
        }
        writer.flush()
    }

    fn write_table(&self, width: usize, out: &mut impl Write) -> io::Result<()> {
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.columns[i].title.is_some())
            .collect();
        let header: Vec<&str> = shown
            .iter()
            .filter_map(|&i| self.columns[i].title)
            .collect();
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|row| {
                shown
                    .iter()
                    .map(|&i| row[i].as_text().into_owned())
                    .collect()
            })
            .collect();
        // `keep` names report columns; the table counts only the columns it shows.
        let keep: Vec<usize> = self
            .keep
            .iter()
            .filter_map(|k| shown.iter().position(|i| i == k))
            .collect();
        crate::output::write_table(out, &header, &keep, &rows, width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[col("name", "NAME"), data("id"), col("count", "COUNT")];

    fn sample() -> Report {
        let mut report = Report::new(COLUMNS);
        report.push(vec![
            Cell::Text("=cmd|' /C calc'!A0".into()),
            Cell::Text("a,b".into()),
            Cell::Int(-1),
        ]);
        report.push(vec![Cell::Text("Contoso".into()), Cell::Null, Cell::Int(3)]);
        report
    }

    fn written(report: &Report, format: OutputFormat) -> String {
        let mut out = Vec::new();
        report.write(format, 80, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_report_three_ways() {
        let report = sample();
        let json: serde_json::Value =
            serde_json::from_str(&written(&report, OutputFormat::Json)).unwrap();
        assert_eq!(json[1]["name"], "Contoso");
        assert_eq!(json[1]["id"], serde_json::Value::Null);
        assert_eq!(json[0]["count"], -1);
        let csv = written(&report, OutputFormat::Csv);
        assert_eq!(
            csv,
            "name,id,count\r\n'=cmd|' /C calc'!A0,\"a,b\",-1\r\nContoso,,3\r\n"
        );
        let table = written(&report, OutputFormat::Table);
        assert!(table.starts_with("NAME"), "{table}");
        assert!(!table.contains("a,b"), "ids stay out of the table: {table}");
    }

    #[test]
    fn the_diff_leaves_out_fields_a_change_does_not_have() {
        let mut report = sample();
        report.omit_nulls = true;
        let json: serde_json::Value =
            serde_json::from_str(&written(&report, OutputFormat::Json)).unwrap();
        assert!(json[1].get("id").is_none());
    }
}
