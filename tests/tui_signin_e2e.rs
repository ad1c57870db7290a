//! Signed out in the middle of a session, end to end: the real event loop (headless, keys from
//! a script that waits on what is drawn), the login-cache token provider, and the sandbox with
//! strict auth. The saved sign-in is revoked under the running explorer; the next pane is
//! refused, the "signed out" modal shows a code, the sandbox approves after a few polls, and
//! the pane loads, with the stack, selections and filters as they were. Also: a refused
//! PCX_ACCESS_TOKEN is explained in place (no modal), and a token without MFA is flagged.

mod common;

use common::{Seen, Step, TempDir, client_with, env_of, login_settings, on, run_script};
use pcx::api::{Secret, TokenProvider};
use pcx::app::cache::LoadStatus;
use pcx::app::model::{Model, ScreenKind};
use pcx::app::session::{Account, Flow};
use pcx::app::{SignInOptions, UiOptions};
use pcx::auth::{self, LoginSettings, PollPolicy, TokenSource};
use pcx::sandbox::{PARTNER_ADMIN, Sandbox};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENT: &str = "00000000-0000-0000-0000-0000000000c1";

async fn sandbox(approve_after: u32) -> Sandbox {
    common::strict_sandbox(4, approve_after).await
}

/// The explorer at 120×40 through `steps`, with a minute's guard against a hang.
async fn run(
    base_url: &str,
    tokens: Arc<dyn TokenProvider>,
    options: UiOptions,
    steps: Vec<Step<'_>>,
) -> Seen {
    let api = client_with(base_url, tokens, |_| {});
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    run_script(&mut terminal, api, options, steps, Duration::from_secs(60)).await
}

/// What a sign-in must leave alone: each screen's kind, cursor, selected row and filter.
fn stack(model: &Model) -> Vec<String> {
    model
        .screens
        .iter()
        .map(|s| {
            format!(
                "{:?} sel={} id={:?} filter={:?}",
                s.kind,
                s.selected,
                s.selected_id,
                s.filter.as_ref().map(|f| f.query().to_string())
            )
        })
        .collect()
}

/// The top pane's data is loaded.
fn top_ready(m: &Model) -> bool {
    let query = m.top().kind.query();
    query.is_some_and(|q| matches!(m.cache.status(&q), LoadStatus::Ready { .. }))
}

fn users_ready(m: &Model) -> bool {
    matches!(m.top().kind, ScreenKind::Users { .. }) && top_ready(m)
}

fn top_loaded_licenses(m: &Model) -> bool {
    matches!(m.top().kind, ScreenKind::Licenses { .. }) && top_ready(m)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_is_renewed_in_place_and_the_refused_pane_loads() {
    let sandbox = sandbox(3).await;
    let dir = TempDir::new("test");
    let settings = login_settings(&sandbox.base_url(), &dir, CLIENT);
    let login = LoginSettings::resolve(&settings);
    let mut out = Vec::new();
    auth::login_with(&login, common::fast_polls(), &mut out)
        .await
        .unwrap();
    let tokens = auth::token_provider(&settings, &env_of(&[]));
    let options = UiOptions {
        title: "test".into(),
        signin: Some(SignInOptions {
            source: auth::token_source(&settings, &env_of(&[])),
            login: Some(login),
            // Long enough between polls that the code is on screen before it is approved.
            poll: PollPolicy {
                min_interval: Duration::from_millis(150),
                slow_down_step: Duration::from_millis(150),
            },
        }),
        ..UiOptions::default()
    };
    assert_eq!(
        options.signin.as_ref().map(|s| &s.source),
        Some(&TokenSource::LoginCache)
    );
    let cache_file = settings.login_cache_file();
    let before = Arc::new(Mutex::new(Vec::new()));
    let record = before.clone();
    let steps = vec![
        on(
            |m, s| {
                s.contains("3 of 3")
                    && s.contains("admin@demo-partner.onmicrosoft.com")
                    && m.signin.identity().is_some_and(|i| i.mfa == Some(true))
            },
            "j\n",
        ),
        on(|m, _| users_ready(m), "/@\nj"),
        // Filtered and moved: now the sign-in is revoked (tokens unknown to the sandbox).
        on(
            |m, _| users_ready(m) && m.top().filter.is_some() && m.top().selected == 1,
            "\n",
        )
        .then(move |_, _| {
            let mut cache = auth::cache::load(&cache_file).unwrap();
            cache.logins[0].access_token = Secret::new("revoked-access-token");
            cache.logins[0].refresh_token = Some(Secret::new("revoked-refresh-token"));
            auth::cache::save(&cache_file, &cache).unwrap();
        }),
        on(
            |m, s| {
                m.signin.visible
                    && matches!(m.signin.flow, Flow::Waiting { .. })
                    && s.contains("Signed out")
            },
            "",
        )
        .then(move |m, _| *record.lock().unwrap() = stack(m)),
        on(
            |m, s| top_loaded_licenses(m) && !m.signin.visible && s.contains("signed in as"),
            "q",
        ),
    ];
    let Seen { model, frames, .. } = run(&sandbox.base_url(), tokens, options, steps).await;

    // The modal showed the sandbox's verification address and a code.
    let modal = frames
        .iter()
        .find(|f| f.contains("Signed out") && f.contains("and enter the code:"))
        .expect("a frame with the modal and its code");
    let address = format!("{}/devicelogin", sandbox.base_url());
    assert!(modal.contains(&address), "{modal}");
    let code_line = modal
        .lines()
        .skip_while(|l| !l.contains("and enter the code:"))
        .nth(1)
        .unwrap_or_default();
    let code = code_line.split('│').nth(2).unwrap_or_default().trim();
    assert_eq!(code.len(), 9, "a 9-character code: {code_line:?}");
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric()), "{code}");
    assert!(modal.contains("The code is valid for"), "{modal}");
    finish(model, &before, &sandbox);
}

