//! Deleting blobs and folders (planned first, so the question can say how
//! much), soft-delete retention and undelete.

use super::properties::head_blob;
use super::{BatchReport, count, human_bytes};
use crate::azure::client::StorageClient;
use crate::azure::http::{OpError, OpResult, blob_url, h, request, with_query};
use azure_core::http::Method;
use futures::StreamExt;
use std::collections::BTreeMap;

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
    /// Directories of a hierarchical account (their placeholder blobs),
    /// deepest first: deleted after the files, each once empty.
    pub folders: Vec<String>,
}

impl DeletePlan {
    pub fn question(&self) -> String {
        let folders = if self.folders.is_empty() {
            String::new()
        } else {
            format!(" and {}", count(self.folders.len(), "directory"))
        };
        format!(
            "Delete {}{folders} ({}) from {}?",
            count(self.blobs.len(), "blob"),
            human_bytes(self.total_bytes),
            self.container
        )
    }

    /// Nothing to delete at all.
    pub fn is_empty(&self) -> bool {
        self.blobs.is_empty() && self.folders.is_empty()
    }
}

/// Every blob under `prefix`, flat: name and size.
pub async fn list_flat(
    client: &StorageClient,
    container: &str,
    prefix: &str,
) -> OpResult<Vec<(String, u64)>> {
    let (blobs, _) = list_flat_with_folders(client, container, prefix).await?;
    Ok(blobs)
}

/// Every blob under `prefix`, flat, and apart the directories of a
/// hierarchical account (names ending in `/`, as listings show folders).
pub async fn list_flat_with_folders(
    client: &StorageClient,
    container: &str,
    prefix: &str,
) -> OpResult<(Vec<(String, u64)>, Vec<String>)> {
    let (mut blobs, mut folders) = (Vec::new(), Vec::new());
    let mut marker: Option<String> = None;
    loop {
        let page = client
            .list_blobs_page(container, prefix, None, marker.as_deref(), 5000)
            .await?;
        for e in page.entries {
            if e.is_prefix {
                folders.push(e.name);
            } else {
                blobs.push((e.name, e.size));
            }
        }
        marker = page.next_marker;
        if marker.is_none() {
            return Ok((blobs, folders));
        }
    }
}

/// Deepest first, so each directory is empty when its turn comes.
fn deepest_first(folders: std::collections::BTreeSet<String>) -> Vec<String> {
    let mut v: Vec<String> = folders.into_iter().collect();
    v.sort_by(|a, b| {
        b.matches('/')
            .count()
            .cmp(&a.matches('/').count())
            .then(a.cmp(b))
    });
    v
}

/// Lists folders flat and sizes single blobs, so the confirmation can say
/// how many blobs and bytes will go.
pub async fn plan_delete(
    client: &StorageClient,
    container: &str,
    targets: &[Target],
) -> OpResult<DeletePlan> {
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    let mut folders = std::collections::BTreeSet::new();
    for t in targets {
        match t {
            Target::Folder(prefix) => {
                if prefix.is_empty() {
                    return Err(OpError::Invalid(
                        "deleting a whole container is a container action; use delete container"
                            .into(),
                    ));
                }
                // On a hierarchical account the folder is a directory of its
                // own (`dir`, listed as `dir/`): list from its bare name.
                let from = if client.try_hierarchical().await? {
                    prefix.trim_end_matches('/')
                } else {
                    prefix.as_str()
                };
                let (blobs, dirs) = list_flat_with_folders(client, container, from).await?;
                for (name, size) in blobs.into_iter().filter(|(n, _)| n.starts_with(prefix)) {
                    sizes.insert(name, size);
                }
                folders.extend(
                    dirs.into_iter()
                        .filter(|d| d.starts_with(prefix.as_str()))
                        .map(|d| d.trim_end_matches('/').to_string()),
                );
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
    // `rm -r dir` names `dir` as a blob and as a folder: a directory is not a blob.
    for f in &folders {
        sizes.remove(f);
    }
    let total_bytes = sizes.values().sum();
    Ok(DeletePlan {
        container: container.to_string(),
        blobs: sizes.into_iter().collect(),
        total_bytes,
        folders: deepest_first(folders),
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

/// Deletes what [`plan_delete`] found: in Blob Batches of 256 where the
/// service and the auth allow, else 16 single requests at a time; failures
/// are listed, not fatal.
pub async fn delete_planned(
    client: &StorageClient,
    plan: &DeletePlan,
    include_snapshots: bool,
) -> BatchReport {
    let mut report =
        crate::azure::batch::delete_many(client, &plan.container, &plan.blobs, include_snapshots)
            .await;
    // Directories after their files, one at a time, deepest first; one
    // whose files did not all go stays (the service refuses it anyway).
    for dir in &plan.folders {
        let inside = format!("{dir}/");
        if report.failed.iter().any(|(n, _)| n.starts_with(&inside)) {
            report.failed.push((
                inside,
                "kept: not everything inside it was deleted".to_string(),
            ));
            continue;
        }
        match delete_blob(client, &plan.container, dir, false).await {
            Ok(()) => report.done += 1,
            Err(e) if e.status() == Some(404) => report.done += 1,
            Err(e) => report.failed.push((inside, e.describe(client.account()))),
        }
    }
    tracing::info!(
        container = %plan.container,
        deleted = report.done,
        failed = report.failed.len(),
        "deleted blobs"
    );
    report
}

/// Deletes blobs with one request each, 16 at a time.
pub async fn delete_singly(
    client: &StorageClient,
    container: &str,
    blobs: &[(String, u64)],
    include_snapshots: bool,
) -> BatchReport {
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
    let results: Vec<_> = futures::stream::iter(blobs.to_vec())
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
