//! `blobx restore az://container/blob`: brings back a deleted blob the way
//! `U` does in the TUI: under versioning by promoting its latest version
//! (Copy Blob from the version URL, verified), otherwise with Undelete Blob.

use super::Context;
use crate::azure::StorageClient;
use crate::azure::history::{Restored, restore_deleted};
use crate::azure::uri::parse_az_uri;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The deleted blob: az://container/blob (az://container@ACCOUNT/blob for another account).
    pub blob: String,
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let at = parse_az_uri(&args.blob).map_err(|e| anyhow::anyhow!(e))?;
    if at.prefix.is_empty() || at.prefix.ends_with('/') {
        anyhow::bail!("{}: name one blob, not a container or folder", args.blob);
    }
    ctx.allow_change("restore")?;
    let account = ctx.account(at.account.as_deref())?;
    let client = StorageClient::new(account.clone())?;
    let how = restore_deleted(&client, &at.container, &at.prefix)
        .await
        .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
    match how {
        Restored::Undeleted => eprintln!("blobx: undeleted {}", at.prefix),
        Restored::FromVersion(v) => {
            eprintln!("blobx: restored {} from its {}", at.prefix, v.describe())
        }
    }
    Ok(ExitCode::SUCCESS)
}
