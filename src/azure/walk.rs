//! The parallel walker: every blob below a prefix, for the jobs that need a
//! whole tree (find, recursive download/copy planning, sizes, sync).
//!
//! Folders are listed with a delimiter (`/`), up to `parallel` of them at
//! once (16 by default): each listing's sub-folders join a queue as soon as
//! its page names them, so the walk fans out while the first pages still
//! come in. A folder that holds only blobs is listed page by page, which is
//! the flat listing; `flat: true` lists the whole prefix flat in one stream
//! instead (one request at a time).
//!
//! Results stream as they arrive, one page of blobs at a time, through a
//! bounded channel: a consumer that falls behind slows the listings down
//! instead of growing a buffer. Memory is bounded whatever the tree's size:
//! at most `CHANNEL_PAGES` pages waiting plus one page per running listing
//! (≤ 5,000 blobs each), and the queue of folder names not yet listed. Each
//! blob held is a [`WalkBlob`]: its name (24 bytes + the name's length) and
//! about 64 bytes of properties. The walk keeps nothing per blob once a page
//! is handed over; a job that needs a stable order or deduplication asks for
//! it with [`Walk::collect_sorted`], which holds the whole result (as a plan
//! does anyway).
//!
//! Cancelling (the token, or dropping the [`Walk`]) stops at once: requests
//! in flight are dropped, no new one starts.

use super::client::StorageClient;
use super::error::describe_error;
use super::find::LIST_PAGE_SIZE;
use super::listing::parse_http_date;
use super::listing_xml::RawItem;
use base64::Engine as _;
use std::collections::VecDeque;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::{CancellationToken, DropGuard};

/// Folders listed at once unless asked otherwise.
pub const DEFAULT_PARALLEL: usize = 16;
/// Pages of blobs waiting for the consumer before the listings wait.
pub const CHANNEL_PAGES: usize = 32;
/// The metadata key blobx writes on upload: the source file's modification
/// time, in unix milliseconds (what `blobx sync` compares).
pub const MTIME_KEY: &str = "blobx_mtime";

/// An access tier, as listings name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Hot,
    Cool,
    Cold,
    Archive,
    /// Premium block blobs, page and append blobs: no tier.
    Other,
}

impl Tier {
    pub const ALL: [Tier; 5] = [
        Tier::Hot,
        Tier::Cool,
        Tier::Cold,
        Tier::Archive,
        Tier::Other,
    ];

    pub fn parse(s: Option<&str>) -> Self {
        match s.map(str::to_ascii_lowercase).as_deref() {
            Some("hot") => Tier::Hot,
            Some("cool") => Tier::Cool,
            Some("cold") => Tier::Cold,
            Some("archive") => Tier::Archive,
            _ => Tier::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Tier::Hot => "Hot",
            Tier::Cool => "Cool",
            Tier::Cold => "Cold",
            Tier::Archive => "Archive",
            Tier::Other => "none",
        }
    }
}

/// One blob found by a walk.
#[derive(Clone, Debug, PartialEq)]
pub struct WalkBlob {
    pub name: String,
    pub size: u64,
    /// Unix seconds.
    pub last_modified: Option<i64>,
    pub tier: Tier,
    /// Content-MD5 (listed with `details`).
    pub content_md5: Option<[u8; 16]>,
    /// Source modification time blobx recorded on upload, unix milliseconds
    /// (metadata [`MTIME_KEY`], listed with `details`).
    pub source_mtime_ms: Option<i64>,
    /// What lifecycle rules look at (listed with `lifecycle`).
    pub lifecycle: Option<Box<LifecycleFacts>>,
}

