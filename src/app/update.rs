//! The state machine: `update(state, action)` changes the state and returns the
//! background work to start. No I/O here, so it is tested without a network.

use super::action::{Action, Command, DetailsKey};
use super::effect::Effect;
use super::entry::{Entry, EntryKind};
use super::form::{AttachForm, Field};
use super::state::{
    AccountNode, Confirm, DetailsState, Level, Location, Mode, State, StatusMessage,
};
use super::view::build_view;
use crate::azure::Source;
use crate::azure::uri::AzPath;
use tui_input::backend::crossterm::EventHandler;

impl State {
    /// Opens `start` on the default account, or the default account's
    /// containers when it is the only account, or else the accounts tree.
    pub fn start(&mut self, start: Option<AzPath>, default_account: Option<usize>) -> Vec<Effect> {
        let Some(account) = default_account.filter(|a| *a < self.accounts.len()) else {
            self.location = Location::Accounts;
            self.show_accounts();
            return Vec::new();
        };
        match start {
            Some(path) => {
                // az://c/a/b/ opens folder a/b/; az://c/a/b opens folder a/ searching
                // for names starting with "b", which finds the blob or folder b.
                let (folder, rest) = match path.prefix.rfind('/') {
                    Some(i) => (&path.prefix[..=i], &path.prefix[i + 1..]),
                    None => ("", path.prefix.as_str()),
                };
                let (folder, rest) = (folder.to_string(), rest.to_string());
                self.location = Location::Blobs {
                    account,
                    container: path.container,
                    prefix: folder,
                };
                self.listing.search = (!rest.is_empty()).then_some(rest);
                self.reload()
            }
            None => self.go(Location::Containers { account }),
        }
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Command(cmd) => self.command(cmd),
            Action::Paste(text) if self.mode == Mode::CorsInput => {
                self.cors_paste(&text);
                Vec::new()
            }
            Action::Input(key) if self.mode == Mode::CorsInput => {
                self.cors_input(key);
                Vec::new()
            }
            Action::Paste(text) if self.mode == Mode::PoliciesInput => {
                self.policies_paste(&text);
                Vec::new()
            }
            Action::Input(key) if self.mode == Mode::PoliciesInput => {
                self.policies_input(key);
                Vec::new()
            }
            Action::Cors(event) => self.cors_event(event),
            Action::Policies(event) => self.policies_event(event),
            Action::History(event) => self.history_event(event),
            Action::Paste(text) => {
                if self.mode == Mode::Form {
                    if let Some(form) = self.form.as_mut() {
                        let field = form.focused();
                        if let Some(input) = form.input_mut(field) {
                            let value = format!("{}{}", input.value(), text.trim());
                            *input = tui_input::Input::new(value);
                        }
                        form.changed(field);
                    }
                } else {
                    let value = format!("{}{}", self.input.value(), text.trim());
                    self.input = tui_input::Input::new(value);
                    if self.mode == Mode::Filter {
                        self.set_query(self.input.value().to_string());
                    }
                }
                Vec::new()
            }
            Action::Input(key) if self.mode == Mode::Form => {
                self.form_input(key);
                Vec::new()
            }
            Action::Input(key) => {
                self.input.handle_event(&crossterm::event::Event::Key(key));
                if self.mode == Mode::Filter {
                    self.set_query(self.input.value().to_string());
                }
                Vec::new()
            }
            Action::Resize { height, .. } => {
                self.height = height;
                self.resize_list();
                self.keep_selection_visible();
                Vec::new()
            }
            Action::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                Vec::new()
            }
            Action::ContainersPage {
                generation,
                result,
                done,
            } => {
                if generation != self.listing.generation {
                    return Vec::new();
                }
                let result = result.map(|cs| {
                    let interner = &mut self.listing.interner;
                    cs.into_iter()
                        .map(|c| Entry::from_container(c, interner))
                        .collect::<Vec<_>>()
                });
                self.take_page(result, done)
            }
            Action::BlobsPage {
                generation,
                result,
                done,
            } => {
                if generation != self.listing.generation {
                    return Vec::new();
                }
                let prefix = match &self.location {
                    Location::Blobs { prefix, .. } => prefix.clone(),
                    _ => return Vec::new(),
                };
                let result = result.map(|bs| {
                    let interner = &mut self.listing.interner;
                    bs.into_iter()
                        .map(|b| Entry::from_blob(b, &prefix, interner))
                        .collect::<Vec<_>>()
                });
                self.take_page(result, done)
            }
            Action::Discovered { result } => self.discovered(result),
            Action::Transfers(snapshot) => self.transfers_update(snapshot),
            Action::OpDone { account, result } => self.op_done(account, result),
            Action::FindPage {
                generation,
                result,
                done,
            } => self.find_page(generation, result, done),
            Action::TransferPlanned { result } => self.planned(result),
            Action::Unfinished(entries) => {
                if !entries.is_empty() {
                    self.confirm = Some(Confirm::Resume { entries });
                    self.mode = Mode::Confirm;
                }
                Vec::new()
            }
            Action::AccountSaved { label, result } => {
                match result {
                    Ok(()) => self.info(&format!(
                        "Saved {label} to accounts.toml (its secret to secrets.toml, mode 0600)."
                    )),
                    Err(e) => {
                        self.error(&format!("{label} is attached for this session only: {e}"))
                    }
                }
                Vec::new()
            }
            Action::Saved { what, result } => {
                match result {
                    Ok(()) if !what.is_empty() => self.info(&format!("Wrote {what}.")),
                    Ok(()) => {}
                    Err(e) => self.error(&e),
                }
                Vec::new()
            }
            Action::Details { key, result } => {
                if let Some(d) = &mut self.details
                    && d.key == key
                {
                    d.result = Some(result);
                }
                Vec::new()
            }
        }
    }

    fn command(&mut self, cmd: Command) -> Vec<Effect> {
        // Deleting a bookmark changes only blobx's own config.
        let changes_service = cmd.is_mutating() && self.mode != Mode::Bookmarks;
        if self.readonly && changes_service {
            self.error(&format!(
                "Read-only mode: \"{}\" is turned off (started with --readonly or readonly = true).",
                cmd.description()
            ));
            return Vec::new();
        }
        // Conflict answers only touch local files or a batch already allowed.
        if changes_service
            && !matches!(cmd, Command::Overwrite | Command::IfDifferent)
            && let Some(label) = self.readonly_account()
        {
            let msg = format!(
                "{label} is marked read-only: \"{}\" is turned off (w on the account turns it back on).",
                cmd.description()
            );
            self.error(&msg);
            return Vec::new();
        }
        match self.mode {
            Mode::Form => return self.form_command(cmd),
            Mode::Confirm => return self.confirm_command(cmd),
            Mode::Path => return self.path_command(cmd),
            Mode::Ask => return self.ask_command(cmd),
            Mode::Cors | Mode::CorsInput => return self.cors_command(cmd),
            Mode::Policies | Mode::PoliciesInput => return self.policies_command(cmd),
            Mode::Transfers => return self.transfers_command(cmd),
            Mode::Bookmarks => return self.bookmarks_command(cmd),
            Mode::History => return self.history_command(cmd),
            _ => {}
        }
        if self.mode == Mode::Help {
            match cmd {
                Command::Up => self.help_scroll = self.help_scroll.saturating_sub(1),
                Command::Down => self.help_scroll += 1,
                Command::Quit => self.should_quit = true,
                Command::Help | Command::Cancel | Command::Back => {
                    // Back to the pane the help was opened from.
                    self.mode = if self.history.is_some() {
                        Mode::History
                    } else {
                        Mode::Normal
                    };
                }
                _ => {}
            }
            return Vec::new();
        }
        if let Some(effects) = self.history_browser_command(cmd) {
            return effects;
        }
        if let Some(effects) = self.transfer_command(cmd) {
            return effects;
        }
        if let Some(effects) = self.ops_command(cmd) {
            return effects;
        }
        if let Some(effects) = self.bookmark_command(cmd) {
            return effects;
        }
        match cmd {
            Command::Up => self.move_by(-1),
            Command::Down => self.move_by(1),
            Command::PageUp => self.move_by(-(self.page_rows.max(1) as isize)),
            Command::PageDown => self.move_by(self.page_rows.max(1) as isize),
            Command::Top => self.move_to(0),
            Command::Bottom => self.move_to(self.listing.view.len().saturating_sub(1)),
            Command::Open => return self.open_selected(),
            Command::Back => return self.back(),
            Command::Filter => {
                self.mode = Mode::Filter;
                self.input = tui_input::Input::new(self.query.clone());
            }
            Command::PrefixSearch => {
                if matches!(self.location, Location::Accounts) {
                    self.info("Prefix search works inside an account or container.");
                } else {
                    self.mode = Mode::PrefixSearch;
                    self.input =
                        tui_input::Input::new(self.listing.search.clone().unwrap_or_default());
                }
            }
            Command::ClearFilter => {
                if self.listing.find.is_some() {
                    self.listing.find = None;
                    return self.reload();
                }
                if self.listing.search.is_some() {
                    self.listing.search = None;
                    return self.reload();
                }
                self.set_query(String::new());
            }
            Command::Accept => match self.mode {
                Mode::Filter => self.mode = Mode::Normal,
                Mode::PrefixSearch => {
                    self.mode = Mode::Normal;
                    let search = self.input.value().to_string();
                    self.listing.search = (!search.is_empty()).then_some(search);
                    return self.reload();
                }
                _ => {}
            },
            Command::Cancel => match self.mode {
                Mode::Filter => {
                    self.mode = Mode::Normal;
                    self.set_query(String::new());
                }
                Mode::PrefixSearch => self.mode = Mode::Normal,
                _ => {}
            },
            Command::MoveDown | Command::MoveUp | Command::ScrollLeft | Command::ScrollRight => {
                self.scroll_preview(cmd)
            }
            Command::Details => {
                self.preview = None;
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
            Command::Refresh => return self.reload(),
            Command::Help => {
                self.mode = Mode::Help;
                self.help_scroll = 0;
            }
            Command::Quit => return self.quit(),
            Command::Attach => {
                self.form = Some(AttachForm::default());
                self.mode = Mode::Form;
            }
            Command::Edit => match self.selected_attached() {
                Some(index) => {
                    self.form = Some(AttachForm::edit(index, &self.accounts[index].account));
                    self.mode = Mode::Form;
                }
                None => self.info("Only attached accounts can be edited; select one in the accounts list."),
            },
            Command::Cors => return self.open_cors(),
            Command::Detach => match self.selected_attached() {
                Some(index) => {
                    self.confirm = Some(Confirm::Detach { account: index });
                    self.mode = Mode::Confirm;
                }
                None => self.info(
                    "Only attached accounts can be detached (the emulator: set [emulator] enabled = false; environment: unset the variable).",
                ),
            },
            // Commands of other modes (forms, questions, the transfers pane).
            _ => {}
        }
        self.details_effect()
    }

    fn start_discovery(&mut self, index: usize) -> Vec<Effect> {
        let node = &mut self.accounts[index];
        node.error = None;
        node.account.note = Some("Signing in and listing subscriptions…".into());
        self.info("Signing in with Microsoft Entra ID…");
        vec![Effect::Discover]
    }

    fn discovered(
        &mut self,
        result: Result<(Vec<crate::azure::Account>, usize), String>,
    ) -> Vec<Effect> {
        let Some(node_index) = self.accounts.iter().position(|n| n.discovery) else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        match result {
            Err(e) => {
                self.accounts[node_index].account.note = Some(
                    "Enter: try again (az login, service principal or managed identity)".into(),
                );
                self.accounts[node_index].error = Some(e.clone());
                self.error(&e);
            }
            Ok((found, subscriptions)) => {
                let n = found.len();
                self.accounts[node_index].account.note = Some(format!(
                    "{n} storage account{} in {subscriptions} subscription{}; Enter: refresh",
                    if n == 1 { "" } else { "s" },
                    if subscriptions == 1 { "" } else { "s" }
                ));
                // Replace what an earlier discovery found.
                for node in self
                    .accounts
                    .iter_mut()
                    .filter(|n| n.account.source == Source::Entra && !n.discovery)
                {
                    node.detached = true;
                }
                for account in found {
                    let index = self.accounts.len();
                    self.accounts.push(AccountNode::new(account.clone()));
                    effects.push(Effect::AddAccount {
                        index,
                        account: Box::new(account),
                        persist: false,
                    });
                }
                self.info(&format!(
                    "Found {n} storage accounts through Microsoft Entra ID."
                ));
            }
        }
        if self.location == Location::Accounts {
            let keep = self.selected;
            self.show_accounts();
            self.move_to(keep);
        }
        effects
    }

    /// The attached account under the cursor in the accounts view.
    fn selected_attached(&self) -> Option<usize> {
        if self.location != Location::Accounts {
            return None;
        }
        let index = self.selected_account_index()?;
        (self.accounts.get(index)?.account.source == Source::Attached).then_some(index)
    }

    fn form_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        match cmd {
            Command::NextField | Command::Down => form.move_focus(1),
            Command::PrevField | Command::Up => form.move_focus(-1),
            Command::Reveal => form.reveal = !form.reveal,
            Command::Cancel => {
                self.form = None;
                self.mode = Mode::Normal;
            }
            Command::Quit => self.should_quit = true,
            Command::Accept => return self.submit_form(),
            _ => {}
        }
        Vec::new()
    }

    fn form_input(&mut self, key: crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        let Some(form) = self.form.as_mut() else {
            return;
        };
        let field = form.focused();
        if field == Field::Kind {
            match key.code {
                KeyCode::Left => form.cycle_kind(-1),
                KeyCode::Right | KeyCode::Char(' ') => form.cycle_kind(1),
                _ => {}
            }
            return;
        }
        if let Some(input) = form.input_mut(field) {
            input.handle_event(&crossterm::event::Event::Key(key));
        }
        form.changed(field);
    }

    fn submit_form(&mut self) -> Vec<Effect> {
        let Some(form) = self.form.as_ref() else {
            return Vec::new();
        };
        if let Err(e) = &form.validation {
            let e = e.clone();
            self.error(&format!("Cannot attach yet: {e}"));
            return Vec::new();
        }
        let (index, id) = match form.editing {
            Some(i) => (i, self.accounts[i].account.id.clone()),
            None => {
                let name = form
                    .validation
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                (self.accounts.len(), self.unique_id(&name))
            }
        };
        let Some(account) = form.account(&id) else {
            return Vec::new();
        };
        let node = AccountNode::new(account.clone());
        if index < self.accounts.len() {
            self.accounts[index] = node;
        } else {
            self.accounts.push(node);
        }
        self.form = None;
        self.mode = Mode::Normal;
        let mut effects = vec![Effect::AddAccount {
            index,
            account: Box::new(account),
            persist: true,
        }];
        effects.extend(self.go(Location::Accounts));
        if let Some(pos) = self.account_rows.iter().position(|&a| a == index) {
            self.move_to(pos);
        }
        effects
    }

    fn unique_id(&self, name: &str) -> String {
        let base = if name.is_empty() { "account" } else { name };
        (1..)
            .map(|n| {
                if n == 1 {
                    base.to_string()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|id| !self.accounts.iter().any(|a| a.account.id == *id))
            .unwrap_or_else(|| base.to_string())
    }

    fn confirm_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(question) = self.confirm.take() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        self.mode = Mode::Normal;
        let question = match self.history_confirm(cmd, question) {
            Some(effects) => return effects,
            None => match self.confirm.take() {
                Some(q) => q,
                None => return Vec::new(),
            },
        };
        let question = match self.ops_confirm(cmd, question) {
            Some(effects) => return effects,
            None => match self.confirm.take() {
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
            (Command::Quit | Command::Yes, Confirm::Quit) => {
                self.should_quit = true;
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
                self.confirm = Some(question);
                self.mode = Mode::Confirm;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn open_selected(&mut self) -> Vec<Effect> {
        let Some(entry) = self.selected_entry() else {
            return Vec::new();
        };
        let name = entry.name.to_string();
        let kind = entry.kind;
        let next = match (&self.location, kind) {
            (Location::Accounts, EntryKind::Account) => match self.selected_account_index() {
                Some(account) if self.accounts[account].discovery => {
                    return self.start_discovery(account);
                }
                Some(account) => Location::Containers { account },
                None => return Vec::new(),
            },
            (Location::Containers { account }, EntryKind::Container) => Location::Blobs {
                account: *account,
                container: name,
                prefix: String::new(),
            },
            (
                Location::Blobs {
                    account,
                    container,
                    prefix,
                },
                EntryKind::Folder,
            ) => Location::Blobs {
                account: *account,
                container: container.clone(),
                // With a prefix search active the shown name is still relative to the folder.
                prefix: format!("{prefix}{name}"),
            },
            (_, EntryKind::Blob) => {
                if !self.show_details {
                    self.show_details = true;
                }
                return self.details_effect();
            }
            _ => return Vec::new(),
        };
        self.go(next)
    }

    fn selected_account_index(&self) -> Option<usize> {
        let entry = *self.listing.view.get(self.selected)? as usize;
        self.account_rows.get(entry).copied()
    }

    fn back(&mut self) -> Vec<Effect> {
        if self.listing.find.is_some() {
            self.listing.find = None;
            return self.reload();
        }
        if self.listing.search.is_some() {
            self.listing.search = None;
            return self.reload();
        }
        let (parent, came_from) = match &self.location {
            Location::Accounts => return Vec::new(),
            Location::Containers { account } => (
                Location::Accounts,
                self.accounts.get(*account).map(|a| a.label().to_string()),
            ),
            Location::Blobs {
                account,
                container,
                prefix,
            } => {
                if prefix.is_empty() {
                    (
                        Location::Containers { account: *account },
                        Some(container.clone()),
                    )
                } else {
                    let trimmed = prefix.trim_end_matches('/');
                    let (parent, leaf) = match trimmed.rfind('/') {
                        Some(i) => (&trimmed[..=i], &trimmed[i + 1..]),
                        None => ("", trimmed),
                    };
                    (
                        Location::Blobs {
                            account: *account,
                            container: container.clone(),
                            prefix: parent.to_string(),
                        },
                        Some(format!("{leaf}/")),
                    )
                }
            }
        };
        let effects = self.go(parent);
        self.listing.reselect = came_from.map(String::into_boxed_str);
        self.apply_reselect();
        effects
    }

    /// Moves to a new place: clears the rows and starts listing it.
    pub fn go(&mut self, location: Location) -> Vec<Effect> {
        self.location = location;
        self.marks.clear();
        self.listing.search = None;
        self.query.clear();
        self.filter.reset();
        self.details = None;
        self.preview = None;
        self.reload()
    }

    /// Starts (again) the listing of the current place; the previous one is cancelled.
    pub fn reload(&mut self) -> Vec<Effect> {
        let generation = self.next_generation;
        self.next_generation += 1;
        let search = self.listing.search.take();
        let reselect = self.listing.reselect.take();
        self.listing = super::state::Listing {
            generation,
            search,
            reselect,
            ..Default::default()
        };
        self.filter.reset();
        self.selected = 0;
        self.offset = 0;
        self.details = None;
        match self.location.clone() {
            Location::Accounts => {
                self.show_accounts();
                Vec::new()
            }
            Location::Containers { account } => {
                if let Some(why) = self.cannot_list(account) {
                    self.listing.error = Some(why);
                    return Vec::new();
                }
                self.listing.loading = true;
                vec![Effect::ListContainers {
                    generation,
                    account,
                    prefix: self.listing.search.clone(),
                }]
            }
            Location::Blobs {
                account,
                container,
                prefix,
            } => {
                if let Some(why) = self.cannot_list(account) {
                    self.listing.error = Some(why);
                    return Vec::new();
                }
                self.listing.loading = true;
                let search = self.listing.search.clone().unwrap_or_default();
                let mut effects = vec![Effect::ListBlobs {
                    generation,
                    account,
                    container,
                    prefix: format!("{prefix}{search}"),
                }];
                effects.extend(self.deleted_effect());
                effects
            }
        }
    }

    /// Why the account's credential cannot list here, if it cannot (greyed out
    /// instead of sending a request that must fail).
    fn cannot_list(&self, account: usize) -> Option<String> {
        let node = self.accounts.get(account)?;
        if let Some(why) = &node.broken {
            return Some(why.clone());
        }
        let a = &node.account;
        if a.allows('l') {
            return None;
        }
        let perms = a.sas().map(|s| s.permissions.clone()).unwrap_or_default();
        Some(format!(
            "This SAS does not allow listing (its permissions are \"{perms}\"); ask for one with l (list)."
        ))
    }

    fn show_accounts(&mut self) {
        let mut rows: Vec<usize> = (0..self.accounts.len())
            .filter(|&i| !self.accounts[i].detached)
            .collect();
        // Grouped by where they come from; configured order within a group.
        rows.sort_by_key(|&i| self.accounts[i].account.source);
        self.listing.entries = rows
            .iter()
            .map(|&i| Entry::account(self.accounts[i].label()))
            .collect();
        self.account_rows = rows;
        self.listing.loading = false;
        self.listing.view = (0..self.listing.entries.len() as u32).collect();
    }

    pub(super) fn take_page(
        &mut self,
        result: Result<Vec<Entry>, String>,
        done: bool,
    ) -> Vec<Effect> {
        match result {
            Ok(mut entries) => {
                self.listing.pages += 1;
                self.listing.entries.append(&mut entries);
                self.listing.loading = !done;
                if let Some(account) = self.current_account() {
                    self.accounts[account].error = None;
                }
                self.rebuild_view(false);
                self.apply_reselect();
            }
            Err(message) => {
                self.listing.loading = false;
                self.listing.error = Some(message.clone());
                if matches!(self.location, Location::Containers { .. })
                    && let Some(account) = self.current_account()
                {
                    self.accounts[account].error = Some(message.clone());
                }
                self.status = Some(StatusMessage {
                    level: Level::Error,
                    text: message,
                });
            }
        }
        self.details_effect()
    }

    fn current_account(&self) -> Option<usize> {
        match &self.location {
            Location::Accounts => None,
            Location::Containers { account } | Location::Blobs { account, .. } => {
                Some(*account).filter(|a| *a < self.accounts.len())
            }
        }
    }

    pub(super) fn apply_reselect(&mut self) {
        let Some(name) = self.listing.reselect.clone() else {
            return;
        };
        let entries = &self.listing.entries;
        if let Some(pos) = self
            .listing
            .view
            .iter()
            .position(|&i| entries[i as usize].name == name)
        {
            self.listing.reselect = None;
            self.move_to(pos);
        }
    }

    fn set_query(&mut self, query: String) {
        if query != self.query {
            self.query = query;
            self.rebuild_view(true);
        }
    }

    /// Recomputes the shown rows. `reset` puts the cursor on the first row
    /// (new query or sort); otherwise it stays on the same entry.
    pub(super) fn rebuild_view(&mut self, reset: bool) {
        let keep = (!reset)
            .then(|| self.listing.view.get(self.selected).copied())
            .flatten();
        self.listing.view = build_view(
            &self.listing.entries,
            &mut self.filter,
            &self.query,
            self.sort,
        );
        let pos = keep
            .and_then(|k| self.listing.view.iter().position(|&i| i == k))
            .unwrap_or(if reset { 0 } else { self.selected });
        self.move_to(pos);
    }

    fn move_by(&mut self, delta: isize) {
        let target = (self.selected as isize + delta).max(0) as usize;
        self.move_to(target);
    }

    fn move_to(&mut self, index: usize) {
        let len = self.listing.view.len();
        self.selected = if len == 0 { 0 } else { index.min(len - 1) };
        self.keep_selection_visible();
    }

    fn keep_selection_visible(&mut self) {
        let rows = self.page_rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
    }

    /// Fetches the selected blob's details again (after an edit, or on request).
    pub(super) fn refresh_details(&mut self) -> Vec<Effect> {
        self.details = None;
        self.details_effect()
    }

    /// When the details pane is open, make sure it shows the selected blob.
    fn details_effect(&mut self) -> Vec<Effect> {
        if !self.show_details {
            return Vec::new();
        }
        let key = match (&self.location, self.selected_entry()) {
            (
                Location::Blobs {
                    account,
                    container,
                    prefix,
                },
                Some(e),
            ) if e.kind == EntryKind::Blob => DetailsKey {
                account: *account,
                container: container.clone(),
                blob: format!("{prefix}{}", e.name),
            },
            _ => {
                self.details = None;
                return Vec::new();
            }
        };
        if self.details.as_ref().is_some_and(|d| d.key == key) {
            return Vec::new();
        }
        if let Some(a) = self.accounts.get(key.account).map(|n| &n.account)
            && !a.allows('r')
        {
            let perms = a.sas().map(|s| s.permissions.clone()).unwrap_or_default();
            self.details = Some(DetailsState {
                key,
                result: Some(Err(format!(
                    "This SAS does not allow reading properties (its permissions are \"{perms}\")."
                ))),
            });
            return Vec::new();
        }
        self.details = Some(DetailsState {
            key: key.clone(),
            result: None,
        });
        vec![Effect::FetchDetails(key)]
    }

    pub(super) fn error(&mut self, text: &str) {
        self.status = Some(StatusMessage {
            level: Level::Error,
            text: text.to_string(),
        });
    }

    pub(super) fn info(&mut self, text: &str) {
        self.status = Some(StatusMessage {
            level: Level::Info,
            text: text.to_string(),
        });
    }
}
