//! A bulk change on many blobs (the TUI's bulk form), shown in the transfers
//! pane one row per blob: tier and delete go through Blob Batch 256 blobs at
//! a time, content headers, metadata and tags one blob at a time (read,
//! then written back guarded by the ETag read, so nothing else changes).
//!
//! Cancelling any of its rows stops what has not started. Nothing is
//! journaled: every step sets a value (or deletes), so running the same job
//! again over the same blobs finishes what a crash or a cancel left and
//! changes nothing more on the blobs already done.

use super::engine::Engine;
use super::model::{Endpoint, ItemSpec, Kind, Status};
use crate::azure::StorageClient;
use crate::azure::batch::{self, MAX_BATCH};
use crate::azure::bulk::{BlobChange, PARALLEL};
use crate::azure::ops::{AccessTier, BatchReport, count, human_bytes};
use futures::StreamExt;

/// What the job does to every blob (one per job: its size does not matter).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkJob {
    /// Delete each blob (with its snapshots).
    Delete,
    /// Set the tier (if any) and change headers, metadata and tags.
    Apply {
        tier: Option<AccessTier>,
        change: BlobChange,
    },
}

impl BulkJob {
    /// "delete", "tier Cool, content type, metadata".
    pub fn describe(&self) -> String {
        match self {
            BulkJob::Delete => "delete".into(),
            BulkJob::Apply { tier, change } => {
                let mut parts = Vec::new();
                if let Some(t) = tier {
                    parts.push(format!("tier {}", t.as_str()));
                }
                let rest = change.describe();
                if !rest.is_empty() {
                    parts.push(rest);
                }
                parts.join(", ")
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, BulkJob::Apply { tier: None, change } if change.is_empty())
    }

    fn verb(&self) -> String {
        match self {
            BulkJob::Delete => "deleted".into(),
            _ => format!("changed ({})", self.describe()),
        }
    }
}

/// One blob of the job: its row, name and size.
type Row = (u64, String, u64);

fn settle(engine: &Engine, report: &mut BatchReport, row: &Row, result: Result<(), String>) {
    match result {
        Ok(()) => {
            report.done += 1;
            report.bytes += row.2;
            engine.settle(row.0, Status::Done);
        }
        Err(why) => {
            report.failed.push((row.1.clone(), why.clone()));
            engine.settle(row.0, Status::Failed(why));
        }
    }
}

/// Settles a chunk from a batch report; the rows that succeeded come back.
fn settle_batch(
    engine: &Engine,
    report: &mut BatchReport,
    rows: Vec<Row>,
    batch: &BatchReport,
    settle_done: bool,
) -> Vec<Row> {
    let failed: std::collections::HashMap<&str, &str> = batch
        .failed
        .iter()
        .map(|(n, w)| (n.as_str(), w.as_str()))
        .collect();
    let mut ok = Vec::new();
    for row in rows {
        match failed.get(row.1.as_str()) {
            Some(why) => settle(engine, report, &row, Err(why.to_string())),
            None if settle_done => settle(engine, report, &row, Ok(())),
            None => ok.push(row),
        }
    }
    ok
}

/// Runs `job` on `blobs` of `container` (account `account` of the engine's
/// list, for the rows), one row per blob in the engine; the totals at the end.
pub async fn run(
    engine: &Engine,
    client: &StorageClient,
    account: usize,
    container: &str,
    blobs: &[(String, u64)],
    job: &BulkJob,
) -> BatchReport {
    let specs = blobs
        .iter()
        .map(|(name, size)| ItemSpec {
            kind: Kind::Change,
            source: Endpoint::blob(account, container, name),
            target: Endpoint::blob(account, container, name),
            size: *size,
        })
        .collect();
    let ids = engine.track(specs, &job.describe());
    let rows: Vec<Row> = ids
        .into_iter()
        .zip(blobs.iter().cloned())
        .map(|(id, (n, s))| (id, n, s))
        .collect();
    let mut report = BatchReport::default();
    for chunk in rows.chunks(MAX_BATCH) {
        let batched = match job {
            BulkJob::Delete => true,
            BulkJob::Apply { tier, .. } => tier.is_some(),
        };
        let rest: Vec<Row> = if batched {
            let claimed: Vec<Row> = chunk
                .iter()
                .filter(|r| engine.claim(r.0))
                .cloned()
                .collect();
            if claimed.is_empty() {
                continue;
            }
            let pairs: Vec<(String, u64)> = claimed.iter().map(|r| (r.1.clone(), r.2)).collect();
            match job {
                BulkJob::Delete => {
                    let b = batch::delete_many(client, container, &pairs, true).await;
                    settle_batch(engine, &mut report, claimed, &b, true);
                    continue;
                }
                BulkJob::Apply { tier, change } => {
                    let tier = tier.unwrap_or(AccessTier::Hot);
                    let b = batch::set_tier_many(client, container, &pairs, tier).await;
                    settle_batch(engine, &mut report, claimed, &b, change.is_empty())
                }
            }
        } else {
            chunk.to_vec()
        };
        let BulkJob::Apply { change, .. } = job else {
            continue;
        };
        if change.is_empty() {
            continue;
        }
        let results: Vec<(Row, Option<Result<(), String>>)> = futures::stream::iter(rest)
            .map(|row| async move {
                let go = if batched {
                    !engine.is_cancelled(row.0)
                } else {
                    engine.claim(row.0)
                };
                if !go {
                    engine.settle(row.0, Status::Cancelled);
                    return (row, None);
                }
                let r = change
                    .apply(client, container, &row.1)
                    .await
                    .map_err(|e| e.describe(client.account()));
                let status = match &r {
                    Ok(()) => Status::Done,
                    Err(why) => Status::Failed(why.clone()),
                };
                engine.settle(row.0, status);
                (row, Some(r))
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        for (row, r) in results {
            match r {
                Some(Ok(())) => {
                    report.done += 1;
                    report.bytes += row.2;
                }
                Some(Err(why)) => report.failed.push((row.1, why)),
                None => {}
            }
        }
    }
    report.failed.sort();
    crate::audit::audit(
        if *job == BulkJob::Delete {
            "delete blobs"
        } else {
            "bulk change"
        },
        &format!(
            "{container} ({} of {}, {}): {}",
            count(report.done, "blob"),
            blobs.len(),
            human_bytes(report.bytes),
            job.describe()
        ),
    );
    report
}

/// The line the status bar shows when the job is over.
pub fn summary(job: &BulkJob, report: &BatchReport, total: usize) -> String {
    let mut s = report.summary(&job.verb());
    let cancelled = total.saturating_sub(report.done + report.failed.len());
    if cancelled > 0 {
        s.push_str(&format!(
            ", {} not done (cancelled)",
            count(cancelled, "blob")
        ));
    }
    s
}
