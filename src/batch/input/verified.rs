//! The send pass's reader: only the bytes the check pass read, each block
//! verified against the check's hash before a byte of it is handed out.

use std::io::{self, Read};
use std::sync::Arc;

use super::Fingerprint;
use super::lines::{BLOCK, block_hash};

/// The bytes the check pass read, verified block by block: a block that
/// differs (or is cut short) is a read error before any of its bytes is
/// handed out, and the end is the checked length, whatever was appended.
pub(super) struct Verified<F> {
    file: F,
    blocks: Arc<Vec<u64>>,
    /// Checked bytes not yet read from the file.
    left: u64,
    next: usize,
    buf: Vec<u8>,
    pos: usize,
}

/// The message of the read error of a changed block.
pub(super) const CHANGED: &str = "the file changed after it was checked";

impl<F: Read> Verified<F> {
    pub(super) fn new(file: F, want: &Fingerprint) -> Verified<F> {
        Verified {
            file,
            blocks: want.blocks.clone(),
            left: want.read,
            next: 0,
            buf: Vec::new(),
            pos: 0,
        }
    }
}

impl<F: Read> Read for Verified<F> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() {
            let Some(&want) = self.blocks.get(self.next) else {
                return Ok(0);
            };
            let n = self.left.min(BLOCK as u64) as usize;
            self.buf.resize(n, 0);
            self.pos = 0;
            let read = self.file.read_exact(&mut self.buf);
            if read.is_err() || block_hash(&self.buf) != want {
                self.buf.clear();
                self.blocks = Arc::new(Vec::new());
                return Err(io::Error::new(io::ErrorKind::InvalidData, CHANGED));
            }
            self.next += 1;
            self.left -= n as u64;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
