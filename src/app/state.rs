//! Everything the UI draws, and nothing it has to fetch.

use super::action::DetailsKey;
use super::entry::{Entry, Interner};
use super::form::AttachForm;
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing into the fuzzy filter.
    Filter,
    /// Typing a server-side prefix.
    PrefixSearch,
    Help,
    /// The attach/edit account form.
    Form,
    /// A yes/no question.
    Confirm,
    /// Typing a local path for a download or upload.
    Path,
    /// Keys go to the transfers pane.
    Transfers,
    /// The bookmarks list.
    Bookmarks,
    /// A one-line question (new container name, tier, SAS lifetime…).
    Ask,
    /// The CORS rules editor: its table, lists and questions.
    Cors,
    /// Typing into a field of the CORS editor (rule form, test, file path).
    CorsInput,
    /// The stored access policies editor: its table and questions.
    Policies,
    /// Typing into the policy form.
    PoliciesInput,
    /// The history pane of a blob: its snapshots and versions.
    History,
}

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
    /// Transfers are running; quitting leaves them resumable.
    Quit,
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
    /// Download the selection into a local folder.
    Download(crate::transfer::plan::Selection),
    /// Upload a local file or folder into this container and folder.
    Upload {
        account: usize,
        container: String,
        prefix: String,
    },
    /// Write the transfers' report (CSV) to a new file.
    Report,
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
}

impl AccountNode {
    pub fn new(account: Account) -> Self {
        Self {
            account,
            error: None,
            detached: false,
            broken: None,
            discovery: false,
        }
    }

    /// The node that signs in with Entra ID and lists the user's storage accounts.
    pub fn entra_discovery() -> Self {
        let mut account = Account::placeholder(
            "entra",
            "Microsoft Entra ID",
            crate::azure::Source::Entra,
            None,
        );
        account.note = Some("Enter: sign in (az login, service principal or managed identity) and list your storage accounts".into());
        Self {
            discovery: true,
            ..Self::new(account)
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
    pub mode: Mode,
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
    pub help_scroll: usize,
    pub form: Option<AttachForm>,
    pub confirm: Option<Confirm>,
    /// In the accounts view: which account each entry is.
    pub account_rows: Vec<usize>,
    pub transfers: TransfersPane,
    /// Marked entries of the current folder (full blob names; folders end in `/`).
    pub marks: std::collections::BTreeSet<String>,
    /// Blobs picked with "copy", waiting for "paste" in another place.
    pub clipboard: Option<crate::transfer::plan::Selection>,
    pub path_action: Option<PathAction>,
    /// The last folder downloaded into, offered next time.
    pub last_dir: String,
    /// Terminal height, to size the list when the transfers pane opens.
    pub height: u16,
    /// `--readonly`: nothing that changes the service or overwrites a local file.
    pub readonly: bool,
    /// The preview pane (shown instead of the details pane while set).
    pub preview: Option<super::ops::PreviewState>,
    /// The open one-line question.
    pub ask: Option<super::ops::Ask>,
    /// The CORS rules editor, and what each account's last CORS save replaced.
    pub cors: super::cors::CorsState,
    /// The stored access policies editor (`P` on a container).
    pub policies: Option<super::policies::PolicyEditor>,
    pub bookmarks: super::bookmarks::BookmarkList,
    /// The history pane (`V` on a blob), shown instead of the list while set.
    pub history: Option<super::history::HistoryPane>,
    /// Soft-deleted blobs are shown in the list while set (`U`).
    pub deleted: Option<super::history::DeletedView>,
    pub(super) next_generation: u64,
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
            mode: Mode::Normal,
            input: Input::default(),
            filter: FuzzyFilter::default(),
            query: String::new(),
            sort: Sort::default(),
            show_details: false,
            details: None,
            status: None,
            should_quit: false,
            spinner: 0,
            help_scroll: 0,
            form: None,
            confirm: None,
            account_rows: Vec::new(),
            transfers: TransfersPane::default(),
            marks: Default::default(),
            clipboard: None,
            path_action: None,
            last_dir: String::new(),
            height: 24,
            readonly: false,
            preview: None,
            ask: None,
            cors: Default::default(),
            policies: None,
            bookmarks: Default::default(),
            history: None,
            deleted: None,
            next_generation: 1,
        }
    }

    /// The account a command acts on: the CORS editor's, the one being
    /// browsed, or the one under the cursor in the accounts view.
    pub fn account_in_scope(&self) -> Option<usize> {
        if matches!(self.mode, Mode::Cors | Mode::CorsInput)
            && let Some(ed) = &self.cors.editor
        {
            return Some(ed.account);
        }
        if matches!(self.mode, Mode::Policies | Mode::PoliciesInput)
            && let Some(ed) = &self.policies
        {
            return Some(ed.account);
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
