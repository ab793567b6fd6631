//! A blob's past: snapshots and versions (list, take, read, promote, delete;
//! downloads are transfer-engine items whose blob end carries a [`Qualifier`]),
//! and soft-deleted blobs (listed with the account's retention;
//! undelete is `ops::undelete`).
//!
//! Listings are our own List Blobs requests (`include=snapshots,versions` or
//! `include=deleted`) parsed here: the SDK's listing has no delimiter, and both
//! need the same fields. No ratatui here.

use super::account::{Auth, Source};
use super::blob_io::BlobProps;
use super::client::StorageClient;
use super::http::{OpError, OpResult};
use super::listing::parse_http_date;
use azure_core::http::{Method, Url};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Which past state of a blob: `?snapshot=` or `?versionid=` on its URL.
/// There is no "current" qualifier on purpose: a function that takes one can
/// never reach the base blob. Serialized in the transfer journal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Qualifier {
    Snapshot(String),
    Version(String),
}

impl Qualifier {
    pub fn query(&self) -> (&'static str, &str) {
        match self {
            Qualifier::Snapshot(s) => ("snapshot", s),
            Qualifier::Version(v) => ("versionid", v),
        }
    }

    /// "snapshot 2026-11-23T12:09:56.0860000Z", for messages and the audit log.
    pub fn describe(&self) -> String {
        let (k, v) = self.query();
        let kind = if k == "snapshot" {
            "snapshot"
        } else {
            "version"
        };
        format!("{kind} {v}")
    }

    /// The timestamp that names it.
    pub fn stamp(&self) -> &str {
        self.query().1
    }
}

/// One entry of a blob's history, or one soft-deleted blob.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryEntry {
    pub name: String,
    /// `None`: the current blob (the base blob, or the current version).
    pub qualifier: Option<Qualifier>,
    pub size: u64,
    /// Unix seconds.
    pub last_modified: Option<i64>,
    pub etag: String,
    /// Base64 MD5 of the whole content, when the service keeps one.
    pub content_md5: Option<String>,
    pub tier: Option<String>,
    pub deleted: bool,
    /// Unix seconds.
    pub deleted_on: Option<i64>,
    pub remaining_days: Option<u32>,
    /// Deleted under versioning: no current version, only older ones.
    pub versions_only: bool,
}

impl HistoryEntry {
    pub fn is_current(&self) -> bool {
        self.qualifier.is_none()
    }

    /// When this state was made: the snapshot or version time, else the last change.
    pub fn time(&self) -> Option<i64> {
        self.qualifier
            .as_ref()
            .and_then(|q| parse_stamp(q.stamp()))
            .or(self.last_modified)
    }
}

