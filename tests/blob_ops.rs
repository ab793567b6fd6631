//! Everyday container and blob actions against a real Azurite: create and
//! delete containers, delete blobs and folders, rename and move (copy, verify,
//! then delete), metadata and content headers, tiers, leases, and
//! what Azurite cannot do (soft delete, undelete).

mod support;

use blobx::azure::access::get_access;
use blobx::azure::blob_io::block_id;
use blobx::azure::ops::{
    self, AccessTier, HeaderEdit, MoveSpec, OpError, Target, TierChange, Verified,
};
use blobx::azure::{Account, StorageClient};
use bytes::Bytes;
use md5::{Digest, Md5};
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::unique;

async fn seeded(blobs: Vec<BlobSpec>) -> (StorageClient, String) {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let name = unique("ops");
    fill(&c, &name, blobs).await.unwrap();
    (c, name)
}

/// Nothing listens on port 1: a request would fail as a connection error,
/// so an `Invalid` answer proves nothing was sent.
fn nowhere() -> StorageClient {
    StorageClient::new(Account::emulator("http://127.0.0.1:1").unwrap()).unwrap()
}

async fn content(c: &StorageClient, container: &str, blob: &str) -> Bytes {
    let size = c.blob_props(container, blob).await.unwrap().size;
    if size == 0 {
        return Bytes::new();
    }
    c.get_range(container, blob, 0, size, "").await.unwrap()
}

async fn exists(c: &StorageClient, container: &str, blob: &str) -> bool {
    c.blob_exists(container, blob).await.unwrap().is_some()
}

async fn names(c: &StorageClient, container: &str) -> Vec<String> {
    ops::list_flat(c, container, "")
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

fn invalid(r: Result<impl std::fmt::Debug, OpError>) -> String {
    match r {
        Err(OpError::Invalid(msg)) => msg,
        other => panic!("expected a refusal before sending, got {other:?}"),
    }
}

#[tokio::test]
async fn containers_are_created_and_deleted_with_checks() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let account = c.account().clone();
    let name = unique("made");
    ops::create_container(&c, &name).await.unwrap();
    assert!(get_access(&c, &name).await.is_ok());
    let again = ops::create_container(&c, &name).await.unwrap_err();
    assert!(
        again.describe(&account).contains("already exists"),
        "{again:?}"
    );

    assert!(invalid(ops::create_container(&nowhere(), "Bad_Name").await).contains("a-z, 0-9"));
    assert!(invalid(ops::create_container(&nowhere(), "ab").await).contains("3-63"));
    assert!(invalid(ops::create_container(&nowhere(), "a--b").await).contains("--"));

    let wrong = ops::delete_container(&c, &name, "something else").await;
    assert!(invalid(wrong).contains(&format!("type {name}")));
    assert!(
        get_access(&c, &name).await.is_ok(),
        "a wrong confirmation deleted it"
    );
    ops::delete_container(&c, &name, &name).await.unwrap();
    let gone = get_access(&c, &name).await.unwrap_err();
    assert!(
        gone.describe(&account).contains("does not exist"),
        "{gone:?}"
    );
}

