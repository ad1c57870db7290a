//! The one table from keys to actions, a table per mode (list, filter, prompt, help, sign-in
//! modal). Key handling looks actions up here; the help overlay, the status-bar hints and the
//! README's key table are generated from these tables; nothing else maps keys.

mod tables;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
pub use tables::{COMMAND, EDITING, FILTER, GLOBAL, HELP, LIST, LOG, MODAL, PROMPT};
use tui_input::InputRequest;

/// Who has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A list or the raw JSON view.
    List,
    /// Typing a `/` filter (the list still moves with the arrows).
    Filter,
    /// Typing into a one-line prompt (the customer search).
    Prompt,
    /// The help overlay.
    Help,
    /// The "signed out" sign-in modal.
    Modal,
    /// Typing a `:` command.
    Command,
    /// The request log (its list, or one request whole).
    Log,
}

impl Mode {
    pub const ALL: [Mode; 7] = [
        Mode::List,
        Mode::Filter,
        Mode::Prompt,
        Mode::Help,
        Mode::Modal,
        Mode::Command,
        Mode::Log,
    ];
}

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextTab,
    PrevTab,
    Filter,
    Search,
    Skus,
    Raw,
    Copy,
    Export,
    Refresh,
    SignIn,
    Help,
    Quit,
    /// Open the `:` command line.
    Command,
    /// A report pane: sort by the next column.
    Sort,
    /// A report pane: reverse the order.
    Reverse,
    /// The command line: complete the word.
    Complete,
    /// A prompt: keep or run what was typed.
    Submit,
    /// A prompt: drop what was typed.
    Cancel,
    /// A prompt: change the text.
    Edit(InputRequest),
    /// The help overlay or the modal: close it.
    Close,
    /// The modal: copy the device code.
    CopyCode,
}

/// A key as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

/// One row of a table: the keys, the action, and what the help says about it.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
    /// Shown on one help line with the next binding, with this text (up / down pairs).
    pub with_next: Option<&'static str>,
    /// The short label after the key in status-bar hints ("filter" in "/ filter").
    pub hint: Option<&'static str>,
}

/// The key as the table names it: Shift is folded into the character, Alt never matches.
pub fn normalise(event: &KeyEvent) -> Option<Key> {
    if event.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let code = match event.code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key { code, ctrl })
}

/// The bindings of a mode: its own table, then the prompt editing keys where it takes text.
pub fn table(mode: Mode) -> impl Iterator<Item = &'static Binding> {
    let (own, editing): (&[Binding], &[Binding]) = match mode {
        Mode::List => (LIST, &[]),
        Mode::Filter => (FILTER, EDITING),
        Mode::Prompt => (PROMPT, EDITING),
        Mode::Help => (HELP, &[]),
        Mode::Modal => (MODAL, &[]),
        Mode::Command => (COMMAND, EDITING),
        Mode::Log => (LOG, &[]),
    };
    own.iter().chain(editing)
}

/// The action a key event asks for in a mode: the global keys first, then the mode's table,
/// then, in a prompt, any other character types itself.
pub fn action(mode: Mode, event: &KeyEvent) -> Option<Action> {
    let key = normalise(event)?;
    let bound = |b: &Binding| b.keys.contains(&key).then_some(b.action);
    GLOBAL
        .iter()
        .find_map(bound)
        .or(table(mode).find_map(bound))
        .or(match (mode, key) {
            (
                Mode::Filter | Mode::Prompt | Mode::Command,
                Key {
                    code: KeyCode::Char(c),
                    ctrl: false,
                },
            ) => Some(Action::Edit(InputRequest::InsertChar(c))),
            _ => None,
        })
}

/// The names of the keys bound to an action in a mode, in the table's order; empty if the mode
/// does not bind it.
pub fn key_names(mode: Mode, action: Action, ascii: bool) -> Vec<String> {
    table(mode)
        .find(|b| b.action == action)
        .map(|b| b.keys.iter().map(|k| key_name(k, ascii)).collect())
        .unwrap_or_default()
}

/// A status-bar hint for an action in a mode: its first key and its short label ("/ filter").
pub fn hint(mode: Mode, action: Action, ascii: bool) -> Option<String> {
    let b = table(mode).find(|b| b.action == action)?;
    let key = key_name(b.keys.first()?, ascii);
    Some(format!("{key} {}", b.hint?))
}

