//! Rename and move by server-side copy: copy, verify, then delete the source.

use super::BatchReport;
use super::delete::list_flat;
use super::names::check_blob_name;
use super::names::check_new_blob_name;
use super::properties::{BlobHead, head_blob};
use crate::azure::account::Auth;
use crate::azure::client::StorageClient;
use crate::azure::connection::now_unix;
use crate::azure::http::{
    OpError, OpResult, blob_url, error_code, h, header, http_status, request,
};
use crate::azure::sas::{SasOptions, SasTarget, sign_service_sas};
use crate::checksum::Md5;
use azure_core::http::Method;
use futures::StreamExt;

// ---------------------------------------------------------------------------
// Rename / move: copy, verify, then delete the source

/// Sources up to this size copy synchronously (Copy Blob From URL's limit).
pub const SYNC_COPY_MAX: u64 = 256 << 20;
/// Without a Content-MD5, blobs up to this size are read back and hashed to
/// verify the copy; larger ones are checked by size and copy status only.
pub const HASH_VERIFY_MAX: u64 = 64 << 20;

/// How a copy was shown to be complete before its source was deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    /// Same size, and the same Content-MD5 (which the service checked on copy).
    Md5,
    /// Same size, and both read back with the same MD5.
    ReadBack,
    /// Same size and the service reported the copy successful (large, no MD5).
    SizeAndStatus,
}

/// One blob moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    pub from: String,
    pub to: String,
    pub size: u64,
    pub verified: Verified,
}

/// Where a blob or folder goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoveSpec {
    pub src_container: String,
    pub src: String,
    pub dst_container: String,
    pub dst: String,
    /// Replace a blob already at the destination.
    pub overwrite: bool,
}

/// Checks a blob rename in words, before anything is sent.
pub fn check_rename(spec: &MoveSpec) -> Result<(), String> {
    check_blob_name(&spec.src)?;
    check_new_blob_name(&spec.dst)?;
    if spec.src_container == spec.dst_container && spec.src == spec.dst {
        return Err("the new name is the same as the old one".into());
    }
    Ok(())
}

/// Checks a folder move: both are prefixes ending in `/`, and the folder does
/// not move into itself.
pub fn check_folder_move(spec: &MoveSpec) -> Result<(), String> {
    for p in [&spec.src, &spec.dst] {
        if !p.ends_with('/') || p.len() < 2 {
            return Err(format!("{p:?} is not a folder (it should end with /)"));
        }
        check_blob_name(p)?;
    }
    if spec.src_container == spec.dst_container && spec.dst.starts_with(&spec.src) {
        return Err("a folder cannot move into itself".into());
    }
    Ok(())
}

/// Compares source and copy. Pure, so every rule has a unit test.
pub fn verify_copy(src: &BlobHead, dst: &BlobHead) -> Result<Option<Verified>, String> {
    if let Some(status) = dst.copy_status.as_deref()
        && status != "success"
    {
        return Err(format!("the copy's status is {status}"));
    }
    if src.size != dst.size {
        return Err(format!(
            "the copy has {} bytes, the source {}",
            dst.size, src.size
        ));
    }
    if src.metadata != dst.metadata {
        return Err("the copy's metadata differs from the source's".into());
    }
    if src.headers.content_type != dst.headers.content_type {
        return Err("the copy's content type differs from the source's".into());
    }
    match (&src.headers.content_md5, &dst.headers.content_md5) {
        (Some(a), Some(b)) if a == b => Ok(Some(Verified::Md5)),
        (Some(_), _) => Err("the copy's Content-MD5 differs from the source's".into()),
        // Needs a read-back (or, for large blobs, size and status suffice).
        (None, _) => Ok(None),
    }
}

/// The URL the service reads the source from. A synchronous copy needs the
/// source authorised in the URL: a short-lived read SAS when we hold the key,
/// or the account's own SAS. An asynchronous copy within the account is
/// authorised by the request itself (key or Entra ID), so the URL stays bare
/// and no SAS has to outlive a long copy.
fn copy_source(
    client: &StorageClient,
    container: &str,
    blob: &str,
    sync: bool,
) -> OpResult<String> {
    let url = blob_url(client, container, blob);
    let account = client.account();
    match &account.auth {
        Auth::SharedKey { key } if sync => {
            let opts = SasOptions {
                permissions: "r".into(),
                expiry: Some(now_unix() + 3600),
                ..Default::default()
            };
            let target = SasTarget::Blob {
                container: container.to_string(),
                blob: blob.to_string(),
            };
            let token = sign_service_sas(&account.name, key, &target, &opts, now_unix())
                .map_err(OpError::Failed)?;
            Ok(format!("{url}?{}", token.expose()))
        }
        Auth::Sas { token, info } => {
            if !info.allows('r') {
                return Err(OpError::Invalid(
                    "this SAS cannot read (r), so the service cannot copy from it".into(),
                ));
            }
            Ok(format!("{url}?{}", token.expose().trim_start_matches('?')))
        }
        _ => Ok(url.to_string()),
    }
}

