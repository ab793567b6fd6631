//! The TUI's sync review through the real binary in a terminal: `Y` in a
//! container folder, a local folder typed, the plan read before anything
//! moves, extras deleted only when asked; a second run finds nothing to do.
//! And a sync killed with SIGKILL mid-way, finished after a restart through
//! a proxy that breaks requests.
//!
//! The same between two container folders: the other side typed as a
//! location (`az://c@account/p`), the source on another account read
//! through its SAS, the copies server-side; and such a sync killed mid-way,
//! run again after a restart through faults.

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

/// The `blobx_mtime` each blob carries (unix ms), by name.
async fn recorded_mtimes(c: &StorageClient, container: &str) -> BTreeMap<String, Option<i64>> {
    let opts = WalkOptions {
        details: true,
        ..WalkOptions::default()
    };
    Walk::start(c.clone(), container, "", opts, CancellationToken::new())
        .collect_sorted()
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.name, b.source_mtime_ms))
        .collect()
}

/// A file's mtime as sync records it (unix ms).
fn mtime_ms(path: &Path) -> i64 {
    std::fs::metadata(path)
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
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
    open_review_of(tui, local.to_str().unwrap(), "Sync (upload)");
}

/// `Y`, `other` typed (a local folder or a location), the review open.
fn open_review_of(tui: &mut Tui, other: &str, title: &str) {
    tui.send("Y");
    tui.wait_text("sync with (a local folder or az://container/folder):");
    tui.send("\x15"); // ctrl-u clears the suggested folder
    tui.type_text(other);
    tui.send("\r");
    tui.wait_text(title);
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
    let screen = tui.wait_for("the resumed upload", |s| {
        s.contains("file-0.bin") && s.contains("nothing running")
    });
    // The resumed upload (and those done before the kill) carry their
    // file's mtime: the journal kept what sync records.
    let resumed = recorded_mtimes(&c, &container).await;
    assert!(
        resumed.contains_key("f0/file-0.bin"),
        "the big file was resumed: {resumed:?}\n{screen}"
    );
    for (name, recorded) in &resumed {
        assert_eq!(
            *recorded,
            Some(mtime_ms(&local.join(name))),
            "{name} after the restart"
        );
    }
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
    for (name, recorded) in recorded_mtimes(&c, &container).await {
        assert_eq!(recorded, Some(mtime_ms(&local.join(&name))), "{name}");
    }
    // Once more: nothing to do.
    open_review(&mut tui, &local);
    tui.wait_text("Nothing to do: both sides hold the same files.");
    tui.send("q");
    tui.send("q");
    assert!(tui.wait_exit());
}

/// Every blob of a container with the MD5 of its bytes, read back whole.
async fn contents(c: &StorageClient, container: &str) -> BTreeMap<String, [u8; 16]> {
    let mut out = BTreeMap::new();
    for name in blobs(c, container).await.into_keys() {
        let props = c.blob_props(container, &name).await.unwrap();
        let data = if props.size == 0 {
            Vec::new()
        } else {
            c.get_range(container, &name, 0, props.size, &props.etag)
                .await
                .unwrap()
                .to_vec()
        };
        out.insert(name, md5(&data));
    }
    out
}

