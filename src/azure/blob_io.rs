//! The Blob REST calls transfers are made of, sent through the account's
//! signed pipeline: Put Blob, Put Block, Put Block List, Get Block List, ranged
//! Get Blob, Get Blob Properties, and the from-URL variants for server-side copy.

use super::client::StorageClient;
use super::error::from_response;
use super::history::Qualifier;
use azure_core::http::{Context, Method, RawResponse, Request, Url};
use base64::Engine;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;

/// How many more times a ranged GET whose body broke off is sent.
const BODY_RETRIES: u32 = 5;

/// What a transfer needs to know about a blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobProps {
    pub size: u64,
    pub etag: String,
    /// Base64 MD5 of the whole blob, when the service has one.
    pub content_md5: Option<String>,
    pub content_type: Option<String>,
    pub last_modified: Option<i64>,
    /// The version the service answered for (`x-ms-version-id`), when it keeps versions.
    pub version_id: Option<String>,
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn header(r: &RawResponse, name: &'static str) -> Option<String> {
    r.headers()
        .get_optional_str(&azure_core::http::headers::HeaderName::from_static(name))
        .map(str::to_string)
}

/// A block id: same length for every block of a blob (the service requires
/// it), and it names the block size so a resume with another size cannot mix them.
pub fn block_id(block_size: u64, index: u64) -> String {
    b64(format!("blobx-{block_size:012}-{index:08}").as_bytes())
}

impl StorageClient {
    pub fn blob_url(&self, container: &str, blob: &str) -> Url {
        let mut url = self.container_url(container);
        if let Ok(mut segments) = url.path_segments_mut() {
            // Each `/` in a blob name is a path separator on the wire.
            segments.extend(blob.split('/'));
        }
        url
    }

    /// The blob's URL, or a snapshot's or old version's (`?snapshot=`, `?versionid=`).
    pub fn blob_url_at(&self, container: &str, blob: &str, at: Option<&Qualifier>) -> Url {
        let mut url = self.blob_url(container, blob);
        if let Some(q) = at {
            let (k, v) = q.query();
            url.query_pairs_mut().append_pair(k, v);
        }
        url
    }

