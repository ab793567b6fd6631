//! The transfer engine against Azurite: byte-exact round trips at the block
//! boundaries, awkward names, MD5 checks, conflicts, cancel, and crash-resume
//! of the headless `blobx cp` (kill -9, then run it again).

mod support;

use blobx::azure::StorageClient;
use blobx::azure::account::Account;
use blobx::transfer::conflict::Conflict;
use blobx::transfer::download::part_path;
use blobx::transfer::engine::EngineOptions;
use blobx::transfer::journal::Journal;
use blobx::transfer::upload::{BLOCK_SIZE, SINGLE_PUT_MAX};
use blobx::transfer::{Endpoint, Engine, ItemSpec, Kind, Status};
use md5::{Digest, Md5};
use std::path::Path;
use support::emulator::Emulator;
use support::seed::client;
use support::unique;

fn engine(host: &str, journal: Option<&Path>) -> Engine {
    let c = StorageClient::for_transfers(Account::emulator(host).unwrap()).unwrap();
    Engine::new(
        vec![Some(("emulator".into(), c))],
        EngineOptions {
            journal: journal.map(Journal::new),
            ..EngineOptions::default()
        },
    )
}

fn blob(container: &str, name: &str) -> Endpoint {
    Endpoint::Blob {
        account: 0,
        container: container.into(),
        name: name.into(),
        at: None,
    }
}

/// Deterministic pseudo-random bytes.
fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

async fn run(engine: &Engine, specs: Vec<ItemSpec>, conflict: Conflict) -> Vec<Status> {
    let ids = engine.enqueue(specs, conflict);
    engine.wait_idle().await;
    let snap = engine.sample();
    ids.iter()
        .map(|id| {
            snap.items
                .iter()
                .find(|i| i.id == *id)
                .map(|i| i.status.clone())
                .unwrap()
        })
        .collect()
}

fn up(path: &Path, container: &str, name: &str) -> ItemSpec {
    ItemSpec {
        kind: Kind::Upload,
        source: Endpoint::Local(path.to_path_buf()),
        target: blob(container, name),
        size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
    }
}

fn down(container: &str, name: &str, path: &Path, size: u64) -> ItemSpec {
    ItemSpec {
        kind: Kind::Download,
        source: blob(container, name),
        target: Endpoint::Local(path.to_path_buf()),
        size,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn round_trips_are_byte_exact_at_every_boundary() {
    let emu = Emulator::shared();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&emu.host, Some(&dir.path().join("journal")));
    let container = unique("sizes");
    client(&emu.host)
        .ensure_container(&container)
        .await
        .unwrap();
    let random = 3 * BLOCK_SIZE as usize + 12_345;
    let sizes = [
        0,
        1,
        BLOCK_SIZE as usize,
        SINGLE_PUT_MAX as usize,
        SINGLE_PUT_MAX as usize + 1,
        random,
    ];
    let mut specs = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        let p = dir.path().join(format!("in-{i}.bin"));
        std::fs::write(&p, data(*size, i as u64)).unwrap();
        specs.push(up(&p, &container, &format!("f{i}.bin")));
    }
    assert!(
        run(&engine, specs, Conflict::Skip)
            .await
            .iter()
            .all(|s| *s == Status::Done)
    );
    let mut specs = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        specs.push(down(
            &container,
            &format!("f{i}.bin"),
            &dir.path().join(format!("out-{i}.bin")),
            *size as u64,
        ));
    }
    let statuses = run(&engine, specs, Conflict::Skip).await;
    assert!(statuses.iter().all(|s| *s == Status::Done), "{statuses:?}");
    for (i, size) in sizes.iter().enumerate() {
        let back = std::fs::read(dir.path().join(format!("out-{i}.bin"))).unwrap();
        assert_eq!(back.len(), *size);
        assert!(back == data(*size, i as u64), "size {size} differs");
    }
    // Uploads carry a whole-blob MD5 the service keeps.
    let props = client(&emu.host)
        .blob_props(&container, "f5.bin")
        .await
        .unwrap();
    let expected = base64_md5(&data(random, 5));
    assert_eq!(props.content_md5.as_deref(), Some(expected.as_str()));
    assert!(
        std::fs::read_dir(dir.path().join("journal"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "journal cleaned up"
    );
}

fn base64_md5(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(bytes))
}

