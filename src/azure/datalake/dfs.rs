//! The Data Lake Storage Gen2 endpoint (`https://acct.dfs.core.windows.net`,
//! the same credentials as the blob endpoint, on the client's signed
//! pipeline): operations that are one call on a hierarchical account and
//! many on a flat one — create a directory, rename or move a file or a
//! directory atomically, delete a directory recursively — and POSIX access
//! control (get, set, set recursively with continuation and resume).
//! Every change is audited here, where it is made.

use super::acl::Acl;
use crate::audit::audit;
use crate::azure::client::StorageClient;
use crate::azure::http::{OpError, OpResult, h, header, request};
use crate::azure::ops::{BatchReport, DeletePlan};
use azure_core::http::{Method, Url};
use serde::Deserialize;

/// Entries the service handles per Set Access Control Recursive call.
pub const RECURSIVE_BATCH: u32 = 2000;

/// `{dfs}/{filesystem}/{path}` (each `/` a separator).
pub fn path_url(client: &StorageClient, filesystem: &str, path: &str) -> OpResult<Url> {
    let account = client.account();
    let mut url = account.dfs_base().ok_or_else(|| {
        OpError::Invalid(format!(
            "{} has no Data Lake endpoint blobx knows (the emulator has none)",
            account.label
        ))
    })?;
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(filesystem);
        segments.extend(path.trim_matches('/').split('/').filter(|s| !s.is_empty()));
    }
    Ok(url)
}

fn with(mut url: Url, pairs: &[(&str, &str)]) -> Url {
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    // Form encoding writes a space as `+`; the service reads `%20`.
    let query = url.query().map(|q| q.replace('+', "%20"));
    url.set_query(query.as_deref());
    url
}

fn body_less(
    method: Method,
    url: Url,
    headers: Vec<(String, String)>,
) -> azure_core::http::Request {
    let mut r = request(method, url, headers);
    if !matches!(method, Method::Put) {
        // Writes without a body still say so (PUT already does).
        r.insert_header("content-length", "0");
    }
    r
}

/// Path Create with `resource=directory`: an (empty) directory, parents
/// included. One that exists already is left as it is.
pub async fn create_directory(
    client: &StorageClient,
    filesystem: &str,
    path: &str,
) -> OpResult<()> {
    let url = with(
        path_url(client, filesystem, path)?,
        &[("resource", "directory")],
    );
    client
        .send_request(body_less(Method::Put, url, Vec::new()))
        .await?;
    audit("create directory", &format!("{filesystem}/{path}"));
    Ok(())
}

/// Renames or moves a file or directory in one atomic call (Path Create with
/// `x-ms-rename-source`); refused when `to` exists.
pub async fn rename(
    client: &StorageClient,
    filesystem: &str,
    from: &str,
    to: &str,
) -> OpResult<()> {
    let from = from.trim_matches('/');
    let to = to.trim_matches('/');
    if from.is_empty() || to.is_empty() {
        return Err(OpError::Invalid(
            "rename needs a path to move and one to move it to".into(),
        ));
    }
    if to == from || to.starts_with(&format!("{from}/")) {
        return Err(OpError::Invalid(format!(
            "{from} cannot be moved into itself"
        )));
    }
    let source = {
        let mut u = Url::parse("http://x/").map_err(|e| OpError::Invalid(e.to_string()))?;
        if let Ok(mut s) = u.path_segments_mut() {
            s.pop_if_empty().push(filesystem).extend(from.split('/'));
        }
        u.path().to_string()
    };
    let url = path_url(client, filesystem, to)?;
    let headers = vec![h("x-ms-rename-source", source), h("if-none-match", "*")];
    client
        .send_request(body_less(Method::Put, url, headers))
        .await?;
    audit(
        "rename path",
        &format!("{filesystem}/{from} -> {filesystem}/{to}"),
    );
    Ok(())
}

