//! A blob's snapshots and versions (`V` on a blob), and soft-deleted blobs in
//! the current folder (`U`). Commands change the state and ask for work;
//! `spawn` runs that work and reports back with `Action::History`.

mod commands;
mod confirm;
mod events;
mod tasks;
#[cfg(test)]
mod tests;

pub use tasks::execute;
pub(in crate::app) use tasks::spawn;

use crate::azure::history::{DeletedListing, HistoryEntry, Qualifier};
use crate::preview::Preview;
use std::collections::HashMap;

/// The history pane: one blob's current state, snapshots and versions.
#[derive(Clone, Debug)]
pub struct HistoryPane {
    pub account: usize,
    pub container: String,
    pub blob: String,
    pub generation: u64,
    /// `None` while loading.
    pub entries: Option<Result<Vec<HistoryEntry>, String>>,
    pub selected: usize,
}

impl HistoryPane {
    pub fn selected_entry(&self) -> Option<&HistoryEntry> {
        self.entries.as_ref()?.as_ref().ok()?.get(self.selected)
    }

    fn len(&self) -> usize {
        match &self.entries {
            Some(Ok(e)) => e.len(),
            _ => 0,
        }
    }
}

/// Deleted blobs shown in the list (`U`): when and how long each is kept.
#[derive(Clone, Debug, Default)]
pub struct DeletedView {
    /// By the name the row shows (the leaf).
    pub info: HashMap<Box<str>, HistoryEntry>,
    /// What the service said (retention, or why there is nothing to show).
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HistoryEffect {
    List {
        generation: u64,
        account: usize,
        container: String,
        blob: String,
    },
    Snapshot {
        generation: u64,
        account: usize,
        container: String,
        blob: String,
    },
    Preview {
        account: usize,
        container: String,
        blob: String,
        at: Option<Qualifier>,
        label: String,
    },
    Promote {
        generation: u64,
        account: usize,
        container: String,
        blob: String,
        entry: HistoryEntry,
    },
    Delete {
        generation: u64,
        account: usize,
        container: String,
        blob: String,
        at: Qualifier,
    },
    /// Deleted blobs in a folder, for the listing of that generation.
    ListDeleted {
        generation: u64,
        account: usize,
        container: String,
        prefix: String,
    },
    Undelete {
        account: usize,
        container: String,
        blob: String,
    },
}

#[derive(Debug)]
pub enum HistoryEvent {
    Listed {
        generation: u64,
        result: Result<Vec<HistoryEntry>, String>,
    },
    /// A snapshot, promote or delete finished; the history is read again.
    Changed {
        generation: u64,
        result: Result<String, String>,
    },
    Previewed {
        label: String,
        result: Result<Preview, String>,
    },
    DeletedListed {
        generation: u64,
        result: Result<DeletedListing, String>,
    },
    Undeleted {
        result: Result<String, String>,
    },
}

/// The preview pane's title for a past state.
pub fn preview_label(blob: &str, at: Option<&Qualifier>) -> String {
    match at {
        // The leaf only: the pane's title is narrow and the breadcrumb says where.
        Some(q) => format!(
            "{} @ {}",
            blob.rsplit('/').next().unwrap_or(blob),
            q.describe()
        ),
        None => blob.to_string(),
    }
}
