//! Everyday container and blob actions: create and delete containers, delete
//! blobs and folders, soft-delete listing and undelete, rename/move by
//! server-side copy, metadata and content headers, access tier, lease break,
//! and links/commands for a selection.
//!
//! Every input a person types is checked by a pure function first (usable
//! while typing), and the async actions refuse invalid input before sending
//! anything. No ratatui here: the forms call these and show the sentences.

use super::account::{Account, Auth};
use super::client::StorageClient;
use super::connection::now_unix;
use super::sas::{SasOptions, SasTarget, sign_service_sas};
use azure_core::http::{Method, RawResponse, Request, Url, headers::HeaderName};
use futures::StreamExt;
use md5::{Digest, Md5};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------
// Errors

/// Why an action did not happen, or did not finish.
#[derive(Debug)]
pub enum OpError {
    /// Refused before anything was sent (bad name, bad value).
    Invalid(String),
    /// Someone else changed the thing since it was read; nothing was written.
    Changed(String),
    /// Stopped on our side after the service answered (e.g. a copy that did
    /// not verify); the sentence says what was and was not done.
    Failed(String),
    /// The service or the network said no.
    Service(azure_core::Error),
}

pub type OpResult<T> = Result<T, OpError>;

impl OpError {
    /// One sentence for the status line or stderr.
    pub fn describe(&self, account: &Account) -> String {
        match self {
            OpError::Invalid(m) | OpError::Changed(m) | OpError::Failed(m) => m.clone(),
            OpError::Service(e) => super::error::describe_error(e, account),
        }
    }

    /// The HTTP status, when the service answered one.
    pub fn status(&self) -> Option<u16> {
        match self {
            OpError::Service(e) => e.http_status().map(u16::from),
            _ => None,
        }
    }
}

impl std::fmt::Display for OpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpError::Invalid(m) | OpError::Changed(m) | OpError::Failed(m) => f.write_str(m),
            OpError::Service(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for OpError {}

impl From<azure_core::Error> for OpError {
    fn from(e: azure_core::Error) -> Self {
        OpError::Service(e)
    }
}

/// Outcome of an action over many blobs: nothing stops at the first failure.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub done: usize,
    pub bytes: u64,
    /// Blob name and what went wrong with it.
    pub failed: Vec<(String, String)>,
}

