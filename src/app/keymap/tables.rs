//! The key tables, one per mode. Edit a binding here and the keys, the help overlay, the
//! status-bar hints and the README's key table (checked by a test) all follow.

use super::{Action, Binding, Key};
use crossterm::event::KeyCode;
use tui_input::InputRequest;

pub(super) const fn k(c: char) -> Key {
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

const fn bind(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding {
        keys,
        action,
        help,
        with_next: None,
        hint: None,
    }
}

impl Binding {
    /// Shares one help line with the next binding, under this text.
    const fn paired(mut self, text: &'static str) -> Self {
        self.with_next = Some(text);
        self
    }

    /// The label this binding has in status-bar hints.
    const fn hint(mut self, label: &'static str) -> Self {
        self.hint = Some(label);
        self
    }
}

// `h` first: it is the one to use in tmux, which delays Esc.
const BACK_KEYS: &[Key] = &[
    k('h'),
    code(KeyCode::Esc),
    code(KeyCode::Left),
    code(KeyCode::Backspace),
];

/// Keys that act in every mode.
pub const GLOBAL: &[Binding] = &[bind(&[ctrl('c')], Action::Quit, "quit")];

/// Lists and the raw JSON view.
#[rustfmt::skip]
pub const LIST: &[Binding] = &[
    bind(&[code(KeyCode::Up), k('k')], Action::Up, "move up").paired("move up / down"),
    bind(&[code(KeyCode::Down), k('j')], Action::Down, "move down"),
    bind(&[code(KeyCode::PageUp), ctrl('b')], Action::PageUp, "page up").paired("page up / down"),
    bind(&[code(KeyCode::PageDown), ctrl('f')], Action::PageDown, "page down"),
    bind(&[ctrl('u')], Action::HalfPageUp, "half a page up").paired("half a page up / down"),
    bind(&[ctrl('d')], Action::HalfPageDown, "half a page down"),
    bind(&[code(KeyCode::Home), k('g')], Action::Top, "first row").paired("first / last row"),
    bind(&[code(KeyCode::End), k('G')], Action::Bottom, "last row"),
    bind(&[code(KeyCode::Enter), k('l'), code(KeyCode::Right)], Action::Open, "open: customer > users > licences > service plans"),
    bind(BACK_KEYS, Action::Back, "back (clears a kept filter first)").hint("back"),
    bind(&[code(KeyCode::Tab)], Action::NextTab, "next tab: users, deleted users, subscribed SKUs").paired("next / previous tab: users, deleted users, SKUs, subscriptions").hint("tabs"),
    bind(&[code(KeyCode::BackTab)], Action::PrevTab, "previous tab"),
    bind(&[k('/')], Action::Filter, "filter: letters in order, name before domain, best match first and selected; lower case ignores case, a capital matches exactly (Enter keeps, Esc clears)").hint("filter"),
    bind(&[k('S')], Action::Search, "search customers by name prefix (server-side)").hint("search"),
    bind(&[k('s')], Action::Skus, "the customer's subscribed SKUs (seat counts)").hint("SKUs"),
    bind(&[k('y')], Action::Raw, "raw JSON of the selected item").hint("raw"),
    bind(&[k('c')], Action::Copy, "copy the selected id (OSC 52; in tmux: set -g set-clipboard on)").hint("copy id"),
    bind(&[k('e')], Action::Export, "export the whole view to CSV (loads all pages first; current directory)").hint("export"),
    bind(&[k('r')], Action::Refresh, "refresh / retry the current pane, or ask again now when it stalls").hint("refresh"),
    bind(&[k('L')], Action::SignIn, "sign in again here (device code) when signed out").hint("sign in"),
    bind(&[k(':')], Action::Command, "command line: :problems, :seats, :who-has X, :scan, ...").hint("commands"),
    bind(&[k('o')], Action::Sort, "report: sort by the next column").hint("sort").paired("report: sort by the next column / reverse"),
    bind(&[k('O')], Action::Reverse, "report: reverse the order"),
    bind(&[k('?')], Action::Help, "help").hint("help"),
    bind(&[k('q'), ctrl('c')], Action::Quit, "quit").hint("quit"),
];

/// Typing a `:` command.
#[rustfmt::skip]
pub const COMMAND: &[Binding] = &[
    bind(&[code(KeyCode::Enter)], Action::Submit, "run the command").hint("runs"),
    bind(&[code(KeyCode::Esc)], Action::Cancel, "close the command line").hint("closes"),
    bind(&[code(KeyCode::Tab)], Action::Complete, "complete the command").hint("completes"),
    bind(&[code(KeyCode::Up)], Action::Up, "older command (history)"),
    bind(&[code(KeyCode::Down)], Action::Down, "newer command (history)"),
];

/// Keys that edit any one-line prompt (the filter and the search take them after their own).
#[rustfmt::skip]
pub const EDITING: &[Binding] = &[
    bind(&[ctrl('w')], Action::Edit(InputRequest::DeletePrevWord), "delete a word"),
    bind(&[ctrl('u')], Action::Edit(InputRequest::DeleteLine), "delete the line"),
    bind(&[ctrl('a'), code(KeyCode::Home)], Action::Edit(InputRequest::GoToStart), "to the start"),
    bind(&[ctrl('e'), code(KeyCode::End)], Action::Edit(InputRequest::GoToEnd), "to the end"),
    bind(&[code(KeyCode::Backspace)], Action::Edit(InputRequest::DeletePrevChar), "delete back"),
    bind(&[code(KeyCode::Delete)], Action::Edit(InputRequest::DeleteNextChar), "delete forward"),
    bind(&[code(KeyCode::Left)], Action::Edit(InputRequest::GoToPrevChar), "one character left"),
    bind(&[code(KeyCode::Right)], Action::Edit(InputRequest::GoToNextChar), "one character right"),
];

/// Typing a `/` filter: editing, and the list still moves.
#[rustfmt::skip]
pub const FILTER: &[Binding] = &[
    bind(&[code(KeyCode::Enter)], Action::Submit, "keep the filter").hint("keeps"),
    bind(&[code(KeyCode::Esc)], Action::Cancel, "clear the filter").hint("clears"),
    bind(&[code(KeyCode::Up)], Action::Up, "move up"),
    bind(&[code(KeyCode::Down)], Action::Down, "move down"),
    bind(&[code(KeyCode::PageUp)], Action::PageUp, "page up"),
    bind(&[code(KeyCode::PageDown)], Action::PageDown, "page down"),
];

/// Typing into the customer search.
#[rustfmt::skip]
pub const PROMPT: &[Binding] = &[
    bind(&[code(KeyCode::Enter)], Action::Submit, "search").hint("searches"),
    bind(&[code(KeyCode::Esc)], Action::Cancel, "cancel").hint("cancels"),
];

/// The request log: its list, or one request opened whole.
#[rustfmt::skip]
pub const LOG: &[Binding] = &[
    bind(&[code(KeyCode::Up), k('k')], Action::Up, "up"),
    bind(&[code(KeyCode::Down), k('j')], Action::Down, "down"),
    bind(&[code(KeyCode::PageUp), ctrl('b')], Action::PageUp, "page up"),
    bind(&[code(KeyCode::PageDown), ctrl('f')], Action::PageDown, "page down"),
    bind(&[code(KeyCode::Home), k('g')], Action::Top, "first"),
    bind(&[code(KeyCode::End), k('G')], Action::Bottom, "last"),
    bind(&[code(KeyCode::Enter), k('l'), code(KeyCode::Right)], Action::Open, "show the request whole").hint("whole"),
    bind(&[k('c')], Action::Copy, "copy as curl (token from $PCX_TOKEN)").hint("copy as curl"),
    bind(BACK_KEYS, Action::Back, "back").hint("back"),
    bind(&[k('q')], Action::Close, "close the log"),
];

/// The help overlay.
#[rustfmt::skip]
pub const HELP: &[Binding] = &[
    bind(&[k('?'), k('q'), k('h'), code(KeyCode::Esc), code(KeyCode::Left), code(KeyCode::Backspace)], Action::Close, "close the help"),
    bind(&[k('j'), code(KeyCode::Down)], Action::Down, "scroll down"),
    bind(&[k('k'), code(KeyCode::Up)], Action::Up, "scroll up"),
];

/// The "signed out" modal.
#[rustfmt::skip]
pub const MODAL: &[Binding] = &[
    bind(&[code(KeyCode::Esc), code(KeyCode::Left), code(KeyCode::Backspace), k('q'), k('h')], Action::Close, "hide the sign-in").hint("hides this"),
    bind(&[k('c')], Action::CopyCode, "copy the code").hint("copies the code"),
    bind(&[code(KeyCode::Enter), k('L')], Action::SignIn, "ask for a new code").hint("asks for a new code"),
];
