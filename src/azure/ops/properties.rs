//! A blob's properties: content headers, metadata, tier state and lease, read
//! with one HEAD and changed with ETag guards.

use super::human_bytes;
use crate::azure::client::StorageClient;
use crate::azure::http::{
    OpError, OpResult, blob_url, error_code, h, header, http_status, request, with_query,
};
use azure_core::http::Method;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------
// Blob properties

/// The settable HTTP headers of a blob.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContentHeaders {
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
    pub content_disposition: Option<String>,
    pub cache_control: Option<String>,
    /// Base64 MD5 of the whole blob.
    pub content_md5: Option<String>,
}

/// Tier and rehydration, as Get Blob Properties reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TierState {
    pub tier: Option<String>,
    /// The account's default tier applies (never set on the blob).
    pub inferred: bool,
    /// `rehydrate-pending-to-hot` etc. while leaving Archive.
    pub archive_status: Option<String>,
    pub rehydrate_priority: Option<String>,
}

impl TierState {
    /// "Archive · rehydrating to Hot (Standard priority, up to 15 hours)"
    pub fn describe(&self) -> String {
        let mut s = self.tier.clone().unwrap_or_else(|| "unknown tier".into());
        if self.inferred {
            s.push_str(" (account default)");
        }
        if let Some(status) = &self.archive_status {
            let to = status
                .strip_prefix("rehydrate-pending-to-")
                .map(capitalize)
                .unwrap_or_else(|| status.clone());
            let priority = self.rehydrate_priority.as_deref().unwrap_or("Standard");
            let eta = if priority.eq_ignore_ascii_case("high") {
                "usually under an hour"
            } else {
                "up to 15 hours"
            };
            s.push_str(&format!(
                " · rehydrating to {to} ({priority} priority, {eta})"
            ));
        }
        s
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Lease state of a blob or container.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaseInfo {
    /// available, leased, expired, breaking, broken
    pub state: Option<String>,
    /// locked, unlocked
    pub status: Option<String>,
    /// infinite, fixed
    pub duration: Option<String>,
}

impl LeaseInfo {
    pub fn is_leased(&self) -> bool {
        matches!(self.state.as_deref(), Some("leased" | "breaking"))
    }
}

/// Everything a blob action needs to know about a blob (one HEAD).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlobHead {
    pub size: u64,
    pub etag: String,
    pub last_modified: Option<i64>,
    pub blob_type: Option<String>,
    pub headers: ContentHeaders,
    /// Names as the service returns them (lower case over HTTP).
    pub metadata: BTreeMap<String, String>,
    pub tier: TierState,
    pub lease: LeaseInfo,
    /// `x-ms-copy-status` if the blob was made by a copy.
    pub copy_status: Option<String>,
}

impl BlobHead {
    /// Reads response headers (or the TUI's `BlobDetails` name/value pairs).
    pub fn from_headers<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut b = BlobHead::default();
        for (name, value) in pairs {
            let name = name.to_ascii_lowercase();
            let v = || Some(value.to_string()).filter(|v| !v.is_empty());
            if let Some(key) = name.strip_prefix("x-ms-meta-") {
                b.metadata.insert(key.to_string(), value.to_string());
                continue;
            }
            match name.as_str() {
                "content-length" => b.size = value.parse().unwrap_or(0),
                "etag" => b.etag = value.to_string(),
                "last-modified" => b.last_modified = crate::azure::listing::parse_http_date(value),
                "x-ms-blob-type" => b.blob_type = v(),
                "content-type" => b.headers.content_type = v(),
                "content-encoding" => b.headers.content_encoding = v(),
                "content-language" => b.headers.content_language = v(),
                "content-disposition" => b.headers.content_disposition = v(),
                "cache-control" => b.headers.cache_control = v(),
                "content-md5" => b.headers.content_md5 = v(),
                "x-ms-access-tier" => b.tier.tier = v(),
                "x-ms-access-tier-inferred" => b.tier.inferred = value == "true",
                "x-ms-archive-status" => b.tier.archive_status = v(),
                "x-ms-rehydrate-priority" => b.tier.rehydrate_priority = v(),
                "x-ms-lease-state" => b.lease.state = v(),
                "x-ms-lease-status" => b.lease.status = v(),
                "x-ms-lease-duration" => b.lease.duration = v(),
                "x-ms-copy-status" => b.copy_status = v(),
                _ => {}
            }
        }
        b
    }
}

