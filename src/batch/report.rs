//! The `--report` file: one JSON line per settled row, written and flushed
//! before the next, so a crash loses at most the rows in flight; and, for
//! `--resume`, the set of room IDs an earlier run already settled.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::settle::Record;

pub struct ReportWriter {
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

impl ReportWriter {
    /// Opens the report. Without `--resume` an existing non-empty report is
    /// refused: it is the record of an earlier run.
    pub fn open(path: &Path, resume: bool) -> anyhow::Result<ReportWriter> {
        let existing = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if existing > 0 && !resume {
            return Err(Error::usage(format!(
                "report file {} already exists; pass --resume to continue that run, or choose another --report file",
                path.display()
            )));
        }
        let mut file = open_private(path, true).map_err(|e| {
            Error::usage(format!("cannot open report file {}: {e}", path.display()))
        })?;
        // A killed run may have left half a line: start on a fresh one.
        if existing > 0 && !ends_with_newline(path)? {
            file.write_all(b"\n").map_err(|e| {
                Error::usage(format!("cannot write report file {}: {e}", path.display()))
            })?;
        }
        Ok(ReportWriter {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Writes one record and flushes it.
    pub fn write(&mut self, rec: &Record) -> anyhow::Result<()> {
        let mut line = rec.report_json().to_string();
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|_| self.file.flush())
            .map_err(|e| anyhow::anyhow!("cannot write report file {}: {e}", self.path.display()))
    }
}

fn ends_with_newline(path: &Path) -> anyhow::Result<bool> {
    let mut f = File::open(path)
        .map_err(|e| Error::usage(format!("cannot read report file {}: {e}", path.display())))?;
    f.seek(SeekFrom::End(-1))?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b)?;
    Ok(b[0] == b'\n')
}

/// Room IDs the report marks with one of `done` statuses. A line that does
/// not parse (a half-written last line) is ignored: that row is redone.
pub fn read_done(path: &Path, done: &[&str]) -> anyhow::Result<HashSet<String>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => {
            return Err(Error::usage(format!(
                "cannot read report file {}: {e}",
                path.display()
            )));
        }
    };
    let mut ids = HashSet::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| {
            Error::usage(format!("cannot read report file {}: {e}", path.display()))
        })?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if let (Some(id), Some(status)) = (v["room_id"].as_str(), v["status"].as_str()) {
            if done.contains(&status) {
                ids.insert(id.to_string());
            }
        }
    }
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
        }
    }

    #[test]
    fn refuses_existing_report_without_resume_and_appends_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.jsonl");
        let mut w = ReportWriter::open(&p, false).unwrap();
        w.write(&rec("a", Status::Created)).unwrap();
        w.write(&rec("b", Status::Failed)).unwrap();
        drop(w);
        assert!(ReportWriter::open(&p, false).is_err());
        // A torn last line from a killed run.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"{\"room_id\":\"c\",\"sta")
            .unwrap();
        let mut w = ReportWriter::open(&p, true).unwrap();
        w.write(&rec("d", Status::Exists)).unwrap();
        let done = read_done(&p, &["created", "exists"]).unwrap();
        assert_eq!(done, ["a", "d"].iter().map(|s| s.to_string()).collect());
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.ends_with("\"attempts\":1}\n"));
        assert_eq!(text.lines().count(), 4);
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
    fn missing_report_means_nothing_done() {
        assert!(
            read_done(Path::new("/nonexistent/r.jsonl"), &["created"])
                .unwrap()
                .is_empty()
        );
    }
}
