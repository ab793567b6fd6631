//! Everyday actions on containers and blobs, from the keyboard: preview,
//! create and delete containers, delete blobs and folders, rename, access
//! tier, public access level, SAS, and handing a selection to other tools.
//! Each asks first where it matters and validates what is typed as it is typed.

use super::action::Command;
use super::effect::Effect;
use super::entry::EntryKind;
use super::layers::{Layer, Mode};
use super::state::{Confirm, Location, State};
use crate::audit::audit;
use crate::azure::access::PublicAccess;
use crate::azure::ops::{self, AccessTier, DeletePlan, Handoff, Target};
use crate::azure::sas::{SasRequest, parse_duration};
use crate::azure::secret::Secret;
use crate::preview::Preview;

/// Work for the service, run by the runner with the account's client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpRequest {
    Preview {
        container: String,
        blob: String,
    },
    CreateContainer {
        name: String,
    },
    DeleteContainer {
        name: String,
        typed: String,
    },
    PlanDelete {
        container: String,
        targets: Vec<Target>,
    },
    Delete {
        plan: DeletePlan,
    },
    Rename {
        container: String,
        from: String,
        to: String,
    },
    SetTier {
        container: String,
        blob: String,
        tier: AccessTier,
    },
    SetPublicAccess {
        container: String,
        level: PublicAccess,
    },
    /// The level in force, for the chooser.
    GetPublicAccess {
        container: String,
    },
    Sas {
        container: String,
        path: Option<String>,
        /// Permissions and lifetime, or the stored access policy to bind it to.
        request: crate::azure::sas::SasRequest,
    },
    BreakLease {
        container: String,
        blob: String,
    },
    SetMetadata {
        container: String,
        blob: String,
        pairs: Vec<(String, String)>,
    },
    SetHeaders {
        container: String,
        blob: String,
        edit: ops::HeaderEdit,
    },
}

/// What a finished request brings back.
#[derive(Clone, Debug)]
pub enum OpOutcome {
    /// Done; say so, and reload the listing (something changed).
    Changed(String),
    Preview {
        blob: String,
        preview: Preview,
    },
    DeletePlan(DeletePlan),
    Sas {
        url: Secret,
        note: Option<String>,
    },
    PublicAccess {
        container: String,
        result: Result<PublicAccess, String>,
    },
}

/// What a text prompt is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    Find,
    Metadata {
        container: String,
        blob: String,
    },
    Headers {
        container: String,
        blob: String,
    },
    NewContainer,
    DeleteContainer {
        name: String,
    },
    Rename {
        container: String,
        from: String,
    },
    Tier {
        container: String,
        blob: String,
    },
    Sas {
        container: String,
        path: Option<String>,
    },
    /// The bandwidth cap, typed in the transfers pane.
    Cap,
}

impl Ask {
    pub fn label(&self) -> String {
        match self {
            Ask::Find => "find below this folder (glob, /regex/ or text): ".into(),
            Ask::Metadata { .. } => "metadata (name=value; name2=value2): ".into(),
            Ask::Headers { .. } => "type=…; cache=…; disposition=…: ".into(),
            Ask::NewContainer => "new container: ".into(),
            Ask::DeleteContainer { name } => format!("type {name} to delete it: "),
            Ask::Rename { .. } => "new name: ".into(),
            Ask::Tier { .. } => "tier (hot, cool, cold, archive): ".into(),
            Ask::Sas { .. } => {
                "SAS permissions and lifetime (e.g. rl 1h), or a stored policy (@ID [1h]): ".into()
            }
            Ask::Cap => "bandwidth cap in Mb/s (0 = none): ".into(),
        }
    }

