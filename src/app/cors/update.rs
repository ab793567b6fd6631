//! Opening and closing the editor, switching its views, and the keys and
//! pastes typed into its text fields.

use super::rule_form::one_line;
use super::{CorsEditor, CorsEffect, CorsView};
use crate::app::effect::Effect;
use crate::app::field_form::FieldForm;
use crate::app::layers::{Layer, Mode};
use crate::app::state::{Level, Location, State};
use crossterm::event::KeyEvent;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

impl State {
    /// The account the CORS command is about: the selected one in the
    /// accounts list, else the one being browsed.
    pub(super) fn cors_target(&self) -> Option<usize> {
        match &self.location {
            Location::Accounts => {
                let row = *self.listing.view.get(self.selected)? as usize;
                self.account_rows.get(row).copied()
            }
            Location::Containers { account } | Location::Blobs { account, .. } => Some(*account),
        }
    }

    /// Opens the editor on the current account and starts reading its rules.
    pub(in crate::app) fn open_cors(&mut self) -> Vec<Effect> {
        let Some(index) = self.cors_target() else {
            self.set_status(
                Level::Info,
                "Select a storage account to edit its CORS rules.",
            );
            return Vec::new();
        };
        let Some(node) = self.accounts.get(index) else {
            return Vec::new();
        };
        if node.discovery {
            self.set_status(
                Level::Info,
                "Open Microsoft Entra ID first, then pick one of its storage accounts for CORS.",
            );
            return Vec::new();
        }
        if let Some(why) = node.broken.clone() {
            self.set_status(Level::Error, why);
            return Vec::new();
        }
        if let Some(c) = &node.account.container {
            let text = format!(
                "This account is a SAS for container {c} only; CORS rules belong to the whole Blob service and need an account key, an account SAS or Microsoft Entra ID."
            );
            self.set_status(Level::Error, text);
            return Vec::new();
        }
        let generation = self.next_generation;
        self.next_generation += 1;
        self.layers.push(Layer::Cors(Box::new(CorsEditor {
            account: index,
            label: node.account.label.clone(),
            generation,
            base: None,
            rules: Vec::new(),
            selected: 0,
            loading: true,
            busy: None,
            error: None,
            view: CorsView::Table,
        })));
        vec![Effect::Cors(CorsEffect::Load {
            generation,
            account: index,
        })]
    }

    pub(super) fn close_cors(&mut self) {
        self.layers.remove(Mode::Cors);
    }

    pub(super) fn cors_set_view(&mut self, view: CorsView) {
        if let Some(ed) = self.layers.cors_mut() {
            ed.view = view;
        }
    }

    /// Marks the editor busy and returns its generation for the effect.
    pub(super) fn cors_busy(&mut self, what: String) -> u64 {
        match self.layers.cors_mut() {
            Some(ed) => {
                ed.busy = Some(what);
                ed.generation
            }
            None => 0,
        }
    }

    /// A key typed into one of the editor's text fields.
    pub(in crate::app) fn cors_input(&mut self, key: KeyEvent) {
        let Some(ed) = self.layers.cors_mut() else {
            return;
        };
        match &mut ed.view {
            CorsView::Rule(form) => form.key(key),
            CorsView::Test(form) => form.key(key),
            CorsView::PresetOrigin(input) | CorsView::File { input, .. } => {
                input.handle_event(&crossterm::event::Event::Key(key));
            }
            _ => {}
        }
    }

    /// Text pasted into one of the editor's text fields.
    pub(in crate::app) fn cors_paste(&mut self, text: &str) {
        let Some(ed) = self.layers.cors_mut() else {
            return;
        };
        match &mut ed.view {
            CorsView::Rule(form) => form.paste(text),
            CorsView::Test(form) => form.append(&one_line(text)),
            CorsView::PresetOrigin(input) | CorsView::File { input, .. } => {
                *input = Input::new(format!("{}{}", input.value(), one_line(text)));
            }
            _ => {}
        }
    }
}
