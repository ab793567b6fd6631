//! Uploads: one Put Blob for small files; above the threshold, blocks read in
//! order (so the whole-file MD5 is computed on the way) and staged in
//! parallel, then one Put Block List. Memory is bounded by the budget.

use super::journal::Entry;
use super::model::{Stop, local_error};
use super::worker::{Ctx, fail};
use crate::azure::blob_io::block_id;
use crate::checksum::Md5;
use base64::Engine;
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::collections::HashMap;
use std::path::Path;
use tokio::io::AsyncReadExt;
use tokio::sync::SemaphorePermit;

/// Files up to this size go up in one request.
pub const SINGLE_PUT_MAX: u64 = 8 << 20;
/// Default block size; larger for files that would need more than 50,000 blocks.
pub const BLOCK_SIZE: u64 = 4 << 20;
/// The service's limits: 50,000 committed blocks of at most 4,000 MiB.
const MAX_BLOCKS: u64 = 50_000;
const MAX_BLOCK: u64 = 4000 << 20;

/// The block size for a file: the default, or the smallest whole MiB that
/// keeps the file within 50,000 blocks.
pub fn block_size_for(size: u64) -> u64 {
    let needed = size.div_ceil(MAX_BLOCKS);
    let mib = 1 << 20;
    needed
        .div_ceil(mib)
        .saturating_mul(mib)
        .clamp(BLOCK_SIZE, MAX_BLOCK)
}

pub fn content_type_for(path: &Path) -> String {
    mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// What a resumed upload found on the service, for its row.
fn upload_note(reused: u64, size: u64) -> String {
    let fmt = |n| humansize::format_size(n, humansize::BINARY);
    if reused == 0 {
        "starts again: the service no longer holds the blocks sent before (it drops unused blocks after 7 days; a new emulator has none)".into()
    } else if reused >= size {
        format!("reused all {} already on the service", fmt(size))
    } else {
        format!(
            "reused {} already on the service; {} to send",
            fmt(reused),
            fmt(size - reused)
        )
    }
}

/// The journal's stamp of a local file: its modification time in nanoseconds.
pub fn mtime_stamp(meta: &std::fs::Metadata) -> String {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos().to_string())
        .unwrap_or_default()
}

