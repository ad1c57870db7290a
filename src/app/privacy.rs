//! Privacy mode in the explorer: `:privacy` turns it on and off, and what leaves the explorer
//! (copies, exports) goes through the same pseudonyms the screen shows. The pseudonyms
//! themselves are `crate::privacy`; drawing through them is the view's.

use super::model::Model;
use super::msg::Effect;
use super::rows::Tone;

/// `:privacy`: pseudonyms on or off.
pub(crate) fn toggle(model: &mut Model) {
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
    let Some(names) = model.private_names() else {
        return;
    };
    for effect in effects {
        match effect {
            Effect::Copy(text) => *text = names.apply(text).into_owned(),
            Effect::Export(job) => {
                for cell in job.rows.iter_mut().flatten() {
                    *cell = names.apply(cell).into_owned();
                }
            }
            _ => {}
        }
    }
}