/// Deletes a file, or a directory with everything in it (`recursive`),
/// following the service's continuation until done. The calls it took.
pub async fn delete(
    client: &StorageClient,
    filesystem: &str,
    path: &str,
    recursive: bool,
) -> OpResult<u32> {
    if path.trim_matches('/').is_empty() {
        return Err(OpError::Invalid(
            "deleting a whole container is a container action".into(),
        ));
    }
    let base = path_url(client, filesystem, path)?;
    let recursive = if recursive { "true" } else { "false" };
    let mut continuation: Option<String> = None;
    let mut calls = 0;
    loop {
        let mut pairs = vec![("recursive", recursive)];
        if let Some(c) = continuation.as_deref() {
            pairs.push(("continuation", c));
        }
        let url = with(base.clone(), &pairs);
        let r = client
            .send_request(body_less(Method::Delete, url, Vec::new()))
            .await;
        calls += 1;
        match r {
            Ok(r) => continuation = header(&r, "x-ms-continuation").filter(|c| !c.is_empty()),
            // Gone already (a retry of a call that went through): done.
            Err(e) if calls > 1 && e.http_status().map(u16::from) == Some(404) => {
                continuation = None
            }
            Err(e) => return Err(e.into()),
        }
        if continuation.is_none() {
            audit(
                "delete path",
                &format!("{filesystem}/{path} (recursive={recursive}, {calls} calls)"),
            );
            return Ok(calls);
        }
    }
}

/// Owner, group, permissions and ACL of one path.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct AccessControl {
    pub owner: String,
    pub group: String,
    pub permissions: String,
    pub acl: String,
}

/// Get Access Control (`HEAD ?action=getAccessControl&upn=true`): names
/// instead of object IDs where the caller may read them.
pub async fn get_access_control(
    client: &StorageClient,
    filesystem: &str,
    path: &str,
) -> OpResult<AccessControl> {
    let url = with(
        path_url(client, filesystem, path)?,
        &[("action", "getAccessControl"), ("upn", "true")],
    );
    let r = client
        .send_request(request(Method::Head, url, Vec::new()))
        .await?;
    let get = |n| header(&r, n).unwrap_or_default();
    Ok(AccessControl {
        owner: get("x-ms-owner"),
        group: get("x-ms-group"),
        permissions: get("x-ms-permissions"),
        acl: get("x-ms-acl"),
    })
}

/// Set Access Control on one path: the whole ACL.
pub async fn set_access_control(
    client: &StorageClient,
    filesystem: &str,
    path: &str,
    acl: &Acl,
) -> OpResult<()> {
    let url = with(
        path_url(client, filesystem, path)?,
        &[("action", "setAccessControl")],
    );
    client
        .send_request(body_less(
            Method::Patch,
            url,
            vec![h("x-ms-acl", acl.to_string())],
        ))
        .await?;
    audit("set acl", &format!("{filesystem}/{path}: {acl}"));
    Ok(())
}

/// How a recursive change treats the ACLs below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Set,
    Modify,
    Remove,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Set => "set",
            Mode::Modify => "modify",
            Mode::Remove => "remove",
        }
    }

    /// What the ACL given for this mode must look like.
    pub fn acl_use(self) -> super::acl::Use {
        match self {
            Mode::Set => super::acl::Use::Set,
            Mode::Modify => super::acl::Use::Modify,
            Mode::Remove => super::acl::Use::Remove,
        }
    }
}

