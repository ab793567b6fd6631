//! Opening and closing the editor, switching its views, commands by view,
//! and the keys and pastes typed into the form.

use super::{PolicyEditor, PolicyEffect, PolicyView};
use crate::app::action::{Action, Command};
use crate::app::effect::Effect;
use crate::app::field_form::FieldForm;
use crate::app::layers::{Layer, Mode};
use crate::app::state::{Level, State};
use crossterm::event::KeyEvent;

impl State {
    /// Opens the editor on `container` and starts reading its ACL.
    pub(in crate::app) fn open_policies(
        &mut self,
        account: usize,
        container: String,
    ) -> Vec<Effect> {
        let generation = self.next_generation;
        self.next_generation += 1;
        self.layers.push(Layer::Policies(Box::new(PolicyEditor {
            account,
            container: container.clone(),
            generation,
            base: None,
            policies: Vec::new(),
            selected: 0,
            loading: true,
            busy: None,
            error: None,
            now: 0,
            view: PolicyView::Table,
        })));
        vec![Effect::Policies(PolicyEffect::Load {
            generation,
            account,
            container,
        })]
    }

    pub(super) fn close_policies(&mut self) {
        self.layers.remove(Mode::Policies);
    }

    pub(super) fn policies_view(&mut self, view: PolicyView) {
        if let Some(ed) = self.layers.policies_mut() {
            ed.view = view;
        }
    }

    /// Commands while the editor is open (both modes).
    pub(in crate::app) fn policies_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.layers.policies_mut() else {
            return Vec::new();
        };
        if cmd == Command::Quit {
            self.close_policies();
            return self.update(Action::Command(Command::Quit));
        }
        let view = std::mem::replace(&mut ed.view, PolicyView::Table);
        match view {
            PolicyView::Table => self.policies_table_command(cmd),
            PolicyView::Form(mut form) => {
                if form.focus_command(cmd) {
                    self.policies_view(PolicyView::Form(form));
                    return Vec::new();
                }
                match cmd {
                    Command::Cancel => {
                        self.policies_view(PolicyView::Table);
                        return Vec::new();
                    }
                    Command::Accept => {
                        self.policies_keep(form);
                        return Vec::new();
                    }
                    _ => {}
                }
                self.policies_view(PolicyView::Form(form));
                Vec::new()
            }
            PolicyView::ConfirmDelete(i) => {
                if cmd == Command::Yes
                    && let Some(ed) = self.layers.policies_mut()
                    && i < ed.policies.len()
                {
                    let gone = ed.policies.remove(i);
                    ed.selected = ed.selected.min(ed.policies.len().saturating_sub(1));
                    self.set_status(
                        Level::Info,
                        format!(
                            "Policy {} removed here; s reviews and saves (SAS tokens bound to it then stop working).",
                            gone.id
                        ),
                    );
                } else if !matches!(cmd, Command::No | Command::Cancel | Command::Yes) {
                    self.policies_view(PolicyView::ConfirmDelete(i));
                    return Vec::new();
                }
                self.policies_view(PolicyView::Table);
                Vec::new()
            }
            PolicyView::Review(changes) => match cmd {
                // Enter is bound to "edit" in the table; here it confirms.
                Command::Yes | Command::Accept | Command::PoliciesEdit | Command::PoliciesSave => {
                    self.policies_save()
                }
                Command::No | Command::Cancel => {
                    self.policies_view(PolicyView::Table);
                    Vec::new()
                }
                _ => {
                    self.policies_view(PolicyView::Review(changes));
                    Vec::new()
                }
            },
            PolicyView::Conflict(why) => match cmd {
                Command::PoliciesReload | Command::Yes => self.policies_reload(),
                Command::No | Command::Cancel => {
                    self.policies_view(PolicyView::Table);
                    self.set_status(
                        Level::Info,
                        "Nothing was saved. Your edits are still here; r reads the service's policies instead.",
                    );
                    Vec::new()
                }
                _ => {
                    self.policies_view(PolicyView::Conflict(why));
                    Vec::new()
                }
            },
            PolicyView::Discard { then } => match cmd {
                Command::Yes => self.policies_drop_edits(then),
                Command::No | Command::Cancel => {
                    self.policies_view(PolicyView::Table);
                    Vec::new()
                }
                _ => {
                    self.policies_view(PolicyView::Discard { then });
                    Vec::new()
                }
            },
        }
    }

    /// A key typed into the form.
    pub(in crate::app) fn policies_input(&mut self, key: KeyEvent) {
        if let Some(PolicyEditor {
            view: PolicyView::Form(form),
            ..
        }) = self.layers.policies_mut()
        {
            form.key(key);
        }
    }

    pub(in crate::app) fn policies_paste(&mut self, text: &str) {
        if let Some(PolicyEditor {
            view: PolicyView::Form(form),
            ..
        }) = self.layers.policies_mut()
        {
            form.paste(text);
        }
    }
}
