//! Editing a text blob in place: read it with its ETag, headers, metadata
//! and tags; write it back only if it is still what was read (If-Match),
//! carrying the same headers, metadata and tags.

pub mod local;

use crate::azure::client::StorageClient;
use crate::azure::http::{OpError, OpResult, blob_url, error_code, h, header, http_status};
use crate::azure::ops::{BlobHead, head_blob};
use crate::checksum::Md5;
use azure_core::http::{Method, Request};
use base64::Engine as _;

/// The largest blob opened in an editor.
pub const MAX_EDIT_BYTES: u64 = 4 << 20;

/// A blob as read for editing.
#[derive(Clone, Debug)]
pub struct Opened {
    pub head: BlobHead,
    pub text: String,
    /// Index tags, to carry over (`None`: could not be read, not carried).
    pub tags: Option<Vec<(String, String)>>,
}

/// Reads a block blob of at most [`MAX_EDIT_BYTES`] holding UTF-8 text.
pub async fn open(client: &StorageClient, container: &str, blob: &str) -> OpResult<Opened> {
    let head = head_blob(client, container, blob).await?;
    if head.blob_type.as_deref().is_some_and(|t| t != "BlockBlob") {
        return Err(OpError::Invalid(format!(
            "{blob} is a {}; only block blobs are edited in place",
            head.blob_type.as_deref().unwrap_or("?")
        )));
    }
    if head.size > MAX_EDIT_BYTES {
        return Err(OpError::Invalid(format!(
            "{blob} is {}; blobs up to {} are edited in place (download it instead)",
            super::ops::human_bytes(head.size),
            super::ops::human_bytes(MAX_EDIT_BYTES)
        )));
    }
    let data = if head.size == 0 {
        bytes::Bytes::new()
    } else {
        client
            .get_range(container, blob, 0, head.size, &head.etag)
            .await?
    };
    let text = String::from_utf8(data.to_vec()).map_err(|_| {
        OpError::Invalid(format!(
            "{blob} is not UTF-8 text; only text blobs are edited in place"
        ))
    })?;
    let tags = super::tags::get_tags(client, container, blob).await.ok();
    Ok(Opened { head, text, tags })
}

fn tags_header(tags: &[(String, String)]) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    tags.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Put Blob of `text` to `blob` with `opened`'s headers, metadata and tags.
/// With `if_match` the write happens only if the blob still has that ETag
/// ([`OpError::Changed`] otherwise); with `if_none_match_any` only if no
/// blob of that name exists. Returns the new ETag.
pub async fn save(
    client: &StorageClient,
    container: &str,
    blob: &str,
    opened: &Opened,
    text: &str,
    if_match: Option<&str>,
    if_none_match_any: bool,
) -> OpResult<String> {
    let body = bytes::Bytes::from(text.as_bytes().to_vec());
    let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&body));
    let hd = &opened.head.headers;
    let mut headers = vec![
        h("x-ms-blob-type", "BlockBlob"),
        h("content-md5", md5),
        h("content-length", body.len().to_string()),
    ];
    for (name, value) in [
        ("x-ms-blob-content-type", &hd.content_type),
        ("x-ms-blob-content-encoding", &hd.content_encoding),
        ("x-ms-blob-content-language", &hd.content_language),
        ("x-ms-blob-content-disposition", &hd.content_disposition),
        ("x-ms-blob-cache-control", &hd.cache_control),
    ] {
        if let Some(v) = value {
            headers.push(h(name, v.clone()));
        }
    }
    for (k, v) in &opened.head.metadata {
        headers.push((format!("x-ms-meta-{k}"), v.clone()));
    }
    if let Some(tags) = opened.tags.as_deref().filter(|t| !t.is_empty()) {
        headers.push(h("x-ms-tags", tags_header(tags)));
    }
    if let Some(tier) = &opened.head.tier.tier
        && !opened.head.tier.inferred
    {
        headers.push(h("x-ms-access-tier", tier.clone()));
    }
    if let Some(e) = if_match {
        headers.push(h("if-match", e));
    }
    if if_none_match_any {
        headers.push(h("if-none-match", "*"));
    }
    let mut request = Request::new(blob_url(client, container, blob), Method::Put);
    for (k, v) in headers {
        request.insert_header(azure_core::http::headers::HeaderName::from(k), v);
    }
    request.set_body(body);
    let r = client.send_request(request).await.map_err(|e| {
        let status = http_status(&e);
        if status == Some(412) && if_match.is_some() {
            OpError::Changed(format!(
                "{blob} was changed by someone else since it was opened"
            ))
        } else if (status == Some(409) || status == Some(412))
            && if_none_match_any
            && matches!(
                error_code(&e),
                Some("BlobAlreadyExists" | "ConditionNotMet") | None
            )
        {
            OpError::Changed(format!("{blob} exists already"))
        } else {
            OpError::Service(e)
        }
    })?;
    tracing::info!(container, blob, "saved edited blob");
    Ok(header(&r, "etag").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tags_travel_url_encoded() {
        assert_eq!(
            super::tags_header(&[("a b".into(), "x/y".into()), ("k".into(), "".into())]),
            "a%20b=x%2Fy&k="
        );
    }
}
