//! The state side of transfers: marks, the path prompt, the conflict
//! question, the transfers pane and quitting while transfers run.

use super::action::Command;
use super::effect::{Effect, TransferOp};
use super::layers::{Layer, Mode};
use super::state::{Confirm, Location, PathAction, State};
use crate::transfer::conflict::Conflict;
use crate::transfer::{ItemSpec, Snapshot, Status};
use std::path::PathBuf;

impl State {
    /// Browser commands that start or show transfers; `None` if `cmd` is not one.
    pub(super) fn transfer_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        Some(match cmd {
            Command::Mark => {
                if let Some((key, size)) = self
                    .selected_entry()
                    .and_then(|e| self.mark_key(e).map(|k| (k, e.size)))
                {
                    self.marks.toggle(key, size);
                    self.update(super::action::Action::Command(Command::Down))
                } else {
                    self.note("Marks are for blobs and folders inside a container.");
                    Vec::new()
                }
            }
            Command::MarkAll | Command::ClearMarks | Command::InvertMarks => {
                self.mark_rows(match cmd {
                    Command::MarkAll => super::marks::MarkRows::All,
                    Command::ClearMarks => super::marks::MarkRows::Clear,
                    _ => super::marks::MarkRows::Invert,
                });
                Vec::new()
            }
            Command::Download => {
                let selections = self.selections();
                match (!selections.is_empty()).then_some(selections) {
                    Some(sel) => {
                        let start = if self.last_dir.is_empty() {
                            current_dir()
                        } else {
                            self.last_dir.clone()
                        };
                        self.open_path_prompt(PathAction::Download(sel), start);
                    }
                    None => {
                        self.note("Select a blob or folder (or mark some with Space) to download.")
                    }
                }
                Vec::new()
            }
            Command::Upload => {
                match &self.location {
                    Location::Blobs {
                        account,
                        container,
                        prefix,
                    } => {
                        let action = PathAction::Upload {
                            account: *account,
                            container: container.clone(),
                            prefix: prefix.clone(),
                        };
                        self.open_path_prompt(action, current_dir());
                    }
                    _ => self.note("Open a container (and folder) to upload into."),
                }
                Vec::new()
            }
            Command::CopyMarked => {
                match self.selection() {
                    None if self.selections().len() > 1 => self.note(
                        "The marks are in several containers: copy from one container at a time (M clears the marks).",
                    ),
                    Some(sel) => {
                        let n = sel.items.len();
                        self.clipboard = Some(sel);
                        self.note(&format!(
                            "Copied {n} item{}: open the target folder (any container or account) and press p to paste; the service copies the bytes.",
                            if n == 1 { "" } else { "s" }
                        ));
                    }
                    None => self.note("Select or mark blobs to copy."),
                }
                Vec::new()
            }
            Command::Paste => match (&self.location, self.clipboard.clone()) {
                (
                    Location::Blobs {
                        account,
                        container,
                        prefix,
                    },
                    Some(selection),
                ) => vec![Effect::PlanCopy {
                    selection,
                    account: *account,
                    container: container.clone(),
                    prefix: prefix.clone(),
                }],
                (_, None) => {
                    self.note("Nothing copied yet: mark blobs and press y first.");
                    Vec::new()
                }
                _ => {
                    self.note("Open a container (and folder) to paste into.");
                    Vec::new()
                }
            },
            Command::Transfers => {
                self.focus_transfers();
                Vec::new()
            }
            Command::TransfersFull => {
                self.transfers.full = !self.transfers.full;
                self.focus_transfers();
                Vec::new()
            }
            _ => return None,
        })
    }

    fn open_path_prompt(&mut self, action: PathAction, start: String) {
        self.input = tui_input::Input::new(start);
        self.layers.push(Layer::Path(action));
    }

    /// Shows the transfers pane and gives it the keys.
    pub(super) fn focus_transfers(&mut self) {
        self.transfers.visible = true;
        if self.mode() != Mode::Transfers {
            self.layers.remove(Mode::Transfers);
            self.layers.push(Layer::Transfers);
        }
        self.resize_list();
    }

    pub(super) fn path_command(&mut self, cmd: Command) -> Vec<Effect> {
        match cmd {
            Command::Cancel => {
                self.layers.pop_if(Mode::Path);
                Vec::new()
            }
            Command::Complete => {
                let (completed, choices) = complete_path(self.input.value());
                self.input = tui_input::Input::new(completed);
                if choices.len() > 1 {
                    let shown: Vec<&str> = choices.iter().take(8).map(String::as_str).collect();
                    self.note(&format!(
                        "{}{}",
                        shown.join("  "),
                        if choices.len() > 8 { "  …" } else { "" }
                    ));
                }
                Vec::new()
            }
            Command::Accept => {
                let typed = self.input.value().trim().to_string();
                let path = expand_home(&typed);
                if path.as_os_str().is_empty() {
                    self.note("Type a path first.");
                    return Vec::new();
                }
                let action = match self.layers.pop_if(Mode::Path) {
                    Some(Layer::Path(action)) => Some(action),
                    _ => None,
                };
                match action {
                    Some(PathAction::Download(selections)) => {
                        self.last_dir = path.display().to_string();
                        self.marks.clear();
                        self.note("Looking at what to download…");
                        selections
                            .into_iter()
                            .map(|selection| Effect::PlanDownload {
                                selection,
                                dir: path.clone(),
                            })
                            .collect()
                    }
                    Some(PathAction::Upload {
                        account,
                        container,
                        prefix,
                    }) => {
                        // One more step: what the uploaded blobs carry.
                        self.open_ask(
                            super::ops::Ask::Upload {
                                account,
                                container,
                                prefix,
                                local: path,
                            },
                            String::new(),
                        );
                        Vec::new()
                    }
                    Some(PathAction::Report) => {
                        vec![Effect::WriteReport {
                            path,
                            items: self.transfers.snapshot.items.clone(),
                        }]
                    }
                    Some(PathAction::Sync {
                        account,
                        container,
                        prefix,
                    }) => self.open_sync(account, container, prefix, &typed),
                    Some(action @ PathAction::DownloadPast { .. }) => {
                        self.history_download_to(path, action)
                    }
                    None => Vec::new(),
                }
            }
            Command::Quit => self.quit(),
            _ => Vec::new(),
        }
    }

    /// A batch is planned: ask about existing targets once, or queue it.
    pub(super) fn planned(
        &mut self,
        result: Result<(Vec<ItemSpec>, usize), String>,
    ) -> Vec<Effect> {
        match result {
            Err(e) => {
                self.fail(&e);
                Vec::new()
            }
            Ok((specs, _)) if specs.is_empty() => {
                self.note("Nothing to transfer: the selection holds no files.");
                Vec::new()
            }
            Ok((specs, existing)) if existing > 0 => {
                self.layers
                    .push(Layer::Confirm(Confirm::Conflicts { specs, existing }));
                Vec::new()
            }
            Ok((specs, _)) => self.enqueue(specs, Conflict::Skip),
        }
    }

    pub(super) fn enqueue(&mut self, specs: Vec<ItemSpec>, conflict: Conflict) -> Vec<Effect> {
        let bytes: u64 = specs.iter().map(|s| s.size).sum();
        self.note(&format!(
            "Queued {} transfer{} ({}); t shows them.",
            specs.len(),
            if specs.len() == 1 { "" } else { "s" },
            humansize::format_size(bytes, humansize::BINARY)
        ));
        if !self.transfers.visible {
            self.transfers.visible = true;
            self.resize_list();
        }
        vec![Effect::Enqueue { specs, conflict }]
    }

    /// The answer to "some targets exist".
    pub(super) fn conflict_answer(
        &mut self,
        cmd: Command,
        specs: Vec<ItemSpec>,
        existing: usize,
    ) -> Vec<Effect> {
        let conflict = match cmd {
            Command::Skip => Conflict::Skip,
            Command::Overwrite => Conflict::Overwrite,
            Command::KeepBoth => Conflict::KeepBoth,
            Command::IfDifferent => Conflict::IfDifferent,
            Command::Cancel | Command::No => {
                self.note("Nothing queued.");
                return Vec::new();
            }
            _ => {
                self.layers
                    .push(Layer::Confirm(Confirm::Conflicts { specs, existing }));
                return Vec::new();
            }
        };
        self.enqueue(specs, conflict)
    }

    /// Quitting asks first while transfers run; they stay resumable.
    pub(super) fn quit(&mut self) -> Vec<Effect> {
        // Asked already: Ctrl-C again is the answer.
        if self.layers.confirm() == Some(&Confirm::Quit) {
            self.should_quit = true;
        } else if self.transfers.snapshot.active() {
            self.layers.push(Layer::Confirm(Confirm::Quit));
        } else {
            self.should_quit = true;
        }
        Vec::new()
    }

    pub(super) fn transfers_update(&mut self, mut snapshot: Snapshot) -> Vec<Effect> {
        // Uploads and copies change listings; count the finished ones.
        let written = |s: &Snapshot| {
            s.items
                .iter()
                .filter(|i| i.status == Status::Done && i.kind != crate::transfer::Kind::Download)
                .count()
        };
        let finished_batch =
            written(&snapshot) > written(&self.transfers.snapshot) && !snapshot.active();
        // What moves first, then what needs a look, then what is over; queue
        // order within each (a stable sort). The cursor stays on its transfer.
        snapshot.items.sort_by_key(|i| i.status.rank());
        let selected = self.selected_transfer().map(|(id, _)| id);
        self.transfers.snapshot = snapshot;
        self.follow_selected(selected);
        let mut effects = self.follow_sync();
        // "Quit anyway?" was asked because transfers ran; once they are all
        // finished the answer no longer matters: quit as asked.
        if self.layers.confirm() == Some(&Confirm::Quit) && !self.transfers.snapshot.active() {
            self.layers.remove(Mode::Confirm);
            self.should_quit = true;
        }
        // Show what uploads and copies just added, keeping the cursor where it was.
        if finished_batch
            && matches!(self.location, Location::Blobs { .. })
            && self.mode() == Mode::Normal
        {
            self.listing.reselect = self.selected_entry().map(|e| e.name.clone());
            effects.extend(self.reload());
        }
        effects
    }

    /// Puts the cursor back on transfer `id` wherever it now is; where it
    /// is gone, the cursor stays at its place (within the rows).
    fn follow_selected(&mut self, id: Option<u64>) {
        let items = &self.transfers.snapshot.items;
        let found = id.and_then(|id| items.iter().position(|i| i.id == id));
        self.transfers.selected = found
            .unwrap_or(self.transfers.selected)
            .min(items.len().saturating_sub(1));
    }

    fn selected_transfer(&self) -> Option<(u64, Status)> {
        self.transfers
            .snapshot
            .items
            .get(self.transfers.selected)
            .map(|i| (i.id, i.status.clone()))
    }

    /// Whether the row under the cursor is a change made by a bulk job.
    fn selected_is_change(&self) -> bool {
        self.transfers
            .snapshot
            .items
            .get(self.transfers.selected)
            .is_some_and(|i| i.kind == crate::transfer::Kind::Change)
    }

    /// `C`: the finished rows go, here at once and in the engine.
    fn clear_finished(&mut self) -> Vec<Effect> {
        let over = |s: &Status| matches!(s, Status::Done | Status::Skipped(_) | Status::Cancelled);
        let n = self.transfers.snapshot.count(over);
        if n == 0 {
            self.note("Nothing finished to clear.");
            return Vec::new();
        }
        let selected = self.selected_transfer().map(|(id, _)| id);
        let snap = &mut self.transfers.snapshot;
        snap.items.retain(|i| !over(&i.status));
        (snap.done_bytes, snap.total_bytes) = crate::transfer::sampler::totals(&snap.items);
        self.follow_selected(selected);
        self.note(&format!(
            "Cleared {n} finished transfer{}.",
            if n == 1 { "" } else { "s" }
        ));
        vec![Effect::TransferOp {
            id: None,
            op: TransferOp::ForgetFinished,
        }]
    }

    /// `S`: the cap in force goes into config.toml for the next start.
    fn save_cap(&mut self) -> Vec<Effect> {
        let cap = self.transfers.snapshot.cap;
        let mbps = cap.map_or(0.0, |b| b as f64 * 8.0 / 1_000_000.0);
        let whole = mbps.round();
        if cap.is_some() && whole < 1.0 {
            self.fail("config.toml takes whole megabits per second (cap_mbps); a cap under 1 Mb/s is for this session only.");
            return Vec::new();
        }
        if (whole - mbps).abs() > 1e-6 {
            self.note(&format!(
                "config.toml takes whole megabits per second: saving {whole} Mb/s."
            ));
        }
        vec![Effect::SaveCap(whole.min(u32::MAX as f64) as u32)]
    }

    pub(super) fn transfers_command(&mut self, cmd: Command) -> Vec<Effect> {
        let op = |id, op| vec![Effect::TransferOp { id: Some(id), op }];
        match cmd {
            Command::Up => self.transfers.selected = self.transfers.selected.saturating_sub(1),
            Command::Down => {
                let n = self.transfers.snapshot.items.len();
                self.transfers.selected = (self.transfers.selected + 1).min(n.saturating_sub(1));
            }
            Command::Top => self.transfers.selected = 0,
            Command::Bottom => {
                self.transfers.selected = self.transfers.snapshot.items.len().saturating_sub(1)
            }
            Command::PauseResume | Command::Retry if self.selected_is_change() => {
                self.note(
                    "A bulk change is not paused or retried row by row: x cancels it; mark the blobs and run the change again (=) to finish or redo it (it sets only what it names).",
                );
            }
            Command::PauseResume => {
                if let Some((id, status)) = self.selected_transfer() {
                    return match status {
                        Status::Paused => op(id, TransferOp::Resume),
                        Status::Queued | Status::Running => op(id, TransferOp::Pause),
                        _ => Vec::new(),
                    };
                }
            }
            Command::CancelTransfer => {
                if let Some((id, _)) = self.selected_transfer() {
                    return op(id, TransferOp::Cancel);
                }
            }
            Command::Retry => {
                if let Some((id, _)) = self.selected_transfer() {
                    return op(id, TransferOp::Retry);
                }
            }
            Command::MoveUp | Command::MoveDown => {
                // The cursor follows the transfer when the next sample
                // shows it moved (see `transfers_update`).
                if let Some((id, Status::Queued)) = self.selected_transfer() {
                    let up = cmd == Command::MoveUp;
                    return op(id, if up { TransferOp::Up } else { TransferOp::Down });
                }
            }
            Command::ClearFinished => return self.clear_finished(),
            Command::SaveCap => return self.save_cap(),
            Command::PauseAll => {
                let any_active = self.transfers.snapshot.active();
                let op = if any_active {
                    TransferOp::PauseAll
                } else {
                    TransferOp::ResumeAll
                };
                return vec![Effect::TransferOp { id: None, op }];
            }
            Command::TransfersFull => {
                self.transfers.full = !self.transfers.full;
                self.resize_list();
            }
            Command::Transfers => {
                self.transfers.visible = false;
                self.transfers.full = false;
                self.layers.remove(Mode::Transfers);
                self.resize_list();
            }
            Command::SetCap => {
                let now = self
                    .transfers
                    .snapshot
                    .cap
                    .map(|b| format!("{}", b as f64 * 8.0 / 1_000_000.0))
                    .unwrap_or_default();
                self.input = tui_input::Input::new(now);
                self.layers.push(Layer::Ask(super::ops::Ask::Cap));
            }
            Command::ExportReport => {
                if self.transfers.snapshot.items.is_empty() {
                    self.note("No transfers to report yet.");
                } else {
                    let dir = if self.last_dir.is_empty() {
                        current_dir()
                    } else {
                        self.last_dir.clone()
                    };
                    let path = std::path::Path::new(&dir).join(report_name());
                    self.open_path_prompt(PathAction::Report, path.display().to_string());
                }
            }
            Command::Cancel | Command::Back => {
                self.layers.remove(Mode::Transfers);
            }
            Command::Help => self.open_help(),
            Command::Quit => return self.quit(),
            _ => {}
        }
        Vec::new()
    }

    /// The cap typed in the transfers pane (already checked as typed).
    pub(super) fn set_cap(&mut self, text: &str) -> Vec<Effect> {
        match crate::transfer::throttle::parse_cap(text) {
            Ok(cap) => {
                self.transfers.snapshot.cap = cap;
                self.note(&format!(
                    "Bandwidth cap: {}, for this session; S keeps it for the next start (config.toml).",
                    crate::transfer::throttle::describe(cap)
                ));
                vec![Effect::SetCap(cap)]
            }
            Err(e) => {
                self.fail(&e);
                Vec::new()
            }
        }
    }

    pub(super) fn resize_list(&mut self) {
        self.page_rows =
            super::layout::list_rows(self.height, self.transfers.visible, self.transfers.full);
        let rows = self.page_rows.max(1);
        if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
    }

    fn note(&mut self, text: &str) {
        self.info(text);
    }

    fn fail(&mut self, text: &str) {
        self.error(text);
    }
}

