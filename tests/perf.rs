//! The benchmark: figures for the explorer and the client at MSP scale, measured on
//! the real code paths (the sandbox over loopback HTTP, the fetcher, the event loop, update and
//! draw) with ratatui's TestBackend. Prints one line per figure, `bench NAME VALUE UNIT`
//! (medians over repeated runs); asserts nothing. Run it with
//!
//!     cargo test --release --test perf -- --ignored --nocapture
//!
//! Everything runs in one test, in a fixed order, so the memory figure is read before the
//! other scenarios have grown the heap.

mod common;
mod perf_partner;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use pcx::api::ApiClient;
use pcx::app::cache::PaneData;
use pcx::app::model::ScreenKind;
use pcx::app::msg::Msg;
use pcx::app::{ChannelEvents, Model, UiOptions, run_with};
use pcx::sandbox::{DEMO_TOKEN, Sandbox, SandboxConfig};
use pcx::ui::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

fn bench(name: &str, value: f64, unit: &str) {
    println!("bench {name} {value:.3} {unit}");
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn special(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// What the scripts wait on: the top screen after the latest frame.
#[derive(Clone, Debug, Default)]
struct Frame {
    /// Frames drawn so far.
    number: u64,
    /// "customers", "users", "licences", "service plans", ...
    screen: &'static str,
    /// Rows loaded in the top screen's list (None while it is not ready).
    rows: Option<usize>,
    /// More pages can be loaded.
    more: bool,
}

fn frame_of(model: &Model, number: u64) -> Frame {
    let screen = model.top();
    let (rows, more) = match screen.view(&model.cache) {
        PaneData::Ready(table, info) => (Some(table.len()), info.more),
        _ => (None, false),
    };
    Frame {
        number,
        screen: screen.kind.noun(),
        rows,
        more,
    }
}

/// The explorer's event loop on a TestBackend, driven by a script over a key channel.
struct Session {
    keys: mpsc::UnboundedSender<Event>,
    frames: watch::Receiver<Frame>,
}

impl Session {
    fn press(&self, event: Event) {
        self.keys.send(event).expect("the loop is running");
    }

    async fn wait(&mut self, what: &str, check: impl Fn(&Frame) -> bool) -> Frame {
        let waited =
            tokio::time::timeout(Duration::from_secs(60), self.frames.wait_for(|f| check(f)))
                .await
                .map(|r| r.map(|frame| frame.clone()));
        match waited {
            Ok(Ok(frame)) => frame,
            _ => panic!(
                "timed out waiting for {what}; last frame {:?}",
                *self.frames.borrow()
            ),
        }
    }

    /// Presses End until the list on screen has no more pages; returns the last frame.
    async fn load_every_page(&mut self, mut f: Frame) -> Frame {
        while f.more {
            let loaded = f.rows;
            f = self
                .press_until(special(KeyCode::End), "the next page", |g| g.rows > loaded)
                .await;
        }
        f
    }

    /// Presses `event` and waits for a frame drawn after it that satisfies `check`.
    async fn press_until(
        &mut self,
        event: Event,
        what: &str,
        check: impl Fn(&Frame) -> bool,
    ) -> Frame {
        let after = self.frames.borrow().number;
        self.press(event);
        self.wait(what, move |f| f.number > after && check(f)).await
    }
}

/// Runs `script` against a fresh explorer (size `cols`×`rows`) on `client`; returns the final
/// model and what the script returned.
async fn explore<F, Fut, T>(client: ApiClient, cols: u16, rows: u16, script: F) -> (Model, T)
where
    F: FnOnce(Session) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let (keys, events) = mpsc::unbounded_channel();
    let (publish, frames) = watch::channel(Frame::default());
    let mut number = 0;
    let observer = move |model: &Model, _: &Buffer| {
        number += 1;
        let _ = publish.send(frame_of(model, number));
    };
    let mut terminal = Terminal::new(TestBackend::new(cols, rows)).expect("test backend");
    let quit = keys.clone();
    let session = Session { keys, frames };
    let (model, result) = tokio::join!(
        run_with(
            &mut terminal,
            ChannelEvents(events),
            client,
            UiOptions::default(),
            observer
        ),
        async move {
            let result = script(session).await;
            let _ = quit.send(key('q'));
            result
        }
    );
    (model.expect("the explorer ran"), result)
}

fn client_for(sandbox: &Sandbox) -> ApiClient {
    common::client(&sandbox.base_url(), DEMO_TOKEN)
}

async fn generated(customers: u32, users: u32) -> Sandbox {
    common::start_sandbox(SandboxConfig::generated(customers, users, 42)).await
}

/// Loads 10,000 customers and one customer's 100,000 users through the real loop; returns the
/// model with those users on screen at 200×60.
async fn load_at_scale() -> Model {
    let sandbox = generated(10_000, 100_000).await;
    let (model, ()) = explore(client_for(&sandbox), 200, 60, |mut s| async move {
        let f = s
            .wait("customers", |f| f.screen == "customers" && f.rows.is_some())
            .await;
        let f = s.load_every_page(f).await;
        assert_eq!(f.rows, Some(10_000));
        s.press(key('g'));
        let f = s
            .press_until(special(KeyCode::Enter), "users", |f| {
                f.screen == "users" && f.rows.is_some()
            })
            .await;
        let f = s.load_every_page(f).await;
        assert_eq!(f.rows, Some(100_000));
        s.press(key('g'));
    })
    .await;
    drop(sandbox);
    model
}

/// Requests from a cold start to a user's service plans, then for going back and reopening.
async fn requests_to_plans() -> (u64, u64) {
    let sandbox = common::start_sandbox(SandboxConfig::demo()).await;
    let counter = &sandbox;
    let (_, counts) = explore(client_for(&sandbox), 120, 40, |mut s| async move {
        let ready = |screen: &'static str| {
            move |f: &Frame| f.screen == screen && f.rows.is_some_and(|n| n > 0)
        };
        s.wait("customers", ready("customers")).await;
        s.press_until(special(KeyCode::Enter), "users", ready("users"))
            .await;
        s.press_until(special(KeyCode::Enter), "licences", ready("licences"))
            .await;
        s.press_until(special(KeyCode::Enter), "plans", ready("service plans"))
            .await;
        let cold = counter.api_request_count();
        for _ in 0..3 {
            s.press(key('h'));
        }
        s.wait("back at customers", ready("customers")).await;
        s.press_until(special(KeyCode::Enter), "users again", ready("users"))
            .await;
        s.press_until(special(KeyCode::Enter), "licences again", ready("licences"))
            .await;
        s.press_until(
            special(KeyCode::Enter),
            "plans again",
            ready("service plans"),
        )
        .await;
        (cold, counter.api_request_count() - cold)
    })
    .await;
    counts
}

