//! Listing and filtering benchmark: blobx against the raw REST floor and
//! against peers (the Python SDK and azcopy), in one run, on one in-memory
//! Azurite seeded with 100,000 blobs in 100 folders.
//!
//! Rerun with `bash tests/bench/run.sh` (installs the peers, then runs this);
//! `bash tests/bench/run.sh --write-doc` also refreshes the figures in
//! BENCHMARKS.md. Running the example alone works too; peers are then skipped.
//!
//! Environment (set by run.sh):
//!   BENCH_PYTHON / BENCH_PYTHON_SKIP   the venv's python, or why it is missing
//!   BENCH_AZCOPY / BENCH_AZCOPY_SKIP   the azcopy binary, or why it is missing
//!   BENCH_RUNS        repetitions of every timing, the median is reported (3)
//!   BENCH_PER_FOLDER  blobs per folder (1000; smaller only for a smoke test)
//!   BENCH_WRITE_DOC   a markdown file whose bench_listing block gets the results

#[path = "../support/emulator.rs"]
mod emulator;
#[path = "../support/seed.rs"]
mod seed;

use blobx::app::action::{Action, Command};
use blobx::app::state::{AccountNode, State};
use blobx::app::tasks::{LIST_PAGE_SIZE, Runner};
use blobx::azure::account::EMULATOR_KEY;
use blobx::azure::uri::AzPath;
use blobx::azure::{Account, BlobEntry, StorageClient};
use blobx::config::{Keymap, Theme};
use blobx::ui::{Ui, draw};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::io::Read;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live heap bytes, to measure what the UI state keeps per listed blob.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const CONTAINER: &str = "bench-listing";
const FOLDERS: usize = 100;
const FOLDER: &str = "f042/";
const ACCOUNT: &str = "devstoreaccount1";
/// The service version blobx's SDK sends (azure_storage_blob's default).
const X_MS_VERSION: &str = "2026-04-06";
/// Any single measurement (and each page-size experiment) stops here.
const CAP: Duration = Duration::from_secs(120);
/// The event loop draws at most once per 16 ms (src/app/run.rs); so does this.
const FRAME: Duration = Duration::from_millis(16);
const QUERY: &str = "blob-0999";
const SCREEN: (u16, u16) = (120, 40);

type Res<T> = Result<T, String>;

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

/// The three list shapes every tool is timed on (plus page-size runs of the root).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// First page of folder `f042/`, delimiter `/`.
    Folder,
    /// First page of the container root, delimiter `/`.
    Root,
    /// The whole container without delimiter, every page.
    Flat,
}

impl Shape {
    fn prefix(self) -> &'static str {
        match self {
            Shape::Folder => FOLDER,
            Shape::Root | Shape::Flat => "",
        }
    }

    fn delimiter(self) -> bool {
        self != Shape::Flat
    }

    fn all_pages(self) -> bool {
        self == Shape::Flat
    }

    fn label(self) -> &'static str {
        match self {
            Shape::Folder => "(a) folder `f042/`, delimiter `/`, first page",
            Shape::Root => "(b) root, delimiter `/`, first page",
            Shape::Flat => "(c) whole container flat, all pages",
        }
    }
}

/// One listing walked page by page.
#[derive(Default)]
struct Walk {
    secs: f64,
    requests: usize,
    items: usize,
    capped: bool,
}

// ---------------------------------------------------------------------------
// The raw REST floor: reqwest + reqsign, the body read, only <NextMarker> found.

struct RawRest {
    http: reqwest::Client,
    signer: reqsign_core::Signer<reqsign_azure_storage::Credential>,
    container_url: String,
    retries: AtomicUsize,
}

impl RawRest {
    fn new(host: &str) -> Res<Self> {
        let provider =
            reqsign_azure_storage::StaticCredentialProvider::new_shared_key(ACCOUNT, EMULATOR_KEY);
        let signer = reqsign_core::Signer::new(
            reqsign_core::Context::new(),
            provider,
            reqsign_azure_storage::RequestSigner::new(),
        );
        Ok(Self {
            http: reqwest::Client::builder()
                .build()
                .map_err(|e| format!("reqwest: {e}"))?,
            signer,
            container_url: format!("{host}/{ACCOUNT}/{CONTAINER}"),
            retries: AtomicUsize::new(0),
        })
    }

