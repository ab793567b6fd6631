//! Blob Batch: up to 256 Delete Blob or Set Blob Tier sub-requests in one
//! `POST ?restype=container&comp=batch` (multipart/mixed), each signed on its
//! own, each answered with its own status. Where a service (or the auth in
//! use) cannot batch, the caller's single requests do the work instead.

use super::account::Auth;
use super::client::StorageClient;
use super::http::{OpError, blob_url, with_query};
use super::ops::{AccessTier, BatchReport};
use super::signing::SharedKeyPolicy;
use azure_core::http::{Method, Request};
use futures::StreamExt;

/// The most sub-requests one batch may carry.
pub const MAX_BATCH: usize = 256;

/// One change a batch can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchOp {
    /// Delete Blob; with snapshots (`x-ms-delete-snapshots: include`) or not.
    Delete {
        include_snapshots: bool,
    },
    SetTier(AccessTier),
}

/// What happened to one sub-request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubResult {
    Done,
    /// The service's status, error code and words.
    Failed {
        status: u16,
        code: Option<String>,
        message: String,
    },
}

/// Why a whole batch did not run; the caller falls back to single requests.
/// `permanent` when the service answered that it will not take batches (a
/// 4xx or 501, or an auth that cannot sign them), not a passing fault.
#[derive(Debug)]
pub struct Refused {
    pub why: String,
    pub permanent: bool,
}

impl Refused {
    fn passing(why: String) -> Self {
        Self {
            why,
            permanent: false,
        }
    }

    fn permanent(why: String) -> Self {
        Self {
            why,
            permanent: true,
        }
    }
}

/// Whether this client's auth can sign sub-requests: the account key, a SAS
/// (carried in each sub-request's URL) or an Entra ID token (in each
/// sub-request's header). Anonymous access cannot change blobs.
pub fn can_batch(client: &StorageClient) -> bool {
    match &client.account().auth {
        Auth::Anonymous => false,
        // A SAS for one blob cannot authorize a request to its container.
        Auth::Sas { info, .. } => info.resource.as_deref() != Some("b"),
        Auth::SharedKey { .. } | Auth::Token(_) => true,
    }
}

/// Where the batch is posted. An account SAS speaks for the service, so its
/// batch goes to the account (`/?comp=batch`; the emulator authorizes only
/// that with an account SAS); everything else to the container, which a
/// container SAS can authorize.
fn batch_url(client: &StorageClient, container: &str) -> url::Url {
    match &client.account().auth {
        Auth::Sas { info, .. } if info.resource.is_none() => {
            with_query(client.account().blob_endpoint.clone(), &[("comp", "batch")])
        }
        _ => with_query(
            client.container_url(container),
            &[("restype", "container"), ("comp", "batch")],
        ),
    }
}

/// How each sub-request is signed: the service checks every one on its own.
enum Signer {
    Key(SharedKeyPolicy),
    /// The SAS query (without `?`), appended to each sub-request's URL.
    Sas(String),
    /// `Bearer …`, one token fetched for the whole batch.
    Bearer(String),
}

impl Signer {
    async fn for_client(client: &StorageClient) -> Result<Self, Refused> {
        let account = client.account();
        match &account.auth {
            Auth::SharedKey { key } => Ok(Self::Key(SharedKeyPolicy::new(&account.name, key))),
            Auth::Sas { token, .. } => Ok(Self::Sas(
                token.expose().trim_start_matches('?').to_string(),
            )),
            Auth::Token(credential) => credential
                .get_token(&[super::client::STORAGE_SCOPE], None)
                .await
                .map(|t| Self::Bearer(format!("Bearer {}", t.token.secret())))
                // Passing: single requests get their own token, and say why
                // if that fails too.
                .map_err(|e| Refused::passing(format!("no token to sign the batch with: {e}"))),
            Auth::Anonymous => Err(Refused::permanent(
                "anonymous access cannot change blobs".into(),
            )),
        }
    }

