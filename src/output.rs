//! Everything that reaches stdout, and the stderr logger. A closed stdout
//! (`| head`, EPIPE) is a quiet success, never a panic; any other write error
//! (`> /dev/full`, disk full) is kept and ends the run with an error (see
//! [`stdout_error`]).

use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// `-o text|json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(0);
static QUIET: AtomicBool = AtomicBool::new(false);
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDOUT_ERROR: Mutex<Option<String>> = Mutex::new(None);
static PROGRESS: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);

pub fn set_verbosity(v: u8, quiet: bool) {
    VERBOSITY.store(if quiet { 0 } else { v }, Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn verbosity() -> u8 {
    VERBOSITY.load(Ordering::Relaxed)
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// While a progress bar is drawn, stderr lines go above it.
pub fn set_progress(bar: Option<indicatif::ProgressBar>) {
    *PROGRESS.lock().unwrap_or_else(|e| e.into_inner()) = bar;
}

/// Writes one line to stderr (above the progress bar, if any).
pub fn stderr_line(line: &str) {
    let guard = PROGRESS.lock().unwrap_or_else(|e| e.into_inner());
    match guard.as_ref() {
        Some(bar) => bar.println(line),
        None => {
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }
}

/// A log line at `-v` (level 1) or `-vv` (level 2).
pub fn log(level: u8, line: impl AsRef<str>) {
    if verbosity() >= level {
        stderr_line(line.as_ref());
    }
}

/// A warning; shown unless `--quiet`.
pub fn warn(msg: impl AsRef<str>) {
    if !quiet() {
        stderr_line(&format!("warning: {}", msg.as_ref()));
    }
}

/// A note for the operator (summaries); shown unless `--quiet`.
pub fn note(msg: impl AsRef<str>) {
    if !quiet() {
        stderr_line(msg.as_ref());
    }
}

/// Writes one line of result to stdout. After a failed write further output
/// is dropped: a broken pipe means the reader has all it wanted; any other
/// error is remembered for [`stdout_error`].
pub fn println(line: impl AsRef<str>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = io::stdout().lock();
    let res = out
        .write_all(line.as_ref().as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush());
    if let Err(e) = res {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if let Some(msg) = write_error(&e) {
            let mut first = STDOUT_ERROR.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert(msg);
        }
    }
}

/// What to report for a failed stdout write: `None` for a closed pipe (a
/// quiet end), a message for anything else.
pub fn write_error(e: &io::Error) -> Option<String> {
    (e.kind() != io::ErrorKind::BrokenPipe)
        .then(|| format!("cannot write the results to stdout: {e}; the output is incomplete"))
}

/// The first stdout write error other than a closed pipe, if any: the run
/// ends with an error (exit 1) even if everything else succeeded.
pub fn stdout_error() -> Option<String> {
    STDOUT_ERROR
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// One JSON object on its own line.
pub fn print_json(value: &serde_json::Value) {
    println(value.to_string());
}

/// True once a write to stdout has failed (the reader went away).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Whether to use colour on stderr: a terminal and no `NO_COLOR`.
pub fn color_stderr() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stderr().is_terminal()
}

/// "error: ..." in red when colour is allowed.
pub fn error_line(msg: &str) {
    if color_stderr() {
        stderr_line(&format!("\x1b[31merror\x1b[0m: {msg}"));
    } else {
        stderr_line(&format!("error: {msg}"));
    }
}

/// Formats rows as aligned columns (the first row is the header).
pub fn columns(rows: &[Vec<String>]) -> Vec<String> {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (i, cell) in r.iter().enumerate() {
                if i + 1 == r.len() {
                    line.push_str(cell);
                } else {
                    line.push_str(&format!("{cell:<w$}  ", w = widths[i]));
                }
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align() {
        let rows = vec![
            vec!["ROOM".to_string(), "NAME".to_string()],
            vec!["a-long-id".to_string(), "x".to_string()],
        ];
        assert_eq!(columns(&rows), vec!["ROOM       NAME", "a-long-id  x"]);
    }

    #[test]
    fn only_a_closed_pipe_is_a_quiet_write_error() {
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        assert_eq!(write_error(&pipe), None);
        let full = io::Error::from_raw_os_error(28);
        assert!(write_error(&full).unwrap().contains("cannot write"));
        assert!(write_error(&io::Error::other("x")).is_some());
    }
}
