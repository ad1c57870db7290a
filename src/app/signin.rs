//! Signing in again from inside the explorer: opens the "signed out" modal when a pane fails
//! for want of a sign-in and, once signed in, reloads exactly those panes, leaving screens,
//! selections and filters alone. Pure: the device-code flow runs in `signin_task`, reached
//! through `Effect::StartSignIn` and the messages it sends back.

use super::keymap::Action;
use super::loading;
use super::model::{Model, Query};
use super::msg::{Effect, Fx};
use super::rows::Tone;
use super::session::{Account, Flow, Renewal, advice, reason_of, sign_in_error};
use crate::api::token::Identity;
use crate::auth;
use std::time::{Duration, Instant};

/// After an answer to `query` was applied: a failure for want of a sign-in opens the modal
/// and starts a device-code sign-in, when pcx can sign in itself and none is under way.
pub(crate) fn after_fetch(model: &mut Model, query: &Query, fx: &mut Fx) {
    let Some(reason) = sign_in_error(&model.cache.view(query)).map(reason_of) else {
        return;
    };
    model.signin.reason = Some(reason);
    model.dirty = true;
    if model.signin.renewal == Renewal::InPlace && model.signin.flow == Flow::Idle {
        start(model, fx);
    }
}

/// Asks the edge for a new device code and shows the modal.
fn start(model: &mut Model, fx: &mut Fx) {
    let signin = &mut model.signin;
    signin.attempt += 1;
    signin.flow = Flow::Starting;
    signin.visible = true;
    fx.effects.push(Effect::StartSignIn {
        attempt: signin.attempt,
    });
    model.dirty = true;
}

/// `L`: sign in again here (or show the sign-in under way); elsewhere, say what to do.
pub(crate) fn sign_in(model: &mut Model, fx: &mut Fx) {
    match model.signin.renewal {
        Renewal::InPlace => match model.signin.flow {
            Flow::Starting | Flow::Waiting { .. } => {
                model.signin.visible = true;
                model.dirty = true;
            }
            Flow::Idle | Flow::Failed { .. } => start(model, fx),
        },
        renewal => model.flash(advice(renewal), Tone::Warn),
    }
}

/// Keys while the modal is up: hide it, copy the code, or ask for a new code after a failure.
pub(crate) fn modal_action(model: &mut Model, action: Action, fx: &mut Fx) {
    match action {
        Action::Close => {
            model.signin.visible = false;
            model.dirty = true;
        }
        Action::CopyCode => match &model.signin.flow {
            Flow::Waiting { user_code, .. } => fx.effects.push(Effect::Copy(user_code.clone())),
            _ => model.flash("no code to copy yet", Tone::Dim),
        },
        Action::SignIn => {
            if matches!(model.signin.flow, Flow::Failed { .. } | Flow::Idle) {
                start(model, fx);
            }
        }
        _ => {}
    }
}

/// The identity platform gave a code: show it with its countdown.
pub(crate) fn on_prompt(
    model: &mut Model,
    attempt: u64,
    user_code: String,
    verification_uri: String,
    expires_in: Duration,
    now: Instant,
) {
    if attempt != model.signin.attempt || model.signin.flow != Flow::Starting {
        return;
    }
    model.signin.flow = Flow::Waiting {
        user_code: crate::text::sanitize(user_code.trim()).into_owned(),
        verification_uri: crate::text::sanitize(verification_uri.trim()).into_owned(),
        expires_at: now + expires_in,
    };
    model.dirty = true;
}

/// Signed in: close the modal, show who, and reload every pane that failed for want of it.
pub(crate) fn on_signed_in(model: &mut Model, attempt: u64, identity: Identity, fx: &mut Fx) {
    if attempt != model.signin.attempt {
        return;
    }
    let who = identity
        .user
        .clone()
        .unwrap_or_else(|| "an unknown user".into());
    let lacks_mfa = identity.lacks_mfa();
    let signin = &mut model.signin;
    signin.flow = Flow::Idle;
    signin.visible = false;
    signin.reason = None;
    if signin.tracks_identity() {
        signin.account = Account::Token(Some(identity));
    }
    retry_signed_out(model, fx);
    if lacks_mfa {
        model.flash(
            format!("signed in as {who}, but {}", auth::NO_MFA_WARNING),
            Tone::Warn,
        );
    } else {
        model.flash(format!("signed in as {who}"), Tone::Ok);
    }
}

/// The sign-in ended without one: the modal (if shown) says why and offers a new code.
pub(crate) fn on_failed(model: &mut Model, attempt: u64, message: String) {
    if attempt != model.signin.attempt {
        return;
    }
    model.signin.flow = Flow::Failed {
        message: crate::text::sanitize(&message).into_owned(),
    };
    model.dirty = true;
}

/// The token provider's identity after a fetch (a silent refresh, a sign-in elsewhere).
pub(crate) fn on_identity(model: &mut Model, identity: Option<Identity>) {
    let Account::Token(current) = &model.signin.account else {
        return;
    };
    if *current == identity {
        return;
    }
    // Said once when a token without MFA appears, not on every silent refresh.
    let newly_without_mfa = match (&identity, current) {
        (Some(new), Some(old)) => new.lacks_mfa() && (!old.lacks_mfa() || old.user != new.user),
        (Some(new), None) => new.lacks_mfa(),
        (None, _) => false,
    };
    model.signin.account = Account::Token(identity);
    model.dirty = true;
    if newly_without_mfa && model.flash.is_none() {
        model.flash(format!("warning: {}", auth::NO_MFA_WARNING), Tone::Warn);
    }
}

/// Reloads each query on the stack whose pane failed for want of a sign-in.
fn retry_signed_out(model: &mut Model, fx: &mut Fx) {
    let mut queries: Vec<Query> = Vec::new();
    for screen in &model.screens {
        if let Some(query) = screen.kind.query()
            && !queries.contains(&query)
            && sign_in_error(&model.cache.view(&query)).is_some()
        {
            queries.push(query);
        }
    }
    for query in &queries {
        loading::refresh(model, query, fx);
    }
    model.dirty = true;
}