impl BlobHead {
    /// From what the details pane already holds (no request).
    pub fn from_details(d: &crate::azure::client::BlobDetails) -> Self {
        let mut head =
            Self::from_headers(d.properties.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (k, v) in &d.metadata {
            head.metadata.insert(k.to_ascii_lowercase(), v.clone());
        }
        head
    }
}

/// Get Blob Properties.
pub async fn head_blob(client: &StorageClient, container: &str, blob: &str) -> OpResult<BlobHead> {
    let r = client
        .send_request(request(
            Method::Head,
            blob_url(client, container, blob),
            Vec::new(),
        ))
        .await?;
    Ok(BlobHead::from_headers(
        r.headers().iter().map(|(k, v)| (k.as_str(), v.as_str())),
    ))
}

/// Metadata names must be C# identifiers (letters, digits, `_`, not starting
/// with a digit), unique ignoring case; values travel as HTTP headers, so
/// printable ASCII; all of it at most 8 KiB.
pub fn check_metadata(pairs: &[(String, String)]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0usize;
    for (k, v) in pairs {
        let mut chars = k.chars();
        let ok_start = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !ok_start || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "metadata name {k:?} must start with a letter or _ and hold only letters, digits and _"
            ));
        }
        if !seen.insert(k.to_ascii_lowercase()) {
            return Err(format!(
                "metadata name {k:?} is given twice (names ignore case)"
            ));
        }
        if let Some(c) = v.chars().find(|c| !(' '..='~').contains(c)) {
            return Err(format!(
                "metadata value of {k:?} holds {c:?}; values must be printable ASCII"
            ));
        }
        if v.starts_with(' ') || v.ends_with(' ') {
            return Err(format!(
                "metadata value of {k:?} starts or ends with a space, which HTTP drops"
            ));
        }
        total += k.len() + v.len();
    }
    if total > 8 * 1024 {
        return Err(format!(
            "metadata is at most 8 KiB in all (this is {})",
            human_bytes(total as u64)
        ));
    }
    Ok(())
}

fn guard(expected_etag: Option<&str>) -> Vec<(String, String)> {
    expected_etag
        .filter(|e| !e.is_empty())
        .map(|e| vec![h("if-match", e)])
        .unwrap_or_default()
}

fn changed_if_412(e: azure_core::Error, what: &str) -> OpError {
    if http_status(&e) == Some(412) && error_code(&e) == Some("ConditionNotMet") {
        OpError::Changed(format!(
            "{what} changed since it was read; nothing was saved. Reload and try again."
        ))
    } else {
        OpError::Service(e)
    }
}

/// Replaces all metadata of a blob. With `expected_etag` (from when the form
/// was opened) a change made meanwhile by someone else is not overwritten.
/// Returns the new ETag.
pub async fn set_metadata(
    client: &StorageClient,
    container: &str,
    blob: &str,
    pairs: &[(String, String)],
    expected_etag: Option<&str>,
) -> OpResult<String> {
    check_metadata(pairs).map_err(OpError::Invalid)?;
    let mut headers = guard(expected_etag);
    for (k, v) in pairs {
        headers.push((format!("x-ms-meta-{k}"), v.clone()));
    }
    let url = with_query(blob_url(client, container, blob), &[("comp", "metadata")]);
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await
        .map_err(|e| changed_if_412(e, blob))?;
    tracing::info!(container, blob, "set metadata");
    Ok(header(&r, "etag").unwrap_or_default())
}

