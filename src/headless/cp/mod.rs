//! `blobx cp SRC DST [--recursive]`: uploads, downloads and server-side copies
//! for scripts and benchmarks, on the same engine as the TUI. A progress bar
//! on a terminal, a summary line, `--json` for machines, and a non-zero exit
//! status if anything failed. Re-running an interrupted copy resumes it.

mod headers;
pub(crate) mod plan;

use super::Context;
use crate::azure::StorageClient;
use crate::transfer::conflict::Conflict;
use crate::transfer::engine::{EngineOptions, Snapshot};
use crate::transfer::targets::missing_containers;
use crate::transfer::{Engine, Kind, Status};
use plan::plan;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A local file or folder, or az://container/path (az://container@ACCOUNT/path for another account).
    pub source: String,
    /// Where to put it: a local path or az://container/path.
    pub dest: String,
    /// Copy a folder with everything below it: `folder` lands as DEST/folder/…,
    /// `folder/` (trailing slash) puts its contents straight into DEST.
    #[arg(short, long)]
    pub recursive: bool,
    /// When the target exists: never (skip it), always, rename (keep both), if-different (size).
    #[arg(long, default_value = "never", value_name = "WHEN")]
    pub overwrite: String,
    /// Print a JSON summary on stdout instead of the summary line.
    #[arg(long)]
    pub json: bool,
    /// Files transferred at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub parallel_files: usize,
    /// Requests in flight per file.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub parallel_chunks: usize,
    /// Write a CSV report (each file, size, status, error, checksum) to FILE at the end.
    #[arg(long, value_name = "FILE")]
    pub report: Option<std::path::PathBuf>,
    /// Create the target container if it does not exist (without it, a missing
    /// container is refused and the existing ones with a close name are listed).
    #[arg(long)]
    pub create_container: bool,
    /// Filters for folders (with --recursive).
    #[command(flatten)]
    pub filter: super::filter_args::FilterArgs,
    #[command(flatten)]
    pub set: headers::UploadHeaders,
}

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let conflict = Conflict::parse(&args.overwrite).map_err(|e| anyhow::anyhow!(e))?;
    let clients = transfer_clients(ctx);
    let set = args.set.check().map_err(|e| anyhow::anyhow!(e))?;
    let specs = plan(ctx, &args, &clients).await?;
    if set.is_some() && specs.iter().all(|s| s.kind == Kind::Download) && !specs.is_empty() {
        anyhow::bail!(
            "--content-type, --cache-control, --metadata and --tags are for uploads and copies"
        );
    }
    if specs.iter().any(|s| s.kind != Kind::Download) {
        ctx.allow_change("writing to the service (upload or copy)")?;
    }
    if matches!(conflict, Conflict::Overwrite | Conflict::IfDifferent) {
        ctx.allow_change("--overwrite of existing files")?;
    }
    if specs.is_empty() {
        eprintln!("blobx: nothing to copy");
        return Ok(ExitCode::SUCCESS);
    }
    // A mistyped target container is refused before anything is written.
    let missing = missing_containers(&specs, |i| {
        clients
            .get(i)
            .and_then(|c| c.as_ref())
            .map(|(_, c)| c.clone())
    })
    .await
    .map_err(|e| anyhow::anyhow!(e))?;
    if !missing.is_empty() && !args.create_container {
        let what: Vec<String> = missing.iter().map(|m| m.describe()).collect();
        anyhow::bail!(
            "{}; nothing was copied. Add --create-container to create it.",
            what.join("; ")
        );
    }
    let started = Instant::now();
    let written = set.as_ref().map(|_| specs.clone());
    let snapshot = transfer(
        &clients,
        specs,
        conflict,
        &Knobs {
            files: args.parallel_files,
            chunks: args.parallel_chunks,
            cap: ctx.cap,
            progress: !args.json,
            record_mtimes: Vec::new(),
        },
    )
    .await?;
    let mut code = report(&snapshot, started.elapsed(), args.json);
    // Headers, metadata and tags go on each blob once it is written.
    if let (Some(set), Some(specs)) = (&set, &written) {
        let done: Vec<(String, Status)> = snapshot
            .items
            .iter()
            .map(|i| (i.target.clone(), i.status.clone()))
            .collect();
        let client_of = |i: usize| {
            clients
                .get(i)
                .and_then(|c| c.as_ref())
                .map(|(_, c)| c.clone())
        };
        if headers::apply(set, specs, &done, client_of).await > 0 {
            code = ExitCode::from(1);
        }
    }
    if let Some(path) = &args.report {
        if let Err(e) = crate::transfer::report::write(path, &snapshot.items, true) {
            eprintln!("blobx: {e}");
            return Ok(ExitCode::from(1));
        }
        eprintln!("blobx: report written to {}", path.display());
    }
    Ok(code)
}