    /// Whether the text is acceptable, and why not.
    pub fn check(&self, text: &str) -> Result<(), String> {
        let t = text.trim();
        match self {
            Ask::Find => super::find::Find::parse(t).map(|_| ()),
            Ask::Metadata { .. } => parse_pairs(t).and_then(|p| ops::check_metadata(&p)),
            Ask::Headers { .. } => parse_headers(t).and_then(|e| ops::check_header_edit(&e)),
            Ask::NewContainer => ops::check_container_name(t),
            Ask::DeleteContainer { name } => ops::check_delete_confirmation(name, t),
            Ask::Rename { from, .. } => {
                ops::check_new_blob_name(t)?;
                if t == from {
                    Err("that is its name already".into())
                } else {
                    Ok(())
                }
            }
            Ask::Tier { .. } => AccessTier::parse(t).map(|_| ()),
            Ask::Sas { .. } => parse_sas_input(t).map(|_| ()),
            Ask::Cap => crate::transfer::throttle::parse_cap(t).map(|_| ()),
        }
    }
}

/// "a=1; b=2" → [("a","1"), ("b","2")]; empty text means no metadata.
fn parse_pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| format!("{p:?} is not name=value"))
        })
        .collect()
}

/// "type=text/csv; cache=max-age=60; disposition=attachment": the three headers.
fn parse_headers(text: &str) -> Result<ops::HeaderEdit, String> {
    let mut edit = ops::HeaderEdit::default();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not name=value"))?;
        let v = Some(v.trim().to_string());
        match k.trim() {
            "type" => edit.content_type = v,
            "cache" => edit.cache_control = v,
            "disposition" => edit.content_disposition = v,
            other => return Err(format!("{other:?}: use type, cache or disposition")),
        }
    }
    Ok(edit)
}

/// "rl 1h" → ("rl", 3600).
fn parse_sas_input(text: &str) -> Result<SasRequest, String> {
    let mut parts = text.split_whitespace();
    let first = parts
        .next()
        .ok_or("type permissions (r a c w d l) and a lifetime, e.g. rl 1h, or @POLICY")?;
    // `@ID` or `policy=ID`: bound to the container's stored access policy,
    // which may set the permissions and expiry itself.
    if let Some(id) = first
        .strip_prefix('@')
        .or_else(|| first.strip_prefix("policy="))
    {
        if id.is_empty() {
            return Err("name the stored access policy after @, e.g. @readers".into());
        }
        let mut request = SasRequest {
            policy: Some(id.to_string()),
            ..SasRequest::default()
        };
        for part in parts {
            if let Ok(seconds) = parse_duration(part) {
                request.expires_in = Some(seconds);
            } else if part.chars().all(|c| "racwdl".contains(c)) {
                request.permissions = Some(part.to_string());
            } else {
                return Err(format!(
                    "{part:?} is neither permissions (r a c w d l) nor a lifetime (1h)"
                ));
            }
        }
        return Ok(request);
    }
    if let Some(c) = first.chars().find(|c| !"racwdl".contains(*c)) {
        return Err(format!("{c:?} is not a SAS permission (use r a c w d l)"));
    }
    let expires_in = parse_duration(parts.next().unwrap_or("1h"))?;
    if parts.next().is_some() {
        return Err("only permissions and a lifetime, e.g. rl 1h".into());
    }
    Ok(SasRequest {
        permissions: Some(first.to_string()),
        expires_in: Some(expires_in),
        ..SasRequest::default()
    })
}

/// The preview pane's state.
#[derive(Clone, Debug)]
pub struct PreviewState {
    pub blob: String,
    pub result: Option<Result<Preview, String>>,
    pub scroll: usize,
    /// Sideways steps: table columns, or `preview::SIDE_STEP` characters.
    pub hscroll: usize,
}

impl PreviewState {
    /// Waiting for the preview of `blob`.
    pub fn reading(blob: String) -> Self {
        Self {
            blob,
            result: None,
            scroll: 0,
            hscroll: 0,
        }
    }

    /// Half a page down (`J`) or up (`K`).
    pub fn scroll_half_page(&mut self, down: bool, page_rows: usize) {
        let step = page_rows.max(1) / 2;
        self.scroll = if down {
            self.scroll + step
        } else {
            self.scroll.saturating_sub(step)
        };
    }

