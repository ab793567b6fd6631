//! `kill -9` ten times in a row at seeded random points of a batch — headless
//! `blobx cp` up and down, and the TUI downloading — each followed by a
//! restart that resumes. After the
//! tenth kill the batch finishes byte-identical to its sources, nothing partial
//! ever sits under a final name, and (counted by a proxy on the wire) data
//! already transferred was not sent again: everything that crossed the wire
//! fits in the batch's size plus the chunks a kill can lose in flight.

mod support;

use blobx::transfer::download::part_path;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use support::emulator::Emulator;
use support::fault_proxy::FaultProxy;
use support::rng::Rng;
use support::seed::client;
use support::unique;

const KILLS: u64 = 10;
/// Both the upload block and the download range size.
const CHUNK: u64 = 4 << 20;
/// Files and chunks in flight at once: what one kill can lose.
const FILES_AT_ONCE: u64 = 2;

fn body(len: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng(seed | 1);
    (0..len).map(|_| r.next() as u8).collect()
}

/// The batch: three multi-chunk files, a few small ones, an empty one.
fn sources(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let files = vec![
        ("a/big-1.bin".to_string(), body(18 << 20, 1)),
        ("a/big-2.bin".to_string(), body(14 << 20, 2)),
        ("b/big-3.bin".to_string(), body(16 << 20, 3)),
        ("b/small-1.txt".to_string(), body(3 << 10, 4)),
        ("b/small-2.bin".to_string(), body(900 << 10, 5)),
        ("c/empty".to_string(), Vec::new()),
    ];
    for (name, data) in &files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    files
}

/// Seeded kill points, in bytes on the wire, strictly inside the batch:
/// the i-th falls somewhere in the (i+1)-th of KILLS+1 equal slices.
fn kill_points(total: u64, seed: u64) -> Vec<u64> {
    let mut rng = Rng(seed);
    (0..KILLS)
        .map(|i| {
            let slice = total / (KILLS + 1);
            i * slice + slice / 5 + rng.next() % (slice * 3 / 5)
        })
        .collect()
}

fn cp(host: &str, home: &Path, from: &str, to: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"));
    cmd.args([
        "cp",
        "--emulator",
        host,
        "--json",
        "-r",
        "--parallel-files",
        &FILES_AT_ONCE.to_string(),
        "--parallel-chunks",
        "1",
        from,
        to,
    ])
    .env("BLOBX_CONFIG_DIR", home.join("config"))
    .env("BLOBX_LOG_DIR", home.join("logs"))
    .env("BLOBX_DATA_DIR", home.join("data"));
    cmd
}

