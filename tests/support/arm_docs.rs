//! A local stand-in for Resource Manager's storage resources: JSON documents
//! by resource id, as the REST reference describes them. GET answers the
//! document (404 when there is none); PUT replaces its `properties`; PATCH
//! merges the keys sent; DELETE removes it. Every write is recorded; the
//! bearer token is insisted on.
#![allow(dead_code)]

use super::arm_stub::TOKEN;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Default)]
pub struct Docs {
    pub docs: HashMap<String, Value>,
    /// (method, path, body) of every write.
    pub writes: Vec<(String, String, Value)>,
    /// Every request answered, reads included.
    pub requests: usize,
}

pub fn merge(into: &mut Value, patch: &Value) {
    match (into, patch) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b.clone(),
    }
}

/// Serves `docs` on a loopback port; answers the base URL.
pub async fn serve(docs: Arc<Mutex<Docs>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let docs = docs.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let (head, body) = loop {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_string();
                        let len: usize = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break (head, buf[end + 4..end + 4 + len].to_vec());
                        }
                    }
                };
                let mut parts = head.split_whitespace();
                let method = parts.next().unwrap_or("").to_string();
                let path = parts
                    .next()
                    .unwrap_or("")
                    .split('?')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let authorized = head
                    .lines()
                    .any(|l| l.ends_with(&format!("Bearer {TOKEN}")));
                let (status, reply) = {
                    let mut d = docs.lock().unwrap();
                    d.requests += 1;
                    let sent: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    let missing = || {
                        (
                            "404 Not Found",
                            json!({"error": {"code": "ResourceNotFound", "message": path}}),
                        )
                    };
                    if !authorized {
                        (
                            "401 Unauthorized",
                            json!({"error": {"code": "InvalidAuthenticationToken", "message": "no token"}}),
                        )
                    } else {
                        match method.as_str() {
                            "GET" => match d.docs.get(&path) {
                                Some(v) => ("200 OK", v.clone()),
                                None => missing(),
                            },
                            "PUT" => {
                                d.writes.push((method.clone(), path.clone(), sent.clone()));
                                let name = path.rsplit('/').next().unwrap_or("").to_string();
                                let doc = d
                                    .docs
                                    .entry(path.clone())
                                    .or_insert_with(|| json!({"id": path, "name": name}));
                                doc["properties"] = sent["properties"].clone();
                                ("200 OK", doc.clone())
                            }
                            "PATCH" => {
                                d.writes.push((method.clone(), path.clone(), sent.clone()));
                                match d.docs.get_mut(&path) {
                                    Some(doc) => {
                                        merge(doc, &sent);
                                        ("200 OK", doc.clone())
                                    }
                                    None => missing(),
                                }
                            }
                            "DELETE" => {
                                d.writes.push((method.clone(), path.clone(), Value::Null));
                                d.docs.remove(&path);
                                ("200 OK", Value::Null)
                            }
                            _ => missing(),
                        }
                    }
                };
                let text = if reply.is_null() {
                    String::new()
                } else {
                    reply.to_string()
                };
                let _ = s
                    .write_all(format!("HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}", text.len()).as_bytes())
                    .await;
                let _ = s.shutdown().await;
            });
        }
    });
    base
}

/// Resource Manager as discovery sees it: one subscription, one account.
pub fn discoverable(d: &mut Docs, id: &str, blob: &str) {
    d.docs.insert(
        "/subscriptions".into(),
        json!({"value": [{"id": "/subscriptions/sub-a", "subscriptionId": "sub-a", "displayName": "Data", "state": "Enabled"}]}),
    );
    d.docs.insert(
        "/subscriptions/sub-a/providers/Microsoft.Storage/storageAccounts".into(),
        json!({"value": [{"id": id, "name": id.rsplit('/').next().unwrap_or(id), "location": "westeurope", "kind": "StorageV2",
            "sku": {"name": "Standard_LRS"},
            "properties": {"primaryEndpoints": {"blob": blob}}}]}),
    );
}

/// A stand-in for the Azure CLI (`az` first on the PATH this answers) that
/// hands out the stub's token.
pub fn fake_az(dir: &std::path::Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let az = bin.join("az");
    std::fs::write(
        &az,
        format!(
            "#!/bin/sh\necho '{{\"accessToken\":\"{}\",\"expires_on\":4102444800,\"tokenType\":\"Bearer\"}}'\n",
            TOKEN
        ),
    )
    .unwrap();
    std::fs::set_permissions(&az, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}
