//! Sync planning, shared by `blobx sync` and the TUI's sync review: list
//! both sides (the local tree, or the parallel walker), compare them file by
//! file and classify each path as new, changed, only in DST or the same.
//! Also the two steps after the transfers: recording an uploaded file's
//! mtime on its blob, and deleting what is only in DST.
//!
//! Comparing (default, size + time): a file is *changed* when the sizes
//! differ, or when the source is newer than the target:
//! - a local source: the file's mtime against the `blobx_mtime` metadata
//!   blobx writes on each blob it uploads by sync (any difference counts),
//!   or, without it, the blob's Last-Modified;
//! - a blob source: its Last-Modified against the local file's mtime or the
//!   target blob's Last-Modified (a download or copy is newer than its
//!   source, so a second run moves nothing).
//!
//! By content (`Compare::Md5`): equal sizes are compared by the local file's
//! MD5 against the blob's Content-MD5 (or both blobs'); a blob without
//! Content-MD5 counts as changed and says so, never assumed equal.

use super::plan::{join_prefix, safe_relative, walk};
use super::{Endpoint, ItemSpec, Kind};
use crate::azure::StorageClient;
use crate::azure::filter::Filter;
use crate::azure::walk::{MTIME_KEY, Walk, WalkOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

/// A folder on either side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    Local(PathBuf),
    Blob {
        account: usize,
        container: String,
        /// Empty or ending in `/`.
        prefix: String,
    },
}

impl Root {
    pub fn show(&self) -> String {
        match self {
            Root::Local(p) => p.display().to_string(),
            Root::Blob {
                container, prefix, ..
            } => format!("az://{container}/{prefix}"),
        }
    }

    /// One folder holds the other (or they are the same): a sync between
    /// them would list what it writes.
    pub fn overlaps(&self, other: &Root) -> bool {
        match (self, other) {
            (Root::Local(a), Root::Local(b)) => a.starts_with(b) || b.starts_with(a),
            (
                Root::Blob {
                    account: a,
                    container: ca,
                    prefix: pa,
                },
                Root::Blob {
                    account: b,
                    container: cb,
                    prefix: pb,
                },
            ) => a == b && ca == cb && (pa.starts_with(pb.as_str()) || pb.starts_with(pa.as_str())),
            _ => false,
        }
    }

    /// The file or blob at `rel` below this folder.
    pub fn endpoint(&self, rel: &str) -> Result<Endpoint, String> {
        Ok(match self {
            Root::Local(dir) => Endpoint::Local(dir.join(safe_relative(rel)?)),
            Root::Blob {
                account,
                container,
                prefix,
            } => Endpoint::blob(*account, container.clone(), join_prefix(prefix, rel)),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    SizeMtime,
    Md5,
}

/// One file on one side.
#[derive(Clone, Debug)]
pub struct Side {
    pub size: u64,
    /// Local mtime, or the blob's Last-Modified, unix milliseconds.
    pub time_ms: i64,
    /// The `blobx_mtime` metadata of a blob.
    pub recorded_mtime_ms: Option<i64>,
    pub md5: Option<[u8; 16]>,
    pub local: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    New,
    Changed,
    OnlyInDst,
    Same,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::New, Class::Changed, Class::OnlyInDst, Class::Same];

    /// The name in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Class::New => "new",
            Class::Changed => "changed",
            Class::OnlyInDst => "only_in_dst",
            Class::Same => "same",
        }
    }
}

/// One path of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Relative to both roots, `/`-separated.
    pub rel: String,
    pub class: Class,
    /// The source's size (the target's for `OnlyInDst`).
    pub bytes: u64,
    pub why: &'static str,
    /// The source file's mtime (unix ms), recorded on the blob after an upload.
    pub src_time_ms: i64,
}

/// What a sync would do.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub src: Root,
    pub dst: Root,
    /// Source paths first (sorted), then what is only in DST (sorted).
    pub entries: Vec<Entry>,
    /// Local files left out (not regular files).
    pub skipped: Vec<PathBuf>,
}

impl Plan {
    /// Files and bytes of one class.
    pub fn count(&self, class: Class) -> (u64, u64) {
        self.entries
            .iter()
            .filter(|e| e.class == class)
            .fold((0, 0), |(n, b), e| (n + 1, b + e.bytes))
    }