/// A blob's facts that lifecycle management rules test: its times, type,
/// index tags, and whether it is a snapshot or an older version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LifecycleFacts {
    /// Unix seconds.
    pub created: Option<i64>,
    /// Unix seconds; `None` when last access tracking is off.
    pub last_access: Option<i64>,
    /// `BlockBlob`, `AppendBlob` or `PageBlob`.
    pub blob_type: String,
    pub tags: Vec<(String, String)>,
    /// The snapshot's timestamp, for a snapshot.
    pub snapshot: Option<String>,
    pub version_id: Option<String>,
    /// `Some(false)` for an older version.
    pub is_current_version: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Listings at once (at least 1).
    pub parallel: usize,
    /// Also list Content-MD5 and metadata (`include=metadata`).
    pub details: bool,
    /// One flat listing of the prefix instead of folder by folder.
    pub flat: bool,
    /// Also list what lifecycle rules test: snapshots, versions and index
    /// tags (`include=snapshots,versions,tags`), creation and access times.
    /// Snapshots and versions come as further entries under the same name.
    pub lifecycle: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            parallel: DEFAULT_PARALLEL,
            details: false,
            flat: false,
            lifecycle: false,
        }
    }
}

/// A running walk: pages of blobs until the channel closes. Dropping it
/// cancels the walk.
pub struct Walk {
    rx: mpsc::Receiver<Result<Vec<WalkBlob>, String>>,
    cancel: CancellationToken,
    _guard: DropGuard,
}

impl Walk {
    /// Starts walking `container` below `prefix` (a folder ending in `/`, or
    /// any start of a name) on the current tokio runtime.
    pub fn start(
        client: StorageClient,
        container: &str,
        prefix: &str,
        options: WalkOptions,
        cancel: CancellationToken,
    ) -> Self {
        let (tx, rx) = mpsc::channel(CHANNEL_PAGES);
        let job = Job {
            client,
            container: container.to_string(),
            details: options.details,
            hierarchical: false,
            flat: options.flat,
            lifecycle: options.lifecycle,
            cancel: cancel.clone(),
        };
        tokio::spawn(coordinate(job, prefix.to_string(), options.parallel, tx));
        Self {
            rx,
            _guard: cancel.clone().drop_guard(),
            cancel,
        }
    }

    /// The next page of blobs (or a listing's error, in words); `None` when
    /// the walk is over or cancelled.
    pub async fn next(&mut self) -> Option<Result<Vec<WalkBlob>, String>> {
        if self.cancel.is_cancelled() {
            return None;
        }
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => None,
            page = self.rx.recv() => page,
        }
    }

    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Every blob, sorted by name, each once; the first error ends it.
    pub async fn collect_sorted(mut self) -> Result<Vec<WalkBlob>, String> {
        let mut all = Vec::new();
        while let Some(page) = self.next().await {
            all.extend(page?);
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all.dedup_by(|a, b| a.name == b.name);
        Ok(all)
    }
}

#[derive(Clone)]
struct Job {
    client: StorageClient,
    container: String,
    details: bool,
    /// A hierarchical account: metadata is listed to tell directories.
    hierarchical: bool,
    flat: bool,
    lifecycle: bool,
    cancel: CancellationToken,
}

type Tx = mpsc::Sender<Result<Vec<WalkBlob>, String>>;

async fn coordinate(mut job: Job, prefix: String, parallel: usize, tx: Tx) {
    let parallel = parallel.max(1);
    let kind = tokio::select! {
        biased;
        _ = job.cancel.cancelled() => return,
        h = job.client.try_hierarchical() => h,
    };
    job.hierarchical = match kind {
        Ok(h) => h,
        Err(e) => {
            let why = describe_error(&e, job.client.account());
            let _ = tx
                .send(Err(format!("listing {}/{prefix}: {why}", job.container)))
                .await;
            return;
        }
    };
    let (found_tx, mut found_rx) = mpsc::unbounded_channel::<String>();
    let mut pending = VecDeque::from([prefix]);
    let mut running = JoinSet::new();
    loop {
        while running.len() < parallel {
            let Some(folder) = pending.pop_front() else {
                break;
            };
            running.spawn(list_folder(
                job.clone(),
                folder,
                tx.clone(),
                found_tx.clone(),
            ));
        }
        if running.is_empty() {
            while let Ok(f) = found_rx.try_recv() {
                pending.push_back(f);
            }
            if pending.is_empty() {
                return;
            }
            continue;
        }
        tokio::select! {
            biased;
            _ = job.cancel.cancelled() => break,
            _ = tx.closed() => break,
            Some(folder) = found_rx.recv() => pending.push_back(folder),
            Some(joined) = running.join_next() => {
                if let Err(e) = joined
                    && !e.is_cancelled()
                {
                    let _ = tx.send(Err(format!("a listing task failed: {e}"))).await;
                }
            }
        }
    }
    running.abort_all();
}

