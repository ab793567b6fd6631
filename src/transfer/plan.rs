//! Turning "these blobs/folders/files, to there" into one `ItemSpec` per
//! file: walking local folders, listing blob prefixes, mapping names, and
//! counting conflicts up front so the user is asked once per batch.

use super::model::{Endpoint, ItemSpec, Kind};
use crate::azure::StorageClient;
use crate::azure::walk::{Walk, WalkOptions};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use tokio_util::sync::CancellationToken;

/// A local file: its path, its path relative to the walked folder (with `/`), its size.
pub type LocalFile = (PathBuf, String, u64);

/// Every regular file below `dir`, with its path relative to `dir` using `/`.
/// Links and special files are skipped (and named in the second list).
pub fn walk(dir: &Path) -> Result<(Vec<LocalFile>, Vec<PathBuf>), String> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", d.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let rel = path
                    .strip_prefix(dir)
                    .map_err(|e| e.to_string())?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                files.push((path, rel, size));
            } else {
                skipped.push(path);
            }
        }
    }
    files.sort();
    Ok((files, skipped))
}

/// Every blob under `prefix`, sorted by name, as `(name, size)`; folder
/// markers left out. Folders are listed in parallel (`azure::walk`).
pub async fn list_all(
    client: &StorageClient,
    container: &str,
    prefix: &str,
) -> Result<Vec<(String, u64)>, String> {
    let walk = Walk::start(
        client.clone(),
        container,
        prefix,
        WalkOptions::default(),
        CancellationToken::new(),
    );
    Ok(walk
        .collect_sorted()
        .await?
        .into_iter()
        .map(|b| (b.name, b.size))
        .collect())
}

/// A relative blob path as a safe local path: no `..`, nothing absolute.
pub fn safe_relative(rel: &str) -> Result<PathBuf, String> {
    let mut p = PathBuf::new();
    for part in rel.split('/').filter(|s| !s.is_empty() && *s != ".") {
        if part == ".." {
            return Err(format!(
                "refusing to write {rel:?}: it climbs out of the target folder"
            ));
        }
        p.push(part);
    }
    Ok(p)
}

pub fn join_prefix(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}/{rest}")
    }
}

/// What the user picked in the browser: blobs and virtual folders of one container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub account: usize,
    pub container: String,
    /// The folder the names are relative to (empty or ending in `/`).
    pub base: String,
    /// `(full name, is_folder, size)`.
    pub items: Vec<(String, bool, u64)>,
}

/// Expands a selection to one `(blob name, path relative to base, size)` per blob.
pub async fn expand(
    client: &StorageClient,
    sel: &Selection,
) -> Result<Vec<(String, String, u64)>, String> {
    let mut out = Vec::new();
    for (name, is_folder, size) in &sel.items {
        let blobs = if *is_folder {
            list_all(client, &sel.container, name).await?
        } else {
            vec![(name.clone(), *size)]
        };
        for (blob, size) in blobs {
            let rel = blob.strip_prefix(&sel.base).unwrap_or(&blob).to_string();
            out.push((blob, rel, size));
        }
    }
    Ok(out)
}

/// Downloads of a selection into `dir`, keeping the folder layout.
pub async fn downloads(
    client: &StorageClient,
    sel: &Selection,
    dir: &Path,
) -> Result<Vec<ItemSpec>, String> {
    expand(client, sel)
        .await?
        .into_iter()
        .map(|(name, rel, size)| {
            Ok(ItemSpec {
                kind: Kind::Download,
                source: Endpoint::Blob {
                    account: sel.account,
                    container: sel.container.clone(),
                    name,
                    at: None,
                },
                target: Endpoint::Local(dir.join(safe_relative(&rel)?)),
                size,
            })
        })
        .collect()
}

