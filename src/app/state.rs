//! Everything the UI draws, and nothing it has to fetch.

use super::action::DetailsKey;
use super::entry::{Entry, Interner};
use super::view::{FuzzyFilter, Sort};
use crate::azure::Account;
use crate::azure::client::BlobDetails;
use tui_input::Input;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Accounts,
    Containers {
        account: usize,
    },
    Blobs {
        account: usize,
        container: String,
        /// Folder prefix, empty or ending in `/`.
        prefix: String,
    },
}

pub use super::layers::Mode;
use super::layers::{Layer, Layers};

/// What a yes/no question is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirm {
    Detach {
        account: usize,
    },
    /// Some targets of a batch exist: skip, overwrite, keep both, or if different.
    Conflicts {
        specs: Vec<crate::transfer::ItemSpec>,
        existing: usize,
    },
    /// A batch writes into containers that do not exist: create them?
    CreateContainers {
        specs: Vec<crate::transfer::ItemSpec>,
        existing: usize,
        missing: Vec<crate::transfer::targets::MissingContainer>,
    },
    /// Transfers are running; quitting leaves them resumable.
    Quit,
    /// A location's SAS URL names an account not known here: attach it?
    AttachSas {
        url: crate::azure::secret::Secret,
        path: crate::azure::uri::AzPath,
    },
    /// Unfinished transfers from an earlier run were found.
    Resume {
        entries: Vec<crate::transfer::journal::Entry>,
    },
    /// "Delete 12 blobs (3 MiB) from data?"
    DeleteBlobs {
        account: usize,
        plan: crate::azure::ops::DeletePlan,
    },
    BreakLease {
        account: usize,
        container: String,
        blob: String,
    },
    /// A SAS URL to show (masked until revealed); already on the clipboard.
    Sas {
        url: crate::azure::secret::Secret,
        revealed: bool,
        note: Option<String>,
    },
    /// URLs and commands for other tools.
    Handoff(crate::azure::ops::Handoff),
    /// Copy a snapshot or version over the current blob.
    Promote {
        account: usize,
        container: String,
        blob: String,
        entry: Box<crate::azure::history::HistoryEntry>,
    },
    /// Delete one snapshot or version (never the base blob).
    DeletePast {
        account: usize,
        container: String,
        blob: String,
        at: crate::azure::history::Qualifier,
    },
    /// The blob changed while it was edited: overwrite, keep both, or skip.
    EditConflict {
        session: Box<super::edit::EditSession>,
        text: String,
    },
    /// Add an inventory rule: the policy after (JSON) and the review lines.
    InventoryRule {
        account: usize,
        name: String,
        after: String,
        review: Vec<String>,
    },
    /// Bring back a soft-deleted blob.
    Undelete {
        account: usize,
        container: String,
        blob: String,
    },
}

/// What a path prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathAction {
    /// Download the selections (one per container) into a local folder.
    Download(Vec<crate::transfer::plan::Selection>),
    /// Upload a local file or folder into this container and folder.
    Upload {
        account: usize,
        container: String,
        prefix: String,
    },
    /// Write the transfers' report (CSV) to a new file.
    Report,
    /// Compare a local folder or another container folder with this
    /// container folder (the sync review).
    Sync {
        account: usize,
        container: String,
        prefix: String,
    },
    /// Save one snapshot or version as a local file.
    DownloadPast {
        account: usize,
        container: String,
        blob: String,
        entry: Box<crate::azure::history::HistoryEntry>,
    },
}

/// The transfers pane.
#[derive(Debug, Default)]
pub struct TransfersPane {
    pub snapshot: crate::transfer::Snapshot,
    pub visible: bool,
    pub full: bool,
    pub selected: usize,
}

#[derive(Clone, Debug)]
pub struct AccountNode {
    /// The account, credential included (kept in memory only; `Debug` hides it).
    pub account: Account,
    /// Set when the account could not be listed or loaded; shown on its node.
    pub error: Option<String>,
    /// Detached accounts keep their slot so indices held elsewhere stay valid.
    pub detached: bool,
    /// Why the account cannot be used at all (bad config, unreadable secret).
    pub broken: Option<String>,
    /// The Entra ID node: opening it discovers accounts instead of listing containers.
    pub discovery: bool,
    /// Whether the account has a hierarchical namespace (a data lake), once
    /// Get Account Information answered (asked when it is first opened).
    pub hierarchical: Option<bool>,
}

impl AccountNode {
    pub fn new(account: Account) -> Self {
        Self {
            account,
            error: None,
            detached: false,
            broken: None,
            discovery: false,
            hierarchical: None,
        }
    }

    /// The node that signs in with Entra ID and lists the user's storage accounts.
    pub fn entra_discovery() -> Self {
        Self {
            discovery: true,
            ..Self::new(crate::config::account_list::entra_discovery_account())
        }
    }

    /// A node for an account that could not be loaded, so the tree can say why.
    pub fn broken(account: Account, why: String) -> Self {
        Self {
            error: Some(why.clone()),
            broken: Some(why),
            ..Self::new(account)
        }
    }

