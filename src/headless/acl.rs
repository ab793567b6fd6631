//! `blobx acl get|set` and `blobx mkdir`: permissions and directories of
//! data lake (hierarchical namespace) accounts, through the Data Lake
//! endpoint. A recursive `acl set` saves its continuation after every batch
//! (`acl-runs.json` in the data folder), so the same command run again after
//! an interruption (a network failure, a kill) goes on where it stopped.

use super::Context;
use super::blobs::{failed, parse};
use crate::azure::StorageClient;
use crate::azure::datalake::acl;
use crate::azure::datalake::dfs::{self, Mode, Progress};
use serde_json::json;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct AclArgs {
    #[command(subcommand)]
    pub action: AclAction,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ModeArg {
    /// Replace the whole ACL (it must hold user::, group:: and other::).
    Set,
    /// Add or change the entries given, keep the rest.
    Modify,
    /// Remove the entries given (written without permissions: user:<id>).
    Remove,
}

#[derive(Debug, clap::Subcommand)]
pub enum AclAction {
    /// Print the owner, group, permissions and ACL of a file or directory
    /// (data lake accounts).
    Get {
        /// az://container/path (abfss://… works too)
        target: String,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Set the ACL of a file or directory, e.g.
    /// user::rwx,group::r-x,other::---,default:user:<object id>:r-x
    Set {
        /// az://container/path
        target: String,
        /// The ACL (comma-separated entries).
        acl: String,
        /// Also everything below a directory, in batches, with progress; run
        /// the same command again to resume one that stopped.
        #[arg(short, long)]
        recursive: bool,
        /// How the ACL given changes the ones there (modify and remove need
        /// --recursive).
        #[arg(long, value_enum, default_value = "set")]
        mode: ModeArg,
        /// The result as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct MkdirArgs {
    /// az://container/path of the directory to create (parents too)
    pub target: String,
}

fn lake_target(ctx: &Context, target: &str) -> anyhow::Result<(StorageClient, String, String)> {
    let p = parse(target)?;
    let account = ctx.account(p.account.as_deref())?;
    let path = p.prefix.trim_matches('/').to_string();
    Ok((StorageClient::new(account.clone())?, p.container, path))
}

/// Refuses a flat account in words (exit 1): it has no directories or ACLs.
async fn require_lake(client: &StorageClient) -> Option<ExitCode> {
    (!client.hierarchical().await).then(|| {
        failed(format!(
            "{} has no hierarchical namespace: ACLs and directories are for Data Lake Storage Gen2 accounts",
            client.account().label
        ))
    })
}

pub async fn mkdir(args: MkdirArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    ctx.allow_change("mkdir")?;
    let (client, container, path) = lake_target(ctx, &args.target)?;
    if path.is_empty() {
        return Err(anyhow::anyhow!("mkdir: give a path inside the container"));
    }
    if let Some(code) = require_lake(&client).await {
        return Ok(code);
    }
    match dfs::create_directory(&client, &container, &path).await {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Ok(failed(e.describe(client.account()))),
    }
}

pub async fn run(args: AclArgs, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.action {
        AclAction::Get { target, json } => {
            let (client, container, path) = lake_target(ctx, &target)?;
            if let Some(code) = require_lake(&client).await {
                return Ok(code);
            }
            let got = match dfs::get_access_control(&client, &container, &path).await {
                Ok(g) => g,
                Err(e) if e.status() == Some(404) => {
                    return Ok(failed(format!("no {path} in {container}")));
                }
                Err(e) => return Ok(failed(e.describe(client.account()))),
            };
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "container": container,
                        "path": path,
                        "owner": got.owner,
                        "group": got.group,
                        "permissions": got.permissions,
                        "acl": got.acl.split(',').filter(|e| !e.is_empty()).collect::<Vec<_>>(),
                    }))?
                );
            } else {
                println!("owner: {}", got.owner);
                println!("group: {}", got.group);
                println!("permissions: {}", got.permissions);
                for e in got.acl.split(',').filter(|e| !e.is_empty()) {
                    println!("{e}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        AclAction::Set {
            target,
            acl: text,
            recursive,
            mode,
            json,
        } => {
            ctx.allow_change("acl set")?;
            let mode = match mode {
                ModeArg::Set => Mode::Set,
                ModeArg::Modify => Mode::Modify,
                ModeArg::Remove => Mode::Remove,
            };
            if !recursive && mode != Mode::Set {
                return Err(anyhow::anyhow!(
                    "acl set: --mode modify and remove need --recursive"
                ));
            }
            let parsed =
                acl::parse(&text, mode.acl_use()).map_err(|e| anyhow::anyhow!("acl set: {e}"))?;
            let (client, container, path) = lake_target(ctx, &target)?;
            if let Some(code) = require_lake(&client).await {
                return Ok(code);
            }
            if !recursive {
                return Ok(
                    match dfs::set_access_control(&client, &container, &path, &parsed).await {
                        Ok(()) => ExitCode::SUCCESS,
                        Err(e) => failed(e.describe(client.account())),
                    },
                );
            }
            set_recursive(&client, &container, &path, mode, &parsed, json).await
        }
    }
}

async fn set_recursive(
    client: &StorageClient,
    container: &str,
    path: &str,
    mode: Mode,
    parsed: &acl::Acl,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let run = crate::transfer::acl_runs::AclRun::new(client, container, path, mode, parsed);
    if run.resumes() {
        eprintln!("blobx: resuming an unfinished run on {container}/{path}");
    }
    let result = run
        .run(|p: &Progress| {
            if !json {
                eprintln!(
                    "blobx: {} directories, {} files, {} failed so far",
                    p.directories, p.files, p.failures
                );
            }
        })
        .await;
    let (progress, error) = match result {
        Ok(p) => (p, None),
        Err((p, e)) => (p, Some(e.describe(client.account()))),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "container": container,
                "path": path,
                "mode": mode.as_str(),
                "directories": progress.directories,
                "files": progress.files,
                "failures": progress.failures,
                "failed": progress.failed.iter().map(|(n, why)| json!({"path": n, "error": why})).collect::<Vec<_>>(),
                "finished": error.is_none(),
                "error": error,
            }))?
        );
    } else {
        for (n, why) in &progress.failed {
            eprintln!("blobx: {container}/{n}: {why}");
        }
    }
    if let Some(e) = error {
        if !json {
            eprintln!("blobx: {e}");
        }
        eprintln!("blobx: stopped; run the same command again to resume");
        return Ok(ExitCode::from(1));
    }
    Ok(if progress.failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