/// Server-side copies of a selection under `prefix` of another container.
pub async fn copies(
    client: &StorageClient,
    sel: &Selection,
    account: usize,
    container: &str,
    prefix: &str,
) -> Result<Vec<ItemSpec>, String> {
    Ok(expand(client, sel)
        .await?
        .into_iter()
        .map(|(name, rel, size)| ItemSpec {
            kind: Kind::Copy,
            source: Endpoint::Blob {
                account: sel.account,
                container: sel.container.clone(),
                name,
                at: None,
            },
            target: Endpoint::Blob {
                account,
                container: container.to_string(),
                name: join_prefix(prefix, &rel),
                at: None,
            },
            size,
        })
        .collect())
}

/// Uploads of a local file, or of a folder's contents kept under its own name.
pub fn uploads(
    local: &Path,
    account: usize,
    container: &str,
    prefix: &str,
) -> Result<Vec<ItemSpec>, String> {
    let meta = std::fs::metadata(local).map_err(|e| format!("{}: {e}", local.display()))?;
    let name = local
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let blob = |rel: &str| Endpoint::Blob {
        account,
        container: container.to_string(),
        name: join_prefix(prefix, rel),
        at: None,
    };
    if meta.is_dir() {
        let (files, _) = walk(local)?;
        Ok(files
            .into_iter()
            .map(|(path, rel, size)| ItemSpec {
                kind: Kind::Upload,
                target: blob(&join_prefix(&name, &rel)),
                source: Endpoint::Local(path),
                size,
            })
            .collect())
    } else {
        Ok(vec![ItemSpec {
            kind: Kind::Upload,
            source: Endpoint::Local(local.to_path_buf()),
            target: blob(&name),
            size: meta.len(),
        }])
    }
}

/// How many targets already exist (one listing per target prefix, not one request per file).
pub async fn count_conflicts(
    specs: &[ItemSpec],
    client_for: impl Fn(usize) -> Option<StorageClient>,
) -> usize {
    let mut existing: HashSet<(usize, String, String)> = HashSet::new();
    let mut listed: HashSet<(usize, String, String)> = HashSet::new();
    let mut n = 0;
    for spec in specs {
        match &spec.target {
            Endpoint::Local(p) => n += usize::from(p.exists()),
            Endpoint::Blob {
                account,
                container,
                name,
                ..
            } => {
                let dir = name
                    .rfind('/')
                    .map(|i| name[..=i].to_string())
                    .unwrap_or_default();
                if listed.insert((*account, container.clone(), dir.clone()))
                    && let Some(c) = client_for(*account)
                    && let Ok(page) = c
                        .list_blobs_page(container, &dir, Some("/"), None, 5000)
                        .await
                {
                    existing.extend(
                        page.entries
                            .into_iter()
                            .map(|e| (*account, container.clone(), e.name)),
                    );
                }
                n += usize::from(existing.contains(&(*account, container.clone(), name.clone())));
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert_eq!(safe_relative("a/b.txt").unwrap(), PathBuf::from("a/b.txt"));
        assert!(safe_relative("../etc/passwd").is_err());
        assert!(safe_relative("a/../../x").is_err());
        assert_eq!(safe_relative("/abs//x").unwrap(), PathBuf::from("abs/x"));
    }

    #[test]
    fn prefixes_join_with_one_slash() {
        assert_eq!(join_prefix("", "a"), "a");
        assert_eq!(join_prefix("p/", "a"), "p/a");
        assert_eq!(join_prefix("p", "a"), "p/a");
    }

    #[test]
    fn uploads_keep_the_folder_name() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("photos");
        std::fs::create_dir_all(top.join("2024")).unwrap();
        std::fs::write(top.join("2024/a.jpg"), "x").unwrap();
        let specs = uploads(&top, 0, "c", "in/").unwrap();
        assert_eq!(specs.len(), 1);
        assert!(
            matches!(&specs[0].target, Endpoint::Blob { name, .. } if name == "in/photos/2024/a.jpg")
        );
    }
}