    async fn sign(&self, sub: &mut Request) -> Result<(), Refused> {
        match self {
            Self::Key(policy) => policy
                .sign_request(sub)
                .await
                .map_err(|e| Refused::permanent(format!("cannot sign a sub-request: {e}"))),
            Self::Sas(query) => {
                let url = sub.url_mut();
                let joined = match url.query() {
                    Some(q) if !q.is_empty() => format!("{q}&{query}"),
                    _ => query.clone(),
                };
                url.set_query(Some(&joined));
                Ok(())
            }
            Self::Bearer(value) => {
                sub.insert_header("authorization", value.clone());
                Ok(())
            }
        }
    }
}

fn boundary() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "batch_{nanos:x}{:04x}",
        N.fetch_add(1, Ordering::Relaxed) & 0xffff
    )
}

/// Builds the multipart body: each sub-request signed with `signer`.
async fn body(
    client: &StorageClient,
    signer: &Signer,
    container: &str,
    blobs: &[String],
    op: BatchOp,
    boundary: &str,
) -> Result<String, Refused> {
    let mut out = String::new();
    for (i, blob) in blobs.iter().enumerate() {
        let (method, url, extra) = match op {
            BatchOp::Delete { include_snapshots } => (
                Method::Delete,
                blob_url(client, container, blob),
                include_snapshots.then_some(("x-ms-delete-snapshots", "include".to_string())),
            ),
            BatchOp::SetTier(t) => (
                Method::Put,
                with_query(blob_url(client, container, blob), &[("comp", "tier")]),
                Some(("x-ms-access-tier", t.as_str().to_string())),
            ),
        };
        let mut sub = Request::new(url.clone(), method);
        sub.insert_header("content-length", "0");
        if let Some((k, v)) = &extra {
            sub.insert_header(*k, v.clone());
        }
        signer.sign(&mut sub).await?;
        let url = sub.url().clone();
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: {i}\r\n\r\n{} {path} HTTP/1.1\r\n",
            method.as_str()
        ));
        for (name, value) in sub.headers().iter() {
            out.push_str(&format!("{}: {}\r\n", name.as_str(), value.as_str()));
        }
        out.push_str("\r\n");
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    Ok(out)
}

/// Sends one batch of at most [`MAX_BATCH`] changes to blobs of `container`.
/// `Ok` holds a result per blob, in order; `Err` means nothing is known to
/// have run (the caller falls back to single requests, which are idempotent
/// for deletes and tier changes).
pub async fn send_batch(
    client: &StorageClient,
    container: &str,
    blobs: &[String],
    op: BatchOp,
) -> Result<Vec<SubResult>, Refused> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    if blobs.len() > MAX_BATCH {
        return Err(Refused::permanent(format!(
            "a batch carries at most {MAX_BATCH} changes, not {}",
            blobs.len()
        )));
    }
    let signer = Signer::for_client(client).await?;
    let boundary = boundary();
    let text = body(client, &signer, container, blobs, op, &boundary).await?;
    let mut request = Request::new(batch_url(client, container), Method::Post);
    request.insert_header(
        "content-type",
        format!("multipart/mixed; boundary={boundary}"),
    );
    request.insert_header("content-length", text.len().to_string());
    request.set_body(bytes::Bytes::from(text));
    let r = client.send_request(request).await.map_err(|e| {
        let why = format!("the service refused the batch: {e}");
        match e.http_status().map(u16::from) {
            Some(s) if (400..500).contains(&s) || s == 501 => Refused::permanent(why),
            _ => Refused::passing(why),
        }
    })?;
    let content_type = super::http::header(&r, "content-type").unwrap_or_default();
    let body = String::from_utf8_lossy(r.body());
    parse_batch_response(&content_type, &body, blobs.len()).map_err(Refused::passing)
}

