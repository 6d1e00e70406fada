//! Interrupts of a batch: SIGINT or SIGTERM stops starting rows (the rows in
//! flight finish and are reported); a second one at least [`SAME`] later
//! stops waiting for the rows in flight. Either way the run prints its
//! summary and the command that continues it. Signals closer together than
//! [`SAME`] are one interrupt: `timeout -s INT` and some supervisors send one
//! to the process and one to its group. Also here: that command line. Not
//! here: what a row is (`batch::Plan`), the report (`report.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use signal_hook::consts::{SIGINT, SIGTERM};

use super::progress::Already;
use crate::error::End;

/// Signals closer together than this are one interrupt.
pub const SAME: Duration = Duration::from_millis(500);

/// What a signal does to the run.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// The first: start nothing new.
    Stop,
    /// Within [`SAME`] of the first: the same interrupt.
    Same,
    /// A later one: stop waiting for the rows in flight.
    Abandon,
}

/// The step of a signal at `now`, given when the first came (set by it).
fn step(first: &mut Option<Duration>, now: Duration) -> Step {
    match *first {
        None => {
            *first = Some(now);
            Step::Stop
        }
        Some(t) if now.saturating_sub(t) < SAME => Step::Same,
        Some(_) => Step::Abandon,
    }
}

/// The installed handlers, and the thread that hears them; removed on drop.
pub struct Signals {
    handle: signal_hook::iterator::Handle,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The first signal that came, 0 for none.
    which: Arc<AtomicUsize>,
}

impl Signals {
    /// SIGINT/SIGTERM set `stop`; a second interrupt sets `abandon`.
    pub fn install(stop: &Arc<AtomicBool>, abandon: &Arc<AtomicBool>) -> anyhow::Result<Signals> {
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
            .map_err(|e| anyhow::anyhow!("cannot install the interrupt handlers: {e}"))?;
        let handle = signals.handle();
        let which = Arc::new(AtomicUsize::new(0));
        let (stop, abandon, seen) = (stop.clone(), abandon.clone(), which.clone());
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut first = None;
            for sig in signals.forever() {
                match step(&mut first, started.elapsed()) {
                    Step::Stop => {
                        seen.store(sig as usize, Ordering::SeqCst);
                        stop.store(true, Ordering::SeqCst);
                    }
                    Step::Same => {}
                    Step::Abandon => abandon.store(true, Ordering::SeqCst),
                }
            }
        });
        Ok(Signals {
            handle,
            thread: Some(thread),
            which,
        })
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
        self.handle.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
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
    fn signals_close_together_are_one_interrupt_and_a_later_one_abandons() {
        let ms = Duration::from_millis;
        let mut first = None;
        assert_eq!(step(&mut first, ms(1000)), Step::Stop);
        assert_eq!(step(&mut first, ms(1003)), Step::Same, "process and group");
        assert_eq!(step(&mut first, ms(1499)), Step::Same);
        assert_eq!(step(&mut first, ms(1500)), Step::Abandon);
        assert_eq!(step(&mut first, ms(9000)), Step::Abandon);
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
