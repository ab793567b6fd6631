//! What the background work reports back, applied to the editor.

use super::{PolicyEvent, PolicyView, SaveError, plural};
use crate::app::effect::Effect;
use crate::app::state::{Level, State};

impl State {
    /// A result of the editor's background work.
    pub(in crate::app) fn policies_event(&mut self, event: PolicyEvent) -> Vec<Effect> {
        let Some(ed) = self.layers.policies_mut() else {
            return Vec::new();
        };
        let generation = match &event {
            PolicyEvent::Loaded { generation, .. } | PolicyEvent::Saved { generation, .. } => {
                *generation
            }
        };
        if generation != ed.generation {
            return Vec::new();
        }
        ed.busy = None;
        match event {
            PolicyEvent::Loaded { now, result, .. } => {
                ed.loading = false;
                ed.now = now;
                match result {
                    Ok(access) => {
                        ed.policies = access.policies.clone();
                        ed.selected = ed.selected.min(ed.policies.len().saturating_sub(1));
                        ed.base = Some(access);
                        ed.error = None;
                    }
                    Err(e) => {
                        ed.error = Some(e.clone());
                        self.set_status(Level::Error, e);
                    }
                }
            }
            PolicyEvent::Saved { now, result, .. } => match result {
                Ok(access) => {
                    ed.now = now;
                    ed.policies = access.policies.clone();
                    ed.selected = ed.selected.min(ed.policies.len().saturating_sub(1));
                    let text = format!(
                        "Saved {} on {}; its public access level is still {}.",
                        plural(access.policies.len()),
                        ed.container,
                        access.public_access.as_str()
                    );
                    ed.base = Some(access);
                    self.set_status(Level::Info, text);
                }
                Err(SaveError::Changed(why)) => {
                    self.policies_view(PolicyView::Conflict(why));
                    self.set_status(
                        Level::Error,
                        "The container's access settings changed since they were read; nothing was saved.",
                    );
                }
                Err(SaveError::Failed(e)) => {
                    self.set_status(Level::Error, format!("Not saved: {e}"))
                }
            },
        }
        Vec::new()
    }
}