    /// Sends one request; any status outside 2xx becomes the SDK's HTTP error.
    pub(crate) async fn send_raw(
        &self,
        method: Method,
        url: Url,
        headers: &[(&'static str, String)],
        body: Option<Bytes>,
    ) -> azure_core::Result<RawResponse> {
        let mut request = Request::new(url, method);
        request.insert_header("x-ms-version", self.version.clone());
        for (k, v) in headers {
            request.insert_header(*k, v.clone());
        }
        match body {
            Some(b) => {
                request.insert_header("content-length", b.len().to_string());
                request.set_body(b);
            }
            None if matches!(method, Method::Put) => request.insert_header("content-length", "0"),
            None => {}
        }
        let response = self
            .pipeline
            .send(&Context::new(), &mut request, None)
            .await?;
        if !response.status().is_success() {
            return Err(from_response(response));
        }
        Ok(response)
    }

    pub async fn blob_props(&self, container: &str, blob: &str) -> azure_core::Result<BlobProps> {
        self.blob_props_at(container, blob, None).await
    }

    /// [`Self::blob_props`] of a snapshot or an old version (`at`), or of the blob.
    /// Whether a version was really answered for is the caller's check
    /// (`history::props_at`): a service without versioning ignores `?versionid=`.
    pub async fn blob_props_at(
        &self,
        container: &str,
        blob: &str,
        at: Option<&Qualifier>,
    ) -> azure_core::Result<BlobProps> {
        let url = self.blob_url_at(container, blob, at);
        let r = self.send_raw(Method::Head, url, &[], None).await?;
        Ok(BlobProps {
            size: header(&r, "content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            etag: header(&r, "etag").unwrap_or_default(),
            content_md5: header(&r, "content-md5").filter(|v| !v.is_empty()),
            content_type: header(&r, "content-type"),
            last_modified: header(&r, "last-modified")
                .and_then(|v| super::listing::parse_http_date(&v)),
            version_id: header(&r, "x-ms-version-id").filter(|v| !v.is_empty()),
        })
    }

    /// Whether a blob exists (for conflict checks).
    pub async fn blob_exists(
        &self,
        container: &str,
        blob: &str,
    ) -> azure_core::Result<Option<BlobProps>> {
        match self.blob_props(container, blob).await {
            Ok(p) => Ok(Some(p)),
            Err(e) if e.http_status().map(u16::from) == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Single-shot upload with the whole-blob MD5 (the service checks it).
    pub async fn put_blob_bytes(
        &self,
        container: &str,
        blob: &str,
        data: Bytes,
        content_type: &str,
        md5: &[u8],
    ) -> azure_core::Result<()> {
        let headers = [
            ("x-ms-blob-type", "BlockBlob".to_string()),
            ("x-ms-blob-content-type", content_type.to_string()),
            ("content-md5", b64(md5)),
        ];
        self.send_raw(
            Method::Put,
            self.blob_url(container, blob),
            &headers,
            Some(data),
        )
        .await?;
        Ok(())
    }

    /// Stages one block with its MD5 (the service rejects a corrupted block).
    pub async fn put_block(
        &self,
        container: &str,
        blob: &str,
        id: &str,
        data: Bytes,
        md5: &[u8],
    ) -> azure_core::Result<()> {
        let mut url = self.blob_url(container, blob);
        url.query_pairs_mut()
            .append_pair("comp", "block")
            .append_pair("blockid", id);
        self.send_raw(Method::Put, url, &[("content-md5", b64(md5))], Some(data))
            .await?;
        Ok(())
    }

    /// Stages a block copied by the service from `source_url` (server-side copy).
    pub async fn put_block_from_url(
        &self,
        container: &str,
        blob: &str,
        id: &str,
        source_url: &str,
        offset: u64,
        len: u64,
    ) -> azure_core::Result<()> {
        let mut url = self.blob_url(container, blob);
        url.query_pairs_mut()
            .append_pair("comp", "block")
            .append_pair("blockid", id);
        let headers = [
            ("x-ms-copy-source", source_url.to_string()),
            (
                "x-ms-source-range",
                format!("bytes={}-{}", offset, offset + len - 1),
            ),
        ];
        self.send_raw(Method::Put, url, &headers, None).await?;
        Ok(())
    }

    /// Copies a whole blob server-side in one request (Put Blob From URL).
    pub async fn put_blob_from_url(
        &self,
        container: &str,
        blob: &str,
        source_url: &str,
        content_type: Option<&str>,
        md5: Option<&str>,
    ) -> azure_core::Result<()> {
        let mut headers = vec![
            ("x-ms-blob-type", "BlockBlob".to_string()),
            ("x-ms-copy-source", source_url.to_string()),
        ];
        if let Some(ct) = content_type {
            headers.push(("x-ms-blob-content-type", ct.to_string()));
        }
        if let Some(m) = md5 {
            headers.push(("x-ms-blob-content-md5", m.to_string()));
        }
        self.send_raw(Method::Put, self.blob_url(container, blob), &headers, None)
            .await?;
        Ok(())
    }

    /// Starts an (asynchronous) Copy Blob and waits for the service to finish it.
    /// Used where Put Blob From URL is not available (the emulator).
    pub async fn copy_blob_and_wait(
        &self,
        container: &str,
        blob: &str,
        source_url: &str,
    ) -> azure_core::Result<()> {
        let r = self
            .send_raw(
                Method::Put,
                self.blob_url(container, blob),
                &[("x-ms-copy-source", source_url.to_string())],
                None,
            )
            .await?;
        let mut status = header(&r, "x-ms-copy-status").unwrap_or_default();
        let mut delay = std::time::Duration::from_millis(50);
        while status == "pending" {
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(std::time::Duration::from_secs(2));
            let head = self
                .send_raw(Method::Head, self.blob_url(container, blob), &[], None)
                .await?;
            status = header(&head, "x-ms-copy-status").unwrap_or_default();
        }
        if status == "success" || status.is_empty() {
            Ok(())
        } else {
            Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                format!("the service's copy ended as {status}"),
            ))
        }
    }

    /// Commits `ids` in order as the blob's content.
    pub async fn put_block_list(
        &self,
        container: &str,
        blob: &str,
        ids: &[String],
        content_type: &str,
        md5: Option<&str>,
    ) -> azure_core::Result<()> {
        let mut url = self.blob_url(container, blob);
        url.query_pairs_mut().append_pair("comp", "blocklist");
        let mut xml = String::with_capacity(64 + ids.len() * 60);
        xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        for id in ids {
            xml.push_str("<Latest>");
            xml.push_str(id);
            xml.push_str("</Latest>");
        }
        xml.push_str("</BlockList>");
        let mut headers = vec![
            ("x-ms-blob-content-type", content_type.to_string()),
            ("content-type", "application/xml".to_string()),
        ];
        if let Some(m) = md5 {
            headers.push(("x-ms-blob-content-md5", m.to_string()));
        }
        self.send_raw(Method::Put, url, &headers, Some(Bytes::from(xml)))
            .await?;
        Ok(())
    }

    /// Names and sizes of the blocks staged but not yet committed (for resume).
    pub async fn uncommitted_blocks(
        &self,
        container: &str,
        blob: &str,
    ) -> azure_core::Result<Vec<(String, u64)>> {
        let mut url = self.blob_url(container, blob);
        url.query_pairs_mut()
            .append_pair("comp", "blocklist")
            .append_pair("blocklisttype", "uncommitted");
        let r = match self.send_raw(Method::Get, url, &[], None).await {
            Ok(r) => r,
            // No blob and no staged blocks yet.
            Err(e) if e.http_status().map(u16::from) == Some(404) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let text = String::from_utf8_lossy(r.body()).into_owned();
        Ok(parse_block_list(&text))
    }

    /// Bytes `offset..offset+len` of a blob, only if it still has `etag`.
    ///
    /// The body is read straight into one buffer of the range's size: the
    /// buffered pipeline would grow a buffer chunk by chunk and copy the whole
    /// body twice more. A body that breaks off is asked for again, as the
    /// buffered pipeline's retry policy would have done.
    pub async fn get_range(
        &self,
        container: &str,
        blob: &str,
        offset: u64,
        len: u64,
        etag: &str,
    ) -> azure_core::Result<Bytes> {
        self.get_range_at(container, blob, None, offset, len, etag, BytesMut::new())
            .await
    }

    /// [`Self::get_range`] of a snapshot or an old version (`at`), or of the
    /// blob, read into `buf` (emptied first): a download hands back buffers
    /// it has written, so their pages are not mapped and zeroed again.
    #[allow(clippy::too_many_arguments)]
    pub async fn get_range_at(
        &self,
        container: &str,
        blob: &str,
        at: Option<&Qualifier>,
        offset: u64,
        len: u64,
        etag: &str,
        mut buf: BytesMut,
    ) -> azure_core::Result<Bytes> {
        let mut attempt = 0u32;
        loop {
            buf.clear();
            match self
                .get_range_once(container, blob, at, offset, len, etag, &mut buf)
                .await?
            {
                Ok(()) => return Ok(buf.freeze()),
                Err(e) if attempt < BODY_RETRIES => {
                    attempt += 1;
                    tracing::debug!(blob, offset, attempt, error = %e, "range body broke off; asking again");
                    tokio::time::sleep(std::time::Duration::from_millis(100 << attempt.min(5)))
                        .await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One ranged GET. The outer error is final (the pipeline already retried
    /// it); the inner one is a body that broke off, worth asking for again.
    #[allow(clippy::too_many_arguments)]
    async fn get_range_once(
        &self,
        container: &str,
        blob: &str,
        at: Option<&Qualifier>,
        offset: u64,
        len: u64,
        etag: &str,
        data: &mut BytesMut,
    ) -> azure_core::Result<azure_core::Result<()>> {
        let mut request = Request::new(self.blob_url_at(container, blob, at), Method::Get);
        request.insert_header("x-ms-version", self.version.clone());
        request.insert_header(
            "x-ms-range",
            format!("bytes={}-{}", offset, offset + len - 1),
        );
        if !etag.is_empty() {
            request.insert_header("if-match", etag.to_string());
        }
        // Statuses outside 2xx come back as errors, with the service's message.
        let response = self
            .pipeline
            .stream(&Context::new(), &mut request, None)
            .await?;
        let mut body = response.into_body();
        data.reserve(usize::try_from(len).unwrap_or(0));
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(c) if (data.len() + c.len()) as u64 > len => {
                    return Err(azure_core::Error::with_message(
                        azure_core::error::ErrorKind::DataConversion,
                        format!("the service sent more than {len} bytes for a {len}-byte range"),
                    ));
                }
                Ok(c) => data.extend_from_slice(&c),
                Err(e) => return Ok(Err(e)),
            }
        }
        Ok(Ok(()))
    }

    /// Creates the container unless it exists; true when this call created it
    /// (the caller writes the audit line).
    pub async fn ensure_container(&self, container: &str) -> azure_core::Result<bool> {
        let mut url = self.container_url(container);
        url.query_pairs_mut().append_pair("restype", "container");
        match self.send_raw(Method::Put, url, &[], None).await {
            Ok(_) => Ok(true),
            Err(e) if e.http_status().map(u16::from) == Some(409) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Whether the container exists (Get Container Properties; 404 is no).
    pub async fn container_exists(&self, container: &str) -> azure_core::Result<bool> {
        let mut url = self.container_url(container);
        url.query_pairs_mut().append_pair("restype", "container");
        match self.send_raw(Method::Head, url, &[], None).await {
            Ok(_) => Ok(true),
            Err(e) if e.http_status().map(u16::from) == Some(404) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Deletes a blob (used by cancel of a half-made copy, and by move).
    pub async fn delete_blob_raw(&self, container: &str, blob: &str) -> azure_core::Result<()> {
        self.send_raw(Method::Delete, self.blob_url(container, blob), &[], None)
            .await?;
        Ok(())
    }
}

/// `(name, size)` of each `<Block>` in a Get Block List answer.
fn parse_block_list(xml: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<Block>") {
        rest = &rest[start + 7..];
        let Some(end) = rest.find("</Block>") else {
            break;
        };
        let block = &rest[..end];
        let field = |tag: &str| {
            let open = format!("<{tag}>");
            let close = format!("</{tag}>");
            let s = block.find(&open)? + open.len();
            let e = block[s..].find(&close)? + s;
            Some(block[s..e].to_string())
        };
        if let (Some(name), Some(size)) =
            (field("Name"), field("Size").and_then(|s| s.parse().ok()))
        {
            out.push((name, size));
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_ids_have_equal_length() {
        assert_eq!(block_id(4 << 20, 0).len(), block_id(4 << 20, 49_999).len());
        assert_ne!(block_id(4 << 20, 1), block_id(8 << 20, 1));
    }

    #[test]
    fn parses_block_lists() {
        let xml = "<BlockList><CommittedBlocks/><UncommittedBlocks><Block><Name>YQ==</Name><Size>4</Size></Block><Block><Name>Yg==</Name><Size>2</Size></Block></UncommittedBlocks></BlockList>";
        assert_eq!(
            parse_block_list(xml),
            vec![("YQ==".into(), 4), ("Yg==".into(), 2)]
        );
        assert!(parse_block_list("<junk").is_empty());
    }
}