fn finish(model: Model, before: &Arc<Mutex<Vec<String>>>, sandbox: &Sandbox) {
    // The pane that was refused loaded; everything else is as it was when the modal opened.
    assert!(top_loaded_licenses(&model));
    let before = before.lock().unwrap().clone();
    let after = stack(&model);
    assert_eq!(before.len(), 3, "{before:?}");
    assert_eq!(after[..2], before[..2], "customers and users untouched");
    assert_eq!(
        after[2].split(" sel=").next(),
        before[2].split(" sel=").next(),
        "the same licences screen"
    );
    assert_eq!(model.signin.flow, Flow::Idle);
    assert!(
        matches!(&model.signin.account, Account::Token(Some(i)) if i.user.as_deref() == Some("admin@demo-partner.onmicrosoft.com"))
    );
    // Licences asked for twice (refused, then loaded after the sign-in); nothing else again.
    let requests = sandbox.api_requests();
    let mut paths: Vec<&str> = requests
        .iter()
        .map(|r| r.split('?').next().unwrap_or_default())
        .collect();
    let licenses = paths.iter().filter(|p| p.ends_with("/licenses")).count();
    assert_eq!(licenses, 2, "{requests:?}");
    paths.retain(|p| !p.ends_with("/licenses"));
    let count = paths.len();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(
        paths.len(),
        count,
        "no other request repeated: {requests:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_environment_token_is_explained_in_place_without_a_modal() {
    let sandbox = sandbox(1).await;
    let dir = TempDir::new("test");
    let settings = login_settings(&sandbox.base_url(), &dir, CLIENT);
    let env = env_of(&[("PCX_ACCESS_TOKEN", "not-issued-by-the-sandbox")]);
    let tokens = auth::token_provider(&settings, &env);
    let options = UiOptions {
        title: "test".into(),
        signin: Some(SignInOptions {
            source: auth::token_source(&settings, &env),
            login: None,
            poll: PollPolicy::default(),
        }),
        ..UiOptions::default()
    };
    let steps = vec![
        on(
            |_, s| s.contains("the token comes from PCX_ACCESS_TOKEN"),
            "L",
        ),
        on(
            |m, _| {
                m.flash
                    .as_ref()
                    .is_some_and(|f| f.text.contains("which pcx cannot renew"))
            },
            "q",
        ),
    ];
    let Seen { model, frames, .. } = run(&sandbox.base_url(), tokens, options, steps).await;
    assert!(!frames.iter().any(|f| f.contains("Signed out")));
    assert!(!model.signin.visible);
    assert_eq!(model.signin.flow, Flow::Idle);
    let last = frames.last().expect("frames");
    assert!(
        last.contains("signed out: Partner Center refused the token (HTTP 401"),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_without_mfa_is_flagged_in_the_status_bar() {
    let idp = sandbox(1).await;
    idp.set_mfa(false);
    let dir = TempDir::new("test");
    let settings = login_settings(&idp.base_url(), &dir, CLIENT);
    let login = LoginSettings::resolve(&settings);
    auth::login_with(&login, common::fast_polls(), &mut Vec::new())
        .await
        .unwrap();
    let options = UiOptions {
        title: "test".into(),
        signin: Some(SignInOptions {
            source: TokenSource::LoginCache,
            login: Some(login),
            poll: common::fast_polls(),
        }),
        ..UiOptions::default()
    };
    let tokens = auth::token_provider(&settings, &env_of(&[]));
    let steps = vec![on(
        |_, s| s.contains("3 of 3") && s.contains("▲ no MFA"),
        "q",
    )];
    let Seen { model, frames, .. } = run(&idp.base_url(), tokens, options, steps).await;
    let identity = model.signin.identity().expect("who is signed in");
    assert_eq!(identity.user.as_deref(), Some(PARTNER_ADMIN));
    assert_eq!(identity.mfa, Some(false));
    let shown = frames
        .iter()
        .find(|f| f.contains("▲ no MFA"))
        .expect("the warning");
    let status = shown.lines().last().unwrap_or_default();
    assert!(status.contains(PARTNER_ADMIN), "{status}");
    assert!(
        frames
            .iter()
            .any(|f| f.contains("warning: the token has no MFA claim")),
        "the full warning once, as a message"
    );
}