fn tree_files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn blobx(args: &[&str], home: &Path) -> std::process::Output {
    support::run_blobx(home, args)
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_of_500_awkward_names_goes_up_and_comes_back() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let src = home.path().join("src");
    let names = [
        "plain",
        "with space",
        "ünïcödé-数据",
        "hash#tag",
        "per%cent",
        "what?",
        "dots...",
    ];
    for i in 0..500 {
        let dir = src.join(format!("d{}", i % 7)).join(names[i % names.len()]);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("{} {i}.txt", names[(i + 3) % names.len()])),
            data(i * 37 % 3000, i as u64),
        )
        .unwrap();
    }
    let container = unique("tree");
    let dest = format!("az://{container}/nested/");
    // With a trailing slash the folder's contents go into nested/ (without, nested/src/).
    let contents = format!("{}/", src.display());
    let out = blobx(
        &[
            "cp",
            "--emulator",
            &emu.host,
            "--json",
            "--create-container",
            "-r",
            &contents,
            &dest,
        ],
        home.path(),
    );
    let doc = json(&out);
    assert_eq!(doc["done"], 500, "{doc}");
    let back = home.path().join("back");
    let out = blobx(
        &[
            "cp",
            "--emulator",
            &emu.host,
            "--json",
            "-r",
            &dest,
            back.to_str().unwrap(),
        ],
        home.path(),
    );
    let doc = json(&out);
    assert_eq!(
        (doc["done"].as_u64(), doc["failed"].as_u64()),
        (Some(500), Some(0)),
        "{doc}"
    );
    assert_eq!(tree_files(&src), tree_files(&back));
    // Running it again copies nothing: every target exists and nothing is overwritten unasked.
    let out = blobx(
        &[
            "cp",
            "--emulator",
            &emu.host,
            "--json",
            "-r",
            &dest,
            back.to_str().unwrap(),
        ],
        home.path(),
    );
    assert_eq!(json(&out)["skipped"], 500);
    assert!(out.status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_with_a_wrong_md5_fails_and_leaves_no_file() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("md5");
    c.ensure_container(&container).await.unwrap();
    let body = data(100_000, 9);
    // The service stores whatever MD5 a block list commit claims: claim a wrong one.
    let id = blobx::azure::blob_io::block_id(BLOCK_SIZE, 0);
    c.put_block(
        &container,
        "bad.bin",
        &id,
        body.clone().into(),
        &Md5::digest(&body),
    )
    .await
    .unwrap();
    c.put_block_list(
        &container,
        "bad.bin",
        &[id],
        "application/octet-stream",
        Some(&base64_md5(b"other")),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("bad.bin");
    let engine = engine(&emu.host, None);
    let statuses = run(
        &engine,
        vec![down(&container, "bad.bin", &target, body.len() as u64)],
        Conflict::Skip,
    )
    .await;
    match &statuses[0] {
        Status::Failed(why) => assert!(why.contains("Content-MD5"), "{why}"),
        other => panic!("expected a failure, got {other:?}"),
    }
    assert!(!target.exists(), "no final file");
    assert!(!part_path(&target).exists(), "no partial file");
}

#[tokio::test(flavor = "multi_thread")]
async fn conflicts_are_answered_per_batch() {
    let emu = Emulator::shared();
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&emu.host, None);
    let container = unique("conflict");
    client(&emu.host)
        .ensure_container(&container)
        .await
        .unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "first").unwrap();
    assert_eq!(
        run(&engine, vec![up(&a, &container, "a.txt")], Conflict::Skip).await,
        [Status::Done]
    );
    std::fs::write(&a, "second!").unwrap();
    // Skip: untouched.
    assert!(matches!(
        run(&engine, vec![up(&a, &container, "a.txt")], Conflict::Skip).await[0],
        Status::Skipped(_)
    ));
    // Keep both: written beside it.
    assert_eq!(
        run(
            &engine,
            vec![up(&a, &container, "a.txt")],
            Conflict::KeepBoth
        )
        .await,
        [Status::Done]
    );
    let c = client(&emu.host);
    assert_eq!(c.blob_props(&container, "a (1).txt").await.unwrap().size, 7);
    assert_eq!(c.blob_props(&container, "a.txt").await.unwrap().size, 5);
    // If different: sizes differ, so it is replaced; then equal sizes are left alone.
    assert_eq!(
        run(
            &engine,
            vec![up(&a, &container, "a.txt")],
            Conflict::IfDifferent
        )
        .await,
        [Status::Done]
    );
    assert_eq!(c.blob_props(&container, "a.txt").await.unwrap().size, 7);
    assert!(matches!(
        run(
            &engine,
            vec![up(&a, &container, "a.txt")],
            Conflict::IfDifferent
        )
        .await[0],
        Status::Skipped(_)
    ));
    // Downloads: overwrite replaces the local file.
    let local = dir.path().join("local.txt");
    std::fs::write(&local, "old").unwrap();
    assert!(matches!(
        run(
            &engine,
            vec![down(&container, "a.txt", &local, 7)],
            Conflict::Skip
        )
        .await[0],
        Status::Skipped(_)
    ));
    assert_eq!(std::fs::read_to_string(&local).unwrap(), "old");
    assert_eq!(
        run(
            &engine,
            vec![down(&container, "a.txt", &local, 7)],
            Conflict::Overwrite
        )
        .await,
        [Status::Done]
    );
    assert_eq!(std::fs::read_to_string(&local).unwrap(), "second!");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_leaves_nothing_under_the_final_name() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("cancel");
    c.ensure_container(&container).await.unwrap();
    let body = data(24 << 20, 4);
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    std::fs::write(&src, &body).unwrap();
    let engine = engine(&emu.host, Some(&dir.path().join("journal")));
    assert_eq!(
        run(
            &engine,
            vec![up(&src, &container, "big.bin")],
            Conflict::Skip
        )
        .await,
        [Status::Done]
    );
    // One request at a time, so the cancel lands mid-download.
    let slow = Engine::new(
        vec![Some((
            "emulator".into(),
            StorageClient::for_transfers(Account::emulator(&emu.host).unwrap()).unwrap(),
        ))],
        EngineOptions {
            chunks_in_parallel: 1,
            journal: Some(Journal::new(dir.path().join("journal"))),
            ..EngineOptions::default()
        },
    );
    let target = dir.path().join("big.bin");
    let ids = slow.enqueue(
        vec![down(&container, "big.bin", &target, body.len() as u64)],
        Conflict::Skip,
    );
    while slow.sample().items[0].done == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    slow.cancel(ids[0]);
    slow.wait_idle().await;
    assert_eq!(slow.sample().items[0].status, Status::Cancelled);
    assert!(!target.exists(), "nothing under the final name");
    assert!(!part_path(&target).exists(), "the partial file is removed");
    assert!(
        Journal::new(dir.path().join("journal"))
            .pending()
            .is_empty()
    );
}

