//! Arbitrary items all the way to the screen and to stdout: whatever JSON the API sends for a
//! customer, user, licence or subscribed SKU (hostile text in every string field, any value in
//! any field), the explorer's rows, its frames, and the table / CSV / JSON listings carry no
//! character that could drive a terminal or a spreadsheet, and JSON stays exactly what was sent.

mod common;

use common::{Driver, code, done, fetches, key};
use crossterm::event::KeyCode;
use pcx::api::{Customer, CustomerUser, License, Resource, SubscribedSku};
use pcx::app::model::ScreenKind;
use pcx::app::rows::{CustomerRow, LicenseRow, Row, SkuRow, UserRow, plan_cell, plan_label};
use pcx::cli::OutputFormat;
use pcx::fetch::Payload;
use pcx::output::{Listable, Listing};
use pcx::text::is_unsafe;
use pcx::ui::Theme;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use serde_json::{Value, json};

/// Text an attacker controlling a tenant's names could put in any field.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,24}",
        "[\u{0}-\u{1f}\u{7f}-\u{9f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{200e}\u{200f}\u{61c}\u{2028}\u{2029}\u{feff}a =+@-]{0,16}",
        prop::sample::select(vec![
            "\u{1b}]52;c;cm0gLXJmIH4=\u{7}".to_string(),
            "\u{1b}[2J\u{1b}[H".to_string(),
            "\u{9b}31mred\u{9c}".to_string(),
            "\u{1b}]0;owned\u{1b}\\".to_string(),
            "invoice\u{202e}fdp.exe".to_string(),
            "nul\u{0}byte".to_string(),
            "=HYPERLINK(\"http://x\",\"y\")".to_string(),
            "+1-2".to_string(),
            "@SUM(A1)".to_string(),
            "\t=1".to_string(),
            "\r=1".to_string(),
            "-cmd".to_string(),
            "line\none".to_string(),
        ]),
    ]
}

/// Any JSON value, a few levels deep, hostile strings among the leaves.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Templates with a placeholder wherever the API sends text; `s` fills them in turn.
fn customer(s: &mut impl FnMut() -> Value) -> Value {
    json!({"id": s(), "relationshipToPartner": s(),
           "companyProfile": {"companyName": s(), "domain": s(), "tenantId": s(), "email": s()}})
}

fn user(s: &mut impl FnMut() -> Value) -> Value {
    json!({"id": s(), "userPrincipalName": s(), "displayName": s(), "firstName": s(),
           "lastName": s(), "usageLocation": s(), "state": s(), "userDomainType": s(),
           "softDeletionTime": s(), "lastDirectorySyncTime": s()})
}

fn plan(s: &mut impl FnMut() -> Value) -> Value {
    json!({"displayName": s(), "serviceName": s(), "id": s(), "capabilityStatus": s(), "targetType": s()})
}

fn sku(s: &mut impl FnMut() -> Value) -> Value {
    json!({"id": s(), "name": s(), "skuPartNumber": s(), "targetType": s(), "licenseGroupId": s()})
}

fn license(s: &mut impl FnMut() -> Value) -> Value {
    json!({"servicePlans": [plan(s), plan(s)], "productSku": sku(s), "attributes": {"objectType": s()}})
}

fn subscribed(s: &mut impl FnMut() -> Value) -> Value {
    json!({"availableUnits": 1, "activeUnits": 2, "consumedUnits": 3, "suspendedUnits": 0,
           "totalUnits": 2, "warningUnits": 0, "capabilityStatus": s(),
           "productSku": sku(s), "servicePlans": [plan(s)]})
}

/// Four items of each kind built from the texts, one field of each replaced by `odd`.
struct Items {
    customers: Vec<Value>,
    users: Vec<Value>,
    licenses: Vec<Value>,
    skus: Vec<Value>,
}

fn items(texts: &[String], odd: &Value, odd_at: usize) -> Items {
    let mut n = 0;
    let mut s = || {
        n += 1;
        if n % 97 == odd_at % 97 {
            return odd.clone();
        }
        Value::String(texts[n % texts.len()].clone())
    };
    Items {
        customers: (0..4).map(|_| customer(&mut s)).collect(),
        users: (0..4).map(|_| user(&mut s)).collect(),
        licenses: (0..4).map(|_| license(&mut s)).collect(),
        skus: (0..4).map(|_| subscribed(&mut s)).collect(),
    }
}

fn parse<T: serde::de::DeserializeOwned + Default>(v: &Value) -> Resource<T> {
    Resource::parse(&v.to_string()).expect("an object always parses")
}

fn assert_clean(what: &str, text: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !text.chars().any(is_unsafe),
        "{} carries an unsafe character: {:?}",
        what,
        text
    );
    Ok(())
}

fn check_row<R: Row>(row: &R) -> Result<(), TestCaseError> {
    for column in 0..R::COLUMNS.len() {
        assert_clean("a cell", &row.cell(column).text)?;
    }
    assert_clean("a label", row.label())?;
    assert_clean("a haystack", row.haystack().as_str())?;
    assert_clean("an id", row.id().unwrap_or(""))
}

fn check_plans(plans: &[pcx::api::ServicePlan]) -> Result<(), TestCaseError> {
    for plan in plans {
        for column in 0..pcx::app::rows::PLAN_COLUMNS.len() {
            assert_clean("a plan cell", &plan_cell(plan, column).text)?;
        }
        assert_clean("a plan label", plan_label(plan))?;
    }
    Ok(())
}