#[tokio::test]
async fn blobs_and_folders_are_deleted_with_a_count_and_size() {
    let (c, name) = seeded(vec![
        BlobSpec::new("dir/a.txt", "abc"),
        BlobSpec::new("dir/sub/b.txt", "defg"),
        BlobSpec::new("dir/sub/deeper/c.txt", "h"),
        BlobSpec::new("directory.txt", "not in dir/"),
        BlobSpec::new("top.txt", "12345"),
        BlobSpec::new("keep.txt", "k"),
    ])
    .await;
    let plan = ops::plan_delete(
        &c,
        &name,
        &[
            Target::Folder("dir/".into()),
            Target::Blob("top.txt".into()),
            // Marked twice (inside a marked folder): counted once.
            Target::Blob("dir/a.txt".into()),
            // Gone already: nothing to count.
            Target::Blob("vanished.txt".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(plan.blobs.len(), 4);
    assert_eq!(plan.total_bytes, 3 + 4 + 1 + 5);
    assert_eq!(
        plan.question(),
        format!("Delete 4 blobs (13 B) from {name}?")
    );
    let report = ops::delete_planned(&c, &plan, false).await;
    assert_eq!((report.done, report.bytes), (4, 13));
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(names(&c, &name).await, ["directory.txt", "keep.txt"]);
    assert!(
        invalid(ops::plan_delete(&c, &name, &[Target::Folder(String::new())]).await)
            .contains("container")
    );
}

#[tokio::test]
async fn a_leased_blob_is_reported_not_deleted_and_its_lease_can_be_broken() {
    let (c, name) = seeded(vec![
        BlobSpec::new("locked.txt", "x"),
        BlobSpec::new("free.txt", "y"),
    ])
    .await;
    ops::acquire_blob_lease(&c, &name, "locked.txt", None)
        .await
        .unwrap();
    assert!(
        ops::head_blob(&c, &name, "locked.txt")
            .await
            .unwrap()
            .lease
            .is_leased()
    );
    let plan = ops::plan_delete(
        &c,
        &name,
        &[
            Target::Blob("locked.txt".into()),
            Target::Blob("free.txt".into()),
        ],
    )
    .await
    .unwrap();
    let report = ops::delete_planned(&c, &plan, false).await;
    assert_eq!(report.done, 1);
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].1.contains("lease"), "{:?}", report.failed);
    assert!(report.summary("deleted").contains("1 failed"));

    ops::break_blob_lease(&c, &name, "locked.txt")
        .await
        .unwrap();
    let head = ops::head_blob(&c, &name, "locked.txt").await.unwrap();
    assert_eq!(head.lease.state.as_deref(), Some("broken"));
    ops::delete_blob(&c, &name, "locked.txt", false)
        .await
        .unwrap();
    assert!(
        invalid(ops::acquire_blob_lease(&nowhere(), "c", "b", Some(5)).await).contains("15-60")
    );
}

#[tokio::test]
async fn rename_keeps_content_and_metadata_and_removes_the_source_after_verifying() {
    let body = "id,value\n1,2\n".repeat(50);
    let (c, name) = seeded(vec![
        BlobSpec::new("old.csv", body.clone())
            .meta("owner", "data-team")
            .meta("purpose", "test"),
        BlobSpec::new("taken.txt", "already here"),
    ])
    .await;
    let before = ops::head_blob(&c, &name, "old.csv").await.unwrap();
    let spec = |src: &str, dst: &str| MoveSpec {
        src_container: name.clone(),
        src: src.into(),
        dst_container: name.clone(),
        dst: dst.into(),
        overwrite: false,
    };
    let moved = ops::rename_blob(&c, &spec("old.csv", "renamed/new.csv"))
        .await
        .unwrap();
    assert_eq!(moved.size, body.len() as u64);
    // Put Blob gives the source a Content-MD5, which the copy must carry.
    assert!(before.headers.content_md5.is_some());
    assert_eq!(moved.verified, Verified::Md5);
    assert!(
        !exists(&c, &name, "old.csv").await,
        "the source is still there"
    );
    assert_eq!(content(&c, &name, "renamed/new.csv").await, body.as_bytes());
    let after = ops::head_blob(&c, &name, "renamed/new.csv").await.unwrap();
    assert_eq!(after.metadata, before.metadata);
    assert_eq!(
        after.metadata.get("owner").map(String::as_str),
        Some("data-team")
    );
    assert_eq!(after.headers.content_type.as_deref(), Some("text/csv"));

    // An existing destination is not overwritten, and the source stays.
    let err = ops::rename_blob(&c, &spec("renamed/new.csv", "taken.txt"))
        .await
        .unwrap_err();
    assert!(
        err.describe(c.account()).contains("already exists"),
        "{err:?}"
    );
    assert!(exists(&c, &name, "renamed/new.csv").await);
    assert_eq!(
        content(&c, &name, "taken.txt").await,
        "already here".as_bytes()
    );

    // Invalid targets are refused before anything is sent.
    let nowhere = nowhere();
    assert!(invalid(ops::rename_blob(&nowhere, &spec("a", "")).await).contains("empty"));
    assert!(
        invalid(ops::rename_blob(&nowhere, &spec("a", &"x".repeat(1025))).await).contains("1,024")
    );
    assert!(invalid(ops::rename_blob(&nowhere, &spec("a", "a")).await).contains("same"));
    assert!(invalid(ops::rename_blob(&nowhere, &spec("a", "dir/")).await).contains("folder"));
}

#[tokio::test]
async fn a_source_changed_after_its_copy_is_kept() {
    let (c, name) = seeded(vec![BlobSpec::new("live.txt", "version 1")]).await;
    let spec = MoveSpec {
        src_container: name.clone(),
        src: "live.txt".into(),
        dst_container: name.clone(),
        dst: "archive/live.txt".into(),
        overwrite: false,
    };
    let copied = ops::copy_and_verify(&c, &spec).await.unwrap();
    assert_eq!(copied.verified, Verified::Md5);
    // Someone writes the source between the copy and the delete…
    c.put_blob(
        &name,
        "live.txt",
        "version 2".into(),
        None,
        Default::default(),
    )
    .await
    .unwrap();
    // …so the delete is refused and both blobs stay.
    let err = ops::delete_moved_source(&c, &spec, &copied)
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::Failed(_)), "{err:?}");
    assert!(
        err.to_string().contains("changed after it was copied"),
        "{err}"
    );
    assert_eq!(content(&c, &name, "live.txt").await, "version 2".as_bytes());
    assert_eq!(
        content(&c, &name, "archive/live.txt").await,
        "version 1".as_bytes()
    );
}

