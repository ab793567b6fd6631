//! Accounts from the keyboard: the attach/edit form, and signing in with
//! Microsoft Entra ID to discover storage accounts.

use super::action::Command;
use super::effect::Effect;
use super::form::Field;
use super::layers::Mode;
use super::state::{AccountNode, Location, State};
use crate::azure::Source;
use tui_input::backend::crossterm::EventHandler;

impl State {
    pub(super) fn start_discovery(&mut self, index: usize) -> Vec<Effect> {
        let node = &mut self.accounts[index];
        node.error = None;
        node.account.note = Some("Signing in and listing subscriptions…".into());
        self.info("Signing in with Microsoft Entra ID…");
        vec![Effect::Discover]
    }

    pub(super) fn discovered(
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
    pub(super) fn selected_attached(&self) -> Option<usize> {
        if self.location != Location::Accounts {
            return None;
        }
        let index = self.selected_account_index()?;
        (self.accounts.get(index)?.account.source == Source::Attached).then_some(index)
    }

    pub(super) fn form_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(form) = self.layers.form_mut() else {
            return Vec::new();
        };
        match cmd {
            Command::NextField | Command::Down => form.move_focus(1),
            Command::PrevField | Command::Up => form.move_focus(-1),
            Command::Reveal => form.reveal = !form.reveal,
            Command::Cancel => {
                self.layers.pop_if(Mode::Form);
            }
            Command::Quit => self.should_quit = true,
            Command::Accept => return self.submit_form(),
            _ => {}
        }
        Vec::new()
    }

    pub(super) fn form_input(&mut self, key: crossterm::event::KeyEvent) {
        use crossterm::event::KeyCode;
        let Some(form) = self.layers.form_mut() else {
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
        let Some(form) = self.layers.form() else {
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
        self.layers.pop_if(Mode::Form);
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

    pub(super) fn unique_id(&self, name: &str) -> String {
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

    /// Text pasted into the form's focused field (a connection string fills the rest).
    pub(super) fn form_paste(&mut self, text: &str) {
        if let Some(form) = self.layers.form_mut() {
            let field = form.focused();
            if let Some(input) = form.input_mut(field) {
                let value = format!("{}{}", input.value(), text.trim());
                *input = tui_input::Input::new(value);
            }
            form.changed(field);
        }
    }
}
