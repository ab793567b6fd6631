//! The parallel walker, `blobx du` and the filters against Azurite: every
//! blob exactly once (also through a proxy breaking requests), cancelling
//! stops the requests, sizes per folder and tier agree with a sum made from
//! what was uploaded, and filters take exactly the files they name.

mod support;

use blobx::azure::StorageClient;
use blobx::azure::ops::{AccessTier, set_tier};
use blobx::azure::walk::{Tier, Walk, WalkOptions};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use support::emulator::Emulator;
use support::rng::Rng;
use support::seed::{BlobSpec, client, fill};
use support::{run_blobx, unique};
use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

/// One seeded blob: name, size, tier.
type Seeded = (String, u64, Tier);

struct Tree {
    container: String,
    blobs: Vec<Seeded>,
}

const FOLDERS: &[&str] = &["", "a/", "a/x/", "a/y/", "b/", "c/d/e/", "f/", "sp ace+/"];

/// One tree for the whole binary: 8 folders (one named with a space and a
/// plus, which once broke the signature of its listing), 210 blobs of 0-2999 bytes,
/// some Cool, some Archive.
async fn tree() -> &'static Tree {
    static TREE: OnceCell<Tree> = OnceCell::const_new();
    TREE.get_or_init(|| async {
        let emu = Emulator::shared();
        let c = client(&emu.host);
        let container = unique("walk");
        let mut rng = Rng(0x5eed_0013);
        let mut blobs = Vec::new();
        for i in 0..210 {
            let folder = FOLDERS[i % FOLDERS.len()];
            let ext = if i % 3 == 0 { "csv" } else { "bin" };
            let size = rng.below(3000) as u64;
            let tier = match i % 10 {
                0 => Tier::Cool,
                1 => Tier::Archive,
                _ => Tier::Hot,
            };
            blobs.push((format!("{folder}f{i:03}.{ext}"), size, tier));
        }
        let specs = blobs
            .iter()
            .map(|(n, s, _)| BlobSpec::new(n.clone(), vec![b'x'; *s as usize]))
            .collect();
        fill(&c, &container, specs).await.unwrap();
        for (name, _, tier) in &blobs {
            let t = match tier {
                Tier::Cool => AccessTier::Cool,
                Tier::Archive => AccessTier::Archive,
                _ => continue,
            };
            set_tier(&c, &container, name, t, None).await.unwrap();
        }
        blobs.sort();
        Tree { container, blobs }
    })
    .await
}