async fn md5_of(
    client: &StorageClient,
    container: &str,
    blob: &str,
    etag: &str,
) -> OpResult<Vec<u8>> {
    let r = client
        .send_request(request(
            Method::Get,
            blob_url(client, container, blob),
            vec![h("if-match", etag)],
        ))
        .await?;
    Ok(Md5::digest(r.body()).to_vec())
}

/// Says which side of a refused copy was the problem; the source is untouched.
fn copy_refused(e: azure_core::Error, spec: &MoveSpec) -> OpError {
    match (http_status(&e), error_code(&e)) {
        (Some(412), Some("SourceConditionNotMet")) => OpError::Changed(format!(
            "{} changed while it was being copied; nothing was deleted. Try again.",
            spec.src
        )),
        (Some(409), Some("BlobAlreadyExists"))
        | (Some(412), Some("ConditionNotMet" | "TargetConditionNotMet")) => {
            OpError::Failed(format!(
                "a blob called {} already exists; choose another name (nothing was copied or deleted)",
                spec.dst
            ))
        }
        _ => OpError::Service(e),
    }
}

/// Copies one blob server-side and waits for it to finish.
async fn copy_blob(client: &StorageClient, spec: &MoveSpec, src: &BlobHead) -> OpResult<()> {
    // Entra ID cannot authorise a synchronous copy's source without a second token.
    let sync = src.size <= SYNC_COPY_MAX
        && matches!(
            client.account().auth,
            Auth::SharedKey { .. } | Auth::Sas { .. }
        );
    let source = copy_source(client, &spec.src_container, &spec.src, sync)?;
    // Copy only what we read: a source changed meanwhile fails the copy.
    let mut headers = vec![
        h("x-ms-copy-source", source),
        h("x-ms-source-if-match", src.etag.clone()),
    ];
    if !spec.overwrite {
        headers.push(h("if-none-match", "*"));
    }
    if let Some(t) = src.tier.tier.as_deref().filter(|_| !src.tier.inferred) {
        headers.push(h("x-ms-access-tier", t));
    }
    if sync {
        headers.push(h("x-ms-requires-sync", "true"));
        if let Some(md5) = &src.headers.content_md5 {
            // The service hashes what it read and refuses a mismatch.
            headers.push(h("x-ms-source-content-md5", md5.clone()));
        }
    }
    let url = blob_url(client, &spec.dst_container, &spec.dst);
    let r = match client
        .send_request(request(Method::Put, url, headers))
        .await
    {
        Ok(r) => r,
        Err(e) => return Err(copy_refused(e, spec)),
    };
    let mut status = header(&r, "x-ms-copy-status").unwrap_or_else(|| "success".into());
    let mut wait = std::time::Duration::from_millis(250);
    while status == "pending" {
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(std::time::Duration::from_secs(5));
        let dst = head_blob(client, &spec.dst_container, &spec.dst).await?;
        status = dst.copy_status.unwrap_or_else(|| "success".into());
    }
    if status != "success" {
        return Err(OpError::Failed(format!(
            "copying {} to {} ended with status {status}; the source was kept",
            spec.src, spec.dst
        )));
    }
    Ok(())
}

/// Renames or moves one blob: copy on the service, verify the copy, and only
/// then delete the source (guarded by its ETag, so a source changed after the
/// copy is kept). Any failure before the delete leaves the source as it was.
pub async fn rename_blob(client: &StorageClient, spec: &MoveSpec) -> OpResult<Moved> {
    check_rename(spec).map_err(OpError::Invalid)?;
    move_one(client, spec).await
}

async fn move_one(client: &StorageClient, spec: &MoveSpec) -> OpResult<Moved> {
    let copied = copy_and_verify(client, spec).await?;
    delete_moved_source(client, spec, &copied).await
}

