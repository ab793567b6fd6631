//! The queue: items run in order, at most `files_in_parallel` at a time, each
//! with `chunks_in_parallel` requests in flight, all buffers inside one memory
//! budget. Pause keeps partial state for resume; cancel removes it. `sample`
//! turns the workers' counters into throughput a few times a second.

use super::conflict::{Conflict, numbered};
use super::download::part_path;
use super::journal::{Entry, Journal};
use super::model::{Control, Endpoint, ItemSpec, Kind, Progress, Status, Stop};
use super::sampler::{Counters, Sampler};
use super::throttle::Throttle;
pub use super::view::{Counts, ItemView, Snapshot};
use super::worker::{BUDGET_UNIT, Ctx};
use crate::azure::StorageClient;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

#[derive(Clone, Debug)]
pub struct EngineOptions {
    pub files_in_parallel: usize,
    pub chunks_in_parallel: usize,
    /// Bytes of transfer buffers alive at once, across all transfers.
    pub memory_budget: u64,
    pub journal: Option<Journal>,
    /// Bandwidth cap for all transfers together, bytes per second.
    pub cap: Option<u64>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            files_in_parallel: 16,
            chunks_in_parallel: 8,
            // Four 8 MiB ranges in flight or being written and hashed keep a
            // download at the pace MD5 allows (the slowest stage here): 48,
            // 64 and 128 MiB measured no faster, interleaved on this machine,
            // and 128 MiB took peak RSS from 60 to 160 MiB.
            memory_budget: 32 << 20,
            journal: Journal::default_dir().map(Journal::new),
            cap: None,
        }
    }
}

struct Item {
    id: u64,
    spec: ItemSpec,
    /// Its path relative to its batch, for the pane.
    label: String,
    conflict: Conflict,
    status: Status,
    progress: Arc<Progress>,
    control: Control,
    /// Where it actually went (a "keep both" answer renames it).
    final_target: Option<Endpoint>,
    checksum: Option<String>,
    /// Paused because this account's SAS expired: a new credential resumes it.
    waits_for: Option<(usize, String)>,
    /// The bulk job a tracked change belongs to (cancelled together).
    job: Option<u64>,
}

struct Inner {
    clients: RwLock<Vec<Option<(String, StorageClient)>>>,
    items: Mutex<Vec<Item>>,
    options: EngineOptions,
    budget: Semaphore,
    budget_units: u32,
    throttle: Throttle,
    next_id: AtomicU64,
    sampler: Mutex<Sampler>,
    /// Headers, metadata and tags to set on a blob once its upload is done
    /// (the TUI's `u` with headers), by the upload's target.
    after_upload: Mutex<std::collections::HashMap<Endpoint, Arc<crate::azure::bulk::BlobChange>>>,
    /// The source mtime (unix ms) sync records as `blobx_mtime` on a blob
    /// once its upload is done, by the upload's target.
    record_mtime: Mutex<std::collections::HashMap<Endpoint, i64>>,
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine")
    }
}

impl Engine {
    /// `clients[i]` serves account index `i`, with its stable id for the journal.
    pub fn new(clients: Vec<Option<(String, StorageClient)>>, options: EngineOptions) -> Self {
        let units =
            (options.memory_budget.div_ceil(BUDGET_UNIT)).clamp(1, u32::MAX as u64 >> 4) as usize;
        Self {
            inner: Arc::new(Inner {
                clients: RwLock::new(clients),
                items: Mutex::new(Vec::new()),
                budget: Semaphore::new(units),
                budget_units: units as u32,
                throttle: Throttle::new(options.cap),
                options,
                next_id: AtomicU64::new(1),
                sampler: Mutex::new(Sampler::default()),
                after_upload: Mutex::new(Default::default()),
                record_mtime: Mutex::new(Default::default()),
            }),
        }
    }

