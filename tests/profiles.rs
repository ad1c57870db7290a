//! Partner profiles: `[profiles.NAME]` tables chosen by `--profile` or `PCX_PROFILE`, each
//! with its own sign-in cache and store; an unknown name is refused with the known ones; the
//! listing commands reach the profile's partner.

mod common;

use common::{TempDir, env_of};
use pcx::cli::GlobalArgs;
use pcx::config::{ConfigError, Paths, Settings};
use pcx::sandbox::SandboxConfig;

fn write_config(dir: &TempDir, text: &str) {
    let path = dir.path().join("config").join("config.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
}

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
    write_config(
        &dir,
        &format!(
            "[profiles.alpha]\nbase_url = \"{}\"\n[profiles.beta]\nbase_url = \"{}\"\n",
            a.base_url(),
            b.base_url()
        ),
    );
    let run = |args: &'static [&'static str], env: Option<(&'static str, &'static str)>| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_pcx"));
        command
            .args(args)
            .env_remove("PCX_PROFILE")
            .env_remove("PCX_BASE_URL")
            .env("PCX_ACCESS_TOKEN", "t")
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
            .arg("--config")
            .arg(dir.path().join("config").join("config.toml"))
            .stdin(std::process::Stdio::null());
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