    pub fn kind(&self) -> Kind {
        match (&self.src, &self.dst) {
            (Root::Local(_), _) => Kind::Upload,
            (_, Root::Local(_)) => Kind::Download,
            _ => Kind::Copy,
        }
    }

    /// The transfers: new and changed files (changed ones are overwritten).
    pub fn specs(&self) -> Result<Vec<ItemSpec>, String> {
        let kind = self.kind();
        self.entries
            .iter()
            .filter(|e| matches!(e.class, Class::New | Class::Changed))
            .map(|e| {
                Ok(ItemSpec {
                    kind,
                    source: self.src.endpoint(&e.rel)?,
                    target: self.dst.endpoint(&e.rel)?,
                    size: e.bytes,
                })
            })
            .collect()
    }

    pub fn extras(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.class == Class::OnlyInDst)
    }
}

fn mtime_ms(meta: &std::fs::Metadata) -> i64 {
    match meta.modified() {
        Ok(t) => match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        },
        Err(_) => 0,
    }
}

/// Every file below `root` the filter keeps, by relative path. A missing
/// local folder is empty unless `must_exist`. Local files that are not
/// regular files go into `skipped`.
pub async fn list(
    root: &Root,
    client_of: &(dyn Fn(usize) -> Option<StorageClient> + Sync),
    filter: &Filter,
    must_exist: bool,
    cancel: &CancellationToken,
    skipped: &mut Vec<PathBuf>,
) -> Result<BTreeMap<String, Side>, String> {
    let mut out = BTreeMap::new();
    match root {
        Root::Local(dir) => {
            if !dir.exists() && !must_exist {
                return Ok(out);
            }
            if !dir.is_dir() {
                return Err(format!("{} is not a folder", dir.display()));
            }
            let dir = dir.clone();
            let (files, skip) = tokio::task::spawn_blocking(move || walk(&dir))
                .await
                .map_err(|e| e.to_string())??;
            skipped.extend(skip);
            for (path, rel, size) in files {
                // In a target folder: a download in progress, not a file of the tree.
                if !must_exist && rel.ends_with(".part") {
                    continue;
                }
                let meta =
                    std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let time_ms = mtime_ms(&meta);
                if !filter.matches(&rel, size, Some(time_ms.div_euclid(1000))) {
                    continue;
                }
                out.insert(
                    rel,
                    Side {
                        size,
                        time_ms,
                        recorded_mtime_ms: None,
                        md5: None,
                        local: Some(path),
                    },
                );
            }
        }
        Root::Blob {
            account,
            container,
            prefix,
        } => {
            let client =
                client_of(*account).ok_or_else(|| format!("account {account} is not available"))?;
            let blobs = Walk::start(
                client,
                container,
                prefix,
                WalkOptions {
                    details: true,
                    ..WalkOptions::default()
                },
                cancel.child_token(),
            )
            .collect_sorted()
            .await?;
            for b in blobs {
                let rel = b.name[prefix.len()..].to_string();
                if !filter.matches(&rel, b.size, b.last_modified) {
                    continue;
                }
                out.insert(
                    rel,
                    Side {
                        size: b.size,
                        time_ms: b.last_modified.unwrap_or(0) * 1000,
                        recorded_mtime_ms: b.source_mtime_ms,
                        md5: b.content_md5,
                        local: None,
                    },
                );
            }
        }
    }
    Ok(out)
}

fn md5_of(path: &std::path::Path) -> std::io::Result<[u8; 16]> {
    use crate::checksum::Md5;
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(h.finalize());
        }
        h.update(&buf[..n]);
    }
}

/// The MD5 of a side: the blob's Content-MD5, or the local file's, computed.
async fn md5(side: &Side) -> Result<Option<[u8; 16]>, String> {
    match &side.local {
        Some(p) => {
            let p = p.clone();
            let digest = tokio::task::spawn_blocking(move || {
                md5_of(&p).map_err(|e| format!("{}: {e}", p.display()))
            })
            .await
            .map_err(|e| e.to_string())??;
            Ok(Some(digest))
        }
        None => Ok(side.md5),
    }
}