    pub fn set_client(&self, index: usize, id: String, client: Option<StorageClient>) {
        if let Ok(mut clients) = self.inner.clients.write() {
            if clients.len() <= index {
                clients.resize_with(index + 1, || None);
            }
            clients[index] = client.map(|c| (id, c));
        }
        // Transfers paused for this account's expired SAS go on with the new one.
        if let Ok(mut items) = self.inner.items.lock() {
            for item in items.iter_mut() {
                if item.status == Status::Paused
                    && item.waits_for.as_ref().is_some_and(|(a, _)| *a == index)
                {
                    item.waits_for = None;
                    item.control = Control::default();
                    item.status = Status::Queued;
                }
            }
        }
        kick(&self.inner);
    }

    /// Changes the bandwidth cap; running transfers follow at once.
    pub fn set_cap(&self, bytes_per_sec: Option<u64>) {
        self.inner.throttle.set_cap(bytes_per_sec);
    }

    pub fn cap(&self) -> Option<u64> {
        self.inner.throttle.cap()
    }

    pub fn journal(&self) -> Option<&Journal> {
        self.inner.options.journal.as_ref()
    }

    /// Creates the target containers that do not exist yet, after checking
    /// their names. Callers ask first: the TUI asks the user, the command line
    /// needs `--create-container` (see `targets::missing_containers`).
    pub async fn prepare_targets(&self, specs: &[ItemSpec]) -> Result<(), String> {
        for (account, container) in super::targets::target_containers(specs) {
            crate::azure::naming::check_container_name(&container)
                .map_err(|why| format!("{container:?}: {why}"))?;
            let (_, c) =
                client(&self.inner, account).map_err(|_| format!("no account for {container}"))?;
            let created = c.ensure_container(&container).await.map_err(|e| {
                format!(
                    "{container}: {}",
                    crate::azure::describe_error(&e, c.account())
                )
            })?;
            if created {
                crate::audit::audit(
                    "create container",
                    &format!("{container} on {}", c.account().label),
                );
            }
        }
        Ok(())
    }

    /// Adds items to the end of the queue and starts what fits.
    pub fn enqueue(&self, specs: Vec<ItemSpec>, conflict: Conflict) -> Vec<u64> {
        let labels = super::label::batch_labels(&specs);
        let ids: Vec<u64> = {
            let Ok(mut items) = self.inner.items.lock() else {
                return Vec::new();
            };
            specs
                .into_iter()
                .zip(labels)
                .map(|(spec, label)| {
                    let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
                    items.push(Item {
                        id,
                        spec,
                        label,
                        conflict,
                        status: Status::Queued,
                        progress: Arc::new(Progress::default()),
                        control: Control::default(),
                        final_target: None,
                        checksum: None,
                        waits_for: None,
                        job: None,
                    });
                    id
                })
                .collect()
        };
        kick(&self.inner);
        ids
    }

    fn with_item(&self, id: u64, f: impl FnOnce(&mut Item)) {
        if let Ok(mut items) = self.inner.items.lock()
            && let Some(item) = items.iter_mut().find(|i| i.id == id)
        {
            f(item);
        }
        kick(&self.inner);
    }

    pub fn pause(&self, id: u64) {
        self.with_item(id, |item| match item.status {
            // A bulk change is cancelled, not paused (it is safe to run again).
            _ if item.spec.kind == Kind::Change => {}
            Status::Queued => item.status = Status::Paused,
            Status::Running => item.control.pause.cancel(),
            _ => {}
        });
    }

    pub fn resume(&self, id: u64) {
        self.with_item(id, |item| {
            if item.status == Status::Paused {
                item.waits_for = None;
                item.control = Control::default();
                item.status = Status::Queued;
            }
        });
    }