/// How a batch runs: files and requests per file at once, the cap, whether
/// to draw a progress bar (on a terminal).
pub(crate) struct Knobs {
    pub files: usize,
    pub chunks: usize,
    pub cap: Option<u64>,
    pub progress: bool,
    /// Uploads by sync: the file's mtime (unix ms) the engine records on
    /// each blob once written (journaled, so a resumed upload records it).
    pub record_mtimes: Vec<(crate::transfer::Endpoint, i64)>,
}

/// Clients for every account the engine may use (index = account).
pub(crate) fn transfer_clients(ctx: &Context) -> Vec<Option<(String, StorageClient)>> {
    ctx.nodes
        .iter()
        .map(|n| {
            (n.broken.is_none() && !n.discovery)
                .then(|| {
                    StorageClient::for_transfers(n.account.clone())
                        .ok()
                        .map(|c| (n.account.id.clone(), c))
                })
                .flatten()
        })
        .collect()
}

/// Runs `specs` on the transfer engine (journal, resume, cap) until every
/// item is finished, with a progress bar on a terminal; the final snapshot.
pub(crate) async fn transfer(
    clients: &[Option<(String, StorageClient)>],
    specs: Vec<crate::transfer::ItemSpec>,
    conflict: Conflict,
    knobs: &Knobs,
) -> anyhow::Result<Snapshot> {
    let engine = Engine::new(
        clients.to_vec(),
        EngineOptions {
            files_in_parallel: knobs.files.max(1),
            chunks_in_parallel: knobs.chunks.max(1),
            cap: knobs.cap,
            ..EngineOptions::default()
        },
    );
    engine
        .prepare_targets(&specs)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    engine.set_record_mtime(knobs.record_mtimes.iter().cloned());
    let total: u64 = specs.iter().map(|s| s.size).sum();
    let count = specs.len();
    engine.enqueue(specs, conflict);

    let bar = (knobs.progress && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let snapshot = loop {
        let s = engine.sample();
        if let Some(bar) = &bar {
            bar.set_position(s.done_bytes);
            let finished = s.count(|st| st.is_finished());
            bar.set_message(format!("{finished}/{count} files"));
        }
        if !s.active() {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(snapshot)
}

pub(crate) fn report(s: &Snapshot, elapsed: Duration, json: bool) -> ExitCode {
    let done = s.count(|st| *st == Status::Done);
    let skipped = s.count(|st| matches!(st, Status::Skipped(_)));
    let failed: Vec<_> = s
        .items
        .iter()
        .filter_map(|i| match &i.status {
            Status::Failed(why) => Some((i.source.clone(), why.clone())),
            _ => None,
        })
        .collect();
    let bytes: u64 = s
        .items
        .iter()
        .filter(|i| i.status == Status::Done)
        .map(|i| i.total)
        .sum();
    let secs = elapsed.as_secs_f64().max(0.001);
    if json {
        let doc = serde_json::json!({
            "files": s.items.len(),
            "done": done,
            "skipped": skipped,
            "failed": failed.len(),
            "bytes": bytes,
            "sent_bytes": s.sent_bytes,
            "reused_bytes": s.reused_bytes,
            "seconds": secs,
            "bytes_per_second": (bytes as f64 / secs) as u64,
            "failures": failed.iter().map(|(item, error)| serde_json::json!({"item": item, "error": error})).collect::<Vec<_>>(),
            "skips": s.items.iter().filter_map(|i| match &i.status {
                Status::Skipped(why) => Some(serde_json::json!({"item": i.source, "why": why})),
                _ => None,
            }).collect::<Vec<_>>(),
        });
        println!("{doc}");
    } else {
        for (item, why) in &failed {
            eprintln!("blobx: failed: {item}: {why}");
        }
        let mut line = format!(
            "{done} of {} files, {} in {secs:.1} s ({}/s)",
            s.items.len(),
            human(bytes),
            human((bytes as f64 / secs) as u64)
        );
        if s.reused_bytes > 0 {
            line.push_str(&format!(
                "; resumed, {} not sent again",
                human(s.reused_bytes)
            ));
        }
        if skipped > 0 {
            line.push_str(&format!(
                "; {skipped} skipped (already there; --overwrite to replace)"
            ));
        }
        if !failed.is_empty() {
            line.push_str(&format!("; {} failed", failed.len()));
        }
        eprintln!("{line}");
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
