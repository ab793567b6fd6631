//! Safety and transfer extras against Azurite: the bandwidth cap (and
//! changing it while transfers run), the CSV report of a batch, read-only
//! mode in headless commands, and bookmarks plus per-account read-only
//! in the real TUI.

mod support;

use blobx::azure::{Account, StorageClient};
use blobx::transfer::engine::EngineOptions;
use blobx::transfer::{Endpoint, Engine, ItemSpec, Kind, Status, conflict::Conflict};
use md5::{Digest, Md5};
use std::path::Path;
use std::time::{Duration, Instant};
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

fn engine(host: &str, cap: Option<u64>) -> Engine {
    let c = StorageClient::for_transfers(Account::emulator(host).unwrap()).unwrap();
    Engine::new(
        vec![Some(("emulator".into(), c))],
        EngineOptions {
            journal: None,
            cap,
            ..EngineOptions::default()
        },
    )
}

fn upload_spec(path: &Path, container: &str, name: &str) -> ItemSpec {
    ItemSpec {
        kind: Kind::Upload,
        source: Endpoint::Local(path.to_path_buf()),
        target: Endpoint::Blob {
            account: 0,
            container: container.into(),
            name: name.into(),
            at: None,
        },
        size: std::fs::metadata(path).unwrap().len(),
    }
}

async fn prepare(host: &str) -> String {
    let container = unique("safety");
    fill(&client(host), &container, vec![]).await.unwrap();
    container
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cap_holds_throughput_down_and_lifting_it_lets_transfers_finish() {
    let emu = Emulator::shared();
    let container = prepare(&emu.host).await;
    let dir = tempfile::tempdir().unwrap();
    // 24 MiB in 4 MiB blocks under 64 Mb/s (8 MB/s): the pace, not the
    // machine, sets the time, so it cannot be faster than size / cap less
    // the first block, which goes at once.
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 24 << 20]).unwrap();
    let cap = 8_000_000u64;
    let e = engine(&emu.host, Some(cap));
    let started = Instant::now();
    e.enqueue(
        vec![upload_spec(&big, &container, "big.bin")],
        Conflict::Overwrite,
    );
    e.wait_idle().await;
    let took = started.elapsed();
    let snap = e.sample();
    assert_eq!(snap.items[0].status, Status::Done, "{:?}", snap.items[0]);
    assert_eq!(snap.cap, Some(cap));
    let floor = ((24u64 << 20) - (4 << 20)) as f64 / cap as f64;
    println!(
        "24 MiB under a {} cap took {:.2} s ({:.1} MB/s); the cap allows no less than {floor:.2} s",
        blobx::transfer::throttle::describe(Some(cap)),
        took.as_secs_f64(),
        (24u64 << 20) as f64 / took.as_secs_f64() / 1e6
    );
    assert!(took.as_secs_f64() >= floor, "faster than the cap: {took:?}");

    // A cap of 80 kb/s would take minutes for this file; lifting it while the
    // transfer waits lets it finish now.
    let e = engine(&emu.host, blobx::transfer::throttle::mbps_to_bytes(0.08));
    e.enqueue(
        vec![upload_spec(&big, &container, "big2.bin")],
        Conflict::Overwrite,
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mid = e.sample();
    assert_eq!(mid.items[0].status, Status::Running);
    assert!(mid.items[0].done < 24 << 20, "{:?}", mid.items[0]);
    e.set_cap(None);
    tokio::time::timeout(Duration::from_secs(120), e.wait_idle())
        .await
        .expect("lifting the cap let the upload finish");
    let done = e.sample();
    assert_eq!(done.items[0].status, Status::Done);
    assert_eq!(done.cap, None);
}

