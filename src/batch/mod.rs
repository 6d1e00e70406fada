//! The batch engine shared by `create --from-csv` and `destroy --from-csv`:
//! check the whole file, then stream rows to a pool of workers paced by one
//! rate limiter, and settle each row into the report as it finishes.
//! Ctrl-C starts nothing new and lets the rows in flight finish.
//!
//! Threads: one producer reads the CSV (never all of it in memory), N workers
//! send requests over one connection pool, and the calling thread writes the
//! report, stdout and the progress bar.

mod doom;
pub mod input;
pub mod progress;
pub mod rate;
pub mod report;
mod signals;

use serde_json::Value;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

use crate::api::Client;
use crate::api::print_dry_run;
use crate::api::retry::{Outcome, Policy};
use crate::cmd::Ctx;
use crate::error::Error;
use crate::output::{self, Format};
use crate::room::RoomSpec;
use crate::settle::{Lookup, Record, Settled, Status};
use doom::{Doom, Watch};
use input::{Columns, Input};
use progress::{Already, Bar, Counts};
use rate::RateLimiter;
use report::ReportWriter;
use signals::Signals;

/// The documented default limit of the write commands, per app.
pub const SERVICE_RATE_LIMIT: u64 = 200;

impl Options {
    /// From the batch flags; `confirm` asks before sending (see the field).
    pub fn new(b: &crate::cmd::args::BatchArgs, dry_run: bool, confirm: bool) -> Options {
        Options {
            file: b.from_csv.clone().expect("the batch form has --from-csv"),
            concurrency: b
                .concurrency
                .unwrap_or(crate::cmd::args::BatchArgs::DEFAULT_CONCURRENCY),
            rate: b.rate.unwrap_or(crate::cmd::args::BatchArgs::DEFAULT_RATE),
            report: b.report.clone(),
            resume: b.resume,
            fail_fast: b.fail_fast,
            dry_run,
            confirm,
        }
    }
}

/// What a batch does with each row.
pub struct Plan<'a> {
    pub command: &'static str,
    pub is_create: bool,
    pub columns: Columns,
    /// The request body of a row.
    pub body: &'a (dyn Fn(&RoomSpec) -> Value + Sync),
    /// An outcome as a record, plus the error when the row failed; the
    /// lookup resolves a doubtful "there already" answer.
    pub settle: &'a (dyn Fn(&str, Outcome, &Lookup) -> Settled + Sync),
    /// Report statuses that `--resume` skips.
    pub done: &'a [&'a str],
    /// Statuses the summary names, in order.
    pub summary: &'a [Status],
    /// The answer that says the work was done already (exists, missing).
    pub already: Already,
}

/// The batch flags.
pub struct Options {
    pub file: PathBuf,
    pub concurrency: u64,
    pub rate: u64,
    pub report: Option<PathBuf>,
    pub resume: bool,
    pub fail_fast: bool,
    pub dry_run: bool,
    /// Ask before sending when stdin is a terminal and more than one row
    /// is named (destroy without `--yes`).
    pub confirm: bool,
}

#[derive(Default)]
struct Tally {
    counts: Counts,
    settled: u64,
    doom: Option<Doom>,
}

