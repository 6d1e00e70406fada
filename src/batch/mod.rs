//! The batch engine behind `create --from-csv` and `destroy --from-csv` (each
//! a [`Plan`]; the engine knows nothing of creating or destroying):
//! check the whole file, then stream rows to a pool of workers paced by one
//! rate limiter, and settle each row into the report as it finishes.
//! Ctrl-C starts nothing new and lets the rows in flight finish.
//!
//! Threads: one producer reads the CSV (never all of it in memory), N workers
//! send requests over one connection pool, and the calling thread writes the
//! report, stdout and the progress bar.

mod doom;
mod dry_run;
pub mod input;
pub mod progress;
pub mod rate;
pub mod report;
mod signals;

use serde_json::Value;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

use crate::api::Client;
use crate::api::endpoint::Endpoint;
use crate::api::retry::{Outcome, Pacer, Policy};
use crate::error::{End, Error, Failure};
use crate::output::{self, Format};
use crate::room::RoomSpec;
use crate::settle::{Record, Settled, Status};
use doom::{Doom, Watch};
use input::{Columns, Input};
use progress::{Already, Bar, Counts};
use rate::RateLimiter;
use report::ReportWriter;
use signals::Signals;

/// The documented default limit of the write commands, per app.
pub const SERVICE_RATE_LIMIT: u64 = 200;

/// How often the thread that reports rows looks for a second interrupt.
const LOOK: std::time::Duration = std::time::Duration::from_millis(50);

/// Requests in flight at once when `--concurrency` is not given.
pub const DEFAULT_CONCURRENCY: u64 = 4;
/// Requests started per second when `--rate` is not given.
pub const DEFAULT_RATE: u64 = 50;

/// What a batch does with each row; `cmd/create.rs` and `cmd/destroy.rs`
/// implement it. The engine reads, paces, sends, reports and sums up; what
/// a row's answer means is the plan's.
pub trait Plan: Sync {
    /// Where every row is sent.
    fn endpoint(&self) -> &'static Endpoint;
    /// The CSV columns a row is read from.
    fn columns(&self) -> Columns;
    /// The request body of a row.
    fn body(&self, row: &RoomSpec) -> Value;
    /// Says what is worth saying about a row once per batch (create's
    /// caveats); `body` says it too, so a dry run without bodies calls this.
    fn warn_once(&self, _row: &RoomSpec) {}
    /// A row's outcome as a record, plus the error when the row failed.
    /// `sender` lets the plan read back what it needs to resolve a doubt.
    fn settle_row(&self, id: &str, out: Outcome, sender: &Sender) -> Settled;
    /// Report statuses that `--resume` skips.
    fn done(&self) -> &'static [&'static str];
    /// Statuses the summary names, in order.
    fn summary(&self) -> &'static [Status];
    /// The answer that says the work was done already (exists, missing).
    fn already(&self) -> Already;
}

/// What a worker sends with, lent to [`Plan::settle_row`].
pub struct Sender<'a> {
    pub client: &'a Client,
    pub policy: Policy,
    /// The batch's rate limiter: a read-back counts against the rate.
    pub pacer: &'a dyn Pacer,
    /// Under `--resume`: when the job's first run began, if known.
    pub job: Option<Option<i64>>,
}

/// How the engine reaches the service and the terminal, as plain values:
/// the clients are made only after the whole file checked out.
pub struct Io<'a> {
    pub format: Format,
    pub policy: Policy,
    /// A client; `true` asks for the dry-run one (signs nothing).
    #[allow(clippy::type_complexity)]
    pub connect: Box<dyn Fn(bool) -> anyhow::Result<Client> + Sync + 'a>,
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
    /// Failed rows by cause (the service's code; `None`: no answer).
    causes: std::collections::BTreeMap<Option<i64>, u64>,
    /// The failures said in full, by their sentence without the room and
    /// the RequestId: a second row that fails the same way is not said
    /// again.
    said: std::collections::HashSet<String>,
}