/// Returns the base64 MD5 of what the service now holds.
pub async fn upload(
    ctx: &Ctx<'_>,
    path: &Path,
    container: &str,
    blob: &str,
) -> Result<String, Stop> {
    let read_err = |e: std::io::Error| local_error("read", path, &e);
    let meta = tokio::fs::metadata(path).await.map_err(read_err)?;
    if !meta.is_file() {
        return Err(Stop::Failed(format!("{} is not a file", path.display())));
    }
    let size = meta.len();
    let content_type = content_type_for(path);
    ctx.progress.reset();
    if size <= SINGLE_PUT_MAX {
        ctx.control.check()?;
        let _permit = ctx.memory(size).await;
        let data = tokio::fs::read(path).await.map_err(read_err)?;
        if data.len() as u64 != size {
            return Err(Stop::Failed(format!(
                "{} changed while it was read",
                path.display()
            )));
        }
        let md5 = Md5::digest(&data);
        let n = data.len() as u64;
        ctx.pace(n).await?;
        ctx.client
            .put_blob_bytes(container, blob, Bytes::from(data), &content_type, &md5)
            .await
            .map_err(|e| fail(ctx, &e))?;
        ctx.progress.add(n);
        return Ok(b64(&md5));
    }

    let block_size = block_size_for(size);
    let blocks = size.div_ceil(block_size);
    let entry = Entry {
        kind: "upload".into(),
        local: path.display().to_string(),
        account: ctx.account_id.to_string(),
        container: container.to_string(),
        blob: blob.to_string(),
        size,
        stamp: mtime_stamp(&meta),
        block_size,
        at: None,
        record_mtime_ms: ctx.record_mtime_ms,
    };
    // Blocks staged by an earlier run of this same upload can be reused, if
    // the service still has them: it drops uncommitted blocks after a week,
    // and a new emulator never had them.
    let mut staged: HashMap<String, u64> = HashMap::new();
    let mut resuming = false;
    if let Some(j) = ctx.journal {
        // Whether sync records the mtime afterwards does not change the blocks.
        let saved = j.find(&entry).map(|saved| Entry {
            record_mtime_ms: entry.record_mtime_ms,
            ..saved
        });
        match saved {
            Some(saved) if saved == entry => {
                resuming = true;
                staged = ctx
                    .client
                    .uncommitted_blocks(container, blob)
                    .await
                    .map_err(|e| fail(ctx, &e))?
                    .into_iter()
                    .collect();
                tracing::info!(blob, staged = staged.len(), "resuming upload");
            }
            Some(_) => ctx.progress.set_note(
                "starts again: the file changed since the last run, so the blocks sent then do not fit",
            ),
            None => {}
        }
        j.save(&entry)?;
    }
    let reused: u64 = (0..blocks)
        .map(|i| {
            (
                block_id(block_size, i),
                block_size.min(size - i * block_size),
            )
        })
        .filter(|(id, len)| staged.get(id) == Some(len))
        .map(|(_, len)| len)
        .sum();
    if resuming {
        ctx.progress.set_note(upload_note(reused, size));
    }
    // Counted now, not as the file is read again: the ETA is then about
    // what is left to send from the start.
    ctx.progress.reuse(reused);

    let mut file = tokio::fs::File::open(path).await.map_err(read_err)?;
    let mut whole = Md5::new();
    // Read in order (the whole-file hash needs it); stage out of order, at
    // most `parallel` at a time, each buffer counted against the budget.
    let mut in_flight = FuturesUnordered::new();
    for i in 0..blocks {
        ctx.control.check()?;
        let len = block_size.min(size - i * block_size);
        // Keep the staged blocks moving while waiting for memory: they hold
        // the budget, and only finish (and free it) while they are polled.
        let permit = loop {
            tokio::select! {
                permit = ctx.memory(len) => break permit,
                Some(r) = in_flight.next(), if !in_flight.is_empty() => r?,
            }
        };
        let mut buf = vec![0u8; len as usize];
        file.read_exact(&mut buf).await?;
        whole.update(&buf);
        let id = block_id(block_size, i);
        if staged.get(&id) == Some(&len) {
            continue;
        }
        in_flight.push(stage(ctx, container, blob, id, Bytes::from(buf), permit));
        while in_flight.len() >= ctx.parallel.max(1) {
            if let Some(r) = in_flight.next().await {
                r?;
            }
        }
    }
    while let Some(r) = in_flight.next().await {
        r?;
    }

    ctx.control.check()?;
    let now = tokio::fs::metadata(path).await?;
    if now.len() != size || mtime_stamp(&now) != entry.stamp {
        return Err(Stop::Failed(format!(
            "{} changed during the upload; not committed",
            path.display()
        )));
    }
    let md5 = b64(&whole.finalize());
    let ids: Vec<String> = (0..blocks).map(|i| block_id(block_size, i)).collect();
    ctx.client
        .put_block_list(container, blob, &ids, &content_type, Some(&md5))
        .await
        .map_err(|e| fail(ctx, &e))?;
    // Check what the service now holds before calling it done.
    let props = ctx
        .client
        .blob_props(container, blob)
        .await
        .map_err(|e| fail(ctx, &e))?;
    if props.size != size || props.content_md5.as_deref() != Some(md5.as_str()) {
        return Err(Stop::Failed(
            "the uploaded blob does not match the file (size or MD5)".into(),
        ));
    }
    if let Some(j) = ctx.journal {
        j.remove(&entry);
    }
    Ok(md5)
}

/// Stages one block; the memory permit is released when it is done.
async fn stage(
    ctx: &Ctx<'_>,
    container: &str,
    blob: &str,
    id: String,
    data: Bytes,
    _permit: Option<SemaphorePermit<'_>>,
) -> Result<(), Stop> {
    ctx.control.check()?;
    let len = data.len() as u64;
    let md5 = Md5::digest(&data);
    ctx.pace(len).await?;
    ctx.client
        .put_block(container, blob, &id, data, &md5)
        .await
        .map_err(|e| fail(ctx, &e))?;
    ctx.progress.add(len);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_size_keeps_any_file_within_50000_blocks() {
        assert_eq!(block_size_for(1), BLOCK_SIZE);
        assert_eq!(block_size_for(1 << 30), BLOCK_SIZE);
        // 4.75 TiB: the service maximum for block blobs (~190.7 TiB needs 4000 MiB blocks).
        let big = 5 * (1u64 << 40);
        let bs = block_size_for(big);
        assert!(big.div_ceil(bs) <= 50_000, "{bs}");
        assert_eq!(bs % (1 << 20), 0);
        assert_eq!(block_size_for(u64::MAX), MAX_BLOCK);
    }

    #[test]
    fn content_types_from_extensions() {
        assert_eq!(content_type_for(Path::new("a.csv")), "text/csv");
        assert_eq!(content_type_for(Path::new("a.json")), "application/json");
        assert_eq!(
            content_type_for(Path::new("noext")),
            "application/octet-stream"
        );
    }
}
