//! `:profile NAME`: checks the name against the config's profiles and asks the edge to switch;
//! when the edge has switched, the model starts over for that partner (back to its customers,
//! nothing of the other partner kept). The edge owns the client; this only decides.

use super::model::Model;
use super::msg::{Effect, Fx, Switched};
use super::rows::Tone;
use super::session::SignIn;
use std::time::Instant;

/// `:profile` lists the profiles; `:profile NAME` switches to one.
pub(crate) fn switch(model: &mut Model, name: Option<String>, fx: &mut Fx) {
    let Some(name) = name else {
        let text = match &model.profile {
            Some(active) => format!("{} (active: {active})", known(model)),
            None => known(model),
        };
        model.flash(text, Tone::Dim);
        return;
    };
    if !model.profiles.contains(&name) {
        let text = format!(
            "unknown profile {:?}; {}",
            crate::text::sanitize(&name),
            known(model)
        );
        model.flash(text, Tone::Bad);
    } else if model.profile.as_ref() == Some(&name) {
        model.flash(format!("profile {name} is the active one"), Tone::Dim);
    } else {
        model.flash(format!("switching to profile {name}"), Tone::Dim);
        fx.effects.push(Effect::SwitchProfile(name));
    }
}

fn known(model: &Model) -> String {
    match model.profiles.is_empty() {
        true => "the config file defines no [profiles.NAME] tables".into(),
        false => format!("the profiles are {}", model.profiles.join(", ")),
    }
}

/// The edge switched (or could not). True: the model is the new partner's, to be started.
pub(crate) fn on_switched(
    model: &mut Model,
    result: Result<Switched, String>,
    now: Instant,
) -> bool {
    let switched = match result {
        Ok(switched) => switched,
        Err(why) => {
            model.flash(format!("cannot switch profiles: {why}"), Tone::Bad);
            return false;
        }
    };
    let mut next = model.for_next_partner(now);
    next.signin = SignIn::from_options(switched.signin.as_ref(), false);
    // A sign-in answer for the old partner carries an attempt number the new one never uses.
    next.signin.attempt = model.signin.attempt;
    next.settings.deadline = switched.deadline;
    next.privacy &= switched.names.is_some();
    next.names = switched.names;
    next.flash(format!("profile {}", switched.name), Tone::Ok);
    next.profile = Some(switched.name);
    *model = next;
    true
}
