//! Commands while the editor is open, by the view they land in.

use super::{CorsEffect, CorsView, PRESETS};
use crate::app::action::{Action, Command};
use crate::app::effect::Effect;
use crate::app::field_form::{FieldForm, step};
use crate::app::state::{Level, State};

impl State {
    /// Commands while the editor is open (both modes).
    pub(in crate::app) fn cors_command(&mut self, cmd: Command) -> Vec<Effect> {
        let Some(ed) = self.layers.cors_mut() else {
            return Vec::new();
        };
        if cmd == Command::Quit {
            self.close_cors();
            return self.update(Action::Command(Command::Quit));
        }
        let view = std::mem::replace(&mut ed.view, CorsView::Table);
        match view {
            CorsView::Table => self.cors_table_command(cmd),
            CorsView::Rule(mut form) => {
                if form.focus_command(cmd) {
                    self.cors_set_view(CorsView::Rule(form));
                    return Vec::new();
                }
                match cmd {
                    Command::Cancel => {
                        self.cors_set_view(CorsView::Table);
                        return Vec::new();
                    }
                    Command::Accept => return self.cors_keep_rule(form),
                    _ => {}
                }
                self.cors_set_view(CorsView::Rule(form));
                Vec::new()
            }
            CorsView::Review {
                rules,
                expected,
                undo,
            } => match cmd {
                Command::Yes | Command::CorsEdit | Command::Accept | Command::CorsSave => {
                    self.cors_save(rules, expected, undo)
                }
                Command::No | Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Review {
                        rules,
                        expected,
                        undo,
                    });
                    Vec::new()
                }
            },
            CorsView::Conflict {
                rules,
                expected,
                current,
                undo,
            } => match cmd {
                Command::Yes => self.cors_save(rules, current, undo),
                Command::CorsReload => {
                    if let Some(ed) = self.layers.cors_mut() {
                        ed.base = Some(current.clone());
                        ed.rules = current;
                        ed.selected = 0;
                    }
                    self.cors_set_view(CorsView::Table);
                    self.set_status(
                        Level::Info,
                        "Showing the rules now on the service; your edits were dropped.",
                    );
                    Vec::new()
                }
                Command::No | Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    self.set_status(
                        Level::Info,
                        "Nothing was saved. Your edits are still here; r shows the service's rules instead.",
                    );
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Conflict {
                        rules,
                        expected,
                        current,
                        undo,
                    });
                    Vec::new()
                }
            },
            CorsView::Test(mut form) => match cmd {
                _ if form.focus_command(cmd) => {
                    self.cors_set_view(CorsView::Test(form));
                    Vec::new()
                }
                Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                Command::Accept => {
                    let request = form.request();
                    let effects = match request.check() {
                        Err(e) => {
                            form.result = Some(Err(e));
                            Vec::new()
                        }
                        Ok(()) => {
                            form.running = true;
                            form.result = None;
                            let (generation, account) = self
                                .layers
                                .cors()
                                .map(|e| (e.generation, e.account))
                                .unwrap_or_default();
                            vec![Effect::Cors(CorsEffect::Test {
                                generation,
                                account,
                                request,
                            })]
                        }
                    };
                    self.cors_set_view(CorsView::Test(form));
                    effects
                }
                _ => {
                    self.cors_set_view(CorsView::Test(form));
                    Vec::new()
                }
            },
            CorsView::Presets { selected } => match cmd {
                Command::Up | Command::Down => {
                    let delta = if cmd == Command::Up { -1 } else { 1 };
                    let selected = step(selected, PRESETS.len(), delta);
                    self.cors_set_view(CorsView::Presets { selected });
                    Vec::new()
                }
                Command::CorsEdit | Command::Accept | Command::Yes => self.cors_preset(selected),
                Command::Cancel | Command::No => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Presets { selected });
                    Vec::new()
                }
            },
            CorsView::PresetOrigin(input) => match cmd {
                Command::Accept => self.cors_preset_origin(input),
                Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::PresetOrigin(input));
                    Vec::new()
                }
            },
            CorsView::CopyFrom { choices, selected } => match cmd {
                Command::Up | Command::Down => {
                    let delta = if cmd == Command::Up { -1 } else { 1 };
                    let selected = step(selected, choices.len(), delta);
                    self.cors_set_view(CorsView::CopyFrom { choices, selected });
                    Vec::new()
                }
                Command::CorsEdit | Command::Accept | Command::Yes => {
                    let Some((from, label)) = choices.get(selected).cloned() else {
                        self.cors_set_view(CorsView::Table);
                        return Vec::new();
                    };
                    let generation = self.cors_busy(format!("Reading the rules of {label}…"));
                    self.cors_set_view(CorsView::Table);
                    vec![Effect::Cors(CorsEffect::CopyFrom { generation, from })]
                }
                Command::Cancel | Command::No => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::CopyFrom { choices, selected });
                    Vec::new()
                }
            },
            CorsView::File { export, input } => match cmd {
                Command::Accept => self.cors_file(export, input),
                Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::File { export, input });
                    Vec::new()
                }
            },
            CorsView::Discard { then } => match cmd {
                Command::Yes => self.cors_drop_edits(then),
                Command::No | Command::Cancel => {
                    self.cors_set_view(CorsView::Table);
                    Vec::new()
                }
                _ => {
                    self.cors_set_view(CorsView::Discard { then });
                    Vec::new()
                }
            },
        }
    }
}
