//! The explorer's partner-wide figures: a keypress on a report pane of a million rows (update
//! and draw), and the requests the users pane's live SKU prefetch makes while the cursor
//! crosses 5,000 users at key-repeat speed (the model driven with an injected clock, 33 ms a
//! key, then resting; the requests are the effects `update` asks the fetcher for).

use crate::common::{code, customers, done, fetches, users};
use crate::{bench, ms};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pcx::app::Model;
use pcx::app::model::Query;
use pcx::app::msg::{Effect, Msg};
use pcx::app::report_pane::{ReportKind, ReportTable};
use pcx::app::update::{start, update};
use pcx::fetch::Payload;
use pcx::report::{Cell, Column, Report, col, data};
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::time::{Duration, Instant};

const PROBLEMS: &[Column] = &[
    data("customerId"),
    col("companyName", "CUSTOMER"),
    data("userId"),
    col("userPrincipalName", "USER"),
    col("skuPartNumber", "SKU"),
    col("serviceName", "PLAN"),
    col("capabilityStatus", "STATUS"),
];

fn problems(rows: usize) -> ReportTable {
    let mut report = Report::new(PROBLEMS);
    let statuses = ["Suspended", "Warning", "LockedOut"];
    for i in 0..rows {
        report.push(vec![
            Cell::Text(format!("c{}", i / 1000)),
            Cell::Text(format!("Customer {}", i / 1000)),
            Cell::Text(format!("u{i}")),
            Cell::Text(format!("user{i}@c{}.example", i / 1000)),
            Cell::Text("SPE_E3".into()),
            Cell::Text("EXCHANGE_S_ENTERPRISE".into()),
            Cell::Text(statuses[i % 3].into()),
        ]);
    }
    ReportTable::new(&report, "snapshot 1".into())
}

fn press(model: &mut Model, c: char, now: Instant) -> Vec<Effect> {
    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    update(model, Msg::Key(key), now)
}

/// Median ms from a `j` on a million-row report pane to its frame drawn (120x40).
pub fn keypress_report(rows: usize) -> f64 {
    let now = Instant::now();
    let mut model = Model::new((120, 40), now);
    start(&mut model, now);
    let effects = {
        let mut all = Vec::new();
        for c in ":problems".chars() {
            all.extend(press(&mut model, c, now));
        }
        all.extend(update(&mut model, code(KeyCode::Enter), now));
        all
    };
    let Some(id) = effects.iter().find_map(|e| match e {
        Effect::LoadReport { id, .. } => Some(*id),
        _ => None,
    }) else {
        panic!(":problems asks for the report");
    };
    update(
        &mut model,
        Msg::Report {
            id,
            kind: ReportKind::Problems,
            result: Ok(problems(rows)),
        },
        now,
    );
    let theme = Theme::new(true, false);
    let area = Rect::new(0, 0, 120, 40);
    let mut buf = Buffer::empty(area);
    let mut samples = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        press(&mut model, 'j', now);
        buf.reset();
        pcx::ui::draw(&model, &theme, "bench", area, &mut buf);
        samples.push(ms(t.elapsed()));
    }
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Requests while the cursor crosses `count` users at 30 keys a second and then rests.
pub fn requests_scroll_users(count: u32) -> usize {
    let mut now = Instant::now();
    let mut model = Model::new((120, 40), now);
    let mut log = fetches(&start(&mut model, now));
    let customers_cmd = log.last().cloned().expect("the customers load");
    update(
        &mut model,
        done(
            &customers_cmd,
            Ok(Payload::Customers(customers(0..3), None)),
        ),
        now,
    );
    log.extend(fetches(&update(&mut model, code(KeyCode::Enter), now)));
    let users_cmd = log
        .iter()
        .rev()
        .find(|c| matches!(c.query, Query::Users { .. }))
        .cloned()
        .expect("the users load");
    update(
        &mut model,
        done(&users_cmd, Ok(Payload::Users(users(0..count), None))),
        now,
    );
    let before = log.len();
    for _ in 1..count {
        now += Duration::from_millis(33);
        log.extend(fetches(&press(&mut model, 'j', now)));
    }
    // The cursor rests: the rows in view load their SKUs, once.
    now += Duration::from_secs(1);
    log.extend(fetches(&update(&mut model, Msg::Tick, now)));
    now += Duration::from_secs(1);
    log.extend(fetches(&update(&mut model, Msg::Tick, now)));
    log.len() - before
}

pub fn run() {
    bench(
        "keypress_to_frame_report_1m_rows",
        keypress_report(1_000_000),
        "ms",
    );
    bench(
        "requests_scroll_5000_users",
        requests_scroll_users(5_000) as f64,
        "requests",
    );
}
