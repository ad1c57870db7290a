//! Figures for the explorer's hot paths at scale (printed, never asserted: run with
//! `cargo test --release --test tui_perf -- --ignored --nocapture`). The real benchmark lives
//! with the lead; this keeps the paths honest while building them.

mod common;

use common::*;
use crossterm::event::KeyCode;
use pcx::api::{Customer, CustomerUser, Resource};
use pcx::app::rows::{CustomerRow, UserRow};
use pcx::fetch::Payload;
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::time::Instant;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn user_json(c: u32, i: u32) -> String {
    format!(
        r#"{{"usageLocation":"US","id":"{:08x}-0000-4000-8000-{:012x}","userPrincipalName":"user{i}@customer{c}.onmicrosoft.com","firstName":"First{i}","lastName":"Last{i}","displayName":"First{i} Last{i}","userDomainType":"none","state":"active","links":{{"self":{{"uri":"/customers/{:08x}-0000-4000-8000-000000000000/users/{:08x}-0000-4000-8000-{:012x}","method":"GET","headers":[]}}}},"attributes":{{"objectType":"CustomerUser"}}}}"#,
        c, i, c, c, i
    )
}

fn customer_json(c: u32) -> String {
    format!(
        r#"{{"id":"{:08x}-0000-4000-8000-000000000000","companyProfile":{{"tenantId":"{:08x}-0000-4000-8000-000000000000","domain":"customer{c}.onmicrosoft.com","companyName":"Customer {c} Holdings","links":{{"self":{{"uri":"/customers/x/profiles/company","method":"GET","headers":[]}}}},"attributes":{{"objectType":"CustomerCompanyProfile"}}}},"relationshipToPartner":"reseller","links":{{"self":{{"uri":"/customers/x","method":"GET","headers":[]}}}},"attributes":{{"objectType":"Customer"}}}}"#,
        c, c
    )
}

#[test]
#[ignore = "prints figures; run in release"]
fn figures_at_scale() {
    let before = rss_kib();
    let mut d = Driver::new(200, 60);
    let customers: Vec<CustomerRow> = (0..10_000)
        .map(|c| CustomerRow::new(Resource::<Customer>::parse(&customer_json(c)).unwrap()))
        .collect();
    d.customers_loaded(customers, None);
    // 100,000 users: 10 customers' worth loaded into the cache, the last one on screen.
    let mut cmd = None;
    for c in 0..10u32 {
        if c > 0 {
            d.press("h");
            d.press("j");
        }
        let effects = d.send(code(KeyCode::Enter));
        cmd = fetches(&effects).pop().or(cmd);
        let rows: Vec<UserRow> = (0..10_000)
            .map(|i| UserRow::new(Resource::<CustomerUser>::parse(&user_json(c, i)).unwrap()))
            .collect();
        let last = d.last();
        d.send(done(&last, Ok(Payload::Users(rows, None))));
    }
    let users_loaded = rss_kib();
    println!(
        "RSS: {} MiB before, {} MiB with 10,000 customers and 100,000 users",
        before / 1024,
        users_loaded / 1024
    );
    // One customer with 100,000 users on screen.
    d.press("h");
    d.press("j");
    d.send(code(KeyCode::Enter));
    let rows: Vec<UserRow> = (0..100_000)
        .map(|i| UserRow::new(Resource::<CustomerUser>::parse(&user_json(99, i)).unwrap()))
        .collect();
    let last = d.last();
    d.send(done(&last, Ok(Payload::Users(rows, None))));
    println!("RSS with another 100,000 users: {} MiB", rss_kib() / 1024);
    let theme = Theme::new(true, false);
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        buf.reset();
        pcx::ui::draw(&d.model, &theme, "bench", area, &mut buf);
    }
    println!(
        "render 200x60 of 100,000 users: {:?}/frame",
        t.elapsed() / n
    );
    let t = Instant::now();
    for _ in 0..n {
        d.press("j");
        buf.reset();
        pcx::ui::draw(&d.model, &theme, "bench", area, &mut buf);
    }
    println!("j (update + render): {:?}", t.elapsed() / n);
    d.press("/");
    for (i, c) in "user12".chars().enumerate() {
        let t = Instant::now();
        d.press(&c.to_string());
        buf.reset();
        pcx::ui::draw(&d.model, &theme, "bench", area, &mut buf);
        let screen = d.model.top();
        let view = screen.view(&d.model.cache);
        let shown = view.table().map_or(0, |t| screen.visible_len(t.len()));
        println!(
            "filter char {} ({c}): {:?}, {shown} match",
            i + 1,
            t.elapsed()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "prints figures; run in release"]
async fn time_to_first_frame() {
    use crossterm::event::{Event, KeyEvent, KeyModifiers};
    let sandbox = common::start_sandbox(pcx::sandbox::SandboxConfig::demo()).await;
    let api = pcx::api::ApiClient::new(
        pcx::api::ClientConfig::new(sandbox.base_url()),
        pcx::api::StaticToken::new(pcx::api::Secret::new(pcx::sandbox::DEMO_TOKEN)),
    )
    .unwrap();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let start = Instant::now();
    let mut first = None;
    let mut customers = None;
    let observer = |_: &pcx::app::Model, buf: &Buffer| {
        first.get_or_insert_with(|| start.elapsed());
        if customers.is_none() && screen_text(buf).contains("Contoso") {
            customers = Some(start.elapsed());
            let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
            let _ = tx.send(Event::Key(q));
        }
    };
    let options = pcx::app::UiOptions::default();
    pcx::app::run_with(
        &mut terminal,
        pcx::app::ChannelEvents(rx),
        api,
        options,
        observer,
    )
    .await
    .unwrap();
    println!(
        "first frame after {:?}; customers on screen after {:?}",
        first.unwrap(),
        customers.unwrap()
    );
}
