//! Commands on the policies table, keeping a form's policy, and saving.

use super::{AfterDiscard, PolicyEffect, PolicyForm, PolicyView, diff};
use crate::app::action::Command;
use crate::app::editor_table::{move_selection, put_back, wait_reason};
use crate::app::effect::Effect;
use crate::app::state::{Level, State};
use crate::azure::access::{MAX_POLICIES, StoredPolicy};
use time::OffsetDateTime;
use tui_input::Input;

impl State {
    pub(super) fn policies_table_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.layers.policies_mut() else {
            return Vec::new();
        };
        let len = ed.policies.len();
        let ready = !ed.loading && ed.base.is_some();
        let changes = matches!(
            cmd,
            Command::PoliciesAdd
                | Command::PoliciesEdit
                | Command::PoliciesDelete
                | Command::PoliciesSave
                | Command::PoliciesReload
        );
        if changes
            && let Some(why) = wait_reason(
                ed.busy.as_deref(),
                ready,
                ed.error.is_some(),
                cmd == Command::PoliciesReload,
                "policies",
            )
        {
            self.set_status(Level::Info, why);
            return Vec::new();
        }
        let others = |skip: Option<usize>| -> Vec<String> {
            ed.policies
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != skip)
                .map(|(_, p)| p.id.clone())
                .collect()
        };
        if move_selection(&mut ed.selected, len, cmd) {
            return Vec::new();
        }
        match cmd {
            Command::PoliciesAdd => {
                if len >= MAX_POLICIES {
                    self.set_status(
                        Level::Error,
                        format!("A container holds at most {MAX_POLICIES} stored access policies; delete or edit one instead."),
                    );
                } else {
                    let fresh = StoredPolicy {
                        id: String::new(),
                        start: None,
                        expiry: OffsetDateTime::from_unix_timestamp(ed.now + 7 * 86_400).ok(),
                        permissions: "rl".into(),
                    };
                    let mut form = PolicyForm::new(None, &fresh, others(None), ed.now);
                    // A new policy starts from "+7d", which reads as what it means.
                    form.expiry = Input::new("+7d".into());
                    form.validate();
                    self.policies_view(PolicyView::Form(Box::new(form)));
                }
            }
            Command::PoliciesEdit => {
                if let Some(p) = ed.policies.get(ed.selected) {
                    let form =
                        PolicyForm::new(Some(ed.selected), p, others(Some(ed.selected)), ed.now);
                    self.policies_view(PolicyView::Form(Box::new(form)));
                } else {
                    self.set_status(Level::Info, "No policy here; a adds one.");
                }
            }
            Command::PoliciesDelete if ed.selected < len => {
                let i = ed.selected;
                self.policies_view(PolicyView::ConfirmDelete(i));
            }
            Command::PoliciesSave => {
                let base = ed
                    .base
                    .as_ref()
                    .map(|b| b.policies.clone())
                    .unwrap_or_default();
                if let Err(e) = ed.validation() {
                    self.set_status(Level::Error, format!("Cannot save yet: {e}"));
                } else if base == ed.policies {
                    self.set_status(
                        Level::Info,
                        "Nothing to save: the policies are as on the service.",
                    );
                } else {
                    let changes = diff(&base, &ed.policies);
                    self.policies_view(PolicyView::Review(changes));
                }
            }
            Command::PoliciesReload | Command::Cancel => {
                let then = AfterDiscard::after(cmd);
                if ed.dirty() {
                    self.policies_view(PolicyView::Discard { then });
                } else {
                    return self.policies_drop_edits(then);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Closes the editor or reloads it, dropping any edits.
    pub(super) fn policies_drop_edits(&mut self, then: AfterDiscard) -> Vec<Effect> {
        match then {
            AfterDiscard::Close => {
                self.close_policies();
                Vec::new()
            }
            AfterDiscard::Reload => self.policies_reload(),
        }
    }

    pub(super) fn policies_reload(&mut self) -> Vec<Effect> {
        let Some(ed) = self.layers.policies_mut() else {
            return Vec::new();
        };
        ed.loading = true;
        ed.error = None;
        ed.base = None;
        let effect = PolicyEffect::Load {
            generation: ed.generation,
            account: ed.account,
            container: ed.container.clone(),
        };
        self.policies_view(PolicyView::Table);
        vec![Effect::Policies(effect)]
    }

    pub(super) fn policies_keep(&mut self, form: Box<PolicyForm>) {
        let policy = match &form.validation {
            Ok(p) => p.clone(),
            Err(e) => {
                let text = format!("Cannot keep this policy yet: {e}");
                self.policies_view(PolicyView::Form(form));
                self.set_status(Level::Error, text);
                return;
            }
        };
        let Some(ed) = self.layers.policies_mut() else {
            return;
        };
        let id = policy.id.clone();
        ed.selected = put_back(&mut ed.policies, form.editing, policy);
        self.policies_view(PolicyView::Table);
        self.set_status(
            Level::Info,
            format!("Policy {id} is ready; s reviews the changes and saves them."),
        );
    }

    pub(super) fn policies_save(&mut self) -> Vec<Effect> {
        let Some(ed) = self.layers.policies_mut() else {
            return Vec::new();
        };
        let Some(base) = &ed.base else {
            return Vec::new();
        };
        let effect = PolicyEffect::Save {
            generation: ed.generation,
            account: ed.account,
            container: ed.container.clone(),
            policies: ed.policies.clone(),
            etag: base.etag.clone(),
        };
        ed.busy = Some("saving…".into());
        self.policies_view(PolicyView::Table);
        self.set_status(Level::Info, "Saving the stored access policies…");
        vec![Effect::Policies(effect)]
    }
}
