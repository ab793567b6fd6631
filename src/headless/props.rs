//! `blobx props get|set`: the Blob service's settings (soft delete, static
//! website, logging, metrics) as JSON, applied with the same checks and the
//! same read-modify-write as the TUI's settings pane (CORS and every other
//! element of the document stay as they are).

use super::Context;
use super::read_input;
use crate::azure::StorageClient;
use crate::azure::props::{
    PropsJson, SaveOutcome, diff_lines, get_settings, parse_json, save_settings, website_endpoint,
};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print the Blob service's settings as JSON.
    Get {
        /// Account label, name or id (default: --account, else the default account).
        account: Option<String>,
    },
    /// Check and apply settings from a JSON file like `get` prints (`-` reads
    /// stdin). Only the sections the file holds change; CORS and the rest stay.
    Set {
        /// Account label, name or id.
        account: String,
        /// The JSON file, or - for stdin.
        file: String,
        /// Check the file and print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Get { account: name } => {
            let account = ctx.account(name.as_deref())?;
            let client = StorageClient::new(account.clone())?;
            let settings = get_settings(&client)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
            let json = PropsJson::new(
                Some(&account.name),
                Some(website_endpoint(account)),
                &settings,
            );
            println!("{}", json.to_pretty());
        }
        Action::Set {
            account: name,
            file,
            dry_run,
        } => {
            if !dry_run {
                ctx.allow_change("props set")?;
            }
            // The file is checked before the first request.
            let text = read_input(&file)?;
            let json = parse_json(&text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let account = ctx.account(Some(&name))?;
            if let Some(from) = json.account.as_deref().filter(|f| *f != account.name) {
                eprintln!(
                    "blobx: {file} was read from account {from}; applying it to {}",
                    account.name
                );
            }
            let client = StorageClient::new(account.clone())?;
            let current = get_settings(&client)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
            let after = json.apply(&current).normalized();
            after.check().map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let changes = diff_lines(&current, &after);
            for line in &changes {
                eprintln!("  {line}");
            }
            if dry_run {
                eprintln!("blobx: dry run: nothing was written");
                return Ok(ExitCode::SUCCESS);
            }
            // Saved only if nobody changed the settings since they were read.
            match save_settings(&client, &after, Some(&current))
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?
            {
                SaveOutcome::Saved { .. } => eprintln!(
                    "blobx: saved {} change{} on {}; CORS and the other service settings are unchanged",
                    changes.len(),
                    if changes.len() == 1 { "" } else { "s" },
                    account.label
                ),
                SaveOutcome::Unchanged => {
                    eprintln!("blobx: nothing to change on {}", account.label)
                }
                SaveOutcome::Changed { .. } => anyhow::bail!(
                    "the settings on {} changed while saving; nothing was written (read them again with `blobx props get`)",
                    account.label
                ),
            }
            let json = PropsJson::new(Some(&account.name), Some(website_endpoint(account)), &after);
            println!("{}", json.to_pretty());
        }
    }
    Ok(ExitCode::SUCCESS)
}
