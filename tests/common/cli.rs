//! The `pcx` binary as the command-line tests run it: in a home of its own, with none of the
//! caller's token, base URL or profile, and nothing on stdin.

use std::path::Path;
use std::process::Stdio;

/// `pcx` with `home` as HOME and its `config`, `cache` and `data` folders as the XDG
/// directories; no PCX_ACCESS_TOKEN, PCX_TOKEN_COMMAND, PCX_BASE_URL or PCX_PROFILE; stdin
/// null. Blocking, for tests whose sandboxes answer from another worker thread.
pub fn pcx_std_command(home: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_pcx"));
    command
        .env_remove("PCX_ACCESS_TOKEN")
        .env_remove("PCX_TOKEN_COMMAND")
        .env_remove("PCX_BASE_URL")
        .env_remove("PCX_PROFILE")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null());
    command
}

/// `pcx_std_command` run on tokio, so a sandbox on the test's own runtime keeps answering.
pub fn pcx_command(home: &Path) -> tokio::process::Command {
    pcx_std_command(home).into()
}
