//! Signed out in the middle of a session, end to end: the real event loop (headless, keys from
//! a script that waits on what is drawn), the login-cache token provider, and the sandbox with
//! strict auth. The saved sign-in is revoked under the running explorer; the next pane is
//! refused, the "signed out" modal shows a code, the sandbox approves after a few polls, and
//! the pane loads, with the stack, selections and filters as they were. Also: a refused
//! PCX_ACCESS_TOKEN is explained in place (no modal), and a token without MFA is flagged.

mod auth_support;
mod tui_support;

use auth_support::{Idp, IdpConfig, Scratch, env_of};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use pcx::api::{ApiClient, ClientConfig, RetryPolicy, Secret, TokenProvider};
use pcx::app::cache::Status;
use pcx::app::model::{Model, ScreenKind};
use pcx::app::signin::{Account, Flow};
use pcx::app::{ChannelEvents, SignInOptions, UiOptions, run_with};
use pcx::auth::{self, LoginSettings, PollPolicy, TokenSource};
use pcx::cli::{GlobalArgs, LoginArgs};
use pcx::config::{Paths, Settings};
use pcx::sandbox::{Sandbox, SandboxConfig};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tui_support::screen_text;

const CLIENT: &str = "00000000-0000-0000-0000-0000000000c1";

type Check = Box<dyn Fn(&Model, &str) -> bool>;
type Act = Box<dyn FnMut(&Model)>;

/// When `until` holds for a drawn frame, `act` runs and `keys` are typed.
struct Step {
    until: Check,
    act: Option<Act>,
    keys: Vec<Event>,
}

fn events(keys: &str) -> Vec<Event> {
    keys.chars()
        .map(|c| {
            let code = match c {
                '\n' => KeyCode::Enter,
                c => KeyCode::Char(c),
            };
            Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
        })
        .collect()
}

fn step(until: impl Fn(&Model, &str) -> bool + 'static, keys: &str) -> Step {
    Step {
        until: Box::new(until),
        act: None,
        keys: events(keys),
    }
}

async fn sandbox(approve_after: u32) -> Sandbox {
    let mut config = SandboxConfig::generated(3, 4, 7);
    config.strict_auth = true;
    config.approve_after = approve_after;
    config.poll_interval_secs = 0;
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap()
}

/// The settings of an operator who signs in to `base` (API and identity platform) with
/// `pcx login`.
fn settings(base: &str, dir: &Scratch) -> Settings {
    let global = GlobalArgs {
        base_url: Some(base.to_string()),
        ..GlobalArgs::default()
    };
    let login = LoginArgs {
        authority: Some(base.to_string()),
        tenant: Some("organizations".into()),
        client_id: Some(CLIENT.into()),
    };
    Settings::load_with_paths(
        &global,
        Some(&login),
        &env_of(&[]),
        Paths::under(dir.path()),
    )
    .unwrap()
}

fn client(base_url: &str, tokens: Arc<dyn TokenProvider>) -> ApiClient {
    let mut config = ClientConfig::new(base_url);
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(5),
    };
    ApiClient::new(config, tokens).unwrap()
}

/// Runs the explorer through the steps; returns the final model and every frame drawn.
async fn explore(api: ApiClient, options: UiOptions, steps: Vec<Step>) -> (Model, Vec<String>) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let mut steps = steps;
    let mut at = 0;
    let mut frames = Vec::new();
    let last = Arc::new(Mutex::new(String::new()));
    let seen = last.clone();
    let observer = |model: &Model, buf: &Buffer| {
        let screen = screen_text(buf);
        *seen.lock().unwrap() = format!("step {at}\n{screen}");
        if let Some(next) = steps.get_mut(at)
            && (next.until)(model, &screen)
        {
            if let Some(act) = next.act.as_mut() {
                act(model);
            }
            for key in &next.keys {
                let _ = tx.send(key.clone());
            }
            at += 1;
        }
        frames.push(screen);
    };
    let run = run_with(&mut terminal, ChannelEvents(rx), api, options, observer);
    // A guard against a hang, not a synchronisation: every step waits on a drawn condition.
    let Ok(result) = tokio::time::timeout(Duration::from_secs(60), run).await else {
        panic!(
            "the script did not finish; last frame at {}",
            last.lock().unwrap()
        );
    };
    (result.expect("the explorer ran without error"), frames)
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

