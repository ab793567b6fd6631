//! `blobx du az://container/prefix [--depth N] [--json]`: bytes and blob
//! counts per folder, split by access tier, with an estimated monthly cost.
//! The tree is walked in parallel (`azure::walk`); only totals per folder
//! are kept.

use super::Context;
use super::filter_args::FilterArgs;
use crate::azure::StorageClient;
use crate::azure::filter::Filter;
use crate::azure::inventory;
use crate::azure::sizes::{Count, Sizes, Totals};
use crate::azure::uri::parse_az_uri;
use crate::azure::walk::{Walk, WalkOptions};
use crate::config::settings::Prices;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// az://container or az://container/folder (a folder name is read as `folder/`).
    pub location: String,
    /// Folder levels to total below the location (0: the location only).
    #[arg(long, short, default_value_t = 1, value_name = "N")]
    pub depth: usize,
    /// Print JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Sizes from the latest Blob Inventory report below this place
    /// (az://destination-container/prefix) instead of listing.
    #[arg(long, value_name = "AZ_URI")]
    pub inventory: Option<String>,
    /// Only this inventory rule's reports (`<rule>-manifest.json`), when
    /// several rules write below the same place (`blobx inventory get` lists them).
    #[arg(long, value_name = "RULE", requires = "inventory")]
    pub inventory_rule: Option<String>,
    /// Folders listed at once.
    #[arg(long, default_value_t = crate::azure::walk::DEFAULT_PARALLEL, value_name = "N")]
    pub parallel: usize,
    #[command(flatten)]
    pub filter: FilterArgs,
}

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

fn count_json(c: &Count) -> serde_json::Value {
    serde_json::json!({"bytes": c.bytes, "blobs": c.blobs})
}