/// Reads a batch response: one result per sub-request, by Content-ID.
pub fn parse_batch_response(
    content_type: &str,
    body: &str,
    expected: usize,
) -> Result<Vec<SubResult>, String> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_string())
        .ok_or_else(|| format!("the batch answer has no boundary ({content_type:?})"))?;
    let delimiter = format!("--{boundary}");
    let mut results: Vec<Option<SubResult>> = vec![None; expected];
    let mut next_index = 0usize;
    for part in body.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.trim_start_matches(['\r', '\n']);
        // Part headers, a blank line, then the HTTP response.
        let (part_headers, http) =
            split_blank(part).ok_or_else(|| "a batch answer part has no body".to_string())?;
        let index = part_headers
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("content-id")
                    .then(|| v.trim().parse::<usize>().ok())
                    .flatten()
            })
            .unwrap_or(next_index);
        next_index = index + 1;
        let (head, rest) = split_blank(http).unwrap_or((http, ""));
        let mut lines = head.lines();
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("a batch answer part has no status line: {head:.80}"))?;
        let code = lines.find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("x-ms-error-code")
                .then(|| v.trim().to_string())
        });
        let result = if (200..300).contains(&status) {
            SubResult::Done
        } else {
            SubResult::Failed {
                status,
                message: xml_message(rest).unwrap_or_else(|| {
                    code.clone()
                        .unwrap_or_else(|| format!("the service answered {status}"))
                }),
                code,
            }
        };
        if let Some(slot) = results.get_mut(index) {
            *slot = Some(result);
        }
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.ok_or_else(|| format!("the batch answer says nothing of change {i}")))
        .collect()
}

fn split_blank(text: &str) -> Option<(&str, &str)> {
    if let Some(i) = text.find("\r\n\r\n") {
        return Some((&text[..i], &text[i + 4..]));
    }
    text.find("\n\n").map(|i| (&text[..i], &text[i + 2..]))
}

fn xml_message(body: &str) -> Option<String> {
    let s = body.find("<Message>")? + "<Message>".len();
    let e = s + body[s..].find("</Message>")?;
    Some(
        body[s..e]
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string(),
    )
}

/// Batches sent at once.
const BATCHES_IN_FLIGHT: usize = 4;

fn failure_words(status: u16, code: Option<&str>, message: &str) -> String {
    match code {
        Some(c) if !message.contains(c) => format!("{message} ({c}, {status})"),
        _ => format!("{message} ({status})"),
    }
}

/// Runs `op` on `blobs` of `container` in batches, falling back to
/// `single` for a batch the service refuses (and for all of them when the
/// first is refused or the auth cannot batch). Returns (name, size, result).
async fn many<F, Fut>(
    client: &StorageClient,
    container: &str,
    blobs: &[(String, u64)],
    op: BatchOp,
    single: F,
) -> Vec<(String, u64, Result<(), SubResult>)>
where
    F: Fn(Vec<(String, u64)>) -> Fut,
    Fut: std::future::Future<Output = Vec<(String, u64, Result<(), SubResult>)>>,
{
    if blobs.is_empty() {
        return Vec::new();
    }
    if !can_batch(client) {
        return single(blobs.to_vec()).await;
    }
    let chunks: Vec<Vec<(String, u64)>> = blobs.chunks(MAX_BATCH).map(<[_]>::to_vec).collect();
    let attempt = |chunk: Vec<(String, u64)>| async move {
        let names: Vec<String> = chunk.iter().map(|(n, _)| n.clone()).collect();
        match send_batch(client, container, &names, op).await {
            Ok(results) => Ok(chunk
                .into_iter()
                .zip(results)
                .map(|((n, s), r)| match r {
                    SubResult::Done => (n, s, Ok(())),
                    failed => (n, s, Err(failed)),
                })
                .collect::<Vec<_>>()),
            Err(refused) => Err((chunk, refused)),
        }
    };
    let mut out = Vec::with_capacity(blobs.len());
    let mut rest = chunks.into_iter();
    // The first batch alone: a service that refuses batches is asked once.
    if let Some(first) = rest.next() {
        match attempt(first).await {
            Ok(r) => out.extend(r),
            Err((chunk, refused)) => {
                tracing::info!(container, reason = %refused.why, "batch failed; one request per blob");
                out.extend(single(chunk).await);
                if refused.permanent {
                    for c in rest {
                        out.extend(single(c).await);
                    }
                    return out;
                }
            }
        }
    }
    let results: Vec<_> = futures::stream::iter(rest)
        .map(attempt)
        .buffer_unordered(BATCHES_IN_FLIGHT)
        .collect()
        .await;
    for r in results {
        match r {
            Ok(r) => out.extend(r),
            // Nothing is known of what ran: deletes and tier changes are
            // idempotent, so the chunk is done again one blob at a time.
            Err((chunk, refused)) => {
                tracing::info!(container, reason = %refused.why, "batch failed; one request per blob");
                out.extend(single(chunk).await);
            }
        }
    }
    out
}