/// `2026-11-23T12:09:56.0860000Z` → unix seconds (snapshot and version ids are times).
pub fn parse_stamp(stamp: &str) -> Option<i64> {
    time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

// ---------------------------------------------------------------------------
// Parsing (shape from the List Blobs REST reference)

#[derive(Deserialize)]
struct Results {
    #[serde(rename = "Blobs", default)]
    blobs: Items,
    #[serde(rename = "NextMarker", default)]
    next_marker: Option<String>,
}

#[derive(Deserialize, Default)]
struct Items {
    #[serde(rename = "$value", default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
enum Item {
    Blob(Box<RawBlob>),
    // Folders: not part of a history or of the deleted rows (they list as folders anyway).
    BlobPrefix(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct RawBlob {
    #[serde(rename = "Name")]
    name: RawName,
    #[serde(rename = "Snapshot", default)]
    snapshot: Option<String>,
    #[serde(rename = "VersionId", default)]
    version_id: Option<String>,
    #[serde(rename = "IsCurrentVersion", default)]
    is_current_version: Option<bool>,
    #[serde(rename = "Deleted", default)]
    deleted: Option<bool>,
    #[serde(rename = "Properties", default)]
    properties: RawProps,
    /// Versioning on and the blob deleted: only its older versions remain
    /// (listed with `include=deletedwithversions`).
    #[serde(rename = "HasVersionsOnly", default)]
    has_versions_only: Option<bool>,
}

#[derive(Deserialize)]
struct RawName {
    #[serde(rename = "@Encoded", default)]
    encoded: Option<bool>,
    #[serde(rename = "$text", default)]
    value: String,
}

#[derive(Deserialize, Default)]
struct RawProps {
    #[serde(rename = "Last-Modified", default)]
    last_modified: Option<String>,
    #[serde(rename = "Etag", default)]
    etag: Option<String>,
    #[serde(rename = "Content-Length", default)]
    size: Option<u64>,
    #[serde(rename = "Content-MD5", default)]
    content_md5: Option<String>,
    #[serde(rename = "AccessTier", default)]
    tier: Option<String>,
    #[serde(rename = "DeletedTime", default)]
    deleted_time: Option<String>,
    #[serde(rename = "RemainingRetentionDays", default)]
    remaining: Option<u32>,
}

/// Every blob entry of a List Blobs page (snapshots, versions and deleted ones
/// included as the request asked), and the next marker.
pub fn parse_history_page(xml: &str) -> Result<(Vec<HistoryEntry>, Option<String>), String> {
    let raw: Results = quick_xml::de::from_str(xml)
        .map_err(|e| format!("unreadable listing from the service: {e}"))?;
    let entries = raw
        .blobs
        .items
        .into_iter()
        .filter_map(|item| match item {
            Item::Blob(b) => Some(entry_of(*b)),
            Item::BlobPrefix(_) => None,
        })
        .collect();
    Ok((entries, raw.next_marker.filter(|m| !m.is_empty())))
}

fn entry_of(b: RawBlob) -> HistoryEntry {
    let name = if b.name.encoded == Some(true) {
        percent_encoding::percent_decode_str(&b.name.value)
            .decode_utf8_lossy()
            .into_owned()
    } else {
        b.name.value
    };
    let nonempty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
    // A snapshot is addressed by its snapshot time even when versioning gives
    // it a version id too; the current version is addressed by the bare URL.
    let qualifier = match (nonempty(b.snapshot), nonempty(b.version_id)) {
        (Some(s), _) => Some(Qualifier::Snapshot(s)),
        (None, Some(v)) if b.is_current_version != Some(true) => Some(Qualifier::Version(v)),
        _ => None,
    };
    let versions_only = b.has_versions_only == Some(true);
    let p = b.properties;
    HistoryEntry {
        name,
        qualifier,
        size: p.size.unwrap_or(0),
        last_modified: p.last_modified.as_deref().and_then(parse_http_date),
        etag: p.etag.unwrap_or_default(),
        content_md5: nonempty(p.content_md5),
        tier: nonempty(p.tier),
        deleted: b.deleted == Some(true),
        deleted_on: p.deleted_time.as_deref().and_then(parse_http_date),
        remaining_days: p.remaining,
        versions_only,
    }
}

/// Keeps `blob`'s own entries (a prefix listing also finds `blob.bak`), the
/// current one first, then the newest first.
pub fn history_of(blob: &str, entries: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
    let mut mine: Vec<HistoryEntry> = entries
        .into_iter()
        .filter(|e| e.name == blob && !e.deleted)
        .collect();
    mine.sort_by(|a, b| {
        b.is_current()
            .cmp(&a.is_current())
            .then_with(|| b.time().cmp(&a.time()))
            .then_with(|| {
                let stamp = |e: &HistoryEntry| e.qualifier.as_ref().map(|q| q.stamp().to_string());
                stamp(b).cmp(&stamp(a))
            })
    });
    mine
}

// ---------------------------------------------------------------------------
// Requests

fn list_url(
    client: &StorageClient,
    container: &str,
    prefix: &str,
    delimiter: Option<&str>,
    include: &str,
    marker: Option<&str>,
) -> Url {
    let mut url = client.container_url(container);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("restype", "container")
            .append_pair("comp", "list")
            .append_pair("include", include);
        if !prefix.is_empty() {
            q.append_pair("prefix", prefix);
        }
        if let Some(d) = delimiter {
            q.append_pair("delimiter", d);
        }
        if let Some(m) = marker {
            q.append_pair("marker", m);
        }
        q.append_pair("maxresults", "5000");
    }
    // A space must travel as %20, not form encoding's `+` (see client.rs).
    let query = url.query().map(|q| q.replace('+', "%20"));
    url.set_query(query.as_deref());
    url
}

async fn list_all(
    client: &StorageClient,
    container: &str,
    prefix: &str,
    delimiter: Option<&str>,
    include: &str,
) -> OpResult<Vec<HistoryEntry>> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let url = list_url(
            client,
            container,
            prefix,
            delimiter,
            include,
            marker.as_deref(),
        );
        let r = client.send_raw(Method::Get, url, &[], None).await?;
        let text = String::from_utf8_lossy(r.body()).into_owned();
        let (entries, next) = parse_history_page(&text).map_err(OpError::Failed)?;
        out.extend(entries);
        marker = next;
        if marker.is_none() {
            return Ok(out);
        }
    }
}

/// The blob's snapshots and versions, the current one first.
pub async fn list_history(
    client: &StorageClient,
    container: &str,
    blob: &str,
) -> OpResult<Vec<HistoryEntry>> {
    let all = match list_all(client, container, blob, None, "snapshots,versions").await {
        // Services older than versioning (Azure Stack Hub) refuse `versions`.
        Err(e) if e.status() == Some(400) => {
            list_all(client, container, blob, None, "snapshots").await?
        }
        other => other?,
    };
    Ok(history_of(blob, all))
}

/// The blob's URL with the qualifier.
pub fn qualified_url(client: &StorageClient, container: &str, blob: &str, at: &Qualifier) -> Url {
    client.blob_url_at(container, blob, Some(at))
}

/// Properties of a snapshot or an old version, once the service has shown it
/// answered for that one (see [`confirm_answered`]). `undone` names what is
/// then not done ("downloaded").
pub async fn props_at(
    client: &StorageClient,
    container: &str,
    blob: &str,
    at: &Qualifier,
    undone: &str,
) -> OpResult<BlobProps> {
    if at.stamp().trim().is_empty() {
        // An empty qualifier would address the base blob.
        return Err(OpError::Invalid(
            "that entry has no snapshot or version id".into(),
        ));
    }
    let props = client.blob_props_at(container, blob, Some(at)).await?;
    if let Qualifier::Version(id) = at {
        confirm_answered(id, props.version_id.as_deref(), undone)?;
    }
    Ok(props)
}

/// Snapshot Blob: returns the new snapshot's qualifier.
pub async fn take_snapshot(
    client: &StorageClient,
    container: &str,
    blob: &str,
) -> OpResult<Qualifier> {
    let mut url = client.blob_url(container, blob);
    url.query_pairs_mut().append_pair("comp", "snapshot");
    let r = client.send_raw(Method::Put, url, &[], None).await?;
    let stamp = super::http::header(&r, "x-ms-snapshot").unwrap_or_default();
    tracing::info!(container, blob, snapshot = %stamp, "took snapshot");
    Ok(Qualifier::Snapshot(stamp))
}

/// Deletes one snapshot or version. The base blob cannot be named here.
pub async fn delete_past(
    client: &StorageClient,
    container: &str,
    blob: &str,
    at: &Qualifier,
) -> OpResult<()> {
    if at.stamp().trim().is_empty() {
        // An empty qualifier would address the base blob.
        return Err(OpError::Invalid(
            "that entry has no snapshot or version id".into(),
        ));
    }
    if let Qualifier::Version(id) = at {
        confirm_version(client, container, blob, id).await?;
    }
    client
        .send_raw(
            Method::Delete,
            qualified_url(client, container, blob, at),
            &[],
            None,
        )
        .await?;
    tracing::info!(container, blob, what = %at.describe(), "deleted");
    Ok(())
}

/// Makes sure `?versionid=` reaches that old version: a service without
/// versioning ignores the parameter (Azurite does) and would act on the
/// current blob. The service names the version it answered for, and whether
/// it is the current one.
async fn confirm_version(
    client: &StorageClient,
    container: &str,
    blob: &str,
    id: &str,
) -> OpResult<()> {
    let url = qualified_url(client, container, blob, &Qualifier::Version(id.into()));
    let r = client.send_raw(Method::Head, url, &[], None).await?;
    let answered = super::http::header(&r, "x-ms-version-id");
    let current = super::http::header(&r, "x-ms-is-current-version");
    check_version_answer(id, answered.as_deref(), current.as_deref())
}

/// `?versionid=` reached that version only if the service names it in
/// `x-ms-version-id`: a service without versioning ignores the parameter
/// (Azurite does) and answers for the current blob, whose bytes must never
/// pass for the old version's. `undone` names what is therefore not done.
pub fn confirm_answered(id: &str, answered: Option<&str>, undone: &str) -> OpResult<()> {
    if answered != Some(id) {
        return Err(OpError::Invalid(format!(
            "the service did not confirm version {id} (no blob versioning?); nothing was {undone}"
        )));
    }
    Ok(())
}

/// The check of [`confirm_version`], on the response headers.
pub fn check_version_answer(
    id: &str,
    answered: Option<&str>,
    current: Option<&str>,
) -> OpResult<()> {
    confirm_answered(id, answered, "deleted")?;
    if current == Some("true") {
        return Err(OpError::Invalid(format!(
            "version {id} is the current blob; it is not deleted from here"
        )));
    }
    Ok(())
}

/// The URL Copy Blob reads the old state from. Within the account, key and
/// Entra ID requests authorise the source themselves; a SAS account's source
/// needs the SAS in the URL.
fn copy_source(client: &StorageClient, container: &str, blob: &str, at: &Qualifier) -> String {
    let url = qualified_url(client, container, blob, at);
    match &client.account().auth {
        Auth::Sas { token, .. } => {
            format!("{url}&{}", token.expose().trim_start_matches('?'))
        }
        _ => url.to_string(),
    }
}

/// Promote: Copy Blob from the snapshot or version onto the base blob, then
/// check the base now holds that content (size, and MD5 when known). With
/// versioning on, the content replaced stays as a version.
pub async fn promote(
    client: &StorageClient,
    container: &str,
    blob: &str,
    from: &HistoryEntry,
) -> OpResult<()> {
    let Some(at) = &from.qualifier else {
        return Err(OpError::Invalid(
            "that is the current content already".into(),
        ));
    };
    if at.stamp().trim().is_empty() {
        return Err(OpError::Invalid(
            "that entry has no snapshot or version id".into(),
        ));
    }
    let source = copy_source(client, container, blob, at);
    client
        .copy_blob_and_wait(container, blob, &source)
        .await
        .map_err(OpError::Service)?;
    let now = client.blob_props(container, blob).await?;
    let md5_differs = matches!((&from.content_md5, &now.content_md5), (Some(a), Some(b)) if a != b);
    if now.size != from.size || md5_differs {
        return Err(OpError::Failed(format!(
            "{blob} was copied from its {} but does not match it afterwards ({} bytes, expected {}); someone may have written it meanwhile",
            at.describe(),
            now.size,
            from.size
        )));
    }
    tracing::info!(container, blob, from = %at.describe(), "promoted");
    Ok(())
}

/// Where a download of `blob` goes when the user typed `typed`: into it when
/// it is a folder (keeping the blob's leaf name), else to that path.
pub fn download_target(typed: &Path, blob: &str) -> PathBuf {
    if typed.is_dir() {
        let leaf = blob.rsplit('/').next().unwrap_or(blob);
        typed.join(leaf)
    } else {
        typed.to_path_buf()
    }
}

// ---------------------------------------------------------------------------
// Soft-deleted blobs

/// Whether deleted blobs can be listed, as far as the account says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retention {
    /// Soft delete keeps deleted blobs this many days.
    On(u32),
    /// Soft delete is off: deleted blobs are gone.
    Off,
    /// The service does not do soft delete (the emulator), with why.
    Unsupported(String),
    /// Could not read the setting (e.g. a SAS without service access); list anyway.
    Unknown,
}