/// Changed or not, and why.
async fn compare(
    src: &Side,
    dst: &Side,
    how: Compare,
    local_source: bool,
) -> Result<Option<&'static str>, String> {
    if src.size != dst.size {
        return Ok(Some("size differs"));
    }
    match how {
        Compare::Md5 => {
            let (a, b) = (md5(src).await?, md5(dst).await?);
            Ok(match (a, b) {
                (Some(a), Some(b)) if a == b => None,
                (Some(_), Some(_)) => Some("content differs (MD5)"),
                _ => Some("no Content-MD5 on the blob: cannot tell"),
            })
        }
        Compare::SizeMtime => Ok(match dst.recorded_mtime_ms {
            Some(recorded) if local_source => {
                (recorded != src.time_ms).then_some("modified since it was sent")
            }
            _ => (src.time_ms > dst.time_ms).then_some("source is newer"),
        }),
    }
}

/// Which side could not be listed, and why.
#[derive(Debug)]
pub enum PlanError {
    Source(String),
    Dest(String),
    Compare(String),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::Source(e) => write!(f, "cannot list the source: {e}"),
            PlanError::Dest(e) => write!(f, "cannot list the target: {e}"),
            PlanError::Compare(e) => write!(f, "cannot compare: {e}"),
        }
    }
}

/// Lists both sides and classifies every path.
pub async fn plan(
    src: Root,
    dst: Root,
    how: Compare,
    filter: &Filter,
    client_of: &(dyn Fn(usize) -> Option<StorageClient> + Sync),
    cancel: &CancellationToken,
) -> Result<Plan, PlanError> {
    let mut skipped = Vec::new();
    let src_files = list(&src, client_of, filter, true, cancel, &mut skipped)
        .await
        .map_err(PlanError::Source)?;
    let dst_files = list(&dst, client_of, filter, false, cancel, &mut Vec::new())
        .await
        .map_err(PlanError::Dest)?;
    let local_source = matches!(src, Root::Local(_));
    let mut entries = Vec::new();
    for (rel, s) in &src_files {
        let (class, why) = match dst_files.get(rel) {
            None => (Class::New, ""),
            Some(d) => match compare(s, d, how, local_source)
                .await
                .map_err(PlanError::Compare)?
            {
                Some(why) => (Class::Changed, why),
                None => (Class::Same, ""),
            },
        };
        entries.push(Entry {
            rel: rel.clone(),
            class,
            bytes: s.size,
            why,
            src_time_ms: s.time_ms,
        });
    }
    for (rel, d) in &dst_files {
        if !src_files.contains_key(rel) {
            entries.push(Entry {
                rel: rel.clone(),
                class: Class::OnlyInDst,
                bytes: d.size,
                why: "",
                src_time_ms: 0,
            });
        }
    }
    Ok(Plan {
        src,
        dst,
        entries,
        skipped,
    })
}

/// Records an uploaded file's mtime on its blob, so the next run can tell
/// an unchanged file from one modified since (any difference).
pub async fn record_mtime(
    client: &StorageClient,
    container: &str,
    name: &str,
    mtime_ms: i64,
) -> Result<(), String> {
    let pairs = [(MTIME_KEY.to_string(), mtime_ms.to_string())];
    crate::azure::ops::set_metadata(client, container, name, &pairs, None)
        .await
        .map_err(|e| format!("az://{container}/{name}: could not record its mtime: {e}"))?;
    crate::audit::audit("record source mtime (sync)", &format!("{container}/{name}"));
    Ok(())
}