    pub fn cancel(&self, id: u64) {
        // Any row of a bulk change stops what is left of the whole job.
        let job = self
            .inner
            .items
            .lock()
            .ok()
            .and_then(|items| items.iter().find(|i| i.id == id).and_then(|i| i.job));
        if let Some(job) = job {
            if let Ok(mut items) = self.inner.items.lock() {
                for item in items.iter_mut().filter(|i| i.job == Some(job)) {
                    match item.status {
                        Status::Queued => item.status = Status::Cancelled,
                        Status::Running => item.control.cancel.cancel(),
                        // x on a failed row puts it away (it cannot be retried alone).
                        Status::Failed(_) if item.id == id => item.status = Status::Cancelled,
                        _ => {}
                    }
                }
            }
            return;
        }
        let inner = self.inner.clone();
        self.with_item(id, |item| match item.status {
            Status::Queued => item.status = Status::Cancelled,
            Status::Paused => {
                // Nothing runs; clean up what a resume would have used.
                cleanup(&inner, &item.spec);
                item.status = Status::Cancelled;
            }
            Status::Running | Status::Verifying => item.control.cancel.cancel(),
            // So that `forget_finished` can clear it; a retry would have
            // resumed from what it left, so that goes too.
            Status::Failed(_) => {
                cleanup(&inner, &item.spec);
                item.status = Status::Cancelled;
            }
            _ => {}
        });
    }

    /// Forgets the items that are over (done, skipped, cancelled): their
    /// rows go. Failed ones stay to be retried or cancelled. The journal
    /// holds only unfinished transfers, so it is not touched.
    pub fn forget_finished(&self) -> usize {
        let gone: Vec<u64> = match self.inner.items.lock() {
            Ok(mut items) => {
                let over = |i: &Item| {
                    matches!(
                        i.status,
                        Status::Done | Status::Skipped(_) | Status::Cancelled
                    )
                };
                let gone = items.iter().filter(|i| over(i)).map(|i| i.id).collect();
                items.retain(|i| !over(i));
                gone
            }
            Err(_) => return 0,
        };
        if let Ok(mut s) = self.inner.sampler.lock() {
            s.forget(&gone);
        }
        gone.len()
    }

    pub fn retry(&self, id: u64) {
        self.with_item(id, |item| {
            if item.spec.kind != Kind::Change
                && matches!(item.status, Status::Failed(_) | Status::Cancelled)
            {
                item.control = Control::default();
                item.status = Status::Queued;
            }
        });
    }

    /// Moves a queued item one place earlier (`-1`) or later (`1`) among
    /// the queued ones (finished items in between do not count).
    pub fn reorder(&self, id: u64, delta: isize) {
        if let Ok(mut items) = self.inner.items.lock()
            && let Some(pos) = items.iter().position(|i| i.id == id)
            && items[pos].status == Status::Queued
        {
            let queued = |i: &&Item| i.status == Status::Queued;
            let to = if delta < 0 {
                items[..pos].iter().rposition(|i| queued(&i))
            } else {
                items[pos + 1..]
                    .iter()
                    .position(|i| queued(&i))
                    .map(|p| p + pos + 1)
            };
            if let Some(to) = to {
                items.swap(pos, to);
            }
        }
    }

    pub fn ids(&self) -> Vec<u64> {
        self.inner
            .items
            .lock()
            .map(|i| i.iter().map(|x| x.id).collect())
            .unwrap_or_default()
    }

    pub fn pause_all(&self) {
        for id in self.ids() {
            self.pause(id);
        }
    }

    pub fn resume_all(&self) {
        for id in self.ids() {
            self.resume(id);
        }
    }

    /// Current state with rates; call it a few times a second.
    pub fn sample(&self) -> Snapshot {
        let now = Instant::now();
        let Ok(items) = self.inner.items.lock() else {
            return Snapshot::default();
        };
        let views = items
            .iter()
            .map(|item| {
                let done = item.progress.done.load(Ordering::Relaxed);
                let counters = Counters {
                    sent: item.progress.sent.load(Ordering::Relaxed),
                    reused: item.progress.reused.load(Ordering::Relaxed),
                };
                let view = ItemView {
                    id: item.id,
                    name: item.label.clone(),
                    kind: item.spec.kind,
                    source: item.spec.source.display(),
                    target: item
                        .final_target
                        .as_ref()
                        .unwrap_or(&item.spec.target)
                        .display(),
                    status: item.status.clone(),
                    done,
                    total: item.spec.size.max(done),
                    rate: 0,
                    eta_secs: None,
                    checksum: item.checksum.clone(),
                    note: item
                        .waits_for
                        .as_ref()
                        .map(|(_, why)| why.clone())
                        .or_else(|| item.progress.note()),
                };
                (view, counters)
            })
            .collect();
        drop(items);
        let Ok(mut s) = self.inner.sampler.lock() else {
            return Snapshot::default();
        };
        s.sample(now, views, self.inner.throttle.cap())
    }