fn op_error(e: OpError, client: &StorageClient) -> SubResult {
    SubResult::Failed {
        status: e.status().unwrap_or(0),
        code: None,
        message: e.describe(client.account()),
    }
}

fn report(
    client: &StorageClient,
    results: Vec<(String, u64, Result<(), SubResult>)>,
    gone_is_done: bool,
) -> BatchReport {
    let _ = client;
    let mut report = BatchReport::default();
    for (name, size, r) in results {
        match r {
            Ok(()) => {
                report.done += 1;
                report.bytes += size;
            }
            // Deleted meanwhile by someone else: it is gone, as asked.
            Err(SubResult::Failed { status: 404, .. }) if gone_is_done => report.done += 1,
            Err(SubResult::Failed {
                status,
                code,
                message,
            }) => report
                .failed
                .push((name, failure_words(status, code.as_deref(), &message))),
            Err(SubResult::Done) => report.done += 1,
        }
    }
    report.failed.sort();
    report
}

/// Deletes blobs in batches (single requests where batches are refused).
pub async fn delete_many(
    client: &StorageClient,
    container: &str,
    blobs: &[(String, u64)],
    include_snapshots: bool,
) -> BatchReport {
    let single = |chunk: Vec<(String, u64)>| async move {
        let r = super::ops::delete_singly(client, container, &chunk, include_snapshots).await;
        let failed: std::collections::HashMap<String, String> = r.failed.into_iter().collect();
        chunk
            .into_iter()
            .map(|(n, s)| {
                let res = match failed.get(&n) {
                    Some(why) => Err(SubResult::Failed {
                        status: 0,
                        code: None,
                        message: why.clone(),
                    }),
                    None => Ok(()),
                };
                (n, s, res)
            })
            .collect::<Vec<_>>()
    };
    let results = many(
        client,
        container,
        blobs,
        BatchOp::Delete { include_snapshots },
        single,
    )
    .await;
    report(client, results, true)
}

/// Sets the tier of blobs in batches (single requests where batches are refused).
pub async fn set_tier_many(
    client: &StorageClient,
    container: &str,
    blobs: &[(String, u64)],
    tier: AccessTier,
) -> BatchReport {
    let single = |chunk: Vec<(String, u64)>| async move {
        futures::stream::iter(chunk)
            .map(|(n, s)| async move {
                let r = super::ops::set_tier(client, container, &n, tier, None)
                    .await
                    .map(|_| ())
                    .map_err(|e| op_error(e, client));
                (n, s, r)
            })
            .buffer_unordered(16)
            .collect::<Vec<_>>()
            .await
    };
    let results = many(client, container, blobs, BatchOp::SetTier(tier), single).await;
    report(client, results, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_part_by_content_id() {
        let body = "--batchresponse_1\r\nContent-Type: application/http\r\nContent-ID: 1\r\n\r\nHTTP/1.1 404 The specified blob does not exist.\r\nx-ms-error-code: BlobNotFound\r\nContent-Length: 100\r\n\r\n<?xml version=\"1.0\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.\nRequestId:1</Message></Error>\r\n--batchresponse_1\r\nContent-Type: application/http\r\nContent-ID: 0\r\n\r\nHTTP/1.1 202 Accepted\r\nx-ms-delete-type-permanent: true\r\n\r\n\r\n--batchresponse_1--\r\n";
        let r = parse_batch_response("multipart/mixed; boundary=batchresponse_1", body, 2).unwrap();
        assert_eq!(r[0], SubResult::Done);
        assert_eq!(
            r[1],
            SubResult::Failed {
                status: 404,
                code: Some("BlobNotFound".into()),
                message: "The specified blob does not exist.".into()
            }
        );
        assert!(parse_batch_response("multipart/mixed", body, 2).is_err());
        assert!(
            parse_batch_response("multipart/mixed; boundary=batchresponse_1", body, 3).is_err(),
            "a missing answer is an error, not a success"
        );
        assert!(parse_batch_response("multipart/mixed; boundary=x", "garbage", 1).is_err());
    }
}
