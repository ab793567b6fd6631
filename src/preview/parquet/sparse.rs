//! A Parquet "file" made of only the byte ranges fetched from the blob. The
//! parquet crate reads through it as if it had the whole file; asking for a
//! byte that was not fetched is an error, never a hidden extra download.

use bytes::{Buf, Bytes};
use parquet::errors::ParquetError;
use parquet::file::reader::{ChunkReader, Length};
use std::collections::BTreeMap;
use std::ops::Range;

#[derive(Clone, Debug, Default)]
pub struct SparseFile {
    len: u64,
    /// Start offset → bytes; pieces never overlap or touch (they are merged).
    pieces: BTreeMap<u64, Bytes>,
}

impl SparseFile {
    /// An empty file of `len` bytes (the blob's size).
    pub fn new(len: u64) -> Self {
        Self {
            len,
            pieces: BTreeMap::new(),
        }
    }

    /// Adds fetched bytes at `start`, merging with neighbours so a read that
    /// spans two fetches still finds one contiguous piece.
    pub fn insert(&mut self, start: u64, bytes: Bytes) {
        if bytes.is_empty() {
            return;
        }
        let mut lo = start;
        let mut hi = start + bytes.len() as u64;
        let touching: Vec<u64> = self
            .pieces
            .range(..=hi)
            .filter(|(s, b)| **s + b.len() as u64 >= lo)
            .map(|(s, _)| *s)
            .collect();
        if touching.is_empty() {
            self.pieces.insert(start, bytes);
            return;
        }
        let old: Vec<(u64, Bytes)> = touching
            .iter()
            .filter_map(|s| self.pieces.remove(s).map(|b| (*s, b)))
            .collect();
        for (s, b) in &old {
            lo = lo.min(*s);
            hi = hi.max(s + b.len() as u64);
        }
        let mut merged = vec![0u8; (hi - lo) as usize];
        for (s, b) in old.iter().chain(std::iter::once(&(start, bytes))) {
            let at = (s - lo) as usize;
            merged[at..at + b.len()].copy_from_slice(b);
        }
        self.pieces.insert(lo, Bytes::from(merged));
    }

    /// The parts of `range` not fetched yet, in order.
    pub fn missing(&self, range: Range<u64>) -> Vec<Range<u64>> {
        let mut gaps = Vec::new();
        let mut at = range.start;
        for (s, b) in &self.pieces {
            let end = s + b.len() as u64;
            if end <= at {
                continue;
            }
            if *s >= range.end {
                break;
            }
            if *s > at {
                gaps.push(at..*s);
            }
            at = at.max(end);
        }
        if at < range.end {
            gaps.push(at..range.end);
        }
        gaps
    }

    /// The piece holding `start`, from `start` to the piece's end.
    fn from(&self, start: u64) -> Option<Bytes> {
        let (s, b) = self.pieces.range(..=start).next_back()?;
        let off = (start - s) as usize;
        (off < b.len()).then(|| b.slice(off..))
    }

    /// Exactly `len` bytes at `start`, if fetched.
    pub fn get(&self, start: u64, len: usize) -> Option<Bytes> {
        self.from(start)
            .filter(|b| b.len() >= len)
            .map(|b| b.slice(..len))
    }
}

fn not_fetched(start: u64, len: usize) -> ParquetError {
    ParquetError::General(format!(
        "bytes {start}..{} were not fetched for the preview",
        start + len as u64
    ))
}

impl Length for SparseFile {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for SparseFile {
    type T = bytes::buf::Reader<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        // Reading past the piece's end is a clean EOF, which parquet reports.
        self.from(start)
            .map(Buf::reader)
            .ok_or_else(|| not_fetched(start, 1))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.get(start, length)
            .ok_or_else(|| not_fetched(start, length))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_merge_and_gaps_are_reported() {
        let mut f = SparseFile::new(100);
        f.insert(10, Bytes::from_static(b"abcde"));
        f.insert(40, Bytes::from_static(b"xyz"));
        assert_eq!(f.missing(0..50), vec![0..10, 15..40, 43..50]);
        assert_eq!(f.get(11, 3).as_deref(), Some(&b"bcd"[..]));
        assert!(f.get(13, 5).is_none());
        assert!(f.get_bytes(0, 1).is_err());
        // Adjacent and overlapping inserts become one piece.
        f.insert(15, Bytes::from_static(b"fgh"));
        f.insert(17, Bytes::from_static(b"hij"));
        assert_eq!(f.get(10, 10).as_deref(), Some(&b"abcdefghij"[..]));
        assert_eq!(f.missing(10..20), Vec::<Range<u64>>::new());
        assert_eq!(f.len(), 100);
    }
}
