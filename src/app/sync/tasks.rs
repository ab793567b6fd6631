//! The sync review's background work: the plan (both sides listed with the
//! parallel walker and compared) and the steps after the transfers.

use super::{SyncEffect, SyncEvent, action};
use crate::app::action::Action;
use crate::azure::StorageClient;
use crate::azure::filter::Filter;
use crate::transfer::sync::{self, Compare};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// Runs one piece of work. `cancel` stops a plan's listings (a newer plan
/// or closing the review cancels it).
pub(in crate::app) fn spawn(
    effect: SyncEffect,
    clients: Vec<Option<StorageClient>>,
    cancel: CancellationToken,
    tx: UnboundedSender<Action>,
) {
    let client_of = move |i: usize| clients.get(i).cloned().flatten();
    match effect {
        SyncEffect::Plan {
            generation,
            src,
            dst,
        } => {
            tokio::spawn(async move {
                let filter = Filter::default();
                let work = sync::plan(src, dst, Compare::SizeMtime, &filter, &client_of, &cancel);
                let result = tokio::select! {
                    _ = cancel.cancelled() => return,
                    r = work => r.map_err(|e| e.to_string()),
                };
                let _ = tx.send(action(SyncEvent::Planned { generation, result }));
            });
        }
        // The runner cancelled the plan's token before this.
        SyncEffect::Stop => {}
        // The runner hands these to the engine.
        SyncEffect::RecordMtimes(_) => {}
        SyncEffect::Finish { recorded, deletes } => {
            tokio::spawn(async move {
                let mut failures = Vec::new();
                let (mut deleted, mut deleted_bytes) = (0, 0);
                for (target, bytes) in deletes {
                    match sync::delete_extra(&target, &client_of).await {
                        Ok(_) => {
                            deleted += 1;
                            deleted_bytes += bytes;
                        }
                        Err(e) => failures.push(e),
                    }
                }
                let _ = tx.send(action(SyncEvent::Finished {
                    recorded,
                    deleted,
                    deleted_bytes,
                    failures,
                }));
            });
        }
    }
}
