//! The TUI's bulk change (`=` on marked blobs) against Azurite: the job
//! (`transfer::changes`) sets exactly what the form names on every blob and
//! leaves the rest (other headers, Content-MD5, metadata, tags, content) as it
//! was, checked with the official SDK; a leased blob is reported with the
//! service's reason; cancel stops what has not started and a rerun finishes
//! the rest; a fault proxy changes nothing of that; and the real binary,
//! killed -9 mid-job, leaves no blob with anything lost, and the same job run
//! again completes it.

mod support;

use azure_core::http::headers::HeaderName;
use blobx::azure::StorageClient;
use blobx::azure::bulk::{BlobChange, MetadataEdit, TagEdit};
use blobx::azure::ops::{self, AccessTier, HeaderEdit};
use blobx::azure::tags;
use blobx::transfer::changes::{self, BulkJob};
use blobx::transfer::{Engine, EngineOptions, Kind, Status};
use support::emulator::Emulator;
use support::fault_proxy::FaultProxy;
use support::pty::Tui;
use support::sdk::sdk;
use support::seed::{BlobSpec, client, fill};
use support::unique;

fn engine(c: &StorageClient) -> Engine {
    Engine::new(
        vec![Some(("emulator".into(), c.clone()))],
        EngineOptions {
            journal: None,
            ..Default::default()
        },
    )
}

fn change() -> BlobChange {
    BlobChange {
        headers: HeaderEdit {
            cache_control: Some("max-age=60".into()),
            content_language: Some("en".into()),
            ..Default::default()
        },
        metadata: MetadataEdit {
            set: vec![("stage".into(), "clean".into())],
            remove: vec!["old".into()],
        },
        tags: TagEdit::Merge {
            set: vec![("project".into(), "churn".into())],
            remove: vec![],
        },
    }
}

fn body(i: usize) -> String {
    format!("row,{i}\n")
}

/// `n` blobs under d/ with a content type, a disposition, metadata src and
/// old, and a tag keep=1; their Content-MD5s.
async fn seed(c: &StorageClient, container: &str, n: usize) -> Vec<(String, u64)> {
    let blobs = (0..n)
        .map(|i| {
            BlobSpec::new(format!("d/{i:04}.csv"), body(i))
                .meta("src", "seed")
                .meta("old", "x")
        })
        .collect();
    fill(c, container, blobs).await.unwrap();
    let names: Vec<(String, u64)> = (0..n)
        .map(|i| (format!("d/{i:04}.csv"), body(i).len() as u64))
        .collect();
    let seeding = BlobChange {
        headers: HeaderEdit {
            content_disposition: Some("inline".into()),
            ..Default::default()
        },
        tags: TagEdit::Replace(vec![("keep".into(), "1".into())]),
        ..Default::default()
    };
    let report = blobx::azure::bulk::each_blob(&names, |name| {
        let seeding = &seeding;
        async move {
            seeding
                .apply(c, container, &name)
                .await
                .map_err(|e| e.to_string())
        }
    })
    .await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    names
}

/// What a blob has, read with the official SDK (headers, metadata, body)
/// and blobx (Content-MD5, tier, tags).
#[derive(Debug)]
struct Seen {
    cache_control: Option<String>,
    language: Option<String>,
    content_type: Option<String>,
    disposition: Option<String>,
    md5: Option<String>,
    src: Option<String>,
    old: Option<String>,
    stage: Option<String>,
    body: Vec<u8>,
    tier: Option<String>,
    tags: Vec<(String, String)>,
}

async fn seen(host: &str, c: &StorageClient, container: &str, name: &str) -> Seen {
    let r = sdk(host)
        .blob_container_client(container)
        .blob_client(name)
        .download(None)
        .await
        .unwrap();
    let get = |h: &'static str| {
        r.headers
            .get_optional_str(&HeaderName::from_static(h))
            .map(str::to_string)
    };
    let (cache_control, language, content_type, disposition, src, old, stage) = (
        get("cache-control"),
        get("content-language"),
        get("content-type"),
        get("content-disposition"),
        get("x-ms-meta-src"),
        get("x-ms-meta-old"),
        get("x-ms-meta-stage"),
    );
    let body = r.body.collect().await.unwrap().to_vec();
    let head = ops::head_blob(c, container, name).await.unwrap();
    let mut tags = tags::get_tags(c, container, name).await.unwrap();
    tags.sort();
    Seen {
        cache_control,
        language,
        content_type,
        disposition,
        src,
        old,
        stage,
        body,
        // A full GET does not carry it here; Get Blob Properties does.
        md5: head.headers.content_md5,
        tier: head.tier.tier,
        tags,
    }
}