    /// Waits until nothing is queued or running.
    pub async fn wait_idle(&self) {
        loop {
            let busy = self
                .inner
                .items
                .lock()
                .map(|items| {
                    items.iter().any(|i| {
                        matches!(
                            i.status,
                            Status::Queued | Status::Running | Status::Verifying
                        )
                    })
                })
                .unwrap_or(false);
            if !busy {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Starts queued items while there is room.
fn kick(inner: &Arc<Inner>) {
    let Ok(mut items) = inner.items.lock() else {
        return;
    };
    let running = items
        .iter()
        .filter(|i| {
            i.spec.kind != Kind::Change && matches!(i.status, Status::Running | Status::Verifying)
        })
        .count();
    let mut room = inner
        .options
        .files_in_parallel
        .max(1)
        .saturating_sub(running);
    for item in items.iter_mut() {
        if room == 0 {
            break;
        }
        // Changes in place are driven by their bulk job, not started here.
        if item.status != Status::Queued || item.spec.kind == Kind::Change {
            continue;
        }
        room -= 1;
        item.status = Status::Running;
        let (id, spec, conflict) = (item.id, item.spec.clone(), item.conflict);
        let (progress, control) = (item.progress.clone(), item.control.clone());
        let inner = inner.clone();
        tokio::spawn(async move {
            let mut result = execute(&inner, &spec, conflict, &progress, &control).await;
            if let Ok((Outcome::Done(_), target)) = &result
                && let Err(why) = track::after_upload(&inner, &spec, target).await
            {
                result = Err(Stop::Failed(format!(
                    "uploaded, but its headers, metadata or tags were not set: {why}"
                )));
            }
            if let Ok((Outcome::Done(_), target)) = &result
                && let Err(why) = track::record_mtime(&inner, &spec, target).await
            {
                result = Err(Stop::Failed(format!(
                    "uploaded, but its mtime was not recorded: {why}"
                )));
            }
            let mut waits = None;
            let status = match result {
                Ok((Outcome::Done(checksum), target)) => {
                    if spec.kind != Kind::Download {
                        // One audit line per change made to the service; never a secret.
                        crate::audit::audit(
                            if spec.kind == Kind::Upload {
                                "upload"
                            } else {
                                "copy"
                            },
                            &format!(
                                "{} -> {} ({} bytes)",
                                spec.source.display(),
                                target.display(),
                                spec.size
                            ),
                        );
                    }
                    set_target(&inner, id, target, checksum);
                    Status::Done
                }
                Ok((Outcome::Skipped(why), _)) => Status::Skipped(why),
                Err(Stop::Paused) => Status::Paused,
                Err(Stop::Cancelled) => {
                    cleanup(&inner, &spec);
                    Status::Cancelled
                }
                Err(Stop::Failed(why)) => {
                    tracing::warn!(item = %spec.source.display(), error = %why, "transfer failed");
                    match expired_sas(&inner, &spec) {
                        // Not a failure of the data: paused, its partial state kept.
                        Some(account) => {
                            waits = Some((
                                account,
                                format!(
                                    "waiting for a new SAS: {why} It resumes by itself once the account has one."
                                ),
                            ));
                            Status::Paused
                        }
                        None => Status::Failed(why),
                    }
                }
            };
            if let Ok(mut items) = inner.items.lock()
                && let Some(item) = items.iter_mut().find(|i| i.id == id)
            {
                item.status = status;
                item.waits_for = waits;
            }
            kick(&inner);
        });
    }
}

fn set_target(inner: &Inner, id: u64, target: Endpoint, checksum: Option<String>) {
    if let Ok(mut items) = inner.items.lock()
        && let Some(item) = items.iter_mut().find(|i| i.id == id)
    {
        item.checksum = checksum;
        if target != item.spec.target {
            item.final_target = Some(target);
        }
    }
}

enum Outcome {
    /// With the base64 MD5 of what arrived, when known.
    Done(Option<String>),
    Skipped(String),
}

/// The account of either end whose SAS has run out, if any.
fn expired_sas(inner: &Inner, spec: &ItemSpec) -> Option<usize> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    [&spec.source, &spec.target].into_iter().find_map(|end| {
        let Endpoint::Blob { account, .. } = end else {
            return None;
        };
        let (_, c) = client(inner, *account).ok()?;
        let expiry = c.account().sas()?.expiry?;
        (expiry <= now).then_some(*account)
    })
}

fn client(inner: &Inner, account: usize) -> Result<(String, StorageClient), Stop> {
    inner
        .clients
        .read()
        .ok()
        .and_then(|c| c.get(account).cloned().flatten())
        .ok_or_else(|| Stop::Failed("the account of this transfer is not available".into()))
}

/// Removes what a cancelled transfer left for resuming.
fn cleanup(inner: &Inner, spec: &ItemSpec) {
    if let (Kind::Download, Endpoint::Local(target)) = (spec.kind, &spec.target) {
        let _ = std::fs::remove_file(part_path(target));
    }
    let Some(journal) = &inner.options.journal else {
        return;
    };
    let (local, blob_end) = match (&spec.source, &spec.target) {
        (Endpoint::Local(p), b @ Endpoint::Blob { .. })
        | (b @ Endpoint::Blob { .. }, Endpoint::Local(p)) => (p, b),
        _ => return,
    };
    if let Endpoint::Blob {
        account,
        container,
        name,
        at,
    } = blob_end
        && let Ok((account_id, _)) = client(inner, *account)
    {
        journal.remove(&Entry {
            kind: if spec.kind == Kind::Upload {
                "upload"
            } else {
                "download"
            }
            .into(),
            local: local.display().to_string(),
            account: account_id,
            container: container.clone(),
            blob: name.clone(),
            size: 0,
            stamp: String::new(),
            block_size: 0,
            at: at.clone(),
            record_mtime_ms: None,
        });
    }
}

async fn execute(
    inner: &Inner,
    spec: &ItemSpec,
    conflict: Conflict,
    progress: &Progress,
    control: &Control,
) -> Result<(Outcome, Endpoint), Stop> {
    if spec.target.at().is_some() {
        return Err(Stop::Failed(
            "a snapshot or an old version cannot be written to; upload or copy to the blob itself"
                .into(),
        ));
    }
    if spec.kind == Kind::Copy && spec.source.at().is_some() {
        // Not offered anywhere; promote (p in the history pane) copies a past state.
        return Err(Stop::Failed(
            "copying from a snapshot or an old version is not supported; download it, or promote it in the history pane"
                .into(),
        ));
    }
    let (blob_account, container, name, at) = match (&spec.kind, &spec.source, &spec.target) {
        (
            Kind::Download,
            Endpoint::Blob {
                account,
                container,
                name,
                at,
            },
            _,
        ) => (*account, container.clone(), name.clone(), at.clone()),
        (
            _,
            _,
            Endpoint::Blob {
                account,
                container,
                name,
                ..
            },
        ) => (*account, container.clone(), name.clone(), None),
        _ => return Err(Stop::Failed("this transfer has no blob end".into())),
    };
    let (account_id, client_) = client(inner, blob_account)?;
    let ctx = Ctx {
        client: &client_,
        account_id: &account_id,
        progress,
        control,
        journal: inner.options.journal.as_ref(),
        budget: &inner.budget,
        budget_units: inner.budget_units,
        parallel: inner.options.chunks_in_parallel,
        throttle: &inner.throttle,
        record_mtime_ms: track::mtime_to_record(inner, spec),
    };
    match (&spec.kind, &spec.source, &spec.target) {
        (Kind::Upload, Endpoint::Local(path), _) => {
            let Some(name) =
                resolve_blob_conflict(&ctx, &container, &name, spec.size, conflict).await?
            else {
                return Ok((
                    Outcome::Skipped(conflict_note(conflict)),
                    spec.target.clone(),
                ));
            };
            let md5 = super::upload::upload(&ctx, path, &container, &name).await?;
            Ok((
                Outcome::Done(Some(md5)),
                Endpoint::blob(blob_account, container, name),
            ))
        }
        (Kind::Download, _, Endpoint::Local(target)) => {
            let Some(target) = resolve_local_conflict(target, spec.size, conflict) else {
                return Ok((
                    Outcome::Skipped(conflict_note(conflict)),
                    spec.target.clone(),
                ));
            };
            let md5 =
                super::download::download(&ctx, &container, &name, at.as_ref(), &target).await?;
            Ok((Outcome::Done(Some(md5)), Endpoint::Local(target)))
        }
        (
            Kind::Copy,
            Endpoint::Blob {
                account,
                container: sc,
                name: sn,
                ..
            },
            _,
        ) => {
            let (_, source) = client(inner, *account)?;
            let Some(name) =
                resolve_blob_conflict(&ctx, &container, &name, spec.size, conflict).await?
            else {
                return Ok((
                    Outcome::Skipped(conflict_note(conflict)),
                    spec.target.clone(),
                ));
            };
            let md5 = super::copy::copy(&ctx, &source, sc, sn, &container, &name).await?;
            Ok((
                Outcome::Done(md5),
                Endpoint::blob(blob_account, container, name),
            ))
        }
        _ => Err(Stop::Failed("unsupported source and target".into())),
    }
}

fn conflict_note(conflict: Conflict) -> String {
    match conflict {
        Conflict::IfDifferent => "already there with the same size".into(),
        _ => "already there (not overwritten)".into(),
    }
}

/// The blob name to write, or `None` to skip.
async fn resolve_blob_conflict(
    ctx: &Ctx<'_>,
    container: &str,
    name: &str,
    size: u64,
    conflict: Conflict,
) -> Result<Option<String>, Stop> {
    // "Overwrite" needs no look first: one request less per file, which is
    // most of the cost of small files.
    if conflict == Conflict::Overwrite {
        return Ok(Some(name.to_string()));
    }
    let existing = ctx
        .client
        .blob_exists(container, name)
        .await
        .map_err(|e| super::worker::fail(ctx, &e))?;
    let Some(props) = existing else {
        return Ok(Some(name.to_string()));
    };
    Ok(match conflict {
        Conflict::Overwrite => Some(name.to_string()),
        Conflict::Skip => None,
        Conflict::IfDifferent => (props.size != size).then(|| name.to_string()),
        Conflict::KeepBoth => {
            for n in 1..1000 {
                let candidate = numbered(name, n);
                if ctx
                    .client
                    .blob_exists(container, &candidate)
                    .await
                    .map_err(|e| super::worker::fail(ctx, &e))?
                    .is_none()
                {
                    return Ok(Some(candidate));
                }
            }
            return Err(Stop::Failed("no free name after 999 tries".into()));
        }
    })
}

fn resolve_local_conflict(
    target: &std::path::Path,
    size: u64,
    conflict: Conflict,
) -> Option<std::path::PathBuf> {
    let Ok(meta) = std::fs::metadata(target) else {
        return Some(target.to_path_buf());
    };
    match conflict {
        Conflict::Overwrite => Some(target.to_path_buf()),
        Conflict::Skip => None,
        Conflict::IfDifferent => (meta.len() != size).then(|| target.to_path_buf()),
        Conflict::KeepBoth => {
            let name = target.file_name()?.to_string_lossy().into_owned();
            (1..1000)
                .map(|n| target.with_file_name(numbered(&name, n)))
                .find(|p| !p.exists())
        }
    }
}

#[path = "engine_track.rs"]
mod track;

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
