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
    // The explorer and the sandbox handle these signals themselves (the terminal, the server).
    let own_signals = matches!(cli.command, None | Some(pcx::cli::Command::Sandbox(_)));
    let outcome = match own_signals {
        true => runtime.block_on(pcx::run::run(cli)),
        false => runtime.block_on(until_signal(pcx::run::run(cli))),
    };
    // A token command still running (hung, or pcx was told to stop) ends with pcx.
    pcx::auth::children::kill_all();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_silent() => ExitCode::SUCCESS,
        Err(pcx::run::RunError::Signal(code)) => ExitCode::from(code),
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

/// Runs a command until it ends or a SIGTERM, SIGHUP or SIGINT arrives; then it stops the run
/// (its tasks, a token command) and exits as a signalled process would (128 + the signal).
async fn until_signal(
    run: impl std::future::Future<Output = Result<(), pcx::run::RunError>>,
) -> Result<(), pcx::run::RunError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [
            (SignalKind::terminate(), 15u8),
            (SignalKind::hangup(), 1),
            (SignalKind::interrupt(), 2),
        ];
        let mut streams = Vec::new();
        for (kind, number) in kinds {
            if let Ok(stream) = signal(kind) {
                streams.push((stream, number));
            }
        }
        let any = std::future::poll_fn(move |cx| {
            for (stream, number) in streams.iter_mut() {
                if stream.poll_recv(cx).is_ready() {
                    return std::task::Poll::Ready(*number);
                }
            }
            std::task::Poll::Pending
        });
        tokio::select! {
            biased;
            out = run => out,
            number = any => Err(pcx::run::RunError::Signal(128 + number)),
        }
    }
    #[cfg(not(unix))]
    {
        run.await
    }
}
