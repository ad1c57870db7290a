//! The sandbox as most tests start it: on a free loopback port, and strict for sign-in tests.

use pcx::sandbox::{Sandbox, SandboxConfig};

/// Starts a sandbox with `config` on 127.0.0.1 and a free port.
pub async fn start_sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("a sandbox on loopback")
}

/// Three generated customers with `users` users each (seed 7) behind the simulated identity
/// platform, accepting only the tokens it issued; a device code is approved after
/// `approve_after` polls, with no wait between polls.
pub async fn strict_sandbox(users: u32, approve_after: u32) -> Sandbox {
    let mut config = SandboxConfig::generated(3, users, 7);
    config.strict_auth = true;
    config.approve_after = approve_after;
    config.poll_interval_secs = 0;
    start_sandbox(config).await
}