/// The summary's account of failed rows, a line per cause, said once:
/// `900 rows: 100010 room ID already exists … → use it as is, or pass --exists-ok …`.
fn cause_lines(causes: &std::collections::BTreeMap<Option<i64>, u64>) -> Vec<String> {
    causes
        .iter()
        .map(|(code, n)| {
            let rows = output::plural(*n, "row");
            match code.and_then(|c| crate::codes::lookup(c).map(|k| (c, k))) {
                Some((c, k)) => format!("{rows}: {c} {} → {}", k.meaning, k.fix),
                None => match code {
                    Some(c) => format!("{rows}: {c} → `livectl explain {c}`"),
                    None => format!(
                        "{rows}: no usable answer (network, timeout or a proxy) → run again \
                         with --resume, or check the endpoint (livectl doctor)"
                    ),
                },
            }
        })
        .collect()
}

/// Runs a batch to its end (`defaults` are the command-line flags): `Done`, `RowsFailed` or stopped by a signal,
/// each after its summary, or `Refused` for a doomed run; an `Err` for what
/// stopped it otherwise (a bad file, settings, a report that cannot be
/// written).
pub fn run(io: &Io, plan: &dyn Plan, opts: &Options, defaults: &RoomSpec) -> anyhow::Result<End> {
    let input = Input::open(&opts.file)?;
    let checked = input::check(
        &input,
        plan.columns(),
        defaults,
        &mut |p| output::stderr_line(p),
        // A dry run without bodies still says what they would warn about.
        &mut |row| {
            if opts.dry_run {
                plan.warn_once(row)
            }
        },
    )?;
    let (total, problems) = (checked.rows, checked.problems);
    if problems > 0 {
        if opts.dry_run && io.format == Format::Text {
            output::println(progress::plan_line(plan.endpoint(), &checked));
        }
        return Err(Error::usage(format!(
            "{problems} problem(s) in {}; nothing was sent. Fix the lines above and run again",
            input.name
        )));
    }
    if opts.dry_run {
        return dry_run::run(io, plan, opts, &input, defaults, &checked);
    }
    let client = (io.connect)(false)?;
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
            let (w, done) = report::open(p, &input, opts.resume, plan.done())?;
            (Some(w), done)
        }
        None => (None, report::Done::default()),
    };

    let interrupted = Arc::new(AtomicBool::new(false));
    let abandoned = Arc::new(AtomicBool::new(false));
    let signals = Signals::install(&interrupted, &abandoned)?;
    let bar = Bar::new(total, opts.rate);
    let started = Instant::now();
    // The summary, and after an interrupt the command that continues the
    // run: said however the run ends, a second interrupt included.
    let say_end = |tally: &Tally, left_in_flight: Option<u64>| {
        if let Some(b) = &bar {
            b.finish();
        }
        let stopped_by = signals.end();
        if let Some(n) = left_in_flight {
            output::stderr_line(&format!(
                "{stopped_by} again: not waiting for {n} row(s) in flight; they are not in the report"
            ));
        }
        let skipped = tally.counts.by_status.get("skipped").copied().unwrap_or(0);
        output::note(progress::summary_line(
            &tally.counts,
            plan.summary(),
            &plan.already(),
            total.saturating_sub(tally.settled),
            tally.settled - skipped,
            started.elapsed(),
            opts.rate,
        ));
        for line in cause_lines(&tally.causes) {
            output::note(format!("failed {line}"));
        }
        if interrupted.load(Ordering::SeqCst) {
            let not = if left_in_flight.is_some() {
                "not started or not settled"
            } else {
                "not started"
            };
            // The run's error message: shown under --quiet too.
            output::stderr_line(&format!(
                "{stopped_by}: {} row(s) {not}; {}",
                total.saturating_sub(tally.settled),
                continue_hint(plan, opts)
            ));
        }
    };
    // A second interrupt: the rows in flight may take up to --timeout each
    // (a blocking request cannot be cut short), so the run ends here, after
    // its summary, without them. The one exit outside `main`: the worker
    // threads are still inside their requests.
    let give_up = |tally: &Tally, in_flight: u64| {
        say_end(tally, Some(in_flight));
        let code = crate::error::exit_status(&Ok(signals.end()));
        std::process::exit(code.into())
    };
    let (tally, write_error) = run_rows(
        &RunArgs {
            io,
            plan,
            opts,
            input: &input,
            defaults,
            client: &client,
            done: &done,
            job,
            interrupted: &interrupted,
            abandoned: &abandoned,
            give_up: &give_up,
            bar: bar.as_ref(),
        },
        &mut writer,
    )?;
    say_end(&tally, None);
    if let Some(e) = write_error {
        return Err(e);
    }
    if let Some(e) = unread(&input, plan, opts) {
        return Err(e);
    }
    if interrupted.load(Ordering::SeqCst) {
        return Ok(signals.end());
    }
    if let Some(doom) = &tally.doom {
        return Ok(End::Refused(
            doom.error(total.saturating_sub(tally.settled)),
        ));
    }
    if tally.counts.failed > 0 {
        return Ok(End::RowsFailed);
    }
    Ok(End::Done)
}