/// A copy made for a move, verified; its source is still there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCopy {
    /// The source as it was copied (its ETag guards the delete).
    pub src: BlobHead,
    pub dst: BlobHead,
    pub verified: Verified,
}

/// The first half of a move: copy on the service and verify the copy. The
/// source is not touched; on any failure it stays as it was.
pub async fn copy_and_verify(client: &StorageClient, spec: &MoveSpec) -> OpResult<VerifiedCopy> {
    check_blob_name(&spec.dst).map_err(OpError::Invalid)?;
    let src = head_blob(client, &spec.src_container, &spec.src).await?;
    if src.tier.tier.as_deref() == Some("Archive") || src.tier.archive_status.is_some() {
        return Err(OpError::Invalid(format!(
            "{} is archived; rehydrate it (change its tier) before moving it",
            spec.src
        )));
    }
    if src.blob_type.as_deref().is_some_and(|t| t != "BlockBlob") {
        // Copy Blob From URL makes block blobs; moving others would change their type.
        return Err(OpError::Invalid(format!(
            "{} is a {}; only block blobs can be moved here",
            spec.src,
            src.blob_type.as_deref().unwrap_or("?")
        )));
    }
    copy_blob(client, spec, &src).await?;
    let dst = head_blob(client, &spec.dst_container, &spec.dst).await?;
    let kept = |why: String| {
        OpError::Failed(format!(
            "the copy of {} did not verify ({why}); the source was kept and the copy is at {}",
            spec.src, spec.dst
        ))
    };
    let verified = match verify_copy(&src, &dst).map_err(kept)? {
        Some(v) => v,
        None if src.size <= HASH_VERIFY_MAX => {
            let a = md5_of(client, &spec.src_container, &spec.src, &src.etag).await?;
            let b = md5_of(client, &spec.dst_container, &spec.dst, &dst.etag).await?;
            if a != b {
                return Err(kept("its content differs".into()));
            }
            Verified::ReadBack
        }
        None => Verified::SizeAndStatus,
    };
    Ok(VerifiedCopy { src, dst, verified })
}

/// The second half of a move: deletes the source only if it is still the
/// blob that was copied (If-Match its ETag); a source changed since is kept.
pub async fn delete_moved_source(
    client: &StorageClient,
    spec: &MoveSpec,
    copied: &VerifiedCopy,
) -> OpResult<Moved> {
    let (src, verified) = (&copied.src, copied.verified);
    let delete = request(
        Method::Delete,
        blob_url(client, &spec.src_container, &spec.src),
        vec![h("if-match", src.etag.clone())],
    );
    if let Err(e) = client.send_request(delete).await {
        let why = if http_status(&e) == Some(412) {
            "it changed after it was copied".to_string()
        } else {
            crate::azure::error::describe_error(&e, client.account())
        };
        return Err(OpError::Failed(format!(
            "{} was copied to {} and verified, but the source was not deleted: {why}",
            spec.src, spec.dst
        )));
    }
    tracing::info!(
        from = %spec.src,
        to = %spec.dst,
        size = src.size,
        verified = ?verified,
        "moved blob"
    );
    Ok(Moved {
        from: spec.src.clone(),
        to: spec.dst.clone(),
        size: src.size,
        verified,
    })
}

/// Moves every blob under a folder prefix to another prefix, 8 at a time,
/// each copied, verified and only then deleted. Blob names that would become
/// invalid are refused up front, before anything is copied.
pub async fn move_folder(client: &StorageClient, spec: &MoveSpec) -> OpResult<BatchReport> {
    check_folder_move(spec).map_err(OpError::Invalid)?;
    let blobs = list_flat(client, &spec.src_container, &spec.src).await?;
    let mut moves = Vec::with_capacity(blobs.len());
    for (name, _) in &blobs {
        let dst = format!("{}{}", spec.dst, &name[spec.src.len()..]);
        check_blob_name(&dst)
            .map_err(|why| OpError::Invalid(format!("{name} cannot move to {dst}: {why}")))?;
        moves.push(MoveSpec {
            src: name.clone(),
            dst,
            ..spec.clone()
        });
    }
    let results: Vec<_> = futures::stream::iter(moves)
        .map(|m| async move {
            let r = move_one(client, &m).await;
            (m.src, r)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut report = BatchReport::default();
    for (name, r) in results {
        match r {
            Ok(m) => {
                report.done += 1;
                report.bytes += m.size;
            }
            Err(e) => report.failed.push((name, e.describe(client.account()))),
        }
    }
    report.failed.sort();
    Ok(report)
}
