//! What the explorer draws: insta snapshots of every pane in each state at three sizes (text
//! only; snapshots ignore colour), plus explicit assertions on the styles that carry meaning
//! (status colours, selection, no colour at all without colour, ASCII only with --ascii).

mod common;

use common::*;
use crossterm::event::KeyCode;
use pcx::api::ApiError;
use pcx::fetch::{FetchCmd, Payload};
use pcx::ui::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use std::time::Duration;

const SIZES: [(u16, u16); 3] = [(120, 40), (80, 24), (50, 16)];

fn render(d: &Driver, w: u16, h: u16, theme: &Theme) -> Buffer {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    pcx::ui::draw(&d.model, theme, "demo", area, &mut buf);
    buf
}

fn text(buf: &Buffer) -> String {
    screen_text(buf)
}

fn partner_token_missing() -> ApiError {
    ApiError::SignedOut(detail(401, "800001", "Partner token is missing", 2))
}

#[derive(Clone, Copy, Debug)]
enum State {
    Loading,
    Ready,
    Empty,
    Error,
}

const STATES: [State; 4] = [State::Loading, State::Ready, State::Empty, State::Error];

/// A driver whose model sits in `state` on the customers list, sized for the snapshot.
fn customers_in(state: State, w: u16, h: u16) -> Driver {
    let mut d = Driver::new(w, h);
    match state {
        State::Loading => {}
        State::Ready => {
            let mut rows = customers(0..40);
            rows.insert(
                2,
                named_customer(90, "Contoso 日本 株式会社", "contoso.onmicrosoft.com"),
            );
            rows.insert(
                3,
                named_customer(91, "Evil\u{1b}[31m Corp\u{202e}", "evil.example"),
            );
            d.customers_loaded(rows, Some(cursor(1)));
            d.press("jj");
        }
        State::Empty => d.customers_loaded(Vec::new(), None),
        State::Error => {
            let cmd = d.last();
            d.send(done(&cmd, Err(partner_token_missing())));
        }
    }
    d
}

/// Answers `cmd` as `state` asks: not yet, refused, with `empty` or with `ready`.
fn answer(d: &mut Driver, cmd: &FetchCmd, state: State, empty: Payload, ready: Payload) {
    let result = match state {
        State::Loading => return,
        State::Error => Err(no_access()),
        State::Empty => Ok(empty),
        State::Ready => Ok(ready),
    };
    d.send(done(cmd, result));
}

/// Opens the first customer, then `then` (a key) and answers the resulting load per `state`.
fn below_customer(state: State, w: u16, h: u16, pane: &str) -> Driver {
    let mut d = Driver::new(w, h);
    d.customers_loaded(customers(0..12), None);
    let open = |d: &mut Driver| match pane {
        "users" | "licences" | "plans" => {
            d.send(code(KeyCode::Enter));
        }
        "deleted" => {
            d.send(code(KeyCode::Enter));
            d.send(code(KeyCode::Tab));
        }
        _ => {
            d.press("s");
        }
    };
    open(&mut d);
    let cmd = d.last();
    let users_payload = match (pane, state) {
        ("deleted", _) => {
            let mut rows: Vec<_> = (0..6).map(deleted_user).collect();
            rows.truncate(if matches!(state, State::Empty) { 0 } else { 6 });
            Payload::Users(rows, None)
        }
        (_, State::Empty) if pane == "users" => Payload::Users(Vec::new(), None),
        _ => {
            let mut rows = users(0..30);
            rows.insert(1, deleted_user(77));
            Payload::Users(rows, Some(cursor(2)))
        }
    };
    match pane {
        "users" | "deleted" => match state {
            State::Loading => {}
            State::Error => {
                d.send(done(&cmd, Err(no_access())));
            }
            _ => {
                d.send(done(&cmd, Ok(users_payload)));
                d.press("j");
            }
        },
        "skus" => {
            let skus = vec![
                sku(1, "Microsoft 365 E5", 25, 27, &["Enabled", "Enabled"]),
                sku(
                    2,
                    "Enterprise Mobility + Security E3",
                    10,
                    4,
                    &["Enabled", "Warning"],
                ),
                sku(3, "Power BI Pro", 5, 5, &["Enabled"]),
            ];
            answer(
                &mut d,
                &cmd,
                state,
                Payload::Skus(Vec::new()),
                Payload::Skus(skus),
            );
            if matches!(state, State::Ready) {
                d.press("j");
            }
        }
        _ => {
            d.send(done(&cmd, Ok(users_payload)));
            d.send(code(KeyCode::Enter));
            let lic = d.last();
            let licenses = vec![
                license(
                    1,
                    "Microsoft 365 E5",
                    &["Assigned", "Assigned", "Suspended", "Warning", "Assigned"],
                ),
                license(2, "Minecraft Education Faculty", &[]),
                license(3, "Power BI Pro", &["Assigned"]),
            ];
            if pane == "licences" {
                let (empty, ready) = (Payload::Licenses(Vec::new()), Payload::Licenses(licenses));
                answer(&mut d, &lic, state, empty, ready);
                return d;
            }
            d.send(done(&lic, Ok(Payload::Licenses(licenses))));
            if matches!(state, State::Empty) {
                d.press("j");
            }
            d.send(code(KeyCode::Enter));
            d.press("jj");
            match state {
                // A plans pane shows rows it already has; loading and error are its refresh's.
                State::Loading => {
                    d.press("r");
                }
                State::Error => {
                    d.press("r");
                    let refresh = d.last();
                    d.send(done(&refresh, Err(no_access())));
                }
                _ => {}
            }
        }
    }
    d
}

