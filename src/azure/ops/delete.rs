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

/// Deletes what [`plan_delete`] found: in Blob Batches of 256 where the
/// service and the auth allow, else 16 single requests at a time; failures
/// are listed, not fatal.
pub async fn delete_planned(
    client: &StorageClient,
    plan: &DeletePlan,
    include_snapshots: bool,
) -> BatchReport {
    let report =
        crate::azure::batch::delete_many(client, &plan.container, &plan.blobs, include_snapshots)
            .await;
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