/// Counts so far of a recursive change, and where to go on from.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub directories: u64,
    pub files: u64,
    pub failures: u64,
    /// Path and the service's reason, for each entry it could not change.
    pub failed: Vec<(String, String)>,
    /// The continuation of the next call; `None` once done.
    pub continuation: Option<String>,
    pub calls: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchBody {
    #[serde(default)]
    directories_successful: u64,
    #[serde(default)]
    files_successful: u64,
    #[serde(default)]
    failure_count: u64,
    #[serde(default)]
    failed_entries: Vec<FailedEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FailedEntry {
    #[serde(default)]
    name: String,
    #[serde(default)]
    error_message: String,
}

/// Set Access Control Recursive: `acl` applied to `path` and everything
/// below, a batch per call, from `resume` (a continuation saved from a run
/// that stopped) or the start. `on_batch` sees the progress after each call
/// (the place to save the continuation). Failing entries are reported and
/// skipped (`forceFlag=true`). On an error the progress so far comes back
/// with it: its continuation resumes the run.
pub async fn set_access_control_recursive(
    client: &StorageClient,
    filesystem: &str,
    path: &str,
    mode: Mode,
    acl: &Acl,
    resume: Option<String>,
    mut on_batch: impl FnMut(&Progress),
) -> Result<Progress, (Progress, OpError)> {
    let base = path_url(client, filesystem, path).map_err(|e| (Progress::default(), e))?;
    let mut progress = Progress {
        continuation: resume,
        ..Progress::default()
    };
    let batch = RECURSIVE_BATCH.to_string();
    loop {
        let mut pairs = vec![
            ("action", "setAccessControlRecursive"),
            ("mode", mode.as_str()),
            ("maxRecords", batch.as_str()),
            ("forceFlag", "true"),
        ];
        if let Some(c) = progress.continuation.as_deref() {
            pairs.push(("continuation", c));
        }
        let url = with(base.clone(), &pairs);
        let r = client
            .send_request(body_less(
                Method::Patch,
                url,
                vec![h("x-ms-acl", acl.to_string())],
            ))
            .await;
        let r = match r {
            Ok(r) => r,
            Err(e) => return Err((progress, e.into())),
        };
        let body: BatchBody = match serde_json::from_slice(r.body()) {
            Ok(b) => b,
            Err(e) => {
                return Err((
                    progress,
                    OpError::Failed(format!("unreadable answer from the service: {e}")),
                ));
            }
        };
        progress.calls += 1;
        progress.directories += body.directories_successful;
        progress.files += body.files_successful;
        progress.failures += body.failure_count;
        progress.failed.extend(
            body.failed_entries
                .into_iter()
                .map(|f| (f.name, f.error_message)),
        );
        progress.continuation = header(&r, "x-ms-continuation").filter(|c| !c.is_empty());
        on_batch(&progress);
        if progress.continuation.is_none() {
            audit(
                "set acl recursive",
                &format!(
                    "{filesystem}/{path} ({}: {acl}; {} directories, {} files, {} failed)",
                    mode.as_str(),
                    progress.directories,
                    progress.files,
                    progress.failures
                ),
            );
            return Ok(progress);
        }
    }
}

/// Deletes what a delete plan found on a data lake: each directory at the
/// top of the plan in one recursive delete (whatever it holds), then the
/// blobs outside them as on a flat account.
pub async fn delete_planned(client: &StorageClient, plan: &DeletePlan) -> BatchReport {
    let tops = top_directories(&plan.folders);
    let under = |name: &str| tops.iter().any(|d| name.starts_with(&format!("{d}/")));
    let mut report = BatchReport::default();
    let mut failed_dirs = Vec::new();
    for dir in &tops {
        match delete(client, &plan.container, dir, true).await {
            Ok(_) => report.done += 1,
            Err(e) if e.status() == Some(404) => report.done += 1,
            Err(e) => {
                report
                    .failed
                    .push((format!("{dir}/"), e.describe(client.account())));
                failed_dirs.push(dir.clone());
            }
        }
    }
    for (name, size) in plan.blobs.iter().filter(|(n, _)| under(n)) {
        if !failed_dirs
            .iter()
            .any(|d| name.starts_with(&format!("{d}/")))
        {
            report.done += 1;
            report.bytes += size;
        }
    }
    let rest = DeletePlan {
        container: plan.container.clone(),
        blobs: plan
            .blobs
            .iter()
            .filter(|(n, _)| !under(n))
            .cloned()
            .collect(),
        total_bytes: 0,
        folders: Vec::new(),
    };
    if !rest.blobs.is_empty() {
        let more = crate::azure::ops::delete_planned(client, &rest, true).await;
        report.done += more.done;
        report.bytes += more.bytes;
        report.failed.extend(more.failed);
    }
    report
}

/// The directories not inside another one of the list.
pub fn top_directories(folders: &[String]) -> Vec<String> {
    let mut tops: Vec<String> = folders
        .iter()
        .filter(|d| !folders.iter().any(|o| d.starts_with(&format!("{o}/"))))
        .cloned()
        .collect();
    tops.sort();
    tops.dedup();
    tops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::Account;

    #[test]
    fn only_the_top_directories_are_deleted_recursively() {
        let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            top_directories(&f(&["a/b/c", "a/b", "a", "ab", "x/y"])),
            f(&["a", "ab", "x/y"])
        );
    }

    #[test]
    fn the_dfs_endpoint_is_the_blob_endpoints_twin() {
        let parsed = crate::azure::connection::parse_sas_url(
            "https://lake.blob.core.windows.net/data?sv=2022-11-02&se=2099-01-01T00:00:00Z&sp=rl&sr=c&sig=x",
            0,
        )
        .unwrap();
        let a = Account::from_parsed("s", "lake", crate::azure::Source::Attached, parsed);
        assert_eq!(
            a.dfs_base().unwrap().as_str(),
            "https://lake.dfs.core.windows.net/"
        );
        let emu = Account::emulator("http://127.0.0.1:10000").unwrap();
        assert!(emu.dfs_base().is_none(), "the emulator has no dfs endpoint");
        let c = StorageClient::new(emu).unwrap();
        assert!(matches!(path_url(&c, "fs", "a"), Err(OpError::Invalid(_))));
    }
}
