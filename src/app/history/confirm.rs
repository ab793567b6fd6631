//! Answers to the history pane's questions (promote, delete, undelete).

use super::*;
use crate::app::action::Command;
use crate::app::effect::Effect;
use crate::app::layers::Layer;
use crate::app::state::{Confirm, Level, State};

impl State {
    /// Answers to this module's questions; `None` (question given back) if not ours.
    pub(in crate::app) fn history_confirm(
        &mut self,
        cmd: Command,
        question: Confirm,
    ) -> Option<Vec<Effect>> {
        let generation = self.layers.history().map_or(0, |p| p.generation);
        Some(match (cmd, question) {
            (
                Command::Yes,
                Confirm::Promote {
                    account,
                    container,
                    blob,
                    entry,
                },
            ) => {
                self.history_note(Level::Info, "Promoting…");
                vec![Effect::History(HistoryEffect::Promote {
                    generation,
                    account,
                    container,
                    blob,
                    entry: *entry,
                })]
            }
            (
                Command::Yes,
                Confirm::DeletePast {
                    account,
                    container,
                    blob,
                    at,
                },
            ) => {
                self.history_note(Level::Info, format!("Deleting the {}…", at.describe()));
                vec![Effect::History(HistoryEffect::Delete {
                    generation,
                    account,
                    container,
                    blob,
                    at,
                })]
            }
            (
                Command::Yes,
                Confirm::Undelete {
                    account,
                    container,
                    blob,
                },
            ) => {
                self.history_note(Level::Info, format!("Undeleting {blob}…"));
                vec![Effect::History(HistoryEffect::Undelete {
                    account,
                    container,
                    blob,
                })]
            }
            (
                Command::No | Command::Cancel,
                Confirm::Promote { .. } | Confirm::DeletePast { .. },
            ) => Vec::new(),
            (Command::No | Command::Cancel, Confirm::Undelete { .. }) => Vec::new(),
            (Command::Quit, _) => self.quit(),
            (
                _,
                q @ (Confirm::Promote { .. }
                | Confirm::DeletePast { .. }
                | Confirm::Undelete { .. }),
            ) => {
                // Any other key leaves the question open.
                self.layers.push(Layer::Confirm(q));
                Vec::new()
            }
            (_, other) => {
                // Not ours: give it back untouched.
                self.layers.push(Layer::Confirm(other));
                return None;
            }
        })
    }
}