/// Deletes one file or blob only in DST; what was deleted, in words.
pub async fn delete_extra(
    target: &Endpoint,
    client_of: &(dyn Fn(usize) -> Option<StorageClient> + Sync),
) -> Result<String, String> {
    let what = match target {
        Endpoint::Local(p) => {
            tokio::fs::remove_file(p)
                .await
                .map_err(|e| format!("could not delete {}: {e}", p.display()))?;
            p.display().to_string()
        }
        Endpoint::Blob {
            account,
            container,
            name,
            ..
        } => {
            let client =
                client_of(*account).ok_or_else(|| format!("account {account} is not available"))?;
            crate::azure::ops::delete_blob(&client, container, name, false)
                .await
                .map_err(|e| format!("could not delete az://{container}/{name}: {e}"))?;
            format!("{container}/{name}")
        }
    };
    crate::audit::audit("delete extra (sync)", &what);
    Ok(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rel: &str, class: Class, bytes: u64) -> Entry {
        Entry {
            rel: rel.into(),
            class,
            bytes,
            why: "",
            src_time_ms: 7,
        }
    }

    #[test]
    fn specs_are_the_new_and_changed_files_and_counts_add_up() {
        let plan = Plan {
            src: Root::Local("/tmp/src".into()),
            dst: Root::Blob {
                account: 2,
                container: "c".into(),
                prefix: "p/".into(),
            },
            entries: vec![
                entry("a", Class::New, 10),
                entry("b/c", Class::Changed, 5),
                entry("d", Class::Same, 1),
                entry("e", Class::OnlyInDst, 3),
            ],
            skipped: Vec::new(),
        };
        let specs = plan.specs().unwrap();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1].kind, Kind::Upload);
        assert_eq!(specs[1].target, Endpoint::blob(2, "c", "p/b/c"));
        assert_eq!(plan.count(Class::New), (1, 10));
        assert_eq!(plan.count(Class::OnlyInDst), (1, 3));
        assert_eq!(plan.extras().count(), 1);
        assert!(plan.src.endpoint("../x").is_err(), "climbing out refused");
    }

    fn blob_side(size: u64, time_ms: i64, recorded: Option<i64>) -> Side {
        Side {
            size,
            time_ms,
            recorded_mtime_ms: recorded,
            md5: None,
            local: None,
        }
    }

    #[tokio::test]
    async fn between_containers_the_two_last_modified_are_compared() {
        let how = Compare::SizeMtime;
        // The copy is newer than its source: the same.
        let (src, copy) = (blob_side(5, 1_000, None), blob_side(5, 2_000, None));
        assert_eq!(compare(&src, &copy, how, false).await.unwrap(), None);
        // The source changed after the copy.
        let newer = blob_side(5, 3_000, None);
        assert_eq!(
            compare(&newer, &copy, how, false).await.unwrap(),
            Some("source is newer")
        );
        assert_eq!(
            compare(&blob_side(6, 0, None), &copy, how, false)
                .await
                .unwrap(),
            Some("size differs")
        );
        // A target uploaded by sync carries blobx_mtime (a local file's
        // clock): between containers it is not used, Last-Modified is.
        let uploaded = blob_side(5, 2_000, Some(1));
        assert_eq!(compare(&src, &uploaded, how, false).await.unwrap(), None);
        // By content: both Content-MD5s, and none is never "equal".
        let md5 = Compare::Md5;
        let (mut a, mut b) = (blob_side(5, 9, None), blob_side(5, 1, None));
        assert!(compare(&a, &b, md5, false).await.unwrap().is_some());
        a.md5 = Some([1; 16]);
        b.md5 = Some([1; 16]);
        assert_eq!(compare(&a, &b, md5, false).await.unwrap(), None);
        b.md5 = Some([2; 16]);
        assert_eq!(
            compare(&a, &b, md5, false).await.unwrap(),
            Some("content differs (MD5)")
        );
    }

    #[test]
    fn nested_folders_overlap_side_by_side_ones_do_not() {
        let blob = |account, container: &str, prefix: &str| Root::Blob {
            account,
            container: container.into(),
            prefix: prefix.into(),
        };
        assert!(blob(0, "c", "").overlaps(&blob(0, "c", "sub/")));
        assert!(blob(0, "c", "a/b/").overlaps(&blob(0, "c", "a/")));
        assert!(blob(0, "c", "a/").overlaps(&blob(0, "c", "a/")));
        assert!(!blob(0, "c", "a/").overlaps(&blob(0, "c", "ab/")));
        assert!(!blob(0, "c", "a/").overlaps(&blob(0, "d", "a/")));
        assert!(!blob(0, "c", "").overlaps(&blob(1, "c", "")));
        assert!(!Root::Local("/c".into()).overlaps(&blob(0, "c", "")));
    }
}