async fn walk_all(c: StorageClient, container: &str, prefix: &str, o: WalkOptions) -> Vec<Seeded> {
    Walk::start(c, container, prefix, o, CancellationToken::new())
        .collect_sorted()
        .await
        .unwrap()
        .into_iter()
        .map(|b| (b.name, b.size, b.tier))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_walker_finds_every_blob_once_in_every_shape() {
    let t = tree().await;
    let emu = Emulator::shared();
    let c = client(&emu.host);
    for options in [
        WalkOptions::default(),
        WalkOptions {
            parallel: 1,
            ..WalkOptions::default()
        },
        WalkOptions {
            flat: true,
            details: true,
            ..WalkOptions::default()
        },
    ] {
        let got = walk_all(c.clone(), &t.container, "", options.clone()).await;
        assert_eq!(got, t.blobs, "{options:?}");
    }
    // A prefix that is not a folder: the start of names.
    let got = walk_all(c.clone(), &t.container, "a/x/f0", WalkOptions::default()).await;
    let want: Vec<_> = t
        .blobs
        .iter()
        .filter(|b| b.0.starts_with("a/x/f0"))
        .cloned()
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // Through a proxy that breaks 20% of requests: the client's retries
    // make it whole, every name once.
    let upstream = emu.host.trim_start_matches("http://").to_string();
    let proxy = support::fault_proxy::FaultProxy::start(&upstream, 13, 20).await;
    let pc = client(&proxy.host);
    let got = walk_all(pc, &t.container, "", WalkOptions::default()).await;
    assert_eq!(got, t.blobs, "{}", proxy.counters.summary());
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_walk_stops_its_requests() {
    let t = tree().await;
    let emu = Emulator::shared();
    let upstream = emu.host.trim_start_matches("http://").to_string();
    let proxy = support::fault_proxy::FaultProxy::start(&upstream, 1, 0).await;
    let pc = client(&proxy.host);
    // The whole walk, for the count of requests it makes.
    walk_all(pc.clone(), &t.container, "", WalkOptions::default()).await;
    let whole = proxy.counters.requests.load(Ordering::Relaxed);
    assert!(whole >= FOLDERS.len() as u64, "{whole}");

    let before = proxy.counters.requests.load(Ordering::Relaxed);
    let cancel = CancellationToken::new();
    let mut walk = Walk::start(
        pc,
        &t.container,
        "",
        WalkOptions {
            parallel: 1,
            ..WalkOptions::default()
        },
        cancel.clone(),
    );
    let first = walk.next().await.unwrap().unwrap();
    assert!(!first.is_empty());
    cancel.cancel();
    assert!(walk.next().await.is_none(), "nothing after the cancel");
    let at_cancel = proxy.counters.requests.load(Ordering::Relaxed) - before;
    // Give a runaway task the time to send another request, then count again.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let after = proxy.counters.requests.load(Ordering::Relaxed) - before;
    assert_eq!(after, at_cancel, "no request after the cancel");
    assert!(after < whole, "{after} of {whole}");
}

/// Bytes, blobs, and bytes and blobs per tier.
type Sum = (u64, u64, BTreeMap<String, (u64, u64)>);

/// Sums from what was uploaded: per folder (down to `depth`), per tier.
fn expected(
    blobs: &[Seeded],
    depth: usize,
    take: impl Fn(&str, u64) -> bool,
) -> BTreeMap<String, Sum> {
    let mut m: BTreeMap<String, Sum> = BTreeMap::new();
    for (name, size, tier) in blobs {
        if !take(name, *size) {
            continue;
        }
        let parts: Vec<&str> = name.split('/').collect();
        let folders = parts.len() - 1;
        for d in 0..=depth.min(folders) {
            let key: String = parts[..d].iter().map(|p| format!("{p}/")).collect();
            let e = m.entry(key).or_default();
            e.0 += size;
            e.1 += 1;
            let te = e.2.entry(tier.name().to_string()).or_default();
            te.0 += size;
            te.1 += 1;
        }
    }
    m
}

fn from_json(v: &serde_json::Value) -> Sum {
    let tiers = v["tiers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, t)| {
            (
                k.clone(),
                (t["bytes"].as_u64().unwrap(), t["blobs"].as_u64().unwrap()),
            )
        })
        .collect();
    (
        v["bytes"].as_u64().unwrap(),
        v["blobs"].as_u64().unwrap(),
        tiers,
    )
}

fn du(args: &[&str]) -> serde_json::Value {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let mut all = vec!["du", "--json", "--emulator", &emu.host];
    all.extend_from_slice(args);
    let out = run_blobx(home.path(), &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn du_agrees_with_an_independent_sum_per_folder_and_tier() {
    let t = tree().await;
    let doc = du(&[&format!("az://{}", t.container), "--depth", "2"]);
    let want = expected(&t.blobs, 2, |_, _| true);
    assert_eq!(from_json(&doc), want[""]);
    let got: BTreeMap<String, _> = doc["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), from_json(f)))
        .collect();
    let want_folders: BTreeMap<_, _> = want
        .clone()
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .collect();
    assert_eq!(got, want_folders);
    // The estimate from the default prices, per GB-month, summed independently.
    let prices = [("Hot", 0.018), ("Cool", 0.01), ("Archive", 0.00099)];
    let cost: f64 = want[""]
        .2
        .iter()
        .map(|(tier, (bytes, _))| {
            let p = prices.iter().find(|(t, _)| t == tier).unwrap().1;
            *bytes as f64 / 1e9 * p
        })
        .sum();
    let amount = doc["estimated_monthly_cost"]["amount"].as_f64().unwrap();
    assert!((amount - cost).abs() < 1e-12, "{amount} vs {cost}");
    assert!(doc["folders"][0]["monthly_cost_estimate"].as_f64().unwrap() > 0.0);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 0);

    // A folder, with filters: only .csv files of at least 1000 bytes.
    let doc = du(&[
        &format!("az://{}/a", t.container),
        "--depth",
        "0",
        "--include",
        "*.csv",
        "--min-size",
        "1000",
    ]);
    let want = expected(&t.blobs, 0, |n, s| {
        n.starts_with("a/") && n.ends_with(".csv") && s >= 1000
    });
    assert_eq!(from_json(&doc), want[""]);
    assert!(doc["folders"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_take_exactly_the_files_they_name() {
    let t = tree().await;
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Download folder a/ without a/x/ and without anything over 2000 bytes.
    let out_dir = h.join("out");
    let out = run_blobx(
        h,
        &[
            "cp",
            &format!("az://{}/a/", t.container),
            out_dir.to_str().unwrap(),
            "-r",
            "--exclude",
            "x/**",
            "--max-size",
            "2000",
            "--emulator",
            &emu.host,
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    // Archived blobs cannot be read: those fail (exit 1) and are left out.
    assert_eq!(out.status.code(), Some(1), "{err}");
    let want: Vec<String> = t
        .blobs
        .iter()
        .filter(|(n, s, tier)| {
            n.starts_with("a/") && !n.starts_with("a/x/") && *s <= 2000 && *tier != Tier::Archive
        })
        .map(|(n, _, _)| n["a/".len()..].to_string())
        .collect();
    let mut got = Vec::new();
    let mut stack = vec![out_dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == "part") {
                // A failed download's .part stays for a resume.
            } else {
                got.push(
                    e.path()
                        .strip_prefix(&out_dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    got.sort();
    assert_eq!(got, want, "{err}");

    // Times: nothing was modified a week from now; everything after a day ago.
    let doc = du(&[
        &format!("az://{}", t.container),
        "--modified-after",
        "1d",
        "--depth",
        "0",
    ]);
    assert_eq!(doc["blobs"].as_u64(), Some(t.blobs.len() as u64));
    let doc = du(&[
        &format!("az://{}", t.container),
        "--modified-before",
        "2000-01-01",
        "--depth",
        "0",
    ]);
    assert_eq!(doc["blobs"].as_u64(), Some(0));

    // Bad filter input: refused in words before any request (exit 2).
    let out = run_blobx(
        h,
        &[
            "du",
            &format!("az://{}", t.container),
            "--min-size",
            "lots",
            "--emulator",
            &emu.host,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--min-size: \"lots\" is not a size"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---------------------------------------------------------------------------
// blobx sync

fn body(len: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng(seed | 1);
    (0..len).map(|_| r.next() as u8).collect()
}

/// A local tree: nested folders, an empty file, one file of several blocks.
fn local_tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let files = vec![
        ("top.txt".to_string(), body(1200, 1)),
        ("a/one.csv".to_string(), body(3000, 2)),
        ("a/two.bin".to_string(), body(70_000, 3)),
        ("a/deep/er/three.bin".to_string(), body(9 << 20, 4)),
        ("b/empty".to_string(), Vec::new()),
    ];
    for (name, data) in &files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    files
}

fn sync_cmd(home: &std::path::Path, host: &str, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"));
    cmd.args(["sync", "--json", "--emulator", host])
        .args(args)
        .env("BLOBX_CONFIG_DIR", home.join("config"))
        .env("BLOBX_LOG_DIR", home.join("logs"))
        .env("BLOBX_DATA_DIR", home.join("data"));
    cmd
}

/// Runs `blobx sync --json ARGS`; the JSON, asserting exit 0.
fn sync(home: &std::path::Path, host: &str, args: &[&str]) -> serde_json::Value {
    let out = sync_cmd(home, host, args).output().unwrap();
    assert!(
        out.status.success(),
        "sync {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn count(doc: &serde_json::Value, class: &str) -> u64 {
    doc[class]["count"].as_u64().unwrap()
}

/// Every file below `dir` (not `.part`) with its bytes, by relative path.
fn read_tree(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.to_string_lossy().ends_with(".part") {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_round_trips_then_moves_only_what_changed() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let src = h.join("src");
    let files = local_tree(&src);
    let container = unique("sync");
    client(&emu.host)
        .create_container(&container)
        .await
        .unwrap();
    let up = format!("az://{container}/mirror");
    let back = h.join("back");
    let (src_s, back_s) = (src.to_str().unwrap(), back.to_str().unwrap());

    // The plan first: everything new, nothing changed.
    let plan = sync(h, &emu.host, &[src_s, &up, "--dry-run"]);
    assert_eq!(count(&plan, "new"), files.len() as u64, "{plan}");
    assert_eq!(
        client_blobs(&emu.host, &container).await.len(),
        0,
        "dry run wrote nothing"
    );

    // local → container → local: byte-identical.
    let doc = sync(h, &emu.host, &[src_s, &up]);
    assert_eq!(doc["transferred"], files.len() as u64, "{doc}");
    let doc = sync(h, &emu.host, &[&up, back_s]);
    assert_eq!(doc["transferred"], files.len() as u64, "{doc}");
    assert_eq!(read_tree(&back), read_tree(&src));
    assert_eq!(support::audit_count(h, "record source mtime"), files.len());

    // Second runs move nothing, both ways.
    for (from, to) in [(src_s, up.as_str()), (up.as_str(), back_s)] {
        let doc = sync(h, &emu.host, &[from, to]);
        assert_eq!(doc["transferred"], 0, "{from} → {to}: {doc}");
        assert_eq!(count(&doc, "same"), files.len() as u64, "{doc}");
    }

    // One file changes: it is sent once, then nothing again.
    std::fs::write(src.join("a/one.csv"), body(3100, 99)).unwrap();
    let doc = sync(h, &emu.host, &[src_s, &up]);
    assert_eq!(doc["transferred"], 1, "{doc}");
    assert_eq!(doc["items"][0]["path"], "a/one.csv", "{doc}");
    let doc = sync(h, &emu.host, &[src_s, &up]);
    assert_eq!(doc["transferred"], 0, "{doc}");
    let doc = sync(h, &emu.host, &[&up, back_s]);
    assert_eq!(doc["transferred"], 1, "{doc}");
    assert_eq!(read_tree(&back), read_tree(&src));

    // A same-size change with the old mtime put back: size and mtime say
    // "same"; --compare md5 sees it.
    let p = src.join("a/two.bin");
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    std::fs::write(&p, body(70_000, 1234)).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&p)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let plan = sync(h, &emu.host, &[src_s, &up, "--dry-run"]);
    assert_eq!(count(&plan, "changed"), 0, "{plan}");
    let plan = sync(h, &emu.host, &[src_s, &up, "--dry-run", "--compare", "md5"]);
    assert_eq!(count(&plan, "changed"), 1, "{plan}");
    assert_eq!(plan["items"][0]["path"], "a/two.bin", "{plan}");
    let doc = sync(h, &emu.host, &[src_s, &up, "--compare", "md5"]);
    assert_eq!(doc["transferred"], 1, "{doc}");
    let doc = sync(h, &emu.host, &[&up, back_s, "--compare", "md5"]);
    assert_eq!(doc["transferred"], 1, "{doc}");
    assert_eq!(read_tree(&back), read_tree(&src));

    // Container → container (server-side), then a second run moves nothing.
    let copy = format!("az://{container}/copy/");
    let doc = sync(h, &emu.host, &[&up, &copy]);
    assert_eq!(doc["transferred"], files.len() as u64, "{doc}");
    let doc = sync(h, &emu.host, &[&up, &copy]);
    assert_eq!(doc["transferred"], 0, "{doc}");
    // Nested folders are refused before any request: a sync would list what it writes.
    let nested = format!("{up}/inner/");
    let out = sync_cmd(h, &emu.host, &[&up, &nested]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("overlap"),
        "{out:?}"
    );
}

async fn client_blobs(host: &str, container: &str) -> Vec<String> {
    Walk::start(
        client(host),
        container,
        "",
        WalkOptions::default(),
        CancellationToken::new(),
    )
    .collect_sorted()
    .await
    .unwrap()
    .into_iter()
    .map(|b| b.name)
    .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_extra_removes_exactly_the_extras_and_only_with_the_flag() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let src = h.join("src");
    local_tree(&src);
    std::fs::remove_file(src.join("a/deep/er/three.bin")).unwrap();
    let container = unique("extra");
    let c = client(&emu.host);
    fill(
        &c,
        &container,
        vec![
            BlobSpec::new("m/old.txt", "old"),
            BlobSpec::new("m/a/gone.bin", "gone"),
            BlobSpec::new("outside/keep.txt", "keep"),
        ],
    )
    .await
    .unwrap();
    let dst = format!("az://{container}/m/");
    let src_s = src.to_str().unwrap();
    let doc = sync(h, &emu.host, &[src_s, &dst]);
    assert_eq!(count(&doc, "only_in_dst"), 2, "{doc}");
    assert_eq!(doc["deleted"], 0, "kept without the flag: {doc}");
    let mut want = vec![
        "m/a/gone.bin",
        "m/a/one.csv",
        "m/a/two.bin",
        "m/b/empty",
        "m/old.txt",
        "m/top.txt",
        "outside/keep.txt",
    ];
    assert_eq!(client_blobs(&emu.host, &container).await, want);

    // The plan names them; then the flag deletes exactly those two.
    let plan = sync(h, &emu.host, &[src_s, &dst, "--dry-run", "--delete-extra"]);
    let extras: Vec<_> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["action"] == "only_in_dst")
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(extras, ["a/gone.bin", "old.txt"]);
    let doc = sync(h, &emu.host, &[src_s, &dst, "--delete-extra"]);
    assert_eq!(doc["deleted"], 2, "{doc}");
    assert_eq!(doc["transferred"], 0, "{doc}");
    want.retain(|n| *n != "m/a/gone.bin" && *n != "m/old.txt");
    assert_eq!(client_blobs(&emu.host, &container).await, want);
    assert_eq!(support::audit_count(h, "delete extra"), 2);

    // Container → local: a local extra goes only with the flag.
    let back = h.join("back");
    sync(h, &emu.host, &[&dst, back.to_str().unwrap()]);
    std::fs::write(back.join("mine.txt"), "local only").unwrap();
    let doc = sync(h, &emu.host, &[&dst, back.to_str().unwrap()]);
    assert_eq!(count(&doc, "only_in_dst"), 1, "{doc}");
    assert!(back.join("mine.txt").exists());
    sync(
        h,
        &emu.host,
        &[&dst, back.to_str().unwrap(), "--delete-extra"],
    );
    assert!(!back.join("mine.txt").exists());
    assert_eq!(read_tree(&back), read_tree(&src));

    // Read-only: refused before any request (the emulator address is dead).
    let out = sync_cmd(h, "http://127.0.0.1:9", &[src_s, &dst, "--readonly"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    // Nonsense is refused in words.
    let out = sync_cmd(h, &emu.host, &[src_s, &dst, "--compare", "sha9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use size-mtime or md5"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_through_faults_and_a_kill_finishes_identical() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let src = h.join("src");
    local_tree(&src);
    std::fs::write(src.join("big.bin"), body(24 << 20, 77)).unwrap();
    let container = unique("syncfault");
    client(&emu.host)
        .create_container(&container)
        .await
        .unwrap();
    let up = format!("az://{container}/up");
    let src_s = src.to_str().unwrap();

    // Killed with SIGKILL once a third of the batch crossed the wire, then run again.
    let counting =
        support::fault_proxy::FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 3, 0).await;
    let counters = counting.counters.clone();
    let mut child = sync_cmd(h, &counting.host, &[src_s, &up, "--parallel-files", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let point = (33u64 << 20) / 3;
    let killed = tokio::task::block_in_place(|| {
        loop {
            if counters.request_bytes.load(Ordering::Relaxed) >= point {
                child.kill().unwrap();
                child.wait().unwrap();
                break true;
            }
            if let Ok(Some(_)) = child.try_wait() {
                break false;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
    assert!(killed, "finished before the kill");

    // The rest through a proxy breaking 15% of requests.
    let faulty =
        support::fault_proxy::FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 31, 15).await;
    let mut doc = serde_json::Value::Null;
    for _ in 0..3 {
        let out = sync_cmd(h, &faulty.host, &[src_s, &up]).output().unwrap();
        doc = serde_json::from_slice(&out.stdout).unwrap_or_default();
        if out.status.success() {
            break;
        }
    }
    assert_eq!(doc["failed"], 0, "{doc} {}", faulty.counters.summary());
    let back = h.join("back");
    sync(h, &faulty.host, &[&up, back.to_str().unwrap()]);
    assert_eq!(read_tree(&back), read_tree(&src));
    let doc = sync(h, &emu.host, &[src_s, &up]);
    assert_eq!(doc["transferred"], 0, "{doc}");
    println!("through faults: {}", faulty.counters.summary());
}

#[tokio::test(flavor = "multi_thread")]
async fn find_walks_the_tree_and_matches_relative_names() {
    let t = tree().await;
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let pattern = blobx::azure::find::Find::parse("**/*.csv").unwrap();
    let mut found = Vec::new();
    let mut scanned = 0;
    let mut last_done = false;
    blobx::azure::find::scan(&c, &t.container, "a/", &pattern, |page, done| {
        let (matches, n) = page.unwrap();
        scanned += n;
        found.extend(matches.into_iter().map(|m| m.name));
        last_done = done;
        true
    })
    .await;
    assert!(last_done, "the last page says done");
    found.sort();
    let below_a: Vec<_> = t.blobs.iter().filter(|b| b.0.starts_with("a/")).collect();
    let want: Vec<_> = below_a
        .iter()
        .filter(|b| b.0.ends_with(".csv"))
        .map(|b| b.0.clone())
        .collect();
    assert_eq!(found, want, "**/ also matches no folder at all");
    assert_eq!(scanned, below_a.len());
}

/// The TUI's count (`Z`) as the runner does it: the same totals as the sum
/// from what was uploaded, for the folder's children, the folders below and
/// a container on the container list.
#[tokio::test(flavor = "multi_thread")]
async fn tui_sizes_agree_with_an_independent_sum() {
    use blobx::app::sizes::SizesKey;
    use blobx::app::tasks::Runner;
    use blobx::app::{Action, Effect};
    let t = tree().await;
    let emu = Emulator::shared();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(vec![Some(client(&emu.host))], None, tx);
    let want = expected(&t.blobs, usize::MAX, |_, _| true);
    let key = SizesKey {
        account: 0,
        container: Some(t.container.clone()),
        prefix: String::new(),
    };
    runner.run_all(vec![Effect::Sizes {
        key: key.clone(),
        containers: Vec::new(),
        filter: None,
    }]);
    let last = loop {
        match rx.recv().await.unwrap() {
            Action::Sizes(r) if r.done => break r,
            _ => {}
        }
    };
    assert_eq!(last.error, None);
    assert_eq!(sum_of(&last.total), want[""], "with the tier split");
    let got: BTreeMap<String, Sum> = last
        .children
        .iter()
        .map(|(k, c)| (k.clone(), sum_of(c)))
        .collect();
    let want_children: BTreeMap<String, Sum> = want
        .iter()
        .filter(|(k, _)| !k.is_empty() && k.matches('/').count() == 1)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(got, want_children);
    let below: BTreeMap<String, Sum> = last
        .below
        .iter()
        .map(|(k, c)| (k.clone(), sum_of(c)))
        .collect();
    let want_below: BTreeMap<String, Sum> = want
        .iter()
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(below, want_below);

    // The container list: this container's total, by tier too.
    runner.run_all(vec![Effect::Sizes {
        key: SizesKey {
            container: None,
            ..key
        },
        containers: vec![t.container.clone()],
        filter: None,
    }]);
    let last = loop {
        match rx.recv().await.unwrap() {
            Action::Sizes(r) if r.done => break r,
            _ => {}
        }
    };
    let got: Vec<(String, Sum)> = last
        .children
        .iter()
        .map(|(k, c)| (k.clone(), sum_of(c)))
        .collect();
    assert_eq!(got, [(t.container.clone(), want[""].clone())]);
}

/// The TUI's totals in the shape of [`expected`].
fn sum_of(t: &blobx::azure::sizes::Totals) -> Sum {
    (
        t.all.bytes,
        t.all.blobs,
        t.by_tier()
            .map(|(tier, c)| (tier.name().to_string(), (c.bytes, c.blobs)))
            .collect(),
    )
}

// ---------------------------------------------------------------------------
// Sizes from a Blob Inventory report

/// A manifest as the service writes it (documented shape), naming `files`.
fn manifest(rule: &str, format: &str, files: &[(String, usize)]) -> Vec<u8> {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(blob, size)| serde_json::json!({"blob": blob, "size": size}))
        .collect();
    serde_json::to_vec_pretty(&serde_json::json!({
        "destinationContainer": "inventory",
        "endpoint": "https://testaccount.blob.core.windows.net",
        "files": files,
        "inventoryCompletionTime": "2026-11-29T13:35:56Z",
        "inventoryStartTime": "2026-11-29T13:25:36Z",
        "ruleDefinition": {
            "filters": {"blobTypes": ["blockBlob"], "includeBlobVersions": true,
                        "includeSnapshots": true, "prefixMatch": []},
            "format": format,
            "objectType": "blob",
            "schedule": "daily",
            "schemaFields": ["Name", "Creation-Time", "Last-Modified", "Content-Length",
                             "AccessTier", "Snapshot", "VersionId", "IsCurrentVersion", "Deleted"]
        },
        "ruleName": rule,
        "status": "Succeeded",
        "summary": {"objectCount": 0, "totalObjectSize": 0},
        "version": "1.0"
    }))
    .unwrap()
}

/// `du --json` of the seeded tree from a report in `inventory`.
fn du_inventory(t: &Tree, report: &str) -> serde_json::Value {
    du(&[
        &format!("az://{}", t.container),
        "--depth",
        "2",
        "--inventory",
        report,
    ])
}

fn assert_same_as_expected(doc: &serde_json::Value, t: &Tree) {
    let want = expected(&t.blobs, 2, |_, _| true);
    assert_eq!(from_json(doc), want[""]);
    let got: BTreeMap<String, _> = doc["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), from_json(f)))
        .collect();
    let want_folders: BTreeMap<_, _> = want.into_iter().filter(|(k, _)| !k.is_empty()).collect();
    assert_eq!(got, want_folders);
}

/// A CSV report of the seeded tree (split over two files, the second over
/// 8 MiB with rows of another container so it is read in several ranges),
/// plus a snapshot, an old version and a deleted blob counted apart; an
/// older run with wrong numbers is passed over for the latest.
#[tokio::test(flavor = "multi_thread")]
async fn du_from_a_csv_inventory_report_agrees_with_a_live_walk() {
    let t = tree().await;
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let inv = unique("inventory");
    let header = "Name,Creation-Time,Last-Modified,Content-Length,AccessTier,Snapshot,VersionId,IsCurrentVersion,Deleted\n";
    let row = |name: &str, size: u64, tier: &str, snap: &str, current: &str, deleted: &str| {
        let c = &t.container;
        format!(
            "\"{c}/{name}\",Sat; 29 Nov 2026 10:00:00 GMT,Sat; 29 Nov 2026 10:00:00 GMT,{size},{tier},{snap},,{current},{deleted}\n"
        )
    };
    let half = t.blobs.len() / 2;
    let mut one = header.to_string();
    for (name, size, tier) in &t.blobs[..half] {
        one.push_str(&row(name, *size, tier.name(), "", "true", "false"));
    }
    let mut two = header.to_string();
    for (name, size, tier) in &t.blobs[half..] {
        two.push_str(&row(name, *size, tier.name(), "", "true", "false"));
    }
    let (first, ..) = &t.blobs[0];
    two.push_str(&row(
        first,
        1000,
        "Hot",
        "2026-11-01T00:00:00.0000000Z",
        "",
        "",
    ));
    two.push_str(&row(first, 2000, "Cool", "", "false", ""));
    two.push_str(&row("gone.bin", 3000, "Hot", "", "", "true"));
    let mut i = 0;
    while two.len() < (9 << 20) {
        two.push_str(&format!("otherc/{i:08}.bin,x,x,77777,Hot,,,true,false\n"));
        i += 1;
    }
    let run = "2026/11/29/13-25-36/Rule_1";
    let files = vec![
        (format!("{run}/Rule_1_1.csv"), one.len()),
        (format!("{run}/Rule_1_2.csv"), two.len()),
    ];
    let old = "2026/11/28/13-25-36/Rule_1";
    let wrong = format!("{header}{}/x,a,b,999999,Hot,,,true,false\n", t.container);
    fill(
        &c,
        &inv,
        vec![
            BlobSpec::new(files[0].0.clone(), one.into_bytes()),
            BlobSpec::new(files[1].0.clone(), two.into_bytes()),
            BlobSpec::new(
                format!("{run}/Rule_1-manifest.json"),
                manifest("Rule_1", "csv", &files),
            ),
            BlobSpec::new(format!("{run}/Rule_1-manifest.checksum"), "0"),
            BlobSpec::new(format!("{old}/Rule_1.csv"), wrong.clone().into_bytes()),
            BlobSpec::new(
                format!("{old}/Rule_1-manifest.json"),
                manifest(
                    "Rule_1",
                    "csv",
                    &[(format!("{old}/Rule_1.csv"), wrong.len())],
                ),
            ),
        ],
    )
    .await
    .unwrap();
    let doc = du_inventory(t, &format!("az://{inv}/"));
    assert_same_as_expected(&doc, t);
    // And the same as a live walk of the same data.
    let live = du(&[&format!("az://{}", t.container), "--depth", "2"]);
    assert_eq!(from_json(&doc), from_json(&live));
    assert_eq!(
        doc["inventory"]["manifest"],
        format!("az://{inv}/{run}/Rule_1-manifest.json")
    );
    assert_eq!(doc["inventory"]["completed"], "2026-11-29T13:35:56Z");
    let extra = &doc["not_current"];
    assert_eq!(extra["snapshots"]["bytes"], 1000);
    assert_eq!(extra["versions"]["bytes"], 2000);
    assert_eq!(extra["deleted"]["bytes"], 3000);

    // The TUI's I, as the runner does it: the folder's children and the
    // folders below, and this container on the container list.
    {
        use blobx::app::sizes::SizesKey;
        use blobx::app::tasks::Runner;
        use blobx::app::{Action, Effect};
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut runner = Runner::new(vec![Some(client(&emu.host))], None, tx);
        let want = expected(&t.blobs, usize::MAX, |_, _| true);
        let key = SizesKey {
            account: 0,
            container: Some(t.container.clone()),
            prefix: String::new(),
        };
        for key in [
            key.clone(),
            SizesKey {
                container: None,
                ..key
            },
        ] {
            runner.run_all(vec![Effect::SizesInventory {
                key: key.clone(),
                report: format!("az://{inv}/"),
                rule: None,
            }]);
            let r = loop {
                match rx.recv().await.unwrap() {
                    Action::Sizes(r) if r.done => break r,
                    _ => {}
                }
            };
            assert_eq!(r.error, None);
            assert!(
                r.source
                    .as_deref()
                    .unwrap()
                    .contains("2026-11-29T13:35:56Z")
            );
            let children: BTreeMap<String, Sum> = r
                .children
                .iter()
                .map(|(k, c)| (k.clone(), sum_of(c)))
                .collect();
            if key.container.is_some() {
                let want_children: BTreeMap<String, Sum> = want
                    .iter()
                    .filter(|(k, _)| !k.is_empty() && k.matches('/').count() == 1)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                assert_eq!(children, want_children);
                let below: BTreeMap<String, Sum> = r
                    .below
                    .iter()
                    .map(|(k, c)| (k.clone(), sum_of(c)))
                    .collect();
                assert_eq!(below.len(), want.len() - 1);
            } else {
                // Every container the report names: this one, and the padding's.
                assert_eq!(children[&t.container], want[""]);
                assert!(children.contains_key("otherc"));
            }
        }
    }

    // A folder, one level.
    let a = du(&[
        &format!("az://{}/a", t.container),
        "--depth",
        "0",
        "--inventory",
        &format!("az://{inv}/2026/"),
    ]);
    let want = expected(&t.blobs, 0, |n, _| n.starts_with("a/"));
    assert_eq!(from_json(&a), want[""]);

    // No report there: said in words, exit 1; filters are refused (exit 2).
    let home = tempfile::tempdir().unwrap();
    let out = run_blobx(
        home.path(),
        &[
            "du",
            "--emulator",
            &emu.host,
            &format!("az://{}", t.container),
            "--inventory",
            &format!("az://{inv}/nothing/"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no inventory manifest"));
    let out = run_blobx(
        home.path(),
        &[
            "du",
            "--emulator",
            &emu.host,
            &format!("az://{}", t.container),
            "--inventory",
            &format!("az://{inv}/"),
            "--min-size",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// The same from a Parquet report (Content-Length as INT64, names as UTF8),
/// read by ranges: 30 row groups, a column sums never need (`Metadata`, first,
/// never fetched: the decoder may read only what was fetched), and a footer
/// over 64 KiB (a second ranged read); the totals equal the whole-file path's.
#[tokio::test(flavor = "multi_thread")]
async fn du_from_a_parquet_inventory_report_agrees_too() {
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let t = tree().await;
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let inv = unique("invparquet");
    let schema = Arc::new(
        parse_message_type(
            "message inventory { OPTIONAL BYTE_ARRAY Metadata (UTF8); REQUIRED BYTE_ARRAY Name (UTF8); OPTIONAL INT64 Content-Length; OPTIONAL BYTE_ARRAY AccessTier (UTF8); }",
        )
        .unwrap(),
    );
    let mut data = Vec::new();
    let long = parquet::file::metadata::KeyValue::new("padding".into(), "p".repeat(70_000));
    let props = WriterProperties::builder()
        .set_key_value_metadata(Some(vec![long]))
        .build();
    let mut w = SerializedFileWriter::new(&mut data, schema, Arc::new(props)).unwrap();
    for chunk in t.blobs.chunks(7) {
        let mut rg = w.next_row_group().unwrap();
        let meta: Vec<ByteArray> = chunk
            .iter()
            .map(|(n, ..)| ByteArray::from(format!("owner={n}").as_str()))
            .collect();
        let defs = vec![1i16; chunk.len()];
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(&meta, Some(&defs), None)
            .unwrap();
        col.close().unwrap();
        let names: Vec<ByteArray> = chunk
            .iter()
            .map(|(n, ..)| ByteArray::from(format!("{}/{n}", t.container).as_str()))
            .collect();
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(&names, None, None)
            .unwrap();
        col.close().unwrap();
        let sizes: Vec<i64> = chunk.iter().map(|(_, s, _)| *s as i64).collect();
        let defs = vec![1i16; chunk.len()];
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<Int64Type>()
            .write_batch(&sizes, Some(&defs), None)
            .unwrap();
        col.close().unwrap();
        let tiers: Vec<ByteArray> = chunk
            .iter()
            .map(|(_, _, t)| ByteArray::from(t.name()))
            .collect();
        let mut col = rg.next_column().unwrap().unwrap();
        col.typed::<ByteArrayType>()
            .write_batch(&tiers, Some(&defs), None)
            .unwrap();
        col.close().unwrap();
        rg.close().unwrap();
    }
    w.close().unwrap();
    let run = "2026/11/29/13-25-36/Weekly";
    let files = vec![(format!("{run}/Weekly.parquet"), data.len())];
    let whole = data.clone();
    fill(
        &c,
        &inv,
        vec![
            BlobSpec::new(files[0].0.clone(), data),
            BlobSpec::new(
                format!("{run}/Weekly-manifest.json"),
                manifest("Weekly", "parquet", &files),
            ),
        ],
    )
    .await
    .unwrap();
    let doc = du_inventory(t, &format!("az://{inv}/"));
    assert_same_as_expected(&doc, t);
    assert_eq!(doc["inventory"]["rule"], "Weekly");
    // --inventory-rule: that rule's reports only.
    let doc = du(&[
        &format!("az://{}", t.container),
        "--depth",
        "2",
        "--inventory",
        &format!("az://{inv}/"),
        "--inventory-rule",
        "Weekly",
    ]);
    assert_same_as_expected(&doc, t);
    let home = tempfile::tempdir().unwrap();
    let other = |rule: &str| {
        run_blobx(
            home.path(),
            &[
                "du",
                "--emulator",
                &emu.host,
                &format!("az://{}", t.container),
                "--inventory",
                &format!("az://{inv}/"),
                "--inventory-rule",
                rule,
            ],
        )
    };
    let out = other("Daily");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Daily-manifest.json"));
    assert_eq!(other("no good").status.code(), Some(2));

    // The ranged reader against the whole-file reader, row groups and all.
    use blobx::azure::inventory::{self, Adder};
    let meta = blobx::azure::inventory_parquet::metadata(&c, &inv, &files[0].0, whole.len() as u64)
        .await
        .unwrap();
    assert_eq!(meta.num_row_groups(), 30);
    let (_, manifest) = inventory::latest_manifest(&c, &inv, "", None)
        .await
        .unwrap();
    // Asked for another rule's reports: none there, said.
    let e = inventory::latest_manifest(&c, &inv, "", Some("Daily"))
        .await
        .unwrap_err();
    assert!(e.contains("Daily-manifest.json"), "{e}");
    assert_eq!(
        inventory::latest_manifest(&c, &inv, "", Some("Weekly"))
            .await
            .unwrap()
            .1
            .rule_name,
        "Weekly"
    );
    let ranged = inventory::sum(&c, &inv, &manifest, &t.container, "", usize::MAX)
        .await
        .unwrap();
    let mut adder = Adder::new(&t.container, "", usize::MAX);
    inventory::add_parquet(bytes::Bytes::from(whole), &mut adder).unwrap();
    assert_eq!(ranged, adder.out);
    assert_eq!(ranged.rows, t.blobs.len() as u64);
}

/// The TUI's find (`f`) with filter words, as the runner does it: exactly
/// the .csv files of at least 1,000 bytes below a/, none under a/x/.
#[tokio::test(flavor = "multi_thread")]
async fn tui_find_with_filter_words_takes_exactly_what_they_name() {
    use blobx::app::tasks::Runner;
    use blobx::app::{Action, Effect};
    let t = tree().await;
    let emu = Emulator::shared();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(vec![Some(client(&emu.host))], None, tx);
    runner.run_all(vec![Effect::Find {
        generation: 7,
        account: 0,
        container: t.container.clone(),
        prefix: "a/".into(),
        text: "**/*.csv min:1000 not:x/** after:1d".into(),
    }]);
    let mut found = Vec::new();
    loop {
        if let Action::FindPage {
            generation: 7,
            result,
            done,
        } = rx.recv().await.unwrap()
        {
            found.extend(result.unwrap().0.into_iter().map(|b| b.name));
            if done {
                break;
            }
        }
    }
    found.sort();
    let want: Vec<String> = t
        .blobs
        .iter()
        .filter(|(n, s, _)| {
            n.starts_with("a/") && !n.starts_with("a/x/") && n.ends_with(".csv") && *s >= 1000
        })
        .map(|(n, ..)| n.clone())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(found, want);
    // Everything was written today: nothing is older than 2000.
    runner.run_all(vec![Effect::Find {
        generation: 8,
        account: 0,
        container: t.container.clone(),
        prefix: String::new(),
        text: "before:2000-01-01".into(),
    }]);
    loop {
        if let Action::FindPage {
            generation: 8,
            result,
            done,
        } = rx.recv().await.unwrap()
        {
            assert!(result.unwrap().0.is_empty());
            if done {
                break;
            }
        }
    }
}

/// The TUI's filtered count (`F`), as the runner does it: the same totals
/// as the independent sum of only the blobs the words take.
#[tokio::test(flavor = "multi_thread")]
async fn tui_filtered_sizes_count_only_what_the_words_take() {
    use blobx::app::sizes::SizesKey;
    use blobx::app::tasks::Runner;
    use blobx::app::{Action, Effect};
    let t = tree().await;
    let emu = Emulator::shared();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(vec![Some(client(&emu.host))], None, tx);
    runner.run_all(vec![Effect::Sizes {
        key: SizesKey {
            account: 0,
            container: Some(t.container.clone()),
            prefix: String::new(),
        },
        containers: Vec::new(),
        filter: Some("**/*.csv min:1000 not:b/**".into()),
    }]);
    let last = loop {
        match rx.recv().await.unwrap() {
            Action::Sizes(r) if r.done => break r,
            _ => {}
        }
    };
    assert_eq!(last.error, None);
    assert!(last.source.as_deref().unwrap().contains("min:1000"));
    let want = expected(&t.blobs, usize::MAX, |n, s| {
        n.ends_with(".csv") && s >= 1000 && !n.starts_with("b/")
    });
    assert_eq!(sum_of(&last.total), want[""]);
    let got: BTreeMap<String, Sum> = last
        .children
        .iter()
        .filter(|(_, c)| c.all.blobs > 0)
        .map(|(k, c)| (k.clone(), sum_of(c)))
        .collect();
    let want_children: BTreeMap<String, Sum> = want
        .iter()
        .filter(|(k, _)| !k.is_empty() && k.matches('/').count() == 1)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(got, want_children);
}