    /// One List Blobs request: the body (to count items after the clock
    /// stopped) and the next marker.
    async fn page(
        &self,
        prefix: &str,
        delimiter: bool,
        marker: Option<&str>,
        max: u32,
    ) -> Res<(bytes::Bytes, Option<String>)> {
        let mut url = url::Url::parse(&self.container_url).map_err(|e| e.to_string())?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("restype", "container")
                .append_pair("comp", "list");
            if !prefix.is_empty() {
                q.append_pair("prefix", prefix);
            }
            if delimiter {
                q.append_pair("delimiter", "/");
            }
            if let Some(m) = marker {
                q.append_pair("marker", m);
            }
            q.append_pair("maxresults", &max.to_string());
        }
        // One retry when the connection fails before a response (a pooled
        // connection the server closed), as any client does; it stays on the clock.
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let (mut parts, ()) = http::Request::builder()
                .method(http::Method::GET)
                .uri(url.as_str())
                .header("x-ms-version", X_MS_VERSION)
                .body(())
                .map_err(|e| e.to_string())?
                .into_parts();
            self.signer
                .sign(&mut parts, None)
                .await
                .map_err(|e| format!("sign: {e}"))?;
            match self
                .http
                .get(url.as_str())
                .headers(parts.headers)
                .send()
                .await
            {
                Ok(r) => break r,
                Err(e) => {
                    let chain = error_chain(&e);
                    if attempt > 1 {
                        return Err(format!("GET {url}: {chain}"));
                    }
                    say(&format!("raw REST: retrying once after: {chain}"));
                    self.retries.fetch_add(1, Ordering::Relaxed);
                }
            }
        };
        let status = response.status();
        let body = response.bytes().await.map_err(|e| format!("body: {e}"))?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
            return Err(format!("HTTP {status}: {text}"));
        }
        let text = std::str::from_utf8(&body).map_err(|e| e.to_string())?;
        let next = text
            .find("<NextMarker>")
            .and_then(|start| {
                let rest = &text[start + "<NextMarker>".len()..];
                rest.find("</NextMarker>").map(|end| &rest[..end])
            })
            .filter(|m| !m.is_empty())
            .map(str::to_string);
        Ok((body, next))
    }

    /// The first page of `shape`, or every page when `all`.
    async fn walk(&self, shape: Shape, max: u32, all: bool) -> Res<Walk> {
        let mut walk = Walk::default();
        let mut marker: Option<String> = None;
        let mut timed = Duration::ZERO;
        loop {
            let started = Instant::now();
            // The cap holds inside a request too: one delimiter page can take minutes.
            let Ok(page) = tokio::time::timeout(
                CAP.saturating_sub(timed),
                self.page(shape.prefix(), shape.delimiter(), marker.as_deref(), max),
            )
            .await
            else {
                walk.capped = true;
                timed = CAP;
                break;
            };
            let (body, next) = page?;
            timed += started.elapsed();
            // Counted off the clock: the floor does not look inside the body.
            walk.items += count_names(&body);
            walk.requests += 1;
            marker = next;
            if marker.is_none() || !all {
                break;
            }
            if timed >= CAP {
                walk.capped = true;
                break;
            }
        }
        walk.secs = timed.as_secs_f64();
        Ok(walk)
    }
}

/// An error and its sources, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let _ = write!(out, ": {s}");
        source = s.source();
    }
    out
}

/// `<Name>` elements: one per blob and one per folder prefix.
fn count_names(body: &[u8]) -> usize {
    std::str::from_utf8(body)
        .map(|t| t.matches("<Name>").count())
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------
// blobx: its client, and its whole app up to a rendered frame.

async fn blobx_walk(
    client: &StorageClient,
    shape: Shape,
    keep: Option<&mut Vec<Vec<BlobEntry>>>,
) -> Res<Walk> {
    let mut walk = Walk::default();
    let mut pages = Vec::new();
    let mut marker: Option<String> = None;
    let started = Instant::now();
    loop {
        let page = client
            .list_blobs_page(
                CONTAINER,
                shape.prefix(),
                shape.delimiter().then_some("/"),
                marker.as_deref(),
                LIST_PAGE_SIZE,
            )
            .await
            .map_err(|e| format!("list_blobs_page: {e}"))?;
        walk.requests += 1;
        walk.items += page.entries.len();
        marker = page.next_marker;
        pages.push(page.entries);
        if marker.is_none() || !shape.all_pages() {
            break;
        }
    }
    walk.secs = started.elapsed().as_secs_f64();
    if let Some(keep) = keep {
        *keep = pages;
    }
    Ok(walk)
}

/// The whole container through blobx's parallel walker (16 folders at
/// once), pages counted as they stream in: what find, du and sync use.
async fn parallel_walk(client: &StorageClient) -> Res<(f64, usize)> {
    use blobx::azure::walk::{Walk as TreeWalk, WalkOptions};
    let started = Instant::now();
    let mut walk = TreeWalk::start(
        client.clone(),
        CONTAINER,
        "",
        WalkOptions::default(),
        tokio_util::sync::CancellationToken::new(),
    );
    let mut items = 0;
    while let Some(page) = walk.next().await {
        items += page?.len();
    }
    Ok((started.elapsed().as_secs_f64(), items))
}

fn screen_text(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width.max(1));
    let mut text = String::with_capacity(buffer.content.len() + 64);
    for row in buffer.content.chunks(width) {
        for cell in row {
            text.push_str(cell.symbol());
        }
        text.push('\n');
    }
    text
}

/// From nothing to the first frame showing rows: a client, the state, the
/// runner and a terminal made as src/cli.rs makes them, `State::start` at
/// `az://bench-listing/<prefix>`, results fed to `update`, frames drawn at
/// the event loop's pace. Done when the first row's name is on the screen.
struct Shown {
    /// From nothing to the first frame with rows.
    secs: f64,
    /// Of which blobx's own work outside the listing task: setting up until the
    /// request is on its way, and from the page's arrival to the drawn frame.
    app_secs: f64,
    rows: usize,
}