impl BatchReport {
    /// "3 blobs (1.5 KiB) deleted, 1 failed: a.txt: …"
    pub fn summary(&self, verb: &str) -> String {
        let mut s = format!(
            "{} ({}) {verb}",
            count(self.done, "blob"),
            human_bytes(self.bytes)
        );
        if let Some((name, why)) = self.failed.first() {
            s.push_str(&format!(
                ", {} failed; first: {name}: {why}",
                self.failed.len()
            ));
        }
        s
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

pub fn human_bytes(n: u64) -> String {
    humansize::format_size(n, humansize::BINARY)
}

// ---------------------------------------------------------------------------
// Requests

fn blob_url(client: &StorageClient, container: &str, blob: &str) -> Url {
    let mut url = client.container_url(container);
    if let Ok(mut segments) = url.path_segments_mut() {
        // Each `/` in a blob name is a path separator on the wire.
        segments.extend(blob.split('/'));
    }
    url
}

fn with_query(mut url: Url, pairs: &[(&str, &str)]) -> Url {
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    url
}

/// A request with its headers; PUTs without a body say so (the service
/// requires Content-Length on every write).
fn request(method: Method, url: Url, headers: Vec<(String, String)>) -> Request {
    let mut r = Request::new(url, method);
    for (k, v) in headers {
        r.insert_header(HeaderName::from(k), v);
    }
    if matches!(method, Method::Put) {
        r.insert_header("content-length", "0");
    }
    r
}

fn h(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

pub(crate) fn header(r: &RawResponse, name: &'static str) -> Option<String> {
    r.headers()
        .get_optional_str(&HeaderName::from_static(name))
        .map(str::to_string)
}

fn http_status(e: &azure_core::Error) -> Option<u16> {
    e.http_status().map(u16::from)
}

fn error_code(e: &azure_core::Error) -> Option<&str> {
    match e.kind() {
        azure_core::error::ErrorKind::HttpResponse { error_code, .. } => error_code.as_deref(),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Names

/// Container names: 3-63 characters of a-z, 0-9 and `-`, starting and ending
/// with a letter or digit, no `--`. Pure, for checking while typing.
pub fn check_container_name(name: &str) -> Result<(), String> {
    super::naming::check_container_name(name)
}

/// Blob names: 1-1,024 characters, at most 254 `/`-separated segments, and no
/// control characters (they cannot travel in a URL reliably).
pub fn check_blob_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a blob name cannot be empty".into());
    }
    let len = name.chars().count();
    if len > 1024 {
        return Err(format!(
            "a blob name is at most 1,024 characters (this one has {len})"
        ));
    }
    let segments = name.split('/').count();
    if segments > 254 {
        return Err(format!(
            "a blob name has at most 254 path segments (this one has {segments})"
        ));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "a blob name may not contain control characters (found U+{:04X})",
            u32::from(c)
        ));
    }
    Ok(())
}

/// A name typed for a new blob (rename target): a blob name that does not end
/// in `/`, which would make it look like a folder.
pub fn check_new_blob_name(name: &str) -> Result<(), String> {
    check_blob_name(name)?;
    if name.ends_with('/') {
        return Err("a blob name may not end with /; that names a folder".into());
    }
    Ok(())
}

/// Deleting a container asks for its name to be typed exactly.
pub fn check_delete_confirmation(container: &str, typed: &str) -> Result<(), String> {
    if typed.trim() == container {
        Ok(())
    } else {
        Err(format!("type {container} to confirm deleting it"))
    }
}

// ---------------------------------------------------------------------------
// Containers

pub async fn create_container(client: &StorageClient, name: &str) -> OpResult<()> {
    check_container_name(name).map_err(OpError::Invalid)?;
    let url = with_query(client.container_url(name), &[("restype", "container")]);
    client
        .send_request(request(Method::Put, url, Vec::new()))
        .await?;
    tracing::info!(container = name, "created container");
    Ok(())
}

/// Deletes a container and everything in it, once `typed` matches its name.
pub async fn delete_container(client: &StorageClient, name: &str, typed: &str) -> OpResult<()> {
    check_delete_confirmation(name, typed).map_err(OpError::Invalid)?;
    let url = with_query(client.container_url(name), &[("restype", "container")]);
    client
        .send_request(request(Method::Delete, url, Vec::new()))
        .await?;
    tracing::info!(container = name, "deleted container");
    Ok(())
}

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
                "last-modified" => b.last_modified = super::listing::parse_http_date(value),
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
    pub fn from_details(d: &super::client::BlobDetails) -> Self {
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
    ] {
        if let Some(v) = v {
            check_header_value(label, v)?;
        }
    }
    Ok(())
}

/// Sets content type, cache control and content disposition. Set Blob
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
    let mut next = current.headers.clone();
    let apply = |slot: &mut Option<String>, edit: &Option<String>| {
        if let Some(v) = edit {
            *slot = Some(v.trim().to_string()).filter(|v| !v.is_empty());
        }
    };
    apply(&mut next.content_type, &edit.content_type);
    apply(&mut next.cache_control, &edit.cache_control);
    apply(&mut next.content_disposition, &edit.content_disposition);
    let mut headers = vec![h("if-match", current.etag.clone())];
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
    client
        .send_request(request(Method::Put, url, headers))
        .await
        .map_err(|e| changed_if_412(e, blob))?;
    tracing::info!(container, blob, "set content headers");
    Ok(next)
}

// ---------------------------------------------------------------------------
// Tiers and leases

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessTier {
    Hot,
    Cool,
    Cold,
    Archive,
}