/// Runs a batch; `defaults` are the command-line flags.
pub fn run(ctx: &Ctx, plan: &Plan, opts: &Options, defaults: &RoomSpec) -> anyhow::Result<()> {
    let input = Input::open(&opts.file)?;
    let (total, problems) = input::check(&input, plan.columns, defaults, &mut |p| {
        output::stderr_line(p)
    })?;
    if problems > 0 {
        return Err(Error::usage(format!(
            "{problems} problem(s) in {}; nothing was sent. Fix the lines above and run again",
            input.name
        )));
    }
    let settings = ctx.settings()?;
    if opts.dry_run {
        let client = ctx.dry_client(&settings)?;
        for row in input::rows(&input, plan.columns, defaults)? {
            print_dry_run(&client, plan.command, &(plan.body)(&row.spec), ctx.format());
            if output::stdout_closed() {
                break;
            }
        }
        output::note(format!("dry run: {total} request(s) checked, nothing sent"));
        return Ok(());
    }
    let client = ctx.client(&settings)?;
    if opts.confirm
        && total > 1
        && std::io::stdin().is_terminal()
        && !confirmed(plan, total, &input.name)?
    {
        return Err(anyhow::anyhow!("not confirmed: nothing was sent"));
    }
    if opts.rate > SERVICE_RATE_LIMIT {
        output::warn(format!(
            "--rate {} is above the service's documented default limit of {SERVICE_RATE_LIMIT}/s per app; expect rate-limit answers unless the app bought more",
            opts.rate
        ));
    }
    let job = match (&opts.report, opts.resume) {
        (Some(p), true) => Some(job_started(p)),
        _ => None,
    };
    let (mut writer, done) = match &opts.report {
        Some(p) => {
            let (w, done) = report::open(p, &input, opts.resume, plan.done)?;
            (Some(w), done)
        }
        None => (None, report::Done::default()),
    };

    let interrupted = Arc::new(AtomicBool::new(false));
    let signals = Signals::install(&interrupted);
    let bar = Bar::new(total);
    let started = Instant::now();
    let (tally, write_error) = run_rows(
        &RunArgs {
            ctx,
            plan,
            opts,
            input: &input,
            defaults,
            client: &client,
            policy: ctx.policy(),
            done: &done,
            job,
            interrupted: &interrupted,
            bar: bar.as_ref(),
        },
        &mut writer,
    )?;
    let stopped_by = signals.error();
    drop(signals);
    if let Some(b) = &bar {
        b.finish();
    }
    let skipped = tally.counts.by_status.get("skipped").copied().unwrap_or(0);
    output::note(progress::summary_line(
        &tally.counts,
        plan.summary,
        &plan.already,
        total.saturating_sub(tally.settled),
        tally.settled - skipped,
        started.elapsed(),
    ));
    if let Some(e) = write_error {
        return Err(e);
    }
    if interrupted.load(Ordering::SeqCst) {
        let argv: Vec<String> = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let stdin = opts.file.as_os_str() == "-";
        // The run's error message: shown under --quiet too.
        output::stderr_line(&format!(
            "{stopped_by}: {} row(s) not started; {}",
            total.saturating_sub(tally.settled),
            signals::continue_hint(&argv, opts.report.is_some(), plan.is_create, stdin)
        ));
        return Err(stopped_by.into());
    }
    if let Some(doom) = &tally.doom {
        return Err(doom.error(total.saturating_sub(tally.settled)));
    }
    if tally.counts.failed > 0 {
        return Err(Error::BatchFailed(format!("{} row(s) failed", tally.counts.failed)).into());
    }
    Ok(())
}

/// When the job's first run began: the report's creation time (that run
/// created it), or now when there is no report yet. `None` when the file
/// system does not record it.
fn job_started(report: &std::path::Path) -> Option<i64> {
    let unix = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs() as i64)
    };
    match std::fs::metadata(report) {
        Ok(m) => m.created().ok().and_then(unix),
        Err(_) => unix(std::time::SystemTime::now()),
    }
}

