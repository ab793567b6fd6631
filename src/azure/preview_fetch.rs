//! The range reads behind a preview: the first 64 KiB of any blob, and for
//! Parquet the footer (from the end) and the first row group's column chunks.
//! Never the whole blob; every range read is recorded in the preview so the
//! pane (and the tests) can say how much was read. Decoding is in
//! `crate::preview`.

use super::client::StorageClient;
use super::http::{OpError, OpResult, header};
use crate::preview::parquet::{self as pq, SparseFile, footer};
use crate::preview::picture::{self, Picture};
use crate::preview::{self, Hints, PREVIEW_BYTES, Preview, PreviewBody};
use azure_core::http::Method;
use bytes::Bytes;
use std::ops::Range;

/// Reads ranges of one blob, pinned to the ETag of the first read (a blob
/// replaced halfway through fails with 412 instead of mixing two versions).
struct RangeReader<'a> {
    client: &'a StorageClient,
    container: &'a str,
    blob: &'a str,
    /// A snapshot or an old version instead of the current blob.
    at: Option<&'a super::history::Qualifier>,
    etag: Option<String>,
    ranges: Vec<Range<u64>>,
}

impl RangeReader<'_> {
    async fn get(&mut self, range: Range<u64>) -> OpResult<azure_core::http::RawResponse> {
        let mut headers = vec![(
            "x-ms-range",
            format!("bytes={}-{}", range.start, range.end - 1),
        )];
        if let Some(etag) = &self.etag {
            headers.push(("if-match", etag.clone()));
        }
        let url = self.client.blob_url_at(self.container, self.blob, self.at);
        let r = self
            .client
            .send_raw(Method::Get, url, &headers, None)
            .await?;
        Ok(r)
    }

    /// Fetches whatever part of `range` `file` does not hold yet.
    async fn fill(&mut self, file: &mut SparseFile, range: Range<u64>) -> OpResult<()> {
        for gap in file.missing(range) {
            let r = self.get(gap.clone()).await?;
            let body = Bytes::from(r.into_body().to_vec());
            if body.len() as u64 != gap.end - gap.start {
                return Err(OpError::Failed(format!(
                    "asked for {} bytes at offset {}, got {}",
                    gap.end - gap.start,
                    gap.start,
                    body.len()
                )));
            }
            self.ranges.push(gap.clone());
            file.insert(gap.start, body);
        }
        Ok(())
    }
}

/// Reads the start of a blob (and, for Parquet, its footer and first row
/// group) and decodes a preview from it.
pub async fn preview(client: &StorageClient, container: &str, blob: &str) -> OpResult<Preview> {
    preview_at(client, container, blob, None).await
}

/// [`preview`] of a snapshot or an old version (`at`), or of the blob.
pub async fn preview_at(
    client: &StorageClient,
    container: &str,
    blob: &str,
    at: Option<&super::history::Qualifier>,
) -> OpResult<Preview> {
    let mut reader = RangeReader {
        client,
        container,
        blob,
        at,
        etag: None,
        ranges: Vec::new(),
    };
    let r = match reader.get(0..PREVIEW_BYTES).await {
        Ok(r) => r,
        // An empty blob has no byte 0 to start a range at.
        Err(OpError::Service(e)) if e.http_status().map(u16::from) == Some(416) => {
            if let Some(at) = at {
                // Empty, but is it that version's emptiness? Ask the same way downloads do.
                super::history::props_at(client, container, blob, at, "previewed").await?;
            }
            return Ok(preview::build_preview(blob, None, &[], 0));
        }
        Err(e) => return Err(e),
    };
    // A service without versioning ignores `?versionid=` and answers with the
    // current blob: its bytes must never show as the old version's.
    if let Some(super::history::Qualifier::Version(id)) = at {
        super::history::confirm_answered(
            id,
            header(&r, "x-ms-version-id").as_deref(),
            "previewed",
        )?;
    }
    let content_type = header(&r, "content-type");
    let content_encoding = header(&r, "content-encoding");
    reader.etag = header(&r, "etag");
    // "bytes 0-65535/1234567" names the whole size.
    let content_range = header(&r, "content-range");
    let head = Bytes::from(r.into_body().to_vec());
    let total = content_range
        .and_then(|v| v.rsplit('/').next().and_then(|t| t.parse().ok()))
        .unwrap_or(head.len() as u64);
    reader.ranges.push(0..head.len() as u64);
    if preview::is_parquet(&head) {
        return parquet_preview(&mut reader, head, total).await;
    }
    let hints = Hints {
        name: blob,
        content_type: content_type.as_deref(),
        content_encoding: content_encoding.as_deref(),
    };
    let (mut body, note) = preview::decode(hints, &head, total);
    if let PreviewBody::Image { info, picture, .. } = &mut body {
        *picture = Some(picture_of(&mut reader, head, total, &info.format).await);
    }
    Ok(Preview {
        body,
        ranges: reader.ranges,
        total,
        note,
    })
}