/// A key's name as the help shows it.
pub fn key_name(key: &Key, ascii: bool) -> String {
    let base = match key.code {
        KeyCode::Up if ascii => "Up".into(),
        KeyCode::Down if ascii => "Down".into(),
        KeyCode::Left if ascii => "Left".into(),
        KeyCode::Right if ascii => "Right".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    };
    if key.ctrl {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// The help's lines: each binding's keys and what they do, straight from the table (a pair
/// such as up / down shares one line, its keys interleaved: "↑ ↓ k j").
pub fn help_lines(ascii: bool) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < LIST.len() {
        let b = &LIST[i];
        let names =
            |b: &Binding| -> Vec<String> { b.keys.iter().map(|k| key_name(k, ascii)).collect() };
        match (b.with_next, LIST.get(i + 1)) {
            (Some(text), Some(next)) => {
                let (a, z) = (names(b), names(next));
                let mut keys = Vec::new();
                for n in 0..a.len().max(z.len()) {
                    keys.extend(a.get(n).cloned());
                    keys.extend(z.get(n).cloned());
                }
                out.push((keys.join(" "), text));
                i += 2;
            }
            _ => {
                out.push((names(b).join(" "), b.help));
                i += 1;
            }
        }
    }
    out
}

/// The README's key table, generated from the list table like the help overlay.
pub fn readme_table() -> String {
    let mut out = String::from("| key | action |\n|---|---|\n");
    for (keys, help) in help_lines(false) {
        let keys: Vec<String> = keys.split(' ').map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("| {} | {help} |\n", keys.join(" ")));
    }
    out
}

/// The help's legend below the keys, after a blank line; the view puts the glyphs before each.
pub const LEGEND: [&str; 3] = [
    "row marks: plans need attention / over-consumed; deleted user",
    "subscriptions: renews within 30 days with unassigned seats; suspended or expired",
    "Enabled/Assigned; Warning or unknown; Suspended, LockedOut; off: Disabled, Deleted",
];