/// Starts the copy, waits until `wire()` reaches `point`, and kills it with
/// SIGKILL (no cleanup runs). Returns false if it finished first.
fn kill_at(mut cmd: std::process::Command, point: u64, wire: impl Fn() -> u64) -> bool {
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while wire() < point {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        assert!(std::time::Instant::now() < deadline, "no progress");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    true
}

fn finish(mut cmd: std::process::Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "the last run failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every file under a final name (not `.part`) in `dir`.
fn finals(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(finals(&p));
        } else if !p.to_string_lossy().ends_with(".part") {
            out.push(p);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn headless_cp_killed_ten_times_up_and_down_resumes_to_identical() {
    let emu = Emulator::shared();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 7, 0).await;
    let counters = proxy.counters.clone();
    let home = tempfile::tempdir().unwrap();
    let src = home.path().join("src");
    let files = sources(&src);
    let total: u64 = files.iter().map(|(_, d)| d.len() as u64).sum();
    let container = unique("killten");
    let direct = client(&emu.host);
    direct.create_container(&container).await.unwrap();
    let dest = format!("az://{container}/up");
    // The folder's contents (trailing slash), so up/ mirrors src/.
    let contents = format!("{}/", src.display());
    // Lost in flight by one kill: a chunk per file at once, plus request heads.
    let allowance = KILLS * FILES_AT_ONCE * (CHUNK + (64 << 10));

    // Upload, killed ten times.
    let sent = || counters.request_bytes.load(Ordering::Relaxed);
    for (i, point) in kill_points(total, 0xC0FFEE).into_iter().enumerate() {
        let cmd = cp(&proxy.host, home.path(), &contents, &dest);
        let killed = tokio::task::block_in_place(|| kill_at(cmd, point, sent));
        assert!(killed, "upload finished before kill {}", i + 1);
        // Whatever is under a final name is whole (a commit is all or nothing).
        for (name, data) in &files {
            if let Ok(Some(_)) = direct.blob_exists(&container, &format!("up/{name}")).await {
                let props = direct
                    .blob_props(&container, &format!("up/{name}"))
                    .await
                    .unwrap();
                assert_eq!(
                    props.size,
                    data.len() as u64,
                    "partial blob up/{name} after kill {}",
                    i + 1
                );
            }
        }
    }
    let doc = finish(cp(&proxy.host, home.path(), &contents, &dest));
    assert_eq!(doc["failed"], 0, "{doc}");
    for (name, data) in &files {
        let blob = format!("up/{name}");
        let props = direct.blob_props(&container, &blob).await.unwrap();
        assert_eq!(props.size, data.len() as u64, "{blob}");
        if !data.is_empty() {
            let got = direct
                .get_range(&container, &blob, 0, props.size, &props.etag)
                .await
                .unwrap();
            assert!(got == data[..], "{blob} differs from its source");
        }
    }
    let up_wire = sent();
    println!(
        "upload: {KILLS} kills, {} on the wire for a {} batch ({:.2}×), allowance {}",
        up_wire,
        total,
        up_wire as f64 / total as f64,
        total + allowance
    );
    assert!(
        up_wire <= total + allowance,
        "data was sent again: {up_wire} bytes for {total}"
    );

    // Download the same batch, killed ten times.
    let back = home.path().join("back");
    let from = format!("az://{container}/up/");
    let received = || counters.response_bytes.load(Ordering::Relaxed);
    let before = received();
    for (i, point) in kill_points(total, 0xBEEF).into_iter().enumerate() {
        let cmd = cp(&proxy.host, home.path(), &from, back.to_str().unwrap());
        let killed = tokio::task::block_in_place(|| kill_at(cmd, before + point, received));
        assert!(killed, "download finished before kill {}", i + 1);
        for path in finals(&back) {
            let name = path
                .strip_prefix(&back)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let (_, data) = files
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("stray {name}"));
            assert!(
                std::fs::read(&path).unwrap() == *data,
                "partial {name} under its final name after kill {}",
                i + 1
            );
        }
    }
    let doc = finish(cp(&proxy.host, home.path(), &from, back.to_str().unwrap()));
    assert_eq!(doc["failed"], 0, "{doc}");
    for (name, data) in &files {
        let path = back.join(name);
        assert!(
            std::fs::read(&path).unwrap() == *data,
            "{name} differs from its source"
        );
        assert!(!part_path(&path).exists(), "{name}.part left behind");
    }
    let down_wire = received() - before;
    println!(
        "download: {KILLS} kills, {} on the wire for a {} batch ({:.2}×), allowance {}",
        down_wire,
        total,
        down_wire as f64 / total as f64,
        total + allowance
    );
    assert!(
        down_wire <= total + allowance,
        "data was fetched again: {down_wire} bytes for {total}"
    );
    println!("proxy: {}", counters.summary());
}

/// The TUI, killed ten times during a download batch, resumed each time at
/// the "did not finish last time" question. A proxy logs every ranged GET:
/// after each restart, no range may start below what the `.part` file
/// already held at the kill — written data is never fetched again.
#[tokio::test(flavor = "multi_thread")]
async fn the_tui_killed_ten_times_mid_batch_resumes_to_identical() {
    use support::pty::Tui;
    use support::seed::{BlobSpec, fill};

    let emu = Emulator::shared();
    let container = unique("tuikillten");
    let files: Vec<(String, Vec<u8>)> = (0..3)
        .map(|n| (format!("f{n}.bin"), body(16 << 20, 10 + n)))
        .collect();
    fill(
        &client(&emu.host),
        &container,
        files
            .iter()
            .map(|(n, d)| BlobSpec::new(format!("batch/{n}"), d.clone()))
            .collect(),
    )
    .await
    .unwrap();
    let total: u64 = files.iter().map(|(_, d)| d.len() as u64).sum();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 11, 0).await;
    let counters = proxy.counters.clone();
    let received = || counters.response_bytes.load(Ordering::Relaxed);

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [("BLOBX_DATA_DIR", data.to_str().unwrap())];
    let down = dir.path().join("down");
    let target = |name: &str| down.join("batch").join(name);
    let uri = format!("az://{container}/");
    let spawn = || {
        Tui::spawn(
            &["--emulator", &proxy.host, &uri],
            &env,
            dir.path(),
            140,
            30,
        )
    };

    let mut tui = spawn();
    tui.wait_text("1 items");
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15");
    tui.type_text(down.to_str().unwrap());
    tui.send("\r");
    let mut kills = 0;
    let mut rounds: Vec<(usize, Vec<u64>)> = Vec::new();
    for point in kill_points(total, 0x7E57) {
        tokio::task::block_in_place(|| {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
            while received() < point {
                assert!(std::time::Instant::now() < deadline, "no progress");
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        });
        std::process::Command::new("kill")
            .args(["-KILL", &tui.pid().unwrap().to_string()])
            .status()
            .unwrap();
        tui.wait_exit();
        kills += 1;
        // What each file held at the kill; finished files are whole.
        let held: Vec<u64> = files
            .iter()
            .map(|(name, data)| {
                if let Ok(got) = std::fs::read(target(name)) {
                    assert!(got == *data, "partial {name} under its final name");
                    data.len() as u64
                } else {
                    std::fs::metadata(part_path(&target(name))).map_or(0, |m| m.len())
                }
            })
            .collect();
        rounds.push((counters.seen.lock().unwrap().len(), held));
        tui = spawn();
        tui.wait_text("did not finish last time");
        tui.send("y");
    }
    tui.wait_for("the batch to finish", |_| {
        files.iter().all(|(name, _)| target(name).exists())
    });
    tui.wait_text("3 done");
    tui.send("q");
    assert!(tui.wait_exit());
    for (name, data) in &files {
        assert!(
            std::fs::read(target(name)).unwrap() == *data,
            "{name} differs"
        );
        assert!(
            !part_path(&target(name)).exists(),
            "{name}.part left behind"
        );
    }

    // No range below what a .part held at the last kill was asked for again.
    let seen = counters.seen.lock().unwrap().clone();
    let mut refetched = 0u64;
    for (round, (mark, held)) in rounds.iter().enumerate() {
        let until = rounds.get(round + 1).map_or(seen.len(), |(m, _)| *m);
        for s in seen[*mark..until].iter().filter(|s| s.method == "GET") {
            for ((name, _), held) in files.iter().zip(held) {
                if s.path.ends_with(&format!("/batch/{name}"))
                    && let Some(start) = s.range_start
                    && start < *held
                {
                    refetched += 1;
                    eprintln!(
                        "{name}: range from {start} fetched again after kill {}, though {held} bytes were written",
                        round + 1
                    );
                }
            }
        }
    }
    let wire = received();
    let ranged = seen.iter().filter(|s| s.range_start.is_some()).count();
    println!(
        "TUI: {kills} kills during a {total}-byte batch; {wire} bytes on the wire ({:.2}×, in-flight chunks lost at kills); {} requests, {ranged} ranged GETs, none below a kill's written prefix",
        wire as f64 / total as f64,
        seen.len()
    );
    assert!(ranged >= 12, "the proxy saw the ranged GETs ({ranged})");
    assert_eq!(refetched, 0, "written data was fetched again");
}