fn users_ready(m: &Model) -> bool {
    matches!(m.top().kind, ScreenKind::Users { .. })
        && m.top()
            .kind
            .query()
            .is_some_and(|q| matches!(m.cache.status(&q), Status::Ready { .. }))
}

fn top_loaded_licences(m: &Model) -> bool {
    matches!(m.top().kind, ScreenKind::Licences { .. })
        && m.top()
            .kind
            .query()
            .is_some_and(|q| matches!(m.cache.status(&q), Status::Ready { .. }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_is_renewed_in_place_and_the_refused_pane_loads() {
    let sandbox = sandbox(3).await;
    let dir = Scratch::new();
    let settings = settings(&sandbox.base_url(), &dir);
    let login = LoginSettings::resolve(&settings);
    let mut out = Vec::new();
    auth::login_with(&login, auth_support::fast_polls(), &mut out)
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
        step(
            |m, s| {
                s.contains("3 of 3")
                    && s.contains("admin@demo-partner.onmicrosoft.com")
                    && m.signin.identity().is_some_and(|i| i.mfa == Some(true))
            },
            "j\n",
        ),
        step(|m, _| users_ready(m), "/@\nj"),
        Step {
            // Filtered and moved: now the sign-in is revoked (tokens unknown to the sandbox).
            until: Box::new(|m, _| {
                users_ready(m) && m.top().filter.is_some() && m.top().selected == 1
            }),
            act: Some(Box::new(move |_| {
                let mut cache = auth::cache::load(&cache_file).unwrap();
                cache.logins[0].access_token = Secret::new("revoked-access-token");
                cache.logins[0].refresh_token = Some(Secret::new("revoked-refresh-token"));
                auth::cache::save(&cache_file, &cache).unwrap();
            })),
            keys: events("\n"),
        },
        Step {
            until: Box::new(|m, s| {
                m.signin.visible
                    && matches!(m.signin.flow, Flow::Waiting { .. })
                    && s.contains("Signed out")
            }),
            act: Some(Box::new(move |m| *record.lock().unwrap() = stack(m))),
            keys: Vec::new(),
        },
        step(
            |m, s| top_loaded_licences(m) && !m.signin.visible && s.contains("signed in as"),
            "q",
        ),
    ];
    let (model, frames) = explore(client(&sandbox.base_url(), tokens), options, steps).await;

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
    assert!(top_loaded_licences(&model));
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
    let licences = paths.iter().filter(|p| p.ends_with("/licenses")).count();
    assert_eq!(licences, 2, "{requests:?}");
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
    let dir = Scratch::new();
    let settings = settings(&sandbox.base_url(), &dir);
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
        step(
            |_, s| s.contains("the token comes from PCX_ACCESS_TOKEN"),
            "L",
        ),
        step(
            |m, _| {
                m.flash
                    .as_ref()
                    .is_some_and(|f| f.text.contains("which pcx cannot renew"))
            },
            "q",
        ),
    ];
    let (model, frames) = explore(client(&sandbox.base_url(), tokens), options, steps).await;
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
    let idp = Idp::start(IdpConfig {
        mfa: false,
        ..IdpConfig::default()
    })
    .await;
    let dir = Scratch::new();
    let settings = settings(&idp.url(), &dir);
    let login = LoginSettings::resolve(&settings);
    auth::login_with(&login, auth_support::fast_polls(), &mut Vec::new())
        .await
        .unwrap();
    let options = UiOptions {
        title: "test".into(),
        signin: Some(SignInOptions {
            source: TokenSource::LoginCache,
            login: Some(login),
            poll: auth_support::fast_polls(),
        }),
        ..UiOptions::default()
    };
    let tokens = auth::token_provider(&settings, &env_of(&[]));
    let steps = vec![step(
        |_, s| s.contains("Contoso") && s.contains("▲ no MFA"),
        "q",
    )];
    let (model, frames) = explore(client(&idp.url(), tokens), options, steps).await;
    let identity = model.signin.identity().expect("who is signed in");
    assert_eq!(identity.user.as_deref(), Some("ops@contoso.example"));
    assert_eq!(identity.mfa, Some(false));
    let shown = frames
        .iter()
        .find(|f| f.contains("▲ no MFA"))
        .expect("the warning");
    let status = shown.lines().last().unwrap_or_default();
    assert!(status.contains("ops@contoso.example"), "{status}");
    assert!(
        frames
            .iter()
            .any(|f| f.contains("warning: the token has no MFA claim")),
        "the full warning once, as a message"
    );
}
