//! Reading a batch CSV file as a stream (cli.md section 2, `--from-csv`):
//! the header, each row as a `RoomSpec`, and the whole-file check that runs
//! before the first request. Stdin is spooled to an anonymous temporary file
//! so it can be read more than once; nothing holds all rows in memory.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::room::{Field, Naming, RoomSpec};

/// The CSV source: a file, or stdin spooled to a temporary file.
pub struct Input {
    /// For messages: the path, or `<stdin>`.
    pub name: String,
    source: Source,
}

enum Source {
    Path(PathBuf),
    Spooled(File),
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
            return Ok(Input {
                name: "<stdin>".into(),
                source: Source::Spooled(spool),
            });
        }
        File::open(path).map_err(|e| {
            Error::usage(format!(
                "cannot open CSV file {}: {e}; check the path given to --from-csv",
                path.display()
            ))
        })?;
        Ok(Input {
            name: path.display().to_string(),
            source: Source::Path(path.to_path_buf()),
        })
    }

    /// A fresh reader from the start of the input.
    fn reader(&self) -> io::Result<Box<dyn Read + Send>> {
        match &self.source {
            Source::Path(p) => Ok(Box::new(io::BufReader::with_capacity(
                64 * 1024,
                File::open(p)?,
            ))),
            Source::Spooled(f) => {
                let mut f = f.try_clone()?;
                f.seek(SeekFrom::Start(0))?;
                Ok(Box::new(io::BufReader::with_capacity(64 * 1024, f)))
            }
        }
    }

    fn csv(&self) -> anyhow::Result<csv::Reader<Box<dyn Read + Send>>> {
        let r = self
            .reader()
            .map_err(|e| Error::usage(format!("cannot read CSV {}: {e}", self.name)))?;
        Ok(csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(r))
    }
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
                        "{file}:1: {name}: repeats column {prev}; keep one of them"
                    ));
                }
                cols.push(Some((f, name)));
            }
            None if which == Columns::RoomIdOnly => cols.push(None),
            None => {
                problems.push(format!(
                    "{file}:1: {name}: unknown column; valid columns: {}",
                    valid_columns()
                ));
                cols.push(None);
            }
        }
    }
    if !seen.contains_key(&Field::RoomId) {
        problems.push(format!(
            "{file}:1: room_id: the header has no room_id column (RoomId); add one"
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
            "{file}:{line}: row has {} cells, the header has {}; quote cells that contain commas",
            rec.len(),
            h.width
        ));
        return Err(problems);
    }
    let mut spec = RoomSpec::default();
    for (cell, col) in rec.iter().zip(&h.cols) {
        if let Some((f, name)) = col {
            if let Err(m) = spec.set_from_text(*f, cell) {
                problems.push(format!("{file}:{line}: {name}: {m}"));
            }
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
/// skipped here.
pub fn rows<'a>(
    input: &'a Input,
    which: Columns,
    defaults: &'a RoomSpec,
) -> anyhow::Result<impl Iterator<Item = Row> + 'a> {
    let mut records = input.csv()?.into_records();
    let header = match records.next() {
        Some(Ok(h)) => parse_header(&h, which, &input.name).ok(),
        _ => None,
    };
    let header = header
        .ok_or_else(|| Error::usage(format!("{}: the header changed while reading", input.name)))?;
    Ok(records.filter_map(move |rec| {
        let rec = rec.ok()?;
        let line = rec.position().map_or(0, |p| p.line());
        parse_row(&header, &rec, defaults, &input.name, line)
            .ok()
            .map(|spec| Row { line, spec })
    }))
}

/// The whole-file check: every problem of every row, and repeated room IDs.
/// Problems are written to `report` as found (so memory stays flat); returns
/// the number of data rows and the number of problems.
pub fn check(
    input: &Input,
    which: Columns,
    defaults: &RoomSpec,
    report: &mut dyn FnMut(&str),
) -> anyhow::Result<(u64, u64)> {
    let file = &input.name;
    let mut records = input.csv()?.into_records();
    let header = match records.next() {
        None => {
            report(&format!(
                "{file}:1: the file is empty; it needs a header row with a room_id column"
            ));
            return Ok((0, 1));
        }
        Some(Err(e)) => {
            report(&format!("{file}:1: {}", csv_message(&e)));
            return Ok((0, 1));
        }
        Some(Ok(h)) => h,
    };
    let header = match parse_header(&header, which, file) {
        Ok(h) => h,
        Err(ps) => {
            ps.iter().for_each(|p| report(p));
            return Ok((0, ps.len() as u64));
        }
    };
    let (mut rows, mut problems) = (0u64, 0u64);
    // 8 bytes per row: a million rows is 8 MB; collisions are confirmed below.
    let mut hashes: Vec<u64> = Vec::new();
    for rec in records {
        rows += 1;
        match rec {
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report(&format!("{file}:{line}: {}", csv_message(&e)));
                problems += 1;
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line());
                match parse_row(&header, &rec, defaults, file, line) {
                    Ok(spec) => hashes.push(hash_id(&spec.room_id)),
                    Err(ps) => {
                        problems += ps.len() as u64;
                        ps.iter().for_each(|p| report(p));
                    }
                }
            }
        }
    }
    if rows == 0 {
        report(&format!("{file}: no data rows after the header"));
        problems += 1;
    }
    hashes.sort_unstable();
    let suspects: HashSet<u64> = hashes
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    drop(hashes);
    if !suspects.is_empty() {
        problems += report_duplicates(input, which, defaults, &suspects, report)?;
    }
    Ok((rows, problems))
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
