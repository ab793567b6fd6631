//! Resuming after a restart against Azurite: each item says what it reused
//! and what it must send again, instead of promising reuse and quietly
//! starting from 0%. The journal is written as an earlier run left it; the
//! items are queued the way the TUI's "resume" answer queues them.

mod support;

use blobx::azure::StorageClient;
use blobx::azure::account::Account;
use blobx::azure::blob_io::block_id;
use blobx::transfer::conflict::Conflict;
use blobx::transfer::download::{CHUNK, part_path};
use blobx::transfer::engine::{EngineOptions, ItemView};
use blobx::transfer::journal::{Entry, Journal};
use blobx::transfer::upload::{BLOCK_SIZE, block_size_for, mtime_stamp};
use blobx::transfer::{Engine, Snapshot, Status};
use md5::{Digest, Md5};
use std::path::Path;
use support::emulator::Emulator;
use support::rng::Rng;
use support::seed::client;
use support::unique;

const MIB: u64 = 1 << 20;

fn bytes(len: u64, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed | 1);
    (0..len).map(|_| rng.next() as u8).collect()
}

/// What the TUI does on "y": every journal entry queued again, overwriting
/// its own partial state.
async fn resume_all(host: &str, journal: &Path) -> Snapshot {
    let c = StorageClient::for_transfers(Account::emulator(host).unwrap()).unwrap();
    let engine = Engine::new(
        vec![Some(("emulator".into(), c))],
        EngineOptions {
            journal: Some(Journal::new(journal)),
            ..EngineOptions::default()
        },
    );
    let specs = Journal::new(journal)
        .pending()
        .iter()
        .filter_map(|e| e.to_spec(0))
        .collect();
    engine.enqueue(specs, Conflict::Overwrite);
    engine.wait_idle().await;
    engine.sample()
}

fn row<'a>(snap: &'a Snapshot, name: &str) -> &'a ItemView {
    snap.items
        .iter()
        .find(|i| i.name == name || i.target.ends_with(name))
        .unwrap_or_else(|| panic!("no row {name}: {snap:#?}"))
}

