use super::*;
use crate::azure::account::Account;

#[test]
fn blob_names() {
    assert!(check_blob_name("a/b/c.txt").is_ok());
    assert!(check_blob_name("").unwrap_err().contains("empty"));
    assert!(
        check_blob_name(&"x".repeat(1025))
            .unwrap_err()
            .contains("1,024")
    );
    assert!(
        check_blob_name(&"a/".repeat(254))
            .unwrap_err()
            .contains("254")
    );
    assert!(check_blob_name(&"a/".repeat(253)).is_ok());
    assert!(check_blob_name("a\u{7}b").unwrap_err().contains("U+0007"));
    assert!(check_new_blob_name("dir/").unwrap_err().contains("folder"));
    assert!(check_container_name("ab").unwrap_err().contains("3-63"));
    assert!(check_delete_confirmation("data", "data ").is_ok());
    assert!(
        check_delete_confirmation("data", "dat")
            .unwrap_err()
            .contains("type data")
    );
}

#[test]
fn metadata_rules() {
    let m = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
    assert!(check_metadata(&m("owner_1", "ops team")).is_ok());
    assert!(
        check_metadata(&m("1x", "v"))
            .unwrap_err()
            .contains("start with a letter")
    );
    assert!(check_metadata(&m("a-b", "v")).is_err());
    assert!(check_metadata(&m("k", "é")).unwrap_err().contains("ASCII"));
    assert!(check_metadata(&m("k", " v")).unwrap_err().contains("space"));
    let twice = vec![("A".into(), "1".into()), ("a".into(), "2".into())];
    assert!(check_metadata(&twice).unwrap_err().contains("twice"));
    assert!(
        check_metadata(&m("k", &"v".repeat(9000)))
            .unwrap_err()
            .contains("8 KiB")
    );
    assert!(check_header_value("cache control", "max-age=60").is_ok());
    assert!(check_header_value("the content type", "a\nb").is_err());
}

#[test]
fn tiers_and_heads() {
    assert_eq!(AccessTier::parse("cold"), Ok(AccessTier::Cold));
    assert!(AccessTier::parse("warm").unwrap_err().contains("Hot, Cool"));
    let head = BlobHead::from_headers([
        ("Content-Length", "12"),
        ("x-ms-access-tier", "Archive"),
        ("x-ms-archive-status", "rehydrate-pending-to-hot"),
        ("x-ms-rehydrate-priority", "High"),
        ("x-ms-lease-state", "leased"),
        ("x-ms-meta-Owner", "me"),
        ("content-md5", ""),
    ]);
    assert_eq!(head.size, 12);
    assert!(head.lease.is_leased());
    assert_eq!(head.metadata.get("owner").map(String::as_str), Some("me"));
    assert_eq!(head.headers.content_md5, None);
    let details = crate::azure::client::BlobDetails {
        properties: vec![("x-ms-lease-state".into(), "available".into())],
        metadata: vec![("Owner".into(), "me".into())],
        tags: None,
    };
    let from_pane = BlobHead::from_details(&details);
    assert!(!from_pane.lease.is_leased());
    assert_eq!(
        from_pane.metadata.get("owner").map(String::as_str),
        Some("me")
    );
    assert_eq!(
        head.tier.describe(),
        "Archive · rehydrating to Hot (High priority, usually under an hour)"
    );
}

fn head(size: u64, md5: Option<&str>) -> BlobHead {
    BlobHead {
        size,
        headers: ContentHeaders {
            content_md5: md5.map(str::to_string),
            content_type: Some("text/plain".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn copies_verify_only_when_everything_matches() {
    assert_eq!(
        verify_copy(&head(3, Some("x")), &head(3, Some("x"))),
        Ok(Some(Verified::Md5))
    );
    assert_eq!(verify_copy(&head(3, None), &head(3, None)), Ok(None));
    assert!(
        verify_copy(&head(3, Some("x")), &head(4, Some("x")))
            .unwrap_err()
            .contains("bytes")
    );
    assert!(
        verify_copy(&head(3, Some("x")), &head(3, Some("y")))
            .unwrap_err()
            .contains("MD5")
    );
    assert!(verify_copy(&head(3, Some("x")), &head(3, None)).is_err());
    let mut pending = head(3, Some("x"));
    pending.copy_status = Some("pending".into());
    assert!(
        verify_copy(&head(3, Some("x")), &pending)
            .unwrap_err()
            .contains("pending")
    );
    let mut other_meta = head(3, Some("x"));
    other_meta.metadata.insert("k".into(), "v".into());
    assert!(
        verify_copy(&head(3, Some("x")), &other_meta)
            .unwrap_err()
            .contains("metadata")
    );
    let mut other_type = head(3, Some("x"));
    other_type.headers.content_type = None;
    assert!(
        verify_copy(&head(3, Some("x")), &other_type)
            .unwrap_err()
            .contains("content type")
    );
}

#[test]
fn moves_are_checked() {
    let spec = |s: &str, d: &str| MoveSpec {
        src_container: "c".into(),
        src: s.into(),
        dst_container: "c".into(),
        dst: d.into(),
        overwrite: false,
    };
    assert!(check_rename(&spec("a", "b")).is_ok());
    assert!(check_rename(&spec("a", "a")).unwrap_err().contains("same"));
    assert!(
        check_rename(&spec("a", "b/"))
            .unwrap_err()
            .contains("folder")
    );
    assert!(check_folder_move(&spec("a/", "b/")).is_ok());
    assert!(
        check_folder_move(&spec("a/", "a/b/"))
            .unwrap_err()
            .contains("itself")
    );
    assert!(
        check_folder_move(&spec("a", "b/"))
            .unwrap_err()
            .contains("not a folder")
    );
}

#[test]
fn retention_parses() {
    let props = "<StorageServiceProperties><DeleteRetentionPolicy><Enabled>true</Enabled><Days>7</Days></DeleteRetentionPolicy></StorageServiceProperties>";
    assert_eq!(parse_delete_retention(props), Some(7));
    assert_eq!(
        parse_delete_retention(
            "<DeleteRetentionPolicy><Enabled>false</Enabled></DeleteRetentionPolicy>"
        ),
        None
    );
}

#[test]
fn handoff_commands_name_no_secret() {
    let account = Account::emulator("http://127.0.0.1:10000").unwrap();
    let h = handoff(
        &account,
        "data",
        &[("raw/a b.csv".into(), false), ("raw/".into(), true)],
    );
    assert_eq!(
        h.urls[0],
        "http://127.0.0.1:10000/devstoreaccount1/data/raw/a%20b.csv"
    );
    assert_eq!(h.az_uris[1], "az://data/raw/");
    assert_eq!(
        h.azcopy[0],
        "azcopy copy http://127.0.0.1:10000/devstoreaccount1/data/raw/a%20b.csv ."
    );
    assert!(h.azcopy[1].ends_with("--recursive"));
    assert!(
        h.az_cli[0].contains("--name 'raw/a b.csv' --file 'a b.csv'"),
        "{}",
        h.az_cli[0]
    );
    assert!(h.az_cli[1].contains("download-batch"));
    let all = format!("{h:?}");
    assert!(!all.contains(crate::azure::account::EMULATOR_KEY));
    assert!(!all.contains("sig="));
    assert_eq!(shell_quote("it's"), r"'it'\''s'");
}
