//! Reading a batch CSV file as a stream (cli.md section 2, `--from-csv`):
//! the header, each row as a `RoomSpec`, and the whole-file check that runs
//! before the first request. Stdin is spooled to an anonymous temporary file
//! so it can be read more than once; nothing holds all rows in memory.
//!
//! Line numbers are what an editor shows, for LF, CRLF and CR-only files
//! ([`LineMap`]). The check pass fingerprints the file (size, modification
//! time, the bytes it read and a hash of each 64 KiB block of them); every
//! later pass verifies it before reading a row, reads no further than the
//! checked length, and verifies each block before parsing it. So rows that
//! changed after the check, or were appended to the file, are never sent.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use crate::error::Error;
use crate::output;
use crate::room::{Field, Naming, RoomSpec};

mod lines;
mod verified;
#[cfg(test)]
use lines::LineMap;
use lines::{BLOCK, Blocks, Scan, Tracked, line_of};
use verified::{CHANGED, Verified};

/// The CSV source: a file, or stdin spooled to a temporary file.
pub struct Input {
    /// For messages: the path, or `<stdin>`.
    pub name: String,
    source: Source,
    /// Set by a complete [`check`] pass; later passes verify it.
    checked: OnceLock<Fingerprint>,
    /// Why a pass after the check stopped before the end, if it did.
    stopped: Mutex<Option<String>>,
}

enum Source {
    Path(PathBuf),
    Spooled(File),
}

/// What the check pass saw: the file's size and modification time before
/// it was read, how many bytes it read, and the hash of each [`BLOCK`] of
/// them.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
    read: u64,
    blocks: Arc<Vec<u64>>,
}

impl Input {
    /// Opens `path`, or spools stdin when it is `-`.
    pub fn open(path: &Path) -> anyhow::Result<Input> {
        if path == Path::new("-") {
            let mut spool = tempfile::tempfile().map_err(|e| {
                Error::usage(format!("cannot spool stdin to a temporary file: {e}"))
            })?;
            io::copy(&mut io::stdin().lock(), &mut spool)
                .map_err(|e| Error::usage(format!("cannot read the CSV from stdin: {e}")))?;
            return Ok(Input::new("<stdin>".into(), Source::Spooled(spool)));
        }
        File::open(path).map_err(|e| {
            Error::usage(format!(
                "cannot open CSV file {}: {e}; check the path given to --from-csv",
                path.display()
            ))
        })?;
        Ok(Input::new(
            path.display().to_string(),
            Source::Path(path.to_path_buf()),
        ))
    }

    fn new(name: String, source: Source) -> Input {
        Input {
            name,
            source,
            checked: OnceLock::new(),
            stopped: Mutex::new(None),
        }
    }

