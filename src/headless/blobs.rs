//! `blobx ls`, `stat`, `cat`, `rm`, `set-tier`, `set-props`: the browser's
//! everyday actions for scripts, on the same `azure` code as the TUI.
//!
//! Exit status: 0 done; 1 the service refused or some blobs failed; 2
//! refused (read-only) or bad input, found before anything was changed.

use super::Context;
use crate::azure::bulk::{self, BlobChange, MetadataEdit, TagEdit, parse_metadata_args};
use crate::azure::ops::{self, AccessTier, HeaderEdit, Target, human_bytes};
use crate::azure::uri::{AzPath, parse_az_uri};
use crate::azure::{Account, StorageClient};
use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct LsArgs {
    /// az://container[/prefix] (az://container@ACCOUNT/… for another
    /// account); without it, the account's containers.
    pub target: Option<String>,
    /// Long form: size, last modified, tier, name.
    #[arg(short = 'l', long)]
    pub long: bool,
    /// Every blob below, flat, instead of one folder level.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// One JSON object per line (see README, "JSON output").
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatArgs {
    /// az://container/blob
    pub target: String,
    /// One JSON object (see README, "JSON output").
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct CatArgs {
    /// az://container/blob
    pub target: String,
    /// Only bytes A to B (inclusive, from 0), or from A to the end with `A-`.
    #[arg(long, value_name = "A-B")]
    pub range: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// az://container/blob, or a folder with -r.
    #[arg(required = true)]
    pub targets: Vec<String>,
    /// Folders too: every blob below each one.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Print what would be deleted; delete nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct SetTierArgs {
    /// Hot, Cool, Cold or Archive.
    pub tier: String,
    /// az://container/blob, or a folder with -r.
    #[arg(required = true)]
    pub targets: Vec<String>,
    /// Folders too: every blob below each one.
    #[arg(short = 'r', long)]
    pub recursive: bool,
}

#[derive(Debug, clap::Args)]
pub struct SetPropsArgs {
    /// az://container/blob, or a folder with -r.
    #[arg(required = true)]
    pub targets: Vec<String>,
    /// Folders too: every blob below each one.
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Content-Type ("" clears it). Headers not given stay as they are.
    #[arg(long)]
    pub content_type: Option<String>,
    /// Cache-Control ("" clears it).
    #[arg(long)]
    pub cache_control: Option<String>,
    /// Content-Disposition ("" clears it).
    #[arg(long)]
    pub content_disposition: Option<String>,
    /// Content-Encoding ("" clears it).
    #[arg(long)]
    pub content_encoding: Option<String>,
    /// Content-Language ("" clears it).
    #[arg(long)]
    pub content_language: Option<String>,
    /// Add or replace a metadata entry (repeatable); other entries stay.
    #[arg(long, value_name = "KEY=VALUE")]
    pub metadata: Vec<String>,
    /// Remove a metadata entry (repeatable).
    #[arg(long, value_name = "KEY")]
    pub remove_metadata: Vec<String>,
}

/// "bad input before any request": exit status 2 (the caller maps `Err`).
fn bad(msg: impl Into<String>) -> anyhow::Error {
    anyhow::anyhow!(msg.into())
}

/// The service said no: print it, exit status 1.
pub(crate) fn failed(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("blobx: {msg}");
    ExitCode::from(1)
}

pub(crate) fn rfc3339(unix: Option<i64>) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix?).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

pub(crate) fn parse(target: &str) -> anyhow::Result<AzPath> {
    parse_az_uri(target).map_err(bad)
}

/// A target naming one blob (not a container, not a folder).
pub(crate) fn blob_target<'a>(
    ctx: &'a Context,
    target: &str,
) -> anyhow::Result<(&'a Account, String, String)> {
    let p = parse(target)?;
    if p.prefix.is_empty() || p.prefix.ends_with('/') {
        return Err(bad(format!(
            "{target} names a container or folder; give a blob (az://container/blob)"
        )));
    }
    Ok((ctx.account(p.account.as_deref())?, p.container, p.prefix))
}

/// Writes to stdout; a closed pipe (`| head`) ends quietly.
fn out(line: &str) -> bool {
    let mut o = std::io::stdout().lock();
    writeln!(o, "{line}").is_ok()
}

// ---------------------------------------------------------------------------
// ls

