//! What a transfer is, and how far it has got.

use crate::azure::history::Qualifier;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Local(PathBuf),
    /// `account` indexes the engine's clients.
    Blob {
        account: usize,
        container: String,
        name: String,
        /// A snapshot or an old version instead of the current blob: only
        /// ever read (a download's source); the engine refuses to write one.
        at: Option<Qualifier>,
    },
}

impl Endpoint {
    /// The current blob `container/name` of account `account`.
    pub fn blob(account: usize, container: impl Into<String>, name: impl Into<String>) -> Self {
        Endpoint::Blob {
            account,
            container: container.into(),
            name: name.into(),
            at: None,
        }
    }

    pub fn display(&self) -> String {
        match self {
            Endpoint::Local(p) => p.display().to_string(),
            Endpoint::Blob {
                container,
                name,
                at: None,
                ..
            } => format!("az://{container}/{name}"),
            Endpoint::Blob {
                container,
                name,
                at: Some(q),
                ..
            } => format!("az://{container}/{name} @ {}", q.describe()),
        }
    }

    /// The snapshot or version this end names, if any.
    pub fn at(&self) -> Option<&Qualifier> {
        match self {
            Endpoint::Blob { at, .. } => at.as_ref(),
            Endpoint::Local(_) => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Upload,
    Download,
    /// Server-side: the service moves the bytes.
    Copy,
    /// A change to a blob in place (tier, headers, metadata, tags, delete),
    /// made by a bulk job that drives the item itself (`transfer::changes`).
    Change,
}

impl Kind {
    pub fn arrow(self) -> &'static str {
        match self {
            Kind::Upload => "↑",
            Kind::Download => "↓",
            Kind::Copy => "⇄",
            Kind::Change => "✎",
        }
    }
}

/// One file or blob to move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSpec {
    pub kind: Kind,
    pub source: Endpoint,
    pub target: Endpoint,
    /// Known size in bytes (from the listing or the file system).
    pub size: u64,
}

impl ItemSpec {
    pub fn name(&self) -> String {
        match (&self.kind, &self.source, &self.target) {
            (Kind::Upload, Endpoint::Local(p), _) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            (_, Endpoint::Blob { name, at, .. }, _) => {
                let leaf = name.rsplit('/').next().unwrap_or(name);
                match at {
                    // Says it is not the current blob: "prices.csv @ snapshot 2026-…".
                    Some(q) => format!("{leaf} @ {}", q.describe()),
                    None => leaf.to_string(),
                }
            }
            _ => self.source.display(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Queued,
    Running,
    Paused,
    Verifying,
    Done,
    /// Not transferred on purpose (conflict answer), with why.
    Skipped(String),
    Failed(String),
    Cancelled,
}

impl Status {
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            Status::Done | Status::Skipped(_) | Status::Failed(_) | Status::Cancelled
        )
    }

    /// Where the transfers pane lists it: what moves first, then what needs
    /// a look (failed, paused), then what is over.
    pub fn rank(&self) -> u8 {
        match self {
            Status::Running | Status::Verifying => 0,
            Status::Queued => 1,
            Status::Failed(_) | Status::Paused => 2,
            Status::Done | Status::Skipped(_) | Status::Cancelled => 3,
        }
    }

    /// The state in one word, which a narrow row never cuts.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Verifying => "verifying",
            Status::Done => "done",
            Status::Skipped(_) => "skipped",
            Status::Failed(_) => "failed",
            Status::Cancelled => "cancelled",
        }
    }

    /// Why it was skipped or failed.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Skipped(why) | Status::Failed(why) => Some(why),
            _ => None,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Status::Queued => "queued".into(),
            Status::Running => "running".into(),
            Status::Paused => "paused".into(),
            Status::Verifying => "verifying".into(),
            Status::Done => "done".into(),
            Status::Skipped(why) => format!("skipped: {why}"),
            Status::Failed(why) => format!("failed: {why}"),
            Status::Cancelled => "cancelled".into(),
        }
    }
}

/// Counters the workers bump; the sampler reads them. No messages per chunk.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes of the item that are done (including resumed parts).
    pub done: AtomicU64,
    /// Bytes that crossed the network in this run.
    pub sent: AtomicU64,
    /// Bytes not sent again because a resume found them already there.
    pub reused: AtomicU64,
    /// What a resume found (reused, or why it starts again), in words.
    pub note: std::sync::Mutex<Option<String>>,
}

impl Progress {
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
        self.sent.fetch_add(n, Ordering::Relaxed);
    }

    pub fn reuse(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
        self.reused.fetch_add(n, Ordering::Relaxed);
    }

    pub fn reset(&self) {
        self.done.store(0, Ordering::Relaxed);
    }

    pub fn set_note(&self, note: impl Into<String>) {
        if let Ok(mut n) = self.note.lock() {
            *n = Some(note.into());
        }
    }

    pub fn note(&self) -> Option<String> {
        self.note.lock().ok().and_then(|n| n.clone())
    }
}

/// Why a transfer stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Paused: partial state kept for resume.
    Paused,
    /// Cancelled: partial state removed.
    Cancelled,
    Failed(String),
}

/// A local file problem in words: why, then what was being done to which
/// path, with a full disk or a read-only folder named plainly.
pub fn local_error(action: &str, path: &std::path::Path, e: &std::io::Error) -> Stop {
    use std::io::ErrorKind;
    let why = match e.kind() {
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "the disk is full".to_string(),
        // EFBIG: the file system's (or the process's) largest file was reached.
        ErrorKind::FileTooLarge => "the disk is full (file size limit reached)".to_string(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".to_string(),
        // ENAMETOOLONG: a blob name may be 1,024 characters, a file name 255 bytes.
        ErrorKind::InvalidFilename => {
            "the name is too long (or not allowed) for the local file system".to_string()
        }
        _ => e.to_string(),
    };
    // The reason first: a narrow transfers pane cuts the end of the line.
    Stop::Failed(format!("{why}: cannot {action} {}", path.display()))
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Stop::Failed(e.to_string())
    }
}

/// Whether the worker should keep going: paused or cancelled is checked between chunks.
#[derive(Clone, Debug, Default)]
pub struct Control {
    pub pause: tokio_util::sync::CancellationToken,
    pub cancel: tokio_util::sync::CancellationToken,
}

impl Control {
    pub fn check(&self) -> Result<(), Stop> {
        if self.cancel.is_cancelled() {
            Err(Stop::Cancelled)
        } else if self.pause.is_cancelled() {
            Err(Stop::Paused)
        } else {
            Ok(())
        }
    }
}
