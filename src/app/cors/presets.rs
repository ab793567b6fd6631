//! The presets: browser uploads, local development, or another account's rules.

use super::{CorsView, plural};
use crate::app::effect::Effect;
use crate::app::state::{Level, State};
use crate::azure::cors::{self as model, CorsRule, MAX_RULES};
use tui_input::Input;

impl State {
    pub(super) fn cors_preset(&mut self, selected: usize) -> Vec<Effect> {
        match selected {
            0 => self.cors_set_view(CorsView::PresetOrigin(Input::new("https://".into()))),
            1 => self.cors_add_rules(model::preset_local_development(), "Local development"),
            _ => {
                let Some(ed) = self.layers.cors() else {
                    return Vec::new();
                };
                let current = ed.account;
                let choices: Vec<(usize, String)> = self
                    .accounts
                    .iter()
                    .enumerate()
                    .filter(|(i, n)| {
                        *i != current
                            && !n.detached
                            && !n.discovery
                            && n.broken.is_none()
                            && n.account.container.is_none()
                    })
                    .map(|(i, n)| (i, n.account.label.clone()))
                    .collect();
                if choices.is_empty() {
                    self.cors_set_view(CorsView::Table);
                    self.set_status(
                        Level::Info,
                        "No other account to copy from: attach one first (a in the accounts list).",
                    );
                } else {
                    self.cors_set_view(CorsView::CopyFrom {
                        choices,
                        selected: 0,
                    });
                }
            }
        }
        Vec::new()
    }

    pub(super) fn cors_preset_origin(&mut self, input: Input) -> Vec<Effect> {
        match model::preset_browser_uploads(input.value()) {
            Ok(rules) => self.cors_add_rules(rules, "Browser uploads"),
            Err(e) => {
                self.cors_set_view(CorsView::PresetOrigin(input));
                self.set_status(Level::Error, format!("The web app's origin: {e}"));
            }
        }
        Vec::new()
    }

    /// Appends preset rules, if they fit.
    pub(super) fn cors_add_rules(&mut self, rules: Vec<CorsRule>, what: &str) {
        let Some(ed) = self.layers.cors_mut() else {
            return;
        };
        let total = ed.rules.len() + rules.len();
        if total > MAX_RULES {
            let text = format!(
                "{what} adds {} to {}; the Blob service holds at most {MAX_RULES} CORS rules. Delete some first.",
                plural(rules.len(), "rule"),
                ed.rules.len()
            );
            self.cors_set_view(CorsView::Table);
            self.set_status(Level::Error, text);
            return;
        }
        let first = ed.rules.len();
        ed.rules.extend(rules);
        ed.selected = first;
        let text = format!(
            "{what}: added as rule {}{}; s reviews the changes and saves them.",
            first + 1,
            if total - first > 1 {
                format!("-{total}")
            } else {
                String::new()
            }
        );
        self.cors_set_view(CorsView::Table);
        self.set_status(Level::Info, text);
    }
}
