//! The script commands against Azurite, through the built binary: `ls`,
//! `stat`, `cat`, `rm`, `set-tier`, `set-props`, `tag`, `find`, their output,
//! `--json` shapes and exit statuses (0 done, 1 failed, 2 refused or bad input
//! before any request), one audit line per change, and index tags read back
//! by an independent client (the official SDK).

mod support;

use blobx::azure::ops;
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use support::emulator::Emulator;
use support::sdk::sdk;
use support::seed::{BlobSpec, client, fill};
use support::{audit_lines, run_blobx, unique};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Runs blobx against the shared emulator.
fn blobx(home: &Path, args: &[&str]) -> Output {
    let emu = Emulator::shared();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--emulator", emu.host.as_str()]);
    run_blobx(home, &all)
}

fn lines(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

async fn seed() -> String {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("cli");
    fill(
        &c,
        &container,
        vec![
            BlobSpec::new("a.txt", "hello world").meta("owner", "ana"),
            BlobSpec::new("dir/b.csv", "x,y\n1,2\n"),
            BlobSpec::new("dir/sub/c.json", "{}"),
            BlobSpec::new("keep.txt", "keep"),
        ],
    )
    .await
    .unwrap();
    container
}

#[tokio::test(flavor = "multi_thread")]
async fn ls_stat_cat_with_json_and_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let container = seed().await;
    let root = format!("az://{container}");

    // ls: one level, folders end in /.
    // Sorted: Azurite lists folders first, Azure interleaves them by name.
    let sorted = |o: &Output| {
        let mut l = lines(o);
        l.sort();
        l
    };
    let o = blobx(h, &["ls", &root]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(sorted(&o), ["a.txt", "dir/", "keep.txt"]);
    let o = blobx(h, &["ls", "-r", &root]);
    assert_eq!(
        lines(&o),
        ["a.txt", "dir/b.csv", "dir/sub/c.json", "keep.txt"]
    );
    // A folder named without its slash.
    let o = blobx(h, &["ls", &format!("{root}/dir")]);
    assert_eq!(sorted(&o), ["dir/b.csv", "dir/sub/"]);
    let o = blobx(h, &["ls", "-l", &root]);
    let row = lines(&o)
        .into_iter()
        .find(|l| l.ends_with("a.txt"))
        .unwrap();
    assert!(row.contains("11") && row.contains("Hot"), "{row}");
    // --json: one object per line, with the documented keys.
    let o = blobx(h, &["ls", "--json", &root]);
    let mut rows: Vec<Value> = lines(&o)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    rows.sort_by_key(|r| r["name"].as_str().unwrap_or_default().to_string());
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["container"], container.as_str());
    assert_eq!(rows[0]["name"], "a.txt");
    assert_eq!(rows[0]["kind"], "blob");
    assert_eq!(rows[0]["size"], 11);
    assert_eq!(rows[0]["content_type"], "text/plain");
    assert!(rows[0]["last_modified"].as_str().unwrap().ends_with('Z'));
    assert_eq!(rows[1]["name"], "dir/");
    assert_eq!(rows[1]["kind"], "folder");
    assert_eq!(rows[1]["size"], Value::Null);
    // Containers of the account.
    let o = blobx(h, &["ls", "--json"]);
    assert!(
        lines(&o)
            .iter()
            .any(|l| l.contains(&format!("\"name\":\"{container}\""))
                && l.contains("\"kind\":\"container\"")),
        "{}",
        stdout(&o)
    );
    // Nothing there: exit 1, in words. Not a URI: exit 2.
    let o = blobx(h, &["ls", &format!("{root}/nope")]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("nothing at"), "{}", stderr(&o));
    let o = blobx(h, &["ls", "s3://x"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("is not a location blobx knows"),
        "{}",
        stderr(&o)
    );
    let o = blobx(h, &["ls", "http://x"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no container"), "{}", stderr(&o));

    // stat
    let o = blobx(h, &["stat", "--json", &format!("{root}/a.txt")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["name"], "a.txt");
    assert_eq!(v["size"], 11);
    assert_eq!(v["content_type"], "text/plain");
    assert_eq!(v["blob_type"], "BlockBlob");
    assert_eq!(v["metadata"]["owner"], "ana");
    assert!(v["etag"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(v["tags"].is_object());
    let o = blobx(h, &["stat", &format!("{root}/a.txt")]);
    assert!(stdout(&o).contains("size: 11\n"), "{}", stdout(&o));
    assert!(stdout(&o).contains("metadata.owner: ana"), "{}", stdout(&o));
    let o = blobx(h, &["stat", &format!("{root}/missing")]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("no blob missing"), "{}", stderr(&o));
    let o = blobx(h, &["stat", &root]);
    assert_eq!(code(&o), 2);

    // cat, whole and ranged
    let blob = format!("{root}/a.txt");
    let o = blobx(h, &["cat", &blob]);
    assert_eq!((code(&o), stdout(&o).as_str()), (0, "hello world"));
    let o = blobx(h, &["cat", &blob, "--range", "0-4"]);
    assert_eq!(stdout(&o), "hello");
    let o = blobx(h, &["cat", &blob, "--range", "6-"]);
    assert_eq!(stdout(&o), "world");
    let o = blobx(h, &["cat", &blob, "--range", "6-1000"]);
    assert_eq!(stdout(&o), "world");
    let o = blobx(h, &["cat", &blob, "--range", "5-1"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("before the start"), "{}", stderr(&o));
    let o = blobx(h, &["cat", &format!("{root}/missing")]);
    assert_eq!(code(&o), 1);

    // Reading changes nothing: no audit lines.
    assert!(audit_lines(h).is_empty(), "{:?}", audit_lines(h));
}

#[tokio::test(flavor = "multi_thread")]
async fn rm_set_tier_set_props_change_exactly_what_they_say() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let container = seed().await;
    let root = format!("az://{container}");
    let a = format!("{root}/a.txt");
    let before = ops::head_blob(&c, &container, "a.txt").await.unwrap();

    // set-props: only the named header and metadata key change.
    let o = blobx(
        h,
        &[
            "set-props",
            &a,
            "--cache-control",
            "max-age=60",
            "--metadata",
            "team=data",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = ops::head_blob(&c, &container, "a.txt").await.unwrap();
    assert_eq!(after.headers.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(after.headers.content_type, before.headers.content_type);
    assert_eq!(after.headers.content_md5, before.headers.content_md5);
    assert_eq!(after.metadata.get("owner").map(String::as_str), Some("ana"));
    assert_eq!(after.metadata.get("team").map(String::as_str), Some("data"));
    let o = blobx(h, &["set-props", &a, "--remove-metadata", "owner"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = ops::head_blob(&c, &container, "a.txt").await.unwrap();
    assert!(!after.metadata.contains_key("owner"));
    assert_eq!(after.headers.cache_control.as_deref(), Some("max-age=60"));
    // Bad input is refused before any request.
    let o = blobx(h, &["set-props", &a, "--metadata", "bad-name=1"]);
    assert_eq!(code(&o), 2);
    let o = blobx(h, &["set-props", &a]);
    assert_eq!(code(&o), 2);
    let o = blobx(
        h,
        &[
            "set-props",
            &format!("{root}/missing"),
            "--cache-control",
            "x",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("no such blob"), "{}", stderr(&o));

    // set-tier
    let o = blobx(h, &["set-tier", "cool", &a]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let after = ops::head_blob(&c, &container, "a.txt").await.unwrap();
    assert_eq!(after.tier.tier.as_deref(), Some("Cool"));
    let o = blobx(h, &["set-tier", "lukewarm", &a]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a tier"), "{}", stderr(&o));

    // Read-only refuses every change (exit 2), nothing touched.
    let o = blobx(h, &["--readonly", "rm", &a]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    let o = blobx(h, &["--readonly", "tag", "set", &a, "k=v"]);
    assert_eq!(code(&o), 2);

    // rm: dry run lists, deletes nothing; a folder needs -r.
    let dir = format!("{root}/dir");
    let o = blobx(h, &["rm", "-r", "--dry-run", &dir]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        lines(&o),
        [
            format!("would delete {root}/dir/b.csv"),
            format!("would delete {root}/dir/sub/c.json")
        ]
    );
    let o = blobx(h, &["rm", &format!("{dir}/")]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("add -r"), "{}", stderr(&o));
    let o = blobx(h, &["rm", "-r", &root]);
    assert_eq!(code(&o), 2, "a whole container is refused");
    let o = blobx(h, &["rm", &dir]);
    assert_eq!(code(&o), 1, "no blob named dir");
    let o = blobx(h, &["rm", "-r", &dir, &a]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("3 blobs"), "{}", stderr(&o));
    let left = blobx(h, &["ls", "-r", &root]);
    assert_eq!(lines(&left), ["keep.txt"]);

    // One audit line per change: set-props twice, set-tier, rm.
    let audit = audit_lines(h);
    assert_eq!(audit.len(), 4, "{audit:#?}");
    assert!(audit[3].contains("delete blobs"), "{audit:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tags_set_are_found_by_query_and_read_by_the_sdk() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let container = seed().await;
    let root = format!("az://{container}");
    let a = format!("{root}/a.txt");
    // A value no other test uses, so the account-wide search finds only ours.
    let project = unique("churn").replace('-', "_");

    let o = blobx(
        h,
        &[
            "tag",
            "set",
            &a,
            &format!("project={project}"),
            "date=2024-01",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = blobx(
        h,
        &["tag", "set", &format!("{root}/keep.txt"), "project=other"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = blobx(h, &["tag", "set", "--merge", &a, "stage=raw"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // Read back by blobx…
    let o = blobx(h, &["tag", "get", &a]);
    assert_eq!(
        lines(&o),
        [
            "date=2024-01",
            format!("project={project}").as_str(),
            "stage=raw"
        ]
    );
    let o = blobx(h, &["tag", "get", "--json", &a]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["tags"]["stage"], "raw");
    assert_eq!(v["name"], "a.txt");

    // …and by the official SDK.
    let sdk = sdk(&emu.host);
    let tags = sdk
        .blob_container_client(&container)
        .blob_client("a.txt")
        .get_tags(None)
        .await
        .unwrap()
        .into_model()
        .unwrap();
    let mut pairs: Vec<(String, String)> = tags
        .blob_tag_set
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default()))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("date".to_string(), "2024-01".to_string()),
            ("project".into(), project.clone()),
            ("stage".into(), "raw".into())
        ]
    );

    // Found by a tag query, in the container and in the whole account.
    let query = format!("\"project\" = '{project}' AND \"date\" >= '2024-01'");
    let o = blobx(h, &["find", "--tags", &query, &root]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(lines(&o), std::slice::from_ref(&a));
    let o = blobx(h, &["find", "--json", "--tags", &query]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows: Vec<Value> = lines(&o)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["container"], container.as_str());
    assert_eq!(rows[0]["name"], "a.txt");

    // Find by name pattern.
    let o = blobx(h, &["find", &root, "**/*.csv"]);
    assert_eq!(lines(&o), ["dir/b.csv"]);

    // Invalid tags are refused before any request (exit 2) and change nothing.
    for bad in ["k#=v", "=v", "novalue", &format!("k={}", "v".repeat(257))] {
        let o = blobx(h, &["tag", "set", &a, bad]);
        assert_eq!(code(&o), 2, "{bad}: {}", stderr(&o));
    }
    let eleven: Vec<String> = (0..11).map(|i| format!("k{i}=v")).collect();
    let mut args = vec!["tag", "set", a.as_str()];
    args.extend(eleven.iter().map(String::as_str));
    let o = blobx(h, &args);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("at most 10"), "{}", stderr(&o));
    let o = blobx(h, &["find", "--tags", "  "]);
    assert_eq!(code(&o), 2);
    let o = blobx(h, &["tag", "get", &a]);
    assert_eq!(lines(&o).len(), 3, "nothing changed");
    // A query the service cannot read: its words, exit 1.
    let o = blobx(h, &["find", "--tags", "project = ", &root]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));

    let audit = audit_lines(h);
    assert_eq!(audit.len(), 3, "{audit:#?}");
    assert!(audit.iter().all(|l| l.contains("set tags")));
}

#[test]
fn completions_and_man_page_come_from_the_definitions() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run_blobx(home.path(), &["completions", shell]);
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.contains("set-props") && text.contains("blobx"),
            "{shell}"
        );
    }
    let o = run_blobx(home.path(), &["completions", "tcsh"]);
    assert_eq!(code(&o), 2);
    let o = run_blobx(home.path(), &["man"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with(".ie") || stdout(&o).contains(".TH blobx"));
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_deletes_exactly_the_marked_set_and_reports_refusals() {
    use blobx::azure::batch::{self, BatchOp, SubResult};
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("batch");
    let names: Vec<String> = (0..600).map(|i| format!("b/{i:05}")).collect();
    fill(
        &c,
        &container,
        names
            .iter()
            .map(|n| BlobSpec::new(n.clone(), "x"))
            .collect(),
    )
    .await
    .unwrap();

    // The emulator answers a batch, one result per sub-request.
    let first: Vec<String> = names[..2].to_vec();
    let r = batch::send_batch(
        &c,
        &container,
        &first,
        BatchOp::SetTier(ops::AccessTier::Cool),
    )
    .await
    .unwrap();
    assert_eq!(r, [SubResult::Done, SubResult::Done]);

    // Marked: every third blob (200, so a full batch of 256 is not enough),
    // one already gone, one leased (the service refuses it, with its reason).
    let mut marked: Vec<(String, u64)> = names.iter().step_by(3).map(|n| (n.clone(), 1)).collect();
    marked.extend(
        names
            .iter()
            .skip(1)
            .step_by(3)
            .take(100)
            .map(|n| (n.clone(), 1)),
    );
    marked.push(("b/never-was".into(), 0));
    let leased = names[2].clone();
    ops::acquire_blob_lease(&c, &container, &leased, None)
        .await
        .unwrap();
    marked.push((leased.clone(), 1));
    let report = batch::delete_many(&c, &container, &marked, true).await;
    assert_eq!(report.done, marked.len() - 1, "{:?}", report.failed);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, leased);
    assert!(report.failed[0].1.contains("lease"), "{:?}", report.failed);

    let left: Vec<String> = ops::list_flat(&c, &container, "")
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let gone: std::collections::HashSet<&str> = marked
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| *n != leased)
        .collect();
    let expected: Vec<String> = names
        .iter()
        .filter(|n| !gone.contains(n.as_str()))
        .cloned()
        .collect();
    assert_eq!(left, expected, "exactly the marked blobs went");

    // Tier changes in batches, through the command line.
    ops::break_blob_lease(&c, &container, &leased)
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let o = blobx(
        home.path(),
        &["set-tier", "Cold", "-r", &format!("az://{container}/b/")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let page = c
        .list_blobs_page(&container, "", None, None, 5000)
        .await
        .unwrap();
    assert!(
        page.entries
            .iter()
            .all(|e| e.access_tier.as_deref() == Some("Cold")),
        "every blob is Cold"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cp_sets_headers_metadata_and_tags_on_what_it_uploads() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = seed().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let file = h.join("notes.txt");
    std::fs::write(&file, "some notes").unwrap();
    let dest = format!("az://{container}/up/notes.txt");

    // Invalid tags: refused before anything is uploaded.
    let o = blobx(
        h,
        &["cp", file.to_str().unwrap(), &dest, "--tags", "bad#=1"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        c.blob_exists(&container, "up/notes.txt")
            .await
            .unwrap()
            .is_none()
    );

    let o = blobx(
        h,
        &[
            "cp",
            file.to_str().unwrap(),
            &dest,
            "--content-type",
            "text/x-notes",
            "--cache-control",
            "no-cache",
            "--metadata",
            "source=laptop",
            "--tags",
            "kind=notes",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let head = ops::head_blob(&c, &container, "up/notes.txt")
        .await
        .unwrap();
    assert_eq!(head.headers.content_type.as_deref(), Some("text/x-notes"));
    assert_eq!(head.headers.cache_control.as_deref(), Some("no-cache"));
    assert_eq!(
        head.metadata.get("source").map(String::as_str),
        Some("laptop")
    );
    assert!(head.headers.content_md5.is_some(), "the upload's MD5 stays");
    let tags = sdk(&emu.host)
        .blob_container_client(&container)
        .blob_client("up/notes.txt")
        .get_tags(None)
        .await
        .unwrap()
        .into_model()
        .unwrap()
        .blob_tag_set
        .unwrap_or_default();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].key.as_deref(), Some("kind"));
    assert_eq!(tags[0].value.as_deref(), Some("notes"));
    let o = blobx(h, &["cat", &dest]);
    assert_eq!(stdout(&o), "some notes");
}

/// The blob names of a container, sorted.
async fn names_in(c: &blobx::azure::StorageClient, container: &str) -> Vec<String> {
    ops::list_flat(c, container, "")
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_delete_through_a_flaky_network_removes_exactly_the_marked_set() {
    use blobx::azure::{Account, StorageClient};
    use support::fault_proxy::FaultProxy;
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("flaky");
    let names: Vec<String> = (0..1200).map(|i| format!("f/{i:05}")).collect();
    fill(
        &c,
        &container,
        names
            .iter()
            .map(|n| BlobSpec::new(n.clone(), "x"))
            .collect(),
    )
    .await
    .unwrap();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 20261130, 40).await;
    let flaky = StorageClient::for_transfers(Account::emulator(&proxy.host).unwrap()).unwrap();
    let marked: Vec<(String, u64)> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, n)| (n.clone(), 1))
        .collect();
    let report = blobx::azure::batch::delete_many(&flaky, &container, &marked, true).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.done, marked.len());
    let expected: Vec<String> = names.iter().step_by(3).cloned().collect();
    assert_eq!(names_in(&c, &container).await, expected);
    println!("fault proxy: {}", proxy.counters.summary());
    assert!(proxy.counters.faults() > 0, "the proxy broke something");
}

#[tokio::test(flavor = "multi_thread")]
async fn rm_killed_mid_way_and_run_again_removes_exactly_the_folder() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("kill");
    let mut blobs: Vec<BlobSpec> = (0..1500)
        .map(|i| BlobSpec::new(format!("go/{i:05}"), "x"))
        .collect();
    blobs.extend((0..50).map(|i| BlobSpec::new(format!("stay/{i:03}"), "y")));
    blobs.push(BlobSpec::new("go.txt", "not below go/"));
    fill(&c, &container, blobs).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let folder = format!("az://{container}/go/");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
        .args(["rm", "-r", &folder, "--emulator", &emu.host])
        .env("BLOBX_CONFIG_DIR", h.join("config"))
        .env("BLOBX_LOG_DIR", h.join("logs"))
        .env("BLOBX_DATA_DIR", h.join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill -9 once the deletes have begun (the first batch takes the first
    // names), or let it be if it already finished.
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if matches!(c.blob_exists(&container, "go/00000").await, Ok(None)) {
            child.kill().unwrap();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = child.wait();
    // A batch the killed process sent may still be running in the emulator:
    // count once the count stops moving.
    let mut left_below = usize::MAX;
    for _ in 0..40 {
        let now = names_in(&c, &container)
            .await
            .iter()
            .filter(|n| n.starts_with("go/"))
            .count();
        if now == left_below {
            break;
        }
        left_below = now;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    let o = blobx(h, &["rm", "-r", &folder]);
    if left_below > 0 {
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    } else {
        // The first run finished before the kill: nothing is left to delete.
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(stderr(&o).contains("no blobs below"), "{}", stderr(&o));
    }
    let mut expected: Vec<String> = vec!["go.txt".into()];
    expected.extend((0..50).map(|i| format!("stay/{i:03}")));
    assert_eq!(names_in(&c, &container).await, expected);
}

/// A shell script to stand in for the editor.
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

fn blob_text(host: &str, container: &str, blob: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let o = run_blobx(
        home.path(),
        &[
            "cat",
            &format!("az://{container}/{blob}"),
            "--emulator",
            host,
        ],
    );
    stdout(&o)
}

#[tokio::test(flavor = "multi_thread")]
async fn edit_round_trip_keeps_headers_and_never_overwrites_a_change_unasked() {
    use support::pty::Tui;
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("edit");
    fill(
        &c,
        &container,
        vec![BlobSpec::new("conf/app.json", "{\"a\":1}\n").meta("owner", "ana")],
    )
    .await
    .unwrap();
    let edit = ops::HeaderEdit {
        cache_control: Some("max-age=5".into()),
        ..Default::default()
    };
    ops::set_content_headers(&c, &container, "conf/app.json", &edit, None)
        .await
        .unwrap();
    blobx::azure::tags::set_tags(
        &c,
        &container,
        "conf/app.json",
        &[("env".into(), "prod".into())],
    )
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let target = format!("az://{container}/conf/app.json");
    let seen = h.join("seen");
    let bin = env!("CARGO_BIN_EXE_blobx");
    let run = |editor: &str| {
        Tui::spawn(
            &["edit", &target, "--emulator", &emu.host],
            &[("EDITOR", editor), ("VISUAL", "")],
            h,
            100,
            30,
        )
    };

    // 1. An edit: saved with If-Match, headers, metadata and tags kept; the
    //    private copy (0600) removed.
    let writes = script(
        h,
        "writes.sh",
        &format!(
            "stat -c '%a %n' \"$1\" > {seen}\nprintf '{{\"a\":2}}\\n' > \"$1\"",
            seen = seen.display()
        ),
    );
    let mut tui = run(&writes);
    assert!(tui.wait_exit(), "{}", tui.screen());
    assert_eq!(
        blob_text(&emu.host, &container, "conf/app.json"),
        "{\"a\":2}\n"
    );
    let head = ops::head_blob(&c, &container, "conf/app.json")
        .await
        .unwrap();
    assert_eq!(
        head.headers.content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(head.headers.cache_control.as_deref(), Some("max-age=5"));
    assert_eq!(head.metadata.get("owner").map(String::as_str), Some("ana"));
    let tags = blobx::azure::tags::get_tags(&c, &container, "conf/app.json")
        .await
        .unwrap();
    assert_eq!(tags, [("env".to_string(), "prod".to_string())]);
    let seen_line = std::fs::read_to_string(&seen).unwrap();
    let (mode, copy) = seen_line.trim().split_once(' ').unwrap();
    assert_eq!(mode, "600", "the copy is private");
    assert!(
        !Path::new(copy).exists(),
        "the copy is removed after saving"
    );

    // 2. No change, and an editor that fails: nothing is written.
    let etag = head.etag.clone();
    let mut tui = run(&script(h, "same.sh", "true"));
    assert!(tui.wait_exit());
    let mut tui = run(&script(h, "fails.sh", "echo junk > \"$1\"; exit 3"));
    assert!(!tui.wait_exit(), "a failed editor is a failure");
    let head = ops::head_blob(&c, &container, "conf/app.json")
        .await
        .unwrap();
    assert_eq!(head.etag, etag, "nothing was written");

    // 3. Someone changes the blob while it is being edited: blobx asks;
    //    "keep" leaves the blob and says where the copy is.
    let meddles = script(
        h,
        "meddles.sh",
        &format!(
            "{bin} set-props {target} --metadata touched=yes --emulator {host} >/dev/null 2>&1\nprintf 'mine\\n' > \"$1\"",
            host = emu.host
        ),
    );
    let mut tui = run(&meddles);
    tui.wait_text("[k]eep");
    tui.send("k\r");
    assert!(!tui.wait_exit());
    let screen = tui.screen();
    assert!(screen.contains("Your copy is kept at"), "{screen}");
    assert_eq!(
        blob_text(&emu.host, &container, "conf/app.json"),
        "{\"a\":2}\n"
    );
    let head = ops::head_blob(&c, &container, "conf/app.json")
        .await
        .unwrap();
    assert_eq!(
        head.metadata.get("touched").map(String::as_str),
        Some("yes")
    );

    // "save as new": the blob stays, the edit lands beside it.
    let mut tui = run(&meddles);
    tui.wait_text("[k]eep");
    tui.send("s\r");
    assert!(tui.wait_exit(), "{}", tui.screen());
    assert_eq!(
        blob_text(&emu.host, &container, "conf/app.json"),
        "{\"a\":2}\n"
    );
    let names = names_in(&c, &container).await;
    let new = names
        .iter()
        .find(|n| n.starts_with("conf/app.edited-") && n.ends_with(".json"))
        .unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(blob_text(&emu.host, &container, new), "mine\n");

    // Read-only refuses before opening anything.
    let o = blobx(h, &["--readonly", "edit", &target]);
    assert_eq!(code(&o), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_header_change_on_500_blobs_sets_exactly_those_headers() {
    use azure_core::http::headers::HeaderName;
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("bulk");
    let blobs: Vec<BlobSpec> = (0..500)
        .map(|i| BlobSpec::new(format!("p/{i:04}.csv"), format!("row,{i}\n")).meta("src", "seed"))
        .collect();
    fill(&c, &container, blobs).await.unwrap();
    // One blob outside the folder: never touched.
    c.put_blob(
        &container,
        "other.csv",
        bytes::Bytes::from_static(b"o\n"),
        Some("text/csv"),
        Default::default(),
    )
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let o = blobx(
        home.path(),
        &[
            "set-props",
            "-r",
            &format!("az://{container}/p/"),
            "--cache-control",
            "public, max-age=600",
            "--content-language",
            "en",
            "--metadata",
            "stage=clean",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("500 blobs"), "{}", stderr(&o));

    // Checked with the official SDK: body, named headers changed, others kept.
    let sdk = sdk(&emu.host);
    let container_client = sdk.blob_container_client(&container);
    let get = |r: &azure_storage_blob::models::BlobClientDownloadResult, name: &'static str| {
        r.headers
            .get_optional_str(&HeaderName::from_static(name))
            .map(str::to_string)
    };
    for i in 0..500 {
        let name = format!("p/{i:04}.csv");
        let r = container_client
            .blob_client(&name)
            .download(None)
            .await
            .unwrap();
        assert_eq!(
            get(&r, "cache-control").as_deref(),
            Some("public, max-age=600"),
            "{name}"
        );
        assert_eq!(get(&r, "content-language").as_deref(), Some("en"), "{name}");
        assert_eq!(
            get(&r, "content-type").as_deref(),
            Some("text/csv"),
            "{name}"
        );
        assert_eq!(get(&r, "content-disposition"), None, "{name}");
        assert_eq!(get(&r, "content-encoding"), None, "{name}");
        assert_eq!(get(&r, "x-ms-meta-src").as_deref(), Some("seed"), "{name}");
        assert_eq!(
            get(&r, "x-ms-meta-stage").as_deref(),
            Some("clean"),
            "{name}"
        );
        let body = r.body.collect().await.unwrap();
        assert_eq!(&body[..], format!("row,{i}\n").as_bytes(), "{name}");
    }
    let other = ops::head_blob(&c, &container, "other.csv").await.unwrap();
    assert_eq!(other.headers.cache_control, None);
    assert!(other.metadata.is_empty());
}