impl Retention {
    /// The sentence for the status line, given how many deleted blobs were found.
    pub fn note(&self, found: usize) -> String {
        let found_text = match found {
            0 => "no deleted blobs in this folder".to_string(),
            1 => "1 deleted blob in this folder".to_string(),
            n => format!("{n} deleted blobs in this folder"),
        };
        match self {
            Retention::On(days) => format!(
                "Showing {found_text}; deleted blobs are kept {days} day{} (U on one undeletes it).",
                if *days == 1 { "" } else { "s" }
            ),
            Retention::Off => {
                "Soft delete is off for this account: deleted blobs are gone.".to_string()
            }
            Retention::Unsupported(why) => why.clone(),
            Retention::Unknown => {
                format!("Showing {found_text} (the account's retention could not be read).")
            }
        }
    }
}

/// Azurite answers `include=deleted` but deletes for good, and says nothing
/// of a retention policy unless one was set (it then stores it, unused).
pub const EMULATOR_NO_SOFT_DELETE: &str =
    "The emulator (Azurite) does not support soft delete: it deletes blobs for good.";

/// Reads `DeleteRetentionPolicy` from Get Blob Service Properties.
pub fn retention_of(xml: &str) -> Retention {
    if !xml.contains("<DeleteRetentionPolicy>") {
        return Retention::Unsupported(
            "This service reports no delete retention policy, so it keeps no deleted blobs.".into(),
        );
    }
    match super::ops::parse_delete_retention(xml) {
        Some(days) => Retention::On(days),
        None => Retention::Off,
    }
}

