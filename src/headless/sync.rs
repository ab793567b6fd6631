//! `blobx sync SRC DST`: makes DST hold what SRC holds, for local → container,
//! container → local and container → container (server-side, any accounts).
//! The contents of SRC go into DST (as `cp -r SRC/ DST`).
//!
//! How files are compared (size + time, or `--compare md5`) and what each
//! clock means: `transfer::sync`, shared with the TUI's sync review.
//!
//! Transfers go through the engine (journal, resume, cap, report);
//! `--delete-extra` removes what is only in DST, and only with that flag
//! and only when every transfer succeeded.

use super::Context;
use super::cp::plan::{Place, place};
use super::cp::{Knobs, transfer, transfer_clients};
use super::filter_args::FilterArgs;
use crate::transfer::Endpoint;
use crate::transfer::Status;
use crate::transfer::conflict::Conflict;
use crate::transfer::sync::{self, Class, Compare, PlanError, Root};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to copy from: a local folder or az://container/folder (its contents).
    pub source: String,
    /// Where it should end up: a local folder or az://container/folder.
    pub dest: String,
    /// How to tell files apart: size-mtime (default) or md5 (content).
    #[arg(long, default_value = "size-mtime", value_name = "HOW")]
    pub compare: String,
    /// Print the plan (new, changed, only in DST, same) and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete what is only in DST (after every transfer succeeded).
    #[arg(long)]
    pub delete_extra: bool,
    /// JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Files transferred at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub parallel_files: usize,
    /// Requests in flight per file.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub parallel_chunks: usize,
    /// Write a CSV report of the transfers to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