async fn time_to_rows(account: &Account, prefix: &str) -> Res<Shown> {
    let keymap = Keymap::default();
    let theme = Theme::default();
    let ui = Ui {
        keymap: &keymap,
        theme: &theme,
    };
    let started = Instant::now();
    let client = StorageClient::new(account.clone()).map_err(|e| e.to_string())?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut state = State::new(vec![AccountNode::new(account.clone())]);
    let mut runner = Runner::new(vec![Some(client)], None, tx);
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(SCREEN.0, SCREEN.1))
            .map_err(|e| e.to_string())?;
    state.update(Action::Resize {
        width: SCREEN.0,
        height: SCREEN.1,
    });
    let path = AzPath {
        container: CONTAINER.into(),
        prefix: prefix.into(),
        account: None,
    };
    runner.run_all(state.start(Some(path), Some(0)));
    let sent = started.elapsed();
    terminal
        .draw(|f| draw(f, &state, &ui))
        .map_err(|e| e.to_string())?;
    let mut next_frame = tokio::time::Instant::now() + FRAME;
    let mut page_at = None;
    let (shown, page_at) = loop {
        let action = tokio::time::timeout(CAP, rx.recv())
            .await
            .map_err(|_| format!("no rows within {} s", CAP.as_secs()))?
            .ok_or("the runner went away")?;
        if page_at.is_none() && matches!(action, Action::BlobsPage { .. }) {
            page_at = Some(started.elapsed());
        }
        runner.run_all(state.update(action));
        while let Ok(action) = rx.try_recv() {
            runner.run_all(state.update(action));
        }
        if let Some(e) = &state.listing.error {
            return Err(format!("listing failed: {e}"));
        }
        tokio::time::sleep_until(next_frame).await;
        terminal
            .draw(|f| draw(f, &state, &ui))
            .map_err(|e| e.to_string())?;
        let drawn = started.elapsed();
        next_frame = tokio::time::Instant::now() + FRAME;
        if let Some(first) = state.listing.view.first() {
            let name = &state.listing.entries[*first as usize].name;
            if screen_text(&terminal).contains(&**name) {
                break (drawn, page_at.unwrap_or(drawn));
            }
        }
    };
    let rows = state.listing.view.len();
    // Off the clock: let the listing finish, so no paging runs into the next measurement.
    let deadline = Instant::now() + CAP;
    while state.listing.loading && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
            Ok(Some(action)) => runner.run_all(state.update(action)),
            Ok(None) => break,
            Err(_) => {}
        }
    }
    Ok(Shown {
        secs: shown.as_secs_f64(),
        app_secs: (sent + shown.saturating_sub(page_at)).as_secs_f64(),
        rows,
    })
}

// ---------------------------------------------------------------------------
// Peers, as child processes.

struct Ran {
    ok: bool,
    stdout: Vec<u8>,
    stderr: String,
    secs: f64,
}