/// The account's soft-delete setting.
pub async fn retention(client: &StorageClient) -> Retention {
    if client.account().source == Source::Emulator {
        return Retention::Unsupported(EMULATOR_NO_SOFT_DELETE.into());
    }
    let mut url = client.account().blob_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("restype", "service")
        .append_pair("comp", "properties");
    match client.send_raw(Method::Get, url, &[], None).await {
        Ok(r) => retention_of(&String::from_utf8_lossy(r.body())),
        Err(_) => Retention::Unknown,
    }
}

/// Deleted blobs directly in the folder `prefix` (not below it): the
/// soft-deleted ones when `soft`, and those deleted under versioning (only
/// their versions remain). A service that does not know
/// `deletedwithversions` (older versions, the emulator) is asked without it.
pub async fn list_deleted_in(
    client: &StorageClient,
    container: &str,
    prefix: &str,
) -> OpResult<Vec<HistoryEntry>> {
    list_deleted(client, container, prefix, true).await
}

/// [`list_deleted_in`]; without `soft`, only the blobs deleted under versioning.
pub async fn list_deleted(
    client: &StorageClient,
    container: &str,
    prefix: &str,
    soft: bool,
) -> OpResult<Vec<HistoryEntry>> {
    let include = if soft {
        "deleted,deletedwithversions"
    } else {
        "deletedwithversions"
    };
    let all = match list_all(client, container, prefix, Some("/"), include).await {
        Err(e) if e.status() == Some(400) && soft => {
            list_all(client, container, prefix, Some("/"), "deleted").await?
        }
        Err(e) if e.status() == Some(400) => Vec::new(),
        other => other?,
    };
    Ok(deleted_rows(all))
}