impl AccessTier {
    pub const ALL: [AccessTier; 4] = [
        AccessTier::Hot,
        AccessTier::Cool,
        AccessTier::Cold,
        AccessTier::Archive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessTier::Hot => "Hot",
            AccessTier::Cool => "Cool",
            AccessTier::Cold => "Cold",
            AccessTier::Archive => "Archive",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("{text:?} is not a tier; use Hot, Cool, Cold or Archive"))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RehydratePriority {
    Standard,
    High,
}

/// What a tier change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierChange {
    /// The blob is in the new tier now.
    Done,
    /// The blob is leaving Archive; it stays unreadable until rehydrated.
    Rehydrating,
}

/// Set Blob Tier. Leaving Archive starts a rehydration (hours), reported as
/// [`TierChange::Rehydrating`].
pub async fn set_tier(
    client: &StorageClient,
    container: &str,
    blob: &str,
    tier: AccessTier,
    priority: Option<RehydratePriority>,
) -> OpResult<TierChange> {
    let mut headers = vec![h("x-ms-access-tier", tier.as_str())];
    if let Some(p) = priority {
        headers.push(h(
            "x-ms-rehydrate-priority",
            match p {
                RehydratePriority::Standard => "Standard",
                RehydratePriority::High => "High",
            },
        ));
    }
    let url = with_query(blob_url(client, container, blob), &[("comp", "tier")]);
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await?;
    tracing::info!(container, blob, tier = tier.as_str(), "set tier");
    // 202 Accepted means a rehydration from Archive has started.
    Ok(if u16::from(r.status()) == 202 {
        TierChange::Rehydrating
    } else {
        TierChange::Done
    })
}

/// Takes a lease on a blob: 15-60 seconds, or infinite with `None`. Returns its id.
pub async fn acquire_blob_lease(
    client: &StorageClient,
    container: &str,
    blob: &str,
    seconds: Option<u32>,
) -> OpResult<String> {
    let duration = match seconds {
        None => -1,
        Some(s @ 15..=60) => i64::from(s),
        Some(s) => {
            return Err(OpError::Invalid(format!(
                "a lease lasts 15-60 seconds or is infinite, not {s} seconds"
            )));
        }
    };
    let url = with_query(blob_url(client, container, blob), &[("comp", "lease")]);
    let headers = vec![
        h("x-ms-lease-action", "acquire"),
        h("x-ms-lease-duration", duration.to_string()),
    ];
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await?;
    Ok(header(&r, "x-ms-lease-id").unwrap_or_default())
}

/// Breaks a blob's lease at once. Returns the seconds until it is broken (0).
pub async fn break_blob_lease(
    client: &StorageClient,
    container: &str,
    blob: &str,
) -> OpResult<u32> {
    let url = with_query(blob_url(client, container, blob), &[("comp", "lease")]);
    break_lease(client, url, container, Some(blob)).await
}

/// Breaks a container's lease at once.
pub async fn break_container_lease(client: &StorageClient, container: &str) -> OpResult<u32> {
    let url = with_query(
        client.container_url(container),
        &[("comp", "lease"), ("restype", "container")],
    );
    break_lease(client, url, container, None).await
}

async fn break_lease(
    client: &StorageClient,
    url: Url,
    container: &str,
    blob: Option<&str>,
) -> OpResult<u32> {
    let headers = vec![
        h("x-ms-lease-action", "break"),
        h("x-ms-lease-break-period", "0"),
    ];
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await?;
    tracing::info!(container, blob, "broke lease");
    Ok(header(&r, "x-ms-lease-time")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

// ---------------------------------------------------------------------------
// Delete, soft delete, undelete

/// A marked row: one blob, or a virtual folder (prefix ending in `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Blob(String),
    Folder(String),
}

/// What a delete will remove, for the confirmation ("Delete 12 blobs, 3 MiB?").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeletePlan {
    pub container: String,
    /// Name and size of each blob, each once.
    pub blobs: Vec<(String, u64)>,
    pub total_bytes: u64,
}

impl DeletePlan {
    pub fn question(&self) -> String {
        format!(
            "Delete {} ({}) from {}?",
            count(self.blobs.len(), "blob"),
            human_bytes(self.total_bytes),
            self.container
        )
    }
}