    pub fn label(&self) -> &str {
        &self.account.label
    }

    /// The status column: the error if any, else the note, else the host.
    pub fn status(&self) -> (bool, String) {
        if let Some(e) = &self.error {
            return (true, e.clone());
        }
        if self.discovery {
            return (false, self.account.note.clone().unwrap_or_default());
        }
        let mut text = self.account.host();
        if self.hierarchical == Some(true) {
            text.push_str(" · data lake");
        }
        if self.account.readonly {
            text.push_str(" · read-only");
        }
        if let Some(n) = &self.account.note {
            text.push_str(" · ");
            text.push_str(n);
        }
        (false, text)
    }
}

/// The rows of the current place, as they stream in.
#[derive(Debug, Default)]
pub struct Listing {
    pub generation: u64,
    pub entries: Vec<Entry>,
    /// Indices into `entries`: filtered and sorted, what the list shows.
    pub view: Vec<u32>,
    pub loading: bool,
    pub pages: u32,
    pub error: Option<String>,
    pub interner: Interner,
    /// Active server-side prefix search, relative to the folder.
    pub search: Option<String>,
    /// Select this name once it arrives (the folder we came back from).
    pub reselect: Option<Box<str>>,
    /// A recursive search replaces the folder listing while set.
    pub find: Option<super::find::FindInfo>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    pub level: Level,
    pub text: String,
}

#[derive(Clone, Debug)]
pub struct DetailsState {
    pub key: DetailsKey,
    pub result: Option<Result<BlobDetails, String>>,
}

#[derive(Debug)]
pub struct State {
    pub accounts: Vec<AccountNode>,
    pub location: Location,
    pub listing: Listing,
    pub selected: usize,
    pub offset: usize,
    /// Rows the list can show; kept in step with the terminal size.
    pub page_rows: usize,
    /// Panes and popups over the browser; the top one has the keys.
    pub layers: Layers,
    /// The text of the prompt line (filter, prefix, one-line questions, paths).
    pub input: Input,
    pub filter: FuzzyFilter,
    /// The fuzzy query currently applied to the rows.
    pub query: String,
    pub sort: Sort,
    pub show_details: bool,
    pub details: Option<DetailsState>,
    pub status: Option<StatusMessage>,
    pub should_quit: bool,
    pub spinner: usize,
    /// In the accounts view: which account each entry is.
    pub account_rows: Vec<usize>,
    pub transfers: TransfersPane,
    /// Marked blobs and folders, in any folder, container or account.
    pub marks: super::marks::Marks,
    /// Blobs picked with "copy", waiting for "paste" in another place.
    pub clipboard: Option<crate::transfer::plan::Selection>,
    /// The last folder downloaded into, offered next time.
    pub last_dir: String,
    /// Terminal size, to size the list when the transfers pane opens and to
    /// find what is under the mouse pointer.
    pub height: u16,
    pub width: u16,
    /// The last click (when, on which row), to tell a double click.
    pub last_click: Option<(std::time::Instant, usize)>,
    /// Set by the event loop while it takes a burst of keys: the fuzzy filter
    /// over a large listing is then applied once, not once per key.
    pub hold_filter: bool,
    /// Text was typed into the filter and not applied yet.
    pub(super) filter_typed: bool,
    /// Changes made and errors shown since start (the activity pane).
    pub activity: super::activity::ActivityLog,
    /// `--readonly`: nothing that changes the service or overwrites a local file.
    pub readonly: bool,
    /// The preview pane (shown instead of the details pane while set).
    pub preview: Option<super::ops::PreviewState>,
    /// What each account's last CORS save replaced (the editor is a layer).
    pub cors: super::cors::CorsState,
    pub bookmarks: super::bookmarks::BookmarkList,
    /// Soft-deleted blobs are shown in the list while set (`U`).
    pub deleted: Option<super::history::DeletedView>,
    /// Folder and container sizes counted this session (`Z`), by folder.
    pub sizes: std::collections::HashMap<super::sizes::SizesKey, super::sizes::FolderSizes>,
    /// Counts that are not a live count of everything (`Alt-Z` filtered, `I`
    /// from an inventory report), kept apart so the live ones stay cached.
    pub sizes_other: std::collections::HashMap<super::sizes::SizesKey, super::sizes::FolderSizes>,
    /// Which of the two the list shows (the last started; `Z` goes back to live).
    pub sizes_live: bool,
    /// Per-tier prices for the estimated cost next to sizes (config.toml `[prices]`).
    pub prices: crate::config::settings::Prices,
    /// Unix seconds, set by the loop before each draw (for "counted 3 min
    /// ago"); `update` never reads the clock. 0 in tests: no age shown.
    pub now: i64,
    /// The last place typed for inventory reports (`I`).
    pub inventory_report: Option<String>,
    /// The inventory rules last read for `I` (account, policy), until saved.
    pub inventory_rules: Option<(usize, crate::azure::inventory_policy::Loaded)>,
    /// The account's usable inventory rule last offered by `I` (destination, name).
    pub inventory_rule: Option<(String, String)>,
    /// The sync whose transfers run, until they are all over.
    pub sync_job: Option<super::sync::SyncJob>,
    pub(super) next_generation: u64,
    /// A blob read for editing: the event loop hands the terminal to the editor.
    pub editor: Option<Box<super::edit::EditSession>>,
}