    /// Why a pass after the check stopped before the checked end (the file
    /// changed under it, or could not be read): the rows after it were not
    /// read.
    pub fn stopped(&self) -> Option<String> {
        self.stopped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether the file is now longer than the bytes the check read: rows
    /// appended while the batch ran, which it did not read.
    pub fn grew(&self) -> bool {
        let (Source::Path(p), Some(want)) = (&self.source, self.checked.get()) else {
            return false;
        };
        std::fs::metadata(p).is_ok_and(|m| m.len() > want.read)
    }

    /// Whether `other` names the input file itself (any spelling, links
    /// included): same device and inode, or the same canonical path.
    pub fn is_same_file(&self, other: &Path) -> bool {
        let Source::Path(p) = &self.source else {
            return false;
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let (Ok(a), Ok(b)) = (std::fs::metadata(p), std::fs::metadata(other)) {
                return a.dev() == b.dev() && a.ino() == b.ino();
            }
        }
        match (p.canonicalize(), other.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }

    /// The input from its start, as a file handle.
    fn file(&self) -> io::Result<File> {
        match &self.source {
            Source::Path(p) => File::open(p),
            Source::Spooled(f) => {
                let mut f = f.try_clone()?;
                f.seek(SeekFrom::Start(0))?;
                Ok(f)
            }
        }
    }

    /// A CSV reader that tracks line numbers and, for the check pass
    /// (`hash`), hashes what it reads.
    fn csv(&self, inner: Box<dyn Read + Send>, hash: bool) -> Records {
        let scan = Arc::new(Mutex::new(Scan {
            blocks: hash.then(Default::default),
            ..Scan::default()
        }));
        let tracked = Tracked {
            inner,
            scan: scan.clone(),
        };
        let records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Box::new(tracked) as Box<dyn Read + Send>)
            .into_records();
        (records, scan)
    }

    fn read_error(&self, e: io::Error) -> anyhow::Error {
        Error::usage(format!("cannot read CSV {}: {e}", self.name))
    }

    /// Opens the input for a pass after the check, refusing it when it is
    /// not what the check pass read; the reader stops at the checked length
    /// and verifies each block before handing out a byte of it.
    fn verified_reader(&self) -> anyhow::Result<Box<dyn Read + Send>> {
        let mut file = self.file().map_err(|e| self.read_error(e))?;
        let Some(want) = self.checked.get() else {
            return Ok(Box::new(io::BufReader::with_capacity(BLOCK, file)));
        };
        let (len, modified) = stat(&file).map_err(|e| self.read_error(e))?;
        let what = if len != want.len {
            Some("its size")
        } else if modified != want.modified {
            Some("its modification time")
        } else {
            None
        };
        let same = what.is_none()
            && io::copy(&mut Verified::new(&mut file, want), &mut io::sink()).is_ok();
        if !same {
            return Err(Error::usage(format!(
                "{} changed after it was checked ({} differs); nothing was sent. Run again once nothing writes to the file",
                self.name,
                what.unwrap_or("its content")
            )));
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| self.read_error(e))?;
        Ok(Box::new(Verified::new(file, want)))
    }
}

type Records = (
    csv::StringRecordsIntoIter<Box<dyn Read + Send>>,
    Arc<Mutex<Scan>>,
);

fn stat(file: &File) -> io::Result<(u64, Option<SystemTime>)> {
    let m = file.metadata()?;
    Ok((m.len(), m.modified().ok()))
}

/// Which columns a command reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// create: every create field; an unknown column is an error.
    Create,
    /// destroy: `room_id` only; other columns are ignored.
    RoomIdOnly,
}

/// The header row, mapped to fields.
struct Header {
    /// Per CSV column: the field, and the name as written.
    cols: Vec<Option<(Field, String)>>,
    width: usize,
}

fn create_fields() -> impl Iterator<Item = Field> {
    Field::ALL.into_iter().filter(|f| *f != Field::Notice)
}

