//! `blobx sync SRC DST`: makes DST hold what SRC holds, for local → container,
//! container → local and container → container (server-side, any accounts).
//! The contents of SRC go into DST (as `cp -r SRC/ DST`).
//!
//! Comparing (default, `--compare size-mtime`): a file is *changed* when the
//! sizes differ, or when the source is newer than the target:
//! - a local source: the file's mtime against the `blobx_mtime` metadata
//!   blobx writes on each blob it uploads (any difference counts), or,
//!   without it, the blob's Last-Modified;
//! - a blob source: its Last-Modified against the local file's mtime or the
//!   target blob's Last-Modified (a download or copy is newer than its source,
//!   so a second run moves nothing).
//!
//! `--compare md5`: equal sizes are compared by content, the local file's
//! MD5 against the blob's Content-MD5 (or both blobs'); a blob without
//! Content-MD5 counts as changed and is named as such, never assumed equal.
//!
//! Transfers go through the engine (journal, resume, cap, report);
//! `--delete-extra` removes what is only in DST, and only with that flag
//! and only when every transfer succeeded.

use super::Context;
use super::cp::plan::{Place, place};
use super::cp::{Knobs, transfer, transfer_clients};
use super::filter_args::FilterArgs;
use crate::azure::StorageClient;
use crate::azure::filter::Filter;
use crate::azure::walk::{MTIME_KEY, Walk, WalkOptions};
use crate::transfer::conflict::Conflict;
use crate::transfer::plan::{join_prefix, safe_relative, walk};
use crate::transfer::{Endpoint, ItemSpec, Kind, Status};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to copy from: a local folder or az://container/folder (its contents).
    pub source: String,
    /// Where it should end up: a local folder or az://container/folder.
    pub dest: String,
    /// How to tell files apart: size-mtime (default) or md5 (content).
    #[arg(long, default_value = "size-mtime", value_name = "HOW")]
    pub compare: String,
    /// Print the plan (new, changed, only in DST, same) and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete what is only in DST (after every transfer succeeded).
    #[arg(long)]
    pub delete_extra: bool,
    /// JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Files transferred at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub parallel_files: usize,
    /// Requests in flight per file.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub parallel_chunks: usize,
    /// Write a CSV report of the transfers to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compare {
    SizeMtime,
    Md5,
}

/// One file on one side.
#[derive(Clone, Debug)]
struct Side {
    size: u64,
    /// Local mtime, or the blob's Last-Modified, unix milliseconds.
    time_ms: i64,
    /// The `blobx_mtime` metadata of a blob.
    recorded_mtime_ms: Option<i64>,
    md5: Option<[u8; 16]>,
    local: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    New,
    Changed,
    OnlyInDst,
    Same,
}

impl Class {
    fn key(self) -> &'static str {
        match self {
            Class::New => "new",
            Class::Changed => "changed",
            Class::OnlyInDst => "only_in_dst",
            Class::Same => "same",
        }
    }
}

struct Entry {
    rel: String,
    class: Class,
    bytes: u64,
    why: &'static str,
}

/// A folder on either side, its files by path relative to it.
enum Root {
    Local(PathBuf),
    Blob {
        account: usize,
        container: String,
        prefix: String,
    },
}

impl Root {
    fn show(&self) -> String {
        match self {
            Root::Local(p) => p.display().to_string(),
            Root::Blob {
                container, prefix, ..
            } => format!("az://{container}/{prefix}"),
        }
    }
}

