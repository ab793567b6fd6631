//! The sync review (`Y` in a container folder): the folder the browser
//! shows and another side — a local folder, or a container folder in any
//! location form `:` takes (`az://other/prefix/`, `az://c@account/p`, a URL)
//! — are compared with the same planning as `blobx sync` (`transfer::sync`),
//! and the plan is shown before anything moves: new, changed and
//! only-on-the-other-side files with counts and bytes, in a list grouped by
//! kind. `d` turns the direction round, `m` deletes what is only on the
//! target side too (asked with the count and size), Enter runs it through
//! the transfer queue (the transfers pane shows the progress; between two
//! containers the copies are server-side, as `blobx sync` makes them). Once
//! every transfer is over, uploaded files get their mtime recorded and, when
//! every transfer succeeded, the extras are deleted.

mod tasks;
#[cfg(test)]
mod tests;

pub(in crate::app) use tasks::spawn;

use super::action::{Action, Command};
use super::effect::Effect;
use super::layers::{Layer, Mode};
use super::state::{Location, PathAction, State};
use crate::transfer::conflict::Conflict;
use crate::transfer::sync::{Class, Plan, Root};
use crate::transfer::{Endpoint, Status};
use crate::ui::format::display_name;
use std::collections::{HashMap, HashSet};

/// The review layer's state.
#[derive(Debug)]
pub struct SyncReview {
    pub account: usize,
    pub container: String,
    /// The container folder, empty or ending in `/`.
    pub prefix: String,
    /// The other side: a local folder or a container folder.
    pub other: Root,
    /// The other side is the source (local folder → here: an upload);
    /// else this folder is.
    pub from_other: bool,
    /// How each side is shown: `(this folder, the other side)`, naming the
    /// accounts when they differ.
    pub shown: (String, String),
    /// Also delete what is only on the target side.
    pub mirror: bool,
    pub generation: u64,
    /// `None` while both sides are being listed.
    pub plan: Option<Plan>,
    pub error: Option<String>,
    /// The rows: indices into the plan's entries that are not the same,
    /// grouped by class (new, changed, only on the target) then by path.
    pub rows: Vec<usize>,
    pub selected: usize,
    /// Asking whether to delete the extras before running.
    pub asking: bool,
}

impl SyncReview {
    /// `(source, target)`.
    pub fn roots(&self) -> (Root, Root) {
        let here = Root::Blob {
            account: self.account,
            container: self.container.clone(),
            prefix: self.prefix.clone(),
        };
        if self.from_other {
            (self.other.clone(), here)
        } else {
            (here, self.other.clone())
        }
    }

    /// `(source, target)` as shown.
    pub fn shown_roots(&self) -> (&str, &str) {
        let (here, other) = (&self.shown.0, &self.shown.1);
        if self.from_other {
            (other, here)
        } else {
            (here, other)
        }
    }

    /// Both sides are container folders: the copies are server-side.
    pub fn between_containers(&self) -> bool {
        matches!(self.other, Root::Blob { .. })
    }

    /// "upload", "download" or "server-side copy".
    pub fn direction(&self) -> &'static str {
        match (&self.other, self.from_other) {
            (Root::Blob { .. }, _) => "server-side copy",
            (Root::Local(_), true) => "upload",
            (Root::Local(_), false) => "download",
        }
    }

    fn set_plan(&mut self, plan: Plan) {
        let mut rows: Vec<usize> = (0..plan.entries.len())
            .filter(|&i| plan.entries[i].class != Class::Same)
            .collect();
        rows.sort_by(|&a, &b| {
            let (a, b) = (&plan.entries[a], &plan.entries[b]);
            (a.class, &a.rel).cmp(&(b.class, &b.rel))
        });
        self.rows = rows;
        self.selected = 0;
        self.plan = Some(plan);
    }
}

/// Work for the runner.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncEffect {
    /// List both sides and compare them.
    Plan {
        generation: u64,
        src: Root,
        dst: Root,
    },
    /// The review closed: stop the plan's listings.
    Stop,
    /// Before the uploads are queued: the engine records each file's mtime
    /// (`blobx_mtime`) on its blob once written, and keeps it in the
    /// upload's journal entry, so an upload resumed after a restart records
    /// it too.
    RecordMtimes(Vec<(Endpoint, i64)>),
    /// After the transfers: delete the extras; `recorded` uploads had their
    /// mtime recorded by the engine.
    Finish {
        recorded: usize,
        deletes: Vec<(Endpoint, u64)>,
    },
}