/// The rows a deleted listing shows: soft-deleted base blobs and blobs with
/// versions only, once each.
pub fn deleted_rows(entries: Vec<HistoryEntry>) -> Vec<HistoryEntry> {
    let mut out: Vec<HistoryEntry> = Vec::new();
    for e in entries {
        if e.qualifier.is_some() || !(e.deleted || e.versions_only) {
            continue;
        }
        match out.iter_mut().find(|o| o.name == e.name) {
            Some(o) => o.versions_only |= e.versions_only,
            None => out.push(e),
        }
    }
    out
}

/// What showing deleted blobs found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedListing {
    pub retention: Retention,
    pub blobs: Vec<HistoryEntry>,
}

impl DeletedListing {
    /// The sentence for the status line.
    pub fn note(&self) -> String {
        let versions = self.blobs.iter().filter(|b| b.versions_only).count();
        if versions == 0 {
            return self.retention.note(self.blobs.len());
        }
        let soft = self.blobs.len() - versions;
        let mut text = format!(
            "Showing {versions} blob{} deleted under versioning (only older versions remain; U restores the latest)",
            if versions == 1 { "" } else { "s" }
        );
        if soft > 0 {
            text.push_str(&format!(" and {soft} soft-deleted"));
        }
        text.push('.');
        text
    }
}

