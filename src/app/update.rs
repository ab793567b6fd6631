//! The state machine: `update(state, action)` changes the state and returns the
//! background work to start. No I/O here, so it is tested without a network.

use super::action::{Action, DetailsKey};
use super::effect::Effect;
use super::entry::{Entry, EntryKind};
use super::state::{Confirm, DetailsState, Location, State};
use super::view::build_view;
use crate::azure::uri::AzPath;

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
        let effects = self.apply(action);
        if !self.hold_filter {
            self.settle_filter();
        }
        effects
    }

    /// Applies what was typed into the filter (once for a burst of keys).
    pub fn settle_filter(&mut self) {
        if std::mem::take(&mut self.filter_typed) {
            self.set_query(self.input.value().to_string());
        }
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Command(cmd) => self.command(cmd),
            Action::Cors(event) => self.cors_event(event),
            Action::Diagnosed { account, diagnosis } => self.diagnosed(account, diagnosis),
            Action::Settings(event) => self.settings_event(event),
            Action::Lifecycle(event) => self.lifecycle_event(event),
            Action::Policies(event) => self.policies_event(event),
            Action::History(event) => self.history_event(event),
            Action::Sync(event) => self.sync_event(event),
            Action::Paste(text) => {
                self.paste(&text);
                Vec::new()
            }
            Action::Input(key) => {
                self.input_key(key);
                Vec::new()
            }
            Action::Mouse(mouse) => self.mouse(mouse),
            Action::Activity(entry) => {
                self.activity.push(entry);
                Vec::new()
            }
            Action::Resize { width, height } => {
                self.height = height;
                self.width = width;
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
            Action::AccountKind {
                account,
                hierarchical,
            } => {
                if let Some(node) = self.accounts.get_mut(account) {
                    node.hierarchical = Some(hierarchical);
                }
                Vec::new()
            }
            Action::Transfers(snapshot) => self.transfers_update(snapshot),
            Action::OpDone { account, result } => self.op_done(account, result),
            Action::Edit(event) => self.edit_event(event),
            Action::Sizes(report) => self.sizes_report(report),
            Action::Inventory(event) => self.inventory_event(event),
            Action::FindPage {
                generation,
                result,
                done,
            } => self.find_page(generation, result, done),
            Action::TransferPlanned { result } => self.planned(result),
            Action::MissingContainers {
                specs,
                existing,
                missing,
            } => {
                self.layers
                    .push(super::layers::Layer::Confirm(Confirm::CreateContainers {
                        specs,
                        existing,
                        missing,
                    }));
                Vec::new()
            }
            Action::Unfinished(entries) => {
                if !entries.is_empty() {
                    self.layers
                        .push(super::layers::Layer::Confirm(Confirm::Resume { entries }));
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

    pub(super) fn open_selected(&mut self) -> Vec<Effect> {
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

    pub(super) fn selected_account_index(&self) -> Option<usize> {
        let entry = *self.listing.view.get(self.selected)? as usize;
        self.account_rows.get(entry).copied()
    }

    pub(super) fn back(&mut self) -> Vec<Effect> {
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
    pub(super) fn cannot_list(&self, account: usize) -> Option<String> {
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

    pub(super) fn show_accounts(&mut self) {
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
                self.apply_sizes();
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
                self.error(&message);
                // An account that cannot be listed is diagnosed by itself.
                if let Location::Containers { account } = self.location
                    && self.accounts.get(account).is_some_and(|n| !n.discovery)
                {
                    let mut effects = self.details_effect();
                    effects.push(Effect::Diagnose { account });
                    return effects;
                }
            }
        }
        self.details_effect()
    }

    pub(super) fn current_account(&self) -> Option<usize> {
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

    pub(super) fn set_query(&mut self, query: String) {
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

    pub(super) fn move_by(&mut self, delta: isize) {
        let target = (self.selected as isize + delta).max(0) as usize;
        self.move_to(target);
    }

    pub(super) fn move_to(&mut self, index: usize) {
        let len = self.listing.view.len();
        self.selected = if len == 0 { 0 } else { index.min(len - 1) };
        self.keep_selection_visible();
    }

    pub(super) fn keep_selection_visible(&mut self) {
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
    pub(super) fn details_effect(&mut self) -> Vec<Effect> {
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
}