/// Header edits; `None` keeps the current value, `Some("")` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderEdit {
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
}

/// HTTP header values must be printable ASCII (tabs allowed) on one line.
pub fn check_header_value(label: &str, value: &str) -> Result<(), String> {
    match value
        .chars()
        .find(|c| !((' '..='~').contains(c) || *c == '\t'))
    {
        Some(c) => Err(format!(
            "{label} holds {c:?}; it must be printable ASCII on one line"
        )),
        None => Ok(()),
    }
}

/// Checks a [`HeaderEdit`] in words.
pub fn check_header_edit(edit: &HeaderEdit) -> Result<(), String> {
    for (label, v) in [
        ("the content type", &edit.content_type),
        ("cache control", &edit.cache_control),
        ("content disposition", &edit.content_disposition),
        ("content encoding", &edit.content_encoding),
        ("content language", &edit.content_language),
    ] {
        if let Some(v) = v {
            check_header_value(label, v)?;
        }
    }
    Ok(())
}

/// `current` with the headers named in `edit` changed (`Some("")` clears one).
pub fn edited_headers(current: &ContentHeaders, edit: &HeaderEdit) -> ContentHeaders {
    let mut next = current.clone();
    let apply = |slot: &mut Option<String>, edit: &Option<String>| {
        if let Some(v) = edit {
            *slot = Some(v.trim().to_string()).filter(|v| !v.is_empty());
        }
    };
    apply(&mut next.content_type, &edit.content_type);
    apply(&mut next.cache_control, &edit.cache_control);
    apply(&mut next.content_disposition, &edit.content_disposition);
    apply(&mut next.content_encoding, &edit.content_encoding);
    apply(&mut next.content_language, &edit.content_language);
    next
}

/// Sets the content headers named in `edit`. Set Blob
/// Properties clears every header it is not sent (even Content-MD5), so the
/// others are read first and sent back unchanged, guarded by the ETag read.
pub async fn set_content_headers(
    client: &StorageClient,
    container: &str,
    blob: &str,
    edit: &HeaderEdit,
    expected_etag: Option<&str>,
) -> OpResult<ContentHeaders> {
    check_header_edit(edit).map_err(OpError::Invalid)?;
    let current = head_blob(client, container, blob).await?;
    if let Some(e) = expected_etag.filter(|e| !e.is_empty() && *e != current.etag) {
        tracing::debug!(expected = e, found = %current.etag, "blob changed before header edit");
        return Err(OpError::Changed(format!(
            "{blob} changed since it was read; nothing was saved. Reload and try again."
        )));
    }
    let next = edited_headers(&current.headers, edit);
    put_content_headers(client, container, blob, &current.etag, &next).await?;
    Ok(next)
}

/// Set Blob Properties with every header in `next` (the ones absent are
/// cleared), if the blob still has `etag`. Returns the new ETag.
pub async fn put_content_headers(
    client: &StorageClient,
    container: &str,
    blob: &str,
    etag: &str,
    next: &ContentHeaders,
) -> OpResult<String> {
    let mut headers = guard(Some(etag));
    for (name, value) in [
        ("x-ms-blob-content-type", &next.content_type),
        ("x-ms-blob-content-encoding", &next.content_encoding),
        ("x-ms-blob-content-language", &next.content_language),
        ("x-ms-blob-content-disposition", &next.content_disposition),
        ("x-ms-blob-cache-control", &next.cache_control),
        ("x-ms-blob-content-md5", &next.content_md5),
    ] {
        if let Some(v) = value {
            headers.push(h(name, v.clone()));
        }
    }
    let url = with_query(blob_url(client, container, blob), &[("comp", "properties")]);
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await
        .map_err(|e| changed_if_412(e, blob))?;
    tracing::info!(container, blob, "set content headers");
    Ok(header(&r, "etag").unwrap_or_default())
}
