//! What the engine does for work it does not move itself: rows for the
//! changes a bulk job makes (`Kind::Change`: tracked, claimed, settled,
//! cancelled together) and the headers, metadata and tags set on a blob
//! right after its upload.

use super::*;

impl Engine {
    /// Sets `change` on each blob these uploads write, once it is written
    /// (an upload is done only when its change is made too).
    pub fn set_after_upload(&self, specs: &[ItemSpec], change: crate::azure::bulk::BlobChange) {
        let change = Arc::new(change);
        if let Ok(mut map) = self.inner.after_upload.lock() {
            for spec in specs.iter().filter(|s| s.kind == Kind::Upload) {
                map.insert(spec.target.clone(), change.clone());
            }
        }
    }

    /// Records `blobx_mtime` (the source file's mtime, unix ms) on each of
    /// these uploads' blobs once it is written: sync's uploads. The mtime
    /// goes into the upload's journal entry too, so a resumed upload (after
    /// a restart) records it as well.
    pub fn set_record_mtime(&self, records: impl IntoIterator<Item = (Endpoint, i64)>) {
        if let Ok(mut map) = self.inner.record_mtime.lock() {
            map.extend(records);
        }
    }

    /// Adds rows for changes a bulk job makes itself (`Kind::Change`): the
    /// engine shows them, counts them and cancels them, but never starts
    /// them; the job claims each one before working on it and settles it
    /// after. `note` says what the job does to each blob.
    pub fn track(&self, specs: Vec<ItemSpec>, note: &str) -> Vec<u64> {
        let labels = crate::transfer::label::batch_labels(&specs);
        let Ok(mut items) = self.inner.items.lock() else {
            return Vec::new();
        };
        let job = self.inner.next_id.load(Ordering::Relaxed);
        specs
            .into_iter()
            .zip(labels)
            .map(|(spec, label)| {
                let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
                let progress = Arc::new(Progress::default());
                progress.set_note(note);
                items.push(Item {
                    id,
                    spec,
                    label,
                    conflict: Conflict::Overwrite,
                    status: Status::Queued,
                    progress,
                    control: Control::default(),
                    final_target: None,
                    checksum: None,
                    waits_for: None,
                    job: Some(job),
                });
                id
            })
            .collect()
    }

    /// A tracked change starts: `false` if it was cancelled meanwhile.
    pub fn claim(&self, id: u64) -> bool {
        let Ok(mut items) = self.inner.items.lock() else {
            return false;
        };
        match items.iter_mut().find(|i| i.id == id) {
            Some(item) if item.status == Status::Queued && !item.control.cancel.is_cancelled() => {
                item.status = Status::Running;
                true
            }
            _ => false,
        }
    }

    /// Whether a tracked change was cancelled (before or while it ran).
    pub fn is_cancelled(&self, id: u64) -> bool {
        self.inner
            .items
            .lock()
            .ok()
            .and_then(|items| {
                items
                    .iter()
                    .find(|i| i.id == id)
                    .map(|i| i.status == Status::Cancelled || i.control.cancel.is_cancelled())
            })
            .unwrap_or(true)
    }

    /// How a tracked change ended.
    pub fn settle(&self, id: u64, status: Status) {
        if let Ok(mut items) = self.inner.items.lock()
            && let Some(item) = items.iter_mut().find(|i| i.id == id)
            && !matches!(item.status, Status::Done | Status::Failed(_))
        {
            if status == Status::Done {
                item.progress.done.store(item.spec.size, Ordering::Relaxed);
            }
            item.status = status;
        }
    }
}

/// Makes the change asked for once this upload is written, if any.
pub(super) async fn after_upload(
    inner: &Inner,
    spec: &ItemSpec,
    target: &Endpoint,
) -> Result<(), String> {
    let change = inner
        .after_upload
        .lock()
        .ok()
        .and_then(|mut m| m.remove(&spec.target));
    let (
        Some(change),
        Endpoint::Blob {
            account,
            container,
            name,
            ..
        },
    ) = (change, target)
    else {
        return Ok(());
    };
    let (_, c) = client(inner, *account).map_err(|_| "the account is not available".to_string())?;
    change
        .apply(&c, container, name)
        .await
        .map_err(|e| e.describe(c.account()))?;
    crate::audit::audit(
        "set upload headers",
        &format!("{container}/{name}: {}", change.describe()),
    );
    Ok(())
}

/// The mtime to record after this upload, if sync asked for one.
pub(super) fn mtime_to_record(inner: &Inner, spec: &ItemSpec) -> Option<i64> {
    if spec.kind != Kind::Upload {
        return None;
    }
    inner
        .record_mtime
        .lock()
        .ok()
        .and_then(|m| m.get(&spec.target).copied())
}

/// Records the source mtime on the blob an upload by sync wrote (kept for a
/// retry until it is recorded).
pub(super) async fn record_mtime(
    inner: &Inner,
    spec: &ItemSpec,
    target: &Endpoint,
) -> Result<(), String> {
    let (
        Some(mtime_ms),
        Endpoint::Blob {
            account,
            container,
            name,
            ..
        },
    ) = (mtime_to_record(inner, spec), target)
    else {
        return Ok(());
    };
    let (_, c) = client(inner, *account).map_err(|_| "the account is not available".to_string())?;
    crate::transfer::sync::record_mtime(&c, container, name, mtime_ms).await?;
    if let Ok(mut m) = inner.record_mtime.lock() {
        m.remove(&spec.target);
    }
    Ok(())
}
