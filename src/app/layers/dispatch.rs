//! Where a command goes: down the stack from the top layer until one handles
//! it, then to the browser, then to the keys that work everywhere. The order
//! is the stack's, so no handler has to know which others exist.

use super::{Layer, Mode, PromptKind};
use crate::app::action::Command;
use crate::app::effect::Effect;
use crate::app::state::{Confirm, Location, State};
use crossterm::event::KeyEvent;
use tui_input::backend::crossterm::EventHandler;

impl State {
    pub(in crate::app) fn command(&mut self, cmd: Command) -> Vec<Effect> {
        if let Some(refused) = self.refuse_change(cmd) {
            self.error(&refused);
            return Vec::new();
        }
        // The keys that mean the same in every layer come first.
        match cmd {
            Command::Help if self.mode() != Mode::Help => {
                self.open_help();
                return Vec::new();
            }
            Command::Quit => return self.quit(),
            Command::FocusNext | Command::FocusPrev => {
                // Focus moves between panes; popups and editors keep it.
                if matches!(
                    self.mode(),
                    Mode::Normal | Mode::Transfers | Mode::Preview | Mode::History
                ) {
                    self.cycle_focus(cmd == Command::FocusNext);
                }
                return Vec::new();
            }
            _ => {}
        }
        let modes: Vec<Mode> = self.modes_top_down().collect();
        for mode in modes {
            if let Some(effects) = self.layer_command(mode, cmd) {
                return effects;
            }
            if !mode.passes_down() {
                break;
            }
        }
        Vec::new()
    }

    /// Why a change is refused here (read-only mode or account), if it is.
    fn refuse_change(&self, cmd: Command) -> Option<String> {
        // Deleting a bookmark changes only blobx's own config.
        let changes_service = cmd.is_mutating() && self.mode() != Mode::Bookmarks;
        if self.readonly && changes_service {
            return Some(format!(
                "Read-only mode: \"{}\" is turned off (started with --readonly or readonly = true).",
                cmd.description()
            ));
        }
        // Conflict answers only touch local files or a batch already allowed.
        if changes_service && !matches!(cmd, Command::Overwrite | Command::IfDifferent) {
            let label = self.readonly_account()?;
            return Some(format!(
                "{label} is marked read-only: \"{}\" is turned off (w on the account turns it back on).",
                cmd.description()
            ));
        }
        None
    }

    /// One layer's answer to a command; `None` passes it on.
    fn layer_command(&mut self, mode: Mode, cmd: Command) -> Option<Vec<Effect>> {
        match mode {
            Mode::Normal => self.browser_command(cmd),
            Mode::Filter => self.prompt_command(PromptKind::Filter, cmd),
            Mode::PrefixSearch => self.prompt_command(PromptKind::PrefixSearch, cmd),
            Mode::Help => self.help_command(cmd),
            Mode::Form => Some(self.form_command(cmd)),
            Mode::Bulk => Some(self.bulk_command(cmd)),
            Mode::Confirm => Some(self.confirm_command(cmd)),
            Mode::Path => Some(self.path_command(cmd)),
            Mode::Ask => Some(self.ask_command(cmd)),
            Mode::Choose => self.choose_command(cmd),
            Mode::Cors | Mode::CorsInput => Some(self.cors_command(cmd)),
            Mode::Policies | Mode::PoliciesInput => Some(self.policies_command(cmd)),
            Mode::Settings | Mode::SettingsInput => Some(self.settings_command(cmd)),
            Mode::Lifecycle | Mode::LifecycleInput => Some(self.lifecycle_command(cmd)),
            Mode::Transfers => self.transfers_layer_command(cmd),
            Mode::Preview => self.preview_layer_command(cmd),
            Mode::Bookmarks => Some(self.bookmarks_command(cmd)),
            Mode::History => Some(self.history_command(cmd)),
            Mode::Activity => self.activity_command(cmd),
            Mode::Sync => Some(self.sync_command(cmd)),
        }
    }

    /// `?`: the keys of the layer in focus first, then the global ones.
    pub(in crate::app) fn open_help(&mut self) {
        let section = self.mode().section();
        self.layers.push(Layer::Help { scroll: 0, section });
    }

