//! The `--report` file: one JSON line per settled row, written and flushed
//! before the next, so a crash loses at most the rows in flight; and, for
//! `--resume`, the set of room IDs an earlier run already settled.
//!
//! The report is the record of a run, so it is guarded: it may not be the
//! input CSV, it is locked for the whole run (a second run on it is refused
//! at once), `--resume` reads it only when every line is a livectl report
//! entry, and rows skipped on resume are counted in the summary instead of
//! being appended again on every resume.

use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions, TryLockError};
use std::hash::BuildHasher;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::input::Input;
use crate::error::Error;
use crate::output;
use crate::settle::{Record, Status};

/// The longest report line read back: real entries are well under 1 KB.
const MAX_LINE: u64 = 1024 * 1024;

pub struct ReportWriter {
    /// Holds the lock until the run ends.
    file: File,
    path: PathBuf,
}

/// Opens a file for writing, created 0600.
fn open_private(path: &Path, append: bool) -> std::io::Result<File> {
    let mut o = OpenOptions::new();
    o.create(true);
    if append {
        o.append(true);
    } else {
        o.write(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Opens and locks the report of a run over `input`, and returns, under
/// `--resume`, the room IDs it marks with one of the `done` statuses.
/// Without `--resume` an existing non-empty report is refused: it is the
/// record of an earlier run.
pub fn open(
    path: &Path,
    input: &Input,
    resume: bool,
    done: &[&str],
) -> anyhow::Result<(ReportWriter, Done)> {
    let shown = path.display();
    if input.is_same_file(path) {
        return Err(Error::usage(format!(
            "--report {shown} is the CSV file given to --from-csv; the report would be written into it. Choose another --report file"
        )));
    }
    let mut file = open_private(path, true)
        .map_err(|e| Error::usage(format!("cannot open report file {shown}: {e}")))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(Error::usage(format!(
                "another livectl run is using report file {shown}; wait for it to end, or choose another --report file"
            )));
        }
        // A file system without locks: go on, as before locks existed.
        Err(TryLockError::Error(e)) => output::warn(format!(
            "cannot lock report file {shown} ({e}); make sure no other livectl run uses it"
        )),
    }
    let existing = file
        .metadata()
        .map_err(|e| Error::usage(format!("cannot read report file {shown}: {e}")))?
        .len();
    if existing == 0 {
        return Ok((
            ReportWriter {
                file,
                path: path.to_path_buf(),
            },
            Done::default(),
        ));
    }
    if !resume {
        return Err(Error::usage(format!(
            "report file {shown} already exists; pass --resume to continue that run, or choose another --report file"
        )));
    }
    let read_err =
        |e: std::io::Error| Error::usage(format!("cannot read report file {shown}: {e}"));
    let mut reader = File::open(path).map_err(read_err)?;
    let ids = read_done(&mut reader, path, done)?;
    // A killed run may have left half a line: start on a fresh one.
    reader.seek(SeekFrom::End(-1)).map_err(read_err)?;
    let mut last = [0u8; 1];
    reader.read_exact(&mut last).map_err(read_err)?;
    if last[0] != b'\n' {
        file.write_all(b"\n")
            .map_err(|e| Error::usage(format!("cannot write report file {shown}: {e}")))?;
    }
    Ok((
        ReportWriter {
            file,
            path: path.to_path_buf(),
        },
        ids,
    ))
}

impl ReportWriter {
    /// Writes one record and flushes it. A `skipped` row is not written:
    /// the report already holds its line from the run that settled it.
    pub fn write(&mut self, rec: &Record) -> anyhow::Result<()> {
        if rec.status == Status::Skipped {
            return Ok(());
        }
        let mut line = rec.report_json().to_string();
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|_| self.file.flush())
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot write report file {}: {e}; the run stopped. Rows settled from here on may be missing from the report; --resume after fixing it sends them again, and a room made already is then reported `exists`",
                    self.path.display()
                )
            })
    }
}

/// The room IDs a report marks done, as 16-byte keyed hashes (two
/// independent 64-bit SipHashes under keys drawn for this run): a sorted
/// array of 16 bytes per room ID, whatever the report's size and however
/// long the IDs. Two IDs share both hashes with a probability near 2^-128
/// per pair, and keys drawn at random cannot be aimed at.
pub struct Done {
    keys: (RandomState, RandomState),
    sorted: Vec<u128>,
}