#[tokio::test]
async fn a_blob_without_md5_is_read_back_before_its_source_goes() {
    let (c, name) = seeded(vec![]).await;
    // Put Block + Put Block List without a whole-blob MD5: the blob has none.
    let data = Bytes::from(vec![7u8; 3000]);
    let id = block_id(4096, 0);
    c.put_block(&name, "blocks.bin", &id, data.clone(), &Md5::digest(&data))
        .await
        .unwrap();
    c.put_block_list(&name, "blocks.bin", &[id], "application/octet-stream", None)
        .await
        .unwrap();
    assert_eq!(
        ops::head_blob(&c, &name, "blocks.bin")
            .await
            .unwrap()
            .headers
            .content_md5,
        None
    );
    let spec = MoveSpec {
        src_container: name.clone(),
        src: "blocks.bin".into(),
        dst_container: name.clone(),
        dst: "moved.bin".into(),
        overwrite: false,
    };
    let moved = ops::rename_blob(&c, &spec).await.unwrap();
    assert_eq!(moved.verified, Verified::ReadBack);
    assert_eq!(content(&c, &name, "moved.bin").await, data);
    assert!(!exists(&c, &name, "blocks.bin").await);
}

#[tokio::test]
async fn a_folder_moves_blob_by_blob_to_another_container() {
    let (c, name) = seeded(vec![
        BlobSpec::new("f/a.txt", "aa"),
        BlobSpec::new("f/b/c.json", "{}").meta("k", "v"),
        BlobSpec::new("other.txt", "o"),
    ])
    .await;
    let (_, target) = seeded(vec![]).await;
    let spec = MoveSpec {
        src_container: name.clone(),
        src: "f/".into(),
        dst_container: target.clone(),
        dst: "g/h/".into(),
        overwrite: false,
    };
    let report = ops::move_folder(&c, &spec).await.unwrap();
    assert_eq!((report.done, report.bytes), (2, 4), "{:?}", report.failed);
    assert_eq!(names(&c, &name).await, ["other.txt"]);
    assert_eq!(names(&c, &target).await, ["g/h/a.txt", "g/h/b/c.json"]);
    let head = ops::head_blob(&c, &target, "g/h/b/c.json").await.unwrap();
    assert_eq!(head.metadata.get("k").map(String::as_str), Some("v"));
    let into_itself = MoveSpec {
        dst: "f/inner/".into(),
        dst_container: name.clone(),
        ..spec
    };
    assert!(invalid(ops::move_folder(&nowhere(), &into_itself).await).contains("itself"));
}