/// Requests while the cursor moves over 100 customers at key-repeat speed (30 keys a second)
/// and then rests: the users of the customer it rests on load once, nothing else.
async fn requests_scrolling() -> u64 {
    let sandbox = generated(10_000, 25).await;
    let counter = &sandbox;
    let (_, requests) = explore(client_for(&sandbox), 120, 40, |mut s| async move {
        s.wait("customers", |f| f.screen == "customers" && f.rows.is_some())
            .await;
        let before = counter.api_request_count();
        let mut interval = tokio::time::interval(Duration::from_millis(33));
        for _ in 0..100 {
            interval.tick().await;
            s.press(key('j'));
        }
        // The customer the cursor rests on has its users fetched once the rest time passes;
        // then nothing more may come. Watch the requests until they have been still for 500 ms.
        let users_requests = || {
            counter
                .api_requests()
                .iter()
                .filter(|p| p.contains("/users"))
                .count()
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = counter.api_request_count();
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = counter.api_request_count();
            if (now == seen && users_requests() > 0) || Instant::now() > deadline {
                break;
            }
            seen = now;
        }
        let _ = &mut s;
        counter.api_request_count() - before
    })
    .await;
    requests
}

/// From the start of the run (demo sandbox included) to the first frame drawn.
async fn first_frame() -> Duration {
    let start = Instant::now();
    let sandbox = pcx::run::start_demo().await.expect("demo sandbox");
    let client = client_for(&sandbox);
    let mut first = None;
    let (keys, events) = mpsc::unbounded_channel();
    let observer = |_: &Model, _: &Buffer| {
        if first.is_none() {
            first = Some(start.elapsed());
            let _ = keys.send(key('q'));
        }
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    run_with(
        &mut terminal,
        ChannelEvents(events),
        client,
        UiOptions::default(),
        observer,
    )
    .await
    .expect("the explorer ran");
    first.expect("a frame was drawn")
}

fn timed(samples: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..samples)
            .map(|_| {
                let t = Instant::now();
                f();
                ms(t.elapsed())
            })
            .collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: cargo test --release --test perf -- --ignored --nocapture"]
async fn benchmark() {
    let mut model = load_at_scale().await;
    bench("rss_100k_users_mib", rss_mib(), "MiB");
    assert!(matches!(model.top().kind, ScreenKind::Users { .. }));

    let theme = Theme::new(true, false);
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    pcx::app::update::update(&mut model, Msg::Resize(200, 60), Instant::now());
    let draw = |model: &Model, buf: &mut Buffer| {
        buf.reset();
        pcx::ui::draw(model, &theme, "bench", area, buf);
    };
    bench(
        "frame_render_100k_rows",
        timed(300, || draw(&model, &mut buf)),
        "ms",
    );
    let down = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    let keypress = timed(300, || {
        pcx::app::update::update(&mut model, Msg::Key(down), Instant::now());
        draw(&model, &mut buf);
    });
    bench("keypress_to_frame_100k_rows", keypress, "ms");

    // Operators type names; every keystroke of these queries is one sample.
    let mut keystrokes = Vec::new();
    for query in ["priya", "and", "meridian", "fatima.b", "zz"] {
        let open = KeyEvent::new(KeyCode::Char('/'), KeyModifiers::NONE);
        pcx::app::update::update(&mut model, Msg::Key(open), Instant::now());
        for c in query.chars() {
            let typed = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            let t = Instant::now();
            pcx::app::update::update(&mut model, Msg::Key(typed), Instant::now());
            draw(&model, &mut buf);
            keystrokes.push(ms(t.elapsed()));
        }
        let clear = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        pcx::app::update::update(&mut model, Msg::Key(clear), Instant::now());
    }
    let worst = keystrokes.iter().copied().fold(0.0, f64::max);
    bench("filter_keystroke_100k_rows", median(keystrokes), "ms");
    bench("filter_keystroke_100k_rows_max", worst, "ms");
    drop(model);

    let mut firsts = Vec::new();
    for _ in 0..9 {
        firsts.push(ms(first_frame().await));
    }
    bench("first_frame_ms", median(firsts), "ms");

    let mut colds = Vec::new();
    let mut revisits = Vec::new();
    for _ in 0..3 {
        let (cold, revisit) = requests_to_plans().await;
        colds.push(cold as f64);
        revisits.push(revisit as f64);
    }
    bench("requests_cold_to_plans", median(colds), "requests");
    bench("requests_revisit", median(revisits), "requests");

    let mut scrolls = Vec::new();
    for _ in 0..3 {
        scrolls.push(requests_scrolling().await as f64);
    }
    bench("requests_scroll_100_customers", median(scrolls), "requests");

    perf_partner::explorer::run();

    let dir = std::env::temp_dir().join(format!("pcx-perf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    perf_partner::run(&dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}
