//! Everything that reaches stdout, and the stderr logger. A closed stdout
//! (`| head`, EPIPE) is a quiet success, never a panic; any other write error
//! (`> /dev/full`, disk full) is kept and ends the run with an error (see
//! [`stdout_error`]).

use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// What a command writes: text for people, or livectl's JSON nouns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// `-o text|json|raw`, the flag. `raw` is decided here, once: commands
/// write JSON ([`Mode::format`]), which is held back, and each answer's
/// `Response` is printed instead, as the service sent it ([`print_raw`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
    Raw,
}

impl Mode {
    /// `text`, `json` or `raw`, any case.
    pub fn parse(s: &str) -> Result<Mode, String> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(Mode::Text),
            "json" => Ok(Mode::Json),
            "raw" => Ok(Mode::Raw),
            _ => Err(format!(
                "\"{s}\" is not an output format; use text, json or raw"
            )),
        }
    }

    /// What commands write in this mode.
    pub fn format(self) -> Format {
        match self {
            Mode::Text => Format::Text,
            Mode::Json | Mode::Raw => Format::Json,
        }
    }
}

static RAW: AtomicBool = AtomicBool::new(false);

/// `-o raw`: stdout carries only the service's answers.
pub fn set_raw(on: bool) {
    RAW.store(on, Ordering::Relaxed);
}

