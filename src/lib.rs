//! pcx: a terminal explorer for Microsoft Partner Center. The binary (`main.rs`) only parses
//! the command line and dispatches here.

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod fetch;
pub mod listing;
pub mod logging;
pub mod output;
pub mod partner;
pub mod privacy;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod scan;
pub mod store;
pub mod subscriptions;
pub mod text;
pub mod ui;
