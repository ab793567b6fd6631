//! A fault-injecting HTTP proxy for tests: sits between blobx and Azurite and,
//! on a seeded schedule, answers 500 or 503 (with Retry-After) without
//! forwarding, resets the connection before answering, or forwards the request
//! and then cuts the response body short. One request per connection, so
//! every request is seen and counted.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub status_500: AtomicU64,
    pub status_503: AtomicU64,
    pub resets: AtomicU64,
    pub truncated: AtomicU64,
    /// Whole requests forwarded upstream, and whole responses passed back,
    /// heads included: what crossed the wire (a counting proxy at 0%).
    pub request_bytes: AtomicU64,
    pub response_bytes: AtomicU64,
    /// Every request seen, in order: its path and, for a ranged GET, where
    /// the range starts (so a test can tell what was fetched again).
    pub seen: std::sync::Mutex<Vec<Seen>>,
}

#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub range_start: Option<u64>,
}

impl Seen {
    fn parse(request: &[u8]) -> Option<Self> {
        let end = find(request, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&request[..end]);
        let mut lines = head.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let method = first.next()?.to_string();
        let path = first.next()?.split('?').next()?.to_string();
        let range_start = lines.find_map(|l| {
            let (k, v) = l.split_once(':')?;
            let k = k.trim().to_ascii_lowercase();
            (k == "x-ms-range" || k == "range")
                .then(|| {
                    v.trim()
                        .strip_prefix("bytes=")?
                        .split('-')
                        .next()?
                        .parse()
                        .ok()
                })
                .flatten()
        });
        Some(Self {
            method,
            path,
            range_start,
        })
    }
}

impl Counters {
    pub fn faults(&self) -> u64 {
        self.status_500.load(Ordering::Relaxed)
            + self.status_503.load(Ordering::Relaxed)
            + self.resets.load(Ordering::Relaxed)
            + self.truncated.load(Ordering::Relaxed)
    }

    pub fn summary(&self) -> String {
        format!(
            "{} requests, {} faults injected ({} × 500, {} × 503 Retry-After, {} resets, {} truncated bodies)",
            self.requests.load(Ordering::Relaxed),
            self.faults(),
            self.status_500.load(Ordering::Relaxed),
            self.status_503.load(Ordering::Relaxed),
            self.resets.load(Ordering::Relaxed),
            self.truncated.load(Ordering::Relaxed),
        )
    }
}

pub struct FaultProxy {
    pub host: String,
    pub counters: Arc<Counters>,
}

#[derive(Clone, Copy)]
enum Fault {
    None,
    Error500,
    Busy503,
    Reset,
    Truncate,
}

/// splitmix64: a fixed seed gives the same schedule every run.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn schedule(seed: u64, n: u64, percent: u64) -> Fault {
    let r = mix(seed ^ mix(n));
    if r % 100 >= percent {
        return Fault::None;
    }
    match (r >> 8) % 4 {
        0 => Fault::Error500,
        1 => Fault::Busy503,
        2 => Fault::Reset,
        _ => Fault::Truncate,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Reads one HTTP/1.1 message (head + Content-Length body).
async fn read_message(s: &mut TcpStream, until_eof: bool) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        if !until_eof && let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return Ok(buf);
            }
        }
        let n = s.read(&mut chunk).await?;
        if n == 0 {
            return Ok(buf);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Forces `Connection: close` so each connection carries one request.
fn close_after(mut msg: Vec<u8>) -> Vec<u8> {
    if let Some(end) = find(&msg, b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&msg[..end]).into_owned();
        let kept: Vec<&str> = head
            .split("\r\n")
            .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
            .collect();
        let mut out = kept.join("\r\n").into_bytes();
        out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
        out.extend_from_slice(&msg.split_off(end + 4));
        return out;
    }
    msg
}

