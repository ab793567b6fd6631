//! Everything that can change the state: user commands (from the keymap),
//! raw keys for text prompts, and results of background work. Results carry the
//! generation they were started for, so stale ones can be dropped.

use crate::azure::{BlobEntry, ContainerEntry, client::BlobDetails};
use crossterm::event::KeyEvent;

pub use crate::command::{COMMANDS, Command};

#[derive(Debug)]
pub enum Action {
    Command(Command),
    /// A key typed into the active text prompt or form field.
    Input(KeyEvent),
    /// Text pasted (bracketed paste) into the active prompt or form field.
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    /// Animation tick (spinner) while something loads.
    Tick,
    ContainersPage {
        generation: u64,
        result: Result<Vec<ContainerEntry>, String>,
        done: bool,
    },
    BlobsPage {
        generation: u64,
        result: Result<Vec<BlobEntry>, String>,
        done: bool,
    },
    Details {
        key: DetailsKey,
        result: Result<BlobDetails, String>,
    },
    /// Get Account Information answered: whether the account has a
    /// hierarchical namespace (Data Lake Storage Gen2).
    AccountKind {
        account: usize,
        hierarchical: bool,
    },
    /// Entra ID discovery finished: the accounts found and how many subscriptions were read.
    Discovered {
        result: Result<(Vec<crate::azure::Account>, usize), String>,
    },
    /// A page of a recursive search: matches, and how many blobs were scanned.
    FindPage {
        generation: u64,
        result: Result<(Vec<BlobEntry>, usize), String>,
        done: bool,
    },
    /// Sizes counted so far (`Z`), or at the end.
    Sizes(super::sizes::SizesReport),
    /// Inventory rules read, or a rule saved (`I` on an Entra ID account).
    Inventory(super::sizes::InventoryEvent),
    /// A request from `app::ops` finished.
    OpDone {
        account: usize,
        result: Result<super::ops::OpOutcome, String>,
    },
    /// The transfer engine's counters changed.
    Transfers(crate::transfer::Snapshot),
    /// A batch was expanded to files; `existing` of their targets are already there.
    TransferPlanned {
        result: Result<(Vec<crate::transfer::ItemSpec>, usize), String>,
    },
    /// A planned upload or copy writes into containers that do not exist.
    MissingContainers {
        specs: Vec<crate::transfer::ItemSpec>,
        existing: usize,
        missing: Vec<crate::transfer::targets::MissingContainer>,
    },
    /// Unfinished transfers found in the journal at start-up.
    Unfinished(Vec<crate::transfer::journal::Entry>),
    /// Saving an attached account to the config finished.
    AccountSaved {
        label: String,
        result: Result<(), String>,
    },
    /// Background work of the CORS editor finished.
    Cors(super::cors::CorsEvent),
    /// Background work of the account settings pane finished.
    Settings(super::settings::SettingsEvent),
    Lifecycle(super::lifecycle::LifecycleEvent),
    /// The diagnosis of an account finished.
    Diagnosed {
        account: usize,
        diagnosis: crate::azure::diagnose::Diagnosis,
    },
    /// A local file was written (bookmarks, a transfer report): what, or why not.
    Saved {
        what: String,
        result: Result<(), String>,
    },
    /// Background work of the stored access policies editor finished.
    Policies(super::policies::PolicyEvent),
    /// Work on snapshots, versions or deleted blobs finished.
    History(super::history::HistoryEvent),
    /// The sync review's plan, or the end of a sync.
    Sync(super::sync::SyncEvent),
    /// The wheel or a click, where the pointer was.
    Mouse(Mouse),
    /// A change to the service was made, or a request failed (for the activity pane).
    Activity(super::activity::ActivityEntry),
    /// Editing a blob in place moved on (see `app::edit`).
    Edit(super::edit::EditEvent),
}

/// A mouse event reduced to what blobx uses.
#[derive(Clone, Copy, Debug)]
pub struct Mouse {
    pub input: MouseInput,
    pub column: u16,
    pub row: u16,
    /// When it happened, to tell a double click.
    pub at: std::time::Instant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MouseInput {
    ScrollUp,
    ScrollDown,
    Click,
}

/// Which blob a details request was for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetailsKey {
    pub account: usize,
    pub container: String,
    pub blob: String,
}