fn check_frame(d: &Driver) -> Result<(), TestCaseError> {
    let (w, h) = d.model.size;
    let area = Rect::new(0, 0, w, h);
    for theme in [Theme::new(true, false), Theme::new(false, true)] {
        let mut buf = Buffer::empty(area);
        pcx::ui::draw(&d.model, &theme, "props", area, &mut buf);
        for cell in buf.content() {
            assert_clean("a drawn cell", cell.symbol())?;
        }
    }
    Ok(())
}

/// Every listing format of `values`: table and CSV carry nothing unsafe beyond line ends, no
/// CSV cell starts a formula, and JSON parses back to exactly the values sent.
fn check_listing<T>(values: &[Value]) -> Result<(), TestCaseError>
where
    T: Listable + serde::de::DeserializeOwned + Default,
{
    let resources: Vec<Resource<T>> = values.iter().map(parse).collect();
    for format in [OutputFormat::Table, OutputFormat::Csv, OutputFormat::Json] {
        let mut out = Vec::new();
        let mut listing = Listing::<&mut Vec<u8>, T>::new(&mut out, format, 100);
        listing.page(&resources).unwrap();
        listing.finish().unwrap();
        let text = String::from_utf8(out).expect("UTF-8 output");
        let beyond_line_ends = text.replace("\r\n", "").replace('\n', "");
        assert_clean(&format!("{format:?} output"), &beyond_line_ends)?;
        match format {
            OutputFormat::Csv => {
                for line in text.split("\r\n") {
                    for cell in split_csv(line) {
                        prop_assert!(
                            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                            "a formula cell: {:?} in {:?}",
                            cell,
                            line
                        );
                    }
                }
            }
            OutputFormat::Json => {
                let back: Vec<Value> = serde_json::from_str(&text).expect("valid JSON");
                prop_assert_eq!(&back, &values.to_vec(), "JSON is exactly what was sent");
            }
            OutputFormat::Table => {}
        }
    }
    Ok(())
}

/// The cells of one CSV line, unquoted.
fn split_csv(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

fn answer_last(d: &mut Driver, effects: &[pcx::app::msg::Effect], payload: Payload) {
    if let Some(cmd) = fetches(effects).last() {
        d.send(done(cmd, Ok(payload)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn hostile_items_reach_rows_frames_and_listings_clean(
        texts in prop::collection::vec(hostile_text(), 1..24),
        odd in any_json(),
        odd_at in 0usize..97,
        // From the smallest size the explorer takes keys at (below it, only "terminal too
        // small" shows and keys do nothing).
        width in 40u16..160,
        height in 10u16..50,
    ) {
        let items = items(&texts, &odd, odd_at);
        let customers: Vec<CustomerRow> = items.customers.iter().map(|v| CustomerRow::new(parse(v))).collect();
        let users: Vec<UserRow> = items.users.iter().map(|v| UserRow::new(parse(v))).collect();
        let licenses: Vec<LicenseRow> = items.licenses.iter().map(|v| LicenseRow::new(parse(v))).collect();
        let skus: Vec<SkuRow> = items.skus.iter().map(|v| SkuRow::new(parse(v))).collect();
        for row in &customers { check_row(row)?; }
        for row in &users { check_row(row)?; }
        for row in &licenses { check_row(row)?; check_plans(&row.res.data.service_plans)?; }
        for row in &skus { check_row(row)?; check_plans(&row.res.data.service_plans)?; }

        check_listing::<Customer>(&items.customers)?;
        check_listing::<CustomerUser>(&items.users)?;
        check_listing::<License>(&items.licenses)?;
        check_listing::<SubscribedSku>(&items.skus)?;

        // Down the whole drill-down, drawing each screen and the raw JSON of each item.
        let mut d = Driver::new(width, height);
        d.customers_loaded(customers, None);
        check_frame(&d)?;
        let raw_shown = |d: &mut Driver| -> Result<(), TestCaseError> {
            d.press("y");
            check_frame(d)?;
            if let ScreenKind::Raw { lines, .. } = &d.model.top().kind {
                for line in lines {
                    assert_clean("a raw JSON line", line)?;
                }
                d.press("h");
            }
            Ok(())
        };
        raw_shown(&mut d)?;
        let is = |d: &Driver, f: fn(&ScreenKind) -> bool| f(&d.model.top().kind);
        let plans_shown = |d: &mut Driver| -> Result<(), TestCaseError> {
            d.send(code(KeyCode::Enter));
            prop_assert!(is(d, |k| matches!(k, ScreenKind::Plans { .. })), "not on the Plans screen");
            check_frame(d)?;
            raw_shown(d)
        };
        let effects = d.send(code(KeyCode::Enter));
        prop_assert!(is(&d, |k| matches!(k, ScreenKind::Users { .. })), "not on the Users screen");
        answer_last(&mut d, &effects, Payload::Users(users, None));
        check_frame(&d)?;
        raw_shown(&mut d)?;
        let effects = d.send(code(KeyCode::Enter));
        prop_assert!(is(&d, |k| matches!(k, ScreenKind::Licenses { .. })), "not on the Licences screen");
        answer_last(&mut d, &effects, Payload::Licenses(licenses));
        check_frame(&d)?;
        raw_shown(&mut d)?;
        plans_shown(&mut d)?;
        d.press("hhh");
        let effects = d.send(key('s'));
        prop_assert!(is(&d, |k| matches!(k, ScreenKind::Skus { .. })), "not on the Skus screen");
        answer_last(&mut d, &effects, Payload::Skus(skus));
        check_frame(&d)?;
        raw_shown(&mut d)?;
        plans_shown(&mut d)?;
        // The export of the view on screen is neutralised cell by cell too.
        for effect in d.press("e") {
            if let pcx::app::msg::Effect::Export(job) = effect {
                let csv = pcx::app::effects::csv_text(&job);
                assert_clean("an export", &csv.replace("\r\n", ""))?;
            }
        }
    }
}
