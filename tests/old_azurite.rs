//! An older Azurite (3.30, newest service version 2024-05-04), started as
//! many run it, without --skipApiVersionCheck: it refuses blobx's
//! x-ms-version. The diagnosis finds the newest version it accepts, and at
//! that version blobx browses it (containers, blobs, reads), and so do the
//! headless commands.

mod support;

use blobx::azure::diagnose::diagnose_with;
use blobx::azure::version::refuses_version;
use blobx::azure::{Account, StorageClient};
use futures::StreamExt;
use support::emulator::Emulator;

#[tokio::test(flavor = "multi_thread")]
async fn an_older_azurite_is_browsed_at_the_newest_version_it_accepts() {
    let emu = Emulator::start_old().expect("the older Azurite");
    let account = Account::emulator(&emu.host).unwrap();

    // At the SDK's version the service says no.
    let current = StorageClient::new(account.clone()).unwrap();
    let first = Box::pin(current.list_containers(None))
        .next()
        .await
        .unwrap();
    let err = first.unwrap_err();
    assert!(refuses_version(&err), "{err}");
    let said = blobx::azure::describe_error(&err, &account);
    assert!(
        said.contains("not supported by Azurite"),
        "the service's words are kept: {said}"
    );

    // The diagnosis finds the newest version it accepts.
    let d = diagnose_with(&current, &|_| None).await;
    let (refused, accepted) = d
        .fallback
        .clone()
        .unwrap_or_else(|| panic!("{:#?}", d.lines()));
    assert_eq!(refused, current.service_version());
    assert_eq!(accepted, "2024-05-04");
    assert!(d.ok());
    assert!(
        d.summary().contains("blobx uses 2024-05-04"),
        "{}",
        d.summary()
    );

    // At that version, blobx browses it.
    let older = StorageClient::with_version(account, &accepted).unwrap();
    older.create_container("old-one").await.unwrap();
    older
        .put_blob(
            "old-one",
            "a/b.txt",
            bytes::Bytes::from_static(b"hello"),
            Some("text/plain"),
            Default::default(),
        )
        .await
        .unwrap();
    let page = Box::pin(older.list_containers(None))
        .next()
        .await
        .unwrap()
        .unwrap();
    assert!(page.containers.iter().any(|c| c.name == "old-one"));
    let blobs = older
        .list_blobs_page("old-one", "a/", Some("/"), None, 100)
        .await
        .unwrap();
    assert_eq!(blobs.entries.len(), 1, "{blobs:?}");
    let props = older.blob_props("old-one", "a/b.txt").await.unwrap();
    assert_eq!(props.size, 5);

    // The command line falls back as the TUI does: said once, then it works
    // (one Azurite for both: installing the pinned one twice at once races).
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run =
        |args: &[&str]| support::run_blobx(h, &[args, &["--emulator", emu.host.as_str()]].concat());
    let file = h.join("hello.txt");
    std::fs::write(&file, "hello").unwrap();
    let out = run(&["cp", file.to_str().unwrap(), "az://old-one/up/hello.txt"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("refuses service version") && said.contains("using 2024-05-04"),
        "{said}"
    );
    let out = run(&["cat", "az://old-one/up/hello.txt"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"hello");
}
