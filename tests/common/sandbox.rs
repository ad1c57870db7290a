//! The sandbox as most tests start it: on a free loopback port.

use pcx::sandbox::{Sandbox, SandboxConfig};

/// Starts a sandbox with `config` on 127.0.0.1 and a free port.
pub async fn start_sandbox(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config, std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("a sandbox on loopback")
}