#[tokio::test]
async fn metadata_and_content_headers_round_trip_and_keep_the_rest() {
    let (c, name) = seeded(vec![
        BlobSpec::new("page.html", "<p>hi</p>").meta("old", "1"),
    ])
    .await;
    let before = ops::head_blob(&c, &name, "page.html").await.unwrap();
    let pairs = vec![
        ("owner".to_string(), "me".to_string()),
        ("stage".into(), "raw".into()),
    ];
    let etag = ops::set_metadata(&c, &name, "page.html", &pairs, Some(&before.etag))
        .await
        .unwrap();
    let head = ops::head_blob(&c, &name, "page.html").await.unwrap();
    assert_eq!(head.metadata.len(), 2);
    assert_eq!(head.metadata.get("stage").map(String::as_str), Some("raw"));
    assert_eq!(head.etag, etag);
    // The view from before the save is stale now.
    let stale = ops::set_metadata(&c, &name, "page.html", &pairs, Some(&before.etag)).await;
    assert!(matches!(stale, Err(OpError::Changed(_))), "{stale:?}");
    let bad = vec![("bad-name".to_string(), "v".to_string())];
    assert!(
        invalid(ops::set_metadata(&nowhere(), "c", "b", &bad, None).await)
            .contains("letters, digits and _")
    );

    // Cache control alone: the content type and MD5 stay as they were.
    let edit = HeaderEdit {
        cache_control: Some("max-age=3600".into()),
        ..Default::default()
    };
    let saved = ops::set_content_headers(&c, &name, "page.html", &edit, None)
        .await
        .unwrap();
    let head = ops::head_blob(&c, &name, "page.html").await.unwrap();
    assert_eq!(head.headers.cache_control.as_deref(), Some("max-age=3600"));
    assert_eq!(head.headers.content_type, before.headers.content_type);
    assert_eq!(head.headers.content_md5, before.headers.content_md5);
    assert_eq!(head.headers, saved);
    assert_eq!(head.metadata.len(), 2, "metadata survived the header edit");

    let edit = HeaderEdit {
        content_type: Some("text/html; charset=utf-8".into()),
        content_disposition: Some("attachment; filename=\"page.html\"".into()),
        ..Default::default()
    };
    ops::set_content_headers(&c, &name, "page.html", &edit, Some(&head.etag))
        .await
        .unwrap();
    let head2 = ops::head_blob(&c, &name, "page.html").await.unwrap();
    assert_eq!(
        head2.headers.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(head2.headers.cache_control.as_deref(), Some("max-age=3600"));
    assert!(
        head2
            .headers
            .content_disposition
            .as_deref()
            .unwrap_or("")
            .starts_with("attachment")
    );
    // Stale, and invalid, are both refused.
    let stale = ops::set_content_headers(&c, &name, "page.html", &edit, Some(&head.etag)).await;
    assert!(matches!(stale, Err(OpError::Changed(_))), "{stale:?}");
    let bad = HeaderEdit {
        content_type: Some("text/plain\nx: y".into()),
        ..Default::default()
    };
    assert!(
        invalid(ops::set_content_headers(&nowhere(), "c", "b", &bad, None).await)
            .contains("one line")
    );
}

#[tokio::test]
async fn tiers_change_and_rehydration_is_reported() {
    let (c, name) = seeded(vec![BlobSpec::new("cold.bin", "zzz")]).await;
    for tier in [AccessTier::Cool, AccessTier::Cold, AccessTier::Archive] {
        assert_eq!(
            ops::set_tier(&c, &name, "cold.bin", tier, None)
                .await
                .unwrap(),
            TierChange::Done
        );
        let head = ops::head_blob(&c, &name, "cold.bin").await.unwrap();
        assert_eq!(head.tier.tier.as_deref(), Some(tier.as_str()));
        assert!(!head.tier.inferred);
    }
    // An archived blob cannot be read or moved until it is rehydrated.
    let err = blobx::azure::preview_fetch::preview(&c, &name, "cold.bin")
        .await
        .unwrap_err();
    assert!(err.describe(c.account()).contains("Archive"), "{err:?}");
    let spec = MoveSpec {
        src_container: name.clone(),
        src: "cold.bin".into(),
        dst_container: name.clone(),
        dst: "elsewhere.bin".into(),
        overwrite: false,
    };
    assert!(invalid(ops::rename_blob(&c, &spec).await).contains("rehydrate"));
    // Leaving Archive is a rehydration (202). Azurite finishes it at once.
    let change = ops::set_tier(
        &c,
        &name,
        "cold.bin",
        AccessTier::Hot,
        Some(ops::RehydratePriority::High),
    )
    .await
    .unwrap();
    assert_eq!(change, TierChange::Rehydrating);
}

/// Azurite 3.37 deletes for good (no soft delete) and answers Undelete Blob
/// with 501; the listing with `include=deleted` works and is simply empty.
#[tokio::test]
async fn soft_delete_as_far_as_azurite_goes() {
    let (c, name) = seeded(vec![BlobSpec::new("gone.txt", "bye")]).await;
    ops::delete_blob(&c, &name, "gone.txt", true).await.unwrap();
    let deleted = blobx::azure::history::list_deleted_in(&c, &name, "")
        .await
        .unwrap();
    assert!(
        deleted.is_empty(),
        "Azurite now keeps deleted blobs: {deleted:?}"
    );
    let err = ops::undelete(&c, &name, "gone.txt").await.unwrap_err();
    assert_eq!(err.status(), Some(501));
    assert!(
        err.describe(c.account()).contains("does not support"),
        "{err:?}"
    );
    // The retention setting reads back without error (off on a fresh emulator).
    assert_eq!(ops::soft_delete_retention(&c).await.unwrap(), None);
}
