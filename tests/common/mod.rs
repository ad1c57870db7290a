//! The one test toolbox: a scripted run of the real event loop, one client builder, one scratch
//! directory, one way to run the `pcx` binary, screen helpers, row fixtures for pure update
//! tests, sign-in settings, a pty, the sandbox as tests start it, and the loopback servers a
//! test needs when the sandbox cannot play the part (byte-exact scripted answers, hostile
//! text).
#![allow(dead_code, unused_imports)]

pub mod backend;
pub mod cli;
pub mod client;
pub mod hostile;
pub mod login;
pub mod pty;
pub mod rows;
pub mod runner;
pub mod sandbox;
pub mod screen;
pub mod script_server;
pub mod signin;
pub mod subs;
pub mod temp;
pub mod truth;

pub use backend::*;
pub use cli::*;
pub use client::*;
pub use login::*;
pub use rows::*;
pub use runner::*;
pub use sandbox::*;
pub use screen::*;
pub use script_server::*;
pub use temp::*;