/// What the runner reports.
#[derive(Debug)]
pub enum SyncEvent {
    Planned {
        generation: u64,
        result: Result<Plan, String>,
    },
    Finished {
        recorded: usize,
        deleted: usize,
        deleted_bytes: u64,
        failures: Vec<String>,
    },
}

/// A sync whose transfers are queued: what follows once they are over.
#[derive(Debug, Default)]
pub struct SyncJob {
    /// Transfers queued before this sync's have ids up to this.
    pub after_id: u64,
    /// The last status seen of each of this sync's transfers, by target.
    pub seen: HashMap<String, Status>,
    pub targets: usize,
    /// The uploads whose mtime the engine records, by target.
    pub records: HashSet<String>,
    pub deletes: Vec<(Endpoint, u64)>,
}

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

/// Typed text that names a container location rather than a local folder.
/// The location in what was typed, if it names one. The prompt starts with
/// a local folder filled in, so a location typed (or pasted) without clearing
/// it first ends up after that folder: "/home/meaz://c/p" means az://c/p, not
/// a local folder of that odd name.
fn typed_location(typed: &str) -> Option<&str> {
    ["az://", "abfs://", "abfss://", "https://", "http://"]
        .iter()
        .filter_map(|scheme| typed.find(scheme))
        .min()
        .map(|at| &typed[at..])
}

impl State {
    /// `Y` in a container folder: which local folder or container folder to
    /// compare with.
    pub(super) fn start_sync(&mut self) -> Vec<Effect> {
        let Location::Blobs {
            account,
            container,
            prefix,
        } = &self.location
        else {
            self.note_op("Open a container (and folder) to sync it with a local folder or another container folder.");
            return Vec::new();
        };
        let action = PathAction::Sync {
            account: *account,
            container: container.clone(),
            prefix: prefix.clone(),
        };
        let start = if self.last_dir.is_empty() {
            std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default()
        } else {
            self.last_dir.clone()
        };
        self.input = tui_input::Input::new(start);
        self.layers.push(Layer::Path(action));
        Vec::new()
    }

    /// The other side is typed (a local folder or a location): open the
    /// review and compare.
    pub(super) fn open_sync(
        &mut self,
        account: usize,
        container: String,
        prefix: String,
        typed: &str,
    ) -> Vec<Effect> {
        let here = Root::Blob {
            account,
            container: container.clone(),
            prefix: prefix.clone(),
        };
        let (other, from_other) = if let Some(location) = typed_location(typed) {
            match self.sync_location(location) {
                Ok(root) => (root, true),
                Err(why) => {
                    self.error(&why);
                    return Vec::new();
                }
            }
        } else {
            let local = super::transfers::expand_home(typed);
            if local.exists() && !local.is_dir() {
                self.note_op(&format!("{} is not a folder.", local.display()));
                return Vec::new();
            }
            self.last_dir = local.display().to_string();
            let upload = local.is_dir();
            (Root::Local(local), upload)
        };
        if other.overlaps(&here) {
            self.error(&format!(
                "{} and {} overlap: one holds the other, so a sync would copy into what it reads. Pick folders side by side.",
                display_name(&other.show()),
                display_name(&here.show())
            ));
            return Vec::new();
        }
        let shown = (self.show_root(&here, &other), self.show_root(&other, &here));
        let review = SyncReview {
            account,
            container,
            prefix,
            other,
            from_other,
            shown,
            mirror: false,
            generation: 0,
            plan: None,
            error: None,
            rows: Vec::new(),
            selected: 0,
            asking: false,
        };
        self.layers.push(Layer::Sync(Box::new(review)));
        self.replan()
    }

    /// A location typed in the sync prompt, as a container folder of an
    /// account blobx knows (`az://c/p` is in the account being browsed).
    fn sync_location(&self, typed: &str) -> Result<Root, String> {
        let (path, _sas) = crate::azure::uri::parse_location(typed)?;
        let account = match path.account.as_deref() {
            Some(wanted) => self
                .account_named(wanted)
                .ok_or_else(|| crate::config::account_list::unknown_account(wanted))?,
            None => match self.location {
                Location::Blobs { account, .. } | Location::Containers { account } => account,
                Location::Accounts => {
                    return Err("Name the account: az://container@account/path.".into());
                }
            },
        };
        let mut prefix = path.prefix;
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(Root::Blob {
            account,
            container: path.container,
            prefix,
        })
    }

