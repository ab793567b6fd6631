//! The TUI's sync review through the real binary in a terminal: `Y` in a
//! container folder, a local folder typed, the plan read before anything
//! moves, extras deleted only when asked; a second run finds nothing to do.
//! And a sync killed with SIGKILL mid-way, finished after a restart through
//! a proxy that breaks requests.

mod support;

use blobx::azure::StorageClient;
use blobx::azure::walk::{Walk, WalkOptions};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};
use support::emulator::Emulator;
use support::fault_proxy::FaultProxy;
use support::pty::Tui;
use support::rng::Rng;
use support::seed::{BlobSpec, client, fill};
use support::unique;
use tokio_util::sync::CancellationToken;

fn body(len: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng(seed | 1);
    (0..len).map(|_| r.next() as u8).collect()
}

fn write(dir: &Path, rel: &str, data: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

fn md5(data: &[u8]) -> [u8; 16] {
    use md5::Digest;
    md5::Md5::digest(data).into()
}

/// The container's blobs: name → (Content-MD5, recorded mtime).
async fn blobs(c: &StorageClient, container: &str) -> BTreeMap<String, (Option<[u8; 16]>, bool)> {
    let opts = WalkOptions {
        details: true,
        ..WalkOptions::default()
    };
    Walk::start(c.clone(), container, "", opts, CancellationToken::new())
        .collect_sorted()
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.name, (b.content_md5, b.source_mtime_ms.is_some())))
        .collect()
}

