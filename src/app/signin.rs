//! Signing in again from inside the explorer: who the token speaks for (for the status bar),
//! how a refused token can be replaced (a device code here, or only outside pcx), and the
//! "signed out" modal. It opens the modal when a pane fails for want of a sign-in and, once
//! signed in, reloads exactly those panes, leaving screens, selections and filters alone.
//! Pure: the device-code flow runs in `signin_task`, reached through `Effect::StartSignIn`
//! and the messages it sends back.

use super::cache::View;
use super::loading;
use super::model::{Model, Query};
use super::msg::Effect;
use super::rows::Tone;
use super::update::{Fx, flash};
use crate::api::ApiError;
use crate::api::token::Identity;
use crate::auth::{self, LoginSettings, PollPolicy, TokenSource};
use crossterm::event::{KeyCode, KeyEvent};
use std::time::{Duration, Instant};

/// What the explorer may do about signing in (part of `UiOptions`; None in the demo).
#[derive(Clone, Debug)]
pub struct SignInOptions {
    /// Where the token comes from.
    pub source: TokenSource,
    /// Where a device-code sign-in goes; Some only for the login cache with a client id.
    pub login: Option<LoginSettings>,
    /// How the sign-in polls (tests poll fast).
    pub poll: PollPolicy,
}

impl SignInOptions {
    pub fn renewal(&self) -> Renewal {
        match (&self.source, &self.login) {
            (TokenSource::LoginCache, Some(_)) => Renewal::InPlace,
            (TokenSource::LoginCache, None) => Renewal::NeedsClientId,
            (TokenSource::Command, _) => Renewal::Command,
            (TokenSource::EnvToken, _) => Renewal::EnvToken,
        }
    }
}

/// How a token Partner Center refuses gets replaced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Renewal {
    /// Nothing to sign in to (the demo, tests): failures are explained as any other.
    #[default]
    None,
    /// pcx signs in again here, with a device code, into the login cache.
    InPlace,
    /// The login cache, but pcx lacks the client id a device-code sign-in needs.
    NeedsClientId,
    /// A token command: the operator signs in for it (e.g. `az login`), then retries.
    Command,
    /// PCX_ACCESS_TOKEN: pcx cannot renew it at all.
    EnvToken,
}

/// What the status bar says about the account.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Account {
    /// Nothing (tests that do not care).
    #[default]
    Hidden,
    /// The built-in demo: no identity, just "demo".
    Demo,
    /// The token provider's identity; None before any sign-in or for an opaque token.
    Token(Option<Identity>),
}

/// Where a sign-in stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Flow {
    /// None under way.
    Idle,
    /// A code has been asked for.
    Starting,
    /// The operator is to enter `user_code` at `verification_uri` before `expires_at`.
    Waiting {
        user_code: String,
        verification_uri: String,
        expires_at: Instant,
    },
    /// It ended without a sign-in; why.
    Failed { message: String },
}

/// The model's sign-in state.
#[derive(Clone, Debug)]
pub struct SignIn {
    pub renewal: Renewal,
    pub account: Account,
    pub flow: Flow,
    /// The modal is on screen (a sign-in can go on while it is hidden).
    pub visible: bool,
    /// Why the last sign-in failure happened (Partner Center's or the identity platform's
    /// words), shown in the modal.
    pub reason: Option<String>,
    attempt: u64,
}

impl Default for SignIn {
    fn default() -> Self {
        Self::new(Renewal::None, Account::Hidden)
    }
}

impl SignIn {
    pub fn new(renewal: Renewal, account: Account) -> Self {
        Self {
            renewal,
            account,
            flow: Flow::Idle,
            visible: false,
            reason: None,
            attempt: 0,
        }
    }

    /// As `UiOptions` asks: the demo shows "demo"; a real session follows the token.
    pub fn from_options(options: Option<&SignInOptions>, demo: bool) -> Self {
        match (options, demo) {
            (_, true) => Self::new(Renewal::None, Account::Demo),
            (Some(o), false) => Self::new(o.renewal(), Account::Token(None)),
            (None, false) => Self::default(),
        }
    }

    /// The sign-in whose messages are current.
    pub fn attempt(&self) -> u64 {
        self.attempt
    }

    /// Whether the loop should pass on the token provider's identity.
    pub fn tracks_identity(&self) -> bool {
        matches!(self.account, Account::Token(_))
    }

    pub fn identity(&self) -> Option<&Identity> {
        match &self.account {
            Account::Token(identity) => identity.as_ref(),
            _ => None,
        }
    }

