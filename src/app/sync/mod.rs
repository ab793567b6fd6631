//! The sync review (`Y` in a container folder): a local folder and the
//! folder the browser shows are compared with the same planning as `blobx
//! sync` (`transfer::sync`), and the plan is shown before anything moves:
//! new, changed and only-on-the-other-side files with counts and bytes, in a
//! list grouped by kind. `d` turns the direction round (upload ↔ download),
//! `m` deletes what is only on the target side too (asked with the count
//! and size), Enter runs it through the transfer queue (the transfers pane
//! shows the progress). Once every transfer is over, uploaded files get
//! their mtime recorded and, when every transfer succeeded, the extras are
//! deleted.

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
use std::collections::HashMap;
use std::path::PathBuf;

/// The review layer's state.
#[derive(Debug)]
pub struct SyncReview {
    pub account: usize,
    pub container: String,
    /// The container folder, empty or ending in `/`.
    pub prefix: String,
    pub local: PathBuf,
    /// Local folder → container; else container → local folder.
    pub upload: bool,
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
    pub fn roots(&self) -> (Root, Root) {
        let local = Root::Local(self.local.clone());
        let blob = Root::Blob {
            account: self.account,
            container: self.container.clone(),
            prefix: self.prefix.clone(),
        };
        if self.upload {
            (local, blob)
        } else {
            (blob, local)
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
    /// After the transfers: record uploaded files' mtimes, delete extras.
    Finish {
        records: Vec<Record>,
        deletes: Vec<(Endpoint, u64)>,
    },
}

/// An uploaded file's mtime to record on its blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub account: usize,
    pub container: String,
    pub name: String,
    pub mtime_ms: i64,
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
    /// By the transfer's target.
    pub records: HashMap<String, Record>,
    pub deletes: Vec<(Endpoint, u64)>,
}

fn human(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

impl State {
    /// `Y` in a container folder: which local folder to compare with.
    pub(super) fn start_sync(&mut self) -> Vec<Effect> {
        let Location::Blobs {
            account,
            container,
            prefix,
        } = &self.location
        else {
            self.note_op("Open a container (and folder) to sync with a local folder.");
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

    /// The local folder is typed: open the review and compare.
    pub(super) fn open_sync(
        &mut self,
        account: usize,
        container: String,
        prefix: String,
        local: PathBuf,
    ) -> Vec<Effect> {
        if local.exists() && !local.is_dir() {
            self.note_op(&format!("{} is not a folder.", local.display()));
            return Vec::new();
        }
        self.last_dir = local.display().to_string();
        let review = SyncReview {
            account,
            container,
            prefix,
            upload: local.is_dir(),
            local,
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
                review.upload = !review.upload;
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
        let mut records = HashMap::new();
        if let (Root::Local(_), Root::Blob { .. }) = (&plan.src, &plan.dst) {
            for e in plan
                .entries
                .iter()
                .filter(|e| matches!(e.class, Class::New | Class::Changed))
            {
                if let Ok(target @ Endpoint::Blob { .. }) = plan.dst.endpoint(&e.rel)
                    && let Endpoint::Blob {
                        account,
                        container,
                        name,
                        ..
                    } = &target
                {
                    let record = Record {
                        account: *account,
                        container: container.clone(),
                        name: name.clone(),
                        mtime_ms: e.src_time_ms,
                    };
                    records.insert(target.display(), record);
                }
            }
        }
        if specs.is_empty() {
            if deletes.is_empty() {
                self.note_op("Nothing to do: both sides already hold the same files.");
                return Vec::new();
            }
            return vec![Effect::Sync(SyncEffect::Finish {
                records: Vec::new(),
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
            records,
            deletes,
        });
        self.enqueue(specs, Conflict::Overwrite)
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
        let records: Vec<Record> = job
            .records
            .into_iter()
            .filter(|(target, _)| job.seen.get(target) == Some(&Status::Done))
            .map(|(_, r)| r)
            .collect();
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
        if records.is_empty() && deletes.is_empty() {
            if unfinished == 0 {
                self.note_op("Sync finished: both sides hold the same files.");
            }
            return Vec::new();
        }
        vec![Effect::Sync(SyncEffect::Finish { records, deletes })]
    }
}

/// Wraps an event for the loop.
pub(in crate::app) fn action(event: SyncEvent) -> Action {
    Action::Sync(event)
}