/// The screen with runs of spaces made one.
fn squash(screen: &str) -> String {
    screen
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn open_review(tui: &mut Tui, local: &Path) {
    tui.send("Y");
    tui.wait_text("sync with local folder:");
    tui.send("\x15"); // ctrl-u clears the suggested folder
    tui.type_text(local.to_str().unwrap());
    tui.send("\r");
    tui.wait_text("Sync (upload)");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_review_shows_the_plan_then_syncs_and_a_second_run_has_nothing_to_do() {
    let emu = Emulator::shared();
    let container = unique("tuisync");
    let c = client(&emu.host);
    fill(
        &c,
        &container,
        vec![
            BlobSpec::new("same.txt", "same"),
            BlobSpec::new("changed.txt", "old"),
            BlobSpec::new("extra.txt", "x"),
        ],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    write(&local, "same.txt", b"same");
    // Older than the blob: the same file.
    std::fs::File::options()
        .write(true)
        .open(local.join("same.txt"))
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(86_400))
        .unwrap();
    write(&local, "changed.txt", b"new content");
    write(&local, "sub/new file.txt", b"fresh");

    let data = dir.path().join("data");
    let logs = dir.path().join("logs");
    let env = [
        ("BLOBX_DATA_DIR", data.to_str().unwrap()),
        ("BLOBX_LOG_DIR", logs.to_str().unwrap()),
    ];
    let uri = format!("az://{container}/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &env, dir.path(), 120, 32);
    tui.wait_text("3 items");
    open_review(&mut tui, &local);
    let screen = tui.wait_text("only on the target: kept");
    let flat = squash(&screen);
    for line in [
        "+ new 1 file 5 B sent",
        "~ changed 1 file 11 B sent again, overwriting",
        "1 file 1 B kept (m deletes them)",
        "= same 1 file 4 B left alone",
        "sub/new file.txt new",
        "changed.txt size differs",
        "extra.txt only on the target: kept",
    ] {
        assert!(flat.contains(line), "{line:?} in\n{screen}");
    }
    assert!(!flat.contains("same.txt"), "same files are not listed");
    // Nothing moved yet.
    assert_eq!(blobs(&c, &container).await.len(), 3);

    // Mirror: asked with the count and size, then run.
    tui.send("m");
    tui.wait_text("only on the target: deleted");
    tui.send("\r");
    tui.wait_text(&format!(
        "Delete 1 file only in az://{container}/ (1 B) after the transfers?"
    ));
    tui.send("y");
    tui.wait_text("Sync finished, 1 extra deleted (1 B); 2 upload times recorded");
    let after = blobs(&c, &container).await;
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        ["changed.txt", "same.txt", "sub/new file.txt"]
    );
    assert_eq!(after["changed.txt"], (Some(md5(b"new content")), true));
    assert_eq!(after["sub/new file.txt"], (Some(md5(b"fresh")), true));
    assert!(!after["same.txt"].1, "the same file was left alone");

    // A second run: nothing to do.
    open_review(&mut tui, &local);
    let screen = tui.wait_text("Nothing to do: both sides hold the same files.");
    assert!(squash(&screen).contains("= same 3 files 20 B"), "{screen}");
    tui.send("\x1b");
    tui.wait_for("the review closed", |s| !s.contains("Sync (upload)"));
    tui.send("q");
    assert!(tui.wait_exit());
    let lines = support::audit_lines_in(&logs);
    let log = lines.join("\n");
    let audit = |what: &str| lines.iter().filter(|l| l.contains(what)).count();
    assert_eq!(audit("delete extra (sync)"), 1, "{log}");
    assert_eq!(audit("record source mtime (sync)"), 2, "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_killed_mid_way_finishes_after_a_restart_through_faults() {
    let emu = Emulator::shared();
    let container = unique("tuisynckill");
    let c = client(&emu.host);
    c.create_container(&container).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("local");
    let mut want = BTreeMap::new();
    for (i, len) in [(0, 24usize << 20), (1, 70_000), (2, 1200), (3, 1)] {
        let name = format!("f{i}/file-{i}.bin");
        let data = body(len, i as u64 + 5);
        write(&local, &name, &data);
        want.insert(name, md5(&data));
    }
    let data = dir.path().join("data");
    let env = [("BLOBX_DATA_DIR", data.to_str().unwrap())];
    let uri = format!("az://{container}/");

    // Through a counting proxy; SIGKILL once a third of the bytes went out.
    let counting = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 3, 0).await;
    let counters = counting.counters.clone();
    let mut tui = Tui::spawn(
        &["--emulator", &counting.host, &uri],
        &env,
        dir.path(),
        120,
        32,
    );
    tui.wait_text("This folder is empty.");
    open_review(&mut tui, &local);
    tui.wait_for("the plan", |s| squash(s).contains("+ new 4 files"));
    tui.send("\r");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while counters.request_bytes.load(Ordering::Relaxed) < (8 << 20) {
        assert!(
            std::time::Instant::now() < deadline,
            "the upload never started"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = tui.pid().unwrap();
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    tui.wait_exit();
    assert_ne!(
        blobs(&c, &container).await.len(),
        4,
        "finished before the kill"
    );

    // Again, through a proxy breaking 15% of requests: resume, then sync.
    let faulty = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 31, 15).await;
    let mut tui = Tui::spawn(
        &["--emulator", &faulty.host, &uri],
        &env,
        dir.path(),
        120,
        32,
    );
    tui.wait_text("did not finish last time");
    tui.send("y");
    tui.wait_for("the resumed upload", |s| s.contains("nothing running"));
    // A transfer can still fail through the faults: then the sync says so
    // and is run again, as a user would.
    for _ in 0..3 {
        open_review(&mut tui, &local);
        let screen = tui.wait_for("the plan", |s| {
            s.contains("left alone") || s.contains("Could not compare")
        });
        if screen.contains("Nothing to do") || screen.contains("Could not compare") {
            tui.send("\x1b");
            tui.wait_for("the review closed", |s| !s.contains("Sync (upload)"));
            if screen.contains("Nothing to do") {
                break;
            }
            continue;
        }
        tui.send("\r");
        tui.wait_for("the sync's end", |s| {
            s.contains("Sync finished") || s.contains("did not finish")
        });
    }
    let got: BTreeMap<String, [u8; 16]> = blobs(&c, &container)
        .await
        .into_iter()
        .map(|(k, (m, _))| (k, m.expect("Content-MD5")))
        .collect();
    assert_eq!(got, want, "through faults: {}", faulty.counters.summary());
    // Once more: nothing to do.
    open_review(&mut tui, &local);
    tui.wait_text("Nothing to do: both sides hold the same files.");
    tui.send("q");
    tui.send("q");
    assert!(tui.wait_exit());
}
