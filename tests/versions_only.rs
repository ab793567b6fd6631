//! Deleted blobs on an account with versioning (the emulator has none): a
//! stub Blob service answers with the documented List Blobs shapes, and the
//! requests blobx makes are checked: the deleted listing asks for
//! `deletedwithversions` and shows `HasVersionsOnly` blobs as deleted, and
//! restoring one copies its latest version over the base blob and verifies it.

use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::connection::{now_unix, parse_connection_string};
use blobx::azure::history::{Qualifier, Restored, deleted_here, restore_deleted};
use blobx::azure::{Account, Source, StorageClient};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const OLD: &str = "2026-11-20T08:00:00.0000000Z";
const LATEST: &str = "2026-11-22T09:30:00.0000000Z";

fn answer(head: &str) -> String {
    let first = head.lines().next().unwrap_or("");
    let (method, target) = first.split_once(' ').unwrap_or(("", ""));
    let target = target.split(' ').next().unwrap_or("");
    let ok = |extra: &str, body: &str| {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    match method {
        "GET" if target.contains("comp=properties") => ok(
            "",
            "<StorageServiceProperties><DeleteRetentionPolicy><Enabled>false</Enabled></DeleteRetentionPolicy></StorageServiceProperties>",
        ),
        "GET" if target.contains("deletedwithversions") => ok(
            "",
            "<EnumerationResults><Blobs><Blob><Name>docs/report.csv</Name><HasVersionsOnly>true</HasVersionsOnly><Properties><Content-Length>12</Content-Length></Properties></Blob><BlobPrefix><Name>docs/sub/</Name></BlobPrefix></Blobs><NextMarker/></EnumerationResults>",
        ),
        "GET" if target.contains("include=versions") => ok(
            "",
            &format!(
                "<EnumerationResults><Blobs><Blob><Name>docs/report.csv</Name><VersionId>{OLD}</VersionId><Properties><Content-Length>10</Content-Length></Properties></Blob><Blob><Name>docs/report.csv</Name><VersionId>{LATEST}</VersionId><Properties><Content-Length>12</Content-Length><Content-MD5>BBBB</Content-MD5></Properties></Blob></Blobs><NextMarker/></EnumerationResults>"
            ),
        ),
        "PUT" => "HTTP/1.1 202 Accepted\r\nx-ms-copy-status: success\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string(),
        "HEAD" => "HTTP/1.1 200 OK\r\ncontent-length: 12\r\ncontent-md5: BBBB\r\nconnection: close\r\n\r\n".to_string(),
        _ => "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string(),
    }
}

/// Serves the answers above; returns its address and the request heads seen.
async fn stub() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).into_owned();
                log.lock().unwrap().push(head.clone());
                let _ = s.write_all(answer(&head).as_bytes()).await;
                let _ = s.shutdown().await;
            });
        }
    });
    (host, seen)
}

fn account(host: &str) -> Account {
    let cs = format!(
        "DefaultEndpointsProtocol=http;AccountName={EMULATOR_ACCOUNT};AccountKey={EMULATOR_KEY};BlobEndpoint={host}/{EMULATOR_ACCOUNT};"
    );
    Account::from_parsed(
        "v",
        "versioned",
        Source::Attached,
        parse_connection_string(&cs, now_unix()).unwrap(),
    )
}

#[tokio::test]
async fn a_blob_with_versions_only_is_listed_as_deleted_and_restored_from_its_latest_version() {
    let (host, seen) = stub().await;
    let client = StorageClient::new(account(&host)).unwrap();

    // Soft delete is off, yet the blob deleted under versioning is listed.
    let listing = deleted_here(&client, "data", "docs/").await.unwrap();
    assert_eq!(listing.blobs.len(), 1);
    assert_eq!(listing.blobs[0].name, "docs/report.csv");
    assert!(listing.blobs[0].versions_only);
    assert!(
        listing.note().contains("deleted under versioning"),
        "{}",
        listing.note()
    );
    {
        let seen = seen.lock().unwrap();
        let list = seen.iter().find(|h| h.contains("comp=list")).unwrap();
        assert!(list.contains("include=deletedwithversions"), "{list}");
        assert!(
            !list.contains("include=deleted%2C"),
            "soft delete is off: {list}"
        );
    }

    // Restore: Copy Blob from the latest version's URL onto the base blob, verified.
    let restored = restore_deleted(&client, "data", "docs/report.csv")
        .await
        .unwrap();
    assert_eq!(
        restored,
        Restored::FromVersion(Qualifier::Version(LATEST.into()))
    );
    let seen = seen.lock().unwrap();
    let put = seen.iter().find(|h| h.starts_with("PUT ")).unwrap();
    assert!(
        put.starts_with(&format!("PUT /{EMULATOR_ACCOUNT}/data/docs/report.csv ")),
        "{put}"
    );
    let source = put
        .lines()
        .find_map(|l| l.strip_prefix("x-ms-copy-source: "))
        .unwrap();
    assert!(
        source.ends_with(&format!(
            "/{EMULATOR_ACCOUNT}/data/docs/report.csv?versionid={}",
            LATEST.replace(':', "%3A")
        )),
        "{source}"
    );
    assert!(
        seen.iter().any(|h| h.starts_with("HEAD ")),
        "verified after the copy"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn headless_restore_promotes_the_latest_version_with_one_audit_line() {
    let (host, seen) = stub().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
            .args(["restore", "az://data/docs/report.csv", "--emulator", &host])
            .env("BLOBX_CONFIG_DIR", h.join("config"))
            .env("BLOBX_LOG_DIR", h.join("logs"))
            .env("BLOBX_DATA_DIR", h.join("data"))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "restored docs/report.csv from its version {LATEST}"
        )),
        "{err}"
    );
    assert!(seen.lock().unwrap().iter().any(|h| h.starts_with("PUT ")));
    let logs: String = std::fs::read_dir(home.path().join("logs"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    let audit: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("blobx::audit"))
        .collect();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].contains("restore deleted blob"), "{audit:?}");
}