/// A read-and-list SAS of `container`, attached as account `label` in
/// `home`'s config (the way `a` saves one).
fn attach_container_sas(home: &Path, host: &str, container: &str, label: &str) {
    let sas = support::run_blobx(
        home,
        &[
            "sas",
            &format!("az://{container}"),
            "--permissions",
            "rl",
            "--emulator",
            host,
        ],
    );
    assert!(
        sas.status.success(),
        "{}",
        String::from_utf8_lossy(&sas.stderr)
    );
    let url = String::from_utf8_lossy(&sas.stdout).trim().to_string();
    let parsed =
        blobx::azure::connection::parse_sas_url(&url, blobx::azure::connection::now_unix())
            .unwrap();
    let account =
        blobx::azure::Account::from_parsed(label, label, blobx::azure::Source::Attached, parsed);
    blobx::config::accounts::AccountStore::new(home.join("config"))
        .upsert(&account)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn two_container_folders_on_two_accounts_sync_server_side() {
    let emu = Emulator::shared();
    let (src, dst) = (unique("c2csrc"), unique("c2cdst"));
    let c = client(&emu.host);
    // The target first: its changed.txt is older (and smaller) than the source's.
    fill(
        &c,
        &dst,
        vec![
            BlobSpec::new("changed.txt", "old"),
            BlobSpec::new("extra.txt", "x"),
            BlobSpec::new("old/stale.log", "stale!"),
        ],
    )
    .await
    .unwrap();
    let big = body(70_000, 3);
    fill(
        &c,
        &src,
        vec![
            BlobSpec::new("changed.txt", "new content"),
            BlobSpec::new("same.txt", "same"),
            BlobSpec::new("sub/new file.bin", big.clone()),
            BlobSpec::new("a.txt", "fresh"),
        ],
    )
    .await
    .unwrap();
    // Written after its source: the same.
    let same = BlobSpec::new("same.txt", "same");
    c.put_blob(
        &dst,
        &same.name,
        same.body,
        same.content_type,
        same.metadata,
    )
    .await
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    // The source is another account: only a read/list SAS of its container.
    attach_container_sas(dir.path(), &emu.host, &src, "srcsas");
    let data = dir.path().join("data");
    let logs = dir.path().join("logs");
    let env = [
        ("BLOBX_DATA_DIR", data.to_str().unwrap()),
        ("BLOBX_LOG_DIR", logs.to_str().unwrap()),
    ];
    let uri = format!("az://{dst}@emulator/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &env, dir.path(), 130, 32);
    tui.wait_text("4 items");
    let other = format!("az://{src}@srcsas/");
    open_review_of(&mut tui, &other, "Sync (server-side copy)");
    let screen = tui.wait_text("only on the target: kept");
    let flat = squash(&screen);
    for line in [
        &format!("az://{src}@srcsas/ → az://{dst}@emulator/") as &str,
        "the source blob's Last-Modified vs the target blob's",
        "+ new 2 files 68.36 KiB copied server-side",
        "~ changed 1 file 11 B copied server-side again, overwriting",
        "- only on the target 2 files 7 B kept (m deletes them)",
        "= same 1 file 4 B left alone",
        "sub/new file.bin new",
        "changed.txt size differs",
        "old/stale.log only on the target: kept",
    ] {
        assert!(flat.contains(line), "{line:?} in\n{screen}");
    }
    assert_eq!(blobs(&c, &dst).await.len(), 4, "nothing moved yet");

    tui.send("m");
    tui.wait_text("only on the target: deleted");
    tui.send("\r");
    tui.wait_text(&format!(
        "Delete 2 files only in az://{dst}@emulator/ (7 B) after the transfers?"
    ));
    tui.send("y");
    tui.wait_text("Sync finished, 2 extras deleted (7 B).");
    let want = contents(&c, &src).await;
    assert_eq!(
        contents(&c, &dst).await,
        want,
        "every target blob is its source"
    );
    assert_eq!(want.len(), 4);

    // A second run: nothing to do.
    open_review_of(&mut tui, &other, "Sync (server-side copy)");
    let screen = tui.wait_text("Nothing to do: both sides hold the same files.");
    assert!(squash(&screen).contains("= same 4 files"), "{screen}");
    tui.send("\x1b");
    tui.wait_for("the review closed", |s| !s.contains("Sync (server"));

    // Nested folders are refused before any request.
    open_review_of(&mut tui, &format!("az://{dst}/sub/"), "overlap");
    tui.send("q");
    assert!(tui.wait_exit());
    let lines = support::audit_lines_in(&logs);
    let log = lines.join("\n");
    let audit = |what: &str| lines.iter().filter(|l| l.contains(what)).count();
    assert_eq!(audit("delete extra (sync)"), 2, "{log}");
    assert_eq!(audit("\"copy\""), 3, "one line per copy: {log}");
    assert_eq!(audit("record source mtime"), 0, "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_container_sync_killed_mid_way_is_run_again_through_faults() {
    let emu = Emulator::shared();
    let (src, dst) = (unique("c2ckill"), unique("c2ckilldst"));
    let c = client(&emu.host);
    let specs: Vec<BlobSpec> = (0..240u64)
        .map(|i| {
            BlobSpec::new(
                format!("d{}/blob-{i:03}.bin", i % 7),
                body(1000 + (i as usize * 37) % 9000, i + 11),
            )
        })
        .collect();
    fill(&c, &src, specs).await.unwrap();
    c.create_container(&dst).await.unwrap();
    let want = contents(&c, &src).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let env = [("BLOBX_DATA_DIR", data.to_str().unwrap())];
    let uri = format!("az://{dst}/");
    let other = format!("az://{src}/");

    // Through a counting proxy; SIGKILL once 40 copies reached the service.
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
    open_review_of(&mut tui, &other, "Sync (server-side copy)");
    tui.wait_for("the plan", |s| squash(s).contains("+ new 240 files"));
    tui.send("\r");
    let copies = || {
        counters
            .seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.method == "PUT" && s.path.contains(&dst))
            .count()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while copies() < 40 {
        assert!(
            std::time::Instant::now() < deadline,
            "the copies never started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    let pid = tui.pid().unwrap();
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    tui.wait_exit();
    let part = blobs(&c, &dst).await.len();
    assert!(part < 240, "finished before the kill");

    // Again, through a proxy breaking 15% of requests, until nothing is left.
    let faulty = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 31, 15).await;
    let mut tui = Tui::spawn(
        &["--emulator", &faulty.host, &uri],
        &env,
        dir.path(),
        120,
        32,
    );
    let screen = tui.wait_for("the folder", |s| {
        s.contains("items") || s.contains("did not finish last time")
    });
    if screen.contains("did not finish last time") {
        tui.send("y");
    }
    let mut runs = 0;
    for _ in 0..4 {
        open_review_of(&mut tui, &other, "Sync (server-side copy)");
        let screen = tui.wait_for("the plan", |s| {
            s.contains("left alone") || s.contains("Could not compare")
        });
        if screen.contains("Nothing to do") || screen.contains("Could not compare") {
            tui.send("\x1b");
            tui.wait_for("the review closed", |s| !s.contains("Sync (server"));
            if screen.contains("Nothing to do") {
                break;
            }
            continue;
        }
        runs += 1;
        tui.send("\r");
        tui.wait_for("the sync's end", |s| {
            s.contains("Sync finished") || s.contains("did not finish")
        });
    }
    assert!(runs >= 1, "the restart had copies left to make");
    assert!(
        faulty.counters.faults() > 0,
        "{}",
        faulty.counters.summary()
    );
    eprintln!(
        "{part} of 240 copied before the kill; {runs} run(s) after it; {}",
        faulty.counters.summary()
    );
    assert_eq!(
        contents(&c, &dst).await,
        want,
        "nothing lost or corrupt through faults: {}",
        faulty.counters.summary()
    );
    open_review_of(&mut tui, &other, "Sync (server-side copy)");
    tui.wait_text("Nothing to do: both sides hold the same files.");
    tui.send("q");
    tui.send("q");
    assert!(tui.wait_exit());
}
