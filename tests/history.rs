//! Snapshots, versions and soft delete against a real Azurite (3.37).
//!
//! What Azurite does (measured): Snapshot Blob, `include=snapshots`, GET/HEAD/
//! DELETE with `?snapshot=`, and Copy Blob from a snapshot URL all work.
//! `include=versions` is accepted but lists no versions (no blob versioning),
//! and `?versionid=` is ignored (it addresses the base blob!), so versions are
//! covered by the parser tests in `src/azure/history.rs`, and a version
//! download here must fail rather than save the base blob's bytes.
//! Snapshot downloads go through the transfer engine (journal, resume, MD5). `include=deleted` is
//! accepted but deletes are permanent, Undelete Blob answers 501, and the
//! delete retention policy is stored but unused.

mod support;

use blobx::app::action::{Action, Command};
use blobx::app::effect::Effect;
use blobx::app::history::{HistoryEffect, execute};
use blobx::app::state::{AccountNode, Location, Mode, State};
use blobx::azure::account::Account;
use blobx::azure::history::{self, HistoryEntry, Qualifier, Retention};
use blobx::azure::ops;
use blobx::azure::{BlobEntry, StorageClient};
use blobx::preview::PreviewBody;
use blobx::transfer::conflict::Conflict;
use blobx::transfer::download::part_path;
use blobx::transfer::engine::{EngineOptions, ItemView};
use blobx::transfer::journal::Journal;
use blobx::transfer::report;
use blobx::transfer::{Endpoint, Engine, ItemSpec, Kind, Status};
use bytes::Bytes;
use std::collections::HashMap;
use std::path::Path;
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::unique;

async fn put(c: &StorageClient, container: &str, blob: &str, body: &'static str) {
    c.put_blob(
        container,
        blob,
        Bytes::from_static(body.as_bytes()),
        Some("text/plain"),
        HashMap::new(),
    )
    .await
    .unwrap();
}

async fn content(c: &StorageClient, container: &str, blob: &str) -> Bytes {
    let size = c.blob_props(container, blob).await.unwrap().size;
    c.get_range(container, blob, 0, size, "").await.unwrap()
}

/// `notes.txt` written three times with a snapshot after the first two, and a
/// neighbour whose name starts the same.
async fn three_states() -> (StorageClient, String, Qualifier, Qualifier) {
    let c = client(&Emulator::shared().host);
    let name = unique("hist");
    fill(
        &c,
        &name,
        vec![
            BlobSpec::new("notes.txt", "first draft"),
            BlobSpec::new("notes.txt.bak", "x"),
        ],
    )
    .await
    .unwrap();
    let s1 = history::take_snapshot(&c, &name, "notes.txt")
        .await
        .unwrap();
    put(&c, &name, "notes.txt", "second draft!").await;
    let s2 = history::take_snapshot(&c, &name, "notes.txt")
        .await
        .unwrap();
    put(&c, &name, "notes.txt", "final text, third").await;
    (c, name, s1, s2)
}

fn past<'a>(h: &'a [HistoryEntry], q: &Qualifier) -> &'a HistoryEntry {
    h.iter()
        .find(|e| e.qualifier.as_ref() == Some(q))
        .unwrap_or_else(|| panic!("{q:?} not in {h:?}"))
}

#[tokio::test]
async fn snapshots_are_taken_and_listed_current_first_newest_next() {
    let (c, name, s1, s2) = three_states().await;
    assert!(matches!(&s1, Qualifier::Snapshot(s) if !s.is_empty()));
    let h = history::list_history(&c, &name, "notes.txt").await.unwrap();
    assert_eq!(h.len(), 3, "the .bak neighbour is not part of it: {h:?}");
    assert!(h[0].is_current());
    assert_eq!(h[0].size, "final text, third".len() as u64);
    assert_eq!(h[1].qualifier.as_ref(), Some(&s2));
    assert_eq!(h[2].qualifier.as_ref(), Some(&s1));
    assert_eq!(h[2].size, "first draft".len() as u64);
    assert!(
        h[2].content_md5.is_some(),
        "Azurite keeps an MD5 per snapshot"
    );
    assert!(!h[2].etag.is_empty());
    // Azurite takes `include=versions` but has no versioning: no versions listed.
    assert!(
        h.iter()
            .all(|e| !matches!(e.qualifier, Some(Qualifier::Version(_)))),
        "Azurite now lists versions: {h:?}"
    );
}