fn entry_json(container: &str, e: &crate::azure::BlobEntry) -> Value {
    json!({
        "container": container,
        "name": e.name,
        "kind": if e.is_prefix { "folder" } else { "blob" },
        "size": if e.is_prefix { Value::Null } else { json!(e.size) },
        "last_modified": rfc3339(e.last_modified),
        "tier": e.access_tier,
        "content_type": e.content_type,
    })
}

pub(crate) fn entry_line(
    container: &str,
    e: &crate::azure::BlobEntry,
    long: bool,
    json: bool,
) -> String {
    if json {
        return entry_json(container, e).to_string();
    }
    if !long {
        return e.name.clone();
    }
    let size = if e.is_prefix {
        "-".to_string()
    } else {
        e.size.to_string()
    };
    format!(
        "{size:>12}  {:<20}  {:<7}  {}",
        rfc3339(e.last_modified).unwrap_or_else(|| "-".into()),
        e.access_tier.as_deref().unwrap_or("-"),
        e.name
    )
}

pub async fn ls(args: LsArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let Some(target) = args.target.as_deref() else {
        return ls_containers(ctx, &args).await;
    };
    let p = parse(target)?;
    let account = ctx.account(p.account.as_deref())?;
    let client = StorageClient::new(account.clone())?;
    let mut prefix = p.prefix.clone();
    // `az://c/dir` means the folder dir/ unless a blob of that very name exists.
    if !prefix.is_empty() && !prefix.ends_with('/') {
        match client
            .list_blobs_page(&p.container, &prefix, Some("/"), None, 5000)
            .await
        {
            Ok(page) => {
                let folder = format!("{prefix}/");
                if let Some(blob) = page
                    .entries
                    .iter()
                    .find(|e| e.name == prefix && !e.is_prefix)
                    && !page.entries.iter().any(|e| e.name == folder)
                {
                    out(&entry_line(&p.container, blob, args.long, args.json));
                    return Ok(ExitCode::SUCCESS);
                }
                prefix = folder;
            }
            Err(e) => return Ok(failed(crate::azure::describe_error(&e, account))),
        }
    }
    let delimiter = (!args.recursive).then_some("/");
    let mut error = None;
    let mut listed = 0usize;
    crate::azure::find::each_blob_page(&client, &p.container, &prefix, delimiter, |page, _done| {
        match page {
            Ok(entries) => {
                listed += entries.len();
                entries
                    .iter()
                    .all(|e| out(&entry_line(&p.container, e, args.long, args.json)))
            }
            Err(e) => {
                error = Some(e);
                false
            }
        }
    })
    .await;
    if let Some(e) = error {
        return Ok(failed(e));
    }
    if listed == 0 && !prefix.is_empty() {
        return Ok(failed(format!("nothing at {target}")));
    }
    Ok(ExitCode::SUCCESS)
}

