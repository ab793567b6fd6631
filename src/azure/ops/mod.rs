//! Everyday container and blob actions: create and delete containers, delete
//! blobs and folders, soft-delete listing and undelete, rename/move by
//! server-side copy, metadata and content headers, access tier, lease break,
//! and links/commands for a selection.
//!
//! Every input a person types is checked by a pure function first (usable
//! while typing), and the async actions refuse invalid input before sending
//! anything. No ratatui here: the forms call these and show the sentences.

mod containers;
mod delete;
mod handoff;
mod names;
mod properties;
mod rename;
#[cfg(test)]
mod tests;
mod tiers;

pub use super::http::{OpError, OpResult};
pub use containers::*;
pub use delete::*;
pub use handoff::*;
pub use names::*;
pub use properties::*;
pub use rename::*;
pub use tiers::*;

/// Outcome of an action over many blobs: nothing stops at the first failure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub done: usize,
    pub bytes: u64,
    /// Blob name and what went wrong with it.
    pub failed: Vec<(String, String)>,
}

impl BatchReport {
    /// "3 blobs (1.5 KiB) deleted, 1 failed: a.txt: …"
    pub fn summary(&self, verb: &str) -> String {
        let mut s = format!(
            "{} ({}) {verb}",
            count(self.done, "blob"),
            human_bytes(self.bytes)
        );
        if let Some((name, why)) = self.failed.first() {
            s.push_str(&format!(
                ", {} failed; first: {name}: {why}",
                self.failed.len()
            ));
        }
        s
    }
}

pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub fn human_bytes(n: u64) -> String {
    humansize::format_size(n, humansize::BINARY)
}
