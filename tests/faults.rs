//! Reliability under a misbehaving network: a proxy between blobx and Azurite
//! breaks at least 10% of requests (500, 503 + Retry-After, resets, truncated
//! bodies) on a seeded schedule. Transfers must still finish byte-identical,
//! with nothing partial under a final name, and listings must return every
//! name exactly once. The figures are printed for the README.

mod support;

use blobx::azure::{Account, StorageClient};
use blobx::transfer::conflict::Conflict;
use blobx::transfer::download::part_path;
use blobx::transfer::engine::EngineOptions;
use blobx::transfer::{Endpoint, Engine, ItemSpec, Kind, Status};
use md5::{Digest, Md5};
use std::collections::HashSet;
use support::emulator::Emulator;
use support::fault_proxy::FaultProxy;
use support::seed::{BlobSpec, client, fill};
use support::unique;

const SEED: u64 = 20261123;

fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_hundred_files_survive_a_flaky_network() {
    let emu = Emulator::shared();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), SEED, 15).await;
    let flaky = StorageClient::for_transfers(Account::emulator(&proxy.host).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::new(
        vec![Some(("emulator".into(), flaky))],
        EngineOptions {
            journal: Some(blobx::transfer::journal::Journal::new(
                dir.path().join("journal"),
            )),
            ..EngineOptions::default()
        },
    );
    let container = unique("faults");
    client(&emu.host)
        .ensure_container(&container)
        .await
        .unwrap();

    // Mixed sizes: mostly small, some multi-block, one of 64 MiB.
    let mut specs = Vec::new();
    let mut digests = Vec::new();
    let mut total = 0u64;
    for i in 0..200usize {
        let size = match i {
            0 => 64 << 20,
            1..=9 => (i << 20) * 2 + 7,
            _ => (i * 977) % 70_000,
        };
        let data = bytes(size, i as u64 + 1);
        digests.push(Md5::digest(&data));
        total += size as u64;
        let path = dir.path().join(format!("src/{i:03}.bin"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &data).unwrap();
        specs.push(ItemSpec {
            kind: Kind::Upload,
            source: Endpoint::Local(path),
            target: Endpoint::Blob {
                account: 0,
                container: container.clone(),
                name: format!("f/{i:03}.bin"),
                at: None,
            },
            size: size as u64,
        });
    }
    engine.enqueue(specs, Conflict::Skip);
    engine.wait_idle().await;
    let up = engine.sample();
    let failed: Vec<_> = up
        .items
        .iter()
        .filter(|i| i.status != Status::Done)
        .collect();
    assert!(failed.is_empty(), "uploads that did not finish: {failed:?}");
    let after_upload = proxy.counters.summary();

    let mut specs = Vec::new();
    for i in 0..200usize {
        specs.push(ItemSpec {
            kind: Kind::Download,
            source: Endpoint::Blob {
                account: 0,
                container: container.clone(),
                name: format!("f/{i:03}.bin"),
                at: None,
            },
            target: Endpoint::Local(dir.path().join(format!("dst/{i:03}.bin"))),
            size: 0,
        });
    }
    engine.enqueue(specs, Conflict::Skip);
    engine.wait_idle().await;
    let down = engine.sample();
    let failed: Vec<_> = down
        .items
        .iter()
        .filter(|i| i.kind == Kind::Download && i.status != Status::Done)
        .collect();
    assert!(
        failed.is_empty(),
        "downloads that did not finish: {failed:?}"
    );

    // Byte-identical, and nothing partial left anywhere.
    for (i, digest) in digests.iter().enumerate() {
        let target = dir.path().join(format!("dst/{i:03}.bin"));
        let back = std::fs::read(&target).unwrap();
        assert_eq!(&Md5::digest(&back), digest, "file {i} differs");
        assert!(!part_path(&target).exists());
    }
    // The service holds the right MD5 for every blob, too.
    let c = client(&emu.host);
    for i in [0usize, 5, 150] {
        use base64::Engine as _;
        let props = c
            .blob_props(&container, &format!("f/{i:03}.bin"))
            .await
            .unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode(digests[i]);
        assert_eq!(props.content_md5.as_deref(), Some(expected.as_str()));
    }
    let requests = proxy
        .counters
        .requests
        .load(std::sync::atomic::Ordering::Relaxed);
    let faults = proxy.counters.faults();
    assert!(
        faults * 100 >= requests * 10,
        "the schedule must break at least 10%: {}",
        proxy.counters.summary()
    );
    eprintln!(
        "reliability: 200 files, {} verified twice (up and down); after uploads: {after_upload}; in all: {}",
        humansize::format_size(total, humansize::BINARY),
        proxy.counters.summary()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_twenty_thousand_blobs_through_faults_sees_each_once() {
    let emu = Emulator::shared();
    let container = unique("list20k");
    let blobs = (0..20_000)
        .map(|i| BlobSpec::new(format!("d{:02}/b{i:05}", i % 40), ""))
        .collect();
    fill(&client(&emu.host), &container, blobs).await.unwrap();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), SEED + 1, 15).await;
    let flaky = StorageClient::for_transfers(Account::emulator(&proxy.host).unwrap()).unwrap();
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = flaky
            .list_blobs_page(&container, "", None, marker.as_deref(), 5000)
            .await
            .expect("a page fails only after every retry failed");
        seen.extend(page.entries.into_iter().map(|e| e.name));
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    let unique_names: HashSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), 20_000, "every name exactly once");
    assert_eq!(unique_names.len(), 20_000);
    eprintln!(
        "reliability: listed 20,000 blobs flat; {}",
        proxy.counters.summary()
    );
    assert!(proxy.counters.faults() > 0, "{}", proxy.counters.summary());
}
