//! Interrupts of a batch: SIGINT or SIGTERM stops starting rows (the rows in
//! flight finish and are reported), a second one ends the process at once;
//! and the command line that continues an interrupted run. Not here: what
//! a row is (`batch::Plan`), the report (`report.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};

use super::progress::Already;
use crate::error::{EXIT_INTERRUPTED, EXIT_TERMINATED, End};

/// The installed handlers; removed on drop.
pub struct Signals {
    ids: Vec<signal_hook::SigId>,
    /// The last signal that came, 0 for none.
    which: Arc<AtomicUsize>,
}

impl Signals {
    /// SIGINT/SIGTERM set `flag`; a second one ends the process with 130
    /// (SIGINT) or 143 (SIGTERM).
    pub fn install(flag: &Arc<AtomicBool>) -> Signals {
        let which = Arc::new(AtomicUsize::new(0));
        let mut ids = Vec::new();
        for (sig, code) in [(SIGINT, EXIT_INTERRUPTED), (SIGTERM, EXIT_TERMINATED)] {
            // The shutdown must be registered first: it fires only once the
            // flag was set by an earlier signal.
            let registered = [
                signal_hook::flag::register_conditional_shutdown(sig, code.into(), flag.clone()),
                signal_hook::flag::register_usize(sig, which.clone(), sig as usize),
                signal_hook::flag::register(sig, flag.clone()),
            ];
            ids.extend(registered.into_iter().flatten());
        }
        Signals { ids, which }
    }

    /// How an interrupted run ends: SIGTERM is `Terminated` (exit 143),
    /// anything else `Interrupted` (exit 130).
    pub fn end(&self) -> End {
        stop_end(self.which.load(Ordering::SeqCst))
    }
}

fn stop_end(signal: usize) -> End {
    if signal == SIGTERM as usize {
        End::Terminated
    } else {
        End::Interrupted
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// What an interrupted run says last: the exact command that continues it,
/// quoted for a POSIX shell. With a report, the same arguments plus
/// `--resume`; without one there is nothing to resume from, so the same
/// arguments plus `--exists-ok` (create) or `--missing-ok` (destroy), under
/// which rows done before the interrupt count as done.
pub fn continue_hint(argv: &[String], has_report: bool, already: &Already, stdin: bool) -> String {
    let (flag, why) = if has_report {
        (
            "--resume",
            "to continue (rows the report marks done are skipped)".to_string(),
        )
    } else {
        (
            already.flag,
            format!(
                "without --report there is nothing to resume from; to run it again safely ({})",
                already.rerun
            ),
        )
    };
    let mut args: Vec<&str> = argv.iter().map(String::as_str).collect();
    // Before a `--`, so it stays a flag.
    let end = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    if !args[..end].contains(&flag) {
        args.insert(end, flag);
    }
    let line = shlex::try_join(args.iter().copied()).unwrap_or_else(|_| args.join(" "));
    let stdin = if stdin {
        " (feeding it the same CSV on stdin)"
    } else {
        ""
    };
    format!("{why}, run{stdin}:\n  {line}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hint for a create (`true`) or a destroy plan.
    fn hint_for(argv: &[String], has_report: bool, create: bool, stdin: bool) -> String {
        let already = if create {
            Already {
                words: "already existed",
                flag: "--exists-ok",
                code: 100_010,
                rerun: "rooms already created count as done",
            }
        } else {
            Already {
                words: "already gone",
                flag: "--missing-ok",
                code: 100_004,
                rerun: "rooms already gone count as done",
            }
        };
        continue_hint(argv, has_report, &already, stdin)
    }

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn sigterm_is_terminated_and_anything_else_interrupted() {
        assert_eq!(stop_end(SIGTERM as usize), End::Terminated);
        assert_eq!(stop_end(SIGINT as usize), End::Interrupted);
        assert_eq!(stop_end(0), End::Interrupted);
    }

    #[test]
    fn a_report_resumes_with_the_same_arguments_quoted() {
        let hint = hint_for(
            &argv(&[
                "livectl",
                "create",
                "--from-csv",
                "my rooms.csv",
                "--name",
                "it's live",
                "--report",
                "r.jsonl",
            ]),
            true,
            true,
            false,
        );
        assert_eq!(
            hint,
            "to continue (rows the report marks done are skipped), run:\n  livectl create --from-csv 'my rooms.csv' --name \"it's live\" --report r.jsonl --resume"
        );
        // What a shell would run is exactly the arguments, plus --resume.
        let tricky = argv(&[
            "livectl",
            "create",
            "--from-csv",
            "a b.csv",
            "--name",
            "$HOME `x` \\ \"q\" it's",
        ]);
        let hint = hint_for(&tricky, true, true, false);
        let line = hint.rsplit_once("\n  ").unwrap().1;
        let mut expected = tricky.clone();
        expected.push("--resume".into());
        assert_eq!(shlex::split(line), Some(expected), "{line}");
        // Already there: not twice.
        let hint = hint_for(
            &argv(&[
                "livectl",
                "create",
                "--from-csv",
                "a.csv",
                "--report",
                "r",
                "--resume",
            ]),
            true,
            true,
            false,
        );
        assert!(hint.ends_with("--report r --resume"), "{hint}");
    }

    #[test]
    fn without_a_report_it_says_how_to_rerun_safely() {
        let create = hint_for(
            &argv(&["livectl", "create", "--from-csv", "-"]),
            false,
            true,
            true,
        );
        assert!(create.contains("nothing to resume from"), "{create}");
        assert!(create.contains("on stdin"), "{create}");
        assert!(
            create.ends_with("\n  livectl create --from-csv - --exists-ok"),
            "{create}"
        );
        let destroy = hint_for(
            &argv(&["livectl", "destroy", "--yes", "--from-csv", "a.csv"]),
            false,
            false,
            false,
        );
        assert!(
            destroy.ends_with("\n  livectl destroy --yes --from-csv a.csv --missing-ok"),
            "{destroy}"
        );
    }
}
