//! Bulk delete benchmark: blobx's Blob Batch (256 deletes per request, 4
//! batches in flight) against one Delete Blob request per blob (16 in
//! flight, as before batches) and `azcopy remove --recursive`, in one run on
//! one in-memory Azurite. Each contender deletes a fresh container of
//! BENCH_DELETE_N (10,000) one-byte blobs; every run checks that nothing is left.
//!
//!   cargo run --release --example bench_batch_delete
//!   BENCH_AZCOPY=tests/bench/node_modules/@azure-tools/azcopy-linux/dist/bin/azcopy_linux_amd64 \
//!       cargo run --release --example bench_batch_delete
//!
//! Without BENCH_AZCOPY azcopy is skipped (`npm ci` in tests/bench installs it;
//! `--from-to BlobTrash` because azcopy cannot tell a 127.0.0.1 URL's service).

#[path = "../support/emulator.rs"]
mod emulator;
#[path = "../support/seed.rs"]
mod seed;

use blobx::azure::StorageClient;
use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::ops;
use blobx::azure::sas::{SasTarget, service_sas};
use blobx::azure::secret::Secret;
use std::time::Instant;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn seeded(c: &StorageClient, name: &str, n: usize) -> Vec<(String, u64)> {
    let names: Vec<String> = (0..n).map(|i| format!("d/{i:06}")).collect();
    seed::fill(
        c,
        name,
        names
            .iter()
            .map(|n| seed::BlobSpec::new(n.clone(), "x"))
            .collect(),
    )
    .await
    .unwrap_or_else(|e| panic!("seeding {name}: {e}"));
    names.into_iter().map(|n| (n, 1)).collect()
}

async fn left(c: &StorageClient, name: &str) -> usize {
    ops::list_flat(c, name, "")
        .await
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
}

#[tokio::main]
async fn main() {
    let n = env_num("BENCH_DELETE_N", 10_000);
    let emu = emulator::Emulator::start_on(None).expect("Azurite");
    let c = seed::client(&emu.host);
    let mut rows: Vec<(String, Result<f64, String>)> = Vec::new();

    let blobs = seeded(&c, "bench-batch", n).await;
    let t = Instant::now();
    let r = blobx::azure::batch::delete_many(&c, "bench-batch", &blobs, true).await;
    let secs = t.elapsed().as_secs_f64();
    let rest = left(&c, "bench-batch").await;
    rows.push((
        "blobx, Blob Batch (256 per request)".into(),
        if rest == 0 {
            Ok(secs)
        } else {
            Err(format!(
                "{secs:.1} s, {} failed, {rest} left",
                r.failed.len()
            ))
        },
    ));

    let blobs = seeded(&c, "bench-single", n).await;
    let t = Instant::now();
    let r = ops::delete_singly(&c, "bench-single", &blobs, true).await;
    let secs = t.elapsed().as_secs_f64();
    let rest = left(&c, "bench-single").await;
    rows.push((
        "blobx, one Delete Blob per blob (16 in flight)".into(),
        if rest == 0 {
            Ok(secs)
        } else {
            Err(format!(
                "{secs:.1} s, {} failed, {rest} left",
                r.failed.len()
            ))
        },
    ));

    let azcopy = match std::env::var("BENCH_AZCOPY") {
        Ok(path) if std::path::Path::new(&path).exists() => {
            seeded(&c, "bench-azcopy", n).await;
            let sas = service_sas(
                EMULATOR_ACCOUNT,
                &Secret::new(EMULATOR_KEY),
                &SasTarget::Container("bench-azcopy".into()),
                "rdl",
                None,
                time::OffsetDateTime::now_utc().unix_timestamp() + 3600,
            )
            .expect("SAS");
            let url = format!(
                "{}/{EMULATOR_ACCOUNT}/bench-azcopy?{}",
                emu.host,
                sas.expose()
            );
            let scratch = std::env::temp_dir().join(format!("bench-azcopy-{}", std::process::id()));
            let t = Instant::now();
            let out = std::process::Command::new(&path)
                .args([
                    "remove",
                    &url,
                    "--recursive",
                    "--from-to",
                    "BlobTrash",
                    "--log-level",
                    "ERROR",
                ])
                .env("AZCOPY_LOG_LOCATION", scratch.join("logs"))
                .env("AZCOPY_JOB_PLAN_LOCATION", scratch.join("plans"))
                .output();
            let secs = t.elapsed().as_secs_f64();
            let _ = std::fs::remove_dir_all(&scratch);
            let rest = left(&c, "bench-azcopy").await;
            match out {
                Ok(o) if o.status.success() && rest == 0 => Ok(secs),
                Ok(o) => Err(format!(
                    "azcopy: {} left; {}",
                    rest,
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .rev()
                        .take(3)
                        .collect::<Vec<_>>()
                        .join(" | ")
                )),
                Err(e) => Err(format!("azcopy did not start: {e}")),
            }
        }
        _ => Err("skipped: set BENCH_AZCOPY to the azcopy binary".into()),
    };
    rows.push(("azcopy remove --recursive".into(), azcopy));

    let batch = rows[0].1.as_ref().ok().copied();
    println!("Deleting {n} blobs on one in-memory Azurite (wall time, one run):\n");
    println!("| how | seconds | blobs/s | × batch |");
    println!("|---|---:|---:|---:|");
    for (label, r) in &rows {
        match r {
            Ok(s) => println!(
                "| {label} | {s:.2} | {:.0} | {} |",
                n as f64 / s,
                batch.map_or("-".into(), |b| format!("{:.1}", s / b))
            ),
            Err(e) => println!("| {label} | {e} | | |"),
        }
    }
}
