//! Fixtures for the explorer's tests: rows built from JSON like the API's, key messages, and
//! helpers that answer the fetches an update asked for.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pcx::api::SubscribedSku;
use pcx::api::{ApiError, Cursor, Customer, CustomerUser, ErrorDetail, License, Link, Resource};
use pcx::app::model::{Model, Query, ScreenKind};
use pcx::app::msg::{Effect, Msg};
use pcx::app::rows::{CustomerRow, LicenseRow, SkuRow, UserRow};
use pcx::app::update::update;
use pcx::fetch::{FetchCmd, FetchDone, Payload};
use std::time::{Duration, Instant};

pub fn guid(kind: u32, i: u32) -> String {
    format!("{kind:08x}-0000-4000-8000-{i:012x}")
}

pub fn customer(i: u32) -> CustomerRow {
    let json = format!(
        r#"{{"id":"{}","companyProfile":{{"companyName":"Customer {i:03}","domain":"customer{i:03}.onmicrosoft.com"}},"relationshipToPartner":"reseller"}}"#,
        guid(1, i)
    );
    CustomerRow::new(Resource::<Customer>::parse(&json).unwrap())
}

pub fn named_customer(i: u32, name: &str, domain: &str) -> CustomerRow {
    let json = serde_json::json!({
        "id": guid(1, i),
        "companyProfile": {"companyName": name, "domain": domain},
        "relationshipToPartner": "reseller",
    });
    CustomerRow::new(Resource::<Customer>::parse(&json.to_string()).unwrap())
}

pub fn user(i: u32) -> UserRow {
    let json = format!(
        r#"{{"id":"{}","userPrincipalName":"user{i:03}@contoso.com","displayName":"User {i:03}","usageLocation":"US","state":"active"}}"#,
        guid(2, i)
    );
    UserRow::new(Resource::<CustomerUser>::parse(&json).unwrap())
}

pub fn deleted_user(i: u32) -> UserRow {
    let json = format!(
        r#"{{"id":"{}","userPrincipalName":"gone{i:03}@contoso.com","displayName":"Gone {i:03}","state":"inactive","softDeletionTime":"2025-01-01T00:00:00Z"}}"#,
        guid(2, i)
    );
    UserRow::new(Resource::<CustomerUser>::parse(&json).unwrap())
}

/// Service plans of SKU `i` in the given statuses, as the API sends them.
fn plans_json(i: u32, name: &str, statuses: &[&str]) -> Vec<serde_json::Value> {
    statuses
        .iter()
        .enumerate()
        .map(|(n, s)| {
            serde_json::json!({
                "displayName": format!("Plan {n} of {name}"),
                "serviceName": format!("PLAN_{n}"),
                "id": guid(4, i * 100 + n as u32),
                "capabilityStatus": s,
                "targetType": "User",
            })
        })
        .collect()
}

/// A licence with plans in the given statuses.
pub fn license(i: u32, name: &str, statuses: &[&str]) -> LicenseRow {
    let plans = plans_json(i, name, statuses);
    let json = serde_json::json!({
        "servicePlans": plans,
        "productSku": {"id": guid(3, i), "name": name, "skuPartNumber": format!("SKU_{i}"), "licenseGroupId": "group1"},
        "attributes": {"objectType": "License"},
    });
    LicenseRow::new(Resource::<License>::parse(&json.to_string()).unwrap())
}

pub fn sku(i: u32, name: &str, total: i64, consumed: i64, statuses: &[&str]) -> SkuRow {
    let plans = plans_json(i, name, statuses);
    let json = serde_json::json!({
        "availableUnits": total - consumed, "activeUnits": total, "consumedUnits": consumed,
        "suspendedUnits": 0, "totalUnits": total, "warningUnits": 0,
        "productSku": {"id": guid(3, i), "name": name, "skuPartNumber": format!("SKU_{i}"), "targetType": "User", "licenseGroupId": "group1"},
        "servicePlans": plans,
        "capabilityStatus": "Enabled",
    });
    SkuRow::new(Resource::<SubscribedSku>::parse(&json.to_string()).unwrap())
}

pub fn cursor(n: u32) -> Cursor {
    let link: Link = serde_json::from_str(&format!(
        r#"{{"uri":"/v1/customers?seekOperation=Next&page={n}","headers":[{{"key":"MS-ContinuationToken","value":"token{n}"}}]}}"#
    ))
    .unwrap();
    Cursor::from_link(link).unwrap()
}

pub fn customers(range: std::ops::Range<u32>) -> Vec<CustomerRow> {
    range.map(customer).collect()
}

pub fn users(range: std::ops::Range<u32>) -> Vec<UserRow> {
    range.map(user).collect()
}

pub fn key(c: char) -> Msg {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), modifiers))
}

pub fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn fetches(effects: &[Effect]) -> Vec<FetchCmd> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch(cmd) => Some(cmd.clone()),
            _ => None,
        })
        .collect()
}

