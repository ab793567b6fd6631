//! What every transfer worker shares: its client, counters, pause/cancel
//! control, the journal and the memory budget.

use super::journal::Journal;
use super::model::{Control, Progress, Stop};
use super::throttle::Throttle;
use crate::azure::{StorageClient, describe_error};
use tokio::sync::{Semaphore, SemaphorePermit};

/// The memory budget is counted in units of this many bytes.
pub const BUDGET_UNIT: u64 = 64 << 10;

pub struct Ctx<'a> {
    pub client: &'a StorageClient,
    /// Stable id of the client's account, for the journal.
    pub account_id: &'a str,
    pub progress: &'a Progress,
    pub control: &'a Control,
    pub journal: Option<&'a Journal>,
    pub budget: &'a Semaphore,
    /// The budget's size in units (what a single buffer is capped at).
    pub budget_units: u32,
    /// Requests in flight for this one transfer.
    pub parallel: usize,
    /// The bandwidth cap shared by all transfers.
    pub throttle: &'a Throttle,
    /// An upload by sync: the mtime it records once written (kept in the
    /// journal so a resumed upload records it too).
    pub record_mtime_ms: Option<i64>,
}

impl<'a> Ctx<'a> {
    /// Waits until `bytes` of buffer fit in the budget; the permit frees them on drop.
    pub async fn memory(&self, bytes: u64) -> Option<SemaphorePermit<'a>> {
        let units = bytes.div_ceil(BUDGET_UNIT).max(1);
        // A single buffer larger than the whole budget still gets to run, alone.
        let units = units.min(u64::from(self.budget_units.max(1))) as u32;
        self.budget.acquire_many(units).await.ok()
    }

    /// Waits for the bandwidth cap to let `bytes` through; a pause or cancel
    /// ends the wait at once.
    pub async fn pace(&self, bytes: u64) -> Result<(), Stop> {
        tokio::select! {
            _ = self.throttle.take(bytes) => self.control.check(),
            _ = self.control.pause.cancelled() => Err(Stop::Paused),
            _ = self.control.cancel.cancelled() => Err(Stop::Cancelled),
        }
    }
}

/// A service error as a failed transfer, in words.
pub fn fail(ctx: &Ctx<'_>, e: &azure_core::Error) -> Stop {
    Stop::Failed(describe_error(e, ctx.client.account()))
}
