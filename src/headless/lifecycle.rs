//! `blobx lifecycle get|set`: an account's lifecycle management policy
//! (Resource Manager, for accounts found through Microsoft Entra ID) as JSON,
//! checked against the service's limits before anything is sent, saved with
//! the same re-read as the TUI; `--dry-run` lists the account and says what
//! the rules would do today (or `--as-of` another day), per rule and action.

use super::{Context, read_input};
use crate::azure::entra::Arm;
use crate::azure::lifecycle::{self, Policy, Saved};
use crate::azure::{Account, StorageClient};
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Args)]
pub struct DryRunArgs {
    /// Write nothing: list the account and print what the rules would move or delete.
    #[arg(long)]
    pub dry_run: bool,
    /// Evaluate the rules as on this day (RFC 3339, e.g. 2027-01-31T00:00:00Z) instead of now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
    /// Print the dry run as JSON (every name, up to 10,000 per action).
    #[arg(long)]
    pub json: bool,
    /// Names printed per action in the text report.
    #[arg(long, default_value_t = 20)]
    pub names: usize,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Print the account's lifecycle policy as JSON ({"rules": [...]}).
    Get {
        /// Account label or name (found through Microsoft Entra ID).
        // Its own id: the global --account is also called "account".
        #[arg(id = "target_account", value_name = "ACCOUNT")]
        account: String,
        #[command(flatten)]
        run: DryRunArgs,
    },
    /// Check and save a policy from a JSON file like `get` prints (`-` reads
    /// stdin); {"rules": []} removes the policy.
    Set {
        // Its own id: the global --account is also called "account".
        #[arg(id = "target_account", value_name = "ACCOUNT")]
        account: String,
        /// The JSON file, or - for stdin.
        file: String,
        #[command(flatten)]
        run: DryRunArgs,
    },
}

fn now_or(as_of: Option<&str>) -> anyhow::Result<i64> {
    match as_of {
        None => Ok(time::OffsetDateTime::now_utc().unix_timestamp()),
        Some(t) => crate::azure::history::parse_stamp(t).ok_or_else(|| {
            anyhow::anyhow!("--as-of {t:?} is not a time like 2027-01-31T00:00:00Z")
        }),
    }
}

/// The account and Resource Manager for it: an attached account found
/// through Entra ID keeps its resource id; otherwise the accounts the
/// signed-in identity can see are searched by name (unless Resource
/// Manager is not needed: a dry run of a file lists any account).
pub(super) async fn resolve(
    ctx: &Context,
    name: &str,
    needs_arm: bool,
) -> anyhow::Result<(Account, Option<(Arm, String)>)> {
    let endpoint = ctx.config.settings.entra.arm_endpoint.clone();
    if let Ok(account) = ctx.account(Some(name)) {
        if account.arm_id.is_some() {
            let arm = Arm::for_account(&endpoint, account).map_err(|e| anyhow::anyhow!(e))?;
            return Ok((account.clone(), Some(arm)));
        }
        if !needs_arm || account.is_emulator || !ctx.config.settings.entra.enabled {
            return Ok((account.clone(), None));
        }
    }
    if !ctx.config.settings.entra.enabled {
        anyhow::bail!("no account {name:?}, and Entra ID is turned off in config.toml");
    }
    let (credential, _) = crate::azure::entra::credential(|k| std::env::var(k).ok())
        .map_err(|e| anyhow::anyhow!(e))?;
    let arm = Arm::new(&endpoint, credential.clone()).map_err(|e| anyhow::anyhow!(e))?;
    let (found, _) = arm.discover().await.map_err(|e| anyhow::anyhow!(e))?;
    let d = found
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no storage account {name:?} among those your Entra ID identity can see"
            )
        })?;
    let account = d.account(credential).map_err(|e| anyhow::anyhow!(e))?;
    let arm = Arm::for_account(&endpoint, &account).map_err(|e| anyhow::anyhow!(e))?;
    Ok((account, Some(arm)))
}

pub(super) fn need_arm(
    account: &Account,
    arm: Option<(Arm, String)>,
    what: &str,
) -> anyhow::Result<(Arm, String)> {
    arm.ok_or_else(|| {
        let dry = if what == "lifecycle rules" {
            format!(
                "; a dry run of a file works on any account (`blobx lifecycle set {} FILE --dry-run`)",
                account.label
            )
        } else {
            String::new()
        };
        anyhow::anyhow!(
            "{}: {what} live in Azure Resource Manager, reached for accounts found through Microsoft Entra ID (sign in with az login){dry}",
            account.label,
        )
    })
}

async fn dry_run(account: &Account, policy: &Policy, run: &DryRunArgs) -> anyhow::Result<ExitCode> {
    let now = now_or(run.as_of.as_deref())?;
    let client = StorageClient::new(account.clone())?;
    let result = lifecycle::dry_run(&client, policy, now, CancellationToken::new(), |_| {}).await;
    let result = match result {
        Ok(r) => r,
        Err(e) => return Ok(super::blobs::failed(e)),
    };
    if run.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&result).unwrap_or_default()
        );
    } else {
        for line in lifecycle::report(&result, run.names) {
            println!("{line}");
        }
    }
    eprintln!("blobx: dry run: nothing was written");
    Ok(ExitCode::SUCCESS)
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    match args.action {
        Action::Get { account: name, run } => {
            let (account, arm) = resolve(ctx, &name, true).await?;
            let (arm, id) = need_arm(&account, arm, "lifecycle rules")?;
            let policy = match lifecycle::get(&arm, &id).await {
                Ok(p) => p,
                Err(e) => return Ok(super::blobs::failed(e)),
            };
            if run.dry_run {
                return dry_run(&account, &policy, &run).await;
            }
            println!("{}", lifecycle::to_json(&policy));
        }
        Action::Set {
            account: name,
            file,
            run,
        } => {
            if !run.dry_run {
                ctx.allow_change("lifecycle set")?;
            }
            // The file is checked before the first request.
            let text = read_input(&file)?;
            let policy = lifecycle::parse(&text).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
            let problems = lifecycle::problems(&policy);
            if !problems.is_empty() {
                anyhow::bail!("{file}: {}", problems.join("; "));
            }
            let (account, arm) = resolve(ctx, &name, !run.dry_run).await?;
            if run.dry_run {
                return dry_run(&account, &policy, &run).await;
            }
            let (arm, id) = need_arm(&account, arm, "lifecycle rules")?;
            let current = match lifecycle::get(&arm, &id).await {
                Ok(p) => p,
                Err(e) => return Ok(super::blobs::failed(e)),
            };
            match lifecycle::save(&arm, &id, &policy, &current).await {
                Ok(Saved::Saved { .. }) => eprintln!(
                    "blobx: saved {} lifecycle rule(s) on {}",
                    policy.rules.len(),
                    account.label
                ),
                Ok(Saved::Unchanged) => {
                    eprintln!("blobx: nothing to change on {}", account.label)
                }
                Ok(Saved::Changed { .. }) => {
                    return Ok(super::blobs::failed(format!(
                        "the lifecycle policy on {} changed while saving; nothing was written",
                        account.label
                    )));
                }
                Err(e) => return Ok(super::blobs::failed(e)),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