fn driver_for(pane: &str, state: State, w: u16, h: u16) -> Driver {
    match pane {
        "customers" => customers_in(state, w, h),
        other => below_customer(state, w, h, other),
    }
}

#[test]
fn every_pane_in_every_state_at_three_sizes() {
    let theme = Theme::new(true, false);
    for pane in ["customers", "users", "deleted", "skus", "licences", "plans"] {
        for state in STATES {
            for (w, h) in SIZES {
                let d = driver_for(pane, state, w, h);
                let name = format!("{pane}_{state:?}_{w}x{h}").to_lowercase();
                insta::assert_snapshot!(name, text(&render(&d, w, h, &theme)));
            }
        }
    }
}

#[test]
fn raw_json_help_prompts_and_small_terminals() {
    let theme = Theme::new(true, false);
    for (w, h) in SIZES {
        let mut d = customers_in(State::Ready, w, h);
        d.press("y");
        insta::assert_snapshot!(format!("raw_{w}x{h}"), text(&render(&d, w, h, &theme)));
        d.press("h?");
        insta::assert_snapshot!(format!("help_{w}x{h}"), text(&render(&d, w, h, &theme)));
        d.send(code(KeyCode::Esc));
        d.press("/con");
        insta::assert_snapshot!(format!("filter_{w}x{h}"), text(&render(&d, w, h, &theme)));
        d.send(code(KeyCode::Esc));
        d.press("Scon");
        insta::assert_snapshot!(format!("search_{w}x{h}"), text(&render(&d, w, h, &theme)));
    }
    let d = customers_in(State::Ready, 39, 9);
    insta::assert_snapshot!("too_small", text(&render(&d, 39, 9, &theme)));
}

#[test]
fn a_throttled_load_counts_down() {
    let theme = Theme::new(true, false);
    let mut d = Driver::new(80, 24);
    let cmd = d.last();
    d.send(throttled(&cmd));
    let screen = text(&render(&d, 80, 24, &theme));
    assert!(
        screen
            .contains("throttled (HTTP 429): retrying in 12 s (attempt 2 of 4; gives up in 80 s)"),
        "{screen}"
    );
    d.advance(Duration::from_millis(4500));
    let screen = text(&render(&d, 80, 24, &theme));
    assert!(screen.contains("retrying in 8 s"), "{screen}");
}

#[test]
fn statuses_read_in_colour_with_glyphs() {
    let d = below_customer(State::Ready, 120, 40, "plans");
    let buf = render(&d, 120, 40, &Theme::new(true, false));
    for (word, colour, glyph) in [
        ("Assigned", Color::Green, "✓"),
        ("Suspended", Color::Red, "✗"),
        ("Warning", Color::Yellow, "▲"),
    ] {
        let (x, y) = find(&buf, word).unwrap_or_else(|| panic!("{word} not drawn"));
        assert_eq!(buf[(x, y)].fg, colour, "{word}");
        assert_eq!(buf[(x - 2, y)].symbol(), glyph, "{word}");
        assert_eq!(buf[(x - 2, y)].fg, colour, "{word} glyph");
    }
    // The rows that need attention are marked at their start.
    let (x, y) = find(&buf, "Suspended").unwrap();
    let row_mark = (0..x)
        .find(|&c| buf[(c, y)].symbol() == "▲")
        .expect("a row mark");
    assert_eq!(buf[(row_mark, y)].fg, Color::Yellow);
}