/// The retention, then the deleted blobs here: soft-deleted ones unless soft
/// delete is off, and those deleted under versioning whatever it is.
pub async fn deleted_here(
    client: &StorageClient,
    container: &str,
    prefix: &str,
) -> OpResult<DeletedListing> {
    let retention = retention(client).await;
    let blobs = match retention {
        Retention::Unsupported(_) => Vec::new(),
        Retention::Off => list_deleted(client, container, prefix, false).await?,
        _ => list_deleted_in(client, container, prefix).await?,
    };
    Ok(DeletedListing { retention, blobs })
}

/// How a deleted blob came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restored {
    /// Undelete Blob (soft delete).
    Undeleted,
    /// Its latest version was copied over the base blob (versioning).
    FromVersion(Qualifier),
}

/// Brings back a deleted blob: under versioning (no current version, older
/// ones kept) by promoting its latest version (Copy Blob from the version
/// URL, verified); otherwise with Undelete Blob. Logs one audit line.
pub async fn restore_deleted(
    client: &StorageClient,
    container: &str,
    blob: &str,
) -> OpResult<Restored> {
    let listed = match list_all(client, container, blob, None, "versions").await {
        // No versioning on this service: a soft-deleted blob.
        Err(e) if e.status() == Some(400) => Vec::new(),
        other => other?,
    };
    let mine: Vec<HistoryEntry> = listed.into_iter().filter(|e| e.name == blob).collect();
    if mine.iter().any(|e| e.qualifier.is_none() && !e.deleted) {
        return Err(OpError::Invalid(format!(
            "{blob} has a current version: it is not deleted (V shows its versions)"
        )));
    }
    let latest = mine
        .iter()
        .filter(|e| matches!(e.qualifier, Some(Qualifier::Version(_))))
        .max_by(|a, b| {
            let stamp = |e: &HistoryEntry| e.qualifier.as_ref().map(|q| q.stamp().to_string());
            a.time()
                .cmp(&b.time())
                .then_with(|| stamp(a).cmp(&stamp(b)))
        });
    match latest {
        Some(v) => {
            promote(client, container, blob, v).await?;
            let at = v
                .qualifier
                .clone()
                .unwrap_or(Qualifier::Version(String::new()));
            crate::audit::audit(
                "restore deleted blob",
                &format!("{container}/{blob} (from {})", at.describe()),
            );
            Ok(Restored::FromVersion(at))
        }
        None => {
            super::ops::undelete(client, container, blob).await?;
            crate::audit::audit("undelete", &format!("{container}/{blob}"));
            Ok(Restored::Undeleted)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shape from the List Blobs REST reference (versioning on, a snapshot, an old version).
    const VERSIONS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="https://acct.blob.core.windows.net/" ContainerName="data">
  <Prefix>report.csv</Prefix>
  <Blobs>
    <Blob><Name>report.csv</Name><Snapshot>2026-11-20T08:00:00.1234567Z</Snapshot><VersionId>2026-11-19T08:00:00.0000000Z</VersionId><Properties><Last-Modified>Thu, 19 Nov 2026 08:00:00 GMT</Last-Modified><Etag>0x8D1</Etag><Content-Length>10</Content-Length><Content-MD5>AAAA</Content-MD5><AccessTier>Cool</AccessTier></Properties></Blob>
    <Blob><Name>report.csv</Name><VersionId>2026-11-19T08:00:00.0000000Z</VersionId><Properties><Last-Modified>Thu, 19 Nov 2026 08:00:00 GMT</Last-Modified><Etag>0x8D2</Etag><Content-Length>10</Content-Length></Properties></Blob>
    <Blob><Name>report.csv</Name><VersionId>2026-11-22T09:30:00.0000000Z</VersionId><IsCurrentVersion>true</IsCurrentVersion><Properties><Last-Modified>Sun, 22 Nov 2026 09:30:00 GMT</Last-Modified><Etag>0x8D3</Etag><Content-Length>12</Content-Length><AccessTier>Hot</AccessTier></Properties></Blob>
    <BlobPrefix><Name>report.csv/</Name></BlobPrefix>
    <Blob><Name>report.csv.bak</Name><Properties><Content-Length>1</Content-Length></Properties></Blob>
  </Blobs>
  <NextMarker>m2</NextMarker>
</EnumerationResults>"#;

    #[test]
    fn versions_and_snapshots_parse_and_keep_only_the_blob() {
        let (entries, next) = parse_history_page(VERSIONS).unwrap();
        assert_eq!(entries.len(), 4, "the folder is skipped");
        assert_eq!(next.as_deref(), Some("m2"));
        let h = history_of("report.csv", entries);
        let q: Vec<_> = h.iter().map(|e| e.qualifier.clone()).collect();
        assert_eq!(
            q,
            vec![
                None,
                Some(Qualifier::Snapshot("2026-11-20T08:00:00.1234567Z".into())),
                Some(Qualifier::Version("2026-11-19T08:00:00.0000000Z".into())),
            ],
            "current first, then newest first; the .bak blob is not this blob's"
        );
        assert_eq!(h[0].size, 12);
        assert_eq!(h[0].tier.as_deref(), Some("Hot"));
        assert_eq!(h[1].etag, "0x8D1");
        assert_eq!(h[1].content_md5.as_deref(), Some("AAAA"));
        assert_eq!(h[1].time(), parse_stamp("2026-11-20T08:00:00.1234567Z"));
        assert!(h[1].time().is_some());
    }

    #[test]
    fn qualifiers_make_the_query() {
        let s = Qualifier::Snapshot("2026-11-20T08:00:00.1234567Z".into());
        assert_eq!(s.query(), ("snapshot", "2026-11-20T08:00:00.1234567Z"));
        assert!(s.describe().starts_with("snapshot "));
        let v = Qualifier::Version("2026-11-19T08:00:00.0000000Z".into());
        assert_eq!(v.query().0, "versionid");
        assert!(v.describe().starts_with("version "));
    }

    // Shape of an `include=deleted` listing from the REST reference.
    const DELETED: &str = r#"<EnumerationResults><Blobs>
        <Blob><Name>logs/gone.txt</Name><Deleted>true</Deleted><Properties><Content-Length>5</Content-Length><DeletedTime>Mon, 23 Nov 2026 07:21:05 GMT</DeletedTime><RemainingRetentionDays>6</RemainingRetentionDays></Properties></Blob>
        <Blob><Name>logs/live.txt</Name><Properties><Content-Length>1</Content-Length></Properties></Blob>
        <BlobPrefix><Name>logs/old/</Name></BlobPrefix>
        <Blob><Name>logs/gone.txt</Name><Snapshot>2026-01-01T00:00:00Z</Snapshot><Deleted>true</Deleted><Properties/></Blob>
    </Blobs><NextMarker/></EnumerationResults>"#;

    #[test]
    fn deleted_entries_parse_with_time_and_days_left() {
        let (entries, next) = parse_history_page(DELETED).unwrap();
        assert!(next.is_none());
        let deleted: Vec<_> = entries
            .into_iter()
            .filter(|e| e.deleted && e.qualifier.is_none())
            .collect();
        assert_eq!(deleted.len(), 1);
        assert_eq!(deleted[0].name, "logs/gone.txt");
        assert_eq!(deleted[0].deleted_on, Some(1_795_418_465));
        assert_eq!(deleted[0].remaining_days, Some(6));
        assert_eq!(deleted[0].size, 5);
    }

    // Shape of an `include=deleted,deletedwithversions` listing (REST reference):
    // a blob deleted under versioning is listed by its name with HasVersionsOnly.
    const VERSIONS_ONLY: &str = r#"<EnumerationResults><Blobs>
        <Blob><Name>docs/report.csv</Name><HasVersionsOnly>true</HasVersionsOnly><Properties><Last-Modified>Sun, 22 Nov 2026 09:30:00 GMT</Last-Modified><Content-Length>12</Content-Length></Properties></Blob>
        <Blob><Name>docs/gone.txt</Name><Deleted>true</Deleted><Properties><Content-Length>5</Content-Length></Properties></Blob>
        <Blob><Name>docs/live.txt</Name><Properties><Content-Length>1</Content-Length></Properties></Blob>
    </Blobs><NextMarker/></EnumerationResults>"#;

    #[test]
    fn blobs_with_versions_only_are_deleted_rows() {
        let (entries, _) = parse_history_page(VERSIONS_ONLY).unwrap();
        let rows = deleted_rows(entries);
        let names: Vec<(&str, bool)> = rows
            .iter()
            .map(|e| (e.name.as_str(), e.versions_only))
            .collect();
        assert_eq!(names, [("docs/report.csv", true), ("docs/gone.txt", false)]);
        let listing = DeletedListing {
            retention: Retention::Off,
            blobs: rows,
        };
        let note = listing.note();
        assert!(note.contains("1 blob deleted under versioning"), "{note}");
        assert!(note.contains("1 soft-deleted"), "{note}");
    }

    #[test]
    fn retention_says_on_off_or_unsupported() {
        let on = "<StorageServiceProperties><DeleteRetentionPolicy><Enabled>true</Enabled><Days>7</Days></DeleteRetentionPolicy></StorageServiceProperties>";
        assert_eq!(retention_of(on), Retention::On(7));
        let off = "<StorageServiceProperties><DeleteRetentionPolicy><Enabled>false</Enabled></DeleteRetentionPolicy></StorageServiceProperties>";
        assert_eq!(retention_of(off), Retention::Off);
        assert!(
            Retention::Off.note(0).contains("soft delete is off")
                || Retention::Off.note(0).contains("Soft delete is off")
        );
        // Azurite's answer before anyone sets a policy.
        let azurite = "<StorageServiceProperties><Logging/><Cors/><StaticWebsite><Enabled>false</Enabled></StaticWebsite></StorageServiceProperties>";
        assert!(matches!(retention_of(azurite), Retention::Unsupported(_)));
        assert!(Retention::On(1).note(2).contains("2 deleted blobs"));
        assert!(Retention::On(1).note(2).contains("1 day "));
    }

    #[test]
    fn a_version_delete_needs_the_service_to_name_that_old_version() {
        let id = "2026-11-19T08:00:00.0000000Z";
        assert!(check_version_answer(id, Some(id), Some("false")).is_ok());
        assert!(check_version_answer(id, Some(id), None).is_ok());
        // Azurite: no version header at all, it answered for the base blob.
        assert!(check_version_answer(id, None, None).is_err());
        assert!(check_version_answer(id, Some("2026-11-22T09:30:00.0000000Z"), None).is_err());
        let e = check_version_answer(id, Some(id), Some("true")).unwrap_err();
        assert!(e.to_string().contains("current"), "{e}");
    }

    #[test]
    fn a_version_read_needs_the_service_to_name_that_version() {
        let id = "2026-11-19T08:00:00.0000000Z";
        assert!(confirm_answered(id, Some(id), "downloaded").is_ok());
        let e = confirm_answered(id, None, "downloaded").unwrap_err();
        assert!(e.to_string().contains("did not confirm version"), "{e}");
        assert!(e.to_string().contains("nothing was downloaded"), "{e}");
        assert!(confirm_answered(id, Some("2026-11-22T09:30:00.0000000Z"), "downloaded").is_err());
    }

    #[test]
    fn a_qualifier_survives_the_journal() {
        let q = Qualifier::Version("2026-11-19T08:00:00.0000000Z".into());
        let text = serde_json::to_string(&q).unwrap();
        assert_eq!(serde_json::from_str::<Qualifier>(&text).unwrap(), q);
    }

    #[test]
    fn garbage_listing_is_an_error() {
        assert!(parse_history_page("<<nope").is_err());
    }

    #[test]
    fn a_download_into_a_folder_keeps_the_leaf_name() {
        let dir = std::env::temp_dir();
        assert_eq!(download_target(&dir, "a/b/c.txt"), dir.join("c.txt"));
        assert_eq!(
            download_target(Path::new("/nonexistent/zz.txt"), "a/b/c.txt"),
            PathBuf::from("/nonexistent/zz.txt")
        );
    }
}