/// The help overlay's lines, (keys, what they do): the keys, a blank line, then the legend with
/// `legend_keys` (the glyphs, which the view knows) before each text.
pub fn help_rows(ascii: bool, legend_keys: [String; 3]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = help_lines(ascii)
        .into_iter()
        .map(|(k, h)| (k, h.to_string()))
        .collect();
    out.push((String::new(), String::new()));
    out.extend(legend_keys.into_iter().zip(LEGEND.map(String::from)));
    out.push((String::new(), String::new()));
    for (name, args, what) in crate::app::command::COMMANDS {
        let keys = match args.is_empty() {
            true => format!(":{name}"),
            false => format!(":{name} {args}"),
        };
        out.push((keys, what.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn design_keys_map_to_their_actions() {
        let none = KeyModifiers::NONE;
        let cases = [
            (key(KeyCode::Char('j'), none), Action::Down),
            (key(KeyCode::Down, none), Action::Down),
            (key(KeyCode::Char('k'), none), Action::Up),
            (key(KeyCode::Up, none), Action::Up),
            (key(KeyCode::PageDown, none), Action::PageDown),
            (
                key(KeyCode::Char('d'), KeyModifiers::CONTROL),
                Action::HalfPageDown,
            ),
            (
                key(KeyCode::Char('u'), KeyModifiers::CONTROL),
                Action::HalfPageUp,
            ),
            (key(KeyCode::Char('g'), none), Action::Top),
            (key(KeyCode::Char('G'), KeyModifiers::SHIFT), Action::Bottom),
            (key(KeyCode::End, none), Action::Bottom),
            (key(KeyCode::Enter, none), Action::Open),
            (key(KeyCode::Char('l'), none), Action::Open),
            (key(KeyCode::Right, none), Action::Open),
            (key(KeyCode::Esc, none), Action::Back),
            (key(KeyCode::Char('h'), none), Action::Back),
            (key(KeyCode::Left, none), Action::Back),
            (key(KeyCode::Backspace, none), Action::Back),
            (key(KeyCode::Tab, none), Action::NextTab),
            (key(KeyCode::BackTab, KeyModifiers::SHIFT), Action::PrevTab),
            (key(KeyCode::Char('/'), none), Action::Filter),
            (key(KeyCode::Char('s'), none), Action::Skus),
            (key(KeyCode::Char('S'), KeyModifiers::SHIFT), Action::Search),
            (key(KeyCode::Char('y'), none), Action::Raw),
            (key(KeyCode::Char('c'), none), Action::Copy),
            (key(KeyCode::Char('e'), none), Action::Export),
            (key(KeyCode::Char('r'), none), Action::Refresh),
            (key(KeyCode::Char('?'), KeyModifiers::SHIFT), Action::Help),
            (key(KeyCode::Char('q'), none), Action::Quit),
            (key(KeyCode::Char('c'), KeyModifiers::CONTROL), Action::Quit),
            (
                key(
                    KeyCode::Char('C'),
                    KeyModifiers::CONTROL | KeyModifiers::SHIFT,
                ),
                Action::Quit,
            ),
        ];
        for (event, want) in cases {
            assert_eq!(action(Mode::List, &event), Some(want), "{event:?}");
        }
    }

    #[test]
    fn unbound_and_alt_keys_do_nothing() {
        assert_eq!(
            action(Mode::List, &key(KeyCode::Char('z'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            action(Mode::List, &key(KeyCode::Char('j'), KeyModifiers::ALT)),
            None
        );
        assert_eq!(
            action(Mode::List, &key(KeyCode::F(1), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        for mode in Mode::ALL {
            let all: Vec<&Key> = table(mode).flat_map(|b| b.keys.iter()).collect();
            for (i, a) in all.iter().enumerate() {
                assert!(!all[i + 1..].contains(a), "{a:?} bound twice in {mode:?}");
            }
        }
    }

    #[test]
    fn each_mode_maps_its_keys() {
        let none = KeyModifiers::NONE;
        let ctrl = KeyModifiers::CONTROL;
        let cases = [
            (
                Mode::Filter,
                key(KeyCode::Enter, none),
                Some(Action::Submit),
            ),
            (Mode::Filter, key(KeyCode::Esc, none), Some(Action::Cancel)),
            (Mode::Filter, key(KeyCode::Down, none), Some(Action::Down)),
            (
                Mode::Filter,
                key(KeyCode::Char('j'), none),
                Some(Action::Edit(InputRequest::InsertChar('j'))),
            ),
            (
                Mode::Filter,
                key(KeyCode::Char('W'), KeyModifiers::SHIFT),
                Some(Action::Edit(InputRequest::InsertChar('W'))),
            ),
            (
                Mode::Prompt,
                key(KeyCode::Char('w'), ctrl),
                Some(Action::Edit(InputRequest::DeletePrevWord)),
            ),
            (Mode::Prompt, key(KeyCode::Down, none), None),
            (Mode::Prompt, key(KeyCode::Char('x'), ctrl), None),
            (
                Mode::Help,
                key(KeyCode::Char('h'), none),
                Some(Action::Close),
            ),
            (
                Mode::Help,
                key(KeyCode::Char('j'), none),
                Some(Action::Down),
            ),
            (Mode::Help, key(KeyCode::Char('/'), none), None),
            (
                Mode::Modal,
                key(KeyCode::Char('c'), none),
                Some(Action::CopyCode),
            ),
            (
                Mode::Modal,
                key(KeyCode::Char('L'), KeyModifiers::SHIFT),
                Some(Action::SignIn),
            ),
            (Mode::Modal, key(KeyCode::Char('j'), none), None),
        ];
        for (mode, event, want) in cases {
            assert_eq!(action(mode, &event), want, "{mode:?} {event:?}");
        }
        for mode in Mode::ALL {
            assert_eq!(
                action(mode, &key(KeyCode::Char('c'), ctrl)),
                Some(Action::Quit)
            );
        }
    }

    #[test]
    fn hints_come_from_the_tables() {
        assert_eq!(
            hint(Mode::List, Action::Filter, false).as_deref(),
            Some("/ filter")
        );
        assert_eq!(
            hint(Mode::List, Action::Back, false).as_deref(),
            Some("h back")
        );
        assert_eq!(
            hint(Mode::Prompt, Action::Submit, false).as_deref(),
            Some("Enter searches")
        );
        assert_eq!(
            key_names(Mode::Modal, Action::SignIn, false),
            ["Enter", "L"]
        );
    }

    #[test]
    fn back_never_relies_on_esc_alone() {
        let back = LIST.iter().find(|b| b.action == Action::Back).unwrap();
        assert!(back.keys.len() >= 3);
        assert!(back.keys.contains(&tables::k('h')));
    }

    #[test]
    fn help_is_generated_from_the_table() {
        let lines = help_lines(false);
        let paired = LIST.iter().filter(|b| b.with_next.is_some()).count();
        assert_eq!(lines.len(), LIST.len() - paired);
        assert!(lines.iter().any(|(keys, _)| keys == "h Esc ← Backspace"));
        assert!(lines.iter().any(|(keys, _)| keys == "↑ ↓ k j"));
        assert!(lines.iter().any(|(keys, _)| keys == "Tab Shift-Tab"));
        let ascii = help_lines(true);
        assert!(
            ascii
                .iter()
                .all(|(keys, help)| keys.is_ascii() && help.is_ascii())
        );
    }
}
