//! Line numbers and the hash of a CSV pass: a reader that feeds every byte
//! it passes on to a [`Scan`], and [`LineMap`], which turns the csv crate's
//! record offsets into the line an editor shows.

use std::collections::VecDeque;
use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

/// What a pass learned from the bytes read so far.
#[derive(Default)]
pub(super) struct Scan {
    pub(super) lines: LineMap,
    /// The check pass's block hashes; `None` in a pass that verifies them.
    pub(super) blocks: Option<Blocks>,
}

/// Bytes per block: the check pass hashes the file block by block, and the
/// send pass verifies each block before it parses a byte of it.
pub(super) const BLOCK: usize = 64 * 1024;

/// The hash of one block.
pub(super) fn block_hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// The hashes of [`BLOCK`]-sized pieces of a stream, fed in any pieces.
#[derive(Default)]
pub(super) struct Blocks {
    done: Vec<u64>,
    current: DefaultHasher,
    filled: usize,
    total: u64,
}

impl Blocks {
    pub(super) fn feed(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        while !bytes.is_empty() {
            let n = (BLOCK - self.filled).min(bytes.len());
            self.current.write(&bytes[..n]);
            self.filled += n;
            bytes = &bytes[n..];
            if self.filled == BLOCK {
                self.done.push(std::mem::take(&mut self.current).finish());
                self.filled = 0;
            }
        }
    }

    /// The bytes fed, and the hash of every block (the last may be short).
    pub(super) fn finish(&mut self) -> (u64, Vec<u64>) {
        if self.filled > 0 {
            self.done.push(std::mem::take(&mut self.current).finish());
            self.filled = 0;
        }
        (self.total, std::mem::take(&mut self.done))
    }
}

/// A reader that feeds every byte it reads to a [`Scan`].
pub(super) struct Tracked<R> {
    pub(super) inner: R,
    pub(super) scan: Arc<Mutex<Scan>>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut s = self.scan.lock().unwrap_or_else(|e| e.into_inner());
        s.lines.feed(&buf[..n]);
        if let Some(b) = s.blocks.as_mut() {
            b.feed(&buf[..n]);
        }
        Ok(n)
    }
}

/// The editor line of a record's first character: `\n`, `\r\n` and a
/// lone `\r` each end a line, inside quoted cells too. Fed the bytes in
/// order; asked about record starts in order. The csv crate's own count
/// knows `\n` only, and its record offsets can point at the blank lines
/// or line ends before a record.
#[derive(Default)]
pub struct LineMap {
    /// Runs of line-end bytes not yet passed by a question.
    pub(super) runs: VecDeque<Run>,
    /// Line ends in the runs already passed.
    passed: u64,
    pos: u64,
    prev_cr: bool,
}

pub(super) struct Run {
    start: u64,
    end: u64,
    breaks: u64,
}

impl LineMap {
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\r' || b == b'\n' {
                let new_line = u64::from(!(b == b'\n' && self.prev_cr));
                match self.runs.back_mut() {
                    Some(r) if r.end == self.pos => {
                        r.end += 1;
                        r.breaks += new_line;
                    }
                    _ => self.runs.push_back(Run {
                        start: self.pos,
                        end: self.pos + 1,
                        breaks: new_line,
                    }),
                }
            }
            self.prev_cr = b == b'\r';
            self.pos += 1;
        }
    }

    /// The line of the first byte at or after `offset` that does not end
    /// a line. Memory stays within the bytes read ahead of the question.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        while self.runs.front().is_some_and(|r| r.start <= offset) {
            let r = self.runs.pop_front().expect("front");
            self.passed += r.breaks;
        }
        self.passed + 1
    }
}

/// The line of a record or error at `pos`.
pub(super) fn line_of(scan: &Mutex<Scan>, pos: Option<&csv::Position>) -> u64 {
    let offset = pos.map_or(0, |p| p.byte());
    scan.lock()
        .unwrap_or_else(|e| e.into_inner())
        .lines
        .line_at(offset)
}
