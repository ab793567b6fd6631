//! The Data Lake endpoint's one-call operations and access control, against
//! the dfs stub (tests/support/dfs_stub.rs; Azurite has no dfs endpoint),
//! which checks each request's version header, signature and query, and
//! refuses what the service refuses.

mod support;

use blobx::azure::datalake::acl::{self, Use};
use blobx::azure::datalake::dfs::{self, Mode};
use blobx::azure::http::OpError;
use blobx::azure::{Account, StorageClient};
use support::dfs_stub::DfsStub;

fn client(stub: &DfsStub) -> StorageClient {
    // No blob requests here: the blob endpoint is a closed port.
    let mut account = Account::emulator("http://127.0.0.1:9").unwrap();
    account.dfs_endpoint = Some(url::Url::parse(&stub.endpoint).unwrap());
    StorageClient::new(account).unwrap()
}

fn status(e: &OpError) -> Option<u16> {
    e.status()
}

#[tokio::test(flavor = "multi_thread")]
async fn mkdir_rename_and_recursive_delete_are_single_operations() {
    let stub = DfsStub::start().await;
    {
        let mut lake = stub.lake();
        for f in [
            "fs/raw/a.csv",
            "fs/raw/b.csv",
            "fs/raw/deep/c.csv",
            "fs/other.txt",
        ] {
            lake.add_file(f);
        }
    }
    let c = client(&stub);
    dfs::create_directory(&c, "fs", "raw/empty dir")
        .await
        .unwrap();
    assert!(stub.lake().paths["fs/raw/empty dir"].dir);

    // A directory of 5 entries moves in one request.
    let before = stub.lake().log.len();
    dfs::rename(&c, "fs", "raw", "curated/raw")
        .await
        .unwrap_err(); // no parent yet
    dfs::create_directory(&c, "fs", "curated").await.unwrap();
    dfs::rename(&c, "fs", "raw", "curated/raw").await.unwrap();
    {
        let lake = stub.lake();
        assert_eq!(lake.log.len() - before, 3, "{:?}", lake.log);
        assert!(
            lake.log
                .last()
                .unwrap()
                .starts_with("PUT /devstoreaccount1/fs/curated/raw")
        );
        assert!(lake.paths.contains_key("fs/curated/raw/deep/c.csv"));
        assert!(!lake.paths.keys().any(|k| k.starts_with("fs/raw")));
    }

    // Refused when the target exists; nothing moves.
    let e = dfs::rename(&c, "fs", "other.txt", "curated")
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some(409), "{e}");
    assert!(stub.lake().paths.contains_key("fs/other.txt"));
    assert!(matches!(
        dfs::rename(&c, "fs", "curated", "curated/inside").await,
        Err(OpError::Invalid(_))
    ));

    // A non-empty directory is refused without recursive=true…
    let e = dfs::delete(&c, "fs", "curated", false).await.unwrap_err();
    assert_eq!(status(&e), Some(409));
    // …and deleted with it, following the continuation (2 entries a call).
    let calls = dfs::delete(&c, "fs", "curated", true).await.unwrap();
    let lake = stub.lake();
    assert_eq!(calls, 4, "7 entries, 2 a call: {:?}", lake.log);
    assert!(
        lake.log
            .iter()
            .rev()
            .take(3)
            .all(|l| l.contains("continuation="))
    );
    assert_eq!(lake.paths.keys().collect::<Vec<_>>(), ["fs/other.txt"]);
    assert_eq!(
        lake.refused,
        [
            "RenameDestinationParentPathNotFound",
            "PathAlreadyExists",
            "DirectoryNotEmpty"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn access_control_reads_sets_and_is_checked_before_sending() {
    let stub = DfsStub::start().await;
    stub.lake().add_file("fs/data/x.parquet");
    let c = client(&stub);
    let got = dfs::get_access_control(&c, "fs", "data/x.parquet")
        .await
        .unwrap();
    assert_eq!(got.permissions, "rw-r-----");
    assert_eq!(got.acl, "user::rw-,group::r--,other::---");
    assert_eq!(got.owner, "$superuser");
    assert!(
        stub.lake()
            .log
            .last()
            .unwrap()
            .contains("action=getAccessControl&upn=true")
    );

    let text =
        "user::rwx,group::r-x,other::---,user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x,mask::r-x";
    let new = acl::parse(text, Use::Set).unwrap();
    dfs::set_access_control(&c, "fs", "data/x.parquet", &new)
        .await
        .unwrap();
    assert_eq!(stub.lake().paths["fs/data/x.parquet"].acl, text);
    assert!(
        acl::parse("user::rwx,group::r-x", Use::Set).is_err(),
        "refused before sending"
    );

    // The stub refuses what the service would: an unsigned request.
    let mut anon = Account::emulator("http://127.0.0.1:9").unwrap();
    anon.auth = blobx::azure::Auth::Anonymous;
    anon.dfs_endpoint = Some(url::Url::parse(&stub.endpoint).unwrap());
    let e = dfs::get_access_control(&StorageClient::new(anon).unwrap(), "fs", "data")
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some(401));
    assert_eq!(stub.lake().refused, ["NoAuthenticationInformation"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn recursive_acl_reports_failures_and_resumes_after_an_interruption() {
    let stub = DfsStub::start().await;
    {
        let mut lake = stub.lake();
        for i in 0..7 {
            lake.add_file(&format!("fs/proj/d{}/f{i}.csv", i % 3));
        }
        lake.add_file("fs/proj/secret/keys.txt");
        lake.failing = vec!["secret".into()];
    }
    let c = client(&stub);
    let total = stub.lake().paths.len() as u64; // 7 files, 4 dirs + proj, keys.txt
    let entry = acl::parse("user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x", Use::Modify).unwrap();

    // The service goes away after the second batch: the run stops with the
    // continuation to resume from.
    let lake = stub.lake.clone();
    let (progress, err) =
        dfs::set_access_control_recursive(&c, "fs", "proj", Mode::Modify, &entry, None, |p| {
            if p.calls == 2 {
                lake.lock().unwrap().down = true;
            }
        })
        .await
        .unwrap_err();
    assert_eq!(status(&err), Some(503), "{err}");
    assert_eq!(progress.calls, 2);
    assert_eq!(progress.directories + progress.files, 4);
    let saved = progress
        .continuation
        .clone()
        .expect("a continuation to resume from");

    // Resumed from the saved continuation: the rest, each entry once.
    stub.lake().down = false;
    let mut batches = 0;
    let done = dfs::set_access_control_recursive(
        &c,
        "fs",
        "proj",
        Mode::Modify,
        &entry,
        Some(saved.clone()),
        |_| batches += 1,
    )
    .await
    .unwrap();
    assert!(done.continuation.is_none());
    assert_eq!(
        progress.directories
            + progress.files
            + done.directories
            + done.files
            + done.failures
            + progress.failures,
        total
    );
    assert_eq!(done.failures + progress.failures, 2, "secret/ and keys.txt");
    let failed: Vec<_> = progress
        .failed
        .iter()
        .chain(&done.failed)
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(failed, ["proj/secret", "proj/secret/keys.txt"]);
    let lake = stub.lake();
    let resumed = lake
        .log
        .iter()
        .find(|l| l.contains("continuation="))
        .unwrap()
        .clone();
    assert!(
        resumed.contains("mode=modify") && resumed.contains("forceFlag=true"),
        "{resumed}"
    );
    for (p, n) in &lake.paths {
        let want = u32::from(p.starts_with("fs/proj") && !p.contains("secret"));
        assert_eq!(n.acl_changes, want, "{p}");
        if want == 1 {
            assert!(
                n.acl
                    .ends_with(",user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x"),
                "{p}: {}",
                n.acl
            );
        }
    }
    assert_eq!(
        (batches, done.calls),
        (5, 5),
        "13 entries, 2 a call: 2 calls, then 5"
    );
}

/// `blobx ARGS` against the stub (as the emulator account, its dfs endpoint the stub).
fn blobx(stub: &DfsStub, home: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"));
    cmd.args(args)
        .args(["--emulator", &stub.host(), "--dfs-endpoint", &stub.endpoint])
        .env("BLOBX_CONFIG_DIR", home.join("config"))
        .env("BLOBX_LOG_DIR", home.join("logs"))
        .env("BLOBX_DATA_DIR", home.join("data"));
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn acl_and_mkdir_commands_with_exit_codes_audit_and_resume_after_kill() {
    let stub = DfsStub::start().await;
    {
        let mut lake = stub.lake();
        for i in 0..9 {
            lake.add_file(&format!("fs/proj/d{}/f{i}.csv", i % 3));
        }
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run = |args: &[&str]| blobx(&stub, h, args).output().unwrap();

    // get, as JSON.
    let o = run(&["acl", "get", "az://fs/proj/d0/f0.csv", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["permissions"], "rw-r-----");
    assert_eq!(doc["acl"][0], "user::rw-");

    // Bad input: exit 2, said why, nothing sent.
    let sent = stub.lake().log.len();
    let o = run(&["acl", "set", "az://fs/proj", "user::rwx,group::r-x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("other::"));
    let o = run(&[
        "acl",
        "set",
        "az://fs/proj",
        "user:x:rwx",
        "--mode",
        "modify",
    ]);
    assert_eq!(o.status.code(), Some(2), "modify needs --recursive");
    // Nothing at all, not even the version probe (made only just before a
    // command's first request).
    let log = stub.lake().log.clone();
    assert!(log[sent..].is_empty(), "{:?}", &log[sent..]);

    // mkdir: one request, one audit line.
    let o = run(&["mkdir", "az://fs/proj/empty"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stub.lake().paths["fs/proj/empty"].dir);
    assert_eq!(support::audit_count(h, "create directory"), 1);

    // A recursive change killed (-9) after two batches, then run again:
    // it resumes from the saved continuation and reaches each entry once.
    let entry = "user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x";
    let args = [
        "acl",
        "set",
        "-r",
        "--mode",
        "modify",
        "az://fs/proj",
        entry,
    ];
    stub.lake().delay_ms = 300;
    let mut child = blobx(&stub, h, &args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let patches = |stub: &DfsStub| {
        stub.lake()
            .log
            .iter()
            .filter(|l| l.starts_with("PATCH"))
            .count()
    };
    let start = std::time::Instant::now();
    while patches(&stub) < 3 {
        assert!(start.elapsed().as_secs() < 30, "{:?}", stub.lake().log);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Two batches answered, the third under way: kill.
    child.kill().unwrap();
    child.wait().unwrap();
    let saved = std::fs::read_to_string(h.join("data/acl-runs.json")).unwrap();
    assert!(saved.contains("continuation"), "{saved}");
    stub.lake().delay_ms = 0;
    let before = stub.lake().log.len();
    let o = run(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("resuming"), "{err}");
    let lake = stub.lake();
    let first = lake.log[before..]
        .iter()
        .find(|l| l.starts_with("PATCH"))
        .unwrap();
    assert!(first.contains("continuation="), "{first}");
    let total = lake
        .paths
        .keys()
        .filter(|p| p.starts_with("fs/proj"))
        .count();
    let changed: Vec<u32> = lake.paths.values().map(|n| n.acl_changes).collect();
    assert!(
        changed.iter().all(|c| *c <= 1),
        "an entry changed twice: {changed:?}"
    );
    // The batch under way at the kill may have been applied by the stub
    // without its answer arriving; everything else exactly once.
    let done = changed.iter().filter(|c| **c == 1).count();
    assert_eq!(done, total, "every entry reached");
    drop(lake);
    assert_eq!(support::audit_count(h, "set acl recursive"), 1);
    assert!(
        !std::fs::read_to_string(h.join("data/acl-runs.json"))
            .unwrap()
            .contains("continuation")
    );

    // A flat account: refused in words, exit 1.
    stub.lake().flat = true;
    let o = run(&["acl", "get", "az://fs/proj"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no hierarchical namespace"));
}

/// The resumable run the TUI and `blobx acl set -r` share: interrupted, its
/// continuation is saved; the same change asked again goes on from there
/// (each entry changed once); another change starts afresh.
#[tokio::test(flavor = "multi_thread")]
async fn the_same_recursive_change_asked_again_resumes() {
    let data = tempfile::tempdir().unwrap();
    // SAFETY: set before anything in this test reads it; the other tests
    // of this binary give their child processes their own data dir.
    unsafe { std::env::set_var("BLOBX_DATA_DIR", data.path()) };
    let stub = DfsStub::start().await;
    {
        let mut lake = stub.lake();
        for i in 0..6 {
            lake.add_file(&format!("fs/team/d{}/f{i}.csv", i % 2));
        }
    }
    let c = client(&stub);
    let entry = acl::parse(
        "user::rwx,group::r-x,other::---,user:4f2c8a10-0b1e-4c7a-9d55-1f0e2b3c4d5e:r-x,mask::r-x",
        Use::Set,
    )
    .unwrap();
    let run = blobx::transfer::acl_runs::AclRun::new(&c, "fs", "team", Mode::Set, &entry);
    assert!(!run.resumes());
    let lake = stub.lake.clone();
    let (first, _) = run
        .run(|p| {
            if p.calls == 2 {
                lake.lock().unwrap().down = true;
            }
        })
        .await
        .unwrap_err();
    stub.lake().down = false;

    let other = acl::parse("user::rwx,group::---,other::---", Use::Set).unwrap();
    assert!(
        !blobx::transfer::acl_runs::AclRun::new(&c, "fs", "team", Mode::Set, &other).resumes(),
        "another ACL is another run"
    );
    let again = blobx::transfer::acl_runs::AclRun::new(&c, "fs", "team", Mode::Set, &entry);
    assert!(again.resumes());
    let rest = again.run(|_| {}).await.unwrap();
    let lake = stub.lake();
    let below: Vec<_> = lake
        .paths
        .iter()
        .filter(|(p, _)| p.starts_with("fs/team"))
        .collect();
    assert_eq!(
        (first.directories + first.files + rest.directories + rest.files) as usize,
        below.len()
    );
    for (p, n) in below {
        assert_eq!(n.acl_changes, 1, "{p} changed once");
    }
    drop(lake);
    assert!(
        !blobx::transfer::acl_runs::AclRun::new(&c, "fs", "team", Mode::Set, &entry).resumes(),
        "a finished run is forgotten"
    );
}
