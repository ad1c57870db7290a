//! Partner profiles: `[profiles.NAME]` tables chosen by `--profile` or `PCX_PROFILE`, each
//! with its own sign-in cache and store; an unknown name is refused with the known ones; the
//! listing commands reach the profile's partner.

mod common;

use common::{TempDir, env_of, write_config};
use pcx::cli::GlobalArgs;
use pcx::config::{ConfigError, Paths, Settings};
use pcx::sandbox::SandboxConfig;

fn load(
    dir: &TempDir,
    profile: Option<&str>,
    env: &[(&str, &str)],
) -> Result<Settings, ConfigError> {
    let global = GlobalArgs {
        profile: profile.map(str::to_string),
        ..GlobalArgs::default()
    };
    Settings::load_with_paths(&global, None, &env_of(env), Paths::under(dir.path()))
}

const TWO: &str = r#"
base_url = "https://top.example"
tenant = "top.onmicrosoft.com"
[profiles.alpha]
base_url = "https://alpha.example"
tenant = "alpha.onmicrosoft.com"
[profiles.beta]
base_url = "https://beta.example"
store = "/tmp/beta.sqlite"
"#;

#[test]
fn a_profile_replaces_the_files_values_and_has_its_own_cache_and_store() {
    let dir = TempDir::new("profiles");
    write_config(&dir, TWO);
    let none = load(&dir, None, &[]).unwrap();
    assert_eq!(none.base_url.value, "https://top.example");
    assert_eq!(none.profiles, ["alpha", "beta"]);
    let alpha = load(&dir, Some("alpha"), &[]).unwrap();
    assert_eq!(alpha.base_url.value, "https://alpha.example");
    assert_eq!(alpha.tenant.value, "alpha.onmicrosoft.com");
    assert_eq!(alpha.profile.as_deref(), Some("alpha"));
    let beta = load(&dir, None, &[("PCX_PROFILE", "beta")]).unwrap();
    assert_eq!(beta.base_url.value, "https://beta.example");
    // beta sets no tenant: the file's own value stays.
    assert_eq!(beta.tenant.value, "top.onmicrosoft.com");
    assert_eq!(beta.db.value, std::path::PathBuf::from("/tmp/beta.sqlite"));
    // Own sign-in cache entries and own snapshots.
    let caches = [
        none.login_cache_file(),
        alpha.login_cache_file(),
        beta.login_cache_file(),
    ];
    assert!(caches[0] != caches[1] && caches[1] != caches[2] && caches[0] != caches[2]);
    assert_ne!(alpha.db.value, none.db.value);
    assert_ne!(alpha.db.value, beta.db.value);
    // The flag beats the variable.
    let flag = load(&dir, Some("alpha"), &[("PCX_PROFILE", "beta")]).unwrap();
    assert_eq!(flag.profile.as_deref(), Some("alpha"));
}

#[test]
fn an_unknown_profile_is_refused_naming_the_known_ones() {
    let dir = TempDir::new("profiles");
    write_config(&dir, TWO);
    let err = load(&dir, Some("gamma"), &[]).unwrap_err().to_string();
    assert!(
        err.contains("gamma") && err.contains("alpha") && err.contains("beta"),
        "{err}"
    );
    write_config(&dir, "[profiles.alpha]\nbase_uri = \"https://x.example\"\n");
    let err = load(&dir, Some("alpha"), &[]).unwrap_err().to_string();
    assert!(err.contains("base_uri") && err.contains("store"), "{err}");
    write_config(
        &dir,
        "[profiles.\"../x\"]\nbase_url = \"https://x.example\"\n",
    );
    assert!(load(&dir, None, &[]).is_err());
}

#[tokio::test]
async fn listings_reach_the_chosen_profiles_partner() {
    let a = common::start_sandbox(SandboxConfig::generated(3, 1, 1)).await;
    let b = common::start_sandbox(SandboxConfig::generated(5, 1, 2)).await;
    let dir = TempDir::new("profiles-cli");
    let config = write_config(
        &dir,
        &format!(
            "[profiles.alpha]\nbase_url = \"{}\"\n[profiles.beta]\nbase_url = \"{}\"\n",
            a.base_url(),
            b.base_url()
        ),
    );
    let run = |args: &'static [&'static str], env: Option<(&'static str, &'static str)>| {
        let mut command = common::pcx_command(dir.path());
        command
            .args(args)
            .env("PCX_ACCESS_TOKEN", "t")
            .arg("--config")
            .arg(&config);
        if let Some((k, v)) = env {
            command.env(k, v);
        }
        command.output()
    };
    let count = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout)
            .unwrap()
            .len()
    };
    let alpha = run(&["--profile", "alpha", "customers", "-o", "json"], None)
        .await
        .unwrap();
    assert_eq!(count(alpha), 3);
    let beta = run(&["customers", "-o", "json"], Some(("PCX_PROFILE", "beta")))
        .await
        .unwrap();
    assert_eq!(count(beta), 5);
    let info = run(&["--profile", "beta", "info"], None).await.unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        text.contains("alpha") && text.contains("beta") && text.contains("active"),
        "{text}"
    );
    let gamma = run(&["--profile", "gamma", "customers"], None)
        .await
        .unwrap();
    assert!(!gamma.status.success());
    let err = String::from_utf8_lossy(&gamma.stderr);
    assert!(err.contains("alpha") && err.contains("beta"), "{err}");
}

