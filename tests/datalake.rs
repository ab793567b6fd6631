//! Accounts with a hierarchical namespace (Data Lake Storage Gen2), Blob side,
//! against Azurite. Azurite answers Get Account Information (flat); a proxy
//! in front of it says "hierarchical" and forwards the rest, and directories
//! are seeded as the service makes them: 0-byte blobs with metadata
//! `hdi_isfolder=true`. Everywhere blobx walks (listing, find, du, download,
//! copy, sync, delete) they are folders, never 0-byte files; straight to
//! Azurite (flat) the same blobs are files, as before.

mod support;

use blobx::azure::StorageClient;
use blobx::azure::datalake::account_info;
use blobx::azure::find::each_blob_page;
use blobx::azure::walk::{Walk, WalkOptions};
use std::collections::BTreeMap;
use support::emulator::Emulator;
use support::fault_proxy::FaultProxy;
use support::seed::{BlobSpec, client, fill};
use support::{run_blobx, unique};
use tokio_util::sync::CancellationToken;

fn dir(name: &str) -> BlobSpec {
    BlobSpec::new(name, "").meta("hdi_isfolder", "true")
}

/// `raw/2024/a.csv` (10 bytes), `raw/zero.txt` (a real empty file), the
/// directories `raw`, `raw/2024`, `raw/empty` (empty) and `top` (empty).
async fn lake(host: &str) -> String {
    let container = unique("lake");
    fill(
        &client(host),
        &container,
        vec![
            dir("raw"),
            dir("raw/2024"),
            dir("raw/empty"),
            dir("top"),
            BlobSpec::new("raw/2024/a.csv", "1,2,3,4,5\n"),
            BlobSpec::new("raw/zero.txt", ""),
        ],
    )
    .await
    .unwrap();
    container
}

async fn hierarchical_proxy() -> FaultProxy {
    let upstream = Emulator::shared()
        .host
        .trim_start_matches("http://")
        .to_string();
    FaultProxy::hierarchical(&upstream).await
}