/// Reads the rest of a small image and decodes it; a big one, an unknown
/// format or a failed read is a reason in words (the rest still shows).
async fn picture_of(
    reader: &mut RangeReader<'_>,
    head: Bytes,
    total: u64,
    format: &str,
) -> Result<Picture, String> {
    if !picture::drawable(format) {
        return Err(format!("not drawn: blobx does not decode {format}"));
    }
    if total > picture::MAX_PICTURE_BYTES {
        return Err(format!(
            "not drawn: larger than {}, and a preview reads at most that much",
            preview::human_bytes(picture::MAX_PICTURE_BYTES)
        ));
    }
    let mut whole = head.to_vec();
    if (whole.len() as u64) < total {
        let rest = whole.len() as u64..total;
        let r = reader
            .get(rest.clone())
            .await
            // In words, never the raw error: it can carry the request URL.
            .map_err(|e| {
                format!(
                    "not drawn: reading the rest failed ({})",
                    e.describe(reader.client.account())
                )
            })?;
        let body = r.into_body();
        if body.len() as u64 != rest.end - rest.start {
            return Err("not drawn: the blob changed size while being read".into());
        }
        reader.ranges.push(rest);
        whole.extend_from_slice(&body);
    }
    let format = format.to_string();
    tokio::task::spawn_blocking(move || picture::decode(&whole, &format))
        .await
        .unwrap_or_else(|e| Err(format!("not drawn: {e}")))
}

fn unreadable(blob: &str, why: impl std::fmt::Display) -> OpError {
    OpError::Failed(format!("{blob} is not a readable Parquet file: {why}."))
}

/// Footer first (the last 64 KiB, more only if the metadata is bigger), then
/// the first row group's column chunks unless they are over the limit.
async fn parquet_preview(
    reader: &mut RangeReader<'_>,
    head: Bytes,
    total: u64,
) -> OpResult<Preview> {
    let blob = reader.blob;
    if total < footer::TAIL + 4 {
        return Err(unreadable(blob, "it is shorter than a Parquet footer"));
    }
    let mut file = SparseFile::new(total);
    file.insert(0, head);
    reader
        .fill(&mut file, total.saturating_sub(PREVIEW_BYTES)..total)
        .await?;
    let last8 = file
        .get(total - footer::TAIL, footer::TAIL as usize)
        .ok_or_else(|| unreadable(blob, "its last bytes were not read"))?;
    let len = footer::metadata_len(&last8).map_err(|e| unreadable(blob, e))?;
    let meta_range = footer::metadata_range(total, len).map_err(|e| unreadable(blob, e))?;
    reader.fill(&mut file, meta_range.start..total).await?;
    let meta = footer::parse(&file).map_err(|e| unreadable(blob, e))?;
    let mut described = pq::describe(&meta);
    let span = match pq::undecodable(&meta) {
        Some((column, codec)) => {
            // Not fetched: it could not be decoded anyway.
            described.rows_note = Some(format!(
                "schema only: column {column} is compressed with {codec}, which blobx does not decode"
            ));
            None
        }
        None => footer::first_group_span(&meta),
    };
    match span {
        Some(span) if span.end > total || span.start > span.end => {
            described.rows_note =
                Some("the first row group's columns lie outside the file; schema only".into());
        }
        Some(span) if span.end - span.start > pq::MAX_GROUP_BYTES => {
            described.rows_note = Some(format!(
                "schema only: the first row group's columns are {}, over the preview's {} limit",
                preview::human_bytes(span.end - span.start),
                preview::human_bytes(pq::MAX_GROUP_BYTES)
            ));
        }
        Some(span) => {
            reader.fill(&mut file, span).await?;
            // Decompressing and decoding is CPU work: off the async threads.
            let decoded =
                tokio::task::spawn_blocking(move || pq::first_rows(file, pq::PREVIEW_ROWS)).await;
            match decoded {
                Ok(Ok(rows)) => described.rows = rows,
                Ok(Err(e)) => {
                    described.rows_note = Some(format!("could not decode the first rows: {e}"))
                }
                Err(e) => {
                    described.rows_note = Some(format!("could not decode the first rows: {e}"))
                }
            }
        }
        None => {}
    }
    Ok(Preview {
        body: PreviewBody::Parquet(Box::new(described)),
        ranges: std::mem::take(&mut reader.ranges),
        total,
        note: None,
    })
}