/// Valid column names, for the unknown-column error.
pub fn valid_columns() -> String {
    create_fields()
        .map(|f| format!("{} ({})", f.column(), f.api()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_header(
    rec: &csv::StringRecord,
    which: Columns,
    file: &str,
    line: u64,
) -> Result<Header, Vec<String>> {
    let mut problems = Vec::new();
    let mut cols = Vec::new();
    let mut seen: HashMap<Field, String> = HashMap::new();
    for (i, raw) in rec.iter().enumerate() {
        let name = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        }
        .trim()
        .to_string();
        let field = Field::from_name(&name).filter(|f| match which {
            Columns::Create => *f != Field::Notice,
            Columns::RoomIdOnly => *f == Field::RoomId,
        });
        match field {
            Some(f) => {
                if let Some(prev) = seen.insert(f, name.clone()) {
                    problems.push(format!(
                        "{file}:{line}: {name}: repeats column {prev}; keep one of them"
                    ));
                }
                cols.push(Some((f, name)));
            }
            None if which == Columns::RoomIdOnly => cols.push(None),
            None => {
                problems.push(format!(
                    "{file}:{line}: {name}: unknown column; valid columns: {}",
                    valid_columns()
                ));
                cols.push(None);
            }
        }
    }
    if !seen.contains_key(&Field::RoomId) {
        // One column with `;` in it: a spreadsheet's semicolon export (the
        // default in many locales). Say that, instead of "unknown column".
        if let [one] = rec.iter().collect::<Vec<_>>().as_slice()
            && one.contains(';')
        {
            return Err(vec![format!(
                "{file}:{line}: the header is one column containing `;`: the file looks semicolon-separated, and livectl reads comma-separated CSV. Save it with `,` as the separator (spreadsheets: \"CSV UTF-8 (comma delimited)\") and run again; see `livectl help csv`"
            )]);
        }
        problems.push(format!(
            "{file}:{line}: room_id: the header has no room_id column (RoomId); add one"
        ));
    }
    if problems.is_empty() {
        Ok(Header {
            width: cols.len(),
            cols,
        })
    } else {
        Err(problems)
    }
}

/// One parsed data row.
pub struct Row {
    /// The line a text editor shows for the row's first line.
    pub line: u64,
    pub spec: RoomSpec,
}

/// Parses one record into a spec with defaults filled, or its problems.
fn parse_row(
    h: &Header,
    rec: &csv::StringRecord,
    defaults: &RoomSpec,
    file: &str,
    line: u64,
) -> Result<RoomSpec, Vec<String>> {
    let mut problems = Vec::new();
    if rec.len() != h.width {
        problems.push(format!(
            "{file}:{line}: row has {}, the header has {}; quote cells that contain commas",
            output::plural(rec.len() as u64, "cell"),
            h.width
        ));
        return Err(problems);
    }
    let mut spec = RoomSpec::default();
    for (cell, col) in rec.iter().zip(&h.cols) {
        if let Some((f, name)) = col
            && let Err(m) = spec.set_from_text(*f, cell)
        {
            problems.push(format!("{file}:{line}: {name}: {m}"));
        }
    }
    spec.fill_from(defaults);
    let col_name = |field: &str| {
        h.cols
            .iter()
            .flatten()
            .find(|(f, _)| f.column() == field)
            .map_or(field.to_string(), |(_, n)| n.clone())
    };
    for e in spec.validate(Naming::Column) {
        problems.push(format!(
            "{file}:{line}: {}: {}",
            col_name(&e.field),
            e.message
        ));
    }
    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(problems)
    }
}

fn hash_id(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Streams the data rows. Call [`check`] first: rows with problems are
/// skipped here, and a file that changed since the check is refused.
pub fn rows<'a>(
    input: &'a Input,
    which: Columns,
    defaults: &'a RoomSpec,
) -> anyhow::Result<impl Iterator<Item = Row> + 'a> {
    let (mut records, scan) = input.csv(input.verified_reader()?, false);
    let header = match records.next() {
        Some(Ok(h)) => {
            let line = line_of(&scan, h.position());
            parse_header(&h, which, &input.name, line).ok()
        }
        _ => None,
    };
    let header = header
        .ok_or_else(|| Error::usage(format!("{}: the header changed while reading", input.name)))?;
    Ok(records
        .map_while(move |rec| {
            let pos = match &rec {
                Ok(r) => r.position(),
                Err(e) => e.position(),
            };
            let line = line_of(&scan, pos);
            match rec {
                Ok(rec) => Some(
                    parse_row(&header, &rec, defaults, &input.name, line)
                        .ok()
                        .map(|spec| Row { line, spec }),
                ),
                // The check read the file without an error: this pass
                // reads no further.
                Err(e) => {
                    let why = match e.kind() {
                        csv::ErrorKind::Io(io) if io.to_string() == CHANGED => format!(
                            "{} changed while the batch ran: rows from line {line} on were not read",
                            input.name
                        ),
                        _ => format!("{}:{line}: {}", input.name, csv_message(&e)),
                    };
                    *input.stopped.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
                    None
                }
            }
        })
        .flatten())
}

/// What the whole-file check found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Data rows.
    pub rows: u64,
    /// Problems (a row may have several).
    pub problems: u64,
    /// Rows with a problem, repeats of a room ID included.
    pub invalid: u64,
    /// The room IDs of the first and the last row without a problem.
    pub first: Option<String>,
    pub last: Option<String>,
}

