//! The device-code sign-in as a background task of the explorer: asks the identity platform
//! for a code, reports it, waits for the operator, then reports who signed in (saved in the
//! login cache, where the token provider picks it up) or why not. Talks to the loop only
//! through `Msg`s; owns no model state. Dropping the runner abandons a sign-in under way.

use super::edge::EdgeSender;
use super::msg::Msg;
use crate::auth::{AuthError, DeviceLogin, LoginSettings, PollPolicy};
use tokio::task::JoinHandle;

/// Starts sign-ins for the event loop, one at a time.
pub(crate) struct SignInRunner {
    login: Option<(LoginSettings, PollPolicy)>,
    out: EdgeSender,
    task: Option<JoinHandle<()>>,
}

impl SignInRunner {
    /// `login`: where a sign-in goes (None: pcx cannot sign in here, and says so if asked).
    pub fn new(login: Option<(LoginSettings, PollPolicy)>, out: EdgeSender) -> Self {
        Self {
            login,
            out,
            task: None,
        }
    }

    /// Starts sign-in `attempt`, abandoning one under way (its code is no longer shown).
    pub fn start(&mut self, attempt: u64) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        let Some((settings, policy)) = self.login.clone() else {
            let _ = self.out.send(Msg::SignInFailed {
                attempt,
                message: "pcx cannot sign in here: the token does not come from `pcx login`".into(),
            });
            return;
        };
        let out = self.out.clone();
        self.task = Some(tokio::spawn(run(settings, policy, attempt, out)));
    }
}

impl Drop for SignInRunner {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn run(settings: LoginSettings, policy: PollPolicy, attempt: u64, out: EdgeSender) {
    let login = match DeviceLogin::start(&settings).await {
        Ok(login) => login.with_poll_policy(policy),
        Err(e) => {
            tracing::warn!(error = %e, "the in-place sign-in could not start");
            let _ = out.send(Msg::SignInFailed {
                attempt,
                message: failure_text(&e),
            });
            return;
        }
    };
    let prompt = login.prompt().clone();
    let _ = out.send(Msg::SignInPrompt {
        attempt,
        user_code: prompt.user_code,
        verification_uri: prompt.verification_uri,
        expires_in: prompt.expires_in,
    });
    let msg = match login.complete().await {
        Ok(identity) => Msg::SignedIn { attempt, identity },
        Err(e) => {
            tracing::warn!(error = %e, "the in-place sign-in did not complete");
            Msg::SignInFailed {
                attempt,
                message: failure_text(&e),
            }
        }
    };
    let _ = out.send(msg);
}

/// In the explorer a new code is one key away, so no "run `pcx login`" advice.
fn failure_text(error: &AuthError) -> String {
    match error {
        AuthError::Declined => "the sign-in was declined in the browser".into(),
        AuthError::Expired => "the code expired before the sign-in was completed".into(),
        other => other.to_string(),
    }
}