#[tokio::test]
async fn a_snapshot_previews_its_own_content() {
    let (c, name, s1, _) = three_states().await;
    let p = blobx::azure::preview_fetch::preview_at(&c, &name, "notes.txt", Some(&s1))
        .await
        .unwrap();
    assert_eq!(p.body, PreviewBody::Text("first draft".into()));
    let now = blobx::azure::preview_fetch::preview_at(&c, &name, "notes.txt", None)
        .await
        .unwrap();
    assert_eq!(now.body, PreviewBody::Text("final text, third".into()));
}

fn engine(journal: &Path, cap: Option<u64>) -> Engine {
    let c =
        StorageClient::for_transfers(Account::emulator(&Emulator::shared().host).unwrap()).unwrap();
    Engine::new(
        vec![Some(("emulator".into(), c))],
        EngineOptions {
            // One request at a time, so a pause lands between ranges.
            chunks_in_parallel: 1,
            journal: Some(Journal::new(journal)),
            cap,
            ..EngineOptions::default()
        },
    )
}

/// The download of `blob` at `at` to `target`, as `D` in the history pane queues it.
fn past_download(
    container: &str,
    blob: &str,
    at: &Qualifier,
    target: &Path,
    size: u64,
) -> ItemSpec {
    ItemSpec {
        kind: Kind::Download,
        source: Endpoint::Blob {
            account: 0,
            container: container.into(),
            name: blob.into(),
            at: Some(at.clone()),
        },
        target: Endpoint::Local(target.to_path_buf()),
        size,
    }
}

