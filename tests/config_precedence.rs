//! The config file and precedence: flags > environment > file > defaults, each value with its
//! source; invalid files name the file, line and key.

mod common;

use common::{TempDir, assert_says, env_of, write_config};
use pcx::cli::{ColorChoice, GlobalArgs, LoginArgs};
use pcx::config::{ConfigError, Paths, Settings, Source};

fn load(
    dir: &TempDir,
    global: &GlobalArgs,
    login: Option<&LoginArgs>,
    env: &[(&str, &str)],
) -> Result<Settings, ConfigError> {
    Settings::load_with_paths(global, login, &env_of(env), Paths::under(dir.path()))
}

#[test]
fn defaults_apply_without_file_environment_or_flags() {
    let dir = TempDir::new("test");
    let s = load(&dir, &GlobalArgs::default(), None, &[]).unwrap();
    assert_eq!(s.base_url.value, "https://api.partnercenter.microsoft.com");
    assert_eq!(s.authority.value, "https://login.microsoftonline.com");
    assert_eq!(s.tenant.value, "organizations");
    // The Partner Center PowerShell module's public client: sign-in works without an app.
    assert_eq!(s.client_id.value, "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    assert_eq!(s.client_id.source, Source::Default);
    assert_eq!(s.color.value, ColorChoice::Auto);
    assert!(!s.ascii.value);
    for source in [
        &s.base_url.source,
        &s.tenant.source,
        &s.page_size.source,
        &s.color.source,
    ] {
        assert_eq!(source, &Source::Default);
    }
    assert!(!s.config_file_loaded);
    assert_eq!(
        s.login_cache_file(),
        dir.path().join("cache").join("login.json")
    );
}

#[test]
fn flags_beat_environment_beats_file_beats_defaults() {
    let dir = TempDir::new("test");
    let file = write_config(
        &dir,
        r#"# pcx settings
base_url = "https://file.example"
tenant = "file.onmicrosoft.com"
client_id = "00000000-0000-0000-0000-0000000000f1"
locale = "de-DE"
page_size = 250
concurrency = 8
ascii = true
color = "always"
token_command = "printf file-token"
"#,
    );
    let env = [
        ("PCX_BASE_URL", "https://env.example"),
        ("PCX_TENANT", "env.onmicrosoft.com"),
        ("PCX_PAGE_SIZE", "300"),
        ("NO_COLOR", "1"),
    ];
    let global = GlobalArgs {
        base_url: Some("https://flag.example".into()),
        ..GlobalArgs::default()
    };
    let s = load(&dir, &global, None, &env).unwrap();
    assert!(s.config_file_loaded);
    assert_eq!(s.base_url.value, "https://flag.example");
    assert_eq!(s.base_url.source, Source::Flag("--base-url"));
    assert_eq!(s.tenant.value, "env.onmicrosoft.com");
    assert_eq!(s.tenant.source, Source::Env("PCX_TENANT"));
    assert_eq!(s.page_size.value, 300);
    assert_eq!(s.client_id.value, "00000000-0000-0000-0000-0000000000f1");
    assert_eq!(
        s.client_id.source,
        Source::File {
            path: file.clone(),
            line: 4
        }
    );
    assert_eq!((s.concurrency.value, s.ascii.value), (8, true));
    assert_eq!(s.locale.value.as_deref(), Some("de-DE"));
    assert_eq!(s.token_command.value.as_deref(), Some("printf file-token"));
    // no-color.org: a config file (or flag) setting overrides NO_COLOR.
    assert_eq!(s.color.value, ColorChoice::Always);
    assert_eq!(s.authority.source, Source::Default);

    let login = LoginArgs {
        tenant: Some("flag.onmicrosoft.com".into()),
        ..LoginArgs::default()
    };
    let s = load(&dir, &global, Some(&login), &env).unwrap();
    assert_eq!(s.tenant.source, Source::Flag("--tenant"));
    assert_eq!(s.tenant.value, "flag.onmicrosoft.com");
}

#[test]
fn no_color_applies_when_neither_flag_nor_file_sets_colour() {
    let dir = TempDir::new("test");
    let s = load(&dir, &GlobalArgs::default(), None, &[("NO_COLOR", "1")]).unwrap();
    assert_eq!(
        (s.color.value, s.color.source),
        (ColorChoice::Never, Source::Env("NO_COLOR"))
    );
    let global = GlobalArgs {
        color: Some(ColorChoice::Always),
        ..GlobalArgs::default()
    };
    let s = load(&dir, &global, None, &[("NO_COLOR", "1")]).unwrap();
    assert_eq!(s.color.value, ColorChoice::Always);
}

#[test]
fn an_explicit_config_file_is_used_and_must_exist() {
    let dir = TempDir::new("test");
    let path = dir.path().join("other.toml");
    std::fs::write(&path, "tenant = \"other.onmicrosoft.com\"\n").unwrap();
    let global = GlobalArgs {
        config: Some(path.clone()),
        ..GlobalArgs::default()
    };
    let s = load(&dir, &global, None, &[]).unwrap();
    assert_eq!(s.tenant.source, Source::File { path, line: 1 });
    let missing = GlobalArgs {
        config: Some(dir.path().join("missing.toml")),
        ..GlobalArgs::default()
    };
    let err = load(&dir, &missing, None, &[]).unwrap_err().to_string();
    assert!(err.contains("missing.toml"), "{err}");
}

#[test]
fn invalid_files_name_the_file_line_and_key() {
    let dir = TempDir::new("test");
    let file = write_config(&dir, "tenant = \"a\"\n\npage_sise = 10\n");
    let err = load(&dir, &GlobalArgs::default(), None, &[]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}:3:", file.display())),
        "{text}"
    );
    assert!(
        text.contains("`page_sise`") && text.contains("unknown key"),
        "{text}"
    );

    // A file, and what the refusal of it must say.
    let refusals: [(&str, &[&str]); 4] = [
        (
            "# comment\npage_size = \"many\"\n",
            &["config.toml:2:", "`page_size`"],
        ),
        ("page_size = 9000\n", &["1 to 500"]),
        ("ascii = \"yes\"\n", &[":1:", "`ascii`", "true or false"]),
        (
            "base_url = \"https://x\"\nauthority = \"http://login.example.com\"\n",
            &[":2:", "`authority`", "https"],
        ),
    ];
    for (file, says) in refusals {
        write_config(&dir, file);
        let text = load(&dir, &GlobalArgs::default(), None, &[])
            .unwrap_err()
            .to_string();
        assert_says(&text, says);
    }

    write_config(&dir, "tenant = \"a\"\ntenant = [1\n");
    let err = load(&dir, &GlobalArgs::default(), None, &[]).unwrap_err();
    assert!(
        matches!(err, ConfigError::Syntax { line: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("config.toml:2:"), "{err}");
}

#[test]
fn invalid_environment_values_name_the_variable() {
    let dir = TempDir::new("test");
    let err = load(
        &dir,
        &GlobalArgs::default(),
        None,
        &[("PCX_CLIENT_ID", "not-a-guid")],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("PCX_CLIENT_ID") && err.contains("GUID"),
        "{err}"
    );
    // Empty variables count as unset.
    let s = load(&dir, &GlobalArgs::default(), None, &[("PCX_TENANT", "")]).unwrap();
    assert_eq!(s.tenant.source, Source::Default);
}

#[test]
fn info_prints_every_setting_with_its_source_and_the_paths() {
    let dir = TempDir::new("test");
    let file = write_config(&dir, "page_size = 42\n");
    let s = load(
        &dir,
        &GlobalArgs::default(),
        None,
        &[("PCX_TENANT", "env.onmicrosoft.com")],
    )
    .unwrap();
    let mut out = Vec::new();
    pcx::auth::info(&s, &env_of(&[]), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_says(
        &text,
        &[
            "base_url",
            "authority",
            "tenant",
            "client_id",
            "token_command",
            "locale",
            "color",
            "ascii",
            "page_size",
            "concurrency",
        ],
    );
    assert!(
        text.contains(&format!("file {}:1", file.display())),
        "{text}"
    );
    assert!(text.contains("env PCX_TENANT"), "{text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
    assert!(
        text.contains("login.json") && text.contains("not signed in"),
        "{text}"
    );
}