/// Every blob under `prefix`, flat: name and size.
pub async fn list_flat(
    client: &StorageClient,
    container: &str,
    prefix: &str,
) -> OpResult<Vec<(String, u64)>> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = client
            .list_blobs_page(container, prefix, None, marker.as_deref(), 5000)
            .await?;
        out.extend(
            page.entries
                .into_iter()
                .filter(|e| !e.is_prefix)
                .map(|e| (e.name, e.size)),
        );
        marker = page.next_marker;
        if marker.is_none() {
            return Ok(out);
        }
    }
}

/// Lists folders flat and sizes single blobs, so the confirmation can say
/// how many blobs and bytes will go.
pub async fn plan_delete(
    client: &StorageClient,
    container: &str,
    targets: &[Target],
) -> OpResult<DeletePlan> {
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    for t in targets {
        match t {
            Target::Folder(prefix) => {
                if prefix.is_empty() {
                    return Err(OpError::Invalid(
                        "deleting a whole container is a container action; use delete container"
                            .into(),
                    ));
                }
                for (name, size) in list_flat(client, container, prefix).await? {
                    sizes.insert(name, size);
                }
            }
            Target::Blob(name) => {
                if !sizes.contains_key(name) {
                    match head_blob(client, container, name).await {
                        Ok(head) => {
                            sizes.insert(name.clone(), head.size);
                        }
                        // Already gone: nothing to delete.
                        Err(e) if e.status() == Some(404) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    let total_bytes = sizes.values().sum();
    Ok(DeletePlan {
        container: container.to_string(),
        blobs: sizes.into_iter().collect(),
        total_bytes,
    })
}

/// Deletes one blob. With `include_snapshots` its snapshots go too; without,
/// a blob that has snapshots is refused by the service and kept.
pub async fn delete_blob(
    client: &StorageClient,
    container: &str,
    blob: &str,
    include_snapshots: bool,
) -> OpResult<()> {
    let mut headers = Vec::new();
    if include_snapshots {
        headers.push(h("x-ms-delete-snapshots", "include"));
    }
    client
        .send_request(request(
            Method::Delete,
            blob_url(client, container, blob),
            headers,
        ))
        .await?;
    Ok(())
}

/// Deletes what [`plan_delete`] found, 16 at a time; failures are listed, not fatal.
pub async fn delete_planned(
    client: &StorageClient,
    plan: &DeletePlan,
    include_snapshots: bool,
) -> BatchReport {
    let container = plan.container.as_str();
    // Owned items and a named async fn: a closure borrowing each item would
    // make the future impossible to spawn (it could not be proven Send).
    async fn one(
        client: &StorageClient,
        container: &str,
        name: String,
        size: u64,
        include_snapshots: bool,
    ) -> (String, u64, OpResult<()>) {
        let r = delete_blob(client, container, &name, include_snapshots).await;
        (name, size, r)
    }
    let results: Vec<_> = futures::stream::iter(plan.blobs.clone())
        .map(|(name, size)| one(client, container, name, size, include_snapshots))
        .buffer_unordered(16)
        .collect()
        .await;
    let mut report = BatchReport::default();
    for (name, size, r) in results {
        match r {
            Ok(()) => {
                report.done += 1;
                report.bytes += size;
            }
            // Deleted meanwhile by someone else: it is gone, as asked.
            Err(e) if e.status() == Some(404) => report.done += 1,
            Err(e) => report.failed.push((name, e.describe(client.account()))),
        }
    }
    report.failed.sort();
    tracing::info!(
        container,
        deleted = report.done,
        failed = report.failed.len(),
        "deleted blobs"
    );
    report
}

/// The account's soft-delete retention in days, or `None` when it is off.
pub async fn soft_delete_retention(client: &StorageClient) -> OpResult<Option<u32>> {
    let url = with_query(
        client.account().blob_endpoint.clone(),
        &[("restype", "service"), ("comp", "properties")],
    );
    let r = client
        .send_request(request(Method::Get, url, Vec::new()))
        .await?;
    Ok(parse_delete_retention(&String::from_utf8_lossy(r.body())))
}

/// `<DeleteRetentionPolicy><Enabled>true</Enabled><Days>7</Days>` → `Some(7)`.
pub fn parse_delete_retention(xml: &str) -> Option<u32> {
    let start = xml.find("<DeleteRetentionPolicy>")?;
    let end = start + xml[start..].find("</DeleteRetentionPolicy>")?;
    let section = &xml[start..end];
    let field = |tag: &str| {
        let open = format!("<{tag}>");
        let s = section.find(&open)? + open.len();
        let e = s + section[s..].find('<')?;
        Some(section[s..e].trim().to_string())
    };
    if field("Enabled")?.eq_ignore_ascii_case("true") {
        field("Days").and_then(|d| d.parse().ok())
    } else {
        None
    }
}

/// Undelete Blob: brings back a soft-deleted blob and its soft-deleted snapshots.
pub async fn undelete(client: &StorageClient, container: &str, blob: &str) -> OpResult<()> {
    let url = with_query(blob_url(client, container, blob), &[("comp", "undelete")]);
    client
        .send_request(request(Method::Put, url, Vec::new()))
        .await?;
    tracing::info!(container, blob, "undeleted blob");
    Ok(())
}

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
            super::error::describe_error(&e, client.account())
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

// ---------------------------------------------------------------------------
// Links and commands (never with a secret)

/// The blob's (or folder's) URL, without any SAS.
pub fn resource_url(account: &Account, container: &str, path: &str) -> String {
    let mut url = account.blob_endpoint.clone();
    url.set_query(None);
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(container);
        if !path.is_empty() {
            segments.extend(path.split('/'));
        }
    }
    url.to_string()
}

/// `az://container/path`, the fsspec / ZenML form.
pub fn az_uri(container: &str, path: &str) -> String {
    format!("az://{container}/{path}")
}

/// Quotes for POSIX shells.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Command lines for handing a selection to other tools, and how they sign in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handoff {
    pub urls: Vec<String>,
    pub az_uris: Vec<String>,
    pub azcopy: Vec<String>,
    pub az_cli: Vec<String>,
    /// How the commands authenticate (never a secret itself).
    pub note: String,
}

/// URLs, `az://` URIs and the equivalent `azcopy copy` and `az storage blob
/// download` commands for `items` (name, is_folder) in `container`, into the
/// current directory. The commands carry no key or SAS: they sign in their
/// own way, which `note` explains.
pub fn handoff(account: &Account, container: &str, items: &[(String, bool)]) -> Handoff {
    let mut out = Handoff::default();
    let auth_mode = match &account.auth {
        Auth::Token(_) => "--auth-mode login",
        _ => "--auth-mode key",
    };
    let endpoint = account
        .blob_endpoint
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let standard = account
        .blob_endpoint
        .host_str()
        .is_some_and(|h| h == format!("{}.blob.core.windows.net", account.name));
    // Sovereign clouds, private endpoints and the emulator need the endpoint named.
    let account_arg = if standard {
        format!("--account-name {}", shell_quote(&account.name))
    } else {
        format!(
            "--account-name {} --blob-endpoint {}",
            shell_quote(&account.name),
            shell_quote(&endpoint)
        )
    };
    for (name, is_folder) in items {
        let url = resource_url(account, container, name);
        out.urls.push(url.clone());
        out.az_uris.push(az_uri(container, name));
        if *is_folder {
            out.azcopy
                .push(format!("azcopy copy {} . --recursive", shell_quote(&url)));
            out.az_cli.push(format!(
                "az storage blob download-batch {account_arg} {auth_mode} --source {} --pattern {} --destination .",
                shell_quote(container),
                shell_quote(&format!("{name}*"))
            ));
        } else {
            let file = name.rsplit('/').next().unwrap_or(name);
            out.azcopy
                .push(format!("azcopy copy {} .", shell_quote(&url)));
            out.az_cli.push(format!(
                "az storage blob download {account_arg} {auth_mode} --container-name {} --name {} --file {}",
                shell_quote(container),
                shell_quote(name),
                shell_quote(file)
            ));
        }
    }
    out.note = match &account.auth {
        Auth::Token(_) => {
            "azcopy: run `azcopy login` first. az: uses your `az login`.".to_string()
        }
        Auth::Sas { .. } => "azcopy: append your SAS token to each URL (?sv=…). az: add --sas-token \"$AZURE_STORAGE_SAS_TOKEN\" instead of --auth-mode key.".to_string(),
        _ => "azcopy: run `azcopy login`, or append a SAS (blobx sas) to each URL. az: reads the key from AZURE_STORAGE_KEY.".to_string(),
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::account::Account;

    #[test]
    fn blob_names() {
        assert!(check_blob_name("a/b/c.txt").is_ok());
        assert!(check_blob_name("").unwrap_err().contains("empty"));
        assert!(
            check_blob_name(&"x".repeat(1025))
                .unwrap_err()
                .contains("1,024")
        );
        assert!(
            check_blob_name(&"a/".repeat(254))
                .unwrap_err()
                .contains("254")
        );
        assert!(check_blob_name(&"a/".repeat(253)).is_ok());
        assert!(check_blob_name("a\u{7}b").unwrap_err().contains("U+0007"));
        assert!(check_new_blob_name("dir/").unwrap_err().contains("folder"));
        assert!(check_container_name("ab").unwrap_err().contains("3-63"));
        assert!(check_delete_confirmation("data", "data ").is_ok());
        assert!(
            check_delete_confirmation("data", "dat")
                .unwrap_err()
                .contains("type data")
        );
    }

    #[test]
    fn metadata_rules() {
        let m = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(check_metadata(&m("owner_1", "ops team")).is_ok());
        assert!(
            check_metadata(&m("1x", "v"))
                .unwrap_err()
                .contains("start with a letter")
        );
        assert!(check_metadata(&m("a-b", "v")).is_err());
        assert!(check_metadata(&m("k", "é")).unwrap_err().contains("ASCII"));
        assert!(check_metadata(&m("k", " v")).unwrap_err().contains("space"));
        let twice = vec![("A".into(), "1".into()), ("a".into(), "2".into())];
        assert!(check_metadata(&twice).unwrap_err().contains("twice"));
        assert!(
            check_metadata(&m("k", &"v".repeat(9000)))
                .unwrap_err()
                .contains("8 KiB")
        );
        assert!(check_header_value("cache control", "max-age=60").is_ok());
        assert!(check_header_value("the content type", "a\nb").is_err());
    }

    #[test]
    fn tiers_and_heads() {
        assert_eq!(AccessTier::parse("cold"), Ok(AccessTier::Cold));
        assert!(AccessTier::parse("warm").unwrap_err().contains("Hot, Cool"));
        let head = BlobHead::from_headers([
            ("Content-Length", "12"),
            ("x-ms-access-tier", "Archive"),
            ("x-ms-archive-status", "rehydrate-pending-to-hot"),
            ("x-ms-rehydrate-priority", "High"),
            ("x-ms-lease-state", "leased"),
            ("x-ms-meta-Owner", "me"),
            ("content-md5", ""),
        ]);
        assert_eq!(head.size, 12);
        assert!(head.lease.is_leased());
        assert_eq!(head.metadata.get("owner").map(String::as_str), Some("me"));
        assert_eq!(head.headers.content_md5, None);
        let details = crate::azure::client::BlobDetails {
            properties: vec![("x-ms-lease-state".into(), "available".into())],
            metadata: vec![("Owner".into(), "me".into())],
        };
        let from_pane = BlobHead::from_details(&details);
        assert!(!from_pane.lease.is_leased());
        assert_eq!(
            from_pane.metadata.get("owner").map(String::as_str),
            Some("me")
        );
        assert_eq!(
            head.tier.describe(),
            "Archive · rehydrating to Hot (High priority, usually under an hour)"
        );
    }

    fn head(size: u64, md5: Option<&str>) -> BlobHead {
        BlobHead {
            size,
            headers: ContentHeaders {
                content_md5: md5.map(str::to_string),
                content_type: Some("text/plain".into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn copies_verify_only_when_everything_matches() {
        assert_eq!(
            verify_copy(&head(3, Some("x")), &head(3, Some("x"))),
            Ok(Some(Verified::Md5))
        );
        assert_eq!(verify_copy(&head(3, None), &head(3, None)), Ok(None));
        assert!(
            verify_copy(&head(3, Some("x")), &head(4, Some("x")))
                .unwrap_err()
                .contains("bytes")
        );
        assert!(
            verify_copy(&head(3, Some("x")), &head(3, Some("y")))
                .unwrap_err()
                .contains("MD5")
        );
        assert!(verify_copy(&head(3, Some("x")), &head(3, None)).is_err());
        let mut pending = head(3, Some("x"));
        pending.copy_status = Some("pending".into());
        assert!(
            verify_copy(&head(3, Some("x")), &pending)
                .unwrap_err()
                .contains("pending")
        );
        let mut other_meta = head(3, Some("x"));
        other_meta.metadata.insert("k".into(), "v".into());
        assert!(
            verify_copy(&head(3, Some("x")), &other_meta)
                .unwrap_err()
                .contains("metadata")
        );
        let mut other_type = head(3, Some("x"));
        other_type.headers.content_type = None;
        assert!(
            verify_copy(&head(3, Some("x")), &other_type)
                .unwrap_err()
                .contains("content type")
        );
    }

    #[test]
    fn moves_are_checked() {
        let spec = |s: &str, d: &str| MoveSpec {
            src_container: "c".into(),
            src: s.into(),
            dst_container: "c".into(),
            dst: d.into(),
            overwrite: false,
        };
        assert!(check_rename(&spec("a", "b")).is_ok());
        assert!(check_rename(&spec("a", "a")).unwrap_err().contains("same"));
        assert!(
            check_rename(&spec("a", "b/"))
                .unwrap_err()
                .contains("folder")
        );
        assert!(check_folder_move(&spec("a/", "b/")).is_ok());
        assert!(
            check_folder_move(&spec("a/", "a/b/"))
                .unwrap_err()
                .contains("itself")
        );
        assert!(
            check_folder_move(&spec("a", "b/"))
                .unwrap_err()
                .contains("not a folder")
        );
    }

    #[test]
    fn retention_parses() {
        let props = "<StorageServiceProperties><DeleteRetentionPolicy><Enabled>true</Enabled><Days>7</Days></DeleteRetentionPolicy></StorageServiceProperties>";
        assert_eq!(parse_delete_retention(props), Some(7));
        assert_eq!(
            parse_delete_retention(
                "<DeleteRetentionPolicy><Enabled>false</Enabled></DeleteRetentionPolicy>"
            ),
            None
        );
    }

    #[test]
    fn handoff_commands_name_no_secret() {
        let account = Account::emulator("http://127.0.0.1:10000").unwrap();
        let h = handoff(
            &account,
            "data",
            &[("raw/a b.csv".into(), false), ("raw/".into(), true)],
        );
        assert_eq!(
            h.urls[0],
            "http://127.0.0.1:10000/devstoreaccount1/data/raw/a%20b.csv"
        );
        assert_eq!(h.az_uris[1], "az://data/raw/");
        assert_eq!(
            h.azcopy[0],
            "azcopy copy http://127.0.0.1:10000/devstoreaccount1/data/raw/a%20b.csv ."
        );
        assert!(h.azcopy[1].ends_with("--recursive"));
        assert!(
            h.az_cli[0].contains("--name 'raw/a b.csv' --file 'a b.csv'"),
            "{}",
            h.az_cli[0]
        );
        assert!(h.az_cli[1].contains("download-batch"));
        let all = format!("{h:?}");
        assert!(!all.contains(crate::azure::account::EMULATOR_KEY));
        assert!(!all.contains("sig="));
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
