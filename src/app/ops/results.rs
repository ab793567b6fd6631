//! What a finished request brings back, and the answers to this module's questions.

use super::*;
use crate::app::action::Command;
use crate::app::effect::Effect;
use crate::app::layers::Layer;
use crate::app::state::{Confirm, State};

impl State {
    /// A request finished.
    pub(in crate::app) fn op_done(
        &mut self,
        account: usize,
        result: Result<OpOutcome, String>,
    ) -> Vec<Effect> {
        match result {
            Err(e) => {
                if let Some(p) = self.preview.as_mut()
                    && p.result.is_none()
                {
                    p.result = Some(Err(e.clone()));
                }
                if let Some(choice) = self.layers.choice_mut()
                    && choice.current.is_none()
                {
                    choice.current = Some(Err(e.clone()));
                }
                self.fail_op(&e);
                Vec::new()
            }
            Ok(OpOutcome::Changed(what)) => {
                self.note_op(&what);
                self.listing.reselect = self.selected_entry().map(|e| e.name.clone());
                self.reload()
            }
            Ok(OpOutcome::Preview { blob, preview }) => {
                if let Some(p) = self.preview.as_mut()
                    && p.blob == blob
                {
                    p.result = Some(Ok(preview));
                }
                Vec::new()
            }
            Ok(OpOutcome::PublicAccess { container, result }) => {
                if let Some(choice) = self.layers.choice_mut()
                    && choice.container == container
                {
                    choice.read(result);
                }
                Vec::new()
            }
            Ok(OpOutcome::DeletePlan(plan)) if plan.is_empty() => {
                self.note_op("Nothing to delete.");
                Vec::new()
            }
            Ok(OpOutcome::DeletePlan(plan)) => {
                self.layers
                    .push(Layer::Confirm(Confirm::DeleteBlobs { account, plan }));
                Vec::new()
            }
            Ok(OpOutcome::Access {
                container,
                path,
                folder,
                access,
            }) => {
                let initial = access.acl.clone();
                self.open_ask(
                    Ask::Acl {
                        container,
                        path,
                        folder,
                        owner: access.owner,
                        group: access.group,
                        permissions: access.permissions,
                    },
                    initial,
                );
                Vec::new()
            }
            Ok(OpOutcome::Sas { url, note }) => {
                self.layers.push(Layer::Confirm(Confirm::Sas {
                    url: url.clone(),
                    revealed: false,
                    note,
                }));
                // Copied at once (OSC 52 works over SSH); the screen masks the signature.
                vec![Effect::Clipboard(url.expose().to_string())]
            }
        }
    }

    /// Answers to the questions this module asks.
    pub(in crate::app) fn ops_confirm(
        &mut self,
        cmd: Command,
        question: Confirm,
    ) -> Option<Vec<Effect>> {
        Some(match (cmd, question) {
            (Command::Yes, Confirm::DeleteBlobs { account, plan }) => {
                self.marks.clear();
                self.note_op("Deleting…");
                self.op(account, OpRequest::Delete { plan })
            }
            (
                Command::Yes,
                Confirm::BreakLease {
                    account,
                    container,
                    blob,
                },
            ) => self.op(account, OpRequest::BreakLease { container, blob }),
            (
                Command::Reveal,
                Confirm::Sas {
                    url,
                    revealed,
                    note,
                },
            ) => {
                self.layers.push(Layer::Confirm(Confirm::Sas {
                    url,
                    revealed: !revealed,
                    note,
                }));
                Vec::new()
            }
            (_, Confirm::Sas { .. } | Confirm::Handoff(_)) => Vec::new(),
            (_, q @ (Confirm::DeleteBlobs { .. } | Confirm::BreakLease { .. })) => {
                if !matches!(cmd, Command::No | Command::Cancel) {
                    self.layers.push(Layer::Confirm(q));
                }
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
