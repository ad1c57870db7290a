//! Who the token speaks for and the state of an in-place sign-in: the account (for the status
//! bar), how a refused token can be replaced (a device code here, or only outside pcx), and
//! the "signed out" modal's flow. Plain data read by the view; `signin` changes it.

use super::cache::PaneData;
use crate::api::ApiError;
use crate::api::token::Identity;
use crate::auth::{self, LoginSettings, PollPolicy, TokenSource};
use std::time::{Duration, Instant};

/// What the explorer may do about signing in (part of `UiOptions`; None in the demo).
#[derive(Clone, Debug)]
pub struct SignInOptions {
    /// Where the token comes from.
    pub source: TokenSource,
    /// Where a device-code sign-in goes; Some only for the login cache.
    pub login: Option<LoginSettings>,
    /// How the sign-in polls (tests poll fast).
    pub poll: PollPolicy,
}

impl SignInOptions {
    pub fn renewal(&self) -> Renewal {
        match (&self.source, &self.login) {
            (TokenSource::LoginCache, Some(_)) => Renewal::InPlace,
            (TokenSource::LoginCache, None) => Renewal::None,
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
    pub(super) attempt: u64,
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
pub fn sign_in_error<'a>(view: &PaneData<'a>) -> Option<&'a ApiError> {
    let error = match view {
        PaneData::Failed(error) => *error,
        PaneData::Ready(_, info) => info.problem.map(|(error, _)| error)?,
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

/// What to do about a refused token when pcx cannot sign in itself.
pub fn advice(renewal: Renewal) -> &'static str {
    match renewal {
        Renewal::None | Renewal::InPlace => "nothing to sign in to: this session needs no sign-in",
        Renewal::Command => auth::refused_advice(&TokenSource::Command),
        Renewal::EnvToken => auth::refused_advice(&TokenSource::EnvToken),
    }
}