#[test]
fn the_selection_is_reverse_video_in_both_themes() {
    for colour in [true, false] {
        let d = customers_in(State::Ready, 80, 24);
        let buf = render(&d, 80, 24, &Theme::new(colour, false));
        let (_, y) = find(&buf, "Contoso 日本").expect("the selected customer");
        let (x, _) = find(&buf, "contoso.onmicrosoft.com").unwrap();
        assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
        let (_, other) = find(&buf, "Customer 000").unwrap();
        assert!(!buf[(x, other)].modifier.contains(Modifier::REVERSED));
    }
}

#[test]
fn no_colour_means_no_colour_at_all() {
    let theme = Theme::new(false, false);
    let mut screens = Vec::new();
    for pane in ["customers", "users", "skus", "licences", "plans"] {
        for state in STATES {
            screens.push(driver_for(pane, state, 120, 40));
        }
    }
    let mut help = customers_in(State::Ready, 120, 40);
    help.press("?");
    screens.push(help);
    for d in &screens {
        let buf = render(d, 120, 40, &theme);
        for cell in buf.content() {
            assert_eq!(cell.fg, Color::Reset, "{:?}", cell);
            assert_eq!(cell.bg, Color::Reset, "{:?}", cell);
            assert_eq!(cell.underline_color, Color::Reset, "{:?}", cell);
        }
    }
    // Problems still stand out: bold.
    let d = below_customer(State::Ready, 120, 40, "plans");
    let buf = render(&d, 120, 40, &theme);
    let (x, y) = find(&buf, "Suspended").unwrap();
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
}

#[test]
fn ascii_mode_draws_only_ascii() {
    let theme = Theme::new(true, true);
    for pane in ["customers", "users", "plans"] {
        for state in STATES {
            let mut d = driver_for(pane, state, 80, 24);
            // The API's own text (a CJK company name) stays as sent; everything pcx adds is ASCII.
            if pane == "customers" && matches!(state, State::Ready) {
                d = Driver::new(80, 24);
                d.customers_loaded(customers(0..5), None);
            }
            let screen = text(&render(&d, 80, 24, &theme));
            assert!(screen.is_ascii(), "{pane} {state:?}:\n{screen}");
        }
    }
}

#[test]
fn api_text_is_sanitised_and_columns_line_up_with_wide_characters() {
    let d = customers_in(State::Ready, 120, 40);
    let buf = render(&d, 120, 40, &Theme::new(true, false));
    let screen = text(&buf);
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{202e}'));
    assert!(screen.contains("Evil[31m Corp"));
    let (x_wide, _) = find(&buf, "contoso.onmicrosoft.com").unwrap();
    let (x_plain, _) = find(&buf, "customer000.onmicrosoft.com").unwrap();
    assert_eq!(
        x_wide, x_plain,
        "the domain column starts at the same column"
    );
}

#[test]
fn the_row_count_says_when_more_pages_exist() {
    let d = customers_in(State::Ready, 80, 24);
    let screen = text(&render(&d, 80, 24, &Theme::new(true, false)));
    assert!(screen.contains("42 of 42+"), "{screen}");
}

#[test]
fn the_breadcrumb_keeps_clear_of_the_title_and_keeps_the_deepest_levels() {
    for width in 40..=130u16 {
        let mut d = Driver::new(width, 24);
        let long = "The Consolidated Regional Association of Northern Plains Cooperatives";
        d.customers_loaded(
            vec![named_customer(1, long, "northernplains.onmicrosoft.com")],
            None,
        );
        let cmd = fetches(&d.send(code(KeyCode::Enter))).remove(0);
        d.send(done(&cmd, Ok(Payload::Users(users(0..3), None))));
        let cmd = fetches(&d.send(code(KeyCode::Enter))).remove(0);
        let sku = license(1, "Enterprise Mobility + Security E3", &["Suspended"]);
        d.send(done(&cmd, Ok(Payload::Licenses(vec![sku]))));
        d.send(code(KeyCode::Enter));
        let top = text(&render(&d, width, 24, &Theme::new(true, false)))
            .lines()
            .next()
            .unwrap()
            .to_string();
        let title = top.find("pcx · demo").expect("the title");
        assert!(top[..title].ends_with("  "), "{width}: {top:?}");
        assert!(
            top.contains("Enterprise Mobility") || top.contains('…'),
            "{width}: {top:?}"
        );
    }
}
