//! `blobx inventory get|create`: an account's Blob Inventory rules
//! (Resource Manager, for accounts found through Microsoft Entra ID), which
//! of them blobx can size from (`blobx du --inventory`), and a daily CSV
//! rule added with the same checks, re-read and audit line as the TUI's `I`.

use super::Context;
use super::lifecycle::{need_arm, resolve};
use crate::azure::inventory_policy::{self as policy, Created};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print the account's inventory rules and which of them blobx can size from.
    Get {
        /// Account label or name (found through Microsoft Entra ID).
        // Its own id: the global --account is also called "account".
        #[arg(id = "target_account", value_name = "ACCOUNT")]
        account: String,
        /// The policy as JSON (`properties.policy`; null when there is none).
        #[arg(long)]
        json: bool,
    },
    /// Add a daily CSV rule for block blobs with the columns blobx reads,
    /// writing into an existing container; other rules are kept.
    Create {
        // Its own id: the global --account is also called "account".
        #[arg(id = "target_account", value_name = "ACCOUNT")]
        account: String,
        /// The container the reports go to (it must exist).
        #[arg(long, value_name = "CONTAINER")]
        dest: String,
        /// The rule's name (default: blobxsizes, a number added if taken).
        #[arg(long)]
        name: Option<String>,
    },
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Get {
            account: name,
            json,
        } => {
            let (account, arm) = resolve(ctx, &name, true).await?;
            let (arm, id) = need_arm(&account, arm, "inventory rules")?;
            let loaded = match policy::load(&arm, &id).await {
                Ok(l) => l,
                Err(e) => return Ok(super::blobs::failed(e)),
            };
            if json {
                let v = loaded.policy.unwrap_or_default();
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                return Ok(ExitCode::SUCCESS);
            }
            let all = policy::rules(loaded.policy.as_ref());
            for r in &all {
                // Names as the service has them, control characters made visible.
                let line: String = r
                    .line()
                    .chars()
                    .map(|c| if c.is_control() { '?' } else { c })
                    .collect();
                println!("{line}");
            }
            if let Err(why) = policy::usable(loaded.policy.as_ref()) {
                eprintln!(
                    "blobx: {}: {why}; `blobx inventory create {} --dest CONTAINER` adds one",
                    account.label, account.label
                );
            }
        }
        Action::Create {
            account: name,
            dest,
            name: rule,
        } => {
            ctx.allow_change("inventory create")?;
            // Checked before the first request.
            crate::azure::ops::check_container_name(&dest)
                .map_err(|e| anyhow::anyhow!("--dest {dest:?}: {e}"))?;
            if let Some(r) = &rule {
                policy::check_rule_name(r).map_err(|e| anyhow::anyhow!("--name {r:?}: {e}"))?;
            }
            let (account, arm) = resolve(ctx, &name, true).await?;
            let (arm, id) = need_arm(&account, arm, "inventory rules")?;
            let loaded = match policy::load(&arm, &id).await {
                Ok(l) => l,
                Err(e) => return Ok(super::blobs::failed(e)),
            };
            let rule = rule.unwrap_or_else(|| policy::free_name(loaded.policy.as_ref()));
            let after = policy::with_rule(
                loaded.policy.as_ref(),
                policy::default_rule(&rule, &dest, loaded.versioning),
            )
            .map_err(|e| anyhow::anyhow!(e))?;
            for line in policy::review(loaded.policy.as_ref(), &after, &rule) {
                eprintln!("blobx: {line}");
            }
            match policy::create(&arm, &id, loaded.policy.as_ref(), &after, &rule).await {
                Ok(Created::Saved) => {
                    eprintln!("blobx: saved inventory rule {rule} on {}", account.label)
                }
                Ok(Created::Changed { .. }) => {
                    return Ok(super::blobs::failed(format!(
                        "the inventory policy on {} changed while saving; nothing was written",
                        account.label
                    )));
                }
                Err(e) => return Ok(super::blobs::failed(e)),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
