//! The browser: the floor under every layer. Its commands move through
//! accounts, containers and folders; the rest of its keys are handled by the
//! modules they belong to (transfers, ops, history, bookmarks).

use super::action::Command;
use super::effect::Effect;
use super::form::AttachForm;
use super::layers::{Layer, Mode, PromptKind};
use super::state::{Confirm, Location, State};

impl State {
    /// A command while the browser has the keys; `None` if it is not the browser's.
    pub(super) fn browser_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        if let Some(effects) = self.history_browser_command(cmd) {
            return Some(effects);
        }
        if let Some(effects) = self.transfer_command(cmd) {
            return Some(effects);
        }
        if let Some(effects) = self.ops_command(cmd) {
            return Some(effects);
        }
        if let Some(effects) = self.bookmark_command(cmd) {
            return Some(effects);
        }
        match cmd {
            Command::Up => self.move_by(-1),
            Command::Down => self.move_by(1),
            Command::PageUp => self.move_by(-(self.page_rows.max(1) as isize)),
            Command::PageDown => self.move_by(self.page_rows.max(1) as isize),
            Command::Top => self.move_to(0),
            Command::Bottom => self.move_to(self.listing.view.len().saturating_sub(1)),
            Command::Open => return Some(self.open_selected()),
            Command::Back => return Some(self.back()),
            Command::Filter => {
                self.input = tui_input::Input::new(self.query.clone());
                self.layers.push(Layer::Prompt(PromptKind::Filter));
            }
            Command::PrefixSearch => {
                if matches!(self.location, Location::Accounts) {
                    self.info("Prefix search works inside an account or container.");
                } else {
                    self.input =
                        tui_input::Input::new(self.listing.search.clone().unwrap_or_default());
                    self.layers.push(Layer::Prompt(PromptKind::PrefixSearch));
                }
            }
            Command::ClearFilter | Command::Cancel => {
                // Esc steps back: the preview first, then a find, a search, a filter.
                if self.preview.is_some() {
                    self.preview = None;
                    return Some(Vec::new());
                }
                if self.listing.find.is_some() {
                    self.listing.find = None;
                    return Some(self.reload());
                }
                if self.listing.search.is_some() {
                    self.listing.search = None;
                    return Some(self.reload());
                }
                self.set_query(String::new());
            }
            Command::MoveDown | Command::MoveUp | Command::ScrollLeft | Command::ScrollRight => {
                self.scroll_preview(cmd)
            }
            Command::Details => {
                self.preview = None;
                self.layers.remove(Mode::Preview);
                self.show_details = !self.show_details;
                if !self.show_details {
                    self.details = None;
                }
            }
            Command::SortNext => {
                self.sort.key = self.sort.key.next();
                self.rebuild_view(true);
                self.info(&format!("Sorted by {}", self.sort.key.label()));
            }
            Command::SortReverse => {
                self.sort.descending = !self.sort.descending;
                self.rebuild_view(true);
            }
            Command::Refresh => return Some(self.reload()),
            Command::Help => {
                self.open_help();
            }
            Command::Quit => return Some(self.quit()),
            Command::Attach => {
                self.layers
                    .push(Layer::Form(Box::default()));
            }
            Command::Edit if self.blob_place().is_some() => return Some(self.edit_blob()),
            Command::Edit => match self.selected_attached() {
                Some(index) => {
                    let form = AttachForm::edit(index, &self.accounts[index].account);
                    self.layers.push(Layer::Form(Box::new(form)));
                }
                None => self.info("Only attached accounts can be edited; select one in the accounts list."),
            },
            Command::Cors => return Some(self.open_cors()),
            Command::Diagnose => return Some(self.diagnose()),
            Command::Settings => return Some(self.open_settings()),
            Command::Detach => match self.selected_attached() {
                Some(index) => {
                    self.layers.push(Layer::Confirm(Confirm::Detach { account: index }));
                }
                None => self.info(
                    "Only attached accounts can be detached (the emulator: set [emulator] enabled = false; environment: unset the variable).",
                ),
            },
            Command::Activity => self.open_activity(),
            // Not the browser's: the keys that work everywhere.
            _ => return None,
        }
        let mut effects = self.details_effect();
        effects.extend(self.preview_follow());
        Some(effects)
    }

    /// The preview follows the cursor, as the details pane does: a new read
    /// for the blob under it (the runner cancels the read still running).
    pub(super) fn preview_follow(&mut self) -> Vec<Effect> {
        if self.preview.is_none() || self.layers.history().is_some() {
            return Vec::new();
        }
        if self.blob_place().is_none() {
            self.preview = None;
            return Vec::new();
        }
        let Some((account, container, blob, kind)) = self.selected_blob() else {
            return Vec::new();
        };
        if self.preview.as_ref().is_some_and(|p| p.blob == blob) {
            return Vec::new();
        }
        if kind != super::entry::EntryKind::Blob {
            let mut p = super::ops::PreviewState::reading(blob);
            p.result = Some(Err(
                "Not a blob: move the cursor to a blob to preview it.".into()
            ));
            self.preview = Some(p);
            return Vec::new();
        }
        self.preview = Some(super::ops::PreviewState::reading(blob.clone()));
        vec![Effect::Op {
            account,
            request: super::ops::OpRequest::Preview { container, blob },
        }]
    }

    /// Keys while the prompt line (filter or prefix search) is open.
    pub(super) fn prompt_command(&mut self, kind: PromptKind, cmd: Command) -> Option<Vec<Effect>> {
        // Keys typed in the same burst come first.
        self.settle_filter();
        match cmd {
            Command::Accept => {
                self.layers.pop_if(Mode::Filter);
                if kind == PromptKind::PrefixSearch {
                    let search = self.input.value().to_string();
                    self.listing.search = (!search.is_empty()).then_some(search);
                    return Some(self.reload());
                }
            }
            Command::Cancel => {
                self.layers.pop_if(Mode::Filter);
                if kind == PromptKind::Filter {
                    self.set_query(String::new());
                }
            }
            Command::Up | Command::Down => return self.browser_command(cmd),
            _ => return None,
        }
        Some(Vec::new())
    }
}