/// Says the account has a hierarchical namespace: Get Account Information's
/// `x-ms-is-hns-enabled: false` becomes `true` (Azurite has none).
fn as_hierarchical(response: Vec<u8>) -> Vec<u8> {
    let Some(end) = find(&response, b"\r\n\r\n") else {
        return response;
    };
    let head = String::from_utf8_lossy(&response[..end]).into_owned();
    let head: Vec<String> = head
        .split("\r\n")
        .map(|l| {
            if l.to_ascii_lowercase().starts_with("x-ms-is-hns-enabled:") {
                "x-ms-is-hns-enabled: true".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    let mut out = head.join("\r\n").into_bytes();
    out.extend_from_slice(&response[end..]);
    out
}

async fn handle(
    mut client: TcpStream,
    upstream: String,
    fault: Fault,
    counters: Arc<Counters>,
    hierarchical: bool,
) {
    let Ok(request) = read_message(&mut client, false).await else {
        return;
    };
    if request.is_empty() {
        return;
    }
    counters.requests.fetch_add(1, Ordering::Relaxed);
    if let (Some(seen), Ok(mut log)) = (Seen::parse(&request), counters.seen.lock()) {
        log.push(seen);
    }
    let canned = |status: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n")
            .into_bytes()
    };
    match fault {
        Fault::Error500 => {
            counters.status_500.fetch_add(1, Ordering::Relaxed);
            let _ = client
                .write_all(&canned("500 Internal Server Error", ""))
                .await;
            return;
        }
        Fault::Busy503 => {
            counters.status_503.fetch_add(1, Ordering::Relaxed);
            let _ = client
                .write_all(&canned("503 Server Busy", "Retry-After: 1\r\n"))
                .await;
            return;
        }
        Fault::Reset => {
            counters.resets.fetch_add(1, Ordering::Relaxed);
            // Close without a byte of answer: the client sees the connection end.
            return;
        }
        _ => {}
    }
    let Ok(mut up) = TcpStream::connect(&upstream).await else {
        return;
    };
    counters
        .request_bytes
        .fetch_add(request.len() as u64, Ordering::Relaxed);
    if up.write_all(&close_after(request)).await.is_err() {
        return;
    }
    let Ok(mut response) = read_message(&mut up, true).await else {
        return;
    };
    if hierarchical {
        response = as_hierarchical(response);
    }
    if let Fault::Truncate = fault
        && let Some(end) = find(&response, b"\r\n\r\n")
        && response.len() > end + 4 + 1
    {
        counters.truncated.fetch_add(1, Ordering::Relaxed);
        // Headers promise the whole body; half of it arrives.
        let cut = end + 4 + (response.len() - end - 4) / 2;
        let _ = client.write_all(&response[..cut]).await;
        return;
    }
    counters
        .response_bytes
        .fetch_add(response.len() as u64, Ordering::Relaxed);
    let _ = client.write_all(&response).await;
    let _ = client.shutdown().await;
}

impl FaultProxy {
    /// Proxies to `upstream` (`127.0.0.1:PORT`), breaking `percent`% of requests.
    pub async fn start(upstream: &str, seed: u64, percent: u64) -> Self {
        Self::start_with(upstream, seed, percent, false).await
    }

    /// Azurite as a hierarchical (Data Lake Storage Gen2) account: Get
    /// Account Information says so; everything else is forwarded as is.
    /// Directories are then 0-byte blobs with metadata `hdi_isfolder=true`,
    /// as the service lists them.
    pub async fn hierarchical(upstream: &str) -> Self {
        Self::start_with(upstream, 0, 0, true).await
    }

    async fn start_with(upstream: &str, seed: u64, percent: u64, hierarchical: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let host = format!("http://{}", listener.local_addr().expect("addr"));
        let counters = Arc::new(Counters::default());
        let (c, up) = (counters.clone(), upstream.to_string());
        tokio::spawn(async move {
            let mut n = 0u64;
            while let Ok((socket, _)) = listener.accept().await {
                let fault = schedule(seed, n, percent);
                n += 1;
                tokio::spawn(handle(socket, up.clone(), fault, c.clone(), hierarchical));
            }
        });
        Self { host, counters }
    }
}

/// What [`FaultProxy::answering`] says to every request.
#[derive(Clone, Debug)]
pub struct Refusal {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// The `Date` header; `None` sends none (the clock is then not judged).
    pub date: Option<String>,
}

impl Refusal {
    pub fn new(status: u16, code: &str, message: &str) -> Self {
        Self {
            status,
            code: code.to_string(),
            message: message.to_string(),
            date: None,
        }
    }

    fn response(&self) -> Vec<u8> {
        let body = format!(
            "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{}</Code><Message>{}\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2026-11-30T00:00:00.0000000Z</Message></Error>",
            self.code, self.message
        );
        let date = self
            .date
            .as_ref()
            .map(|d| format!("Date: {d}\r\n"))
            .unwrap_or_default();
        format!(
            "HTTP/1.1 {} Refused\r\nContent-Type: application/xml\r\nx-ms-error-code: {}\r\n{date}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.status,
            self.code,
            body.len()
        )
        .into_bytes()
    }
}

impl FaultProxy {
    /// Answers every request with `refusal`, forwarding nothing: the service
    /// as a firewall, a role assignment or a policy would make it answer.
    pub async fn answering(refusal: Refusal) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let host = format!("http://{}", listener.local_addr().expect("addr"));
        let counters = Arc::new(Counters::default());
        let c = counters.clone();
        let response = Arc::new(refusal.response());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (c, response) = (c.clone(), response.clone());
                tokio::spawn(async move {
                    let Ok(request) = read_message(&mut socket, false).await else {
                        return;
                    };
                    if request.is_empty() {
                        return;
                    }
                    c.requests.fetch_add(1, Ordering::Relaxed);
                    let _ = socket.write_all(&response).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { host, counters }
    }
}
