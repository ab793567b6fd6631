//! A local stand-in for Azure Resource Manager, which has no emulator: it
//! serves the documented response shapes (subscriptions, storage accounts,
//! `nextLink` paging) and insists on the bearer token.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const TOKEN: &str = "stub-token";

pub struct ArmStub {
    pub endpoint: String,
    pub requests: Arc<AtomicUsize>,
}

fn respond(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn route(base: &str, path: &str, authorized: bool, forbid: bool) -> String {
    if !authorized {
        return respond(
            "401 Unauthorized",
            r#"{"error":{"code":"InvalidAuthenticationToken"}}"#,
        );
    }
    let storage_api = "api-version=2023-05-01";
    if path.starts_with("/subscriptions?") && !path.contains("page=2") {
        // Page 1 of subscriptions, with a disabled one that must be skipped.
        return respond(
            "200 OK",
            &format!(
                r#"{{"value":[{{"id":"/subscriptions/sub-a","subscriptionId":"sub-a","displayName":"Data Science","state":"Enabled"}},
                {{"id":"/subscriptions/sub-x","subscriptionId":"sub-x","displayName":"Old","state":"Disabled"}}],
                "nextLink":"{base}/subscriptions?api-version=2022-12-01&page=2"}}"#
            ),
        );
    }
    if path.starts_with("/subscriptions?") {
        return respond(
            "200 OK",
            r#"{"value":[{"id":"/subscriptions/sub-b","subscriptionId":"sub-b","displayName":"Ops","state":"Enabled"}]}"#,
        );
    }
    if path.starts_with("/subscriptions/sub-a/providers/Microsoft.Storage/storageAccounts") {
        if forbid {
            return respond(
                "403 Forbidden",
                r#"{"error":{"code":"AuthorizationFailed"}}"#,
            );
        }
        if !path.contains("skip=1") {
            return respond(
                "200 OK",
                &format!(
                    r#"{{"value":[{{"id":"/subscriptions/sub-a/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/dsdata","name":"dsdata","location":"westeurope","kind":"StorageV2","sku":{{"name":"Standard_LRS","tier":"Standard"}},"properties":{{"primaryEndpoints":{{"blob":"https://dsdata.blob.core.windows.net/","dfs":"https://dsdata.dfs.core.windows.net/"}},"allowBlobPublicAccess":false}}}}],
                    "nextLink":"{base}/subscriptions/sub-a/providers/Microsoft.Storage/storageAccounts?{storage_api}&skip=1"}}"#
                ),
            );
        }
        return respond(
            "200 OK",
            r#"{"value":[{"name":"dsfiles","location":"westeurope","kind":"FileStorage","sku":{"name":"Premium_LRS"},"properties":{"primaryEndpoints":{"file":"https://dsfiles.file.core.windows.net/"}}},
            {"name":"dsarchive","location":"northeurope","kind":"StorageV2","sku":{"name":"Standard_GRS"},"properties":{"primaryEndpoints":{"blob":"https://dsarchive.blob.core.windows.net/"},"allowBlobPublicAccess":true}}]}"#,
        );
    }
    if path.starts_with("/subscriptions/sub-b/providers/Microsoft.Storage/storageAccounts") {
        return respond(
            "200 OK",
            r#"{"value":[{"name":"opslogs","location":"eastus","kind":"BlobStorage","sku":{"name":"Standard_RAGRS"},"properties":{"primaryEndpoints":{"blob":"https://opslogs.blob.core.windows.net/"}}}]}"#,
        );
    }
    respond("404 Not Found", r#"{"error":{"code":"NotFound"}}"#)
}

impl ArmStub {
    /// Serves on a free loopback port until the test process ends.
    /// With `forbid`, listing the first subscription's accounts answers 403.
    pub async fn start(forbid: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind stub");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(AtomicUsize::new(0));
        let (count, base2) = (requests.clone(), base.clone());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let base = base2.clone();
                count.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut read = 0;
                    // Read the request head (GETs have no body).
                    while read < buf.len() {
                        match socket.read(&mut buf[read..]).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => read += n,
                        }
                        if buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                    let head = String::from_utf8_lossy(&buf[..read]).to_string();
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let authorized = head.lines().any(|l| {
                        l.to_ascii_lowercase().starts_with("authorization:")
                            && l.ends_with(&format!("Bearer {TOKEN}"))
                    });
                    let response = route(&base, &path, authorized, forbid);
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self {
            endpoint: base,
            requests,
        }
    }
}

/// A credential that always hands out the stub's token.
#[derive(Debug)]
pub struct StubCredential(pub &'static str);

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for StubCredential {
    async fn get_token(
        &self,
        _scopes: &[&str],
        _options: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        Ok(azure_core::credentials::AccessToken::new(
            self.0.to_string(),
            time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        ))
    }
}