impl Default for Done {
    fn default() -> Done {
        Done {
            keys: (RandomState::new(), RandomState::new()),
            sorted: Vec::new(),
        }
    }
}

impl Done {
    fn key(&self, id: &str) -> u128 {
        let a = self.keys.0.hash_one(id);
        let b = self.keys.1.hash_one(id);
        (u128::from(a) << 64) | u128::from(b)
    }

    fn insert(&mut self, id: &str) {
        let k = self.key(id);
        self.sorted.push(k);
    }

    /// Sorts and drops repeats; call once all IDs are in.
    fn seal(&mut self) {
        self.sorted.sort_unstable();
        self.sorted.dedup();
        self.sorted.shrink_to_fit();
    }

    pub fn contains(&self, id: &str) -> bool {
        self.sorted.binary_search(&self.key(id)).is_ok()
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
}

/// What a report line is.
enum Entry {
    /// A row: its room ID and status.
    Row(String, String),
    /// A header a later version may write first (`{"livectl_report":..}`).
    Header,
}

/// Reads a report line, or says what it found instead.
fn entry(line: &[u8]) -> Result<Entry, &'static str> {
    let v: serde_json::Value = serde_json::from_slice(line).map_err(|_| "it is not JSON")?;
    let obj = v.as_object().ok_or("it is JSON but not an object")?;
    if obj.contains_key("livectl_report") {
        return Ok(Entry::Header);
    }
    match (obj.get("room_id"), obj.get("status")) {
        (Some(serde_json::Value::String(id)), Some(serde_json::Value::String(st))) => {
            Ok(Entry::Row(id.clone(), st.clone()))
        }
        _ => Err("it is a JSON object without a room_id and a status"),
    }
}