async fn run(engine: &Engine, spec: ItemSpec, conflict: Conflict) -> ItemView {
    let id = engine.enqueue(vec![spec], conflict)[0];
    engine.wait_idle().await;
    engine
        .sample()
        .items
        .into_iter()
        .find(|i| i.id == id)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_downloads_through_the_engine_md5_checked_and_never_over_a_file() {
    let (c, name, s1, _) = three_states().await;
    let h = history::list_history(&c, &name, "notes.txt").await.unwrap();
    let entry = past(&h, &s1).clone();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let engine = engine(&journal, None);
    let target = history::download_target(dir.path(), "notes.txt");
    let item = run(
        &engine,
        past_download(&name, "notes.txt", &s1, &target, entry.size),
        Conflict::Skip,
    )
    .await;
    assert_eq!(item.status, Status::Done, "{item:?}");
    // The snapshot's bytes, not the current blob's ("final text, third").
    assert_eq!(std::fs::read(&target).unwrap(), b"first draft");
    assert!(!part_path(&target).exists(), "no .part left behind");
    assert!(Journal::new(&journal).pending().is_empty());
    // Checked against the snapshot's own MD5, which the current blob does not have.
    assert!(entry.content_md5.is_some());
    assert_eq!(item.checksum, entry.content_md5);
    assert_ne!(item.checksum, h[0].content_md5);
    // The transfers pane and the report say it is a snapshot.
    assert_eq!(item.name, format!("notes.txt @ {}", s1.describe()));
    assert!(
        item.source
            .ends_with(&format!("notes.txt @ {}", s1.describe())),
        "{}",
        item.source
    );
    let csv = String::from_utf8(report::to_csv(&[item]).unwrap()).unwrap();
    assert!(csv.contains(&format!("@ {}", s1.describe())), "{csv}");

    // The target exists now: skipped, and the file is untouched.
    let again = run(
        &engine,
        past_download(&name, "notes.txt", &s1, &target, entry.size),
        Conflict::Skip,
    )
    .await;
    assert!(matches!(again.status, Status::Skipped(_)), "{again:?}");
    assert_eq!(std::fs::read(&target).unwrap(), b"first draft");

    // Nothing is ever written to a snapshot: refused in words, the blob unchanged.
    let src = dir.path().join("new.txt");
    std::fs::write(&src, "overwrite?").unwrap();
    let up = run(
        &engine,
        ItemSpec {
            kind: Kind::Upload,
            source: Endpoint::Local(src),
            target: Endpoint::Blob {
                account: 0,
                container: name.clone(),
                name: "notes.txt".into(),
                at: Some(s1.clone()),
            },
            size: 10,
        },
        Conflict::Overwrite,
    )
    .await;
    match &up.status {
        Status::Failed(why) => assert!(why.contains("cannot be written to"), "{why}"),
        other => panic!("{other:?}"),
    }
    let copy = run(
        &engine,
        ItemSpec {
            kind: Kind::Copy,
            source: Endpoint::blob(0, name.clone(), "notes.txt.bak"),
            target: Endpoint::Blob {
                account: 0,
                container: name.clone(),
                name: "notes.txt".into(),
                at: Some(s1.clone()),
            },
            size: 1,
        },
        Conflict::Overwrite,
    )
    .await;
    assert!(
        matches!(&copy.status, Status::Failed(why) if why.contains("cannot be written to")),
        "{copy:?}"
    );
    assert_eq!(
        &content(&c, &name, "notes.txt").await[..],
        b"final text, third"
    );
    assert_eq!(
        &blobx::azure::preview_fetch::preview_at(&c, &name, "notes.txt", Some(&s1))
            .await
            .unwrap()
            .body,
        &PreviewBody::Text("first draft".into())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_paused_snapshot_download_resumes_from_the_journal() {
    let c = client(&Emulator::shared().host);
    let name = unique("histresume");
    c.ensure_container(&name).await.unwrap();
    // Three ranged reads (8 + 8 + 4 MiB).
    let big: Vec<u8> = (0..20u32 << 20).map(|i| (i % 251) as u8).collect();
    c.put_blob(
        &name,
        "big.bin",
        Bytes::from(big.clone()),
        None,
        HashMap::new(),
    )
    .await
    .unwrap();
    let sb = history::take_snapshot(&c, &name, "big.bin").await.unwrap();
    put(&c, &name, "big.bin", "small now").await;

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let target = dir.path().join("big.bin");
    // Capped, so the pause lands while the second range waits its turn.
    let first = engine(&journal, Some(4 << 20));
    let id = first.enqueue(
        vec![past_download(
            &name,
            "big.bin",
            &sb,
            &target,
            big.len() as u64,
        )],
        Conflict::Skip,
    )[0];
    while first.sample().items[0].done == 0 {
        assert!(
            !first.sample().items[0].status.is_finished(),
            "{:?}",
            first.sample().items[0]
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    first.pause(id);
    first.wait_idle().await;
    let paused = first.sample().items[0].clone();
    assert_eq!(paused.status, Status::Paused, "{paused:?}");
    assert!(!target.exists(), "nothing under the final name yet");
    let kept = std::fs::metadata(part_path(&target)).unwrap().len();
    assert!(kept > 0 && kept < big.len() as u64, "{kept}");
    drop(first);

    // What a restart finds, and queues again as `ResumeUnfinished` does.
    let pending = Journal::new(&journal).pending();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(
        pending[0].at.as_ref(),
        Some(&sb),
        "the journal keeps the snapshot"
    );
    let spec = pending[0].to_spec(0).unwrap();
    assert_eq!(spec.source.at(), Some(&sb));
    let second = engine(&journal, None);
    let item = run(&second, spec, Conflict::Overwrite).await;
    assert_eq!(item.status, Status::Done, "{item:?}");
    let snap = second.sample();
    assert_eq!(
        snap.reused_bytes, kept,
        "the .part was continued, not fetched again"
    );
    assert_eq!(snap.sent_bytes, big.len() as u64 - kept);
    assert!(
        std::fs::read(&target).unwrap() == big,
        "the snapshot's bytes"
    );
    assert!(!part_path(&target).exists());
    assert!(Journal::new(&journal).pending().is_empty());
    eprintln!(
        "resumed snapshot download: {kept} bytes kept from the .part, {} fetched",
        snap.sent_bytes
    );
}

/// Azurite ignores `?versionid=` and answers for the current blob: the
/// download must fail in words rather than save the current bytes as the old version.
#[tokio::test(flavor = "multi_thread")]
async fn a_version_the_service_does_not_answer_for_downloads_nothing() {
    let (_c, name, _, _) = three_states().await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let target = dir.path().join("old.txt");
    let v = Qualifier::Version("2026-11-19T08:00:00.0000000Z".into());
    let item = run(
        &engine(&journal, None),
        past_download(&name, "notes.txt", &v, &target, 11),
        Conflict::Skip,
    )
    .await;
    match &item.status {
        Status::Failed(why) => {
            assert!(why.contains("did not confirm version"), "{why}");
            assert!(why.contains("nothing was downloaded"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!target.exists() && !part_path(&target).exists());
    assert!(Journal::new(&journal).pending().is_empty());
    assert_eq!(item.name, format!("notes.txt @ {}", v.describe()));
}

/// The same check as downloads: a preview of a version the service did not
/// name in its answer (Azurite ignores `?versionid=`) is refused in words
/// instead of showing the current blob's bytes as the old version's.
#[tokio::test]
async fn a_version_the_service_does_not_answer_for_is_not_previewed() {
    let (c, name, _, _) = three_states().await;
    let v = Qualifier::Version("2026-11-19T08:00:00.0000000Z".into());
    let err = blobx::azure::preview_fetch::preview_at(&c, &name, "notes.txt", Some(&v))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("did not confirm version"), "{err}");
    assert!(err.contains("nothing was previewed"), "{err}");
}

#[tokio::test]
async fn promote_copies_the_snapshot_onto_the_blob_and_keeps_the_snapshots() {
    let (c, name, s1, s2) = three_states().await;
    let h = history::list_history(&c, &name, "notes.txt").await.unwrap();
    history::promote(&c, &name, "notes.txt", past(&h, &s1))
        .await
        .unwrap();
    assert_eq!(&content(&c, &name, "notes.txt").await[..], b"first draft");
    let after = history::list_history(&c, &name, "notes.txt").await.unwrap();
    assert_eq!(after.len(), 3);
    assert_eq!(after[0].size, 11);
    past(&after, &s1);
    past(&after, &s2);
    // The current entry cannot be "promoted": refused before anything is sent.
    let err = history::promote(&c, &name, "notes.txt", &after[0])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("current"), "{err}");
}

#[tokio::test]
async fn deleting_a_snapshot_leaves_the_blob_and_the_other_snapshot() {
    let (c, name, s1, s2) = three_states().await;
    history::delete_past(&c, &name, "notes.txt", &s2)
        .await
        .unwrap();
    let h = history::list_history(&c, &name, "notes.txt").await.unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert!(h[0].is_current());
    assert_eq!(h[1].qualifier.as_ref(), Some(&s1));
    assert_eq!(
        &content(&c, &name, "notes.txt").await[..],
        b"final text, third"
    );
    // An empty id would address the base blob: refused, nothing sent.
    let err = history::delete_past(&c, &name, "notes.txt", &Qualifier::Snapshot(" ".into()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no snapshot"), "{err}");
    assert!(c.blob_exists(&name, "notes.txt").await.unwrap().is_some());
    // Azurite ignores `?versionid=` (it would delete the base blob): refused.
    let err = history::delete_past(
        &c,
        &name,
        "notes.txt",
        &Qualifier::Version("2026-11-20T08:00:00.0000000Z".into()),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("did not confirm version"), "{err}");
    assert!(c.blob_exists(&name, "notes.txt").await.unwrap().is_some());
}

#[tokio::test]
async fn soft_delete_on_azurite_is_reported_as_unsupported() {
    let c = client(&Emulator::shared().host);
    let name = unique("hist");
    fill(&c, &name, vec![BlobSpec::new("gone.txt", "bye")])
        .await
        .unwrap();
    ops::delete_blob(&c, &name, "gone.txt", true).await.unwrap();
    let found = history::deleted_here(&c, &name, "").await.unwrap();
    assert!(matches!(found.retention, Retention::Unsupported(_)));
    assert!(found.blobs.is_empty());
    assert!(
        found
            .retention
            .note(0)
            .contains("does not support soft delete"),
        "{}",
        found.retention.note(0)
    );
    // The request itself is accepted; Azurite simply keeps nothing.
    assert!(
        history::list_deleted_in(&c, &name, "")
            .await
            .unwrap()
            .is_empty()
    );
    let err = ops::undelete(&c, &name, "gone.txt").await.unwrap_err();
    assert_eq!(err.status(), Some(501));
}

/// Runs effects the way the runner does, feeding results back until quiet.
async fn settle(s: &mut State, c: &StorageClient, mut effects: Vec<Effect>) {
    while let Some(effect) = effects.pop() {
        if let Effect::History(h) = effect {
            let event = execute(c, h).await;
            effects.extend(s.update(Action::History(event)));
        }
    }
}

#[tokio::test]
async fn from_the_keyboard_v_lists_n_snapshots_and_the_pane_follows() {
    let host = Emulator::shared().host.clone();
    let c = client(&host);
    let name = unique("hist");
    fill(&c, &name, vec![BlobSpec::new("doc.txt", "hello")])
        .await
        .unwrap();
    let mut s = State::new(vec![AccountNode::new(
        blobx::azure::Account::emulator(&host).unwrap(),
    )]);
    s.location = Location::Blobs {
        account: 0,
        container: name.clone(),
        prefix: String::new(),
    };
    s.reload();
    let g = s.listing.generation;
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![BlobEntry {
            name: "doc.txt".into(),
            is_prefix: false,
            size: 5,
            last_modified: None,
            access_tier: None,
            content_type: None,
        }]),
        done: true,
    });
    let fx = s.update(Action::Command(Command::History));
    assert_eq!(s.mode(), Mode::History);
    settle(&mut s, &c, fx).await;
    let entries = |s: &State| s.history().unwrap().entries.clone().unwrap().unwrap();
    assert_eq!(entries(&s).len(), 1);
    let fx = s.update(Action::Command(Command::HistorySnapshot));
    settle(&mut s, &c, fx).await;
    assert_eq!(entries(&s).len(), 2, "the pane reads the history again");
    assert!(
        s.status.as_ref().unwrap().text.contains("Took a snapshot"),
        "{:?}",
        s.status
    );
    // Preview the snapshot (second row) beside the pane.
    s.update(Action::Command(Command::Down));
    let fx = s.update(Action::Command(Command::Preview));
    settle(&mut s, &c, fx).await;
    let preview = s.preview.clone().unwrap();
    assert!(preview.blob.contains("@ snapshot"), "{}", preview.blob);
    assert_eq!(
        preview.result.unwrap().unwrap().body,
        PreviewBody::Text("hello".into())
    );
    // Esc closes the pane and the preview.
    s.update(Action::Command(Command::Cancel));
    assert!(s.history().is_none() && s.preview.is_none());
    assert_eq!(s.mode(), Mode::Normal);

    // U on Azurite: says soft delete is unsupported instead of an empty list.
    let fx = s.update(Action::Command(Command::ShowDeleted));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::History(HistoryEffect::ListDeleted { .. })))
    );
    settle(&mut s, &c, fx).await;
    let status = s.status.clone().unwrap();
    assert!(
        status.text.contains("does not support soft delete"),
        "{}",
        status.text
    );
}

#[tokio::test]
async fn the_demo_blob_has_two_snapshots() {
    let c = client(&Emulator::shared().host);
    fill(&c, "datasets", Vec::new()).await.unwrap();
    support::sample::seed_history(&c).await.unwrap();
    let h = history::list_history(&c, "datasets", "curated/prices.csv")
        .await
        .unwrap();
    let snapshots = h
        .iter()
        .filter(|e| matches!(e.qualifier, Some(Qualifier::Snapshot(_))))
        .count();
    assert_eq!((h.len(), snapshots), (3, 2), "{h:?}");
}
