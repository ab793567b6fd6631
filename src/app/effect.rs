//! Work that `update` asks for; the runner turns each into a background task.

use super::action::DetailsKey;
use crate::azure::Account;

#[derive(Clone, Debug)]
pub enum Effect {
    /// Starting a listing cancels the one before it.
    ListContainers {
        generation: u64,
        account: usize,
        prefix: Option<String>,
    },
    ListBlobs {
        generation: u64,
        account: usize,
        container: String,
        /// Server-side prefix (the folder, plus any prefix search).
        prefix: String,
    },
    FetchDetails(DetailsKey),
    /// Make a client for the account at `index` (new or replaced); save it if `persist`.
    AddAccount {
        index: usize,
        account: Box<Account>,
        persist: bool,
    },
    /// Expand a download to files and count existing targets.
    PlanDownload {
        selection: crate::transfer::plan::Selection,
        dir: std::path::PathBuf,
    },
    /// Expand an upload to files and count existing targets.
    PlanUpload {
        local: std::path::PathBuf,
        account: usize,
        container: String,
        prefix: String,
        /// Headers, metadata and tags for what is uploaded (the `u` prompt).
        set: Option<crate::azure::bulk::BlobChange>,
    },
    /// Expand a server-side copy to blobs and count existing targets.
    PlanCopy {
        selection: crate::transfer::plan::Selection,
        account: usize,
        container: String,
        prefix: String,
    },
    /// Queue these transfers with the batch's answer for existing targets.
    Enqueue {
        specs: Vec<crate::transfer::ItemSpec>,
        conflict: crate::transfer::conflict::Conflict,
    },
    /// Pause, resume, cancel, retry or move one transfer (or all, for pause).
    TransferOp {
        id: Option<u64>,
        op: TransferOp,
    },
    /// Queue the unfinished transfers of an earlier run again.
    ResumeUnfinished(Vec<crate::transfer::journal::Entry>),
    /// Forget the unfinished transfers of an earlier run: their journal
    /// entries and `.part` files go.
    DiscardUnfinished(Vec<crate::transfer::journal::Entry>),
    /// Write `cap_mbps` (megabits per second, 0: none) into config.toml,
    /// keeping the rest of the file as it is.
    SaveCap(u32),
    /// List flat below `prefix` (plus the pattern's literal start) and keep what matches.
    Find {
        generation: u64,
        account: usize,
        container: String,
        prefix: String,
        text: String,
    },
    /// Find Blobs by Tags in a container, kept below `prefix`; pages
    /// arrive as `Action::FindPage`.
    FindTags {
        generation: u64,
        account: usize,
        container: String,
        prefix: String,
        query: String,
    },
    /// Count sizes below a folder, or of `containers` (the key has no
    /// container); a newer count cancels the one before.
    Sizes {
        key: super::sizes::SizesKey,
        containers: Vec<String>,
        /// Count only what these words take (the find syntax: a pattern
        /// and `after:`, `before:`, `min:`, `max:`, `not:`).
        filter: Option<String>,
    },
    /// Sizes below a folder (or of every container) from the latest Blob
    /// Inventory report below `report` (`az://container/prefix`).
    SizesInventory {
        key: super::sizes::SizesKey,
        report: String,
        /// Only this rule's reports (the account's rule writing there).
        rule: Option<String>,
    },
    /// Read an Entra ID account's Blob Inventory rules (Resource Manager).
    InventoryRules {
        account: usize,
    },
    /// Save the reviewed inventory policy if the service still has `expected`.
    InventoryCreate {
        account: usize,
        expected: Option<serde_json::Value>,
        after: serde_json::Value,
        name: String,
    },
    /// An everyday action on the service (see `app::ops`).
    Op {
        account: usize,
        request: super::ops::OpRequest,
    },
    /// Put text on the clipboard (OSC 52, which also works over SSH).
    Clipboard(String),
    /// Sign in with Entra ID and list storage accounts through Resource Manager.
    Discover,
    /// Forget the account at `index` and remove it (and its secret) from the config.
    RemoveAccount {
        index: usize,
        id: String,
    },
    /// Work of the CORS editor (read, save, test, copy, export, import).
    Cors(super::cors::CorsEffect),
    /// Work of the stored access policies editor (read, save).
    Policies(super::policies::PolicyEffect),
    /// Write the bookmarks to bookmarks.toml.
    SaveBookmarks(Vec<crate::config::bookmarks::Bookmark>),
    /// Change the bandwidth cap (bytes per second; `None` lifts it).
    SetCap(Option<u64>),
    /// Write the transfers' report as CSV (never over an existing file).
    WriteReport {
        path: std::path::PathBuf,
        items: Vec<crate::transfer::engine::ItemView>,
    },
    /// Snapshots, versions and deleted blobs (see `app::history`).
    History(super::history::HistoryEffect),
    /// The sync review's plan, and what follows its transfers.
    Sync(super::sync::SyncEffect),
    /// Find out why an account cannot be reached (see `app::diagnosis`).
    Diagnose {
        account: usize,
    },
    /// Talk to this account with an older storage service version from now on.
    UseVersion {
        account: usize,
        version: String,
    },
    /// Work of the account settings pane (read, save).
    Settings(super::settings::SettingsEffect),
    /// One change (or deletion) on many blobs, shown row by row in the
    /// transfers pane (see `transfer::changes`).
    BulkChange {
        account: usize,
        container: String,
        blobs: Vec<(String, u64)>,
        job: crate::transfer::changes::BulkJob,
    },
    /// Editing a blob in place: read it, save it (see `app::edit`).
    Edit(super::edit::EditEffect),
    /// Work of the lifecycle rules pane (read, dry run, save).
    Lifecycle(super::lifecycle::LifecycleEffect),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferOp {
    Pause,
    Resume,
    Cancel,
    Retry,
    Up,
    Down,
    PauseAll,
    ResumeAll,
    /// Forget the finished transfers (their rows go; the journal stays).
    ForgetFinished,
}

impl PartialEq for Effect {
    /// Tests compare effects; accounts compare by id (credentials are not comparable).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Effect::AddAccount {
                    index: a,
                    account: x,
                    persist: p,
                },
                Effect::AddAccount {
                    index: b,
                    account: y,
                    persist: q,
                },
            ) => a == b && x.id == y.id && p == q,
            (
                Effect::ListContainers {
                    generation: g1,
                    account: a1,
                    prefix: p1,
                },
                Effect::ListContainers {
                    generation: g2,
                    account: a2,
                    prefix: p2,
                },
            ) => g1 == g2 && a1 == a2 && p1 == p2,
            (
                Effect::ListBlobs {
                    generation: g1,
                    account: a1,
                    container: c1,
                    prefix: p1,
                },
                Effect::ListBlobs {
                    generation: g2,
                    account: a2,
                    container: c2,
                    prefix: p2,
                },
            ) => g1 == g2 && a1 == a2 && c1 == c2 && p1 == p2,
            (Effect::FetchDetails(a), Effect::FetchDetails(b)) => a == b,
            (Effect::Discover, Effect::Discover) => true,
            (
                Effect::Op {
                    account: a,
                    request: x,
                },
                Effect::Op {
                    account: b,
                    request: y,
                },
            ) => a == b && x == y,
            (Effect::Clipboard(a), Effect::Clipboard(b)) => a == b,
            (
                Effect::Find {
                    generation: g1,
                    prefix: p1,
                    text: t1,
                    ..
                },
                Effect::Find {
                    generation: g2,
                    prefix: p2,
                    text: t2,
                    ..
                },
            ) => g1 == g2 && p1 == p2 && t1 == t2,
            (
                Effect::PlanDownload {
                    selection: a,
                    dir: x,
                },
                Effect::PlanDownload {
                    selection: b,
                    dir: y,
                },
            ) => a == b && x == y,
            (
                Effect::Enqueue {
                    specs: a,
                    conflict: x,
                },
                Effect::Enqueue {
                    specs: b,
                    conflict: y,
                },
            ) => a == b && x == y,
            (Effect::TransferOp { id: a, op: x }, Effect::TransferOp { id: b, op: y }) => {
                a == b && x == y
            }
            (
                Effect::RemoveAccount { index: a, id: x },
                Effect::RemoveAccount { index: b, id: y },
            ) => a == b && x == y,
            (Effect::Cors(a), Effect::Cors(b)) => a == b,
            (Effect::Policies(a), Effect::Policies(b)) => a == b,
            (Effect::SaveBookmarks(a), Effect::SaveBookmarks(b)) => a == b,
            (Effect::SetCap(a), Effect::SetCap(b)) => a == b,
            (Effect::SaveCap(a), Effect::SaveCap(b)) => a == b,
            (Effect::ResumeUnfinished(a), Effect::ResumeUnfinished(b))
            | (Effect::DiscardUnfinished(a), Effect::DiscardUnfinished(b)) => a == b,
            (Effect::WriteReport { path: a, .. }, Effect::WriteReport { path: b, .. }) => a == b,
            (Effect::History(a), Effect::History(b)) => a == b,
            (Effect::Sync(a), Effect::Sync(b)) => a == b,
            (Effect::Diagnose { account: a }, Effect::Diagnose { account: b }) => a == b,
            (
                Effect::UseVersion {
                    account: a,
                    version: x,
                },
                Effect::UseVersion {
                    account: b,
                    version: y,
                },
            ) => a == b && x == y,
            (Effect::Settings(a), Effect::Settings(b)) => a == b,
            (
                Effect::FindTags {
                    generation: g1,
                    container: c1,
                    prefix: p1,
                    query: q1,
                    ..
                },
                Effect::FindTags {
                    generation: g2,
                    container: c2,
                    prefix: p2,
                    query: q2,
                    ..
                },
            ) => g1 == g2 && c1 == c2 && p1 == p2 && q1 == q2,
            (Effect::Edit(a), Effect::Edit(b)) => a == b,
            (
                Effect::BulkChange {
                    account: a,
                    container: c,
                    blobs: x,
                    job: j,
                },
                Effect::BulkChange {
                    account: b,
                    container: d,
                    blobs: y,
                    job: k,
                },
            ) => a == b && c == d && x == y && j == k,
            (Effect::Lifecycle(a), Effect::Lifecycle(b)) => a == b,
            _ => false,
        }
    }
}