fn md5_of(i: usize) -> String {
    use base64::Engine as _;
    use md5::{Digest, Md5};
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(body(i).as_bytes()))
}

/// What the change does not name is as seeded.
fn kept(s: &Seen, i: usize) {
    assert_eq!(s.content_type.as_deref(), Some("text/csv"), "{i}: {s:?}");
    assert_eq!(s.disposition.as_deref(), Some("inline"), "{i}: {s:?}");
    assert_eq!(s.md5.as_deref(), Some(md5_of(i).as_str()), "{i}: {s:?}");
    assert_eq!(s.src.as_deref(), Some("seed"), "{i}: {s:?}");
    assert_eq!(s.body, body(i).as_bytes(), "{i}");
    assert!(s.tags.contains(&("keep".into(), "1".into())), "{i}: {s:?}");
}

/// What the change names is set.
fn changed(s: &Seen, i: usize) -> bool {
    s.cache_control.as_deref() == Some("max-age=60")
        && s.language.as_deref() == Some("en")
        && s.stage.as_deref() == Some("clean")
        && s.old.is_none()
        && s.tags.contains(&("project".into(), "churn".into()))
        && {
            kept(s, i);
            true
        }
}

/// What the change names is not set at all.
fn untouched(s: &Seen, i: usize) -> bool {
    s.cache_control.is_none()
        && s.language.is_none()
        && s.stage.is_none()
        && s.old.as_deref() == Some("x")
        && s.tags == [("keep".to_string(), "1".to_string())]
        && {
            kept(s, i);
            true
        }
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_change_sets_only_what_is_named_and_reports_a_leased_blob() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("bulkform");
    let blobs = seed(&c, &container, 40).await;
    let leased = blobs[7].0.clone();
    ops::acquire_blob_lease(&c, &container, &leased, None)
        .await
        .unwrap();
    let engine = engine(&c);
    let job = BulkJob::Apply {
        tier: Some(AccessTier::Cool),
        change: change(),
    };
    let report = changes::run(&engine, &c, 0, &container, &blobs, &job).await;
    assert_eq!(report.done, 39, "{:?}", report.failed);
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert_eq!(report.failed[0].0, leased);
    assert!(
        report.failed[0].1.to_lowercase().contains("lease"),
        "the service's reason: {:?}",
        report.failed
    );
    // The transfers pane: one row per blob, the leased one failed with the reason.
    let snap = engine.sample();
    assert_eq!(snap.items.len(), 40);
    assert!(snap.items.iter().all(|i| i.kind == Kind::Change));
    let failed: Vec<_> = snap
        .items
        .iter()
        .filter(|i| matches!(i.status, Status::Failed(_)))
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].name.ends_with("0007.csv"), "{:?}", failed[0]);
    assert_eq!(snap.count(|s| *s == Status::Done), 39);
    assert!(!snap.active());

    for (i, (name, _)) in blobs.iter().enumerate() {
        let s = seen(&emu.host, &c, &container, name).await;
        if *name == leased {
            // Its tier changed (a lease does not guard the tier); nothing else.
            assert!(untouched(&s, i), "{name}: {s:?}");
        } else {
            assert!(changed(&s, i), "{name}: {s:?}");
            assert_eq!(s.tier.as_deref(), Some("Cool"), "{name}");
        }
    }
    ops::break_blob_lease(&c, &container, &leased)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_stops_what_has_not_started_and_a_rerun_finishes_it() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("bulkcancel");
    let blobs = seed(&c, &container, 300).await;
    let engine = engine(&c);
    let job = BulkJob::Apply {
        tier: None,
        change: change(),
    };
    let run = {
        let (engine, c, container, blobs, job) = (
            engine.clone(),
            c.clone(),
            container.clone(),
            blobs.clone(),
            job.clone(),
        );
        tokio::spawn(async move { changes::run(&engine, &c, 0, &container, &blobs, &job).await })
    };
    // Cancel (x on any row) as soon as some are done.
    loop {
        let snap = engine.sample();
        if snap.count(|s| *s == Status::Done) >= 5 {
            engine.cancel(snap.items[0].id);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let report = run.await.unwrap();
    let snap = engine.sample();
    let cancelled = snap.count(|s| *s == Status::Cancelled);
    assert!(cancelled > 0, "cancel stopped nothing: {report:?}");
    assert_eq!(report.done + cancelled, 300, "{:?}", report.failed);
    // Every blob is changed or untouched: nothing half-written.
    let mut done = 0;
    for (i, (name, _)) in blobs.iter().enumerate() {
        let s = seen(&emu.host, &c, &container, name).await;
        if changed(&s, i) {
            done += 1;
        } else {
            assert!(untouched(&s, i), "{name}: {s:?}");
        }
    }
    assert_eq!(done, report.done);
    println!("cancelled after {done} of 300");

    // The same job again: the rest changes, the changed ones stay as they are.
    let again = changes::run(&engine, &c, 0, &container, &blobs, &job).await;
    assert_eq!(again.done, 300, "{:?}", again.failed);
    for (i, (name, _)) in blobs.iter().enumerate() {
        let s = seen(&emu.host, &c, &container, name).await;
        assert!(changed(&s, i), "{name}: {s:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_change_through_a_fault_proxy_changes_exactly_the_same() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("bulkfault");
    let blobs = seed(&c, &container, 120).await;
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 20261130, 20).await;
    // As the TUI runs a bulk job: with the transfers' harder retries.
    let flaky = StorageClient::for_transfers(client(&proxy.host).account().clone()).unwrap();
    let engine = engine(&flaky);
    let job = BulkJob::Apply {
        tier: Some(AccessTier::Cold),
        change: change(),
    };
    let report = changes::run(&engine, &flaky, 0, &container, &blobs, &job).await;
    println!("fault proxy: {}", proxy.counters.summary());
    assert!(proxy.counters.faults() > 0, "the proxy broke something");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.done, 120);
    for (i, (name, _)) in blobs.iter().enumerate() {
        let s = seen(&emu.host, &c, &container, name).await;
        assert!(changed(&s, i), "{name}: {s:?}");
        assert_eq!(s.tier.as_deref(), Some("Cold"), "{name}");
    }

    // Delete through the proxy too: exactly the set goes.
    let report = changes::run(
        &engine,
        &flaky,
        0,
        &container,
        &blobs[..60],
        &BulkJob::Delete,
    )
    .await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let left: Vec<String> = ops::list_flat(&c, &container, "")
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let expected: Vec<String> = blobs[60..].iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(left, expected);
}

/// Marks every blob in the TUI, fills the form (cache control, language,
/// metadata, tags) and starts the job.
fn start_in_tui(tui: &mut Tui, n: usize) {
    tui.wait_text(&format!("{n} items"));
    tui.send("*");
    tui.wait_text(&format!("{n} marked"));
    tui.send("=");
    tui.wait_text("Index tags");
    tui.send("\t\t\t");
    tui.type_text("max-age=60");
    tui.send("\t\t\t");
    tui.type_text("en");
    tui.send("\t");
    tui.type_text("stage=clean; -old");
    tui.send("\t");
    tui.type_text("project=churn");
    tui.send("\r");
    tui.wait_text("Enter starts it");
    tui.send("\r");
}

#[tokio::test(flavor = "multi_thread")]
async fn tui_bulk_change_killed_mid_job_loses_nothing_and_runs_again() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("bulkkill");
    let n = 600;
    let blobs = seed(&c, &container, n).await;
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/d/");
    let args = ["--emulator", emu.host.as_str(), uri.as_str()];

    let mut tui = Tui::spawn(&args, &[], dir.path(), 120, 40);
    start_in_tui(&mut tui, n);
    tui.wait_for("the first blobs done", |s| {
        s.contains("✎") && s.contains("done")
    });
    let pid = tui.pid().expect("pid") as i32;
    // SAFETY: a plain kill(2) on the child this test started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    tui.wait_exit();

    let (mut done, mut none) = (0, 0);
    for (i, (name, _)) in blobs.iter().enumerate() {
        let s = seen(&emu.host, &c, &container, name).await;
        // Headers, Content-MD5, other metadata, tags and body are never lost;
        // a blob killed between its requests may have only some of the change.
        kept(&s, i);
        if changed(&s, i) {
            done += 1;
        } else if untouched(&s, i) {
            none += 1;
        }
    }
    println!(
        "killed with {done} of {n} changed, {none} untouched, {} part-way",
        n - done - none
    );
    assert!(done > 0, "the kill came before any change");

    // The same job, run again from the TUI: every blob ends changed.
    let mut tui = Tui::spawn(&args, &[], dir.path(), 120, 40);
    start_in_tui(&mut tui, n);
    tui.wait_text(") changed (");
    tui.send("\x03");
    for (i, (name, _)) in blobs.iter().enumerate() {
        let s = seen(&emu.host, &c, &container, name).await;
        assert!(changed(&s, i), "{name}: {s:?}");
    }
}
