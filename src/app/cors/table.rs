//! Commands on the rules table, keeping a form's rule, and saving.

use super::{AfterDiscard, CorsEffect, CorsView, RuleForm, TestForm};
use crate::app::action::Command;
use crate::app::editor_table::{move_selection, put_back, wait_reason};
use crate::app::effect::Effect;
use crate::app::state::{Level, State};
use crate::azure::cors::{CorsMethod, CorsRule, MAX_RULES};
use tui_input::Input;

impl State {
    pub(super) fn cors_table_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.layers.cors_mut() else {
            return Vec::new();
        };
        let len = ed.rules.len();
        let ready = !ed.loading && ed.base.is_some();
        let changes = matches!(
            cmd,
            Command::CorsAdd
                | Command::CorsEdit
                | Command::CorsDuplicate
                | Command::CorsDelete
                | Command::CorsRuleUp
                | Command::CorsRuleDown
                | Command::CorsSave
                | Command::CorsUndo
                | Command::CorsPresets
                | Command::CorsImport
                | Command::CorsReload
        );
        if changes
            && let Some(why) = wait_reason(
                ed.busy.as_deref(),
                ready,
                ed.error.is_some(),
                cmd == Command::CorsReload,
                "rules",
            )
        {
            self.set_status(Level::Info, why);
            return Vec::new();
        }
        if move_selection(&mut ed.selected, len, cmd) {
            return Vec::new();
        }
        match cmd {
            Command::CorsAdd => {
                if len >= MAX_RULES {
                    self.set_status(
                        Level::Error,
                        format!("The Blob service holds at most {MAX_RULES} CORS rules; delete or edit one instead."),
                    );
                } else {
                    self.cors_set_view(CorsView::Rule(Box::default()));
                }
            }
            Command::CorsEdit => match ed.rules.get(ed.selected) {
                Some(rule) => {
                    let form = RuleForm::edit(ed.selected, rule);
                    self.cors_set_view(CorsView::Rule(Box::new(form)));
                }
                None => self.cors_set_view(CorsView::Rule(Box::default())),
            },
            Command::CorsDuplicate => {
                if len >= MAX_RULES {
                    self.set_status(
                        Level::Error,
                        format!("The Blob service holds at most {MAX_RULES} CORS rules; there is no room for a copy."),
                    );
                } else if let Some(rule) = ed.rules.get(ed.selected).cloned() {
                    ed.rules.insert(ed.selected + 1, rule);
                    ed.selected += 1;
                    let text = format!("Duplicated as rule {}; e edits it.", ed.selected + 1);
                    self.set_status(Level::Info, text);
                }
            }
            Command::CorsDelete if ed.selected < len => {
                ed.rules.remove(ed.selected);
                ed.selected = ed.selected.min(ed.rules.len().saturating_sub(1));
                self.set_status(
                    Level::Info,
                    "Rule deleted here; nothing changes on the service until you save (s).",
                );
            }
            Command::CorsRuleUp if ed.selected > 0 && ed.selected < len => {
                ed.rules.swap(ed.selected, ed.selected - 1);
                ed.selected -= 1;
            }
            Command::CorsRuleDown if ed.selected + 1 < len => {
                ed.rules.swap(ed.selected, ed.selected + 1);
                ed.selected += 1;
            }
            Command::CorsSave => {
                let base = ed.base.clone().unwrap_or_default();
                if let Err(e) = ed.validation() {
                    self.set_status(Level::Error, format!("Cannot save yet: {e}"));
                } else if base == ed.rules {
                    self.set_status(
                        Level::Info,
                        "Nothing to save: the rules are as on the service.",
                    );
                } else {
                    let rules = ed.rules.clone();
                    self.cors_set_view(CorsView::Review {
                        rules,
                        expected: base,
                        undo: false,
                    });
                }
            }
            Command::CorsUndo => {
                let record = self.cors.undo.get(&ed.account).cloned();
                match record {
                    None => self.set_status(
                        Level::Info,
                        "Nothing to undo: no CORS save on this account in this session.",
                    ),
                    Some(_) if ed.dirty() => self.set_status(
                        Level::Error,
                        "Undo writes the rules from before the last save; save or reload (r) your edits first.",
                    ),
                    Some(r) => self.cors_set_view(CorsView::Review {
                        rules: r.previous,
                        expected: r.saved,
                        undo: true,
                    }),
                }
            }
            Command::CorsPresets => self.cors_set_view(CorsView::Presets { selected: 0 }),
            Command::CorsTest => {
                // Start from an origin the rules name, so the first test is one keystroke.
                let origin = ed
                    .rules
                    .get(ed.selected)
                    .into_iter()
                    .chain(ed.rules.iter())
                    .flat_map(|r| r.allowed_origins.iter())
                    .find(|o| *o != "*")
                    .cloned()
                    .unwrap_or_else(|| "https://".to_string());
                let method = ed
                    .rules
                    .get(ed.selected)
                    .and_then(|r| {
                        r.allowed_methods
                            .iter()
                            .find(|m| **m != CorsMethod::Options)
                    })
                    .copied()
                    .unwrap_or(CorsMethod::Get);
                let form = TestForm::new(&origin, method);
                self.cors_set_view(CorsView::Test(Box::new(form)));
            }
            Command::CorsExport | Command::CorsImport => {
                let name = self
                    .accounts
                    .get(ed.account)
                    .map(|n| n.account.name.clone())
                    .unwrap_or_else(|| "account".into());
                let input = Input::new(format!("cors-{name}.json"));
                let export = cmd == Command::CorsExport;
                self.cors_set_view(CorsView::File { export, input });
            }
            Command::CorsReload | Command::Cancel => {
                let then = AfterDiscard::after(cmd);
                if ed.dirty() {
                    self.cors_set_view(CorsView::Discard { then });
                } else {
                    return self.cors_drop_edits(then);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Closes the editor or reloads it, dropping any edits.
    pub(super) fn cors_drop_edits(&mut self, then: AfterDiscard) -> Vec<Effect> {
        match then {
            AfterDiscard::Close => {
                self.close_cors();
                Vec::new()
            }
            AfterDiscard::Reload => self.cors_reload(),
        }
    }

    pub(super) fn cors_reload(&mut self) -> Vec<Effect> {
        let Some(ed) = self.layers.cors_mut() else {
            return Vec::new();
        };
        ed.loading = true;
        ed.error = None;
        ed.base = None;
        let effect = CorsEffect::Load {
            generation: ed.generation,
            account: ed.account,
        };
        self.cors_set_view(CorsView::Table);
        vec![Effect::Cors(effect)]
    }

    pub(super) fn cors_keep_rule(&mut self, form: Box<RuleForm>) -> Vec<Effect> {
        let rule = match &form.validation {
            Ok(rule) => rule.clone(),
            Err(e) => {
                let text = format!("Cannot keep this rule yet: {e}");
                self.cors_set_view(CorsView::Rule(form));
                self.set_status(Level::Error, text);
                return Vec::new();
            }
        };
        let Some(ed) = self.layers.cors_mut() else {
            return Vec::new();
        };
        ed.selected = put_back(&mut ed.rules, form.editing, rule);
        let n = ed.selected + 1;
        self.cors_set_view(CorsView::Table);
        self.set_status(
            Level::Info,
            format!("Rule {n} is ready; s reviews the changes and saves them."),
        );
        Vec::new()
    }

    pub(super) fn cors_save(
        &mut self,
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        undo: bool,
    ) -> Vec<Effect> {
        let Some(ed) = self.layers.cors() else {
            return Vec::new();
        };
        let account = ed.account;
        let generation = self.cors_busy("saving…".into());
        self.cors_set_view(CorsView::Table);
        self.set_status(Level::Info, "Saving the CORS rules…");
        vec![Effect::Cors(CorsEffect::Save {
            generation,
            account,
            rules,
            expected,
            undo,
        })]
    }
}