fn totals_json(t: &Totals, prices: &Prices) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("bytes".into(), t.all.bytes.into());
    m.insert("blobs".into(), t.all.blobs.into());
    // An estimate (see `estimated_monthly_cost` at the top for its source).
    m.insert(
        "monthly_cost_estimate".into(),
        t.monthly_cost(&prices.per_tier()).into(),
    );
    m.insert(
        "tiers".into(),
        t.by_tier()
            .map(|(tier, c)| (tier.name().to_string(), count_json(&c)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    );
    m
}

fn cost_line(t: &Totals, prices: &Prices) -> String {
    format!(
        "estimated {:.2} {} a month (an estimate from {})",
        t.monthly_cost(&prices.per_tier()),
        prices.currency,
        prices.source
    )
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let path = parse_az_uri(&args.location).map_err(|e| anyhow::anyhow!(e))?;
    let filter = args.filter.filter()?;
    let mut prefix = path.prefix.clone();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    let client = ctx.client(path.account.as_deref())?;
    let mut errors = Vec::new();
    let mut source = None;
    let mut extra = None;
    let sizes =
        match &args.inventory {
            Some(report) => {
                if !filter.is_empty() {
                    anyhow::bail!(
                        "--inventory sums a report: the filters work on live listings only"
                    );
                }
                let at = parse_az_uri(report).map_err(|e| anyhow::anyhow!(e))?;
                let rule = args.inventory_rule.as_deref();
                if let Some(r) = rule {
                    crate::azure::inventory_policy::check_rule_name(r)
                        .map_err(|e| anyhow::anyhow!("--inventory-rule {r:?}: {e}"))?;
                }
                let inv_client = ctx.client(at.account.as_deref().or(path.account.as_deref()))?;
                let (name, manifest) =
                    match inventory::latest_manifest(&inv_client, &at.container, &at.prefix, rule)
                        .await
                    {
                        Ok(m) => m,
                        Err(e) => {
                            eprintln!("blobx: {e}");
                            return Ok(ExitCode::from(1));
                        }
                    };
                match inventory::sum(
                    &inv_client,
                    &at.container,
                    &manifest,
                    &path.container,
                    &prefix,
                    args.depth,
                )
                .await
                {
                    Ok(out) => {
                        source = Some((format!("az://{}/{name}", at.container), manifest));
                        extra = Some(out.extra);
                        out.sizes
                    }
                    Err(e) => {
                        eprintln!("blobx: {e}");
                        return Ok(ExitCode::from(1));
                    }
                }
            }
            None => {
                walk_sizes(
                    client,
                    &path.container,
                    &prefix,
                    &args,
                    &filter,
                    &mut errors,
                )
                .await
            }
        };
    let prices = &ctx.config.settings.prices;
    let place = |rel: &str| format!("az://{}/{prefix}{rel}", path.container);
    if args.json {
        let total = sizes.total();
        let mut doc = totals_json(total, prices);
        doc.insert("location".into(), place("").into());
        doc.insert("depth".into(), args.depth.into());
        if let Some((manifest_path, m)) = &source {
            doc.insert(
                "inventory".into(),
                serde_json::json!({
                    "manifest": manifest_path,
                    "rule": m.rule_name,
                    "completed": m.completion_time,
                }),
            );
        }
        if let Some(extra) = &extra {
            doc.insert(
                "not_current".into(),
                inventory::EXTRA_NAMES
                    .iter()
                    .zip(extra)
                    .map(|(k, t)| {
                        (
                            k.to_string(),
                            serde_json::Value::Object(totals_json(t, prices)),
                        )
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into(),
            );
        }
        doc.insert(
            "estimated_monthly_cost".into(),
            serde_json::json!({
                "amount": total.monthly_cost(&prices.per_tier()),
                "currency": prices.currency,
                "source": prices.source,
                "note": "an estimate: storage only, from per-tier prices per GB-month",
            }),
        );
        doc.insert(
            "folders".into(),
            sizes
                .folders
                .iter()
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, t)| {
                    let mut m = totals_json(t, prices);
                    m.insert("path".into(), k.clone().into());
                    serde_json::Value::Object(m)
                })
                .collect::<Vec<_>>()
                .into(),
        );
        doc.insert("errors".into(), errors.clone().into());
        println!("{}", serde_json::Value::Object(doc));
    } else {
        for e in &errors {
            eprintln!("blobx: {e}");
        }
        println!("{:>12} {:>10}  FOLDER", "SIZE", "BLOBS");
        for (k, t) in sizes.folders.iter().filter(|(k, _)| !k.is_empty()) {
            println!(
                "{:>12} {:>10}  {}",
                human(t.all.bytes),
                t.all.blobs,
                place(k)
            );
        }
        let total = sizes.total();
        println!(
            "{:>12} {:>10}  {} (total)",
            human(total.all.bytes),
            total.all.blobs,
            place("")
        );
        let tiers: Vec<String> = total
            .by_tier()
            .map(|(t, c)| format!("{} {} in {}", t.name(), human(c.bytes), c.blobs))
            .collect();
        if !tiers.is_empty() {
            println!("by tier: {}", tiers.join(", "));
        }
        println!("{}", cost_line(total, prices));
        if !filter.is_empty() {
            println!("(counting only what the filters take)");
        }
        if let Some(extra) = &extra {
            let parts: Vec<String> = inventory::EXTRA_NAMES
                .iter()
                .zip(extra)
                .filter(|(_, t)| t.all.blobs > 0)
                .map(|(k, t)| format!("{k} {} in {}", human(t.all.bytes), t.all.blobs))
                .collect();
            if !parts.is_empty() {
                println!("not counted above: {}", parts.join(", "));
            }
        }
        if let Some((manifest_path, m)) = &source {
            println!(
                "from the inventory report of {} (rule {}, {manifest_path}), not a live listing",
                m.completion_time, m.rule_name
            );
        }
    }
    if errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("blobx: some folders could not be listed: the totals are incomplete");
        Ok(ExitCode::from(1))
    }
}

/// Totals from a live walk; folders that could not be listed go to `errors`.
async fn walk_sizes(
    client: StorageClient,
    container: &str,
    prefix: &str,
    args: &Args,
    filter: &Filter,
    errors: &mut Vec<String>,
) -> Sizes {
    let mut walk = Walk::start(
        client,
        container,
        prefix,
        WalkOptions {
            parallel: args.parallel.max(1),
            ..WalkOptions::default()
        },
        CancellationToken::new(),
    );
    let mut sizes = Sizes::new(args.depth);
    while let Some(page) = walk.next().await {
        match page {
            Ok(blobs) => {
                for b in blobs {
                    let rel = b.name.strip_prefix(prefix).unwrap_or(&b.name);
                    if filter.matches(rel, b.size, b.last_modified) {
                        sizes.add(rel, b.size, b.tier);
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    sizes
}
