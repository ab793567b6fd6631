//! The browser's everyday commands on containers and blobs.

use super::*;
use crate::app::action::Command;
use crate::app::effect::Effect;
use crate::app::entry::EntryKind;
use crate::app::layers::Layer;
use crate::app::state::{Confirm, Location, State};
use crate::azure::ops::{self, Target};

impl State {
    pub(in crate::app) fn op(&self, account: usize, request: OpRequest) -> Vec<Effect> {
        vec![Effect::Op { account, request }]
    }

    pub(in crate::app) fn ops_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let selected = self.selected_entry().map(|e| (e.name.to_string(), e.kind));
        Some(match cmd {
            Command::Preview => match (self.blob_place(), selected) {
                (Some((account, container, prefix)), Some((name, EntryKind::Blob)))
                    if self
                        .preview
                        .as_ref()
                        .is_none_or(|p| p.blob != format!("{prefix}{name}")) =>
                {
                    let blob = format!("{prefix}{name}");
                    self.preview = Some(PreviewState::reading(blob.clone()));
                    self.op(account, OpRequest::Preview { container, blob })
                }
                (_, Some((_, EntryKind::Blob))) => {
                    // `v` again closes it.
                    self.preview = None;
                    Vec::new()
                }
                _ => {
                    self.preview = None;
                    self.note_op("Select a blob to preview it.");
                    Vec::new()
                }
            },
            Command::Sizes => self.start_sizes(None),
            Command::GoTo => {
                self.open_ask(Ask::GoTo, String::new());
                Vec::new()
            }
            Command::SizesFiltered => self.ask_sizes_filter(),
            Command::SizesInventory => self.ask_inventory(),
            Command::Sync => self.start_sync(),
            Command::Find => {
                match &self.location {
                    Location::Blobs { .. } => self.open_ask(Ask::Find, String::new()),
                    _ => self.note_op("Open a container to search in it."),
                }
                Vec::new()
            }
            Command::FindTags => {
                match &self.location {
                    Location::Blobs { .. } => self.open_ask(Ask::FindTags, String::new()),
                    _ => self.note_op(
                        "Open a container to search it by index tags (blobx find --tags QUERY searches the whole account).",
                    ),
                }
                Vec::new()
            }
            Command::BulkChange => {
                self.open_bulk(crate::app::bulk::BulkField::Action);
                Vec::new()
            }
            // With marks, the one form for all of them, on the field asked for.
            Command::EditMetadata | Command::EditHeaders | Command::EditTags
                if !self.marks.is_empty() =>
            {
                use crate::app::bulk::BulkField;
                self.open_bulk(match cmd {
                    Command::EditMetadata => BulkField::Metadata,
                    Command::EditTags => BulkField::Tags,
                    _ => BulkField::ContentType,
                });
                Vec::new()
            }
            Command::EditMetadata | Command::EditHeaders | Command::EditTags => {
                let (Some((_, container, prefix)), Some((name, EntryKind::Blob))) =
                    (self.blob_place(), selected)
                else {
                    self.note_op("Select a blob to edit its metadata, headers or tags.");
                    return Some(Vec::new());
                };
                let blob = format!("{prefix}{name}");
                // Saving replaces all metadata, so start from what the blob has now.
                let loaded = self
                    .details
                    .as_ref()
                    .filter(|d| d.key.blob == blob)
                    .and_then(|d| d.result.as_ref())
                    .and_then(|r| r.as_ref().ok())
                    .cloned();
                let Some(details) = loaded else {
                    self.show_details = true;
                    self.note_op(
                        "Reading its properties first; press the key again when they show.",
                    );
                    return Some(self.refresh_details());
                };
                if cmd == Command::EditTags {
                    // Saving replaces every tag: never from a set not seen.
                    let Some(tags) = &details.tags else {
                        self.note_op(
                            "Its index tags could not be read (no permission, or a service without tags); nothing to edit.",
                        );
                        return Some(Vec::new());
                    };
                    let current = tags
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("; ");
                    self.open_ask(Ask::Tags { container, blob }, current);
                } else if cmd == Command::EditMetadata {
                    let current = details
                        .metadata
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join("; ");
                    self.open_ask(Ask::Metadata { container, blob }, current);
                } else {
                    let prop = |n: &str| {
                        details
                            .properties
                            .iter()
                            .find(|(k, _)| k == n)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default()
                    };
                    let current = format!(
                        "type={}; cache={}; disposition={}",
                        prop("content-type"),
                        prop("cache-control"),
                        prop("content-disposition")
                    );
                    self.open_ask(Ask::Headers { container, blob }, current);
                }
                Vec::new()
            }
            Command::Policies => {
                let container = match (&self.location, &selected) {
                    (Location::Containers { account }, Some((name, EntryKind::Container))) => {
                        Some((*account, name.clone()))
                    }
                    (
                        Location::Blobs {
                            account, container, ..
                        },
                        _,
                    ) => Some((*account, container.clone())),
                    _ => None,
                };
                match container {
                    Some((account, container)) => {
                        return Some(self.open_policies(account, container));
                    }
                    None => self.note_op("Select a container to edit its stored access policies."),
                }
                Vec::new()
            }
            Command::NewContainer => {
                match (&self.location, self.blob_place()) {
                    (Location::Containers { .. }, _) => {
                        self.open_ask(Ask::NewContainer, String::new())
                    }
                    (_, Some((account, container, prefix))) if self.is_data_lake(account) => {
                        self.open_ask(Ask::NewDirectory { container, prefix }, String::new())
                    }
                    (_, Some(_)) => self.note_op(
                        "Folders exist as names of blobs here; empty directories are for data lake accounts.",
                    ),
                    _ => self.note_op("Containers are created in an account's container list."),
                }
                Vec::new()
            }
            Command::Delete => match (&self.location, self.blob_place(), selected) {
                (Location::Containers { .. }, _, Some((name, EntryKind::Container))) => {
                    self.open_ask(Ask::DeleteContainer { name }, String::new());
                    Vec::new()
                }
                (_, Some(_), Some(_)) => match self.selection() {
                    Some(sel) => {
                        let targets = sel
                            .items
                            .into_iter()
                            .map(|(n, folder, _)| {
                                if folder {
                                    Target::Folder(n)
                                } else {
                                    Target::Blob(n)
                                }
                            })
                            .collect();
                        self.note_op("Counting what would be deleted…");
                        self.op(
                            sel.account,
                            OpRequest::PlanDelete {
                                container: sel.container,
                                targets,
                            },
                        )
                    }
                    None => {
                        self.note_op(
                            "The marks are in several containers: delete in one container at a time (M clears the marks).",
                        );
                        Vec::new()
                    }
                },
                _ => {
                    self.note_op("Select a container, blob or folder to delete.");
                    Vec::new()
                }
            },
            Command::Rename => {
                match (self.blob_place(), selected) {
                    (Some((_, container, prefix)), Some((name, EntryKind::Blob))) => {
                        let from = format!("{prefix}{name}");
                        self.open_ask(
                            Ask::Rename {
                                container,
                                from: from.clone(),
                            },
                            from,
                        );
                    }
                    (Some((account, container, prefix)), Some((name, EntryKind::Folder)))
                        if self.is_data_lake(account) =>
                    {
                        // One atomic rename of the directory on a data lake.
                        let from = format!("{prefix}{}", name.trim_end_matches('/'));
                        self.open_ask(
                            Ask::Rename {
                                container,
                                from: from.clone(),
                            },
                            from,
                        );
                    }
                    _ => self.note_op(
                        "Select a blob to rename or move (blobx copies, verifies, then deletes).",
                    ),
                }
                Vec::new()
            }
            Command::Permissions => {
                match (self.blob_place(), selected) {
                    (Some((account, container, prefix)), Some((name, kind)))
                        if self.is_data_lake(account)
                            && matches!(kind, EntryKind::Blob | EntryKind::Folder) =>
                    {
                        self.note_op("Reading permissions…");
                        return Some(self.op(
                            account,
                            OpRequest::GetAccess {
                                container,
                                path: format!("{prefix}{}", name.trim_end_matches('/')),
                                folder: kind == EntryKind::Folder,
                            },
                        ));
                    }
                    _ => self.note_op(
                        "Permissions and ACLs are for files and folders of data lake accounts.",
                    ),
                }
                Vec::new()
            }
            Command::Tier if !self.marks.is_empty() => {
                self.tier_marked();
                Vec::new()
            }
            Command::Tier => {
                match (self.blob_place(), selected) {
                    (Some((_, container, prefix)), Some((name, EntryKind::Blob))) => {
                        self.open_ask(
                            Ask::Tier {
                                container,
                                blob: format!("{prefix}{name}"),
                            },
                            String::new(),
                        );
                    }
                    _ => self.note_op("Select a blob to change its access tier."),
                }
                Vec::new()
            }
            Command::PublicAccess => {
                match (&self.location, selected) {
                    (Location::Containers { account }, Some((name, EntryKind::Container))) => {
                        let account = *account;
                        return Some(self.open_public_access(account, name));
                    }
                    (
                        Location::Blobs {
                            account, container, ..
                        },
                        _,
                    ) => {
                        let (account, container) = (*account, container.clone());
                        return Some(self.open_public_access(account, container));
                    }
                    _ => self.note_op("Select a container to set its public access level."),
                }
                Vec::new()
            }
            Command::Sas => {
                match (&self.location, self.blob_place(), selected) {
                    (Location::Containers { .. }, _, Some((name, EntryKind::Container))) => {
                        self.open_ask(
                            Ask::Sas {
                                container: name,
                                path: None,
                            },
                            "rl 1h".into(),
                        );
                    }
                    (_, Some((_, container, prefix)), Some((name, kind))) => {
                        let path = Some(format!("{prefix}{name}"));
                        let start = if kind == EntryKind::Blob {
                            "r 1h"
                        } else {
                            "rl 1h"
                        };
                        self.open_ask(Ask::Sas { container, path }, start.into());
                    }
                    _ => self.note_op("Select a container, folder or blob to make a SAS for."),
                }
                Vec::new()
            }
            Command::BreakLease => match (self.blob_place(), selected) {
                (Some((account, container, prefix)), Some((name, EntryKind::Blob))) => {
                    self.layers.push(Layer::Confirm(Confirm::BreakLease {
                        account,
                        container,
                        blob: format!("{prefix}{name}"),
                    }));
                    Vec::new()
                }
                _ => {
                    self.note_op("Select a blob to break its lease.");
                    Vec::new()
                }
            },
            Command::Handoff => {
                match self.selection() {
                    Some(sel) if sel.account < self.accounts.len() => {
                        let items: Vec<(String, bool)> =
                            sel.items.iter().map(|(n, f, _)| (n.clone(), *f)).collect();
                        let handoff = ops::handoff(
                            &self.accounts[sel.account].account,
                            &sel.container,
                            &items,
                        );
                        let text = handoff.urls.join("\n");
                        self.layers.push(Layer::Confirm(Confirm::Handoff(handoff)));
                        return Some(vec![Effect::Clipboard(text)]);
                    }
                    _ => self.note_op("Select blobs or folders to hand to other tools."),
                }
                Vec::new()
            }
            _ => return None,
        })
    }

    pub(in crate::app) fn note_op(&mut self, text: &str) {
        self.info(text);
    }

    pub(in crate::app) fn fail_op(&mut self, text: &str) {
        self.error(text);
    }
}

impl State {
    /// `z` with marks: one tier for every marked blob (Blob Batch).
    fn tier_marked(&mut self) {
        let current = match &self.location {
            Location::Blobs { account, .. } => Some(*account),
            _ => None,
        };
        let Some(sel) = self.selection() else {
            self.note_op(
                "The marks are in several containers: change tiers in one container at a time (M clears the marks).",
            );
            return;
        };
        if current != Some(sel.account) {
            self.note_op("Open the account of the marked blobs to change their tier.");
            return;
        }
        if sel.items.iter().any(|(_, folder, _)| *folder) {
            self.note_op(
                "Tiers belong to blobs: unmark the folders (or use blobx set-tier -r for a folder).",
            );
            return;
        }
        let blobs = sel
            .items
            .into_iter()
            .map(|(name, _, size)| (name, size))
            .collect();
        self.open_ask(
            Ask::TierMany {
                container: sel.container,
                blobs,
            },
            String::new(),
        );
    }
}
