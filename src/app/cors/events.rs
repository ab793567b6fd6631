//! What the background work reports back, applied to the editor.

use super::{CorsEvent, CorsView, UndoRecord, plural};
use crate::app::effect::Effect;
use crate::app::state::{Level, State};
use crate::azure::cors::SaveOutcome;

impl State {
    /// A result of the editor's background work.
    pub(in crate::app) fn cors_event(&mut self, event: CorsEvent) -> Vec<Effect> {
        let Some(ed) = self.layers.cors_mut() else {
            return Vec::new();
        };
        if ed.generation != event.generation() {
            return Vec::new();
        }
        ed.busy = None;
        match event {
            CorsEvent::Loaded { result, .. } => {
                ed.loading = false;
                match result {
                    Ok(rules) => {
                        ed.base = Some(rules.clone());
                        ed.selected = ed.selected.min(rules.len().saturating_sub(1));
                        ed.rules = rules;
                        ed.error = None;
                    }
                    Err(e) => {
                        ed.error = Some(e.clone());
                        self.set_status(Level::Error, e);
                    }
                }
            }
            CorsEvent::Saved {
                rules,
                expected,
                undo,
                result,
                ..
            } => match result {
                Ok(SaveOutcome::Saved { previous }) => {
                    let account = ed.account;
                    ed.base = Some(rules.clone());
                    ed.rules = rules.clone();
                    ed.selected = ed.selected.min(rules.len().saturating_sub(1));
                    let label = ed.label.clone();
                    self.cors.undo.insert(
                        account,
                        UndoRecord {
                            previous,
                            saved: rules.clone(),
                        },
                    );
                    let text = if undo {
                        format!(
                            "Undone: {label} has its {} from before the last save again. u undoes this too.",
                            plural(rules.len(), "CORS rule")
                        )
                    } else {
                        format!(
                            "Saved {} on {label}; logging, metrics, retention, static website and default version are untouched. u undoes.",
                            plural(rules.len(), "CORS rule")
                        )
                    };
                    self.set_status(Level::Info, text);
                }
                Ok(SaveOutcome::Changed { current }) => {
                    self.cors_set_view(CorsView::Conflict {
                        rules,
                        expected,
                        current,
                        undo,
                    });
                    self.set_status(
                        Level::Error,
                        "Someone else changed the CORS rules since they were read; nothing was saved.",
                    );
                }
                Err(e) => self.set_status(Level::Error, format!("Not saved: {e}")),
            },
            CorsEvent::Tested { result, .. } => {
                if let CorsView::Test(form) = &mut ed.view {
                    form.running = false;
                    form.result = Some(result);
                }
            }
            CorsEvent::Copied { from, result, .. } => match result {
                Ok(rules) => {
                    let n = rules.len();
                    ed.rules = rules;
                    ed.selected = 0;
                    let text = format!(
                        "Copied {} from {from}; s reviews the changes and saves them here.",
                        plural(n, "rule")
                    );
                    self.set_status(Level::Info, text);
                }
                Err(e) => self.set_status(Level::Error, format!("Cannot copy from {from}: {e}")),
            },
            CorsEvent::Exported { path, result, .. } => match result {
                Ok(n) => self.set_status(
                    Level::Info,
                    format!("Exported {} to {}.", plural(n, "rule"), path.display()),
                ),
                Err(e) => self.set_status(Level::Error, e),
            },
            CorsEvent::Imported { path, result, .. } => match result {
                Ok(rules) => {
                    let n = rules.len();
                    ed.rules = rules;
                    ed.selected = 0;
                    self.set_status(
                        Level::Info,
                        format!(
                            "Imported {} from {}; s reviews the changes and saves them.",
                            plural(n, "rule"),
                            path.display()
                        ),
                    );
                }
                Err(e) => self.set_status(Level::Error, e),
            },
        }
        Vec::new()
    }
}