/// One delimited listing, every page: (name, is folder, size).
async fn list(c: &StorageClient, container: &str, prefix: &str) -> Vec<(String, bool, u64)> {
    let mut rows = Vec::new();
    each_blob_page(c, container, prefix, Some("/"), |page, _| {
        rows.extend(
            page.unwrap()
                .into_iter()
                .map(|e| (e.name, e.is_prefix, e.size)),
        );
        true
    })
    .await;
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_kind_is_read_and_remembered() {
    let emu = Emulator::shared();
    let flat = client(&emu.host);
    let info = account_info(&flat).await.unwrap();
    assert!(!info.hierarchical, "Azurite has no hierarchical namespace");
    assert!(info.sku.is_some(), "{info:?}");
    assert!(!flat.hierarchical().await);
    assert_eq!(flat.known_hierarchical(), Some(false));

    let proxy = hierarchical_proxy().await;
    let lake = client(&proxy.host);
    assert_eq!(lake.known_hierarchical(), None, "not asked yet");
    assert!(lake.hierarchical().await);
    let asked = proxy
        .counters
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(lake.clone().hierarchical().await);
    assert_eq!(
        proxy
            .counters
            .requests
            .load(std::sync::atomic::Ordering::Relaxed),
        asked,
        "asked once per client"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn directories_are_folders_in_listings_and_walks() {
    let emu = Emulator::shared();
    let container = lake(&emu.host).await;
    let proxy = hierarchical_proxy().await;
    let lake_client = client(&proxy.host);

    let root = list(&lake_client, &container, "").await;
    assert_eq!(
        root,
        [("raw/".into(), true, 0), ("top/".into(), true, 0)],
        "each directory once, the empty one too, no 0-byte files"
    );
    let raw = list(&lake_client, &container, "raw/").await;
    assert_eq!(
        raw,
        [
            ("raw/2024/".into(), true, 0),
            ("raw/empty/".into(), true, 0),
            ("raw/zero.txt".into(), false, 0)
        ]
    );
    // The control: the same blobs on a flat account are files.
    let flat = list(&client(&emu.host), &container, "").await;
    assert!(flat.contains(&("raw".into(), false, 0)), "{flat:?}");

    // The walker (find, du, cp -r, sync): only the files.
    for flat in [false, true] {
        let walk = Walk::start(
            lake_client.clone(),
            &container,
            "",
            WalkOptions {
                flat,
                ..WalkOptions::default()
            },
            CancellationToken::new(),
        );
        let names: Vec<String> = walk
            .collect_sorted()
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.name)
            .collect();
        assert_eq!(names, ["raw/2024/a.csv", "raw/zero.txt"], "flat: {flat}");
    }
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every local file below `dir` with its size, by relative path.
fn files(dir: &std::path::Path) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, e.metadata().unwrap().len());
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn du_cp_sync_and_rm_treat_directories_as_folders() {
    let emu = Emulator::shared();
    let container = lake(&emu.host).await;
    let proxy = hierarchical_proxy().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--emulator", proxy.host.as_str()]);
        run_blobx(h, &all)
    };
    let az = |p: &str| format!("az://{container}/{p}");

    // du: two files, ten bytes.
    let du: serde_json::Value =
        serde_json::from_str(&ok(&run(&["du", "--json", &az("")]))).unwrap();
    assert_eq!(
        (du["blobs"].as_u64(), du["bytes"].as_u64()),
        (Some(2), Some(10)),
        "{du}"
    );

    // find: directories are not matches.
    let found = ok(&run(&["find", &az(""), "*"]));
    assert!(
        !found
            .lines()
            .any(|l| l.ends_with("/raw") || l.ends_with("/top")),
        "{found}"
    );

    // Download: the files, no 0-byte file where a directory is.
    let down = h.join("down");
    ok(&run(&["cp", "-r", &az("raw"), down.to_str().unwrap()]));
    assert_eq!(
        files(&down),
        BTreeMap::from([
            ("raw/2024/a.csv".to_string(), 10),
            ("raw/zero.txt".to_string(), 0)
        ]),
        "{:?}",
        files(&down)
    );

    // Copy to another container: the files only.
    let copy = unique("lakecopy");
    client(&emu.host).create_container(&copy).await.unwrap();
    ok(&run(&["cp", "-r", &az("raw"), &format!("az://{copy}/")]));
    let copied = list(&client(&emu.host), &copy, "raw/").await;
    assert_eq!(
        copied,
        [
            ("raw/2024/".into(), true, 0),
            ("raw/zero.txt".into(), false, 0)
        ],
        "no directory copied as a file"
    );

    // Sync the download back: the same two files (changed, as the download
    // is newer), nothing new, nothing only on the container's side.
    let plan: serde_json::Value = serde_json::from_str(&ok(&run(&[
        "sync",
        "--json",
        "--dry-run",
        down.join("raw").to_str().unwrap(),
        &az("raw"),
    ])))
    .unwrap();
    let both = plan["same"]["count"]
        .as_u64()
        .zip(plan["changed"]["count"].as_u64());
    assert_eq!(both.map(|(s, c)| s + c), Some(2), "{plan}");
    assert_eq!(plan["new"]["count"].as_u64(), Some(0), "{plan}");
    assert_eq!(plan["only_in_dst"]["count"].as_u64(), Some(0), "{plan}");

    // rm -r: the files, then the directories deepest first.
    let dry = ok(&run(&["rm", "-r", "--dry-run", &az("raw")]));
    assert!(
        dry.contains(&format!("would delete {}", az("raw/empty/"))),
        "{dry}"
    );
    ok(&run(&["rm", "-r", &az("raw")]));
    let left = list(&client(&emu.host), &container, "").await;
    assert_eq!(
        left,
        [("top".into(), false, 0)],
        "only the other directory is left"
    );
}

/// The real binary in a pty on a data lake: Azurite behind the proxy for the
/// Blob side, the dfs stub for the Data Lake endpoint. `n` makes a
/// directory, `R` renames a folder and `X` deletes one, each one call there.
#[tokio::test(flavor = "multi_thread")]
async fn tui_mkdir_rename_and_delete_are_one_call_each() {
    use support::dfs_stub::DfsStub;
    use support::pty::Tui;
    let emu = Emulator::shared();
    let container = lake(&emu.host).await;
    let proxy = hierarchical_proxy().await;
    let stub = DfsStub::start().await;
    {
        let mut lake = stub.lake();
        lake.add_file(&format!("{container}/raw/2024/a.csv"));
        lake.add_file(&format!("{container}/raw/zero.txt"));
        lake.add_dir(&format!("{container}/raw/empty"));
        lake.add_dir(&format!("{container}/top"));
    }
    let dir = tempfile::tempdir().unwrap();
    let start = format!("az://{container}/");
    let mut tui = Tui::spawn(
        &[
            "--emulator",
            &proxy.host,
            "--dfs-endpoint",
            &stub.endpoint,
            &start,
        ],
        &[],
        dir.path(),
        120,
        24,
    );
    tui.wait_text("top/");
    let screen = tui.screen();
    assert!(
        !screen
            .lines()
            .any(|l| l.contains(" raw ") || l.trim_end().ends_with(" raw")),
        "{screen}"
    );

    tui.send("n");
    tui.wait_text("new directory");
    tui.type_text("fresh");
    tui.send("\r");
    tui.wait_text("Created directory fresh");
    assert!(stub.lake().paths[&format!("{container}/fresh")].dir);
    assert_eq!(support::audit_count(dir.path(), "create directory"), 1);

    // Ctrl-P on raw/: its ACL, extended and applied below it (2 entries a call).
    tui.send("\x10"); // Ctrl-P
    tui.wait_text("ACL of raw (owner $superuser");
    tui.type_text(",user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x,mask::r-x");
    tui.send("\r");
    tui.wait_text("ACL set on 3 directories and 2 files below raw");
    assert_eq!(support::audit_count(dir.path(), "set acl recursive"), 1);

    // The first row is raw/: one rename request.
    let before = stub.lake().log.len();
    tui.send("R");
    tui.wait_text("new name");
    tui.type_text("2");
    tui.send("\r");
    tui.wait_text("one call on the data lake");
    {
        let lake = stub.lake();
        let sent: Vec<_> = lake.log[before..]
            .iter()
            .filter(|l| !l.starts_with("GET"))
            .collect();
        assert_eq!(sent.len(), 1, "{sent:?}");
        assert!(
            sent[0].starts_with(&format!("PUT /devstoreaccount1/{container}/raw2")),
            "{sent:?}"
        );
        assert!(
            lake.paths
                .contains_key(&format!("{container}/raw2/2024/a.csv"))
        );
    }

    // top/ is the second row: one recursive delete after the question.
    tui.send("j");
    tui.send("X");
    tui.wait_text("1 directory");
    let before = stub.lake().log.len();
    tui.send("y");
    tui.wait_for("the stub to delete top", |_| {
        !stub.lake().paths.contains_key(&format!("{container}/top"))
    });
    let lake = stub.lake();
    let sent: Vec<_> = lake.log[before..]
        .iter()
        .filter(|l| !l.starts_with("GET"))
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("recursive=true"), "{sent:?}");
    drop(lake);
    tui.send("q");
    assert!(tui.wait_exit());
}