/// Asks on stderr, reads the answer from the terminal on stdin.
fn confirmed(plan: &Plan, total: u64, file: &str) -> anyhow::Result<bool> {
    let verb = plan.command.trim_end_matches("_room");
    eprint!("{verb} {total} rooms listed in {file}? [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

struct RunArgs<'a> {
    ctx: &'a Ctx,
    plan: &'a Plan<'a>,
    opts: &'a Options,
    input: &'a Input,
    defaults: &'a RoomSpec,
    client: &'a Client,
    policy: Policy,
    done: &'a report::Done,
    /// Under `--resume`: when the job's first run began, if known.
    job: Option<Option<i64>>,
    interrupted: &'a AtomicBool,
    bar: Option<&'a Bar>,
}

/// The tally, and the first report write error (which stopped the run).
fn run_rows(
    a: &RunArgs,
    writer: &mut Option<ReportWriter>,
) -> anyhow::Result<(Tally, Option<anyhow::Error>)> {
    let halted = AtomicBool::new(false);
    let stop = || a.interrupted.load(Ordering::SeqCst) || halted.load(Ordering::SeqCst);
    let limiter = RateLimiter::new(a.opts.rate, &stop);
    let workers = a.opts.concurrency.max(1) as usize;
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, String, Value)>(workers);
    let job_rx = Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<(Record, Option<anyhow::Error>, bool)>();
    let rows = input::rows(a.input, a.plan.columns, a.defaults)?;
    let watch = Mutex::new(Watch::default());
    let mut tally = Tally::default();
    let mut write_error = None;

    std::thread::scope(|s| {
        for _ in 0..workers {
            let res_tx = res_tx.clone();
            let (job_rx, limiter, watch, halted) = (&job_rx, &limiter, &watch, &halted);
            s.spawn(move || {
                let read =
                    |id: &str| crate::settle::read_create_time(a.client, a.policy, limiter, id);
                let lookup = Lookup {
                    create_time: &read,
                    job: a.job,
                };
                loop {
                    let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((line, room_id, body)) = job else {
                        break;
                    };
                    // -v: each log line of this row names it.
                    let context = format!("{}:{line} room \"{room_id}\"", a.opts.file.display());
                    let settled = output::with_log_context(context, || {
                        let out = a.client.execute(
                            a.plan.command,
                            &body,
                            a.policy,
                            limiter,
                            a.plan.is_create,
                        );
                        // Stopped before sending: not started, not reported.
                        (out.attempts > 0).then(|| (a.plan.settle)(&room_id, out, &lookup))
                    });
                    let Some((mut rec, err)) = settled else {
                        continue;
                    };
                    rec.line = Some(line);
                    // Decided here, before this worker asks for another row:
                    // once a failure has settled, no row starts after it.
                    let doomed = {
                        let mut w = watch.lock().unwrap_or_else(|e| e.into_inner());
                        let part = w.see(&rec);
                        if w.doom.is_some() || (a.opts.fail_fast && err.is_some()) {
                            limiter.halt(halted);
                        }
                        part
                    };
                    if res_tx.send((rec, err, doomed)).is_err() {
                        break;
                    }
                }
            });
        }
        let skip_tx = res_tx.clone();
        let stop = &stop;
        s.spawn(move || {
            for row in rows {
                if stop() {
                    break;
                }
                if a.done.contains(&row.spec.room_id) {
                    let mut rec = Record::settled(&row.spec.room_id, Status::Skipped, "", None, 0);
                    rec.line = Some(row.line);
                    let _ = skip_tx.send((rec, None, false));
                    continue;
                }
                let body = (a.plan.body)(&row.spec);
                if job_tx.send((row.line, row.spec.room_id, body)).is_err() {
                    break;
                }
            }
        });
        drop(res_tx);
        for (rec, err, doomed) in res_rx {
            if let Err(e) = settle_one(a, &mut tally, writer, &rec, err, doomed) {
                write_error.get_or_insert(e);
                // The report is the record of the run: without it, stop.
                limiter.halt(&halted);
            }
        }
    });
    tally.doom = watch.into_inner().unwrap_or_else(|e| e.into_inner()).doom;
    Ok((tally, write_error))
}

/// Reports one settled row: report file, stdout, stderr, progress.
fn settle_one(
    a: &RunArgs,
    tally: &mut Tally,
    writer: &mut Option<ReportWriter>,
    rec: &Record,
    err: Option<anyhow::Error>,
    doomed: bool,
) -> anyhow::Result<()> {
    tally.settled += 1;
    let c = &mut tally.counts;
    if err.is_some() {
        c.failed += 1;
        if rec.error_code == Some(a.plan.already.code) {
            c.already_failed += 1;
        }
    } else {
        *c.by_status.entry(rec.status.as_str()).or_default() += 1;
    }
    let place = format!("{}:{}", a.opts.file.display(), rec.line.unwrap_or(0));
    // A doomed row's error is said once, at the end of the run.
    if let Some(e) = err.as_ref().filter(|_| !doomed) {
        output::error_line(&format!("{place}: {e:#}"));
    }
    // Counted as done, but not made by this run: text mode says so.
    if let Some(note) =
        crate::settle::already_note(rec).filter(|_| err.is_none() && a.ctx.format() == Format::Text)
    {
        output::note(format!("{place}: {note}"));
    }
    // A failed write still shows the row below: it settled.
    let written = writer.as_mut().map_or(Ok(()), |w| w.write(rec));
    match a.ctx.format() {
        Format::Json => output::print_json(&rec.report_json()),
        Format::Text if err.is_none() && rec.status != Status::Skipped => {
            output::println(&rec.room_id)
        }
        Format::Text => {}
    }
    if let Some(b) = a.bar {
        b.settled(&tally.counts, a.plan.summary);
    }
    written
}