fn note(item: &ItemView) -> &str {
    item.note.as_deref().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_upload_says_whether_the_service_still_had_its_blocks() {
    let emu = Emulator::shared();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let container = unique("resume-up");
    let c = client(&emu.host);
    c.ensure_container(&container).await.unwrap();
    // Three blocks and a bit.
    let size = 3 * BLOCK_SIZE + 100;
    let data = bytes(size, 7);
    let path = dir.path().join("big.bin");
    std::fs::write(&path, &data).unwrap();
    let meta = std::fs::metadata(&path).unwrap();
    let block = block_size_for(size);
    let entry = |blob: &str| Entry {
        kind: "upload".into(),
        local: path.display().to_string(),
        account: "emulator".into(),
        container: container.clone(),
        blob: blob.into(),
        size,
        stamp: mtime_stamp(&meta),
        block_size: block,
        at: None,
        record_mtime_ms: None,
    };
    let j = Journal::new(&journal);
    // The earlier run staged two blocks of kept.bin; gone.bin's blocks are
    // not on this service (expired, or a fresh emulator).
    j.save(&entry("kept.bin")).unwrap();
    j.save(&entry("gone.bin")).unwrap();
    for i in 0..2 {
        let chunk = &data[(i * block) as usize..((i + 1) * block) as usize];
        c.put_block(
            &container,
            "kept.bin",
            &block_id(block, i),
            bytes::Bytes::copy_from_slice(chunk),
            &Md5::digest(chunk),
        )
        .await
        .unwrap();
    }

    let snap = resume_all(&emu.host, &journal).await;
    let kept = row(&snap, "kept.bin");
    let gone = row(&snap, "gone.bin");
    assert_eq!(kept.status, Status::Done, "{kept:?}");
    assert_eq!(gone.status, Status::Done, "{gone:?}");
    assert!(
        note(kept).starts_with("reused 8 MiB already on the service; 4.00 MiB to send"),
        "{}",
        note(kept)
    );
    assert!(
        note(gone).starts_with("starts again: the service no longer holds the blocks sent before"),
        "{}",
        note(gone)
    );
    // What the notes say is what happened on the wire.
    assert_eq!(snap.reused_bytes, 2 * block);
    assert_eq!(snap.sent_bytes, (size - 2 * block) + size);
    let md5 = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        Md5::digest(&data),
    );
    for blob in ["kept.bin", "gone.bin"] {
        let props = c.blob_props(&container, blob).await.unwrap();
        assert_eq!(props.content_md5.as_deref(), Some(md5.as_str()), "{blob}");
    }
    assert!(j.pending().is_empty(), "finished: out of the journal");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_download_says_what_its_part_file_held() {
    let emu = Emulator::shared();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let container = unique("resume-down");
    let c = client(&emu.host);
    c.ensure_container(&container).await.unwrap();
    let size = 20 * MIB + 5;
    let data = bytes(size, 11);
    c.put_blob_bytes(
        &container,
        "data.bin",
        bytes::Bytes::from(data.clone()),
        "application/octet-stream",
        &Md5::digest(&data),
    )
    .await
    .unwrap();
    let etag = c.blob_props(&container, "data.bin").await.unwrap().etag;
    let j = Journal::new(&journal);
    let entry = |target: &Path| Entry {
        kind: "download".into(),
        local: target.display().to_string(),
        account: "emulator".into(),
        container: container.clone(),
        blob: "data.bin".into(),
        size,
        stamp: etag.clone(),
        block_size: CHUNK,
        at: None,
        record_mtime_ms: None,
    };
    // kept/: the earlier run wrote the first 8 MiB; lost/: its .part is gone.
    let kept = dir.path().join("kept").join("data.bin");
    let lost = dir.path().join("lost").join("data.bin");
    std::fs::create_dir_all(kept.parent().unwrap()).unwrap();
    std::fs::write(part_path(&kept), &data[..(8 * MIB) as usize]).unwrap();
    j.save(&entry(&kept)).unwrap();
    j.save(&entry(&lost)).unwrap();

    let snap = resume_all(&emu.host, &journal).await;
    let kept_row = row(&snap, "kept/data.bin");
    let lost_row = row(&snap, "lost/data.bin");
    assert_eq!(kept_row.status, Status::Done, "{kept_row:?}");
    assert_eq!(lost_row.status, Status::Done, "{lost_row:?}");
    assert_eq!(
        note(kept_row),
        "reused 8 MiB from the .part file; 12.00 MiB to fetch"
    );
    assert!(
        note(lost_row).starts_with("starts again: the .part file of the last run is gone"),
        "{}",
        note(lost_row)
    );
    assert_eq!(snap.reused_bytes, 8 * MIB);
    assert_eq!(snap.sent_bytes, (size - 8 * MIB) + size);
    assert_eq!(std::fs::read(&kept).unwrap(), data);
    assert_eq!(std::fs::read(&lost).unwrap(), data);
}

/// `c` then `S` in the transfers pane: the runner writes the cap into
/// config.toml, keeping what the user wrote there, and says so.
#[tokio::test]
async fn a_cap_kept_for_the_next_start_lands_in_config_toml() {
    use blobx::app::action::Action;
    use blobx::app::effect::Effect;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let mine = "# mine\nreadonly = false\n\n[emulator]\nhost = \"http://127.0.0.1:11000\"\n";
    std::fs::write(&path, mine).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = blobx::app::tasks::Runner::new(Vec::new(), None, tx);
    runner.config_path = Some(path.clone());
    runner.run(Effect::SaveCap(80));
    let what = loop {
        match rx.recv().await {
            Some(Action::Saved { what, result }) => break result.map(|()| what),
            Some(_) => continue,
            None => panic!("the runner stopped"),
        }
    };
    assert!(what.unwrap().starts_with("cap_mbps = 80 to "));
    let config = blobx::config::Config::load(Some(dir.path()));
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    assert_eq!(config.settings.cap_mbps, Some(80));
    assert_eq!(config.settings.emulator.host, "http://127.0.0.1:11000");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        mine.replace("readonly = false\n", "readonly = false\ncap_mbps = 80\n")
    );
}