impl State {
    pub fn new(accounts: Vec<AccountNode>) -> Self {
        Self {
            accounts,
            location: Location::Accounts,
            listing: Listing::default(),
            selected: 0,
            offset: 0,
            page_rows: 20,
            layers: Layers::default(),
            input: Input::default(),
            filter: FuzzyFilter::default(),
            query: String::new(),
            sort: Sort::default(),
            show_details: false,
            details: None,
            status: None,
            should_quit: false,
            editor: None,
            spinner: 0,
            account_rows: Vec::new(),
            transfers: TransfersPane::default(),
            marks: Default::default(),
            clipboard: None,
            last_dir: String::new(),
            height: 24,
            width: 80,
            last_click: None,
            activity: Default::default(),
            hold_filter: false,
            filter_typed: false,
            readonly: false,
            preview: None,
            cors: Default::default(),
            bookmarks: Default::default(),
            deleted: None,
            sizes: Default::default(),
            sizes_other: Default::default(),
            sizes_live: true,
            sync_job: None,
            inventory_report: None,
            inventory_rules: None,
            inventory_rule: None,
            prices: Default::default(),
            now: 0,
            next_generation: 1,
        }
    }

    /// The account a command acts on: the CORS editor's, the one being
    /// browsed, or the one under the cursor in the accounts view.
    pub fn account_in_scope(&self) -> Option<usize> {
        for layer in self.layers.iter() {
            match layer {
                Layer::Cors(ed) => return Some(ed.account),
                Layer::Policies(ed) => return Some(ed.account),
                _ => {}
            }
        }
        match &self.location {
            Location::Containers { account } | Location::Blobs { account, .. } => Some(*account),
            Location::Accounts => {
                let entry = *self.listing.view.get(self.selected)? as usize;
                self.account_rows.get(entry).copied()
            }
        }
    }

    /// The label of the account in scope when the user marked it read-only.
    pub fn readonly_account(&self) -> Option<&str> {
        let node = self.accounts.get(self.account_in_scope()?)?;
        node.account.readonly.then(|| node.label())
    }

    /// Whether changes are off here: everywhere (`--readonly`) or for this account.
    pub fn changes_off(&self) -> bool {
        self.readonly || self.readonly_account().is_some()
    }

    /// Inside a container: the account, container and folder.
    /// Whether the account is known to have a hierarchical namespace.
    pub fn is_data_lake(&self, account: usize) -> bool {
        self.accounts
            .get(account)
            .is_some_and(|n| n.hierarchical == Some(true))
    }

    pub fn blob_place(&self) -> Option<(usize, String, String)> {
        match &self.location {
            Location::Blobs {
                account,
                container,
                prefix,
            } => Some((*account, container.clone(), prefix.clone())),
            _ => None,
        }
    }

    /// The row under the cursor inside a container: account, container,
    /// full name and kind.
    pub fn selected_blob(&self) -> Option<(usize, String, String, super::entry::EntryKind)> {
        let (account, container, prefix) = self.blob_place()?;
        let e = self.selected_entry()?;
        Some((account, container, format!("{prefix}{}", e.name), e.kind))
    }

    /// The kind of the layer in focus (the browser when the stack is empty).
    pub fn mode(&self) -> Mode {
        self.layers.top().map_or(Mode::Normal, Layer::mode)
    }

    /// The kinds of the open layers, top first, ending with the browser.
    pub fn modes_top_down(&self) -> impl Iterator<Item = Mode> + '_ {
        self.layers
            .iter()
            .map(Layer::mode)
            .chain(std::iter::once(Mode::Normal))
    }

    /// The history pane, when open.
    pub fn history(&self) -> Option<&super::history::HistoryPane> {
        self.layers.history()
    }

    /// The stored access policies editor, when open.
    pub fn policies(&self) -> Option<&super::policies::PolicyEditor> {
        self.layers.policies()
    }

    /// The CORS editor, when open.
    pub fn cors_editor(&self) -> Option<&super::cors::CorsEditor> {
        self.layers.cors()
    }

    pub fn selected_entry(&self) -> Option<&Entry> {
        let idx = *self.listing.view.get(self.selected)?;
        self.listing.entries.get(idx as usize)
    }

    /// The parts of the breadcrumb, from the account down.
    pub fn breadcrumb(&self) -> Vec<String> {
        let mut parts = vec!["accounts".to_string()];
        let account = match &self.location {
            Location::Accounts => return parts,
            Location::Containers { account } | Location::Blobs { account, .. } => *account,
        };
        parts.push(
            self.accounts
                .get(account)
                .map(|a| a.label().to_string())
                .unwrap_or_default(),
        );
        if let Location::Blobs {
            container, prefix, ..
        } = &self.location
        {
            parts.push(container.clone());
            parts.extend(
                prefix
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("{s}/")),
            );
        }
        parts
    }
}