fn root(ctx: &Context, text: &str) -> anyhow::Result<Root> {
    Ok(match place(ctx, text)? {
        Place::Local(p) => Root::Local(p),
        Place::Blob { account, path } => {
            let mut prefix = path.prefix;
            if !prefix.is_empty() && !prefix.ends_with('/') {
                prefix.push('/');
            }
            Root::Blob {
                account,
                container: path.container,
                prefix,
            }
        }
    })
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

async fn list(
    root: &Root,
    clients: &[Option<(String, StorageClient)>],
    filter: &Filter,
    must_exist: bool,
) -> anyhow::Result<BTreeMap<String, Side>> {
    let mut out = BTreeMap::new();
    match root {
        Root::Local(dir) => {
            if !dir.exists() && !must_exist {
                return Ok(out);
            }
            if !dir.is_dir() {
                anyhow::bail!("{} is not a folder", dir.display());
            }
            let (files, skipped) = walk(dir).map_err(|e| anyhow::anyhow!(e))?;
            for p in skipped {
                eprintln!("blobx: skipping {} (not a regular file)", p.display());
            }
            for (path, rel, size) in files {
                // In a target folder: a download in progress, not a file of the tree.
                if !must_exist && rel.ends_with(".part") {
                    continue;
                }
                let meta = std::fs::metadata(&path)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
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
            let client = clients
                .get(*account)
                .and_then(|c| c.as_ref())
                .map(|(_, c)| c.clone())
                .ok_or_else(|| anyhow::anyhow!("account {account} is not available"))?;
            let blobs = Walk::start(
                client,
                container,
                prefix,
                WalkOptions {
                    details: true,
                    ..WalkOptions::default()
                },
                CancellationToken::new(),
            )
            .collect_sorted()
            .await
            .map_err(|e| anyhow::anyhow!(e))?;
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
    use md5::{Digest, Md5};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Md5::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(h.finalize().into());
        }
        h.update(&buf[..n]);
    }
}

/// The MD5 of a side: the blob's Content-MD5, or the local file's, computed.
async fn md5(side: &Side) -> anyhow::Result<Option<[u8; 16]>> {
    match &side.local {
        Some(p) => {
            let p = p.clone();
            let digest = tokio::task::spawn_blocking(move || {
                md5_of(&p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
            })
            .await??;
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
) -> anyhow::Result<Option<&'static str>> {
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

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let how = match args.compare.as_str() {
        "size-mtime" | "mtime" | "size" => Compare::SizeMtime,
        "md5" => Compare::Md5,
        other => anyhow::bail!("--compare {other:?}: use size-mtime or md5"),
    };
    let filter = args.filter.filter()?;
    let (src, dst) = (root(ctx, &args.source)?, root(ctx, &args.dest)?);
    if let (Root::Local(_), Root::Local(_)) = (&src, &dst) {
        anyhow::bail!("both ends are local; use rsync");
    }
    if !args.dry_run {
        ctx.allow_change("sync (it writes, and with --delete-extra deletes)")?;
    }
    if let Root::Local(p) = &src
        && !p.is_dir()
    {
        anyhow::bail!("{} is not a folder", p.display());
    }
    let clients = transfer_clients(ctx);
    let started = Instant::now();
    let src_files = match list(&src, &clients, &filter, true).await {
        Ok(f) => f,
        Err(e) => {
            eprintln!("blobx: cannot list {}: {e:#}", src.show());
            return Ok(ExitCode::from(1));
        }
    };
    let dst_files = match list(&dst, &clients, &filter, false).await {
        Ok(f) => f,
        Err(e) => {
            eprintln!("blobx: cannot list {}: {e:#}", dst.show());
            return Ok(ExitCode::from(1));
        }
    };
    let local_source = matches!(src, Root::Local(_));
    let mut plan = Vec::new();
    for (rel, s) in &src_files {
        let (class, why) = match dst_files.get(rel) {
            None => (Class::New, ""),
            Some(d) => match compare(s, d, how, local_source).await? {
                Some(why) => (Class::Changed, why),
                None => (Class::Same, ""),
            },
        };
        plan.push(Entry {
            rel: rel.clone(),
            class,
            bytes: s.size,
            why,
        });
    }
    for (rel, d) in &dst_files {
        if !src_files.contains_key(rel) {
            plan.push(Entry {
                rel: rel.clone(),
                class: Class::OnlyInDst,
                bytes: d.size,
                why: "",
            });
        }
    }
    let mut counts: BTreeMap<Class, (u64, u64)> = BTreeMap::new();
    for c in [Class::New, Class::Changed, Class::OnlyInDst, Class::Same] {
        counts.insert(c, (0, 0));
    }
    for e in &plan {
        let c = counts.entry(e.class).or_default();
        c.0 += 1;
        c.1 += e.bytes;
    }
    let plan_json = || {
        let mut doc = serde_json::Map::new();
        doc.insert("source".into(), src.show().into());
        doc.insert("dest".into(), dst.show().into());
        doc.insert("compare".into(), args.compare.clone().into());
        for (c, (n, b)) in &counts {
            doc.insert(c.key().into(), serde_json::json!({"count": n, "bytes": b}));
        }
        doc.insert(
            "items".into(),
            plan.iter()
                .filter(|e| e.class != Class::Same)
                .map(|e| {
                    serde_json::json!({"path": e.rel, "action": e.class.key(), "bytes": e.bytes, "why": e.why})
                })
                .collect::<Vec<_>>()
                .into(),
        );
        doc
    };
    if args.dry_run {
        if args.json {
            println!("{}", serde_json::Value::Object(plan_json()));
        } else {
            println!("sync plan: {} → {}", src.show(), dst.show());
            for e in plan.iter().filter(|e| e.class != Class::Same) {
                let (mark, what) = match e.class {
                    Class::New => ("+", "new".to_string()),
                    Class::Changed => ("~", format!("changed: {}", e.why)),
                    _ if args.delete_extra => ("-", "only in DST: would be deleted".to_string()),
                    _ => (
                        "-",
                        "only in DST: kept (--delete-extra removes it)".to_string(),
                    ),
                };
                println!("{mark} {} ({what}, {})", e.rel, human(e.bytes));
            }
            for (c, label) in [
                (Class::New, "new"),
                (Class::Changed, "changed"),
                (Class::OnlyInDst, "only in DST"),
                (Class::Same, "same"),
            ] {
                let (n, b) = counts[&c];
                println!("{label:>12}: {n} files, {}", human(b));
            }
            println!("(dry run: nothing was changed)");
        }
        return Ok(ExitCode::SUCCESS);
    }

    // The transfers: new and changed files, overwriting the changed ones.
    let endpoint = |root: &Root, rel: &str| -> anyhow::Result<Endpoint> {
        Ok(match root {
            Root::Local(dir) => {
                Endpoint::Local(dir.join(safe_relative(rel).map_err(|e| anyhow::anyhow!(e))?))
            }
            Root::Blob {
                account,
                container,
                prefix,
            } => Endpoint::blob(*account, container.clone(), join_prefix(prefix, rel)),
        })
    };
    let kind = match (&src, &dst) {
        (Root::Local(_), _) => Kind::Upload,
        (_, Root::Local(_)) => Kind::Download,
        _ => Kind::Copy,
    };
    let mut specs = Vec::new();
    // What the engine shows as a source, back to the path it came from.
    let mut rel_of = std::collections::HashMap::new();
    for e in plan
        .iter()
        .filter(|e| matches!(e.class, Class::New | Class::Changed))
    {
        rel_of.insert(endpoint(&src, &e.rel)?.display(), e.rel.clone());
        specs.push(ItemSpec {
            kind,
            source: endpoint(&src, &e.rel)?,
            target: endpoint(&dst, &e.rel)?,
            size: e.bytes,
        });
    }
    let mut failed = 0usize;
    let mut moved = 0usize;
    let mut moved_bytes = 0u64;
    let mut failures = Vec::new();
    if !specs.is_empty() {
        let snapshot = transfer(
            &clients,
            specs,
            Conflict::Overwrite,
            &Knobs {
                files: args.parallel_files,
                chunks: args.parallel_chunks,
                cap: ctx.cap,
                progress: !args.json,
            },
        )
        .await?;
        if let Some(path) = &args.report
            && let Err(e) = crate::transfer::report::write(path, &snapshot.items, true)
        {
            eprintln!("blobx: {e}");
            failed += 1;
        }
        // Record each uploaded file's mtime, so the next run can tell an
        // unchanged file from one modified since (any difference).
        for item in &snapshot.items {
            match &item.status {
                Status::Done => {
                    moved += 1;
                    moved_bytes += item.total;
                }
                Status::Failed(why) => {
                    failed += 1;
                    failures.push((item.source.clone(), why.clone()));
                    continue;
                }
                _ => continue,
            }
            if let (
                Root::Local(_),
                Root::Blob {
                    account,
                    container,
                    prefix,
                },
            ) = (&src, &dst)
            {
                let Some(rel) = rel_of.get(&item.source) else {
                    continue;
                };
                let Some(side) = src_files.get(rel) else {
                    continue;
                };
                let Some(client) = clients.get(*account).and_then(|c| c.as_ref()) else {
                    continue;
                };
                let name = join_prefix(prefix, rel);
                let pairs = [(MTIME_KEY.to_string(), side.time_ms.to_string())];
                match crate::azure::ops::set_metadata(&client.1, container, &name, &pairs, None)
                    .await
                {
                    Ok(_) => crate::audit::audit(
                        "record source mtime (sync)",
                        &format!("{container}/{name}"),
                    ),
                    Err(e) => {
                        failed += 1;
                        failures.push((
                            format!("az://{container}/{name}"),
                            format!("could not record its mtime: {e}"),
                        ));
                    }
                }
            }
        }
    }

    // Extras: only with --delete-extra, and only after a clean run.
    let extras: Vec<&Entry> = plan
        .iter()
        .filter(|e| e.class == Class::OnlyInDst)
        .collect();
    let mut deleted = 0usize;
    let mut deleted_bytes = 0u64;
    if args.delete_extra && !extras.is_empty() {
        if failed > 0 {
            eprintln!(
                "blobx: {} files only in DST kept: some transfers failed, nothing is deleted after a failure",
                extras.len()
            );
        } else {
            for e in &extras {
                let result = match endpoint(&dst, &e.rel)? {
                    Endpoint::Local(p) => std::fs::remove_file(&p)
                        .map(|_| p.display().to_string())
                        .map_err(|err| format!("{}: {err}", p.display())),
                    Endpoint::Blob {
                        account,
                        container,
                        name,
                        ..
                    } => {
                        let Some((_, client)) = clients.get(account).and_then(|c| c.as_ref())
                        else {
                            continue;
                        };
                        crate::azure::ops::delete_blob(client, &container, &name, false)
                            .await
                            .map(|_| format!("{container}/{name}"))
                            .map_err(|err| format!("az://{container}/{name}: {err}"))
                    }
                };
                match result {
                    Ok(what) => {
                        crate::audit::audit("delete extra (sync --delete-extra)", &what);
                        deleted += 1;
                        deleted_bytes += e.bytes;
                    }
                    Err(why) => {
                        failed += 1;
                        failures.push((e.rel.clone(), format!("could not delete: {why}")));
                    }
                }
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        let mut doc = plan_json();
        doc.insert("transferred".into(), moved.into());
        doc.insert("transferred_bytes".into(), moved_bytes.into());
        doc.insert("deleted".into(), deleted.into());
        doc.insert("deleted_bytes".into(), deleted_bytes.into());
        doc.insert("failed".into(), failed.into());
        doc.insert(
            "failures".into(),
            failures
                .iter()
                .map(|(i, e)| serde_json::json!({"item": i, "error": e}))
                .collect::<Vec<_>>()
                .into(),
        );
        doc.insert("seconds".into(), secs.into());
        println!("{}", serde_json::Value::Object(doc));
    } else {
        for (item, why) in &failures {
            eprintln!("blobx: failed: {item}: {why}");
        }
        let (same, _) = counts[&Class::Same];
        let mut line = format!(
            "sync {} → {}: {moved} files sent ({}), {same} already the same",
            src.show(),
            dst.show(),
            human(moved_bytes)
        );
        if deleted > 0 {
            line.push_str(&format!(
                ", {deleted} extras deleted ({})",
                human(deleted_bytes)
            ));
        } else if !extras.is_empty() && !args.delete_extra {
            line.push_str(&format!(
                ", {} only in DST kept (--delete-extra removes them)",
                extras.len()
            ));
        }
        if failed > 0 {
            line.push_str(&format!("; {failed} failed"));
        }
        eprintln!("{line} in {secs:.1} s");
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
