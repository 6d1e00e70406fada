//! `--state FILE` on disk: the snapshot (`FILE`, see `state.rs`), an
//! append-only journal of every confirmed change (`FILE.journal`), and a
//! lock (`FILE.lock`) that keeps a second emulator off the same state.
//!
//! A write is journaled under the state lock before it is answered, as one
//! `write(2)` of one JSON line holding the changed room as it now is (or
//! null once gone) and the clock offset: a confirmed write survives
//! `kill -9`. The journal is compacted in the background without the state
//! lock: past a size it is renamed `FILE.journal.old`, a fresh one takes
//! its place, and a thread folds the old one into the snapshot read from
//! disk, then deletes it. On start the snapshot is read and the journals
//! replayed; entries are whole values, so replaying one twice is harmless.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender};
use std::time::Duration;

use super::faults::MAX_OFFSET_MS;
use super::state::{self, Room, State};
use crate::output;

/// The journal is compacted once it is this big, or as big as the snapshot.
pub const COMPACT_MIN: u64 = 4 * 1024 * 1024;

/// One journal line.
#[derive(Serialize)]
struct EntryRef<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    room: Option<&'a str>,
    value: Option<&'a Room>,
    clock_offset_ms: i64,
    /// A change not to a room (an account import): all the accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<&'a std::collections::BTreeMap<String, super::state::Account>>,
}

#[derive(Deserialize)]
struct Entry {
    room: Option<String>,
    value: Option<Room>,
    clock_offset_ms: i64,
    #[serde(default)]
    accounts: Option<std::collections::BTreeMap<String, super::state::Account>>,
}

struct Writer {
    /// `None` once the final save is done: later writes are refused.
    file: Option<File>,
    bytes: u64,
    threshold: u64,
    /// A `FILE.journal.old` waits for the compactor.
    rotated: bool,
}

