//! A blob's snapshots and versions (`V` on a blob), and soft-deleted blobs in
//! the current folder (`U`). Commands change the state and ask for work;
//! `spawn` runs that work and reports back with `Action::History`.

use super::action::{Action, Command};
use super::effect::Effect;
use super::entry::{Entry, EntryKind};
use super::layers::{Layer, Mode};
use super::ops::PreviewState;
use super::state::{Confirm, Level, Location, PathAction, State};
use crate::audit::audit;
use crate::azure::StorageClient;
use crate::azure::history::{self, DeletedListing, HistoryEntry, Qualifier};
use crate::azure::ops;
use crate::preview::Preview;
use crate::transfer::{Endpoint, ItemSpec, Kind};
use std::collections::HashMap;
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;

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

impl State {
    fn history_note(&mut self, level: Level, text: impl Into<String>) {
        self.set_status(level, text);
    }

    fn history_list(&mut self) -> Vec<Effect> {
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
    pub(super) fn history_browser_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let selected = self.selected_blob();
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

    /// The default key, for messages (the state does not hold the keymap).
    fn undelete_key(&self) -> &'static str {
        "U"
    }

    /// The listing of the current folder asks for its deleted blobs too while they are shown.
    pub(super) fn deleted_effect(&self) -> Option<Effect> {
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
    pub(super) fn history_command(&mut self, cmd: Command) -> Vec<Effect> {
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
    pub(super) fn history_download_to(
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

    /// Answers to this module's questions; `None` (question given back) if not ours.
    pub(super) fn history_confirm(
        &mut self,
        cmd: Command,
        question: Confirm,
    ) -> Option<Vec<Effect>> {
        let generation = self.layers.history().map_or(0, |p| p.generation);
        Some(match (cmd, question) {
            (
                Command::Yes,
                Confirm::Promote {
                    account,
                    container,
                    blob,
                    entry,
                },
            ) => {
                self.history_note(Level::Info, "Promoting…");
                vec![Effect::History(HistoryEffect::Promote {
                    generation,
                    account,
                    container,
                    blob,
                    entry: *entry,
                })]
            }
            (
                Command::Yes,
                Confirm::DeletePast {
                    account,
                    container,
                    blob,
                    at,
                },
            ) => {
                self.history_note(Level::Info, format!("Deleting the {}…", at.describe()));
                vec![Effect::History(HistoryEffect::Delete {
                    generation,
                    account,
                    container,
                    blob,
                    at,
                })]
            }
            (
                Command::Yes,
                Confirm::Undelete {
                    account,
                    container,
                    blob,
                },
            ) => {
                self.history_note(Level::Info, format!("Undeleting {blob}…"));
                vec![Effect::History(HistoryEffect::Undelete {
                    account,
                    container,
                    blob,
                })]
            }
            (
                Command::No | Command::Cancel,
                Confirm::Promote { .. } | Confirm::DeletePast { .. },
            ) => Vec::new(),
            (Command::No | Command::Cancel, Confirm::Undelete { .. }) => Vec::new(),
            (Command::Quit, _) => self.quit(),
            (
                _,
                q @ (Confirm::Promote { .. }
                | Confirm::DeletePast { .. }
                | Confirm::Undelete { .. }),
            ) => {
                // Any other key leaves the question open.
                self.layers.push(Layer::Confirm(q));
                Vec::new()
            }
            (_, other) => {
                // Not ours: give it back untouched.
                self.layers.push(Layer::Confirm(other));
                return None;
            }
        })
    }

    /// Results of this module's work.
    pub(super) fn history_event(&mut self, event: HistoryEvent) -> Vec<Effect> {
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

    fn take_deleted(&mut self, listing: DeletedListing) -> Vec<Effect> {
        let Location::Blobs { prefix, .. } = &self.location else {
            return Vec::new();
        };
        let prefix = prefix.clone();
        let note = listing.retention.note(listing.blobs.len());
        let mut view = DeletedView {
            info: HashMap::new(),
            note: Some(note.clone()),
        };
        let interner = &mut self.listing.interner;
        let tag = interner.get(Some("deleted".to_string()));
        for b in listing.blobs {
            let leaf: Box<str> = b.name.strip_prefix(&prefix).unwrap_or(&b.name).into();
            self.listing.entries.push(Entry {
                kind: EntryKind::Deleted,
                name: leaf.clone(),
                size: b.size,
                modified: b.deleted_on.or(b.last_modified),
                tier: tag.clone(),
                content_type: None,
            });
            view.info.insert(leaf, b);
        }
        self.deleted = Some(view);
        let level = match listing.retention {
            history::Retention::Off | history::Retention::Unsupported(_) => Level::Error,
            _ => Level::Info,
        };
        self.history_note(level, note);
        self.rebuild_view(false);
        self.apply_reselect();
        Vec::new()
    }
}

/// Runs one piece of work; `client` finds an account's client.
pub(super) fn spawn(
    effect: HistoryEffect,
    client: impl Fn(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let send = move |event: HistoryEvent| {
        let _ = tx.send(Action::History(event));
    };
    let account = match &effect {
        HistoryEffect::List { account, .. }
        | HistoryEffect::Snapshot { account, .. }
        | HistoryEffect::Preview { account, .. }
        | HistoryEffect::Promote { account, .. }
        | HistoryEffect::Delete { account, .. }
        | HistoryEffect::ListDeleted { account, .. }
        | HistoryEffect::Undelete { account, .. } => *account,
    };
    let Some(client) = client(account) else {
        let missing = "This account could not be set up; edit it to fix it.".to_string();
        return send(failed(effect, missing));
    };
    tokio::spawn(async move { send(execute(&client, effect).await) });
}

/// The event that reports `effect` failing with `why` before it started.
fn failed(effect: HistoryEffect, why: String) -> HistoryEvent {
    match effect {
        HistoryEffect::List { generation, .. } => HistoryEvent::Listed {
            generation,
            result: Err(why),
        },
        HistoryEffect::Snapshot { generation, .. }
        | HistoryEffect::Promote { generation, .. }
        | HistoryEffect::Delete { generation, .. } => HistoryEvent::Changed {
            generation,
            result: Err(why),
        },
        HistoryEffect::Preview { label, .. } => HistoryEvent::Previewed {
            label,
            result: Err(why),
        },
        HistoryEffect::ListDeleted { generation, .. } => HistoryEvent::DeletedListed {
            generation,
            result: Err(why),
        },
        HistoryEffect::Undelete { .. } => HistoryEvent::Undeleted { result: Err(why) },
    }
}

/// Does the work against the service (in a task) and says how it went.
pub async fn execute(client: &StorageClient, effect: HistoryEffect) -> HistoryEvent {
    let e = |err: ops::OpError| err.describe(client.account());
    match effect {
        HistoryEffect::List {
            generation,
            container,
            blob,
            ..
        } => HistoryEvent::Listed {
            generation,
            result: history::list_history(client, &container, &blob)
                .await
                .map_err(e),
        },
        HistoryEffect::Snapshot {
            generation,
            container,
            blob,
            ..
        } => HistoryEvent::Changed {
            generation,
            result: history::take_snapshot(client, &container, &blob)
                .await
                .map(|q| {
                    audit(
                        "snapshot",
                        &format!("{container}/{blob} ({})", q.describe()),
                    );
                    format!("Took a snapshot of {blob} ({}).", q.stamp())
                })
                .map_err(e),
        },
        HistoryEffect::Preview {
            container,
            blob,
            at,
            label,
            ..
        } => HistoryEvent::Previewed {
            label,
            result: crate::azure::preview_fetch::preview_at(client, &container, &blob, at.as_ref())
                .await
                .map_err(e),
        },
        HistoryEffect::Promote {
            generation,
            container,
            blob,
            entry,
            ..
        } => HistoryEvent::Changed {
            generation,
            result: history::promote(client, &container, &blob, &entry)
                .await
                .map(|()| {
                    let what = entry
                        .qualifier
                        .as_ref()
                        .map(|q| q.describe())
                        .unwrap_or_default();
                    audit("promote", &format!("{container}/{blob} <- {what}"));
                    format!("{blob} now holds the content of its {what}.")
                })
                .map_err(e),
        },
        HistoryEffect::Delete {
            generation,
            container,
            blob,
            at,
            ..
        } => HistoryEvent::Changed {
            generation,
            result: history::delete_past(client, &container, &blob, &at)
                .await
                .map(|()| {
                    audit(
                        "delete snapshot or version",
                        &format!("{container}/{blob} ({})", at.describe()),
                    );
                    format!("Deleted the {} of {blob}.", at.describe())
                })
                .map_err(e),
        },
        HistoryEffect::ListDeleted {
            generation,
            container,
            prefix,
            ..
        } => HistoryEvent::DeletedListed {
            generation,
            result: history::deleted_here(client, &container, &prefix)
                .await
                .map_err(e),
        },
        HistoryEffect::Undelete {
            container, blob, ..
        } => HistoryEvent::Undeleted {
            result: ops::undelete(client, &container, &blob)
                .await
                .map(|()| {
                    audit("undelete", &format!("{container}/{blob}"));
                    format!("Undeleted {blob}.")
                })
                .map_err(e),
        },
    }
}
