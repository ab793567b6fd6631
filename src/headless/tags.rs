//! `blobx tag get|set` and `blobx find` (by name pattern, or by index tags
//! with Find Blobs by Tags at container or account scope).

use super::Context;
use super::blobs::{blob_target, entry_line, failed, parse};
use crate::azure::StorageClient;
use crate::azure::tags::{self, Tags};
use serde_json::{Value, json};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TagArgs {
    #[command(subcommand)]
    pub action: TagAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum TagAction {
    /// Print a blob's index tags (key=value lines, or JSON).
    Get {
        /// az://container/blob
        target: String,
        /// One JSON object (see README, "JSON output").
        #[arg(long)]
        json: bool,
    },
    /// Replace a blob's index tags (at most 10; key 1-128, value 0-256
    /// characters of a-z A-Z 0-9 space + - . / : = _).
    Set {
        /// az://container/blob
        target: String,
        /// The tags, as key=value (none with --clear).
        tags: Vec<String>,
        /// Keep the blob's other tags; the ones given are added or replaced.
        #[arg(long)]
        merge: bool,
        /// Remove every tag.
        #[arg(long, conflicts_with_all = ["tags", "merge"])]
        clear: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct FindArgs {
    /// az://container[/prefix] to search; with --tags, optional (the whole
    /// account without it).
    pub target: Option<String>,
    /// Name pattern as in the explorer's find: a glob (`**/*.csv`), a
    /// /regex/, or a substring.
    pub pattern: Option<String>,
    /// A tag query instead, e.g. "\"project\" = 'churn' AND \"date\" >= '2024-01'".
    #[arg(long, value_name = "QUERY", conflicts_with = "pattern")]
    pub tags: Option<String>,
    /// Long form for name searches: size, last modified, tier, name.
    #[arg(short = 'l', long)]
    pub long: bool,
    /// One JSON object per line (see README, "JSON output").
    #[arg(long)]
    pub json: bool,
}

fn tags_object(tags: &Tags) -> Value {
    Value::Object(
        tags.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

pub async fn tag(args: TagArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.action {
        TagAction::Get { target, json } => {
            let (account, container, blob) = blob_target(ctx, &target)?;
            let client = StorageClient::new(account.clone())?;
            let tags = match tags::get_tags(&client, &container, &blob).await {
                // Sorted by key, as the service keeps them (the emulator keeps the order given).
                Ok(mut t) => {
                    t.sort();
                    t
                }
                Err(e) if e.status() == Some(404) => {
                    return Ok(failed(format!("no blob {blob} in {container}")));
                }
                Err(e) => return Ok(failed(e.describe(account))),
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "container": container,
                        "name": blob,
                        "tags": tags_object(&tags),
                    }))?
                );
            } else {
                for (k, v) in &tags {
                    println!("{k}={v}");
                }
            }
        }
        TagAction::Set {
            target,
            tags: args,
            merge,
            clear,
        } => {
            ctx.allow_change("tag set")?;
            if args.is_empty() && !clear {
                anyhow::bail!("tag set: give key=value tags, or --clear to remove every tag");
            }
            let given = args
                .iter()
                .map(|a| tags::parse_tag_arg(a))
                .collect::<Result<Tags, _>>()
                .map_err(|e| anyhow::anyhow!(e))?;
            if !merge {
                tags::check_tags(&given).map_err(|e| anyhow::anyhow!(e))?;
            }
            let (account, container, blob) = blob_target(ctx, &target)?;
            let client = StorageClient::new(account.clone())?;
            let next = if merge {
                let mut current = match tags::get_tags(&client, &container, &blob).await {
                    Ok(t) => t,
                    Err(e) => return Ok(failed(e.describe(account))),
                };
                for (k, v) in given {
                    match current.iter_mut().find(|(ck, _)| *ck == k) {
                        Some(slot) => slot.1 = v,
                        None => current.push((k, v)),
                    }
                }
                if let Err(e) = tags::check_tags(&current) {
                    return Ok(failed(format!("{blob}: {e}")));
                }
                current
            } else {
                given
            };
            if let Err(e) = tags::set_tags(&client, &container, &blob, &next).await {
                return Ok(failed(e.describe(account)));
            }
            crate::audit::audit(
                "set tags",
                &format!("{container}/{blob} ({} tags)", next.len()),
            );
            eprintln!("blobx: {container}/{blob}: {} tags", next.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn find(args: FindArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    if let Some(query) = &args.tags {
        return find_tags(query, args.target.as_deref(), args.json, ctx).await;
    }
    let (Some(target), Some(pattern)) = (&args.target, &args.pattern) else {
        anyhow::bail!("find: give az://container[/prefix] and a pattern, or --tags QUERY");
    };
    let find = crate::azure::find::Find::parse(pattern).map_err(|e| anyhow::anyhow!(e))?;
    let p = parse(target)?;
    let account = ctx.account(p.account.as_deref())?;
    let client = StorageClient::new(account.clone())?;
    let mut error = None;
    crate::azure::find::scan(
        &client,
        &p.container,
        &p.prefix,
        &find,
        |page, _| match page {
            Ok((matches, _scanned)) => matches
                .iter()
                .all(|e| print_line(&entry_line(&p.container, e, args.long, args.json))),
            Err(e) => {
                error = Some(e);
                false
            }
        },
    )
    .await;
    Ok(match error {
        Some(e) => failed(e),
        None => ExitCode::SUCCESS,
    })
}

fn print_line(line: &str) -> bool {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

async fn find_tags(
    query: &str,
    target: Option<&str>,
    json: bool,
    ctx: &Context,
) -> anyhow::Result<ExitCode> {
    tags::check_tag_query(query).map_err(|e| anyhow::anyhow!(e))?;
    let (account, container) = match target {
        Some(t) => {
            let p = parse(t)?;
            if !p.prefix.is_empty() {
                anyhow::bail!(
                    "a tag search covers a whole container; use az://{} (names are in the results)",
                    p.container
                );
            }
            (ctx.account(p.account.as_deref())?, Some(p.container))
        }
        None => (ctx.account(None)?, None),
    };
    let client = StorageClient::new(account.clone())?;
    let result = tags::find_by_tags(&client, container.as_deref(), query, |blobs| {
        blobs.iter().all(|b| {
            let line = if json {
                json!({
                    "container": b.container,
                    "name": b.name,
                    "tags": tags_object(&b.tags),
                })
                .to_string()
            } else {
                format!("az://{}/{}", b.container, b.name)
            };
            print_line(&line)
        })
    })
    .await;
    Ok(match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(e.describe(account)),
    })
}