use support::run_blobx as blobx;

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn cp_writes_a_csv_report_with_each_file_status_and_checksum() {
    let emu = Emulator::shared();
    let container = prepare(&emu.host).await;
    let home = tempfile::tempdir().unwrap();
    let src = home.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let files = [
        ("a, \"quoted\".csv", b"x,y\n1,2\n".to_vec()),
        ("big.bin", vec![3u8; 9 << 20]),
        ("empty.txt", Vec::new()),
    ];
    for (name, body) in &files {
        std::fs::write(src.join(name), body).unwrap();
    }
    let target = format!("az://{container}/in/");
    let report = home.path().join("report.csv");
    let args = [
        "cp",
        "--emulator",
        &emu.host,
        src.to_str().unwrap(),
        &target,
        "--recursive",
        "--report",
        report.to_str().unwrap(),
    ];
    let out = blobx(home.path(), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rows: Vec<csv::StringRecord> = csv::Reader::from_path(&report)
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect();
    rows.sort_by(|a, b| a[1].cmp(&b[1]));
    assert_eq!(rows.len(), 3);
    for ((name, body), row) in files.iter().zip(&rows) {
        assert!(row[1].ends_with(name), "{row:?}");
        assert_eq!(&row[0], "upload");
        assert_eq!(&row[3], body.len().to_string());
        assert_eq!(&row[4], "done", "{row:?}");
        assert_eq!(&row[7], md5_hex(body), "{name}: the MD5 md5sum would print");
    }

    // Again: everything is there already, and the report says skipped, and why.
    let out = blobx(home.path(), &args);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&report).unwrap();
    assert_eq!(text.matches(",skipped,").count(), 3, "{text}");
    assert!(text.contains("already"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn readonly_headless_commands_refuse_changes_and_send_nothing() {
    let emu = Emulator::shared();
    let container = prepare(&emu.host).await;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("f.txt");
    std::fs::write(&file, "data").unwrap();
    let target = format!("az://{container}/f.txt");
    let out = blobx(
        home.path(),
        &[
            "cp",
            "--readonly",
            "--emulator",
            &emu.host,
            file.to_str().unwrap(),
            &target,
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("read-only mode"), "{err}");
    let listed = client(&emu.host)
        .list_blobs_page(&container, "", None, None, 100)
        .await
        .unwrap();
    assert!(
        listed.entries.is_empty(),
        "nothing was uploaded: {:?}",
        listed.entries
    );

    // config.toml's setting does the same, for access set too.
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(home.path().join("config/config.toml"), "readonly = true\n").unwrap();
    let acl = home.path().join("acl.json");
    std::fs::write(&acl, r#"{"public_access":"blob","policies":[]}"#).unwrap();
    let uri = format!("az://{container}");
    let out = blobx(
        home.path(),
        &[
            "access",
            "set",
            "--emulator",
            &emu.host,
            &uri,
            acl.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only mode"));
    // Reading is still allowed, and shows the level unchanged.
    let out = blobx(
        home.path(),
        &["access", "get", "--emulator", &emu.host, &uri],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("private"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bookmarks_persist_and_a_readonly_account_refuses_changes_in_the_tui() {
    let emu = Emulator::shared();
    let container = unique("marks");
    fill(
        &client(&emu.host),
        &container,
        vec![
            BlobSpec::new("deep/er/x.csv", "1\n"),
            BlobSpec::new("top.txt", "t"),
        ],
    )
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    let env = [
        ("BLOBX_CONFIG_DIR", config.to_str().unwrap()),
        ("BLOBX_DATA_DIR", home.path().to_str().unwrap()),
    ];
    let deep = format!("az://{container}/deep/er/");
    let mut tui = Tui::spawn(
        &["--emulator", &emu.host, &deep],
        &env,
        home.path(),
        120,
        30,
    );
    tui.wait_text("x.csv");
    tui.send("b");
    tui.wait_text("Bookmarked");
    tui.send("q");
    assert!(tui.wait_exit());
    let saved = std::fs::read_to_string(config.join("bookmarks.toml")).unwrap();
    assert!(
        saved.contains(&container) && saved.contains("deep/er/"),
        "{saved}"
    );

    // A new start at the top: B, Enter jumps back into the folder.
    let mut tui = Tui::spawn(&["--emulator", &emu.host], &env, home.path(), 120, 30);
    tui.wait_text("devstoreaccount1");
    tui.send("B");
    tui.wait_text(&format!("{container} › deep/er/"));
    tui.send("\r");
    tui.wait_text("x.csv");

    // w marks the account read-only: creating a folder's upload is refused,
    // and the header says why keys do nothing.
    tui.send("w");
    tui.wait_text("read-only account");
    tui.send("u");
    let screen = tui.wait_text("is marked read-only");
    assert!(!screen.contains("upload from:"), "{screen}");
    tui.send("w");
    tui.wait_text("writable again");
    tui.send("u");
    tui.wait_text("upload from:");
    tui.send("\x1b");
    // A key right after Esc would read as Alt+key.
    tui.wait_for("the prompt closed", |s| !s.contains("upload from:"));
    tui.send("q");
    assert!(tui.wait_exit());
}

fn sas_account(host: &str, expiry: i64) -> Account {
    use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY, Source};
    use blobx::azure::connection::parse_connection_string;
    use blobx::azure::secret::Secret;
    let sas = blobx::azure::sas::account_sas(
        EMULATOR_ACCOUNT,
        &Secret::new(EMULATOR_KEY),
        "racwdl",
        expiry,
    )
    .unwrap();
    let cs = format!(
        "BlobEndpoint={host}/{EMULATOR_ACCOUNT};SharedAccessSignature={}",
        sas.expose()
    );
    let parsed = parse_connection_string(&cs, 0).unwrap();
    let mut a = Account::from_parsed("sas-acct", "sas", Source::Attached, parsed);
    a.id = "sas-acct".into();
    a
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_sas_pauses_the_transfer_and_a_new_one_resumes_it() {
    let emu = Emulator::shared();
    let container = prepare(&emu.host).await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let body: Vec<u8> = (0..(24u32 << 20)).map(|i| (i % 251) as u8).collect();
    std::fs::write(&big, &body).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let short = StorageClient::for_transfers(sas_account(&emu.host, now + 4)).unwrap();
    // Paced at 4 MB/s the upload needs ~6 s; the SAS lasts 3 to 4.
    let e = Engine::new(
        vec![Some(("sas-acct".into(), short))],
        EngineOptions {
            journal: Some(blobx::transfer::journal::Journal::new(dir.path().join("j"))),
            cap: Some(4_000_000),
            ..EngineOptions::default()
        },
    );
    e.enqueue(
        vec![upload_spec(&big, &container, "big.bin")],
        Conflict::Overwrite,
    );
    tokio::time::timeout(Duration::from_secs(60), e.wait_idle())
        .await
        .unwrap();
    let paused = e.sample();
    let item = paused.items[0].clone();
    assert_eq!(item.status, Status::Paused, "{item:?}");
    let note = item.note.clone().unwrap_or_default();
    assert!(note.contains("SAS expired"), "{note}");
    println!("paused at {} of {} bytes: {note}", item.done, item.total);

    // The user pastes a fresh SAS (e on the account): the transfer goes on
    // by itself, reusing the blocks already staged.
    let fresh = StorageClient::for_transfers(sas_account(&emu.host, now + 3600)).unwrap();
    e.set_client(0, "sas-acct".into(), Some(fresh));
    tokio::time::timeout(Duration::from_secs(120), e.wait_idle())
        .await
        .unwrap();
    let done = e.sample();
    assert_eq!(done.items[0].status, Status::Done, "{:?}", done.items[0]);
    // Whatever was staged before the pause is not sent again.
    assert!(
        done.reused_bytes >= item.done,
        "staged {} before the pause, reused {}",
        item.done,
        done.reused_bytes
    );
    let back = client(&emu.host)
        .get_range(&container, "big.bin", 0, body.len() as u64, "*")
        .await;
    let back = back.unwrap();
    assert!(
        back.as_ref() == body.as_slice(),
        "the blob differs from the file"
    );
}