fn root(ctx: &Context, text: &str) -> anyhow::Result<Root> {
    Ok(match place(ctx, text)? {
        Place::Local(p) => Root::Local(p),
        Place::Blob { account, path } => {
            let mut prefix = path.prefix;
            if !prefix.is_empty() && !prefix.ends_with('/') {
                prefix.push('/');
            }
            Root::Blob {
                account,
                container: path.container,
                prefix,
            }
        }
    })
}

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let how = match args.compare.as_str() {
        "size-mtime" | "mtime" | "size" => Compare::SizeMtime,
        "md5" => Compare::Md5,
        other => anyhow::bail!("--compare {other:?}: use size-mtime or md5"),
    };
    let filter = args.filter.filter()?;
    let (src, dst) = (root(ctx, &args.source)?, root(ctx, &args.dest)?);
    if let (Root::Local(_), Root::Local(_)) = (&src, &dst) {
        anyhow::bail!("both ends are local; use rsync");
    }
    if src.overlaps(&dst) {
        anyhow::bail!(
            "{} and {} overlap: one holds the other",
            src.show(),
            dst.show()
        );
    }
    if !args.dry_run {
        ctx.allow_change("sync (it writes, and with --delete-extra deletes)")?;
    }
    if let Root::Local(p) = &src
        && !p.is_dir()
    {
        anyhow::bail!("{} is not a folder", p.display());
    }
    let clients = transfer_clients(ctx);
    let client_of = |i: usize| {
        clients
            .get(i)
            .and_then(|c| c.as_ref())
            .map(|(_, c)| c.clone())
    };
    let started = Instant::now();
    let plan = match sync::plan(
        src,
        dst,
        how,
        &filter,
        &client_of,
        &CancellationToken::new(),
    )
    .await
    {
        Ok(plan) => plan,
        Err(e @ (PlanError::Source(_) | PlanError::Dest(_))) => {
            eprintln!("blobx: {e}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => anyhow::bail!("{e}"),
    };
    for p in &plan.skipped {
        eprintln!("blobx: skipping {} (not a regular file)", p.display());
    }
    let (src, dst) = (&plan.src, &plan.dst);
    let counts: BTreeMap<Class, (u64, u64)> =
        Class::ALL.iter().map(|c| (*c, plan.count(*c))).collect();
    let plan_json = || {
        let mut doc = serde_json::Map::new();
        doc.insert("source".into(), src.show().into());
        doc.insert("dest".into(), dst.show().into());
        doc.insert("compare".into(), args.compare.clone().into());
        for (c, (n, b)) in &counts {
            doc.insert(c.key().into(), serde_json::json!({"count": n, "bytes": b}));
        }
        doc.insert(
            "items".into(),
            plan.entries
                .iter()
                .filter(|e| e.class != Class::Same)
                .map(|e| {
                    serde_json::json!({"path": e.rel, "action": e.class.key(), "bytes": e.bytes, "why": e.why})
                })
                .collect::<Vec<_>>()
                .into(),
        );
        doc
    };
    if args.dry_run {
        if args.json {
            println!("{}", serde_json::Value::Object(plan_json()));
        } else {
            println!("sync plan: {} → {}", src.show(), dst.show());
            for e in plan.entries.iter().filter(|e| e.class != Class::Same) {
                let (mark, what) = match e.class {
                    Class::New => ("+", "new".to_string()),
                    Class::Changed => ("~", format!("changed: {}", e.why)),
                    _ if args.delete_extra => ("-", "only in DST: would be deleted".to_string()),
                    _ => (
                        "-",
                        "only in DST: kept (--delete-extra removes it)".to_string(),
                    ),
                };
                println!("{mark} {} ({what}, {})", e.rel, human(e.bytes));
            }
            for (c, label) in [
                (Class::New, "new"),
                (Class::Changed, "changed"),
                (Class::OnlyInDst, "only in DST"),
                (Class::Same, "same"),
            ] {
                let (n, b) = counts[&c];
                println!("{label:>12}: {n} files, {}", human(b));
            }
            println!("(dry run: nothing was changed)");
        }
        return Ok(ExitCode::SUCCESS);
    }

    // The transfers: new and changed files, overwriting the changed ones.
    let specs = plan.specs().map_err(|e| anyhow::anyhow!(e))?;
    // An upload's mtime, recorded on its blob by the engine once written,
    // so the next run can tell it unchanged.
    let record_mtimes: Vec<(Endpoint, i64)> = match (src, dst) {
        (Root::Local(_), Root::Blob { .. }) => plan
            .entries
            .iter()
            .filter(|e| matches!(e.class, Class::New | Class::Changed))
            .filter_map(|e| Some((dst.endpoint(&e.rel).ok()?, e.src_time_ms)))
            .collect(),
        _ => Vec::new(),
    };
    let mut failed = 0usize;
    let mut moved = 0usize;
    let mut moved_bytes = 0u64;
    let mut failures = Vec::new();
    if !specs.is_empty() {
        let snapshot = transfer(
            &clients,
            specs,
            Conflict::Overwrite,
            &Knobs {
                files: args.parallel_files,
                chunks: args.parallel_chunks,
                cap: ctx.cap,
                progress: !args.json,
                record_mtimes,
            },
        )
        .await?;
        if let Some(path) = &args.report
            && let Err(e) = crate::transfer::report::write(path, &snapshot.items, true)
        {
            eprintln!("blobx: {e}");
            failed += 1;
        }
        for item in &snapshot.items {
            match &item.status {
                Status::Done => {
                    moved += 1;
                    moved_bytes += item.total;
                }
                Status::Failed(why) => {
                    failed += 1;
                    failures.push((item.source.clone(), why.clone()));
                }
                _ => {}
            }
        }
    }

    // Extras: only with --delete-extra, and only after a clean run.
    let extras: Vec<&sync::Entry> = plan.extras().collect();
    let mut deleted = 0usize;
    let mut deleted_bytes = 0u64;
    if args.delete_extra && !extras.is_empty() {
        if failed > 0 {
            eprintln!(
                "blobx: {} files only in DST kept: some transfers failed, nothing is deleted after a failure",
                extras.len()
            );
        } else {
            for e in &extras {
                let target = dst.endpoint(&e.rel).map_err(|e| anyhow::anyhow!(e))?;
                match sync::delete_extra(&target, &client_of).await {
                    Ok(_) => {
                        deleted += 1;
                        deleted_bytes += e.bytes;
                    }
                    Err(why) => {
                        failed += 1;
                        failures.push((e.rel.clone(), why));
                    }
                }
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    if args.json {
        let mut doc = plan_json();
        doc.insert("transferred".into(), moved.into());
        doc.insert("transferred_bytes".into(), moved_bytes.into());
        doc.insert("deleted".into(), deleted.into());
        doc.insert("deleted_bytes".into(), deleted_bytes.into());
        doc.insert("failed".into(), failed.into());
        doc.insert(
            "failures".into(),
            failures
                .iter()
                .map(|(i, e)| serde_json::json!({"item": i, "error": e}))
                .collect::<Vec<_>>()
                .into(),
        );
        doc.insert("seconds".into(), secs.into());
        println!("{}", serde_json::Value::Object(doc));
    } else {
        for (item, why) in &failures {
            eprintln!("blobx: failed: {item}: {why}");
        }
        let (same, _) = counts[&Class::Same];
        let mut line = format!(
            "sync {} → {}: {moved} files sent ({}), {same} already the same",
            src.show(),
            dst.show(),
            human(moved_bytes)
        );
        if deleted > 0 {
            line.push_str(&format!(
                ", {deleted} extras deleted ({})",
                human(deleted_bytes)
            ));
        } else if !extras.is_empty() && !args.delete_extra {
            line.push_str(&format!(
                ", {} only in DST kept (--delete-extra removes them)",
                extras.len()
            ));
        }
        if failed > 0 {
            line.push_str(&format!("; {failed} failed"));
        }
        eprintln!("{line} in {secs:.1} s");
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