    /// A side as the review shows it: with its account's id (what
    /// `az://c@id/p` names, unique even when two share a storage name) when
    /// the other side is in another account.
    fn show_root(&self, root: &Root, other: &Root) -> String {
        match (root, other) {
            (
                Root::Blob {
                    account,
                    container,
                    prefix,
                },
                Root::Blob {
                    account: theirs, ..
                },
            ) if account != theirs => {
                let name = self
                    .accounts
                    .get(*account)
                    .map(|n| n.account.id.clone())
                    .unwrap_or_default();
                format!("az://{container}@{name}/{prefix}")
            }
            _ => root.show(),
        }
    }

    /// Why the copies cannot run, before any is queued: a server-side copy
    /// reads its source with a key or a SAS, which an Entra ID sign-in is not
    /// (the engine would fail every copy with the same reason).
    fn copy_refusal(&self, review: &SyncReview) -> Option<String> {
        let (Root::Blob { account, .. }, Root::Blob { .. }) = review.roots() else {
            return None;
        };
        let node = self.accounts.get(account)?;
        matches!(node.account.auth, crate::azure::Auth::Token(_)).then(|| {
            format!(
                "{} signs in with Entra ID: a server-side copy reads its source with the account's key or a SAS. Attach a SAS of the source container (a, paste its SAS URL) and sync from az://container@that-account/…",
                display_name(&node.account.label)
            )
        })
    }

    /// Lists both sides again (a new generation drops the old answer).
    fn replan(&mut self) -> Vec<Effect> {
        let generation = self.next_generation;
        self.next_generation += 1;
        let Some(review) = self.layers.sync_mut() else {
            return Vec::new();
        };
        review.generation = generation;
        review.plan = None;
        review.error = None;
        review.rows.clear();
        review.selected = 0;
        review.asking = false;
        let (src, dst) = review.roots();
        vec![Effect::Sync(SyncEffect::Plan {
            generation,
            src,
            dst,
        })]
    }

    pub(super) fn sync_event(&mut self, event: SyncEvent) -> Vec<Effect> {
        match event {
            SyncEvent::Planned { generation, result } => {
                let Some(review) = self.layers.sync_mut() else {
                    return Vec::new();
                };
                if review.generation != generation {
                    return Vec::new();
                }
                match result {
                    Ok(plan) => review.set_plan(plan),
                    Err(e) => review.error = Some(e),
                }
            }
            SyncEvent::Finished {
                recorded,
                deleted,
                deleted_bytes,
                failures,
            } => {
                let mut text = "Sync finished".to_string();
                if deleted > 0 {
                    text.push_str(&format!(
                        ", {deleted} extra{} deleted ({})",
                        if deleted == 1 { "" } else { "s" },
                        human(deleted_bytes)
                    ));
                }
                if recorded > 0 {
                    text.push_str(&format!(
                        "; {recorded} upload times recorded for the next comparison"
                    ));
                }
                if failures.is_empty() {
                    text.push('.');
                    self.note_op(&text);
                } else {
                    text.push_str(&format!(
                        "; {} failed: {}",
                        failures.len(),
                        failures.join("; ")
                    ));
                    self.error(&text);
                }
                if matches!(self.location, Location::Blobs { .. }) && self.mode() == Mode::Normal {
                    return self.reload();
                }
            }
        }
        Vec::new()
    }