    /// One column (or a few characters) right (`>`) or left (`<`), never
    /// past the widest row.
    pub fn scroll_sideways(&mut self, right: bool) {
        let max = match &self.result {
            Some(Ok(p)) => p.side_steps(),
            _ => 0,
        };
        self.hscroll = if right {
            (self.hscroll + 1).min(max)
        } else {
            self.hscroll.saturating_sub(1)
        };
    }
}

impl State {
    fn op(&self, account: usize, request: OpRequest) -> Vec<Effect> {
        vec![Effect::Op { account, request }]
    }

    fn open_ask(&mut self, ask: Ask, initial: String) {
        self.input = tui_input::Input::new(initial);
        self.layers.push(Layer::Ask(ask));
    }

    /// Browser commands for everyday actions; `None` if `cmd` is not one.
    pub(super) fn ops_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
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
            Command::Find => {
                match &self.location {
                    Location::Blobs { .. } => self.open_ask(Ask::Find, String::new()),
                    _ => self.note_op("Open a container to search in it."),
                }
                Vec::new()
            }
            Command::EditMetadata | Command::EditHeaders => {
                let (Some((_, container, prefix)), Some((name, EntryKind::Blob))) =
                    (self.blob_place(), selected)
                else {
                    self.note_op("Select a blob to edit its metadata or headers.");
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
                if cmd == Command::EditMetadata {
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
                match &self.location {
                    Location::Containers { .. } => self.open_ask(Ask::NewContainer, String::new()),
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
                    _ => self.note_op(
                        "Select a blob to rename or move (blobx copies, verifies, then deletes).",
                    ),
                }
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

    /// Keys while a text prompt is open.
    pub(super) fn ask_command(&mut self, cmd: Command) -> Vec<Effect> {
        match cmd {
            Command::Cancel => {
                self.layers.pop_if(Mode::Ask);
                Vec::new()
            }
            Command::Accept => {
                let Some(ask) = self.layers.ask().cloned() else {
                    return Vec::new();
                };
                let text = self.input.value().trim().to_string();
                if let Err(why) = ask.check(&text) {
                    self.fail_op(&why);
                    return Vec::new();
                }
                self.layers.pop_if(Mode::Ask);
                if ask == Ask::Cap {
                    return self.set_cap(&text);
                }
                let account = match &self.location {
                    Location::Containers { account } | Location::Blobs { account, .. } => *account,
                    Location::Accounts => return Vec::new(),
                };
                let request = match ask {
                    Ask::Find => return self.start_find(text),
                    Ask::Cap => return Vec::new(),
                    Ask::Metadata { container, blob } => match parse_pairs(&text) {
                        Ok(pairs) => OpRequest::SetMetadata {
                            container,
                            blob,
                            pairs,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::Headers { container, blob } => match parse_headers(&text) {
                        Ok(edit) => OpRequest::SetHeaders {
                            container,
                            blob,
                            edit,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::NewContainer => OpRequest::CreateContainer { name: text },
                    Ask::DeleteContainer { name } => {
                        OpRequest::DeleteContainer { name, typed: text }
                    }
                    Ask::Rename { container, from } => OpRequest::Rename {
                        container,
                        from,
                        to: text,
                    },
                    Ask::Tier { container, blob } => match AccessTier::parse(&text) {
                        Ok(tier) => OpRequest::SetTier {
                            container,
                            blob,
                            tier,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                    Ask::Sas { container, path } => match parse_sas_input(&text) {
                        Ok(request) => OpRequest::Sas {
                            container,
                            path,
                            request,
                        },
                        Err(e) => {
                            self.fail_op(&e);
                            return Vec::new();
                        }
                    },
                };
                self.note_op("Working…");
                self.op(account, request)
            }
            Command::Quit => self.quit(),
            _ => Vec::new(),
        }
    }

    /// A request finished.
    pub(super) fn op_done(
        &mut self,
        account: usize,
        result: Result<OpOutcome, String>,
    ) -> Vec<Effect> {
        match result {
            Err(e) => {
                if let Some(p) = self.preview.as_mut()
                    && p.result.is_none()
                {
                    p.result = Some(Err(e.clone()));
                }
                if let Some(choice) = self.layers.choice_mut()
                    && choice.current.is_none()
                {
                    choice.current = Some(Err(e.clone()));
                }
                self.fail_op(&e);
                Vec::new()
            }
            Ok(OpOutcome::Changed(what)) => {
                self.note_op(&what);
                self.listing.reselect = self.selected_entry().map(|e| e.name.clone());
                self.reload()
            }
            Ok(OpOutcome::Preview { blob, preview }) => {
                if let Some(p) = self.preview.as_mut()
                    && p.blob == blob
                {
                    p.result = Some(Ok(preview));
                }
                Vec::new()
            }
            Ok(OpOutcome::PublicAccess { container, result }) => {
                if let Some(choice) = self.layers.choice_mut()
                    && choice.container == container
                {
                    choice.read(result);
                }
                Vec::new()
            }
            Ok(OpOutcome::DeletePlan(plan)) if plan.blobs.is_empty() => {
                self.note_op("Nothing to delete.");
                Vec::new()
            }
            Ok(OpOutcome::DeletePlan(plan)) => {
                self.layers
                    .push(Layer::Confirm(Confirm::DeleteBlobs { account, plan }));
                Vec::new()
            }
            Ok(OpOutcome::Sas { url, note }) => {
                self.layers.push(Layer::Confirm(Confirm::Sas {
                    url: url.clone(),
                    revealed: false,
                    note,
                }));
                // Copied at once (OSC 52 works over SSH); the screen masks the signature.
                vec![Effect::Clipboard(url.expose().to_string())]
            }
        }
    }

    /// Answers to the questions this module asks.
    pub(super) fn ops_confirm(&mut self, cmd: Command, question: Confirm) -> Option<Vec<Effect>> {
        Some(match (cmd, question) {
            (Command::Yes, Confirm::DeleteBlobs { account, plan }) => {
                self.marks.clear();
                self.note_op("Deleting…");
                self.op(account, OpRequest::Delete { plan })
            }
            (
                Command::Yes,
                Confirm::BreakLease {
                    account,
                    container,
                    blob,
                },
            ) => self.op(account, OpRequest::BreakLease { container, blob }),
            (
                Command::Reveal,
                Confirm::Sas {
                    url,
                    revealed,
                    note,
                },
            ) => {
                self.layers.push(Layer::Confirm(Confirm::Sas {
                    url,
                    revealed: !revealed,
                    note,
                }));
                Vec::new()
            }
            (_, Confirm::Sas { .. } | Confirm::Handoff(_)) => Vec::new(),
            (_, q @ (Confirm::DeleteBlobs { .. } | Confirm::BreakLease { .. })) => {
                if !matches!(cmd, Command::No | Command::Cancel) {
                    self.layers.push(Layer::Confirm(q));
                }
                Vec::new()
            }
            (_, other) => {
                // Not ours: give it back untouched.
                self.layers.push(Layer::Confirm(other));
                return None;
            }
        })
    }

    /// `J`/`K` and `<`/`>` while a preview is open.
    pub(super) fn scroll_preview(&mut self, cmd: Command) {
        let page = self.page_rows;
        if let Some(p) = self.preview.as_mut() {
            match cmd {
                Command::MoveDown | Command::MoveUp => {
                    p.scroll_half_page(cmd == Command::MoveDown, page)
                }
                Command::ScrollLeft | Command::ScrollRight => {
                    p.scroll_sideways(cmd == Command::ScrollRight)
                }
                _ => {}
            }
        }
    }

    fn note_op(&mut self, text: &str) {
        self.info(text);
    }

    fn fail_op(&mut self, text: &str) {
        self.error(text);
    }
}

/// Runs a request against the account's client (in a task).
pub async fn execute(
    client: &crate::azure::StorageClient,
    request: OpRequest,
) -> Result<OpOutcome, String> {
    let account = client.account();
    let e = |err: ops::OpError| err.describe(account);
    Ok(match request {
        OpRequest::Preview { container, blob } => OpOutcome::Preview {
            preview: crate::azure::preview_fetch::preview(client, &container, &blob)
                .await
                .map_err(e)?,
            blob,
        },
        OpRequest::CreateContainer { name } => {
            ops::create_container(client, &name).await.map_err(e)?;
            audit("create container", &name);
            OpOutcome::Changed(format!("Created container {name}."))
        }
        OpRequest::DeleteContainer { name, typed } => {
            ops::delete_container(client, &name, &typed)
                .await
                .map_err(e)?;
            audit("delete container", &name);
            OpOutcome::Changed(format!("Deleted container {name}."))
        }
        OpRequest::PlanDelete { container, targets } => OpOutcome::DeletePlan(
            ops::plan_delete(client, &container, &targets)
                .await
                .map_err(e)?,
        ),
        OpRequest::Delete { plan } => {
            let report = ops::delete_planned(client, &plan, true).await;
            audit(
                "delete blobs",
                &format!("{} ({} blobs)", plan.container, plan.blobs.len()),
            );
            OpOutcome::Changed(report.summary("Deleted"))
        }
        OpRequest::Rename {
            container,
            from,
            to,
        } => {
            let spec = ops::MoveSpec {
                src_container: container.clone(),
                src: from.clone(),
                dst_container: container.clone(),
                dst: to.clone(),
                overwrite: false,
            };
            ops::rename_blob(client, &spec).await.map_err(e)?;
            audit("rename", &format!("{container}/{from} -> {to}"));
            OpOutcome::Changed(format!(
                "Renamed {from} to {to} (copied, verified, then the old one deleted)."
            ))
        }
        OpRequest::SetTier {
            container,
            blob,
            tier,
        } => {
            let change = ops::set_tier(client, &container, &blob, tier, None)
                .await
                .map_err(e)?;
            audit(
                "set tier",
                &format!("{container}/{blob} -> {}", tier.as_str()),
            );
            OpOutcome::Changed(match change {
                ops::TierChange::Done => format!("{blob} is now {}.", tier.as_str()),
                ops::TierChange::Rehydrating => {
                    format!(
                        "{blob} is being rehydrated to {}; that can take hours.",
                        tier.as_str()
                    )
                }
            })
        }
        OpRequest::GetPublicAccess { container } => {
            let result = crate::azure::access::get_access(client, &container)
                .await
                .map(|a| a.public_access)
                .map_err(e);
            OpOutcome::PublicAccess { container, result }
        }
        OpRequest::SetPublicAccess { container, level } => {
            crate::azure::access::set_public_access(client, &container, level, None)
                .await
                .map_err(e)?;
            audit(
                "set public access",
                &format!("{container} -> {}", level.as_str()),
            );
            let warning = level.warning().map(|w| format!(" {w}")).unwrap_or_default();
            OpOutcome::Changed(format!(
                "{container}: public access is {}.{warning}",
                level.as_str()
            ))
        }
        OpRequest::Sas {
            container,
            path,
            request,
        } => {
            crate::azure::user_delegation::can_sign(account)?;
            let now = crate::azure::connection::now_unix();
            let (target, note, url_path) = match &path {
                Some(p) if !p.ends_with('/') => (
                    crate::azure::sas::SasTarget::Blob {
                        container: container.clone(),
                        blob: p.clone(),
                    },
                    None,
                    p.clone(),
                ),
                Some(p) => (
                    crate::azure::sas::SasTarget::Container(container.clone()),
                    Some(crate::azure::sas::FOLDER_SAS_NOTE.to_string()),
                    p.clone(),
                ),
                None => (
                    crate::azure::sas::SasTarget::Container(container.clone()),
                    None,
                    String::new(),
                ),
            };
            // A policy-bound SAS is checked against the policy as the service has it.
            let policy = match &request.policy {
                Some(id) => crate::azure::access::get_access(client, &container)
                    .await
                    .map_err(e)?
                    .policies
                    .into_iter()
                    .find(|p| &p.id == id),
                None => None,
            };
            let options =
                crate::azure::sas::resolve_sas_options(&request, &target, policy.as_ref(), now)?;
            let token =
                crate::azure::user_delegation::sign_for(account, &target, &options, now).await?;
            let resource = url::Url::parse(&ops::resource_url(account, &container, &url_path))
                .map_err(|err| err.to_string())?;
            OpOutcome::Sas {
                url: crate::azure::sas::sas_url(&resource, &token),
                note,
            }
        }
        OpRequest::SetMetadata {
            container,
            blob,
            pairs,
        } => {
            ops::set_metadata(client, &container, &blob, &pairs, None)
                .await
                .map_err(e)?;
            audit("set metadata", &format!("{container}/{blob}"));
            OpOutcome::Changed(format!("Saved {} metadata entries on {blob}.", pairs.len()))
        }
        OpRequest::SetHeaders {
            container,
            blob,
            edit,
        } => {
            ops::set_content_headers(client, &container, &blob, &edit, None)
                .await
                .map_err(e)?;
            audit("set headers", &format!("{container}/{blob}"));
            OpOutcome::Changed(format!("Saved the headers of {blob}."))
        }
        OpRequest::BreakLease { container, blob } => {
            ops::break_blob_lease(client, &container, &blob)
                .await
                .map_err(e)?;
            audit("break lease", &format!("{container}/{blob}"));
            OpOutcome::Changed(format!("Broke the lease on {blob}."))
        }
    })
}

/// The handoff popup's lines.
pub fn handoff_lines(h: &Handoff) -> Vec<String> {
    let mut lines = vec!["URLs (copied to the clipboard):".to_string()];
    lines.extend(h.urls.iter().map(|u| format!("  {u}")));
    lines.push("az:// URIs:".into());
    lines.extend(h.az_uris.iter().map(|u| format!("  {u}")));
    lines.push("azcopy:".into());
    lines.extend(h.azcopy.iter().map(|u| format!("  {u}")));
    lines.push("az storage:".into());
    lines.extend(h.az_cli.iter().map(|u| format!("  {u}")));
    if !h.note.is_empty() {
        lines.push(h.note.clone());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sas_input_is_checked_as_typed() {
        let rl = parse_sas_input("rl 1h").unwrap();
        assert_eq!(
            (rl.permissions.as_deref(), rl.expires_in, rl.policy),
            (Some("rl"), Some(3600), None)
        );
        assert_eq!(
            parse_sas_input("r").unwrap().expires_in,
            Some(3600),
            "an hour by default"
        );
        let bound = parse_sas_input("@readers").unwrap();
        assert_eq!(
            (bound.policy.as_deref(), bound.permissions, bound.expires_in),
            (Some("readers"), None, None),
            "the policy sets permissions and expiry"
        );
        let bound = parse_sas_input("policy=ro 2h").unwrap();
        assert_eq!(
            (bound.policy.as_deref(), bound.expires_in),
            (Some("ro"), Some(7200))
        );
        assert!(parse_sas_input("@").is_err());
        assert!(parse_sas_input("@ro soon").unwrap_err().contains("soon"));
        assert!(parse_sas_input("rx 1h").unwrap_err().contains("'x'"));
        assert!(parse_sas_input("").is_err());
        assert!(parse_sas_input("r 1h extra").is_err());
    }

    #[test]
    fn asks_validate() {
        assert!(Ask::NewContainer.check("ok-name").is_ok());
        assert!(Ask::NewContainer.check("No").is_err());
        let del = Ask::DeleteContainer {
            name: "logs".into(),
        };
        assert!(del.check("logs").is_ok());
        assert!(del.check("log").is_err());
        assert!(
            Ask::Tier {
                container: "c".into(),
                blob: "b".into()
            }
            .check("cool")
            .is_ok()
        );
        assert!(
            Ask::Tier {
                container: "c".into(),
                blob: "b".into()
            }
            .check("lukewarm")
            .is_err()
        );
    }
}
