//! livectl: creates and manages Tencent Cloud live rooms from a terminal.
//! `main` parses, runs, reports the error once and returns the exit code.

use clap::Parser;
use livectl::{app, cli, error, output};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // A known trap gets its own message instead of clap's.
            let args: Vec<String> = std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            if let Some(hint) = cli::trap_hint(&args).filter(|_| e.use_stderr()) {
                output::error_line(&hint);
                return ExitCode::from(error::EXIT_USAGE);
            }
            // --help and --version are successes; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                error::EXIT_USAGE
            } else {
                error::EXIT_OK
            });
        }
    };
    let result = app::run(cli);
    // Results lost to a full disk are an error (exit 1 if nothing else
    // failed); a closed pipe is not (output.rs).
    let lost = output::stdout_error();
    if let Some(msg) = &lost {
        output::error_line(msg);
    }
    match result {
        Ok(()) if lost.is_some() => ExitCode::from(error::EXIT_INTERNAL),
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = error::exit_code(&e);
            // Batch failures and interrupts were already summarised.
            if !matches!(
                e.downcast_ref::<error::Error>(),
                Some(
                    error::Error::BatchFailed(_)
                        | error::Error::Interrupted
                        | error::Error::Terminated
                )
            ) {
                output::error_line(&format!("{e:#}"));
            }
            ExitCode::from(code)
        }
    }
}
