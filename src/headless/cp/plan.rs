//! What `blobx cp` copies and where each item lands. One rule for both
//! directions, the TUI's (and `cp -r`'s and azcopy's): a folder named without
//! a trailing `/` is copied as itself, so `az://c/raw` (or `./raw`) lands as
//! `DEST/raw/…`; with a trailing `/` its contents go straight into `DEST`. A
//! container root (`az://c` or `az://c/`) copies its contents.

use super::Args;
use crate::azure::StorageClient;
use crate::azure::filter::Filter;
use crate::azure::uri::{AzPath, parse_az_uri};
use crate::azure::walk::{Walk, WalkOptions};
use crate::headless::Context;
use crate::transfer::plan::{join_prefix, safe_relative, walk};
use crate::transfer::{Endpoint, ItemSpec, Kind};
use std::path::PathBuf;
use tokio_util::sync::CancellationToken;

pub(crate) enum Place {
    Local(PathBuf),
    Blob { account: usize, path: AzPath },
}

pub(crate) fn place(ctx: &Context, s: &str) -> anyhow::Result<Place> {
    if s.contains("://") {
        let path = parse_az_uri(s).map_err(|e| anyhow::anyhow!(e))?;
        let account = match &path.account {
            Some(a) => ctx
                .nodes
                .iter()
                .position(|n| {
                    !n.discovery
                        && (n.account.label == *a
                            || n.account.id == *a
                            || n.account.name.eq_ignore_ascii_case(a))
                })
                .ok_or_else(|| anyhow::anyhow!("no account called {a:?} is known here"))
                .map(Some)?,
            None => ctx.default,
        }
        .ok_or_else(|| anyhow::anyhow!("no usable account for {s}"))?;
        if let Some(why) = &ctx.nodes[account].broken {
            anyhow::bail!("account {}: {why}", ctx.nodes[account].account.label);
        }
        Ok(Place::Blob { account, path })
    } else {
        Ok(Place::Local(PathBuf::from(s)))
    }
}

/// A blob to copy: its name, the path it keeps below the target, its size.
type Found = (String, String, u64);

/// `rel` below `base` for each listed blob.
fn below(blobs: Vec<(String, u64)>, base: &str) -> Vec<Found> {
    blobs
        .into_iter()
        .map(|(name, size)| {
            let rel = name.strip_prefix(base).unwrap_or(&name).to_string();
            (name, rel, size)
        })
        .collect()
}

/// The blobs an `az://` source names, and whether it named a folder (many
/// blobs, each keeping its path) rather than one blob.
async fn blob_sources(
    c: &StorageClient,
    path: &AzPath,
    recursive: bool,
    filter: &Filter,
) -> anyhow::Result<(Vec<Found>, bool)> {
    let shown = format!("az://{}/{}", path.container, path.prefix);
    let describe =
        |e: azure_core::Error| anyhow::anyhow!(crate::azure::describe_error(&e, c.account()));
    // Every blob below a folder that the filters take (names relative to it).
    let list = |prefix: String| async move {
        let walk = Walk::start(
            c.clone(),
            &path.container,
            &prefix,
            WalkOptions::default(),
            CancellationToken::new(),
        );
        let blobs = walk
            .collect_sorted()
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
        Ok::<_, anyhow::Error>(
            blobs
                .into_iter()
                .filter(|b| {
                    let rel = b.name.strip_prefix(&prefix).unwrap_or(&b.name);
                    filter.matches(rel, b.size, b.last_modified)
                })
                .map(|b| (b.name, b.size))
                .collect::<Vec<_>>(),
        )
    };
    if path.prefix.is_empty() || path.prefix.ends_with('/') {
        if !recursive {
            anyhow::bail!("{shown} is a folder; add --recursive");
        }
        let blobs = list(path.prefix.clone()).await?;
        if blobs.is_empty() && !path.prefix.is_empty() {
            anyhow::bail!(
                "nothing to copy: no blob under {shown} (looked for names starting with {:?} in container {})",
                path.prefix,
                path.container
            );
        }
        return Ok((below(blobs, &path.prefix), true));
    }
    // No trailing slash: the folder itself if one has that name, else the blob.
    let folder = format!("{}/", path.prefix);
    let parent = &path.prefix[..path.prefix.rfind('/').map_or(0, |i| i + 1)];
    if recursive {
        let in_folder = list(folder.clone()).await?;
        if !in_folder.is_empty() {
            return Ok((below(in_folder, parent), true));
        }
    }
    if let Some(props) = c
        .blob_exists(&path.container, &path.prefix)
        .await
        .map_err(describe)?
    {
        let leaf = path.prefix[parent.len()..].to_string();
        return Ok((vec![(path.prefix.clone(), leaf, props.size)], false));
    }
    if !recursive {
        let page = c
            .list_blobs_page(&path.container, &folder, None, None, 1)
            .await
            .map_err(describe)?;
        if !page.entries.is_empty() {
            anyhow::bail!("{shown} is a folder; add --recursive");
        }
    }
    anyhow::bail!(
        "nothing to copy: {shown} not found (looked for a blob named {:?} and a folder {folder:?} in container {})",
        path.prefix,
        path.container
    )
}

