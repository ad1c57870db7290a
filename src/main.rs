//! The `pcx` binary: parse the command line, start logging, run, report an error in one or
//! two lines on stderr. Exit status: 0 success, 1 failure, 2 usage (clap's, and the mistakes pcx
//! finds itself: an id that is not a GUID, an out-of-range flag).

use clap::Parser;
use pcx::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = pcx::logging::init(cli.global.log_file.as_deref()) {
        // The absolute path: a relative one says nothing once the operator is elsewhere.
        let path = cli
            .global
            .log_file
            .as_deref()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
            .unwrap_or_default();
        eprintln!(
            "pcx: cannot open the log file {}: {e}",
            pcx::text::sanitize(&path.display().to_string())
        );
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("pcx: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(pcx::run::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_silent() => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "pcx failed");
            eprintln!("pcx: {}", pcx::text::sanitize(&e.to_string()));
            match e.is_usage() {
                true => ExitCode::from(2),
                false => ExitCode::FAILURE,
            }
        }
    }
}