    /// How long the shown code stays valid.
    pub fn remaining(&self, now: Instant) -> Option<Duration> {
        match &self.flow {
            Flow::Waiting { expires_at, .. } => Some(expires_at.saturating_duration_since(now)),
            _ => None,
        }
    }

    /// The modal counts down: it needs a frame each time the shown seconds change.
    pub fn counting(&self, now: Instant) -> bool {
        self.visible && self.remaining(now).is_some_and(|left| !left.is_zero())
    }

    /// When the countdown on screen next changes.
    pub fn next_deadline(&self, now: Instant) -> Option<Instant> {
        if !self.counting(now) {
            return None;
        }
        let Flow::Waiting { expires_at, .. } = &self.flow else {
            return None;
        };
        let shown = whole_seconds(expires_at.saturating_duration_since(now));
        expires_at.checked_sub(Duration::from_secs(shown.saturating_sub(1)))
    }
}

/// Seconds as a countdown shows them (rounded up, so it reaches 0 only at the end).
pub fn whole_seconds(left: Duration) -> u64 {
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

/// The error behind a pane's sign-in problem: its failed load, or a failed next page or refresh.
pub fn sign_in_error<'a>(view: &View<'a>) -> Option<&'a ApiError> {
    let error = match view {
        View::Failed(error) => *error,
        View::Ready(_, info) => info.problem.map(|(error, _)| error)?,
        _ => return None,
    };
    auth::needs_sign_in(error).then_some(error)
}

/// Why a sign-in is needed, in one line: Partner Center's 401, or the token source's words
/// (without their own "signed out: ", which the modal's title and the pane's headline say).
pub fn reason_of(error: &ApiError) -> String {
    let text = match error {
        ApiError::SignedOut(detail) => {
            let mut text = format!("Partner Center refused the token (HTTP {}", detail.status);
            if let Some(code) = &detail.code {
                text.push_str(&format!(", code {code}"));
            }
            text.push(')');
            if let Some(description) = &detail.description {
                text.push_str(&format!(": {description}"));
            }
            text
        }
        other => {
            let text = other.to_string();
            let text = match text.strip_prefix("signed out: ") {
                Some(rest) => rest.to_string(),
                None => text,
            };
            // The explorer says itself how to sign in again (here, or for this token source):
            // "Run `pcx login`" beside "signing in again here" would contradict it.
            match text.split_once(". Run `pcx login`") {
                Some((reason, _)) => reason.to_string(),
                None => text,
            }
        }
    };
    crate::text::sanitize(&text).into_owned()
}

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
        renewal => flash(model, advice(renewal), Tone::Warn),
    }
}

/// What to do about a refused token when pcx cannot sign in itself.
pub fn advice(renewal: Renewal) -> &'static str {
    match renewal {
        Renewal::None | Renewal::InPlace => "nothing to sign in to: this session needs no sign-in",
        Renewal::NeedsClientId => {
            "to sign in here pcx needs your app registration's client id: run `pcx login --client-id GUID` \
             in another terminal (see \"Signing in\" in the README), then r retries"
        }
        Renewal::Command => {
            "the token comes from the token command: sign in again for it (e.g. `az login`) in another \
             terminal, then r retries"
        }
        Renewal::EnvToken => {
            "the token comes from PCX_ACCESS_TOKEN, which pcx cannot renew: quit, set a fresh token \
             (or unset it to use `pcx login`), and start pcx again"
        }
    }
}

/// Keys while the modal is up: hide it, copy the code, or ask for a new code after a failure.
pub(crate) fn modal_key(model: &mut Model, key: KeyEvent, fx: &mut Fx) {
    match key.code {
        KeyCode::Esc
        | KeyCode::Left
        | KeyCode::Backspace
        | KeyCode::Char('q')
        | KeyCode::Char('h') => {
            model.signin.visible = false;
            model.dirty = true;
        }
        KeyCode::Char('c') => match &model.signin.flow {
            Flow::Waiting { user_code, .. } => fx.effects.push(Effect::Copy(user_code.clone())),
            _ => flash(model, "no code to copy yet", Tone::Dim),
        },
        KeyCode::Enter | KeyCode::Char('L') => {
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
        flash(
            model,
            format!("signed in as {who}, but {}", auth::NO_MFA_WARNING),
            Tone::Warn,
        );
    } else {
        flash(model, format!("signed in as {who}"), Tone::Ok);
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
        flash(
            model,
            format!("warning: {}", auth::NO_MFA_WARNING),
            Tone::Warn,
        );
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
