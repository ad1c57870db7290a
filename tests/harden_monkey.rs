//! The monkey: thousands of seeded random keys, pastes and resizes typed into the real event
//! loop (headless) against the sandbox with faults and latency switched on. No panic, every
//! selection stays inside its rows at every frame, and `q` still quits at the end. The keys
//! come in chunks, each sent when a frame is drawn and ending in a resize (which always
//! redraws), so the script never waits on time. `PCX_MONKEY_SEED=N` replays another seed.

mod common;

use common::{ResizableBackend, TempDir, keys};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use pcx::app::model::Model;
use pcx::app::{ChannelEvents, UiOptions, run_with};
use pcx::sandbox::{FaultConfig, SandboxConfig};
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn plain(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// One random event: mostly navigation, some actions and prompt typing, a few pastes and
/// resizes (sizes down to below the explorer's minimum). Never `q` or Ctrl-c.
fn random_event(rng: &mut fastrand::Rng, size: &mut (u16, u16)) -> Event {
    const TYPED: &[char] = &[
        'j', 'k', 'l', 'h', 'g', 'G', 's', 'y', 'c', 'e', 'r', '?', '/', 'S', 'a', 'o', 'n', '1',
        ' ', '-', '@',
    ];
    match rng.u32(0..100) {
        0..=39 => {
            let c = ['j', 'j', 'k', 'l', 'h'][rng.usize(0..5)];
            keys(&c.to_string()).remove(0)
        }
        40..=64 => keys(&TYPED[rng.usize(0..TYPED.len())].to_string()).remove(0),
        65..=84 => plain(
            [
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Tab,
                KeyCode::BackTab,
                KeyCode::PageDown,
                KeyCode::PageUp,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::Backspace,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
            ][rng.usize(0..13)],
        ),
        85..=92 => ctrl(['d', 'u', 'f', 'b', 'w', 'a', 'e'][rng.usize(0..7)]),
        93..=94 => Event::Paste(
            ["Contoso", "\u{1b}[2Jq", "a\nb\tc", "日本語", ""][rng.usize(0..5)].to_string(),
        ),
        _ => {
            *size = (rng.u16(1..160), rng.u16(1..50));
            Event::Resize(size.0, size.1)
        }
    }
}

/// Every screen's selection inside its visible rows, its offset not past the selection.
fn check(model: &Model) {
    assert!(!model.screens.is_empty());
    for screen in &model.screens {
        let view = screen.view(&model.cache);
        if let Some(table) = view.table() {
            let len = screen.visible_len(table.len());
            assert!(
                len == 0 || screen.selected < len,
                "selected {} of {len} on {:?}",
                screen.selected,
                screen.kind
            );
            assert!(len == 0 || screen.offset <= screen.selected);
        }
    }
    assert!(model.help.unwrap_or(0) <= pcx::app::layout::help_max_offset(model.size));
}

async fn monkey(seed: u64, events: usize, fault_rate: f64, latency_ms: u64) {
    monkey_with(seed, events, fault_rate, latency_ms, false).await;
}

/// The monkey; with `privacy`, privacy mode is on and no frame may show a real value.
async fn monkey_with(seed: u64, events: usize, fault_rate: f64, latency_ms: u64, privacy: bool) {
    let seed = std::env::var("PCX_MONKEY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(seed);
    println!("monkey seed {seed} (replay with PCX_MONKEY_SEED={seed})");
    let mut config = SandboxConfig::generated(300, 40, seed);
    config.latency_ms = latency_ms;
    let sandbox = common::start_sandbox(config).await;
    // The partner's real values are read before the faults are switched on.
    let secrets = match privacy {
        true => common::partner_secrets(&common::client(&sandbox.base_url(), "t"), 5).await,
        false => Vec::new(),
    };
    sandbox.set_faults(FaultConfig::safe(fault_rate, seed).with_retry_after(0));
    let api = common::client_with(&sandbox.base_url(), common::token("monkey"), |c| {
        c.names = privacy.then(pcx::privacy::Pseudonyms::new);
        c.retry.base_delay = Duration::from_millis(5);
        c.retry.max_delay = Duration::from_millis(20);
        c.retry.max_retry_after = Duration::from_secs(1);
        c.request_timeout = Duration::from_secs(5);
    });
    let dir = TempDir::new("monkey");
    let options = UiOptions {
        title: "monkey".into(),
        page_size: 25,
        export_dir: dir.0.clone(),
        privacy,
        ..UiOptions::default()
    };

    // The whole script, made up front from the seed: chunks of 1 to 40 events, each ending in
    // a resize to the size the window has then.
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut size = (100u16, 30u16);
    let mut chunks: Vec<Vec<(Event, (u16, u16))>> = Vec::new();
    let mut made = 0;
    while made < events {
        let n = rng.usize(1..=40);
        let mut chunk: Vec<_> = (0..n)
            .map(|_| (random_event(&mut rng, &mut size), size))
            .collect();
        chunk.push((Event::Resize(size.0, size.1), size));
        made += n;
        chunks.push(chunk);
    }
    // Out of any prompt or overlay, then quit.
    chunks.push(
        keys("\u{1b}\u{1b}\u{1b}q")
            .into_iter()
            .map(|e| (e, size))
            .collect(),
    );

    let backend = ResizableBackend::new(100, 30);
    let window = backend.size.clone();
    let mut terminal = Terminal::new(backend).unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let mut next = chunks.into_iter();
    let frames = Arc::new(Mutex::new(0usize));
    let counted = frames.clone();
    let reached = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
    let screens = reached.clone();
    let hidden = secrets.clone();
    let observer = move |model: &Model, buf: &Buffer| {
        check(model);
        if let Some(real) = common::leak(&common::screen_text(buf), &hidden) {
            panic!("seed {seed}: privacy mode shows {real:?}");
        }
        *counted.lock().unwrap() += 1;
        screens.lock().unwrap().insert(
            format!("{:?}", model.top().kind)
                .split([' ', '{'])
                .next()
                .unwrap_or("")
                .to_string(),
        );
        if let Some(chunk) = next.next() {
            for (event, size) in chunk {
                if matches!(event, Event::Resize(..)) {
                    *window.lock().unwrap() = size;
                }
                let _ = tx.send(event);
            }
        }
    };
    let run = run_with(&mut terminal, ChannelEvents(rx), api, options, observer);
    // A guard against a hang, not a synchronisation.
    let model = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .unwrap_or_else(|_| panic!("seed {seed}: the explorer stopped responding"))
        .unwrap_or_else(|e| panic!("seed {seed}: the explorer failed: {e}"));
    assert!(model.quit, "seed {seed}: q quit the explorer");
    for file in std::fs::read_dir(&dir.0).unwrap().flatten() {
        let text = std::fs::read_to_string(file.path()).unwrap_or_default();
        if let Some(real) = common::leak(&text, &secrets) {
            panic!("seed {seed}: privacy mode exported {real:?}");
        }
    }
    check(&model);
    let requests = sandbox.api_request_count();
    let reached = reached.lock().unwrap().clone();
    println!(
        "seed {seed}: {events} events, {} frames, {requests} API requests, screens {reached:?}",
        frames.lock().unwrap()
    );
    assert!(requests > 1, "the monkey reached the network");
    assert!(
        reached.contains("Users"),
        "the monkey got past the customers"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_keys_with_faults_and_latency_never_break_the_explorer() {
    monkey(20_240_601, 3000, 0.2, 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_harsher_network_with_more_faults_and_slower_answers() {
    monkey(7, 1500, 0.5, 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_privacy_mode_no_frame_of_the_monkey_shows_a_real_value() {
    monkey_with(20_240_601, 3000, 0.2, 5, true).await;
}

/// Found by the monkey: a prompt's cursor inside multi-byte text (a pasted "日本語", then
/// Left) made the status bar slice the text inside a character, and the explorer panicked.
#[test]
fn a_prompt_cursor_inside_wide_characters_draws() {
    use pcx::app::msg::Msg;
    use pcx::app::update::{start, update};
    let now = std::time::Instant::now();
    for opener in ['S', '/'] {
        let mut model = Model::new((80, 24), now);
        start(&mut model, now);
        let [open] = <[Event; 1]>::try_from(keys(&opener.to_string())).unwrap();
        let Event::Key(open) = open else {
            unreachable!()
        };
        update(&mut model, Msg::Key(open), now);
        update(&mut model, Msg::Paste("a日本語".into()), now);
        for _ in 0..2 {
            update(
                &mut model,
                Msg::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE)),
                now,
            );
            let area = ratatui::layout::Rect::new(0, 0, 80, 24);
            let mut buf = Buffer::empty(area);
            pcx::ui::draw(
                &model,
                &pcx::ui::Theme::new(true, false),
                "t",
                area,
                &mut buf,
            );
            let bar = common::screen_text(&buf);
            assert!(bar.contains("a日本語"), "{opener}: {bar}");
        }
    }
}

/// Found by the monkey: help scrolled on a short terminal kept its offset when the terminal
/// grew, so `k` seemed dead until it had counted back down.
#[test]
fn a_taller_terminal_brings_the_help_offset_back_in_range() {
    use pcx::app::msg::Msg;
    use pcx::app::update::{start, update};
    let now = std::time::Instant::now();
    let mut model = Model::new((60, 12), now);
    start(&mut model, now);
    for event in keys("?jjjjjjjjjjjjjjjjjjjjjjjjjjjjjj") {
        let Event::Key(key) = event else {
            unreachable!()
        };
        update(&mut model, Msg::Key(key), now);
    }
    assert!(model.help.is_some_and(|offset| offset > 0), "scrolled");
    update(&mut model, Msg::Resize(160, 60), now);
    assert_eq!(
        model.help,
        Some(pcx::app::layout::help_max_offset((160, 60))),
        "as far as the taller help can scroll"
    );
}