/// Room IDs the report marks with one of `done` statuses: one entry per
/// room ID, whatever the report's size. Every line must be a report entry;
/// a line cut short by a kill mid-write (`{"line":..`, not JSON) is ignored
/// and that row redone.
fn read_done(r: &mut impl Read, path: &Path, done: &[&str]) -> anyhow::Result<Done> {
    let shown = path.display();
    let mut reader = BufReader::new(r);
    let mut ids = Done::default();
    let mut buf = Vec::new();
    for n in 1u64.. {
        buf.clear();
        let got = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::usage(format!("cannot read report file {shown}: {e}")))?;
        if got == 0 {
            break;
        }
        let not_entry = |what: &str| {
            Error::usage(format!(
                "{shown}: line {n} is not a livectl report entry ({what}); --resume reads the --report file an earlier run wrote. Check the file name"
            ))
        };
        if buf.len() as u64 > MAX_LINE {
            return Err(not_entry("it is longer than 1 MiB"));
        }
        let line = buf.trim_ascii_end();
        if line.is_empty() {
            continue;
        }
        match entry(line) {
            Ok(Entry::Row(id, status)) => {
                if done.contains(&status.as_str()) {
                    ids.insert(&id);
                }
            }
            Ok(Entry::Header) => {}
            Err(_) if line.starts_with(b"{\"line\":") => {}
            Err(what) => return Err(not_entry(what)),
        }
    }
    ids.seal();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settle::Status;

    fn rec(id: &str, status: Status) -> Record {
        Record {
            line: Some(2),
            room_id: id.into(),
            status,
            error_code: None,
            error_info: None,
            request_id: None,
            attempts: 1,
            by: None,
            statistic: None,
        }
    }

    /// A directory with an input CSV, and the path `r.jsonl` in it.
    fn setup() -> (tempfile::TempDir, Input, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("rooms.csv");
        std::fs::write(&csv, "room_id\nr1\n").unwrap();
        let input = Input::open(&csv).unwrap();
        let p = dir.path().join("r.jsonl");
        (dir, input, p)
    }

    const DONE: &[&str] = &["created", "exists"];

    fn err(r: anyhow::Result<(ReportWriter, Done)>) -> String {
        let e = r.err().expect("refused");
        assert_eq!(crate::error::exit_code(&e), 2, "{e}");
        e.to_string()
    }

    #[test]
    fn refuses_existing_report_without_resume_and_appends_with_it() {
        let (_d, input, p) = setup();
        let (mut w, done) = open(&p, &input, false, DONE).unwrap();
        assert!(done.is_empty());
        w.write(&rec("a", Status::Created)).unwrap();
        w.write(&rec("b", Status::Failed)).unwrap();
        drop(w);
        assert!(err(open(&p, &input, false, DONE)).contains("already exists; pass --resume"));
        // A torn last line from a killed run.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"{\"line\":4,\"room_id\":\"c\",\"sta")
            .unwrap();
        let (mut w, done) = open(&p, &input, true, DONE).unwrap();
        assert!(done.contains("a") && done.len() == 1);
        w.write(&rec("d", Status::Exists)).unwrap();
        w.write(&rec("a", Status::Skipped)).unwrap();
        drop(w);
        let (_w, done) = open(&p, &input, true, DONE).unwrap();
        assert!(done.contains("a") && done.contains("d") && done.len() == 2);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.ends_with("\"attempts\":1}\n"));
        assert_eq!(text.lines().count(), 4, "skipped rows are not written");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    #[test]
    fn a_killed_first_write_still_resumes() {
        let (_d, input, p) = setup();
        std::fs::write(&p, "{\"line\":2,\"room_id\":\"r").unwrap();
        let (_w, done) = open(&p, &input, true, DONE).unwrap();
        assert!(done.is_empty());
        assert_eq!(std::fs::read_to_string(&p).unwrap().lines().count(), 1);
    }

    #[test]
    fn refuses_the_input_csv_as_report() {
        let (d, input, _p) = setup();
        let same = d.path().join(".").join("rooms.csv");
        let msg = err(open(&same, &input, true, DONE));
        assert!(msg.contains("is the CSV file given to --from-csv"), "{msg}");
        assert_eq!(
            std::fs::read_to_string(d.path().join("rooms.csv")).unwrap(),
            "room_id\nr1\n",
            "the CSV is untouched"
        );
    }

    #[test]
    fn resume_refuses_a_file_that_is_not_a_report() {
        let (_d, input, p) = setup();
        for (text, found) in [
            (
                "room_id,name\nr1,a\n",
                "line 1 is not a livectl report entry (it is not JSON)",
            ),
            (
                "[1,2]\n",
                "line 1 is not a livectl report entry (it is JSON but not an object)",
            ),
            (
                "{\"room_id\":\"a\",\"status\":\"created\"}\n{\"name\":1}\n",
                "line 2 is not a livectl report entry (it is a JSON object without a room_id and a status)",
            ),
            (
                "secret_key = \"abc\"\n",
                "line 1 is not a livectl report entry (it is not JSON)",
            ),
        ] {
            std::fs::write(&p, text).unwrap();
            let msg = err(open(&p, &input, true, DONE));
            assert!(msg.contains(found), "{msg}");
            assert!(!msg.contains("abc"), "the file's text is not echoed: {msg}");
            assert_eq!(std::fs::read_to_string(&p).unwrap(), text, "untouched");
        }
        let long = format!("{{\"room_id\":\"{}\"}}\n", "x".repeat(2 << 20));
        std::fs::write(&p, long).unwrap();
        assert!(err(open(&p, &input, true, DONE)).contains("longer than 1 MiB"));
        // A header line, as a later version may write, is accepted.
        std::fs::write(
            &p,
            "{\"livectl_report\":1}\n{\"room_id\":\"a\",\"status\":\"exists\"}\n",
        )
        .unwrap();
        assert_eq!(open(&p, &input, true, DONE).unwrap().1.len(), 1);
    }

    #[test]
    fn a_second_run_on_the_same_report_is_refused_at_once() {
        let (_d, input, p) = setup();
        let (first, _) = open(&p, &input, false, DONE).unwrap();
        for resume in [false, true] {
            let msg = err(open(&p, &input, resume, DONE));
            assert!(
                msg.starts_with(&format!(
                    "another livectl run is using report file {}",
                    p.display()
                )),
                "{msg}"
            );
        }
        drop(first);
        assert!(
            open(&p, &input, true, DONE).is_ok(),
            "free once the run ends"
        );
    }

    #[test]
    fn one_entry_per_room_id_however_often_it_appears() {
        let mut text = String::new();
        for _ in 0..1000 {
            text.push_str("{\"line\":2,\"room_id\":\"a\",\"status\":\"created\"}\n");
            text.push_str("{\"line\":3,\"room_id\":\"b\",\"status\":\"failed\"}\n");
        }
        let ids = read_done(&mut text.as_bytes(), Path::new("r.jsonl"), DONE).unwrap();
        assert_eq!(ids.len(), 1);
        assert!(ids.contains("a") && !ids.contains("b") && !ids.contains("c"));
        assert_eq!(ids.sorted.capacity(), 1, "16 bytes per room ID");
    }
}