pub struct Store {
    snapshot: PathBuf,
    journal: PathBuf,
    old: PathBuf,
    _lock: File,
    writer: Mutex<Writer>,
    /// Held while the snapshot file is rewritten.
    compacting: Mutex<()>,
    compact_min: u64,
    wake: SyncSender<()>,
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A path that exists must be a regular file: reading /dev/zero or a FIFO
/// would never end.
fn regular(p: &Path) -> Result<(), String> {
    let Ok(meta) = std::fs::metadata(p) else {
        return Ok(());
    };
    let t = meta.file_type();
    let kind = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(format!(
        "--state {}: {kind}, not a state file; name a regular file, e.g. rooms.json",
        p.display()
    ))
}

impl Store {
    /// Locks, loads and replays the state at `path`; the journal starts
    /// afresh (a replayed journal is folded into the snapshot first).
    /// Errors are sentences naming the file.
    pub fn open(path: &Path, compact_min: u64) -> Result<(Store, State, Receiver<()>), String> {
        let journal = with_suffix(path, ".journal");
        let old = with_suffix(path, ".journal.old");
        let lock_path = with_suffix(path, ".lock");
        for p in [path, &journal, &old, &lock_path] {
            regular(p)?;
        }
        let lock_file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&lock_path)
            .map_err(|e| format!("cannot create the lock file {}: {e}", lock_path.display()))?;
        match lock_file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "--state {}: another livectl emulator is using this state (it holds {}); stop it or name another --state FILE",
                    path.display(),
                    lock_path.display()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", lock_path.display()));
            }
        }
        let mut st = state::load(path).map_err(|e| e.to_string())?;
        let mut replayed = false;
        for j in [&old, &journal] {
            replayed |= replay(j, &mut st)?;
        }
        if !(-MAX_OFFSET_MS..=MAX_OFFSET_MS).contains(&st.clock_offset_ms) {
            return Err(format!(
                "{} has a clock offset of {} ms, beyond the emulator's ±{} s",
                path.display(),
                st.clock_offset_ms,
                MAX_OFFSET_MS / 1000
            ));
        }
        let mut size = std::fs::metadata(path).map_or(0, |m| m.len());
        if replayed {
            let bytes = state::snapshot(&st);
            size = bytes.len() as u64;
            state::save(path, &bytes)
                .map_err(|e| format!("cannot save the state to {}: {e}", path.display()))?;
            for j in [&old, &journal] {
                remove(j).map_err(|e| format!("cannot remove {}: {e}", j.display()))?;
            }
        }
        let file = open_journal(&journal)?;
        let (wake, woken) = std::sync::mpsc::sync_channel(1);
        let store = Store {
            snapshot: path.to_path_buf(),
            journal,
            old,
            _lock: lock_file,
            writer: Mutex::new(Writer {
                file: Some(file),
                bytes: 0,
                threshold: size.max(compact_min),
                rotated: false,
            }),
            compacting: Mutex::new(()),
            compact_min,
            wake,
        };
        Ok((store, st, woken))
    }

    /// Journals the change of a request: `room` as it now is in `state` (or
    /// gone), and the clock offset. Called under the state lock, before the
    /// answer leaves.
    pub fn record(&self, state: &State, room: Option<&str>) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(&EntryRef {
            room,
            value: room.and_then(|r| state.rooms.get(r)),
            clock_offset_ms: state.clock_offset_ms,
            accounts: room.is_none().then_some(&state.accounts),
        })?;
        line.push(b'\n');
        let mut w = lock(&self.writer);
        let written = w.bytes;
        let file = w.file.as_mut().ok_or_else(|| {
            std::io::Error::other("the emulator is stopping and its state is saved")
        })?;
        if let Err(e) = file.write_all(&line) {
            // A line cut short (a full disk) is taken back, so the lines
            // after it still parse; the journal holds exactly `bytes`.
            let _ = file.set_len(written);
            return Err(e);
        }
        w.bytes += line.len() as u64;
        if w.bytes >= w.threshold && !w.rotated {
            // A failed rotation keeps the journal going; it is retried at the next write.
            if std::fs::rename(&self.journal, &self.old).is_ok() {
                w.file = Some(open_journal(&self.journal).map_err(std::io::Error::other)?);
                w.bytes = 0;
                w.rotated = true;
                let _ = self.wake.try_send(());
            }
        }
        Ok(())
    }

    /// Folds `FILE.journal.old` into the snapshot, reading the snapshot
    /// from disk: the live state and its lock are not touched.
    pub fn compact(&self) -> Result<(), String> {
        let _c = lock(&self.compacting);
        if !self.old.exists() {
            return Ok(());
        }
        let mut st = state::load(&self.snapshot).map_err(|e| e.to_string())?;
        replay(&self.old, &mut st)?;
        let bytes = state::snapshot(&st);
        drop(st);
        state::save(&self.snapshot, &bytes).map_err(|e| e.to_string())?;
        remove(&self.old).map_err(|e| e.to_string())?;
        let mut w = lock(&self.writer);
        w.rotated = false;
        w.threshold = (bytes.len() as u64).max(self.compact_min);
        Ok(())
    }

    /// The final save: the whole `state` (the caller holds its lock) as the
    /// snapshot, the journals deleted, and the journal closed.
    pub fn save_final(&self, state: &State) -> Result<(), String> {
        let _c = lock(&self.compacting);
        let mut w = lock(&self.writer);
        state::save(&self.snapshot, &state::snapshot(state)).map_err(|e| e.to_string())?;
        w.file = None;
        for j in [&self.old, &self.journal] {
            remove(j).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// The compactor: folds each rotated journal into the snapshot until `stop`.
pub fn compactor(store: &Store, woken: Receiver<()>, stop: &std::sync::atomic::AtomicBool) {
    let mut warned = false;
    loop {
        match woken.recv_timeout(Duration::from_millis(200)) {
            Ok(()) => {
                if let Err(e) = store.compact()
                    && !std::mem::replace(&mut warned, true)
                {
                    output::warn(format!(
                        "cannot compact the state journal into {}: {e}",
                        store.snapshot.display()
                    ));
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if stop.load(std::sync::atomic::Ordering::SeqCst) {
            return;
        }
    }
}

fn open_journal(p: &Path) -> Result<File, String> {
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(p)
        .map_err(|e| format!("cannot open the journal {}: {e}", p.display()))
}

fn remove(p: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Applies the journal at `p` to `st`; whether there was one. A damaged
/// last line is a write cut short by a crash, never confirmed: skipped.
fn replay(p: &Path, st: &mut State) -> Result<bool, String> {
    let text = match std::fs::read(p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(format!("cannot read {}: {e}", p.display())),
    };
    let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let entry: Entry = match serde_json::from_slice(line) {
            Ok(e) => e,
            Err(_) if i == last && !text.ends_with(b"\n") => break,
            Err(e) => {
                return Err(format!(
                    "{} line {} is damaged ({e}); move it away to start from the snapshot alone",
                    p.display(),
                    i + 1
                ));
            }
        };
        st.clock_offset_ms = entry.clock_offset_ms;
        if let Some(accounts) = entry.accounts {
            st.accounts = accounts;
        }
        if let Some(room) = entry.room {
            match entry.value {
                Some(v) => st.rooms.insert(room, v),
                None => st.rooms.remove(&room),
            };
        }
    }
    Ok(!text.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(owner: &str) -> Room {
        let mut r = Room::default();
        r.info.owner = owner.into();
        r
    }

    #[test]
    fn every_recorded_change_is_back_after_a_crash_and_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let (store, mut st, woken) = Store::open(&path, 1024).unwrap();
        for i in 0..200 {
            let id = format!("r{i}");
            st.rooms.insert(id.clone(), room(&format!("o{i}")));
            store.record(&st, Some(&id)).unwrap();
            if i % 3 == 0 {
                st.rooms.remove(&id);
                store.record(&st, Some(&id)).unwrap();
            }
            if woken.try_recv().is_ok() {
                store.compact().unwrap();
            }
        }
        st.clock_offset_ms = 5000;
        store.record(&st, None).unwrap();
        assert!(path.exists(), "compacted at least once");
        // A crash: the store is dropped without a final save.
        drop(store);
        let (_again, back, _) = Store::open(&path, 1024).unwrap();
        assert_eq!(back.rooms.len(), st.rooms.len());
        assert_eq!(back.rooms["r199"].owner(), "o199");
        assert!(!back.rooms.contains_key("r198") || 198 % 3 != 0);
        assert_eq!(back.clock_offset_ms, 5000);
    }

    #[test]
    fn a_cut_last_line_is_skipped_and_a_damaged_middle_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let j = with_suffix(&path, ".journal");
        let good = r#"{"room":"a","value":{"Info":{"RoomName":"","Owner_Account":"x","CreateTime":0,"CoverURL":"","IsMessageDisabled":false,"Category":[],"IsPublicVisible":false,"TakeSeatMode":"","ActivityStatus":0},"Seats":[],"Members":[],"Admins":[],"Robots":[],"Metadata":{},"Bans":{},"Mutes":{},"Stats":{"TotalViewers":0,"TotalGiftsSent":0,"TotalGiftCoins":0,"TotalUniqueGiftSenders":0,"TotalLikesReceived":0,"TotalMsgCount":0},"MsgSeq":0},"clock_offset_ms":0}"#;
        std::fs::write(&j, format!("{good}\n{{\"room\":\"b\",\"val")).unwrap();
        let (store, st, _) = Store::open(&path, 1024).unwrap();
        assert!(st.rooms.contains_key("a") && !st.rooms.contains_key("b"));
        drop(store);
        std::fs::write(&j, format!("garbage\n{good}\n")).unwrap();
        let e = Store::open(&path, 1024).err().unwrap();
        assert!(e.contains("line 1 is damaged"), "{e}");
    }

    #[test]
    fn a_second_store_on_the_same_file_and_special_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let _first = Store::open(&path, 1024).unwrap();
        let e = Store::open(&path, 1024).err().unwrap();
        assert!(
            e.contains("another livectl emulator") && e.contains("s.json.lock"),
            "{e}"
        );
        let e = Store::open(Path::new("/dev/zero"), 1024).err().unwrap();
        assert!(e.contains("a device"), "{e}");
        let e = Store::open(dir.path(), 1024).err().unwrap();
        assert!(e.contains("a directory"), "{e}");
    }
}