/// Lists one folder page by page: blobs to `tx`, sub-folders to `found`.
async fn list_folder(job: Job, folder: String, tx: Tx, found: mpsc::UnboundedSender<String>) {
    let delimiter = (!job.flat).then_some("/");
    let metadata = job.details || job.hierarchical;
    let include = match (metadata, job.lifecycle) {
        (false, false) => None,
        (true, false) => Some("metadata"),
        (false, true) => Some("snapshots,versions,tags"),
        (true, true) => Some("metadata,snapshots,versions,tags"),
    };
    let mut marker: Option<String> = None;
    loop {
        let request = job.client.list_body_including(
            &job.container,
            &folder,
            delimiter,
            marker.as_deref(),
            LIST_PAGE_SIZE,
            include,
        );
        let body = tokio::select! {
            biased;
            _ = job.cancel.cancelled() => return,
            body = request => body,
        };
        let page = body
            .map_err(|e| describe_error(&e, job.client.account()))
            .and_then(|b| parse_walk_page_with(&b, job.lifecycle));
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                let _ = tx
                    .send(Err(format!("listing {}/{folder}: {e}", job.container)))
                    .await;
                return;
            }
        };
        for p in page.prefixes {
            // A prefix equal to the folder itself would loop.
            if p != folder && found.send(p).is_err() {
                return;
            }
        }
        if !page.blobs.is_empty() {
            tokio::select! {
                biased;
                _ = job.cancel.cancelled() => return,
                sent = tx.send(Ok(page.blobs)) => if sent.is_err() { return },
            }
        }
        marker = page.next_marker;
        if marker.is_none() {
            return;
        }
    }
}

/// One page as the walker needs it.
#[derive(Debug, Default)]
pub struct WalkPage {
    pub blobs: Vec<WalkBlob>,
    pub prefixes: Vec<String>,
    pub next_marker: Option<String>,
}

fn md5_from_base64(s: &str) -> Option<[u8; 16]> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .ok()?
        .try_into()
        .ok()
}

/// Parses a List Blobs body (flat or with a delimiter, with or without
/// metadata). Folder markers (names ending in `/`) and the directories of a
/// hierarchical account (metadata `hdi_isfolder=true`, listed with
/// metadata) are left out of `blobs`: they are folders, not files.
pub fn parse_walk_page(xml: &str) -> Result<WalkPage, String> {
    parse_walk_page_with(xml, false)
}