/// The whole-file check: every problem of every row, and repeated room IDs.
/// Problems are written to `report` as found (so memory stays flat); `valid`
/// sees each row without a problem of its own.
pub fn check(
    input: &Input,
    which: Columns,
    defaults: &RoomSpec,
    report: &mut dyn FnMut(&str),
    valid: &mut dyn FnMut(&RoomSpec),
) -> anyhow::Result<Checked> {
    let file = &input.name;
    let mut handle = input.file().map_err(|e| input.read_error(e))?;
    let (len, modified) = stat(&handle).map_err(|e| input.read_error(e))?;
    handle.seek(SeekFrom::Start(0))?;
    let (mut records, scan) =
        input.csv(Box::new(io::BufReader::with_capacity(BLOCK, handle)), true);
    let header_only = |problems: u64| Checked {
        problems,
        ..Checked::default()
    };
    let header = match records.next() {
        None => {
            report(&format!(
                "{file}:1: the file is empty; it needs a header row with a room_id column"
            ));
            return Ok(header_only(1));
        }
        Some(Err(e)) => {
            report(&format!("{file}:1: {}", csv_message(&e)));
            return Ok(header_only(1));
        }
        Some(Ok(h)) => h,
    };
    let line = line_of(&scan, header.position());
    let header = match parse_header(&header, which, file, line) {
        Ok(h) => h,
        Err(ps) => {
            ps.iter().for_each(|p| report(p));
            return Ok(header_only(ps.len() as u64));
        }
    };
    let mut c = Checked::default();
    // 8 bytes per row: a million rows is 8 MB; collisions are confirmed below.
    let mut hashes: Vec<u64> = Vec::new();
    let mut complete = true;
    let mut rec = csv::StringRecord::new();
    loop {
        match records.reader_mut().read_record(&mut rec) {
            Ok(false) => break,
            Err(e) => {
                c.rows += 1;
                c.invalid += 1;
                let line = line_of(&scan, e.position());
                report(&format!("{file}:{line}: {}", csv_message(&e)));
                c.problems += 1;
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    complete = false;
                    break;
                }
            }
            Ok(true) => {
                c.rows += 1;
                let line = line_of(&scan, rec.position());
                match parse_row(&header, &rec, defaults, file, line) {
                    Ok(spec) => {
                        valid(&spec);
                        hashes.push(hash_id(&spec.room_id));
                        if c.first.is_none() {
                            c.first = Some(spec.room_id.clone());
                        }
                        c.last = Some(spec.room_id);
                    }
                    Err(ps) => {
                        c.invalid += 1;
                        c.problems += ps.len() as u64;
                        ps.iter().for_each(|p| report(p));
                    }
                }
            }
        }
    }
    if c.rows == 0 {
        report(&format!("{file}: no data rows after the header"));
        c.problems += 1;
    }
    if complete {
        let (read, blocks) = scan
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .blocks
            .as_mut()
            .map(Blocks::finish)
            .unwrap_or_default();
        let _ = input.checked.set(Fingerprint {
            len,
            modified,
            read,
            blocks: Arc::new(blocks),
        });
    }
    hashes.sort_unstable();
    let suspects: HashSet<u64> = hashes
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    drop(hashes);
    if !suspects.is_empty() {
        let repeats = report_duplicates(input, which, defaults, &suspects, report)?;
        c.problems += repeats;
        c.invalid += repeats;
    }
    Ok(c)
}

/// Second look at rows whose room ID hash repeats: reports true repeats.
fn report_duplicates(
    input: &Input,
    which: Columns,
    defaults: &RoomSpec,
    suspects: &HashSet<u64>,
    report: &mut dyn FnMut(&str),
) -> anyhow::Result<u64> {
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut n = 0;
    for row in rows(input, which, defaults)? {
        if !suspects.contains(&hash_id(&row.spec.room_id)) {
            continue;
        }
        let column = "room_id";
        match first_line.get(&row.spec.room_id) {
            Some(first) => {
                report(&format!(
                    "{}:{}: {column}: \"{}\" repeats line {first}; each room ID may appear once",
                    input.name, row.line, row.spec.room_id
                ));
                n += 1;
            }
            None => {
                first_line.insert(row.spec.room_id, row.line);
            }
        }
    }
    Ok(n)
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8; save the file as UTF-8".into(),
        csv::ErrorKind::Io(err) => format!("read error: {err}"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
