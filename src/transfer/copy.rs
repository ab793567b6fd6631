//! Server-side copy between containers or accounts: the destination service
//! reads the source by URL (Put Blob From URL, or Put Block From URL per block
//! for large blobs), so the bytes never pass through this machine.

use super::model::Stop;
use super::upload::block_size_for;
use super::worker::{Ctx, fail};
use crate::azure::blob_io::block_id;
use crate::azure::connection::now_unix;
use crate::azure::sas::{SasTarget, service_sas};
use crate::azure::{Auth, StorageClient};
use futures::{StreamExt, TryStreamExt};

/// Blobs up to this size copy in one Put Blob From URL (the service's limit is 5,000 MiB).
pub const SINGLE_COPY_MAX: u64 = 256 << 20;
/// Block size for large copies: fewer, larger server-side requests.
const COPY_BLOCK: u64 = 100 << 20;

/// A URL the destination service can read the source blob through.
pub fn readable_url(source: &StorageClient, container: &str, blob: &str) -> Result<String, Stop> {
    let account = source.account();
    let url = source.blob_url(container, blob);
    match &account.auth {
        Auth::SharedKey { key } => {
            let target = SasTarget::Blob {
                container: container.to_string(),
                blob: blob.to_string(),
            };
            // Short-lived and read-only: enough for the service to fetch the source.
            let token = service_sas(
                &account.name,
                key,
                &target,
                "r",
                None,
                now_unix() + 2 * 3600,
            )
            .map_err(Stop::Failed)?;
            Ok(format!("{url}?{}", token.expose()))
        }
        Auth::Sas { token, info } => {
            if !info.allows('r') {
                return Err(Stop::Failed(
                    "the source SAS does not allow reading (r)".into(),
                ));
            }
            Ok(format!("{url}?{}", token.expose().trim_start_matches('?')))
        }
        Auth::Anonymous => Ok(url.to_string()),
        Auth::Token(_) => Err(Stop::Failed(
            "a server-side copy from an Entra ID account needs a key or SAS on the source account"
                .into(),
        )),
    }
}

async fn stage_from_url(
    ctx: &Ctx<'_>,
    container: &str,
    blob: &str,
    url: &str,
    bs: u64,
    i: u64,
    size: u64,
) -> Result<(), Stop> {
    ctx.control.check()?;
    let offset = i * bs;
    let len = bs.min(size - offset);
    ctx.client
        .put_block_from_url(container, blob, &block_id(bs, i), url, offset, len)
        .await
        .map_err(|e| fail(ctx, &e))?;
    ctx.progress.add(len);
    Ok(())
}

pub async fn copy(
    ctx: &Ctx<'_>,
    source: &StorageClient,
    src_container: &str,
    src_blob: &str,
    container: &str,
    blob: &str,
) -> Result<Option<String>, Stop> {
    let props = source
        .blob_props(src_container, src_blob)
        .await
        .map_err(|e| Stop::Failed(crate::azure::describe_error(&e, source.account())))?;
    let url = readable_url(source, src_container, src_blob)?;
    ctx.progress.reset();
    ctx.control.check()?;
    if props.size <= SINGLE_COPY_MAX {
        let sync = ctx
            .client
            .put_blob_from_url(
                container,
                blob,
                &url,
                props.content_type.as_deref(),
                props.content_md5.as_deref(),
            )
            .await;
        match sync {
            Ok(()) => {}
            // Not every service implements Put Blob From URL (Azurite answers 501):
            // the asynchronous Copy Blob still keeps the bytes inside the service.
            Err(e) if e.http_status().map(u16::from) == Some(501) => ctx
                .client
                .copy_blob_and_wait(container, blob, &url)
                .await
                .map_err(|e| fail(ctx, &e))?,
            Err(e) => return Err(fail(ctx, &e)),
        }
        ctx.progress.add(props.size);
    } else {
        let bs = block_size_for(props.size).max(COPY_BLOCK);
        let blocks = props.size.div_ceil(bs);
        let staged = futures::stream::iter(0..blocks)
            .map(|i| stage_from_url(ctx, container, blob, &url, bs, i, props.size))
            .buffer_unordered(ctx.parallel.max(1))
            .try_collect::<()>()
            .await;
        if let Err(Stop::Failed(why)) = &staged
            && why.contains("(501)")
        {
            // No Put Block From URL here either: one asynchronous Copy Blob.
            ctx.client
                .copy_blob_and_wait(container, blob, &url)
                .await
                .map_err(|e| fail(ctx, &e))?;
            ctx.progress.reset();
            ctx.progress.add(props.size);
            return verify(ctx, &props, container, blob).await;
        }
        staged?;
        let ids: Vec<String> = (0..blocks).map(|i| block_id(bs, i)).collect();
        let content_type = props
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".into());
        ctx.client
            .put_block_list(
                container,
                blob,
                &ids,
                &content_type,
                props.content_md5.as_deref(),
            )
            .await
            .map_err(|e| fail(ctx, &e))?;
    }
    verify(ctx, &props, container, blob).await
}

/// The copy is done only when the service holds what the source held.
async fn verify(
    ctx: &Ctx<'_>,
    props: &crate::azure::blob_io::BlobProps,
    container: &str,
    blob: &str,
) -> Result<Option<String>, Stop> {
    let copied = ctx
        .client
        .blob_props(container, blob)
        .await
        .map_err(|e| fail(ctx, &e))?;
    if copied.size != props.size
        || (props.content_md5.is_some() && copied.content_md5 != props.content_md5)
    {
        return Err(Stop::Failed(
            "the copy does not match its source (size or MD5)".into(),
        ));
    }
    Ok(copied.content_md5)
}