    /// Keys while the review is open.
    pub(super) fn sync_command(&mut self, cmd: Command) -> Vec<Effect> {
        let page = self.page_rows.max(1);
        if cmd == Command::Accept
            && let Some(why) = self.layers.sync().and_then(|r| self.copy_refusal(r))
        {
            self.error(&why);
            return Vec::new();
        }
        let Some(review) = self.layers.sync_mut() else {
            return Vec::new();
        };
        let last = review.rows.len().saturating_sub(1);
        if review.asking {
            match cmd {
                Command::Yes => return self.run_sync(),
                Command::No | Command::Cancel | Command::Back => review.asking = false,
                _ => {}
            }
            return Vec::new();
        }
        match cmd {
            Command::Up => review.selected = review.selected.saturating_sub(1),
            Command::Down => review.selected = (review.selected + 1).min(last),
            Command::PageUp => review.selected = review.selected.saturating_sub(page),
            Command::PageDown => review.selected = (review.selected + page).min(last),
            Command::Top => review.selected = 0,
            Command::Bottom => review.selected = last,
            Command::SyncMirror => review.mirror = !review.mirror,
            Command::SyncDirection => {
                review.from_other = !review.from_other;
                return self.replan();
            }
            Command::Refresh => return self.replan(),
            Command::Accept => {
                let Some(plan) = &review.plan else {
                    self.note_op("Still comparing: the plan shows when both sides are listed.");
                    return Vec::new();
                };
                if review.mirror && plan.extras().next().is_some() {
                    review.asking = true;
                    return Vec::new();
                }
                return self.run_sync();
            }
            Command::Cancel | Command::Back | Command::Quit => {
                let planning = review.plan.is_none() && review.error.is_none();
                self.layers.pop_if(Mode::Sync);
                if planning {
                    return vec![Effect::Sync(SyncEffect::Stop)];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Queues the plan's transfers and remembers what follows them.
    fn run_sync(&mut self) -> Vec<Effect> {
        let Some(Layer::Sync(review)) = self.layers.pop_if(Mode::Sync) else {
            return Vec::new();
        };
        let Some(plan) = review.plan else {
            return Vec::new();
        };
        let specs = match plan.specs() {
            Ok(s) => s,
            Err(e) => {
                self.error(&format!("sync: {e}"));
                return Vec::new();
            }
        };
        let deletes: Vec<(Endpoint, u64)> = if review.mirror {
            plan.extras()
                .filter_map(|e| Some((plan.dst.endpoint(&e.rel).ok()?, e.bytes)))
                .collect()
        } else {
            Vec::new()
        };
        let mut records = Vec::new();
        if let (Root::Local(_), Root::Blob { .. }) = (&plan.src, &plan.dst) {
            for e in plan
                .entries
                .iter()
                .filter(|e| matches!(e.class, Class::New | Class::Changed))
            {
                if let Ok(target @ Endpoint::Blob { .. }) = plan.dst.endpoint(&e.rel) {
                    records.push((target, e.src_time_ms));
                }
            }
        }
        if specs.is_empty() {
            if deletes.is_empty() {
                self.note_op("Nothing to do: both sides already hold the same files.");
                return Vec::new();
            }
            return vec![Effect::Sync(SyncEffect::Finish {
                recorded: 0,
                deletes,
            })];
        }
        let after_id = self
            .transfers
            .snapshot
            .items
            .iter()
            .map(|i| i.id)
            .max()
            .unwrap_or(0);
        self.sync_job = Some(SyncJob {
            after_id,
            seen: HashMap::new(),
            targets: specs.len(),
            records: records.iter().map(|(t, _)| t.display()).collect(),
            deletes,
        });
        let mut effects = Vec::new();
        if !records.is_empty() {
            effects.push(Effect::Sync(SyncEffect::RecordMtimes(records)));
        }
        effects.extend(self.enqueue(specs, Conflict::Overwrite));
        effects
    }

    /// Follows the running sync's transfers; once all are over, the rest.
    pub(super) fn follow_sync(&mut self) -> Vec<Effect> {
        let Some(job) = &mut self.sync_job else {
            return Vec::new();
        };
        for item in &self.transfers.snapshot.items {
            if item.id > job.after_id {
                job.seen.insert(item.target.clone(), item.status.clone());
            }
        }
        if job.seen.len() < job.targets || job.seen.values().any(|s| !s.is_finished()) {
            return Vec::new();
        }
        let Some(job) = self.sync_job.take() else {
            return Vec::new();
        };
        // Done means its mtime is recorded too (the engine does it).
        let recorded = job
            .records
            .iter()
            .filter(|target| job.seen.get(*target) == Some(&Status::Done))
            .count();
        let unfinished = job.seen.values().filter(|s| **s != Status::Done).count();
        let mut deletes = job.deletes;
        if unfinished > 0 {
            let kept = match deletes.len() {
                0 => String::new(),
                n => format!(", so the {n} files only on the target side were kept"),
            };
            self.error(&format!(
                "Sync: {unfinished} of {} transfers did not finish{kept}; r in the transfers pane retries them, Y compares again.",
                job.targets
            ));
            deletes.clear();
        }
        if recorded == 0 && deletes.is_empty() {
            if unfinished == 0 {
                self.note_op("Sync finished: both sides hold the same files.");
            }
            return Vec::new();
        }
        vec![Effect::Sync(SyncEffect::Finish { recorded, deletes })]
    }
}

/// Wraps an event for the loop.
pub(in crate::app) fn action(event: SyncEvent) -> Action {
    Action::Sync(event)
}