/// The command that continues this run (`signals::continue_hint`).
fn continue_hint(plan: &dyn Plan, opts: &Options) -> String {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let stdin = opts.file.as_os_str() == "-";
    signals::continue_hint(&argv, opts.report.is_some(), &plan.already(), stdin)
}

/// A pass that stopped before the end of the checked rows (the file changed
/// under it) is an error; rows appended after the check get a warning.
pub(crate) fn unread(input: &Input, plan: &dyn Plan, opts: &Options) -> Option<anyhow::Error> {
    if input.grew() {
        output::warn(format!(
            "{} grew while the batch ran; rows added after the check were not read",
            input.name
        ));
    }
    let why = input.stopped()?;
    let hint = continue_hint(plan, opts);
    Some(Error::usage(format!("{why}; once it is right, {hint}")))
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

/// The question [`confirmed`] asks: the command's verb, e.g. `destroy 3
/// rooms listed in rooms.csv? [y/N] `.
pub fn question(plan: &dyn Plan, total: u64, file: &str) -> String {
    let verb = plan.endpoint().command().trim_end_matches("_room");
    format!(
        "{verb} {} listed in {file}? [y/N] ",
        output::plural(total, "room")
    )
}

/// Asks on stderr, reads the answer from the terminal on stdin.
fn confirmed(plan: &dyn Plan, total: u64, file: &str) -> anyhow::Result<bool> {
    eprint!("{}", question(plan, total, file));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

struct RunArgs<'a> {
    io: &'a Io<'a>,
    plan: &'a dyn Plan,
    opts: &'a Options,
    input: &'a Input,
    defaults: &'a RoomSpec,
    client: &'a Client,
    done: &'a report::Done,
    /// Under `--resume`: when the job's first run began, if known.
    job: Option<Option<i64>>,
    interrupted: &'a AtomicBool,
    /// Set by a second interrupt: stop waiting for the rows in flight.
    abandoned: &'a AtomicBool,
    /// Says the end of the run and exits (never returns), leaving `n` rows
    /// in flight.
    give_up: &'a (dyn Fn(&Tally, u64) + Sync),
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
    let (res_tx, res_rx) = mpsc::channel::<(Record, Option<Failure>, bool)>();
    let rows = input::rows(a.input, a.plan.columns(), a.defaults)?;
    let watch = Mutex::new(Watch::default());
    // Rows a worker has taken and not finished.
    let in_flight = AtomicU64::new(0);
    let mut tally = Tally::default();
    let mut write_error = None;

    std::thread::scope(|s| {
        for _ in 0..workers {
            let res_tx = res_tx.clone();
            let (job_rx, limiter, watch, halted) = (&job_rx, &limiter, &watch, &halted);
            let in_flight = &in_flight;
            s.spawn(move || {
                let sender = Sender {
                    client: a.client,
                    policy: a.io.policy,
                    pacer: limiter,
                    job: a.job,
                };
                loop {
                    let job = job_rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok((line, room_id, body)) = job else {
                        break;
                    };
                    in_flight.fetch_add(1, Ordering::SeqCst);
                    // -v: each log line of this row names it.
                    let context = format!("{}:{line} room \"{room_id}\"", a.opts.file.display());
                    let settled = output::with_log_context(context, || {
                        let out = a
                            .client
                            .execute(a.plan.endpoint(), &body, a.io.policy, limiter);
                        // Stopped before sending: not started, not reported.
                        (out.attempts > 0).then(|| a.plan.settle_row(&room_id, out, &sender))
                    });
                    let Some((mut rec, err)) = settled else {
                        in_flight.fetch_sub(1, Ordering::SeqCst);
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
                    let sent = res_tx.send((rec, err, doomed));
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    if sent.is_err() {
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
                let body = a.plan.body(&row.spec);
                if job_tx.send((row.line, row.spec.room_id, body)).is_err() {
                    break;
                }
            }
        });
        drop(res_tx);
        loop {
            if a.abandoned.load(Ordering::SeqCst) {
                (a.give_up)(&tally, in_flight.load(Ordering::SeqCst));
            }
            let (rec, err, doomed) = match res_rx.recv_timeout(LOOK) {
                Ok(r) => r,
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
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
    err: Option<Failure>,
    doomed: bool,
) -> anyhow::Result<()> {
    tally.settled += 1;
    let c = &mut tally.counts;
    if err.is_some() {
        c.failed += 1;
        if rec.error_code == Some(a.plan.already().code) {
            c.already_failed += 1;
        }
    } else {
        *c.by_status.entry(rec.status.as_str()).or_default() += 1;
    }
    let place = format!("{}:{}", a.opts.file.display(), rec.line.unwrap_or(0));
    // A doomed row's error is said once, at the end of the run. Otherwise
    // the first row of each cause is said in full; the others with the
    // same cause are in the report, and in a short line under -v; the
    // summary counts them by cause.
    if let Some(e) = err.as_ref().filter(|_| !doomed) {
        let code = match e {
            Failure::Service(s) => Some(s.code),
            _ => None,
        };
        *tally.causes.entry(code).or_insert(0) += 1;
        let text = format!("{e:#}");
        let sentence = text
            .split(" (RequestId")
            .next()
            .unwrap_or(&text)
            .replace(&format!("\"{}\"", rec.room_id), "\"…\"");
        if tally.said.insert(sentence) {
            output::error_line(&format!("{place}: {e:#}"));
        } else {
            output::log(
                1,
                format!(
                    "{place}: room \"{}\" failed: {} (as above)",
                    output::shown(&rec.room_id),
                    code.map_or("no answer".to_string(), |c| c.to_string())
                ),
            );
        }
    }
    // Counted as done, but not made by this run: text mode says so.
    if let Some(note) =
        crate::settle::already_note(rec).filter(|_| err.is_none() && a.io.format == Format::Text)
    {
        output::note(format!("{place}: {note}"));
    }
    // A failed write still shows the row below: it settled.
    let written = writer.as_mut().map_or(Ok(()), |w| w.write(rec));
    match a.io.format {
        Format::Json => output::print_json(&rec.report_json()),
        Format::Text if err.is_none() && rec.status != Status::Skipped => {
            output::println(&rec.room_id)
        }
        Format::Text => {}
    }
    if let Some(b) = a.bar {
        b.settled(
            &tally.counts,
            a.plan.summary(),
            rec.status != Status::Skipped,
        );
    }
    written
}