/// A fresh name per export, so an earlier report is never in the way.
fn report_name() -> String {
    let now = time::OffsetDateTime::now_utc();
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day]-[hour][minute][second]"
        ))
        .unwrap_or_default();
    format!("blobx-transfers-{stamp}.csv")
}

fn current_dir() -> String {
    std::env::current_dir()
        .map(|d| format!("{}/", d.display()))
        .unwrap_or_default()
}

pub(super) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ if path == "~" => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default(),
        _ => PathBuf::from(path),
    }
}

/// Completes the last path component against the file system: the longest
/// common prefix of the matches, and the matches (folders end in `/`).
pub fn complete_path(typed: &str) -> (String, Vec<String>) {
    let (dir_part, stem) = match typed.rfind('/') {
        Some(i) => (&typed[..=i], &typed[i + 1..]),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (typed.to_string(), Vec::new());
    };
    let mut matches: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(stem) || (stem.is_empty() && name.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Some(if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    matches.sort();
    let Some(first) = matches.first() else {
        return (typed.to_string(), matches);
    };
    let common = matches.iter().fold(first.clone(), |acc, m| {
        acc.chars()
            .zip(m.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    (format!("{dir_part}{common}"), matches)
}

#[cfg(test)]
#[path = "transfers_tests.rs"]
mod pane_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_the_common_prefix_and_marks_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("reports")).unwrap();
        std::fs::write(dir.path().join("report.csv"), "").unwrap();
        std::fs::write(dir.path().join("other"), "").unwrap();
        let base = format!("{}/", dir.path().display());
        let (done, choices) = complete_path(&format!("{base}rep"));
        assert_eq!(done, format!("{base}report"));
        assert_eq!(choices, ["report.csv", "reports/"]);
        let (done, _) = complete_path(&format!("{base}reports"));
        assert_eq!(done, format!("{base}reports/"));
        let (done, choices) = complete_path(&format!("{base}zzz"));
        assert_eq!((done, choices.len()), (format!("{base}zzz"), 0));
    }
}