async fn ls_containers(ctx: &Context, args: &LsArgs) -> anyhow::Result<ExitCode> {
    let account = ctx.account(None)?;
    let client = StorageClient::new(account.clone())?;
    let mut pages = std::pin::pin!(client.list_containers(None));
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(p) => p,
            Err(e) => return Ok(failed(crate::azure::describe_error(&e, account))),
        };
        for c in page.containers {
            let line = if args.json {
                json!({
                    "name": c.name,
                    "kind": "container",
                    "last_modified": rfc3339(c.last_modified),
                    "public_access": c.public_access,
                    "lease_state": c.lease_state,
                })
                .to_string()
            } else if args.long {
                format!(
                    "{:<20}  {:<9}  {}",
                    rfc3339(c.last_modified).unwrap_or_else(|| "-".into()),
                    c.public_access.as_deref().unwrap_or("private"),
                    c.name
                )
            } else {
                c.name
            };
            if !out(&line) {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------
// stat

fn tags_json(tags: &[(String, String)]) -> Value {
    Value::Object(
        tags.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

pub async fn stat(args: StatArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let (account, container, blob) = blob_target(ctx, &args.target)?;
    let client = StorageClient::new(account.clone())?;
    let head = match ops::head_blob(&client, &container, &blob).await {
        Ok(h) => h,
        Err(e) if e.status() == Some(404) => {
            return Ok(failed(format!("no blob {blob} in {container}")));
        }
        Err(e) => return Ok(failed(e.describe(account))),
    };
    // Tags need their own request and permission; their absence is not fatal.
    let tags = crate::azure::tags::get_tags(&client, &container, &blob)
        .await
        .map_err(|e| tracing::debug!(error = %e, "no tags"))
        .ok();
    let hd = &head.headers;
    let value = json!({
        "container": container,
        "name": blob,
        "size": head.size,
        "etag": head.etag,
        "last_modified": rfc3339(head.last_modified),
        "blob_type": head.blob_type,
        "content_type": hd.content_type,
        "content_encoding": hd.content_encoding,
        "content_language": hd.content_language,
        "content_disposition": hd.content_disposition,
        "cache_control": hd.cache_control,
        "content_md5": hd.content_md5,
        "tier": head.tier.tier,
        "tier_inferred": head.tier.inferred,
        "archive_status": head.tier.archive_status,
        "lease_state": head.lease.state,
        "metadata": head.metadata,
        "tags": tags.as_deref().map(tags_json),
    });
    if args.json {
        out(&serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    if let Value::Object(map) = &value {
        for (k, v) in map {
            match v {
                Value::Null => {}
                Value::Object(inner) => {
                    for (ik, iv) in inner {
                        out(&format!("{k}.{ik}: {}", iv.as_str().unwrap_or_default()));
                    }
                }
                Value::String(s) => {
                    out(&format!("{k}: {s}"));
                }
                other => {
                    out(&format!("{k}: {other}"));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------
// cat

/// `A-B` (inclusive) or `A-` to the end.
pub fn parse_range(text: &str) -> Result<(u64, Option<u64>), String> {
    let err = || format!("--range {text:?}: write A-B (bytes A to B, from 0) or A- (to the end)");
    let (a, b) = text.split_once('-').ok_or_else(err)?;
    let a: u64 = a.trim().parse().map_err(|_| err())?;
    let b = b.trim();
    if b.is_empty() {
        return Ok((a, None));
    }
    let b: u64 = b.parse().map_err(|_| err())?;
    if b < a {
        return Err(format!("--range {text:?}: the end comes before the start"));
    }
    Ok((a, Some(b)))
}

pub async fn cat(args: CatArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    let range = args
        .range
        .as_deref()
        .map(parse_range)
        .transpose()
        .map_err(bad)?;
    let (account, container, blob) = blob_target(ctx, &args.target)?;
    let client = StorageClient::new(account.clone())?;
    let props = match client.blob_props(&container, &blob).await {
        Ok(p) => p,
        Err(e) if e.http_status().map(u16::from) == Some(404) => {
            return Ok(failed(format!("no blob {blob} in {container}")));
        }
        Err(e) => return Ok(failed(crate::azure::describe_error(&e, account))),
    };
    let (start, end) = match range {
        None => (0, props.size),
        Some((a, _)) if a >= props.size && props.size > 0 => {
            return Err(bad(format!(
                "--range starts at {a}, but {blob} has {} bytes",
                props.size
            )));
        }
        Some((a, b)) => (a, b.map_or(props.size, |b| (b + 1).min(props.size))),
    };
    const CHUNK: u64 = 8 << 20;
    let mut offset = start;
    let mut stdout = std::io::stdout().lock();
    while offset < end {
        let len = CHUNK.min(end - offset);
        let data = match client
            .get_range(&container, &blob, offset, len, &props.etag)
            .await
        {
            Ok(d) => d,
            Err(e) => return Ok(failed(crate::azure::describe_error(&e, account))),
        };
        if let Err(e) = stdout.write_all(&data) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(ExitCode::SUCCESS);
            }
            return Ok(failed(format!("cannot write to stdout: {e}")));
        }
        offset += len;
    }
    let _ = stdout.flush();
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------
// Targets of the bulk commands

/// What a bulk command works on: per account and container, blobs and folders.
struct Selection<'a> {
    groups: BTreeMap<(String, String), (&'a Account, Vec<Target>)>,
}

fn select<'a>(
    ctx: &'a Context,
    targets: &[String],
    recursive: bool,
) -> anyhow::Result<Selection<'a>> {
    let mut groups: BTreeMap<(String, String), (&Account, Vec<Target>)> = BTreeMap::new();
    for t in targets {
        let p = parse(t)?;
        let account = ctx.account(p.account.as_deref())?;
        let target = if p.prefix.is_empty() {
            return Err(bad(format!(
                "{t} is a whole container; name blobs or folders inside it (az://{}/folder/ with -r)",
                p.container
            )));
        } else if p.prefix.ends_with('/') {
            if !recursive {
                return Err(bad(format!(
                    "{t} is a folder; add -r to take every blob below it"
                )));
            }
            vec![Target::Folder(p.prefix.clone())]
        } else if recursive {
            // A name with -r: the blob of that name and the folder below it.
            vec![
                Target::Blob(p.prefix.clone()),
                Target::Folder(format!("{}/", p.prefix)),
            ]
        } else {
            vec![Target::Blob(p.prefix.clone())]
        };
        groups
            .entry((account.label.clone(), p.container.clone()))
            .or_insert_with(|| (account, Vec::new()))
            .1
            .extend(target);
    }
    Ok(Selection { groups })
}

/// The blobs a selection names, with sizes; explicit blobs that do not
/// exist are failures (a folder that holds nothing is one too).
async fn resolve(
    client: &StorageClient,
    container: &str,
    targets: &[Target],
    recursive: bool,
) -> Result<(ops::DeletePlan, Vec<(String, String)>), String> {
    let plan = ops::plan_delete(client, container, targets)
        .await
        .map_err(|e| e.describe(client.account()))?;
    let mut missing = Vec::new();
    // A directory of a hierarchical account counts as found, empty or not.
    let dirs: Vec<String> = plan.folders.iter().map(|d| format!("{d}/")).collect();
    let found: std::collections::HashSet<&str> = plan
        .blobs
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(dirs.iter().map(String::as_str))
        .collect();
    if recursive {
        // Each name given is a blob or a folder; nothing at all is a failure.
        let mut i = 0;
        while i < targets.len() {
            match (&targets[i], targets.get(i + 1)) {
                (Target::Blob(name), Some(Target::Folder(folder)))
                    if *folder == format!("{name}/") =>
                {
                    if !found.contains(name.as_str())
                        && !found.iter().any(|f| f.starts_with(folder))
                    {
                        missing.push((name.clone(), "no such blob or folder".into()));
                    }
                    i += 2;
                }
                (Target::Folder(folder), _) => {
                    if !found.iter().any(|f| f.starts_with(folder.as_str())) {
                        missing.push((folder.clone(), "no blobs below this folder".into()));
                    }
                    i += 1;
                }
                (Target::Blob(name), _) => {
                    if !found.contains(name.as_str()) {
                        missing.push((name.clone(), "no such blob".into()));
                    }
                    i += 1;
                }
            }
        }
    } else {
        for t in targets {
            if let Target::Blob(name) = t
                && !found.contains(name.as_str())
            {
                missing.push((name.clone(), "no such blob".into()));
            }
        }
    }
    Ok((plan, missing))
}

/// Prints a bulk command's failures and summary; the exit status.
fn finish(verb: &str, container: &str, report: &ops::BatchReport, failures: &mut usize) {
    for (name, why) in &report.failed {
        eprintln!("blobx: {container}/{name}: {why}");
    }
    *failures += report.failed.len();
    eprintln!(
        "blobx: {container}: {} blob{} ({}) {verb}{}",
        report.done,
        if report.done == 1 { "" } else { "s" },
        human_bytes(report.bytes),
        if report.failed.is_empty() {
            String::new()
        } else {
            format!(", {} failed", report.failed.len())
        }
    );
}

fn status(failures: usize) -> ExitCode {
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Each group of a selection resolved to its blobs, in order; what is missing
/// (or a group that cannot be listed) is printed and counted as a failure.
async fn resolved(
    selection: &Selection<'_>,
    recursive: bool,
    failures: &mut usize,
) -> anyhow::Result<Vec<(StorageClient, ops::DeletePlan)>> {
    let mut out = Vec::new();
    for ((_, container), (account, targets)) in &selection.groups {
        let client = StorageClient::new((*account).clone())?;
        match resolve(&client, container, targets, recursive).await {
            Ok((plan, missing)) => {
                for (name, why) in &missing {
                    eprintln!("blobx: {container}/{name}: {why}");
                }
                *failures += missing.len();
                out.push((client, plan));
            }
            Err(e) => {
                eprintln!("blobx: {container}: {e}");
                *failures += 1;
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// rm

pub async fn rm(args: RmArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    if !args.dry_run {
        ctx.allow_change("rm")?;
    }
    let selection = select(ctx, &args.targets, args.recursive)?;
    let mut failures = 0;
    for (client, plan) in resolved(&selection, args.recursive, &mut failures).await? {
        let container = &plan.container;
        if args.dry_run {
            for (name, _) in &plan.blobs {
                out(&format!("would delete az://{container}/{name}"));
            }
            for dir in &plan.folders {
                out(&format!("would delete az://{container}/{dir}/"));
            }
            eprintln!(
                "blobx: dry run: {} blob{} ({}) would be deleted from {container}",
                plan.blobs.len(),
                if plan.blobs.len() == 1 { "" } else { "s" },
                human_bytes(plan.total_bytes)
            );
            continue;
        }
        if plan.is_empty() {
            continue;
        }
        // A data lake deletes each directory in one recursive call.
        let report = if client.hierarchical().await && client.account().dfs_base().is_some() {
            crate::azure::datalake::dfs::delete_planned(&client, &plan).await
        } else {
            ops::delete_planned(&client, &plan, true).await
        };
        let dirs = match plan.folders.len() {
            0 => String::new(),
            n => format!(", {n} directories"),
        };
        crate::audit::audit(
            "delete blobs",
            &format!("{container} ({} blobs{dirs})", plan.blobs.len()),
        );
        finish("deleted", container, &report, &mut failures);
    }
    Ok(status(failures))
}

// ---------------------------------------------------------------------------
// set-tier

pub async fn set_tier(args: SetTierArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    ctx.allow_change("set-tier")?;
    let tier = AccessTier::parse(&args.tier).map_err(bad)?;
    let selection = select(ctx, &args.targets, args.recursive)?;
    let mut failures = 0;
    for (client, plan) in resolved(&selection, args.recursive, &mut failures).await? {
        let container = &plan.container;
        if plan.blobs.is_empty() {
            continue;
        }
        let report =
            crate::azure::batch::set_tier_many(&client, container, &plan.blobs, tier).await;
        crate::audit::audit(
            "set tier",
            &format!("{container} ({} blobs) -> {}", report.done, tier.as_str()),
        );
        finish(
            &format!("set to {}", tier.as_str()),
            container,
            &report,
            &mut failures,
        );
    }
    Ok(status(failures))
}

// ---------------------------------------------------------------------------
// set-props

pub async fn set_props(args: SetPropsArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    ctx.allow_change("set-props")?;
    let change = BlobChange {
        headers: HeaderEdit {
            content_type: args.content_type.clone(),
            cache_control: args.cache_control.clone(),
            content_disposition: args.content_disposition.clone(),
            content_encoding: args.content_encoding.clone(),
            content_language: args.content_language.clone(),
        },
        metadata: MetadataEdit {
            set: parse_metadata_args(&args.metadata).map_err(bad)?,
            remove: args.remove_metadata.clone(),
        },
        tags: TagEdit::Keep,
    };
    change.check().map_err(bad)?;
    if change.is_empty() {
        return Err(bad(
            "set-props: name at least one header (--content-type, --cache-control, …) or --metadata / --remove-metadata",
        ));
    }
    let selection = select(ctx, &args.targets, args.recursive)?;
    let mut failures = 0;
    for (client, plan) in resolved(&selection, args.recursive, &mut failures).await? {
        let container = &plan.container;
        if plan.blobs.is_empty() {
            continue;
        }
        let (client, change) = (&client, &change);
        let report = bulk::each_blob(&plan.blobs, |name| async move {
            change
                .apply(client, container, &name)
                .await
                .map_err(|e| e.describe(client.account()))
        })
        .await;
        crate::audit::audit(
            "set properties",
            &format!("{container} ({} blobs)", report.done),
        );
        finish("changed", container, &report, &mut failures);
    }
    Ok(status(failures))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0-9"), Ok((0, Some(9))));
        assert_eq!(parse_range("10-"), Ok((10, None)));
        assert!(parse_range("9-1").is_err());
        assert!(parse_range("x-1").is_err());
        assert!(parse_range("5").is_err());
    }
}