/// [`parse_walk_page`], keeping each blob's [`LifecycleFacts`] when asked.
pub fn parse_walk_page_with(xml: &str, lifecycle: bool) -> Result<WalkPage, String> {
    let raw = super::listing_xml::parse(xml)?;
    let mut page = WalkPage {
        next_marker: raw.next_marker.filter(|m| !m.is_empty()),
        ..WalkPage::default()
    };
    for item in raw.blobs.items {
        match item {
            RawItem::BlobPrefix(p) => page.prefixes.push(p.name.into_string()),
            RawItem::Blob(boxed) => {
                let b = *boxed;
                let directory = b.is_directory();
                let name = b.name.into_string();
                if name.ends_with('/') || directory {
                    continue;
                }
                let p = b.properties;
                let facts = lifecycle.then(|| {
                    Box::new(LifecycleFacts {
                        created: p.creation_time.as_deref().and_then(parse_http_date),
                        last_access: p.last_access_time.as_deref().and_then(parse_http_date),
                        blob_type: p.blob_type.clone().unwrap_or_default(),
                        tags: b
                            .tags
                            .set
                            .tags
                            .into_iter()
                            .map(|t| (t.key, t.value))
                            .collect(),
                        snapshot: b.snapshot.filter(|s| !s.is_empty()),
                        version_id: b.version_id.filter(|s| !s.is_empty()),
                        is_current_version: b.is_current_version,
                    })
                });
                page.blobs.push(WalkBlob {
                    name,
                    size: p.content_length.unwrap_or(0),
                    last_modified: p.last_modified.as_deref().and_then(parse_http_date),
                    tier: Tier::parse(p.access_tier.as_deref()),
                    content_md5: p.content_md5.as_deref().and_then(md5_from_base64),
                    source_mtime_ms: b.metadata.mtime.and_then(|m| m.trim().parse().ok()),
                    lifecycle: facts,
                });
            }
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="data">
  <Prefix>a/</Prefix><MaxResults>5000</MaxResults><Delimiter>/</Delimiter>
  <Blobs>
    <Blob><Name>a/one.csv</Name><Properties><Last-Modified>Mon, 23 Nov 2026 07:21:05 GMT</Last-Modified><Content-Length>1234</Content-Length><Content-MD5>1B2M2Y8AsgTpgAmY7PhCfg==</Content-MD5><AccessTier>Cool</AccessTier></Properties><Metadata><other>x</other><blobx_mtime>1700000000123</blobx_mtime></Metadata></Blob>
    <BlobPrefix><Name>a/sub/</Name></BlobPrefix>
    <Blob><Name>a/marker/</Name><Properties><Content-Length>0</Content-Length></Properties><Metadata /></Blob>
    <Blob><Name>a/dir</Name><Properties><Content-Length>0</Content-Length></Properties><Metadata><hdi_isfolder>true</hdi_isfolder></Metadata></Blob>
    <Blob><Name>a/empty.txt</Name><Properties><Content-Length>0</Content-Length></Properties><Metadata><hdi_isfolder>false</hdi_isfolder></Metadata></Blob>
    <Blob><Name Encoded="true">a/%EF%BF%BEodd</Name><Properties><Content-Length>7</Content-Length><Content-MD5>not base64!</Content-MD5></Properties></Blob>
  </Blobs>
  <NextMarker>abc</NextMarker>
</EnumerationResults>"#;

    #[test]
    fn parses_blobs_prefixes_md5_and_the_mtime_key() {
        let page = parse_walk_page(PAGE).unwrap();
        assert_eq!(page.prefixes, ["a/sub/"]);
        let names: Vec<_> = page.blobs.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            names,
            ["a/one.csv", "a/empty.txt", "a/\u{fffe}odd"],
            "folder markers and directories left out"
        );
        let one = &page.blobs[0];
        assert_eq!(one.size, 1234);
        assert_eq!(one.tier, Tier::Cool);
        assert_eq!(one.last_modified, Some(1_795_418_465));
        assert_eq!(
            one.content_md5,
            Some([
                0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8,
                0x42, 0x7e
            ])
        );
        assert_eq!(one.source_mtime_ms, Some(1_700_000_000_123));
        assert_eq!(page.blobs[2].content_md5, None, "bad base64 is no MD5");
        assert_eq!(page.blobs[2].tier, Tier::Other);
        assert_eq!(page.next_marker.as_deref(), Some("abc"));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_walk_page("<<<").is_err());
        assert!(
            parse_walk_page("<EnumerationResults/>")
                .unwrap()
                .blobs
                .is_empty()
        );
    }
}
