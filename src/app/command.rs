//! The `:` command line: typing it and running what was typed (`:log`,
//! `:privacy`). It only decides what a command asks for; the log, privacy concerns
//! live in their own modules. No I/O.

use super::keymap::Action;
use super::model::Model;
use super::msg::{Effect, Fx};
use super::rows::Tone;
use tui_input::Input;

/// The commands the line knows, for the hint after an unknown one.
pub const COMMANDS: &str = ":log, :privacy";

pub fn start(model: &mut Model) {
    model.command = Some(Input::default());
    model.dirty = true;
}

/// One key while the line is open.
pub(crate) fn action(model: &mut Model, action: Action, fx: &mut Fx) {
    match action {
        Action::Cancel => model.command = None,
        Action::Submit => {
            let text = model
                .command
                .take()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            run(model, &text, fx);
        }
        Action::Edit(request) => {
            if let Some(input) = model.command.as_mut() {
                input.handle(request);
            }
        }
        _ => return,
    }
    model.dirty = true;
}

/// Runs one command line (without its `:`).
pub(crate) fn run(model: &mut Model, text: &str, fx: &mut Fx) {
    let mut words = text.split_whitespace();
    match (words.next(), words.next()) {
        (None, _) => {}
        (Some("log"), None) => super::reqlog::open(model, fx),
        (Some("privacy"), None) => toggle_privacy(model),
        (Some(other), _) => model.flash(
            format!(
                "unknown command :{}; try {COMMANDS}",
                crate::text::sanitize(other)
            ),
            Tone::Warn,
        ),
    }
}

/// `:privacy`: pseudonyms on or off.
fn toggle_privacy(model: &mut Model) {
    if model.names.is_none() {
        model.flash("privacy mode is not available in this session", Tone::Warn);
        return;
    }
    model.privacy = !model.privacy;
    let state = if model.privacy {
        "on: names and ids are pseudonyms"
    } else {
        "off"
    };
    model.flash(format!("privacy mode {state}"), Tone::Ok);
}

/// In privacy mode, what leaves the explorer (copies, exports) carries pseudonyms too.
pub(crate) fn private_effects(model: &Model, effects: &mut [Effect]) {
    if !model.privacy {
        return;
    }
    for effect in effects {
        match effect {
            Effect::Copy(text) => *text = model.shown(text).into_owned(),
            Effect::Export(job) => {
                for cell in job.rows.iter_mut().flatten() {
                    *cell = model.shown(cell).into_owned();
                }
            }
            _ => {}
        }
    }
}
