//! The one table from keys to actions. Key handling looks actions up here and the help
//! overlay and the README's key list are generated from it; nothing else maps keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
}

/// A key as the table names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

/// One row of the table: the keys, the action, and what the help says about it.
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
    /// Shown on one help line with the next binding, with this text (up / down pairs).
    pub with_next: Option<&'static str>,
}

/// The default key bindings (design §1).
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[code(KeyCode::Up), k('k')],
        action: Action::Up,
        help: "move up",
        with_next: Some("move up / down"),
    },
    Binding {
        keys: &[code(KeyCode::Down), k('j')],
        action: Action::Down,
        help: "move down",
        with_next: None,
    },
    Binding {
        keys: &[code(KeyCode::PageUp), ctrl('b')],
        action: Action::PageUp,
        help: "page up",
        with_next: Some("page up / down"),
    },
    Binding {
        keys: &[code(KeyCode::PageDown), ctrl('f')],
        action: Action::PageDown,
        help: "page down",
        with_next: None,
    },
    Binding {
        keys: &[ctrl('u')],
        action: Action::HalfPageUp,
        help: "half a page up",
        with_next: Some("half a page up / down"),
    },
    Binding {
        keys: &[ctrl('d')],
        action: Action::HalfPageDown,
        help: "half a page down",
        with_next: None,
    },
    Binding {
        keys: &[code(KeyCode::Home), k('g')],
        action: Action::Top,
        help: "first row",
        with_next: Some("first / last row"),
    },
    Binding {
        keys: &[code(KeyCode::End), k('G')],
        action: Action::Bottom,
        help: "last row",
        with_next: None,
    },
    Binding {
        keys: &[code(KeyCode::Enter), k('l'), code(KeyCode::Right)],
        action: Action::Open,
        help: "open: customer > users > licences > service plans",
        with_next: None,
    },
    Binding {
        keys: &[
            code(KeyCode::Esc),
            k('h'),
            code(KeyCode::Left),
            code(KeyCode::Backspace),
        ],
        action: Action::Back,
        help: "back (clears a kept filter first)",
        with_next: None,
    },
    Binding {
        keys: &[code(KeyCode::Tab)],
        action: Action::NextTab,
        help: "next tab: users, deleted users, subscribed SKUs",
        with_next: Some("next / previous tab: users, deleted users, SKUs, subscriptions"),
    },
    Binding {
        keys: &[code(KeyCode::BackTab)],
        action: Action::PrevTab,
        help: "previous tab",
        with_next: None,
    },
    Binding {
        keys: &[k('/')],
        action: Action::Filter,
        help: "filter the list (fuzzy; Enter keeps, Esc clears)",
        with_next: None,
    },
    Binding {
        keys: &[k('S')],
        action: Action::Search,
        help: "search customers by name prefix (server-side)",
        with_next: None,
    },
    Binding {
        keys: &[k('s')],
        action: Action::Skus,
        help: "the customer's subscribed SKUs (seat counts)",
        with_next: None,
    },
    Binding {
        keys: &[k('y')],
        action: Action::Raw,
        help: "raw JSON of the selected item",
        with_next: None,
    },
    Binding {
        keys: &[k('c')],
        action: Action::Copy,
        help: "copy the selected id (OSC 52)",
        with_next: None,
    },
    Binding {
        keys: &[k('e')],
        action: Action::Export,
        help: "export the view to CSV (current directory)",
        with_next: None,
    },
    Binding {
        keys: &[k('r')],
        action: Action::Refresh,
        help: "refresh / retry the current pane",
        with_next: None,
    },
    Binding {
        keys: &[k('L')],
        action: Action::SignIn,
        help: "sign in again here (device code) when signed out",
        with_next: None,
    },
    Binding {
        keys: &[k('?')],
        action: Action::Help,
        help: "help",
        with_next: None,
    },
    Binding {
        keys: &[k('q'), ctrl('c')],
        action: Action::Quit,
        help: "quit",
        with_next: None,
    },
];

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

/// The action bound to a key event.
pub fn action(event: &KeyEvent) -> Option<Action> {
    let key = normalise(event)?;
    BINDINGS
        .iter()
        .find(|b| b.keys.contains(&key))
        .map(|b| b.action)
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
    while i < BINDINGS.len() {
        let b = &BINDINGS[i];
        let names =
            |b: &Binding| -> Vec<String> { b.keys.iter().map(|k| key_name(k, ascii)).collect() };
        match (b.with_next, BINDINGS.get(i + 1)) {
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
            assert_eq!(action(&event), Some(want), "{event:?}");
        }
    }

    #[test]
    fn unbound_and_alt_keys_do_nothing() {
        assert_eq!(action(&key(KeyCode::Char('z'), KeyModifiers::NONE)), None);
        assert_eq!(action(&key(KeyCode::Char('j'), KeyModifiers::ALT)), None);
        assert_eq!(action(&key(KeyCode::F(1), KeyModifiers::NONE)), None);
    }

    #[test]
    fn no_key_is_bound_twice() {
        let all: Vec<&Key> = BINDINGS.iter().flat_map(|b| b.keys.iter()).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{a:?} bound twice");
        }
    }

    #[test]
    fn back_never_relies_on_esc_alone() {
        let back = BINDINGS.iter().find(|b| b.action == Action::Back).unwrap();
        assert!(back.keys.len() >= 3);
        assert!(back.keys.contains(&k('h')));
    }

    #[test]
    fn help_is_generated_from_the_table() {
        let lines = help_lines(false);
        let paired = BINDINGS.iter().filter(|b| b.with_next.is_some()).count();
        assert_eq!(lines.len(), BINDINGS.len() - paired);
        assert!(lines.iter().any(|(keys, _)| keys == "Esc h ← Backspace"));
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
