//! Commands of the history pane, and the browser's `V` and `U`.

use super::*;
use crate::app::action::{Action, Command};
use crate::app::effect::Effect;
use crate::app::entry::EntryKind;
use crate::app::layers::{Layer, Mode};
use crate::app::ops::PreviewState;
use crate::app::state::{Confirm, Level, Location, PathAction, State};
use crate::azure::history::{self, HistoryEntry};
use crate::transfer::{Endpoint, ItemSpec, Kind};
use std::path::PathBuf;

impl State {
    pub(in crate::app) fn history_note(&mut self, level: Level, text: impl Into<String>) {
        self.set_status(level, text);
    }

    pub(in crate::app) fn history_list(&mut self) -> Vec<Effect> {
        let generation = self.next_generation;
        self.next_generation += 1;
        let Some(pane) = self.layers.history_mut() else {
            return Vec::new();
        };
        pane.generation = generation;
        pane.entries = None;
        vec![Effect::History(HistoryEffect::List {
            generation,
            account: pane.account,
            container: pane.container.clone(),
            blob: pane.blob.clone(),
        })]
    }

    /// Browser commands of this module; `None` if `cmd` is not one of them.
    pub(in crate::app) fn history_browser_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let selected = self.selected_blob();
        // A blob deleted under versioning still has its versions: V shows
        // them (to read one, download it, or promote it back).
        if cmd == Command::History
            && let Some((account, container, blob, EntryKind::Deleted)) = &selected
            && self.selected_versions_only()
        {
            self.layers.push(Layer::History(HistoryPane {
                account: *account,
                container: container.clone(),
                blob: blob.clone(),
                generation: 0,
                entries: None,
                selected: 0,
            }));
            self.preview = None;
            return Some(self.history_list());
        }
        // A deleted row is not a blob one can read or change until it is undeleted.
        if let Some((_, _, name, EntryKind::Deleted)) = &selected
            && matches!(
                cmd,
                Command::Open
                    | Command::Mark
                    | Command::Download
                    | Command::CopyMarked
                    | Command::Preview
                    | Command::EditMetadata
                    | Command::EditHeaders
                    | Command::EditTags
                    | Command::Delete
                    | Command::Rename
                    | Command::Tier
                    | Command::Sas
                    | Command::BreakLease
                    | Command::Handoff
                    | Command::History
            )
        {
            let u = self.undelete_key();
            self.history_note(
                Level::Info,
                format!("{name} is deleted; {u} on it undeletes it."),
            );
            return Some(Vec::new());
        }
        Some(match cmd {
            Command::History => match selected {
                Some((account, container, blob, EntryKind::Blob)) => {
                    self.layers.push(Layer::History(HistoryPane {
                        account,
                        container,
                        blob,
                        generation: 0,
                        entries: None,
                        selected: 0,
                    }));
                    self.preview = None;
                    self.history_list()
                }
                _ => {
                    self.history_note(
                        Level::Info,
                        "Select a blob to see its snapshots and versions.",
                    );
                    Vec::new()
                }
            },
            Command::ShowDeleted => {
                if !matches!(self.location, Location::Blobs { .. }) {
                    self.history_note(Level::Info, "Open a container to see its deleted blobs.");
                    return Some(Vec::new());
                }
                if matches!(selected, Some((_, _, _, EntryKind::Deleted))) {
                    return Some(self.update(Action::Command(Command::Undelete)));
                }
                if self.deleted.take().is_some() {
                    self.history_note(Level::Info, "Deleted blobs hidden.");
                } else {
                    self.deleted = Some(DeletedView::default());
                    self.history_note(Level::Info, "Looking for deleted blobs…");
                }
                self.listing.reselect = self.selected_entry().map(|e| e.name.clone());
                self.reload()
            }
            Command::Undelete => match selected {
                Some((account, container, blob, EntryKind::Deleted)) => {
                    self.layers.push(Layer::Confirm(Confirm::Undelete {
                        account,
                        container,
                        blob,
                    }));
                    Vec::new()
                }
                _ => {
                    let u = self.undelete_key();
                    self.history_note(
                        Level::Info,
                        format!("Select a deleted blob ({u} shows them) to undelete it."),
                    );
                    Vec::new()
                }
            },
            _ => return None,
        })
    }

    /// Whether the row under the cursor is a blob deleted under versioning
    /// (no current version, older versions kept).
    fn selected_versions_only(&self) -> bool {
        let Some(entry) = self.selected_entry() else {
            return false;
        };
        self.deleted
            .as_ref()
            .and_then(|d| d.info.get(&entry.name))
            .is_some_and(|b| b.versions_only)
    }

    /// The default key, for messages (the state does not hold the keymap).
    pub(in crate::app) fn undelete_key(&self) -> &'static str {
        "U"
    }

    /// The listing of the current folder asks for its deleted blobs too while they are shown.
    pub(in crate::app) fn deleted_effect(&self) -> Option<Effect> {
        self.deleted.as_ref()?;
        let Location::Blobs {
            account,
            container,
            prefix,
        } = &self.location
        else {
            return None;
        };
        // A prefix search narrows the deleted rows too.
        let search = self.listing.search.as_deref().unwrap_or_default();
        Some(Effect::History(HistoryEffect::ListDeleted {
            generation: self.listing.generation,
            account: *account,
            container: container.clone(),
            prefix: format!("{prefix}{search}"),
        }))
    }

    /// Keys while the history pane has them.
    pub(in crate::app) fn history_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(pane) = self.layers.history() else {
            return Vec::new();
        };
        let (account, container, blob) = (pane.account, pane.container.clone(), pane.blob.clone());
        let entry = pane.selected_entry().cloned();
        let len = pane.len();
        let select = |s: &mut State, to: usize| {
            if let Some(p) = s.layers.history_mut() {
                p.selected = to.min(len.saturating_sub(1));
            }
        };
        let current = self.layers.history().map_or(0, |p| p.selected);
        match cmd {
            Command::Up => select(self, current.saturating_sub(1)),
            Command::Down => select(self, current + 1),
            Command::Top => select(self, 0),
            Command::Bottom => select(self, len.saturating_sub(1)),
            Command::PageUp => select(self, current.saturating_sub(self.page_rows.max(1))),
            Command::PageDown => select(self, current + self.page_rows.max(1)),
            Command::MoveDown | Command::MoveUp | Command::ScrollLeft | Command::ScrollRight => {
                self.scroll_preview(cmd)
            }
            Command::Refresh => return self.history_list(),
            Command::Cancel | Command::History | Command::Back => {
                self.layers.remove(Mode::History);
                self.preview = None;
            }
            Command::Help => {
                self.open_help();
            }
            Command::Quit => return self.quit(),
            Command::Transfers => {
                // Leaving the transfers pane comes back here.
                self.focus_transfers();
            }
            Command::HistorySnapshot => {
                let generation = self.layers.history().map_or(0, |p| p.generation);
                self.history_note(Level::Info, format!("Taking a snapshot of {blob}…"));
                return vec![Effect::History(HistoryEffect::Snapshot {
                    generation,
                    account,
                    container,
                    blob,
                })];
            }
            Command::Preview => {
                let Some(entry) = entry else {
                    return Vec::new();
                };
                let label = preview_label(&blob, entry.qualifier.as_ref());
                if self.preview.as_ref().is_some_and(|p| p.blob == label) {
                    self.preview = None;
                    return Vec::new();
                }
                self.preview = Some(PreviewState::reading(label.clone()));
                return vec![Effect::History(HistoryEffect::Preview {
                    account,
                    container,
                    blob,
                    at: entry.qualifier,
                    label,
                })];
            }
            Command::Download => match entry {
                Some(e) if !e.is_current() => {
                    let dir = if self.last_dir.is_empty() {
                        std::env::current_dir()
                            .map(|d| d.display().to_string())
                            .unwrap_or_default()
                    } else {
                        self.last_dir.clone()
                    };
                    let leaf = blob.rsplit('/').next().unwrap_or(&blob).to_string();
                    let start = std::path::Path::new(&dir).join(leaf);
                    self.input = tui_input::Input::new(start.display().to_string());
                    self.layers.push(Layer::Path(PathAction::DownloadPast {
                        account,
                        container,
                        blob,
                        entry: Box::new(e),
                    }));
                }
                Some(_) => self.history_note(
                    Level::Info,
                    "That is the current blob: download it from the list (D there).",
                ),
                None => {}
            },
            Command::HistoryPromote => match entry {
                Some(e) if !e.is_current() => {
                    self.layers.push(Layer::Confirm(Confirm::Promote {
                        account,
                        container,
                        blob,
                        entry: Box::new(e),
                    }));
                }
                Some(_) => self.history_note(Level::Info, "That is the current content already."),
                None => {}
            },
            Command::HistoryDelete => match entry {
                Some(HistoryEntry {
                    qualifier: Some(at),
                    ..
                }) => {
                    self.layers.push(Layer::Confirm(Confirm::DeletePast {
                        account,
                        container,
                        blob,
                        at,
                    }));
                }
                Some(_) => self.history_note(
                    Level::Info,
                    "The current blob is not deleted from here; only its snapshots and versions.",
                ),
                None => {}
            },
            _ => {}
        }
        Vec::new()
    }

    /// The typed path for a past state's download: queued on the transfer
    /// engine like any download (progress, pause, resume, the journal, the
    /// bandwidth cap), asking first if the file exists.
    pub(in crate::app) fn history_download_to(
        &mut self,
        typed: PathBuf,
        action: PathAction,
    ) -> Vec<Effect> {
        let PathAction::DownloadPast {
            account,
            container,
            blob,
            entry,
        } = action
        else {
            return Vec::new();
        };
        let Some(at) = entry.qualifier else {
            self.history_note(
                Level::Info,
                "That is the current blob: download it from the list (D there).",
            );
            return Vec::new();
        };
        let target = history::download_target(&typed, &blob);
        if let Some(parent) = target.parent() {
            self.last_dir = parent.display().to_string();
        }
        let spec = ItemSpec {
            kind: Kind::Download,
            source: Endpoint::Blob {
                account,
                container,
                name: blob,
                at: Some(at),
            },
            target: Endpoint::Local(target.clone()),
            size: entry.size,
        };
        let name = spec.name();
        // As for any download: an existing file is only replaced if the user says so.
        let existing = usize::from(target.exists());
        let effects = self.planned(Ok((vec![spec], existing)));
        if !effects.is_empty() {
            self.history_note(
                Level::Info,
                format!("Queued {name} to {} — see transfers (t).", target.display()),
            );
        }
        effects
    }
}
