//! `blobx access get|set az://container`: a container's public access level
//! and stored access policies as JSON, with the same checks and the same
//! read-modify-write as the TUI's forms.

use super::Context;
use crate::azure::access::{AccessJson, get_access, parse_access_json, update_access};
use crate::azure::uri::parse_az_uri;
use crate::azure::{Account, StorageClient};
use std::io::Read;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print the public access level and stored access policies as JSON.
    Get {
        /// az://container (az://container@ACCOUNT for another account).
        target: String,
    },
    /// Apply a JSON file like `get` prints (`-` reads stdin). A missing
    /// "public_access" or "policies" keeps that half; an "etag" refuses to
    /// save over a change made since it was read.
    Set {
        /// az://container (az://container@ACCOUNT for another account).
        target: String,
        /// The JSON file, or - for stdin.
        file: String,
    },
}

fn container_of<'a>(ctx: &'a Context, target: &str) -> anyhow::Result<(&'a Account, String)> {
    let path = parse_az_uri(target).map_err(|e| anyhow::anyhow!(e))?;
    if !path.prefix.is_empty() {
        anyhow::bail!(
            "access settings belong to a whole container; use az://{}",
            path.container
        );
    }
    Ok((ctx.account(path.account.as_deref())?, path.container))
}

fn print_json(value: &AccessJson) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Get { target } => {
            let (account, container) = container_of(ctx, &target)?;
            let client = StorageClient::new(account.clone())?;
            let access = get_access(&client, &container)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
            print_json(&AccessJson::from_access(&container, &access))?;
        }
        Action::Set { target, file } => {
            ctx.allow_change("access set")?;
            let (account, container) = container_of(ctx, &target)?;
            let text = if file == "-" {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .map_err(|e| anyhow::anyhow!("cannot read stdin: {e}"))?;
                s
            } else {
                std::fs::read_to_string(&file)
                    .map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))?
            };
            let json = parse_access_json(&text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            if let Some(c) = json.container.as_deref()
                && c != container
            {
                anyhow::bail!(
                    "{file} was read from container {c}, not {container}; remove its \"container\" line to apply it here"
                );
            }
            // Every check happens before the first request.
            let change = json
                .to_change()
                .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let client = StorageClient::new(account.clone())?;
            let saved = update_access(&client, &container, &change, json.etag.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
            let what = format!(
                "{container} on {}: public access {}, {} policies",
                account.label,
                saved.public_access.as_str(),
                saved.policies.len()
            );
            crate::audit::audit("set container access", &what);
            if let Some(w) = saved.public_access.warning() {
                eprintln!("blobx: warning: {container} is public now. {w}");
            }
            eprintln!(
                "blobx: saved {container}: public access {}, {} stored access polic{}",
                saved.public_access.as_str(),
                saved.policies.len(),
                if saved.policies.len() == 1 {
                    "y"
                } else {
                    "ies"
                }
            );
            print_json(&AccessJson::from_access(&container, &saved))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
