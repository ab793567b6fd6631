//! What the engine shows of itself: one row per transfer and the totals,
//! sampled a few times a second (see `sampler.rs`).

use super::model::{Kind, Status};

/// One row of the transfers pane.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemView {
    pub id: u64,
    /// The path relative to its batch (see `label.rs`).
    pub name: String,
    pub kind: Kind,
    pub source: String,
    pub target: String,
    pub status: Status,
    pub done: u64,
    pub total: u64,
    /// Bytes per second, smoothed.
    pub rate: u64,
    pub eta_secs: Option<u64>,
    /// Base64 MD5 of what was moved, once done.
    pub checksum: Option<String>,
    /// Why a paused transfer waits (an expired SAS), or what a resume
    /// found (bytes reused, or why it starts again), in words.
    pub note: Option<String>,
}

/// How many items are in each state, for the pane's title.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub running: usize,
    pub queued: usize,
    pub paused: usize,
    pub failed: usize,
    pub done: usize,
    pub skipped: usize,
    pub cancelled: usize,
}

impl Counts {
    /// The items whose bytes are in `Snapshot::done_bytes`/`total_bytes`.
    pub fn in_totals(&self) -> usize {
        self.running + self.queued + self.paused + self.failed + self.done
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub items: Vec<ItemView>,
    /// All transfers together, bytes per second, smoothed.
    pub rate: u64,
    /// Bytes moved in each of the last 60 seconds, oldest first.
    pub history: Vec<u64>,
    pub done_bytes: u64,
    pub total_bytes: u64,
    /// Bytes that crossed the network, and bytes a resume did not send again.
    pub sent_bytes: u64,
    pub reused_bytes: u64,
    /// The bandwidth cap in force, bytes per second.
    pub cap: Option<u64>,
}

impl Snapshot {
    pub fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.items.iter().filter(|i| f(&i.status)).count()
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for i in &self.items {
            *match i.status {
                Status::Running | Status::Verifying => &mut c.running,
                Status::Queued => &mut c.queued,
                Status::Paused => &mut c.paused,
                Status::Failed(_) => &mut c.failed,
                Status::Done => &mut c.done,
                Status::Skipped(_) => &mut c.skipped,
                Status::Cancelled => &mut c.cancelled,
            } += 1;
        }
        c
    }

    pub fn active(&self) -> bool {
        self.items.iter().any(|i| {
            matches!(
                i.status,
                Status::Queued | Status::Running | Status::Verifying
            )
        })
    }
}
