//! Sample data, written through blobx's own client (so signing is exercised).
#![allow(dead_code)]

use blobx::azure::{Account, StorageClient};
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use std::collections::HashMap;

pub fn client(host: &str) -> StorageClient {
    match Account::emulator(host).and_then(StorageClient::new) {
        Ok(c) => c,
        Err(e) => panic!("client for {host}: {e}"),
    }
}

pub struct BlobSpec {
    pub name: String,
    pub body: Bytes,
    pub content_type: Option<&'static str>,
    pub metadata: HashMap<String, String>,
}

impl BlobSpec {
    pub fn new(name: impl Into<String>, body: impl Into<Bytes>) -> Self {
        let name = name.into();
        Self {
            content_type: content_type_for(&name),
            name,
            body: body.into(),
            metadata: HashMap::new(),
        }
    }

    pub fn meta(mut self, k: &str, v: &str) -> Self {
        self.metadata.insert(k.into(), v.into());
        self
    }
}

fn content_type_for(name: &str) -> Option<&'static str> {
    let ext = name.rsplit('.').next()?;
    Some(match ext {
        "csv" => "text/csv",
        "json" => "application/json",
        "parquet" => "application/vnd.apache.parquet",
        "txt" | "log" => "text/plain",
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "gz" => "application/gzip",
        "md" => "text/markdown",
        _ => return None,
    })
}

/// Creates `container` and uploads `blobs`, 32 at a time.
pub async fn fill(
    client: &StorageClient,
    container: &str,
    blobs: Vec<BlobSpec>,
) -> Result<(), String> {
    client
        .create_container(container)
        .await
        .map_err(|e| format!("create {container}: {e}"))?;
    futures::stream::iter(blobs)
        .map(|b| async move {
            client
                .put_blob(container, &b.name, b.body, b.content_type, b.metadata)
                .await
                .map_err(|e| format!("upload {container}/{}: {e}", b.name))
        })
        .buffer_unordered(32)
        .try_collect::<()>()
        .await
}
