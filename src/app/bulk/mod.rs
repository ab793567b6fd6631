//! `=` on the marked blobs (or the blob under the cursor, or marked find
//! results): one form for a tier, content headers, metadata and index tags,
//! or deletion; a review of how many blobs and bytes it touches; then the job
//! runs in the background, one row per blob in the transfers pane
//! (`transfer::changes`).

mod form;
#[cfg(test)]
mod tests;

pub use form::{BulkField, BulkForm, TIERS};

use super::action::Command;
use super::effect::Effect;
use super::layers::{Layer, Mode};
use super::state::State;
use crate::app::field_form::FieldForm;
use crossterm::event::{KeyCode, KeyEvent};

/// Runs the job in the background; its summary comes back as an op result.
pub(in crate::app) fn spawn(
    engine: crate::transfer::Engine,
    client: crate::azure::StorageClient,
    account: usize,
    container: String,
    blobs: Vec<(String, u64)>,
    job: crate::transfer::changes::BulkJob,
    tx: tokio::sync::mpsc::UnboundedSender<super::action::Action>,
) {
    use crate::transfer::changes;
    tokio::spawn(async move {
        let report = changes::run(&engine, &client, account, &container, &blobs, &job).await;
        let summary = changes::summary(&job, &report, blobs.len());
        let _ = tx.send(super::action::Action::OpDone {
            account,
            result: Ok(super::ops::OpOutcome::Changed(summary)),
        });
    });
}

impl State {
    /// Opens the form on what is marked (or under the cursor), focused on `field`.
    pub(in crate::app) fn open_bulk(&mut self, field: BulkField) {
        let Some(sel) = self.selection() else {
            let text = if self.selections().len() > 1 {
                "The marks are in several containers: change blobs in one container at a time (M clears the marks)."
            } else {
                "Select or mark blobs to change them."
            };
            self.note_op(text);
            return;
        };
        if sel.items.iter().any(|(_, folder, _)| *folder) {
            self.note_op(
                "The bulk change works on blobs: unmark the folders (blobx set-props -r changes a folder).",
            );
            return;
        }
        let blobs = sel
            .items
            .into_iter()
            .map(|(name, _, size)| (name, size))
            .collect();
        let form = BulkForm::new(sel.account, sel.container, blobs).focused_on(field);
        self.layers.push(Layer::Bulk(Box::new(form)));
    }

    pub(in crate::app) fn bulk_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(form) = self.layers.bulk_mut() else {
            return Vec::new();
        };
        match cmd {
            Command::Cancel if form.review => form.review = false,
            Command::Cancel => {
                self.layers.pop_if(Mode::Bulk);
            }
            _ if form.review && cmd != Command::Accept => {}
            Command::Accept if !form.review => match &form.validation {
                Ok(_) => form.review = true,
                Err(e) => {
                    let e = e.clone();
                    self.error(&format!("Not yet: {e}"));
                }
            },
            Command::Accept => {
                let Some(Layer::Bulk(form)) = self.layers.pop_if(Mode::Bulk) else {
                    return Vec::new();
                };
                let Ok(job) = form.validation else {
                    return Vec::new();
                };
                let n = form.blobs.len();
                self.marks.clear();
                self.note_op(&format!(
                    "Changing {} in the background: t shows each blob's result.",
                    crate::azure::ops::count(n, "blob")
                ));
                self.transfers.visible = true;
                self.resize_list();
                return vec![Effect::BulkChange {
                    account: form.account,
                    container: form.container,
                    blobs: form.blobs,
                    job,
                }];
            }
            _ => {
                form.focus_command(cmd);
            }
        }
        Vec::new()
    }

    pub(in crate::app) fn bulk_input(&mut self, key: KeyEvent) {
        let Some(form) = self.layers.bulk_mut() else {
            return;
        };
        if form.review {
            return;
        }
        if matches!(form.focused(), BulkField::Action | BulkField::Tier) {
            match key.code {
                KeyCode::Left => form.cycle(-1),
                KeyCode::Right | KeyCode::Char(' ') => form.cycle(1),
                _ => {}
            }
            return;
        }
        if form.type_key(key) {
            form.validate();
        }
    }

    pub(in crate::app) fn bulk_paste(&mut self, text: &str) {
        if let Some(form) = self.layers.bulk_mut()
            && !form.review
        {
            form.append(text.trim());
            form.validate();
        }
    }
}