pub fn cancels(effects: &[Effect]) -> Vec<pcx::app::model::RequestId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Cancel(id) => Some(*id),
            _ => None,
        })
        .collect()
}

pub fn done(cmd: &FetchCmd, result: Result<Payload, ApiError>) -> Msg {
    Msg::Fetched(FetchDone {
        id: cmd.id,
        query: cmd.query.clone(),
        result,
    })
}

/// `cmd` throttled: the second of four attempts in 12 s, giving up in 80 s.
pub fn throttled(cmd: &FetchCmd) -> Msg {
    Msg::Retrying {
        id: cmd.id,
        query: cmd.query.clone(),
        notice: pcx::api::RetryNotice {
            next_attempt: 2,
            max_attempts: 4,
            wait: Duration::from_secs(12),
            gives_up_in: Duration::from_secs(80),
            reason: "throttled (HTTP 429)".into(),
            for_token: false,
        },
    }
}

/// Partner Center's error details, with correlation id number `n`.
pub fn detail(status: u16, code: &str, description: &str, n: u32) -> ErrorDetail {
    ErrorDetail {
        status,
        code: Some(code.into()),
        description: Some(description.into()),
        error_name: None,
        correlation_id: Some(format!("c0ffee00-0000-4000-8000-{n:012}")),
    }
}

pub fn no_access() -> ApiError {
    ApiError::NoAccess(detail(403, "900308", "Insufficient privileges", 1))
}

/// A model driven by hand with an injected clock.
pub struct Driver {
    pub model: Model,
    pub now: Instant,
    /// Every fetch the updates asked for, in order.
    pub log: Vec<FetchCmd>,
}

impl Driver {
    pub fn new(width: u16, height: u16) -> Self {
        let now = Instant::now();
        let mut model = Model::new((width, height), now);
        let effects = pcx::app::update::start(&mut model, now);
        let log = fetches(&effects);
        Self { model, now, log }
    }

    /// Sends one message; returns its effects.
    pub fn send(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = update(&mut self.model, msg, self.now);
        self.log.extend(fetches(&effects));
        effects
    }

    pub fn advance(&mut self, by: Duration) -> Vec<Effect> {
        self.now += by;
        self.send(Msg::Tick)
    }

    pub fn press(&mut self, keys: &str) -> Vec<Effect> {
        let mut all = Vec::new();
        for c in keys.chars() {
            all.extend(self.send(key(c)));
        }
        all
    }

    /// The last fetch asked for.
    pub fn last(&self) -> FetchCmd {
        self.log.last().cloned().expect("a fetch was asked for")
    }

    /// The last fetch of `query`.
    pub fn last_for(&self, query: &Query) -> FetchCmd {
        self.log
            .iter()
            .rev()
            .find(|c| &c.query == query)
            .cloned()
            .expect("a fetch of that query")
    }

    /// Answers the customers load with `rows` (and a next page when `next`).
    pub fn customers_loaded(&mut self, rows: Vec<CustomerRow>, next: Option<Cursor>) {
        let cmd = self.last_for(&Query::Customers { search: None });
        self.send(done(&cmd, Ok(Payload::Customers(rows, next))));
    }
}

/// The text of row `row` in the column headed `header`.
pub fn cell_under(table: &dyn pcx::app::cache::Table, header: &str, row: usize) -> String {
    let col = table
        .columns()
        .iter()
        .position(|c| c.header == header)
        .unwrap_or_else(|| panic!("no column headed {header:?}"));
    table.cell(row, col).text.to_string()
}

/// A screen's kind by name (the deleted users' tab is "deleted").
pub fn kind_name(kind: &ScreenKind) -> &'static str {
    match kind {
        ScreenKind::Customers { .. } => "customers",
        ScreenKind::Users { deleted: false, .. } => "users",
        ScreenKind::Users { deleted: true, .. } => "deleted",
        ScreenKind::Skus { .. } => "skus",
        ScreenKind::Subscriptions { .. } => "subscriptions",
        ScreenKind::Licenses { .. } => "licences",
        ScreenKind::Plans { .. } => "plans",
        ScreenKind::Report { .. } => "report",
        ScreenKind::Raw { .. } => "raw",
    }
}

/// The kinds of the screens on the stack by name, bottom first.
pub fn kinds(d: &Driver) -> Vec<&'static str> {
    d.model.screens.iter().map(|s| kind_name(&s.kind)).collect()
}

/// The label of the top screen's selected row.
pub fn selected_label(d: &Driver) -> String {
    let screen = d.model.top();
    let view = screen.view(&d.model.cache);
    let table = view.table().expect("a loaded list");
    let row = screen.selected_row(table.len()).expect("a selected row");
    table.label(row).to_string()
}

pub fn users_query(i: u32) -> Query {
    Query::Users {
        customer_id: guid(1, i).into(),
        deleted: false,
    }
}

pub fn licenses_query(c: u32, u: u32) -> Query {
    Query::Licenses {
        customer_id: guid(1, c).into(),
        user_id: guid(2, u).into(),
    }
}