/// Under `-o raw`, one line: the `Response` of an answer as sent (`{}`
/// when the answer had none).
pub fn print_raw(response: Option<&serde_json::Value>) {
    if RAW.load(Ordering::Relaxed) {
        let empty = serde_json::Value::Object(serde_json::Map::new());
        write_stdout(&response.unwrap_or(&empty).to_string());
    }
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

/// A log line at `-v` (level 1) or `-vv` (level 2), after the thread's
/// log context if any (see [`with_log_context`]).
pub fn log(level: u8, line: impl AsRef<str>) {
    if verbosity() >= level {
        stderr_line(&in_context(line.as_ref()));
    }
}

std::thread_local! {
    static LOG_CONTEXT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with every [`log`] line of this thread prefixed by `context`
/// (a batch row: `rooms.csv:12 room "r12"`), so that parallel rows can be
/// told apart.
pub fn with_log_context<R>(context: String, f: impl FnOnce() -> R) -> R {
    let old = LOG_CONTEXT.with(|c| c.replace(Some(context)));
    let out = f();
    LOG_CONTEXT.with(|c| *c.borrow_mut() = old);
    out
}

fn in_context(line: &str) -> String {
    LOG_CONTEXT.with(|c| match c.borrow().as_deref() {
        Some(ctx) => format!("{ctx}: {line}"),
        None => line.to_string(),
    })
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
    if RAW.load(Ordering::Relaxed) {
        return;
    }
    write_stdout(line.as_ref());
}

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with what it prints to stdout kept, not written (`--watch`
/// draws a frame from it): its lines, and its result.
pub fn capture<R>(f: impl FnOnce() -> R) -> (Vec<String>, R) {
    CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
    let r = f();
    let lines = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
    (lines, r)
}

/// Writes `text` to stdout as it is (a `--watch` frame, with its own line
/// ends and cursor movements).
pub fn print_frame(text: &str) {
    write_stdout_raw(text.as_bytes());
}

fn write_stdout(line: &str) {
    let kept = CAPTURE.with(|c| {
        c.borrow_mut()
            .as_mut()
            .map(|lines| lines.push(line.to_string()))
            .is_some()
    });
    if kept {
        return;
    }
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    write_stdout_raw(&bytes);
}

fn write_stdout_raw(bytes: &[u8]) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = io::stdout().lock();
    let res = out.write_all(bytes).and_then(|_| out.flush());
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

static JQ: Mutex<Option<String>> = Mutex::new(None);

/// `--jq EXPR` (already checked by `jq::check`): every JSON value printed
/// goes through it.
pub fn set_jq(expr: Option<String>) {
    *JQ.lock().unwrap_or_else(|e| e.into_inner()) = expr;
}

/// One JSON object on its own line; under `--jq`, the lines the expression
/// makes of it. A filter that fails on a value is said on stderr and ends
/// the run with exit 1 (as a lost write does), the other values still go.
pub fn print_json(value: &serde_json::Value) {
    let jq = JQ.lock().unwrap_or_else(|e| e.into_inner());
    match jq.as_deref() {
        None => {
            drop(jq);
            println(value.to_string())
        }
        Some(expr) => match crate::jq::run(expr, value) {
            Ok(lines) => lines.iter().for_each(println),
            Err(e) => {
                warn(&e);
                let mut first = STDOUT_ERROR.lock().unwrap_or_else(|e| e.into_inner());
                first.get_or_insert(e);
            }
        },
    }
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

static JSON_ERRORS: AtomicBool = AtomicBool::new(false);

/// Under `-o json`, an error is said as one JSON object on stderr.
pub fn set_json_errors(on: bool) {
    JSON_ERRORS.store(on, Ordering::Relaxed);
}

/// The one line that ends a failed run: `error: …` on stderr, or under
/// `-o json` `{"error":…,"exit_code":N,"error_code":…,"request_id":…}`
/// (the service's code and RequestId when a service refused).
pub fn error_report(msg: &str, exit_code: u8, error_code: Option<i64>, request_id: Option<&str>) {
    if JSON_ERRORS.load(Ordering::Relaxed) {
        let v = serde_json::json!({
            "error": msg,
            "exit_code": exit_code,
            "error_code": error_code,
            "request_id": request_id.filter(|r| !r.is_empty()),
        });
        stderr_line(&v.to_string());
    } else {
        error_line(msg);
    }
}

/// "error: ..." in red when colour is allowed.
pub fn error_line(msg: &str) {
    if color_stderr() {
        stderr_line(&format!("\x1b[31merror\x1b[0m: {msg}"));
    } else {
        stderr_line(&format!("error: {msg}"));
    }
}

/// A value from the service as one visible line of text: nothing is
/// dropped, and nothing can move the cursor, recolour the terminal or split
/// a line. ESC shows as `\e`, LF/CR/TAB as `\n`/`\r`/`\t`, other control
/// characters (C0, DEL, C1) as `\xNN` or `\u{NNNN}`, and a backslash as
/// `\\`, so a shown value maps back to one value only. `-o json` carries the
/// value itself, with JSON's own escapes.
pub fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    // Line and paragraph separators and bidi overrides too: they split or
    // reorder what a reader sees.
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !value.chars().any(|c| hidden(c) || c == '\\') {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if hidden(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The edit distance of two words (Levenshtein, by characters).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The one of `choices` close enough to `word` to be what was meant (a
/// typo: at most a third of its letters off, and at least one).
pub fn close_match<'a>(word: &str, choices: &[&'a str]) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    choices
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `1 room`, `2 rooms`: a count with its noun, said right.
pub fn plural(n: impl Into<u64>, noun: &str) -> String {
    match n.into() {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// Columns on a terminal: Chinese, Japanese and Korean characters and most
/// emoji take two, combining marks none.
pub fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `cell` cut to at most `width` display columns, ending in `…` when cut.
pub fn fit(cell: &str, width: usize) -> String {
    if display_width(cell) <= width {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in cell.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// One column of a [`Table`]: its header and the bounds of its width.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub header: &'static str,
    pub min: usize,
    /// Longer cells are cut with `…` (the last column is never cut).
    pub max: usize,
}

/// A text table that may come in pages (`list`): the first page fixes the
/// widths, by display width within each column's bounds, so later pages
/// line up under the same header. Empty cells show as `-`.
pub struct Table {
    cols: Vec<Col>,
    widths: Option<Vec<usize>>,
}

impl Table {
    pub fn new(cols: &[Col]) -> Table {
        Table {
            cols: cols.to_vec(),
            widths: None,
        }
    }

    /// The lines of `rows`, after the header on the first call.
    pub fn lines(&mut self, rows: &[Vec<String>]) -> Vec<String> {
        let cell = |r: &Vec<String>, i: usize| -> String {
            // Every cell is shown escaped: a value never splits a row.
            match r.get(i).map(String::as_str) {
                None | Some("") => "-".to_string(),
                Some(c) => shown(c).into_owned(),
            }
        };
        let mut out = Vec::new();
        if self.widths.is_none() {
            let widths = self
                .cols
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    rows.iter()
                        .map(|r| display_width(&cell(r, i)))
                        .chain([display_width(c.header)])
                        .max()
                        .unwrap_or(0)
                        .clamp(c.min, c.max.max(c.min))
                })
                .collect();
            self.widths = Some(widths);
            let header: Vec<String> = self.cols.iter().map(|c| c.header.to_string()).collect();
            out.push(self.line(&header));
        }
        out.extend(rows.iter().map(|r| {
            let cells: Vec<String> = (0..self.cols.len()).map(|i| cell(r, i)).collect();
            self.line(&cells)
        }));
        out
    }

    fn line(&self, cells: &[String]) -> String {
        let widths = self.widths.as_ref().expect("set by the first page");
        let last = cells.len().saturating_sub(1);
        let mut line = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == last {
                line.push_str(c);
            } else {
                // A column without a maximum (IDs) is never cut.
                let c = if self.cols[i].max == usize::MAX {
                    c.clone()
                } else {
                    fit(c, widths[i])
                };
                let pad = widths[i].saturating_sub(display_width(&c));
                line.push_str(&c);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        line
    }
}

/// Formats rows as aligned columns (the first row is the header), by
/// display width, never cutting a cell.
pub fn columns(rows: &[Vec<String>]) -> Vec<String> {
    let Some((header, body)) = rows.split_first() else {
        return Vec::new();
    };
    let cols: Vec<Col> = header
        .iter()
        .map(|h| Col {
            header: "",
            min: display_width(h),
            max: usize::MAX,
        })
        .collect();
    let mut table = Table::new(&cols);
    // The header goes through as a row, so it is padded like one.
    let mut all = vec![header.clone()];
    all.extend(body.iter().cloned());
    table.lines(&all).into_iter().skip(1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_escaped_never_dropped() {
        assert_eq!(shown("prod-main"), "prod-main");
        assert_eq!(shown("\x1b[0mprod-main"), "\\e[0mprod-main");
        assert_eq!(shown("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(
            shown("bel\x07 del\x7f c1\u{9b}"),
            "bel\\x07 del\\x7f c1\\x9b"
        );
        assert_eq!(shown("back\\slash"), "back\\\\slash");
        assert_eq!(shown("小明\u{2028}\u{202e}"), "小明\\u{2028}\\u{202e}");
        // A shown value is one line.
        assert!(!shown("x\ny\rz").contains(['\n', '\r']));
        let mut t = Table::new(&[Col {
            header: "USER",
            min: 4,
            max: 32,
        }]);
        assert_eq!(t.lines(&[vec!["a\nb".into()]]), ["USER", "a\\nb"]);
    }

    #[test]
    fn close_matches_are_typos_only() {
        assert_eq!(distance("regoin", "region"), 2);
        assert_eq!(
            close_match("regoin", &["sdkappid", "region", "endpoint"]),
            Some("region")
        );
        assert_eq!(close_match("nope", &["endpoint", "room-id"]), None);
        assert_eq!(close_match("enpoint", &["endpoint"]), Some("endpoint"));
    }

    #[test]
    fn output_formats_parse_in_any_case_and_name_the_choices() {
        assert_eq!(Mode::parse("JSON"), Ok(Mode::Json));
        assert_eq!(Mode::parse("text"), Ok(Mode::Text));
        assert_eq!(Mode::parse("Raw"), Ok(Mode::Raw));
        assert_eq!(Mode::Raw.format(), Format::Json);
        assert!(
            Mode::parse("xml")
                .unwrap_err()
                .contains("text, json or raw")
        );
    }

    #[test]
    fn log_lines_carry_the_threads_context() {
        assert_eq!(in_context("POST x"), "POST x");
        let inner = with_log_context("rooms.csv:3 room \"r3\"".into(), || {
            // Another thread has its own (none).
            let other = std::thread::spawn(|| in_context("b")).join().unwrap();
            (in_context("POST x"), other)
        });
        assert_eq!(inner.0, "rooms.csv:3 room \"r3\": POST x");
        assert_eq!(inner.1, "b");
        assert_eq!(in_context("after"), "after", "restored");
    }

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

    #[test]
    fn wide_characters_take_two_columns() {
        let rows = vec![
            vec!["NAME".to_string(), "OWNER".to_string()],
            vec!["直播间".to_string(), "a".to_string()],
            vec!["🎤 show".to_string(), "".to_string()],
            vec!["plain".to_string(), "b".to_string()],
        ];
        let lines = columns(&rows);
        // Every second column starts at the same display column.
        let starts: Vec<usize> = lines
            .iter()
            .map(|l| {
                let first = l.rsplit_once("  ").unwrap().0;
                display_width(first) + 2
            })
            .collect();
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{lines:#?}");
        assert_eq!(lines[2], "🎤 show  -", "an empty cell shows as -");
    }

    #[test]
    fn pages_keep_the_first_page_widths_and_cut_with_an_ellipsis() {
        let cols = [
            Col {
                header: "ID",
                min: 4,
                max: 8,
            },
            Col {
                header: "NAME",
                min: 0,
                max: 10,
            },
        ];
        let mut t = Table::new(&cols);
        let first = t.lines(&[vec!["a".into(), "x".into()]]);
        assert_eq!(first, vec!["ID    NAME", "a     x"]);
        let second = t.lines(&[vec!["直播间直播间".into(), "y".into()]]);
        // 4 columns wide: one wide character and the ellipsis take 3, one pad.
        assert_eq!(second, vec!["直…   y"]);
        assert_eq!(display_width(&fit("直播间直播间", 4)), 3);
        assert_eq!(fit("short", 8), "short");
    }
}