/// Runs a peer with its output captured, killed after `cap`.
fn run_capped(cmd: &mut std::process::Command, cap: Duration) -> Res<Ran> {
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let mut out = child.stdout.take().ok_or("no stdout")?;
    let mut err = child.stderr.take().ok_or("no stderr")?;
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let secs = started.elapsed().as_secs_f64();
                return Ok(Ran {
                    ok: status.success(),
                    stdout: out.join().unwrap_or_default(),
                    stderr: err.join().unwrap_or_default(),
                    secs,
                });
            }
            Ok(None) if started.elapsed() > cap => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("> {} s cap, killed", cap.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(1)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn tail(s: &str, n: usize) -> String {
    let s = s.trim();
    let start = s.len().saturating_sub(n);
    let start = (start..=s.len())
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0);
    s[start..].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A peer's figure for one shape: median seconds, or why there is none.
type PeerFigure = Result<f64, String>;

struct PythonResult {
    version: String,
    a: PeerFigure,
    b: PeerFigure,
    c: PeerFigure,
}

fn peer_setup(path_var: &str, skip_var: &str) -> Result<String, String> {
    if let Ok(why) = std::env::var(skip_var)
        && !why.is_empty()
    {
        return Err(why);
    }
    match std::env::var(path_var) {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => Err(format!(
            "{path_var} is not set (run `bash tests/bench/run.sh`)"
        )),
    }
}

fn peers_py() -> String {
    std::env::var("BENCH_PEERS_PY")
        .unwrap_or_else(|_| format!("{}/tests/bench/peers.py", env!("CARGO_MANIFEST_DIR")))
}

fn python_peer(python: &str, port: u16, runs: usize, expect: &[usize; 3]) -> Res<PythonResult> {
    let ran = run_capped(
        std::process::Command::new(python).arg(peers_py()).args([
            "time",
            &port.to_string(),
            CONTAINER,
            &runs.to_string(),
        ]),
        Duration::from_secs(900),
    )?;
    if !ran.ok {
        return Err(format!("peers.py time failed: {}", tail(&ran.stderr, 300)));
    }
    let v: serde_json::Value = serde_json::from_slice(&ran.stdout)
        .map_err(|e| format!("peers.py printed no JSON ({e})"))?;
    let figure = |key: &str, want: usize| -> PeerFigure {
        let items = v["items"][key].as_u64().unwrap_or(0) as usize;
        if items != want {
            return Err(format!("listed {items} items, expected {want}"));
        }
        let secs: Vec<f64> = v["secs"][key]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
            .unwrap_or_default();
        Ok(median(&secs))
    };
    Ok(PythonResult {
        version: v["version"].as_str().unwrap_or("?").to_string(),
        a: figure("a", expect[0]),
        b: figure("b", expect[1]),
        c: figure("c", expect[2]),
    })
}

fn container_sas(python: &str, port: u16) -> Res<String> {
    let ran = run_capped(
        std::process::Command::new(python).arg(peers_py()).args([
            "sas",
            &port.to_string(),
            CONTAINER,
        ]),
        Duration::from_secs(60),
    )?;
    if !ran.ok {
        return Err(format!("peers.py sas failed: {}", tail(&ran.stderr, 300)));
    }
    Ok(String::from_utf8_lossy(&ran.stdout).trim().to_string())
}

struct AzcopyResult {
    version: String,
    startup: f64,
    /// Median seconds and List Blobs requests sent, per shape.
    a: Result<(f64, usize), String>,
    c: Result<(f64, usize), String>,
}

fn azcopy_cmd(azcopy: &str, scratch: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(azcopy);
    cmd.env("AZCOPY_LOG_LOCATION", scratch.join("logs"))
        .env("AZCOPY_JOB_PLAN_LOCATION", scratch.join("plans"));
    cmd
}

/// `azcopy list --location Blob URL`, `runs` times: the median wall time of
/// the process, and how many List Blobs requests it sent (read from its log).
fn azcopy_list(
    azcopy: &str,
    scratch: &std::path::Path,
    url: &str,
    runs: usize,
    want: usize,
) -> Result<(f64, usize), String> {
    let mut secs = Vec::new();
    let mut requests = 0;
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(scratch.join("logs"));
        // azcopy cannot tell a 127.0.0.1 URL's service from its host name.
        let ran = run_capped(
            azcopy_cmd(azcopy, scratch).args(["list", "--location", "Blob", url]),
            CAP,
        )?;
        let stdout = String::from_utf8_lossy(&ran.stdout);
        if !ran.ok {
            return Err(format!(
                "azcopy list failed: {}",
                tail(&format!("{stdout}\n{}", ran.stderr), 400)
            ));
        }
        let listed = stdout
            .lines()
            .filter(|l| l.contains("; Content Length:"))
            .count();
        if listed != want {
            return Err(format!(
                "azcopy listed {listed} blobs, expected {want}: {}",
                tail(&stdout, 300)
            ));
        }
        secs.push(ran.secs);
        requests = std::fs::read_dir(scratch.join("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .map(|log| log.matches("comp=list").count())
            .sum();
    }
    Ok((median(&secs), requests))
}

fn azcopy_peer(
    azcopy: &str,
    sas_url: &str,
    runs: usize,
    per_folder: usize,
    total: usize,
) -> Res<AzcopyResult> {
    let scratch =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-tmp/azcopy-listing");
    let _ = std::fs::create_dir_all(&scratch);
    let ran = run_capped(
        azcopy_cmd(azcopy, &scratch).arg("--version"),
        Duration::from_secs(60),
    )?;
    if !ran.ok {
        return Err(format!(
            "azcopy --version failed: {}",
            tail(&ran.stderr, 300)
        ));
    }
    let version = String::from_utf8_lossy(&ran.stdout)
        .trim()
        .trim_start_matches("azcopy version ")
        .to_string();
    let startup = median(
        &(0..runs)
            .filter_map(|_| {
                run_capped(
                    azcopy_cmd(azcopy, &scratch).arg("--version"),
                    Duration::from_secs(60),
                )
                .ok()
                .map(|r| r.secs)
            })
            .collect::<Vec<_>>(),
    );
    let (base, query) = sas_url.split_once('?').ok_or("the SAS URL has no query")?;
    let folder_url = format!("{base}/{}?{query}", FOLDER.trim_end_matches('/'));
    Ok(AzcopyResult {
        version,
        startup,
        a: azcopy_list(azcopy, &scratch, &folder_url, runs, per_folder),
        c: azcopy_list(azcopy, &scratch, sas_url, runs, total),
    })
}

// ---------------------------------------------------------------------------
// The UI state with the whole container loaded: memory and filter cost.

struct StateFigures {
    bytes_per_blob: f64,
    total_bytes: usize,
    entries: usize,
    first_key_ms: f64,
    next_mean_ms: f64,
    next_max_ms: f64,
    all_mean_ms: f64,
    backspace_ms: f64,
    matches: usize,
    matches_after_backspace: usize,
    /// Median ms of each keystroke, and the rows matching after it.
    per_key: Vec<(char, f64, usize)>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn state_figures(account: &Account, pages: &[Vec<BlobEntry>], runs: usize) -> StateFigures {
    let loaded: usize = pages.iter().map(Vec::len).sum();
    let mut state = State::new(vec![AccountNode::new(account.clone())]);
    state.update(Action::Resize {
        width: SCREEN.0,
        height: SCREEN.1,
    });
    let _ = state.start(
        Some(AzPath {
            container: CONTAINER.into(),
            prefix: String::new(),
            account: None,
        }),
        Some(0),
    );
    let generation = state.listing.generation;
    // Each page is handed over as a copy that `update` consumes and frees, so
    // the difference is exactly what the state keeps.
    let before = LIVE.load(Ordering::SeqCst);
    for (i, page) in pages.iter().enumerate() {
        state.update(Action::BlobsPage {
            generation,
            result: Ok(page.clone()),
            done: i + 1 == pages.len(),
        });
    }
    let after = LIVE.load(Ordering::SeqCst);
    let total_bytes = after.saturating_sub(before);
    let entries = state.listing.entries.len();

    let key = |c: KeyCode| Action::Input(KeyEvent::new(c, KeyModifiers::NONE));
    let n = QUERY.chars().count();
    let mut per_key: Vec<Vec<f64>> = vec![Vec::new(); n];
    let mut rows_after = vec![0; n];
    let mut backspace = Vec::new();
    let (mut matches, mut matches_after_backspace) = (0, 0);
    for _ in 0..runs {
        state.update(Action::Command(Command::Filter));
        for (i, c) in QUERY.chars().enumerate() {
            let started = Instant::now();
            state.update(key(KeyCode::Char(c)));
            per_key[i].push(ms(started.elapsed()));
            rows_after[i] = state.listing.view.len();
        }
        matches = state.listing.view.len();
        let started = Instant::now();
        state.update(key(KeyCode::Backspace));
        backspace.push(ms(started.elapsed()));
        matches_after_backspace = state.listing.view.len();
        // Leave filter mode with the query cleared, for the next repetition.
        state.update(Action::Command(Command::Cancel));
    }
    let per_key: Vec<f64> = per_key.iter().map(|v| median(v)).collect();
    let next = &per_key[1..];
    StateFigures {
        bytes_per_blob: total_bytes as f64 / loaded.max(1) as f64,
        total_bytes,
        entries,
        first_key_ms: per_key[0],
        next_mean_ms: next.iter().sum::<f64>() / next.len().max(1) as f64,
        next_max_ms: next.iter().copied().fold(0.0, f64::max),
        all_mean_ms: per_key.iter().sum::<f64>() / per_key.len() as f64,
        backspace_ms: median(&backspace),
        matches,
        matches_after_backspace,
        per_key: QUERY
            .chars()
            .zip(&per_key)
            .zip(&rows_after)
            .map(|((c, t), r)| (c, *t, *r))
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// Machine facts and the report.

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(f64::NAN);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs (nproc), {mem_gib:.1} GiB RAM, {model}")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

fn azurite_version() -> String {
    let path = format!(
        "{}/tests/emulator/node_modules/azurite/package.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn now_utc() -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

fn s(secs: f64) -> String {
    format!("{secs:.3} s")
}

fn ratio(num: f64, den: f64) -> String {
    format!("{:.2}×", num / den)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn peer_cell(fig: &PeerFigure) -> String {
    match fig {
        Ok(v) => s(*v),
        Err(why) => format!("skipped: {why}"),
    }
}

fn peer_ratio(fig: &PeerFigure, blobx: f64) -> String {
    match fig {
        Ok(v) => ratio(*v, blobx),
        Err(_) => "–".into(),
    }
}

/// Replaces the block between the bench_listing markers of `path`, or appends it.
fn write_doc(path: &str, block: &str) -> Res<()> {
    const BEGIN: &str = "<!-- bench_listing:begin -->";
    const END: &str = "<!-- bench_listing:end -->";
    let old = std::fs::read_to_string(path).unwrap_or_default();
    let fresh = format!("{BEGIN}\n{block}{END}");
    let new = match (old.find(BEGIN), old.find(END)) {
        (Some(b), Some(e)) if b < e => format!("{}{fresh}{}", &old[..b], &old[e + END.len()..]),
        _ => format!("{old}\n{fresh}\n"),
    };
    std::fs::write(path, new).map_err(|e| format!("cannot write {path}: {e}"))
}

/// Parent pid of every process, from /proc.
fn parents() -> Vec<(u32, u32)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) state ppid …": comm may hold spaces, so split after its ')'.
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
        .collect()
}

/// Stops the emulator, and makes sure Azurite is gone with it: on SIGTERM it
/// flushes its telemetry first (the harness does not pass --disableTelemetry),
/// which without internet keeps it, and its memory, alive for minutes.
fn stop_emulator(emu: emulator::Emulator) {
    let me = std::process::id();
    let table = parents();
    let wrappers: Vec<u32> = table
        .iter()
        .filter(|(_, pp)| *pp == me)
        .map(|(p, _)| *p)
        .collect();
    let azurite: Vec<u32> = table
        .iter()
        .filter(|(_, pp)| wrappers.contains(pp))
        .map(|(p, _)| *p)
        .collect();
    drop(emu);
    let deadline = Instant::now() + Duration::from_secs(3);
    for pid in azurite {
        while std::path::Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        if std::path::Path::new(&format!("/proc/{pid}")).exists() {
            say(&format!(
                "Azurite (pid {pid}) still running 3 s after SIGTERM; killing it"
            ));
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_listing: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn say(msg: &str) {
    eprintln!("== {msg}");
}

fn run() -> Res<()> {
    let runs = env_num("BENCH_RUNS", 3);
    let per_folder = env_num("BENCH_PER_FOLDER", 1000);
    let started_run = Instant::now();
    let load_before = load_average();
    let emu = emulator::Emulator::start_on(None)?;
    say(&format!("Azurite {} at {}", azurite_version(), emu.host));
    let result = measure(&emu, runs, per_folder, started_run, load_before);
    stop_emulator(emu);
    result
}

fn measure(
    emu: &emulator::Emulator,
    runs: usize,
    per_folder: usize,
    started_run: Instant,
    load_before: String,
) -> Res<()> {
    let total = FOLDERS * per_folder;
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let account = Account::emulator(&emu.host).map_err(|e| e.to_string())?;
    let client = seed::client(&emu.host);
    let raw = RawRest::new(&emu.host)?;

    // --- seed ---------------------------------------------------------------
    say(&format!(
        "seeding {total} blobs in {FOLDERS} folders (seed::fill, 32 at a time)"
    ));
    let t = Instant::now();
    let blobs: Vec<seed::BlobSpec> = (0..total)
        .map(|i| {
            seed::BlobSpec::new(
                format!("f{:03}/blob-{i:05}.bin", i % FOLDERS),
                bytes::Bytes::from_static(b"blobx listing bench\n"),
            )
        })
        .collect();
    rt.block_on(seed::fill(&client, CONTAINER, blobs))?;
    let seed_secs = t.elapsed().as_secs_f64();
    say(&format!("seeded in {seed_secs:.1} s"));

    let mut expect = [per_folder, FOLDERS, total];
    let check = |what: &str, w: &Walk, want: usize| -> Res<()> {
        if w.items != want {
            return Err(format!("{what}: listed {} items, expected {want}", w.items));
        }
        Ok(())
    };

    // --- (a), (b): raw, blobx client, time to rows; (c): raw, blobx ----------
    let mut raw_secs: [Vec<f64>; 3] = Default::default();
    let mut bx_secs: [Vec<f64>; 3] = Default::default();
    let mut ttfr: [Vec<f64>; 2] = Default::default();
    let mut app: [Vec<f64>; 2] = Default::default();
    let mut requests = [0usize; 3];
    // (e): the whole container through the parallel walker (azure::walk).
    let mut walker_secs: Vec<f64> = Vec::new();
    let mut kept: Vec<Vec<BlobEntry>> = Vec::new();
    let mut flat_body = bytes::Bytes::new();
    rt.block_on(async {
        // Untimed warm-up of Azurite's listing paths (its JIT) and of connections.
        for shape in [Shape::Folder, Shape::Root] {
            let w = raw.walk(shape, LIST_PAGE_SIZE, false).await?;
            blobx_walk(&client, shape, None).await?;
            // The root's first page holds what Azurite puts in it (all 100 folders
            // when it fits); every tool must then list the same.
            if shape == Shape::Root && (1..=FOLDERS).contains(&w.items) {
                expect[1] = w.items;
            }
        }
        for (i, shape) in [Shape::Folder, Shape::Root, Shape::Flat]
            .into_iter()
            .enumerate()
        {
            for run in 0..runs {
                let w = raw.walk(shape, LIST_PAGE_SIZE, shape.all_pages()).await?;
                check("raw", &w, expect[i])?;
                raw_secs[i].push(w.secs);
                requests[i] = w.requests;
                let keep = (shape == Shape::Flat && run + 1 == runs).then_some(&mut kept);
                let w = blobx_walk(&client, shape, keep).await?;
                check("blobx", &w, expect[i])?;
                bx_secs[i].push(w.secs);
                let mut line = format!(
                    "{} run {}: raw {:.3} s, blobx {:.3} s",
                    shape.label(),
                    run + 1,
                    raw_secs[i][run],
                    w.secs
                );
                if shape != Shape::Flat {
                    let Shown {
                        secs,
                        app_secs,
                        rows,
                    } = time_to_rows(&account, shape.prefix()).await?;
                    if rows != expect[i] {
                        return Err(format!("time to rows: {rows} rows, expected {}", expect[i]));
                    }
                    ttfr[i].push(secs);
                    app[i].push(app_secs);
                    let _ = write!(
                        line,
                        ", rows on screen {secs:.3} s (app outside the request {:.1} ms)",
                        app_secs * 1000.0
                    );
                } else {
                    let (secs, items) = parallel_walk(&client).await?;
                    if items != expect[i] {
                        return Err(format!("walker: {items} blobs, expected {}", expect[i]));
                    }
                    walker_secs.push(secs);
                    let _ = write!(line, ", blobx parallel walker {secs:.3} s");
                }
                say(&line);
            }
        }
        // One full flat page as raw XML, for timing blobx's parser alone.
        flat_body = raw.page("", false, None, LIST_PAGE_SIZE).await?.0;
        Ok::<(), String>(())
    })?;

    // --- peers ---------------------------------------------------------------
    let python = peer_setup("BENCH_PYTHON", "BENCH_PYTHON_SKIP");
    let py: Result<PythonResult, String> = python.clone().and_then(|p| {
        say("Python SDK: timing (a), (b), (c)");
        python_peer(&p, emu.port, runs, &expect)
    });
    let az: Result<AzcopyResult, String> = peer_setup("BENCH_AZCOPY", "BENCH_AZCOPY_SKIP")
        .and_then(|azcopy| {
            let sas = python
                .clone()
                .map_err(|why| {
                    format!("its SAS comes from the Python SDK, which was skipped ({why})")
                })
                .and_then(|p| container_sas(&p, emu.port))?;
            say("azcopy: timing list of (a) and (c)");
            azcopy_peer(&azcopy, &sas, runs, per_folder, total)
        });
    if let Err(e) = &py {
        say(&format!("Python SDK skipped: {e}"));
    }
    if let Err(e) = &az {
        say(&format!("azcopy skipped: {e}"));
    }

    // --- the UI state: memory and filter, with nothing else running -----------
    drop(client);
    let raw_retries = raw.retries.load(Ordering::Relaxed);
    drop(raw);
    drop(rt);
    say(&format!(
        "loading {} entries into the UI state",
        thousands(total)
    ));
    let st = state_figures(&account, &kept, runs);
    drop(kept);
    if st.entries != total {
        return Err(format!(
            "the state holds {} entries, expected {total}",
            st.entries
        ));
    }
    // blobx's XML parse of one full flat page, off the network.
    let parse_ms = {
        let body = std::str::from_utf8(&flat_body).map_err(|e| e.to_string())?;
        let mut times = Vec::new();
        for _ in 0..10 {
            let started = Instant::now();
            let page = blobx::azure::listing::parse_blob_page(body)?;
            times.push(ms(started.elapsed()));
            if page.entries.len() != count_names(&flat_body) {
                return Err(format!("parsed {} entries", page.entries.len()));
            }
        }
        median(&times)
    };

    // --- (d): why 5,000 per page --------------------------------------------
    // Last of all: a capped request leaves Azurite busy with it for minutes.
    let mut page_sizes = Vec::new();
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let raw = RawRest::new(&emu.host)?;
        for max in [LIST_PAGE_SIZE, 1000, 100] {
            say(&format!(
                "root, delimiter, maxresults {max}: listing (cap {} s)",
                CAP.as_secs()
            ));
            let w = raw.walk(Shape::Root, max, true).await?;
            say(&format!(
                "root, delimiter, maxresults {max}: {} requests, {} folders, {:.2} s{}",
                w.requests,
                w.items,
                w.secs,
                if w.capped { " (capped)" } else { "" }
            ));
            page_sizes.push((max, w));
        }
        Ok::<(), String>(())
    })?;
    drop(rt);

    let load_after = load_average();
    let elapsed = started_run.elapsed().as_secs_f64();

    // --- report --------------------------------------------------------------
    let raw_m: Vec<f64> = raw_secs.iter().map(|v| median(v)).collect();
    let bx_m: Vec<f64> = bx_secs.iter().map(|v| median(v)).collect();
    let tt_m: Vec<f64> = ttfr.iter().map(|v| median(v)).collect();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Measured {} by `bash tests/bench/run.sh` (each timing run {} times, the median shown; whole run {:.0} s).  ",
        now_utc(),
        runs,
        elapsed
    );
    let _ = writeln!(
        md,
        "Machine: {}; load average {} before, {} after.  ",
        machine(),
        load_before,
        load_after
    );
    let _ = writeln!(
        md,
        "Azurite {} in memory on 127.0.0.1 (started by tests/support/emulator.rs); one container, {} blobs of 20 bytes in {} folders `f000/`..`f099/` ({} each), seeded in {:.0} s.  ",
        azurite_version(),
        thousands(total),
        FOLDERS,
        thousands(per_folder),
        seed_secs
    );
    let py_version = py
        .as_ref()
        .map(|p| p.version.clone())
        .unwrap_or_else(|_| "?".into());
    let az_version = az
        .as_ref()
        .map(|a| a.version.clone())
        .unwrap_or_else(|_| "?".into());
    let _ = writeln!(
        md,
        "Peers: azure-storage-blob {py_version} (Python {}), azcopy {az_version}. Every listing asks for maxresults {LIST_PAGE_SIZE}, as blobx does.\n",
        python
            .as_ref()
            .ok()
            .and_then(|p| run_capped(
                std::process::Command::new(p).arg("--version"),
                Duration::from_secs(30)
            )
            .ok())
            .map(|r| String::from_utf8_lossy(&r.stdout)
                .trim()
                .trim_start_matches("Python ")
                .to_string())
            .unwrap_or_else(|| "?".into()),
    );

    let _ = writeln!(md, "**1–2. Listing: blobx against the raw REST floor**\n");
    if raw_retries > 0 {
        let _ = writeln!(
            md,
            "The raw client retried {raw_retries} request(s) once after a connection error (time included).\n"
        );
    }
    let _ = writeln!(
        md,
        "| shape | requests | items | raw REST | blobx `list_blobs_page` | blobx / raw |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|");
    for (i, shape) in [Shape::Folder, Shape::Root, Shape::Flat]
        .into_iter()
        .enumerate()
    {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            shape.label(),
            requests[i],
            thousands(expect[i]),
            s(raw_m[i]),
            s(bx_m[i]),
            ratio(bx_m[i], raw_m[i])
        );
    }
    let _ = writeln!(
        md,
        "\nblobx's XML parse of one {}-blob flat page, timed alone off the network: {parse_ms:.1} ms ({:.2} s over the {} pages of (c)).",
        thousands(count_names(&flat_body)),
        parse_ms * requests[2] as f64 / 1000.0,
        requests[2]
    );
    let _ = writeln!(
        md,
        "\n**3. Time to first rows on screen** (the app built as src/cli.rs does, frames drawn into a 120×40 TestBackend)\n"
    );
    let _ = writeln!(
        md,
        "| shape | first frame with rows | raw REST (same shape) | overhead: rows on screen − raw | target ≤ 0.150 s | app work outside the request |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---|---:|");
    for (i, shape) in [Shape::Folder, Shape::Root].into_iter().enumerate() {
        let over = tt_m[i] - raw_m[i];
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:+.3} s | {} | {:.1} ms |",
            shape.label(),
            s(tt_m[i]),
            s(raw_m[i]),
            over,
            if over <= 0.15 { "met" } else { "missed" },
            median(&app[i]) * 1000.0
        );
    }
    let _ = writeln!(
        md,
        "\nThe last column is measured inside each run, so Azurite's run-to-run spread does not enter it: client, state, runner and terminal set up until the request is on its way, plus the page's arrival through `update` to the drawn frame (which waits for the 16 ms frame pace, as the event loop does). \
         The listing task's own time (request and XML parse) is the rest."
    );
    let _ = writeln!(
        md,
        "\n**(d) Why blobx asks for 5,000 per page**: the root with delimiter `/`, raw REST, every page until all 100 folders are in, one run each, cap {} s\n",
        CAP.as_secs()
    );
    let _ = writeln!(md, "| maxresults | requests | folders | time |");
    let _ = writeln!(md, "|---:|---:|---:|---:|");
    for (max, w) in &page_sizes {
        let time = if w.capped {
            format!(
                "> cap (stopped at {:.0} s; {} folders from {} complete requests)",
                w.secs, w.items, w.requests
            )
        } else {
            s(w.secs)
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            thousands(*max as usize),
            w.requests,
            w.items,
            time
        );
    }
    let _ = writeln!(
        md,
        "\n**6. Peers, same run, same Azurite** (ratio = peer time / blobx time; above 1 means blobx is faster)\n"
    );
    let _ = writeln!(
        md,
        "| shape | blobx | Python SDK | Python / blobx | azcopy list | azcopy / blobx |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|");
    let (pa, pb, pc) = match &py {
        Ok(p) => (p.a.clone(), p.b.clone(), p.c.clone()),
        Err(why) => (Err(why.clone()), Err(why.clone()), Err(why.clone())),
    };
    let (aa, ac) = match &az {
        Ok(a) => (
            a.a.clone().map(|(secs, _)| secs),
            a.c.clone().map(|(secs, _)| secs),
        ),
        Err(why) => (Err(why.clone()), Err(why.clone())),
    };
    let no_delimiter: PeerFigure = Err("n/a".into());
    for (i, (shape, p, a)) in [
        (Shape::Folder, &pa, &aa),
        (Shape::Root, &pb, &no_delimiter),
        (Shape::Flat, &pc, &ac),
    ]
    .into_iter()
    .enumerate()
    {
        let a_cell = match (shape, a) {
            (Shape::Root, _) => "n/a (no first-page mode)".to_string(),
            _ => peer_cell(a),
        };
        let a_ratio = match shape {
            Shape::Root => "–".to_string(),
            _ => peer_ratio(a, bx_m[i]),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            shape.label(),
            s(bx_m[i]),
            peer_cell(p),
            peer_ratio(p, bx_m[i]),
            a_cell,
            a_ratio
        );
    }
    let walker_m = median(&walker_secs);
    let _ = writeln!(
        md,
        "| (e) whole container, blobx parallel walker (16 folders at once) | {} | {} | {} | {} | {} |",
        s(walker_m),
        peer_cell(&pc),
        peer_ratio(&pc, walker_m),
        peer_cell(&ac),
        peer_ratio(&ac, walker_m)
    );
    let _ = writeln!(
        md,
        "\n(e) is the walker `find`, `du`, `cp -r` and `sync` use (`src/azure/walk.rs`): a delimiter listing of the root, then each folder as soon as a page names it, up to 16 at once, pages counted as they stream in. \
         It is compared with the same peers' whole-container figures of (c). Target: at most 0.8× the time of each."
    );
    if let Ok(a) = &az {
        let reqs = |r: &Result<(f64, usize), String>| {
            r.as_ref()
                .map(|(_, n)| n.to_string())
                .unwrap_or_else(|_| "?".into())
        };
        let _ = writeln!(
            md,
            "\nazcopy is timed as a process (wall clock, its output read and counted; `azcopy --version` alone takes {}) and run as users run it (`azcopy list --location Blob URL`, default log level). \
             It walks the tree itself: a delimiter listing of the root, then one per folder, several at once, with `include=metadata` \
             ({} List Blobs requests for (c), {} for (a)). The Python SDK is timed inside the interpreter, around the SDK calls only.",
            s(a.startup),
            reqs(&a.c),
            reqs(&a.a)
        );
    }
    let _ = writeln!(
        md,
        "\n**4–5. The UI state with the whole container loaded** ({} entries fed as `Action::BlobsPage` at the container root)\n",
        thousands(st.entries)
    );
    let _ = writeln!(md, "| measure | result |");
    let _ = writeln!(md, "|---|---:|");
    let _ = writeln!(
        md,
        "| heap held by the state per listed blob | {:.0} bytes ({:.1} MiB for {}) |",
        st.bytes_per_blob,
        st.total_bytes as f64 / 1048576.0,
        thousands(total)
    );
    let _ = writeln!(
        md,
        "| filter `{QUERY}`: first keystroke (full scan of {}) | {:.2} ms |",
        thousands(total),
        st.first_key_ms
    );
    let _ = writeln!(
        md,
        "| filter: next {} keystrokes (narrowing), mean / max | {:.2} ms / {:.2} ms |",
        QUERY.len() - 1,
        st.next_mean_ms,
        st.next_max_ms
    );
    let _ = writeln!(
        md,
        "| filter: all {} keystrokes, mean | {:.2} ms |",
        QUERY.len(),
        st.all_mean_ms
    );
    let _ = writeln!(
        md,
        "| filter: one backspace (widening, full rescan) | {:.2} ms |",
        st.backspace_ms
    );
    let _ = writeln!(
        md,
        "| each keystroke: ms (rows left) | {} |",
        st.per_key
            .iter()
            .map(|(c, t, r)| format!("`{c}` {t:.1} ({})", thousands(*r)))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    let _ = writeln!(
        md,
        "| rows matching `{QUERY}` / after the backspace | {} / {} |",
        thousands(st.matches),
        thousands(st.matches_after_backspace)
    );

    println!("\n{md}");
    let out_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let _ = std::fs::create_dir_all(&out_dir);
    let out = out_dir.join("listing.md");
    std::fs::write(&out, &md).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    say(&format!("written to {}", out.display()));
    if let Ok(doc) = std::env::var("BENCH_WRITE_DOC")
        && !doc.is_empty()
    {
        write_doc(&doc, &md)?;
        say(&format!("figures replaced in {doc}"));
    }
    Ok(())
}
