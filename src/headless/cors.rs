//! `blobx cors get|set|test`: an account's Blob service CORS rules as JSON,
//! applied with the same checks and the same read-modify-write as the TUI
//! editor (only the `<Cors>` element is written), and the real preflight.

use super::Context;
use super::read_input;
use crate::azure::Account;
use crate::azure::StorageClient;
use crate::azure::cors::{
    CorsJson, PreflightRequest, SaveOutcome, diff_text, get_cors, parse_json, save_cors,
    split_list, test_preflight,
};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print the Blob service's CORS rules as JSON.
    Get {
        /// Account label, name or id (default: --account, else the default account).
        account: Option<String>,
    },
    /// Check and apply rules from a JSON file like `get` prints (`-` reads
    /// stdin). Only the CORS rules change; every other service setting stays.
    Set {
        /// The JSON file, or - for stdin.
        file: String,
        /// Account label, name or id (default: --account, else the default account).
        account: Option<String>,
        /// Check the file and print what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Send the preflight a browser would send and say whether it is allowed
    /// (exit status 1 when it is not).
    Test {
        /// The page's origin, e.g. https://app.example.com.
        #[arg(long)]
        origin: String,
        /// The method the page wants to use.
        #[arg(long, default_value = "GET")]
        method: String,
        /// Request headers the page sends, comma-separated.
        #[arg(long, default_value = "")]
        headers: String,
        /// Account label, name or id (default: --account, else the default account).
        account: Option<String>,
    },
}

fn account<'a>(ctx: &'a Context, positional: Option<&str>) -> anyhow::Result<&'a Account> {
    ctx.account(positional)
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Get { account: name } => {
            let account = account(ctx, name.as_deref())?;
            let client = StorageClient::new(account.clone())?;
            let rules = get_cors(&client)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
            println!("{}", CorsJson::new(Some(&account.name), &rules).to_pretty());
        }
        Action::Set {
            file,
            account: name,
            dry_run,
        } => {
            if !dry_run {
                ctx.allow_change("cors set")?;
            }
            // Every check happens before the first request.
            let text = read_input(&file)?;
            let (from, rules) = parse_json(&text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let account = account(ctx, name.as_deref())?;
            if let Some(from) = from.filter(|f| *f != account.name) {
                eprintln!(
                    "blobx: {file} was read from account {from}; applying it to {}",
                    account.name
                );
            }
            let client = StorageClient::new(account.clone())?;
            if dry_run {
                let current = get_cors(&client)
                    .await
                    .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
                eprintln!("{}", diff_text(&current, &rules));
                eprintln!("blobx: dry run: nothing was written");
                return Ok(ExitCode::SUCCESS);
            }
            let outcome = save_cors(&client, &rules, None)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
            match outcome {
                SaveOutcome::Saved { previous } => {
                    let what = format!("{}: {} rules", account.label, rules.len());
                    crate::audit::audit("set cors rules", &what);
                    eprintln!("{}", diff_text(&previous, &rules));
                    eprintln!(
                        "blobx: saved {} CORS rule{} on {}; other service settings are unchanged",
                        rules.len(),
                        if rules.len() == 1 { "" } else { "s" },
                        account.label
                    );
                }
                // Without an expected set nothing can have changed under us.
                SaveOutcome::Changed { .. } => {
                    anyhow::bail!("the CORS rules changed while saving; nothing was written")
                }
            }
            println!("{}", CorsJson::new(Some(&account.name), &rules).to_pretty());
        }
        Action::Test {
            origin,
            method,
            headers,
            account: name,
        } => {
            let request = PreflightRequest {
                origin: origin.trim().to_string(),
                method: method.trim().to_ascii_uppercase(),
                headers: split_list(&headers),
            };
            request.check().map_err(|e| anyhow::anyhow!(e))?;
            let account = account(ctx, name.as_deref())?;
            let client = StorageClient::new(account.clone())?;
            let report = test_preflight(&client, &request)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?;
            println!("{}", report.headline());
            println!("service: {}", report.answer.describe());
            println!("rules: {}", report.verdict.explain(&request));
            if !report.agrees() {
                println!(
                    "note: the service's answer differs from blobx's reading of the rules; the service's answer is what browsers get"
                );
            }
            if !report.answer.allowed {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