/// Runs `blobx cp --json` in the background and kills it with SIGKILL once `ready` says so.
fn kill_when(args: &[String], home: &Path, ready: impl Fn() -> bool) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
        .args(args)
        .env("BLOBX_CONFIG_DIR", home.join("config"))
        .env("BLOBX_LOG_DIR", home.join("logs"))
        .env("BLOBX_DATA_DIR", home.join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !ready() {
        if let Ok(Some(_)) = child.try_wait() {
            panic!("blobx finished before it could be killed; make the transfer bigger");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never got ready to kill"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup runs
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_nine_then_resume_sends_nothing_twice() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let container = unique("resume");
    let size = 96usize << 20;
    let body = data(size, 77);
    let src = home.path().join("big.bin");
    std::fs::write(&src, &body).unwrap();
    let dest = format!("az://{container}/big.bin");
    let args: Vec<String> = [
        "cp",
        "--emulator",
        &emu.host,
        "--json",
        "--parallel-chunks",
        "1",
        "--create-container",
        src.to_str().unwrap(),
        &dest,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();

    // Upload: kill once a few blocks are staged.
    let c = client(&emu.host);
    let (c2, cont2) = (c.clone(), container.clone());
    let staged = move || {
        let (c, cont) = (c2.clone(), cont2.clone());
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(c.uncommitted_blocks(&cont, "big.bin"))
                .map(|b| b.len())
                .unwrap_or(0)
        })
        .join()
        .unwrap()
    };
    tokio::task::block_in_place(|| kill_when(&args, home.path(), || staged() >= 4));
    let already = staged();
    assert!(
        already >= 4 && (already as u64) < (size as u64).div_ceil(BLOCK_SIZE),
        "killed mid-upload ({already} blocks)"
    );
    assert!(
        c.blob_exists(&container, "big.bin")
            .await
            .unwrap()
            .is_none(),
        "nothing committed yet"
    );
    let out = blobx(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        home.path(),
    );
    let doc = json(&out);
    assert_eq!(doc["done"], 1, "{doc}");
    let reused = doc["reused_bytes"].as_u64().unwrap();
    assert!(
        reused >= already as u64 * BLOCK_SIZE,
        "staged blocks were sent again: {doc}"
    );
    assert_eq!(
        doc["sent_bytes"].as_u64().unwrap() + reused,
        size as u64,
        "{doc}"
    );
    assert_eq!(
        c.blob_props(&container, "big.bin")
            .await
            .unwrap()
            .content_md5,
        Some(base64_md5(&body))
    );

    // Download: kill once the .part has some data, then resume from it.
    let target = home.path().join("back.bin");
    let args: Vec<String> = [
        "cp",
        "--emulator",
        &emu.host,
        "--json",
        "--parallel-chunks",
        "1",
        &dest,
        target.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let part = part_path(&target);
    tokio::task::block_in_place(|| {
        kill_when(&args, home.path(), || {
            std::fs::metadata(&part)
                .map(|m| m.len() >= 16 << 20)
                .unwrap_or(false)
        })
    });
    assert!(
        !target.exists(),
        "a partial download never sits under the final name"
    );
    let partial = std::fs::metadata(&part).unwrap().len();
    let out = blobx(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        home.path(),
    );
    let doc = json(&out);
    assert_eq!(doc["done"], 1, "{doc}");
    assert!(
        doc["reused_bytes"].as_u64().unwrap() >= partial.min(size as u64) - (4 << 20),
        "{doc}"
    );
    assert!(
        std::fs::read(&target).unwrap() == body,
        "resumed download differs"
    );
    assert!(!part.exists());
}

/// Many multi-block files at once with a memory budget far smaller than what
/// they would like to hold: every transfer must still finish (no waiting on
/// memory that only unpolled work could free).
#[tokio::test(flavor = "multi_thread")]
async fn a_tight_memory_budget_never_deadlocks() {
    let emu = Emulator::shared();
    let dir = tempfile::tempdir().unwrap();
    let c = StorageClient::for_transfers(Account::emulator(&emu.host).unwrap()).unwrap();
    let engine = Engine::new(
        vec![Some(("emulator".into(), c))],
        EngineOptions {
            files_in_parallel: 8,
            chunks_in_parallel: 4,
            memory_budget: 8 << 20,
            journal: None,
            cap: None,
        },
    );
    let container = unique("budget");
    client(&emu.host)
        .ensure_container(&container)
        .await
        .unwrap();
    let size = 3 * BLOCK_SIZE as usize + 5;
    let mut ups = Vec::new();
    for i in 0..8 {
        let p = dir.path().join(format!("u{i}.bin"));
        std::fs::write(&p, data(size, 100 + i)).unwrap();
        ups.push(up(&p, &container, &format!("b{i}.bin")));
    }
    let within = std::time::Duration::from_secs(180);
    let statuses = tokio::time::timeout(within, run(&engine, ups, Conflict::Skip))
        .await
        .expect("uploads stalled: the memory budget deadlocked");
    assert!(statuses.iter().all(|s| *s == Status::Done), "{statuses:?}");
    let downs = (0..8)
        .map(|i| {
            down(
                &container,
                &format!("b{i}.bin"),
                &dir.path().join(format!("d{i}.bin")),
                size as u64,
            )
        })
        .collect();
    let statuses = tokio::time::timeout(within, run(&engine, downs, Conflict::Skip))
        .await
        .expect("downloads stalled: the memory budget deadlocked");
    assert!(statuses.iter().all(|s| *s == Status::Done), "{statuses:?}");
    for i in 0..8u64 {
        assert!(
            std::fs::read(dir.path().join(format!("d{i}.bin"))).unwrap() == data(size, 100 + i)
        );
    }
}
