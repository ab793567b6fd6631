//! Results of the history pane's background work.

use super::*;
use crate::app::effect::Effect;
use crate::app::entry::{Entry, EntryKind};
use crate::app::state::{Level, Location, State};
use crate::azure::history::{self, DeletedListing};

impl State {
    /// Results of this module's work.
    pub(in crate::app) fn history_event(&mut self, event: HistoryEvent) -> Vec<Effect> {
        match event {
            HistoryEvent::Listed { generation, result } => {
                if let Some(p) = self.layers.history_mut()
                    && p.generation == generation
                {
                    if let Ok(entries) = &result {
                        p.selected = p.selected.min(entries.len().saturating_sub(1));
                    }
                    p.entries = Some(result);
                }
                Vec::new()
            }
            HistoryEvent::Changed { generation, result } => {
                match result {
                    Ok(text) => self.history_note(Level::Info, text),
                    Err(e) => self.history_note(Level::Error, e),
                }
                let same = self
                    .layers
                    .history()
                    .is_some_and(|p| p.generation == generation);
                let mut effects = if same {
                    self.history_list()
                } else {
                    Vec::new()
                };
                // The base blob may have changed (promote): its row and details too.
                self.listing.reselect = self.selected_entry().map(|e| e.name.clone());
                effects.extend(self.reload());
                effects
            }
            HistoryEvent::Previewed { label, result } => {
                if let Err(e) = &result {
                    self.history_note(Level::Error, e.clone());
                }
                if let Some(p) = self.preview.as_mut()
                    && p.blob == label
                {
                    p.result = Some(result);
                }
                Vec::new()
            }
            HistoryEvent::DeletedListed { generation, result } => {
                if generation != self.listing.generation || self.deleted.is_none() {
                    return Vec::new();
                }
                match result {
                    Err(e) => {
                        self.history_note(Level::Error, e);
                        Vec::new()
                    }
                    Ok(listing) => self.take_deleted(listing),
                }
            }
            HistoryEvent::Undeleted { result } => match result {
                Ok(text) => {
                    self.history_note(Level::Info, text);
                    self.listing.reselect = self.selected_entry().map(|e| e.name.clone());
                    self.reload()
                }
                Err(e) => {
                    self.history_note(Level::Error, e);
                    Vec::new()
                }
            },
        }
    }

    pub(in crate::app) fn take_deleted(&mut self, listing: DeletedListing) -> Vec<Effect> {
        let Location::Blobs { prefix, .. } = &self.location else {
            return Vec::new();
        };
        let prefix = prefix.clone();
        let note = listing.note();
        let mut view = DeletedView {
            info: HashMap::new(),
            note: Some(note.clone()),
        };
        let interner = &mut self.listing.interner;
        let tag = interner.get(Some("deleted".to_string()));
        let versions_tag = interner.get(Some("deleted · versions".to_string()));
        for b in listing.blobs {
            let leaf: Box<str> = b.name.strip_prefix(&prefix).unwrap_or(&b.name).into();
            self.listing.entries.push(Entry {
                kind: EntryKind::Deleted,
                name: leaf.clone(),
                size: b.size,
                modified: b.deleted_on.or(b.last_modified),
                tier: if b.versions_only {
                    versions_tag.clone()
                } else {
                    tag.clone()
                },
                content_type: None,
            });
            view.info.insert(leaf, b);
        }
        let found = !view.info.is_empty();
        self.deleted = Some(view);
        let level = match listing.retention {
            _ if found => Level::Info,
            history::Retention::Off | history::Retention::Unsupported(_) => Level::Error,
            _ => Level::Info,
        };
        self.history_note(level, note);
        self.rebuild_view(false);
        self.apply_reselect();
        Vec::new()
    }
}
