//! livectl: creates and manages Tencent Cloud live rooms from a terminal.
//! `main` parses, runs, prints the error once and gives the exit code that
//! `error::exit_status` maps the run's end to.

use livectl::{app, cli, error, output};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::try_parse() {
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
            // clap quotes the value it refused: one shaped like a secret key
            // (pasted as a ROOM or USER) is not echoed.
            if e.use_stderr() && args.iter().any(|a| livectl::secret::looks_like_key(a)) {
                let mut text = e.render().to_string();
                for a in args.iter().filter(|a| livectl::secret::looks_like_key(a)) {
                    text = text.replace(a.as_str(), "<redacted>");
                }
                eprint!("{}", livectl::secret::scrub_keys(&text));
                return ExitCode::from(error::EXIT_USAGE);
            }
            // clap's "a similar argument exists" tip is dropped when the
            // two are no typo of each other (`--nope` is not `--endpoint`).
            if let Some(text) = cli::without_far_tips(&e) {
                eprint!("{text}");
                if let Some(hint) = cli::usage_hint(&e, &args) {
                    output::note(hint);
                }
                return ExitCode::from(error::EXIT_USAGE);
            }
            // --help and --version are successes; usage errors exit 2.
            let _ = e.print();
            if let Some(hint) = cli::usage_hint(&e, &args) {
                output::note(hint);
            }
            return ExitCode::from(if e.use_stderr() {
                error::EXIT_USAGE
            } else {
                error::EXIT_OK
            });
        }
    };
    let result = app::run(cli);
    let status = error::exit_status(&result);
    if let Err(e) = &result {
        output::error_report(&format!("{e:#}"), status, None, None);
    }
    ExitCode::from(status)
}