/// `:profile beta` on a model that still waits for alpha's customers: after the switch the
/// list is beta's, and alpha's answer arriving late is dropped (its request id is not one the
/// new partner's model asked with).
#[test]
fn a_late_answer_of_the_partner_left_behind_is_never_shown() {
    use common::{Driver, code, done, named_customer, selected_label};
    use crossterm::event::KeyCode;
    use pcx::app::msg::{Effect, Msg, Switched};
    use pcx::fetch::{Payload, Query};
    let mut d = Driver::new(120, 30);
    d.model.profiles = vec!["alpha".into(), "beta".into()];
    d.model.profile = Some("alpha".into());
    let customers = Query::Customers { search: None };
    let alphas = d.last_for(&customers);
    d.press(":profile gamma");
    d.send(code(KeyCode::Enter));
    let said = d.model.flash.as_ref().map(|f| f.text.clone()).unwrap();
    assert!(said.contains("alpha, beta"), "{said}");
    d.press(":profile beta");
    let effects = d.send(code(KeyCode::Enter));
    assert!(effects.contains(&Effect::SwitchProfile("beta".into())));
    d.send(Msg::ProfileSwitched(Ok(Switched {
        name: "beta".into(),
        signin: None,
        names: None,
        deadline: std::time::Duration::from_secs(90),
    })));
    assert_eq!(d.model.profile.as_deref(), Some("beta"));
    assert_eq!(d.model.history, vec!["profile gamma", "profile beta"]);
    let betas = d.last_for(&customers);
    assert_ne!(betas.id, alphas.id, "beta's customers are asked for anew");
    let late = vec![named_customer(1, "Alpha Late Ltd", "alpha.example")];
    d.send(done(&alphas, Ok(Payload::Customers(late, None))));
    let shown = d.model.top().view(&d.model.cache).table().is_some();
    assert!(!shown, "alpha's rows are not shown");
    let rows = vec![named_customer(2, "Beta Bikes", "beta.example")];
    d.send(done(&betas, Ok(Payload::Customers(rows, None))));
    assert_eq!(selected_label(&d), "Beta Bikes");
}

/// The explorer on alpha (slow) switches to beta (slower) while alpha's customers are in
/// flight: from the switch on, no frame shows an alpha customer, beta's arrive, and the title
/// names the active profile.
#[tokio::test]
async fn switching_profiles_between_two_sandboxes_never_shows_the_first_partners_rows() {
    use common::{client, on, run_script};
    use pcx::app::{Partner, Profiles, StoreOptions};
    use pcx::store::Location;
    use ratatui::{Terminal, backend::TestBackend};
    let alpha = common::start_sandbox(SandboxConfig::generated(4, 1, 11)).await;
    let beta = common::start_sandbox(SandboxConfig::generated(3, 1, 12)).await;
    let (alpha_names, beta_names) = (names(&alpha).await, names(&beta).await);
    alpha.set_latency_ms(1000);
    beta.set_latency_ms(2500);
    let urls = [("alpha", alpha.base_url()), ("beta", beta.base_url())];
    let dir = TempDir::new("profile-switch");
    // Each profile's store, not yet scanned: no file.
    let stores = dir.path().to_path_buf();
    let open = move |name: &str| -> Result<Partner, String> {
        let (_, url) = urls.iter().find(|(n, _)| *n == name).ok_or("no such")?;
        Ok(Partner {
            client: client(url, "t"),
            title: format!("profile {name}"),
            signin: None,
            store: StoreOptions {
                location: Location::File(stores.join(format!("{name}.sqlite"))),
                ..StoreOptions::default()
            },
        })
    };
    let options = pcx::app::UiOptions {
        title: "profile alpha".into(),
        profiles: Profiles {
            active: Some("alpha".into()),
            known: vec!["alpha".into(), "beta".into()],
            open: Some(std::sync::Arc::new(open)),
        },
        ..common::options(dir.path())
    };
    let shows_beta = |_: &pcx::app::Model, screen: &str| screen.contains(&beta_names[0]);
    let steps = vec![on(|m, _| m.busy(), ":profile beta\n"), on(shows_beta, "q")];
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let seen = run_script(
        &mut terminal,
        client(&alpha.base_url(), "t"),
        options,
        steps,
        std::time::Duration::from_secs(60),
    )
    .await;
    let switched = seen
        .frames
        .iter()
        .position(|f| f.contains("profile beta"))
        .expect("a frame names the new profile");
    for frame in &seen.frames[switched..] {
        for name in &alpha_names {
            assert!(
                !frame.contains(name.as_str()),
                "{name} after the switch:\n{frame}"
            );
        }
    }
    assert_eq!(seen.model.profile.as_deref(), Some("beta"));
    // A profile never scanned has no store file yet: that is no error, the hint says how.
    assert!(
        seen.frames
            .iter()
            .all(|f| !f.contains("cannot read the store"))
    );
    assert!(
        seen.model.told_no_snapshot,
        "the status bar tells how to get a snapshot"
    );
}

/// The company names a sandbox serves (one page holds them all).
async fn names(sandbox: &pcx::sandbox::Sandbox) -> Vec<String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let url = format!("{}/v1/customers?size=500", sandbox.base_url());
    let page: serde_json::Value = reqwest::Client::new()
        .get(url)
        .bearer_auth("t")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = items
        .iter()
        .filter_map(|c| c["companyProfile"]["companyName"].as_str())
        .map(str::to_string)
        .collect();
    assert!(!names.is_empty(), "the sandbox serves customers");
    names
}