/// A local file's modification time (unix seconds), read only when the
/// filter asks about times.
pub(crate) fn local_mtime(file: &std::path::Path, filter: &Filter) -> Option<i64> {
    if !filter.needs_time() {
        return None;
    }
    let modified = std::fs::metadata(file).ok()?.modified().ok()?;
    let secs = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    Some(secs)
}

/// What a local folder source keeps of its own name below the target: the
/// name itself, or nothing when written with a trailing slash (or `.`).
fn local_base(typed: &str, dir: &std::path::Path) -> String {
    if typed.ends_with('/') || typed.ends_with(std::path::MAIN_SEPARATOR) {
        return String::new();
    }
    dir.file_name()
        .map(|n| format!("{}/", n.to_string_lossy()))
        .unwrap_or_default()
}

pub(super) async fn plan(
    ctx: &Context,
    args: &Args,
    clients: &[Option<(String, StorageClient)>],
) -> anyhow::Result<Vec<ItemSpec>> {
    let client = |i: usize| {
        clients
            .get(i)
            .and_then(|c| c.as_ref())
            .map(|(_, c)| c.clone())
            .ok_or_else(|| anyhow::anyhow!("account {i} is not available"))
    };
    let blob = |account: usize, container: &str, name: String| Endpoint::Blob {
        account,
        container: container.to_string(),
        name,
        at: None,
    };
    let filter = args.filter.filter()?;
    if !filter.is_empty() && !args.recursive {
        anyhow::bail!("the filters choose files in a folder: add --recursive");
    }
    let mut specs = Vec::new();
    match (place(ctx, &args.source)?, place(ctx, &args.dest)?) {
        (Place::Local(_), Place::Local(_)) => anyhow::bail!("both ends are local; use cp"),
        (Place::Local(src), Place::Blob { account, path }) => {
            let meta =
                std::fs::metadata(&src).map_err(|e| anyhow::anyhow!("{}: {e}", src.display()))?;
            if meta.is_dir() {
                if !args.recursive {
                    anyhow::bail!("{} is a folder; add --recursive", src.display());
                }
                let base = local_base(&args.source, &src);
                let (files, skipped) = walk(&src).map_err(|e| anyhow::anyhow!(e))?;
                for p in skipped {
                    eprintln!("blobx: skipping {} (not a regular file)", p.display());
                }
                for (file, rel, size) in files {
                    if !filter.is_empty()
                        && !filter.matches(&rel, size, local_mtime(&file, &filter))
                    {
                        continue;
                    }
                    let name = join_prefix(&path.prefix, &format!("{base}{rel}"));
                    specs.push(ItemSpec {
                        kind: Kind::Upload,
                        source: Endpoint::Local(file),
                        target: blob(account, &path.container, name),
                        size,
                    });
                }
            } else {
                let file_name = src
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let name = if path.prefix.is_empty() || path.prefix.ends_with('/') {
                    format!("{}{file_name}", path.prefix)
                } else {
                    path.prefix.clone()
                };
                specs.push(ItemSpec {
                    kind: Kind::Upload,
                    source: Endpoint::Local(src),
                    target: blob(account, &path.container, name),
                    size: meta.len(),
                });
            }
        }
        (Place::Blob { account, path }, dest) => {
            let c = client(account)?;
            let (blobs, many) = blob_sources(&c, &path, args.recursive, &filter).await?;
            for (name, rel, size) in blobs {
                let source = blob(account, &path.container, name);
                match &dest {
                    Place::Local(dir) => {
                        let target = if many || dir.is_dir() || args.dest.ends_with('/') {
                            dir.join(safe_relative(&rel).map_err(|e| anyhow::anyhow!(e))?)
                        } else {
                            dir.clone()
                        };
                        specs.push(ItemSpec {
                            kind: Kind::Download,
                            source,
                            target: Endpoint::Local(target),
                            size,
                        });
                    }
                    Place::Blob {
                        account: da,
                        path: dp,
                    } => {
                        let name = if many || dp.prefix.is_empty() || dp.prefix.ends_with('/') {
                            join_prefix(&dp.prefix, &rel)
                        } else {
                            dp.prefix.clone()
                        };
                        specs.push(ItemSpec {
                            kind: Kind::Copy,
                            source,
                            target: blob(*da, &dp.container, name),
                            size,
                        });
                    }
                }
            }
        }
    }
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_folder_keeps_its_name_unless_written_with_a_slash() {
        let dir = std::path::Path::new("/tmp/photos");
        assert_eq!(local_base("/tmp/photos", dir), "photos/");
        assert_eq!(local_base("/tmp/photos/", dir), "");
        assert_eq!(local_base(".", std::path::Path::new(".")), "");
    }
}