    fn help_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let Some(Layer::Help { scroll, .. }) = self.layers.top_mut() else {
            return None;
        };
        let page = self.page_rows.max(1);
        match cmd {
            Command::Up => *scroll = scroll.saturating_sub(1),
            Command::Down => *scroll += 1,
            Command::PageUp => *scroll = scroll.saturating_sub(page),
            Command::PageDown => *scroll += page,
            Command::Top => *scroll = 0,
            // The drawing stops at the last line.
            Command::Bottom => *scroll = usize::MAX / 2,
            Command::Help | Command::Cancel | Command::Back => {
                self.layers.pop_if(Mode::Help);
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Takes the open question off the stack.
    pub(in crate::app) fn take_confirm(&mut self) -> Option<Confirm> {
        match self.layers.pop_if(Mode::Confirm) {
            Some(Layer::Confirm(q)) => Some(q),
            _ => None,
        }
    }

    /// A key typed into the layer that takes text.
    pub(in crate::app) fn input_key(&mut self, key: KeyEvent) {
        match self.mode() {
            Mode::CorsInput => self.cors_input(key),
            Mode::PoliciesInput => self.policies_input(key),
            Mode::SettingsInput => self.settings_input(key),
            Mode::LifecycleInput => self.lifecycle_input(key),
            Mode::Form => self.form_input(key),
            Mode::Bulk => self.bulk_input(key),
            // The filter itself is applied by `update` (once per burst of keys).
            Mode::Filter | Mode::PrefixSearch | Mode::Ask | Mode::Path => {
                self.input.handle_event(&crossterm::event::Event::Key(key));
                self.filter_typed |= self.mode() == Mode::Filter;
            }
            _ => {}
        }
    }

    /// Text pasted into the layer that takes text.
    pub(in crate::app) fn paste(&mut self, text: &str) {
        match self.mode() {
            Mode::CorsInput => self.cors_paste(text),
            Mode::PoliciesInput => self.policies_paste(text),
            Mode::SettingsInput => self.settings_paste(text),
            Mode::LifecycleInput => self.lifecycle_paste(text),
            Mode::Form => self.form_paste(text),
            Mode::Bulk => self.bulk_paste(text),
            Mode::Filter | Mode::PrefixSearch | Mode::Ask | Mode::Path => {
                let value = format!("{}{}", self.input.value(), text.trim());
                self.input = tui_input::Input::new(value);
                self.filter_typed |= self.mode() == Mode::Filter;
            }
            _ => {}
        }
    }

    fn confirm_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(question) = self.take_confirm() else {
            return Vec::new();
        };
        // Each module answers its own questions and gives the others back.
        let question = match self.history_confirm(cmd, question) {
            Some(effects) => return effects,
            None => match self.take_confirm() {
                Some(q) => q,
                None => return Vec::new(),
            },
        };
        let question = match self.ops_confirm(cmd, question) {
            Some(effects) => return effects,
            None => match self.take_confirm() {
                Some(q) => q,
                None => return Vec::new(),
            },
        };
        let question = match self.inventory_confirm(cmd, question) {
            Some(effects) => return effects,
            None => match self.take_confirm() {
                Some(q) => q,
                None => return Vec::new(),
            },
        };
        let question = match self.edit_confirm(cmd, question) {
            Some(effects) => return effects,
            None => match self.take_confirm() {
                Some(q) => q,
                None => return Vec::new(),
            },
        };
        match (cmd, question) {
            (Command::Yes, Confirm::Detach { account }) => {
                let Some(node) = self.accounts.get_mut(account) else {
                    return Vec::new();
                };
                node.detached = true;
                let id = node.account.id.clone();
                let label = node.account.label.clone();
                self.info(&format!("Detached {label}."));
                let mut effects = vec![Effect::RemoveAccount { index: account, id }];
                effects.extend(self.go(Location::Accounts));
                effects
            }
            (Command::Yes, Confirm::AttachSas { url, path }) => self.attach_sas(&url, path),
            (Command::No | Command::Cancel, Confirm::AttachSas { .. }) => {
                self.info("Not attached.");
                Vec::new()
            }
            (Command::Quit | Command::Yes, Confirm::Quit) => {
                self.should_quit = true;
                Vec::new()
            }
            (
                Command::Yes,
                Confirm::CreateContainers {
                    specs, existing, ..
                },
            ) => self.planned(Ok((specs, existing))),
            (Command::No | Command::Cancel, Confirm::CreateContainers { .. }) => {
                self.info("Nothing queued: no container was created.");
                Vec::new()
            }
            (_, Confirm::Conflicts { specs, existing }) => {
                self.conflict_answer(cmd, specs, existing)
            }
            (Command::Yes, Confirm::Resume { entries }) => {
                self.info(&format!(
                    "Resuming {} unfinished transfers: each row says what was reused and what is sent again.",
                    entries.len()
                ));
                self.transfers.visible = true;
                self.resize_list();
                vec![Effect::ResumeUnfinished(entries)]
            }
            (Command::No | Command::Cancel, Confirm::Resume { .. }) => {
                self.info("Left for later: they are offered again at the next start (d there discards them).");
                Vec::new()
            }
            (Command::Discard, Confirm::Resume { entries }) => {
                self.info(&format!(
                    "Discarded {} unfinished transfer{}: they are not offered again.",
                    entries.len(),
                    if entries.len() == 1 { "" } else { "s" }
                ));
                vec![Effect::DiscardUnfinished(entries)]
            }
            (Command::Quit, _) => {
                self.should_quit = true;
                Vec::new()
            }
            (_, question) if !matches!(cmd, Command::No | Command::Cancel) => {
                // Any other key leaves the question open.
                self.layers.push(Layer::Confirm(question));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}
