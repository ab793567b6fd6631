//! blobx's Azure layer against a real Azurite: signing, listing shapes,
//! paging, details, and the words errors come out in.

mod support;

use blobx::azure::{Account, Auth, StorageClient, describe_error, secret::Secret};
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::unique;

fn emu() -> &'static Emulator {
    Emulator::shared()
}

#[tokio::test]
async fn signed_requests_list_containers_folders_and_blobs() {
    let c = client(&emu().host);
    let name = unique("browse");
    fill(
        &c,
        &name,
        vec![
            BlobSpec::new("top.txt", "hi"),
            BlobSpec::new("a/one.csv", "1,2\n"),
            BlobSpec::new("a/b/two.json", "{}"),
            BlobSpec::new("c/three.txt", "3"),
        ],
    )
    .await
    .unwrap();

    let mut containers = Vec::new();
    let mut pages = std::pin::pin!(c.list_containers(Some(name.clone())));
    while let Some(page) = futures::StreamExt::next(&mut pages).await {
        containers.extend(page.unwrap().containers.into_iter().map(|c| c.name));
    }
    assert_eq!(containers, vec![name.clone()]);

    let root = c
        .list_blobs_page(&name, "", Some("/"), None, 5000)
        .await
        .unwrap();
    let shown: Vec<_> = root
        .entries
        .iter()
        .map(|e| (e.name.as_str(), e.is_prefix))
        .collect();
    assert_eq!(shown, [("a/", true), ("c/", true), ("top.txt", false)]);
    assert_eq!(root.entries[2].size, 2);
    assert_eq!(root.entries[2].content_type.as_deref(), Some("text/plain"));
    assert!(root.entries[2].last_modified.is_some());
    assert!(root.next_marker.is_none());

    let a = c
        .list_blobs_page(&name, "a/", Some("/"), None, 5000)
        .await
        .unwrap();
    let shown: Vec<_> = a.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(shown, ["a/b/", "a/one.csv"]);
}

#[tokio::test]
async fn paging_follows_markers_and_returns_every_name_once() {
    let c = client(&emu().host);
    let name = unique("paging");
    let blobs = (0..23)
        .map(|i| BlobSpec::new(format!("f/{i:03}"), "x"))
        .collect();
    fill(&c, &name, blobs).await.unwrap();
    let mut marker = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = c
            .list_blobs_page(&name, "f/", Some("/"), marker.as_deref(), 10)
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.entries.into_iter().map(|e| e.name));
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<_> = (0..23).map(|i| format!("f/{i:03}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn details_show_properties_and_metadata() {
    let c = client(&emu().host);
    let name = unique("details");
    fill(
        &c,
        &name,
        vec![
            BlobSpec::new("m.csv", "a,b\n")
                .meta("owner", "data-eng")
                .meta("pii", "false"),
        ],
    )
    .await
    .unwrap();
    let d = c.blob_details(&name, "m.csv").await.unwrap();
    assert_eq!(
        d.metadata,
        [
            ("owner".to_string(), "data-eng".to_string()),
            ("pii".to_string(), "false".to_string())
        ]
    );
    let prop = |k: &str| {
        d.properties
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(prop("content-type"), Some("text/csv"));
    assert_eq!(prop("content-length"), Some("4"));
    assert_eq!(prop("x-ms-blob-type"), Some("BlockBlob"));
    // Request bookkeeping is not a property of the blob.
    assert_eq!(prop("x-ms-request-id"), None);
}

#[tokio::test]
async fn a_wrong_key_is_reported_as_a_signature_mismatch() {
    let mut account = Account::emulator(&emu().host).unwrap();
    // Valid base64, wrong key: Azurite checks the signature and refuses.
    account.auth = Auth::SharedKey {
        key: Secret::new(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        ),
    };
    let c = StorageClient::new(account.clone()).unwrap();
    let err = c
        .list_blobs_page("anything", "", Some("/"), None, 10)
        .await
        .unwrap_err();
    let msg = describe_error(&err, &account);
    assert!(
        msg.contains("403") && msg.contains("signature mismatch"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_missing_container_is_named() {
    let c = client(&emu().host);
    let err = c
        .list_blobs_page("no-such-container", "", Some("/"), None, 10)
        .await
        .unwrap_err();
    let msg = describe_error(&err, c.account());
    assert!(msg.contains("container does not exist"), "{msg}");
}

#[tokio::test]
async fn nothing_listening_says_how_to_start_an_emulator() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let account = Account::emulator(&format!("http://127.0.0.1:{port}")).unwrap();
    let c = StorageClient::new(account.clone()).unwrap();
    let mut pages = std::pin::pin!(c.list_containers(None));
    let err = futures::StreamExt::next(&mut pages)
        .await
        .unwrap()
        .unwrap_err();
    let msg = describe_error(&err, &account);
    assert!(msg.contains("Nothing is listening"), "{msg}");
    assert!(msg.contains("start the emulator"), "{msg}");
}
