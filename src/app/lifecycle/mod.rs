//! The lifecycle rules pane (`l` in the settings pane): the account's
//! lifecycle management policy, one rule a line, edited on a copy (Enter
//! edits the rule as a line, validated as you type; `a` adds, `d` removes,
//! Space turns a rule on or off), the dry run (`x`: what these rules would
//! do today, per rule and action, from a listing of the account), and a save
//! that shows the changes and the dry run first, re-reads, and can be undone.
//! Accounts not found through Entra ID can try rules (the dry run) but not
//! save them.

mod tasks;
#[cfg(test)]
mod tests;

pub(super) use tasks::spawn;
pub use tasks::{LifecycleEffect, LifecycleEvent};

use super::action::Command;
use super::effect::Effect;
use super::layers::{Layer, Mode};
use super::state::State;
use crate::azure::lifecycle::line::{format_rule, parse_rule};
use crate::azure::lifecycle::{DryRun, Policy, Saved, problems};

/// What the text line is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Editing {
    Rule(usize),
    New,
}

#[derive(Debug)]
pub struct LifecyclePane {
    pub account: usize,
    pub label: String,
    pub generation: u64,
    /// Found through Entra ID: the policy is read and can be saved.
    pub has_arm: bool,
    /// The policy as read; `None` until it arrives.
    pub base: Option<Policy>,
    pub work: Policy,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
    pub editing: Option<Editing>,
    /// The changes about to be written, waiting for `y`.
    pub review: Option<Vec<String>>,
    /// The last dry run and the rules it was for.
    pub dry_run: Option<(Policy, Result<DryRun, String>)>,
    /// Blobs listed so far by the dry run running.
    pub scanning: Option<u64>,
    pub busy: Option<String>,
    /// The last save: what it replaced and what it wrote.
    pub undo: Option<(Policy, Policy)>,
}

impl LifecyclePane {
    pub fn takes_text(&self) -> bool {
        self.editing.is_some()
    }

    pub fn dirty(&self) -> bool {
        self.base.as_ref().is_some_and(|b| *b != self.work)
    }

    /// The dry run, if it was for the rules as they are now.
    pub fn current_dry_run(&self) -> Option<&Result<DryRun, String>> {
        self.dry_run
            .as_ref()
            .filter(|(p, _)| *p == self.work)
            .map(|(_, r)| r)
    }

    /// What the line being typed would make of the rule, or why not.
    pub fn check_line(&self, text: &str) -> Result<(), String> {
        let base = match self.editing {
            Some(Editing::Rule(i)) => self.work.rules.get(i),
            _ => None,
        };
        let rule = parse_rule(text, base)?;
        let mut policy = self.work.clone();
        match self.editing {
            Some(Editing::Rule(i)) if i < policy.rules.len() => policy.rules[i] = rule,
            _ => policy.rules.push(rule),
        }
        match problems(&policy).into_iter().next() {
            Some(p) => Err(p),
            None => Ok(()),
        }
    }

    fn dry_run_effect(&mut self) -> Effect {
        self.scanning = Some(0);
        Effect::Lifecycle(LifecycleEffect::DryRun {
            account: self.account,
            generation: self.generation,
            policy: Box::new(self.work.clone()),
        })
    }
}

/// One line per rule added, removed or changed.
pub fn diff_lines(before: &Policy, after: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    for r in &before.rules {
        match after.rules.iter().find(|a| a.name == r.name) {
            None => out.push(format!("remove {}", format_rule(r))),
            Some(a) if a != r => {
                out.push(format!("change {} → {}", format_rule(r), format_rule(a)))
            }
            Some(_) => {}
        }
    }
    for a in &after.rules {
        if !before.rules.iter().any(|r| r.name == a.name) {
            out.push(format!("add {}", format_rule(a)));
        }
    }
    if out.is_empty() && before != after {
        out.push("the order of the rules".into());
    }
    out
}

impl State {
    pub fn lifecycle_pane(&self) -> Option<&LifecyclePane> {
        self.layers.lifecycle()
    }

    /// Opens the pane on `account`, reading its policy when it has one.
    pub(in crate::app) fn open_lifecycle(&mut self, account: usize) -> Vec<Effect> {
        let Some(node) = self.accounts.get(account) else {
            return Vec::new();
        };
        let has_arm = node.account.arm_id.is_some();
        let generation = self.next_generation;
        self.next_generation += 1;
        let pane = LifecyclePane {
            account,
            label: node.account.label.clone(),
            generation,
            has_arm,
            base: (!has_arm).then(Policy::default),
            work: Policy::default(),
            selected: 0,
            loading: has_arm,
            error: None,
            editing: None,
            review: None,
            dry_run: None,
            scanning: None,
            busy: None,
            undo: None,
        };
        self.layers.push(Layer::Lifecycle(Box::new(pane)));
        if has_arm {
            vec![Effect::Lifecycle(LifecycleEffect::Load {
                account,
                generation,
            })]
        } else {
            self.info(
                "This account was not found through Microsoft Entra ID: try rules here (x runs the dry run); saving them needs Resource Manager.",
            );
            Vec::new()
        }
    }

    pub(in crate::app) fn lifecycle_command(&mut self, cmd: Command) -> Vec<Effect> {
        let readonly = self.readonly;
        let text = self.input.value().to_string();
        let Some(p) = self.layers.lifecycle_mut() else {
            return Vec::new();
        };
        let mut say: Option<Result<String, String>> = None;
        let mut new_input: Option<String> = None;
        let mut close = false;
        let mut effects = Vec::new();
        let last = p.work.rules.len().saturating_sub(1);
        if let Some(editing) = p.editing {
            match cmd {
                Command::Accept => match p.check_line(&text) {
                    Ok(()) => {
                        let base = match editing {
                            Editing::Rule(i) => p.work.rules.get(i),
                            Editing::New => None,
                        };
                        if let Ok(rule) = parse_rule(&text, base) {
                            match editing {
                                Editing::Rule(i) if i < p.work.rules.len() => {
                                    p.work.rules[i] = rule
                                }
                                _ => {
                                    p.work.rules.push(rule);
                                    p.selected = p.work.rules.len() - 1;
                                }
                            }
                        }
                        p.editing = None;
                    }
                    Err(e) => say = Some(Err(e)),
                },
                Command::Cancel => p.editing = None,
                _ => {}
            }
        } else if p.review.is_some() {
            match cmd {
                Command::Yes | Command::SettingsSave => {
                    p.review = None;
                    if let (Some(base), false) = (p.base.clone(), readonly) {
                        p.busy = Some("Saving…".into());
                        effects.push(Effect::Lifecycle(LifecycleEffect::Save {
                            account: p.account,
                            generation: p.generation,
                            after: Box::new(p.work.clone()),
                            expected: Box::new(base),
                            undo: false,
                        }));
                    }
                }
                Command::No | Command::Cancel => p.review = None,
                _ => {}
            }
        } else {
            match cmd {
                Command::Up => p.selected = p.selected.saturating_sub(1),
                Command::Down => p.selected = (p.selected + 1).min(last),
                Command::Top => p.selected = 0,
                Command::Bottom => p.selected = last,
                Command::LifecycleEdit if p.selected < p.work.rules.len() => {
                    p.editing = Some(Editing::Rule(p.selected));
                    new_input = Some(format_rule(&p.work.rules[p.selected]));
                }
                Command::LifecycleAdd if p.base.is_some() => {
                    p.editing = Some(Editing::New);
                    new_input = Some(format!(
                        "rule{} prefix=container/folder/ base.cool>30m base.delete>365m",
                        p.work.rules.len() + 1
                    ));
                }
                Command::LifecycleDelete if p.selected < p.work.rules.len() => {
                    let gone = p.work.rules.remove(p.selected);
                    p.selected = p.selected.min(p.work.rules.len().saturating_sub(1));
                    say = Some(Ok(format!(
                        "Rule {} removed from the copy; s saves.",
                        gone.name
                    )));
                }
                Command::LifecycleToggle if p.selected < p.work.rules.len() => {
                    let r = &mut p.work.rules[p.selected];
                    r.enabled = if r.is_enabled() {
                        Some(false)
                    } else {
                        Some(true)
                    };
                }
                Command::LifecycleDryRun if p.base.is_some() => {
                    effects.push(p.dry_run_effect());
                }
                Command::SettingsSave => {
                    if let Some(base) = p.base.clone() {
                        let changes = diff_lines(&base, &p.work);
                        let problems = problems(&p.work);
                        if !p.has_arm {
                            say = Some(Err("Not saved: lifecycle rules live in Resource Manager, reached for accounts found through Microsoft Entra ID. x shows what these rules would do.".into()));
                        } else if let Some(first) = problems.first() {
                            say = Some(Err(format!("Not saved: {first}.")));
                        } else if changes.is_empty() {
                            say = Some(Ok(
                                "Nothing to save: the rules are as the service has them.".into(),
                            ));
                        } else {
                            p.review = Some(changes);
                            if p.current_dry_run().is_none() {
                                effects.push(p.dry_run_effect());
                            }
                        }
                    }
                }
                Command::SettingsUndo => match p.undo.clone() {
                    Some((previous, saved)) => {
                        p.busy = Some("Undoing the last save…".into());
                        effects.push(Effect::Lifecycle(LifecycleEffect::Save {
                            account: p.account,
                            generation: p.generation,
                            after: Box::new(previous),
                            expected: Box::new(saved),
                            undo: true,
                        }));
                    }
                    None => {
                        say = Some(Ok("Nothing to undo: no save since the pane opened.".into()))
                    }
                },
                Command::SettingsReload | Command::Refresh if p.has_arm => {
                    p.loading = true;
                    p.error = None;
                    effects.push(Effect::Lifecycle(LifecycleEffect::Load {
                        account: p.account,
                        generation: p.generation,
                    }));
                }
                Command::Cancel | Command::Back => {
                    close = true;
                    if p.dirty() {
                        say = Some(Ok(
                            "Lifecycle rules closed; the unsaved changes were dropped.".into(),
                        ));
                    }
                    if p.scanning.is_some() {
                        effects.push(Effect::Lifecycle(LifecycleEffect::Cancel));
                    }
                }
                _ => {}
            }
        }
        if let Some(value) = new_input {
            self.input = tui_input::Input::new(value);
        }
        if close {
            self.layers.remove(Mode::Lifecycle);
        }
        match say {
            Some(Ok(info)) => self.info(&info),
            Some(Err(e)) => self.error(&e),
            None => {}
        }
        effects
    }

    pub(in crate::app) fn lifecycle_input(&mut self, key: crossterm::event::KeyEvent) {
        use tui_input::backend::crossterm::EventHandler;
        self.input.handle_event(&crossterm::event::Event::Key(key));
    }

    pub(in crate::app) fn lifecycle_paste(&mut self, text: &str) {
        let value = format!("{}{}", self.input.value(), text.trim());
        self.input = tui_input::Input::new(value);
    }

    pub(in crate::app) fn lifecycle_event(&mut self, event: LifecycleEvent) -> Vec<Effect> {
        let Some(p) = self.layers.lifecycle_mut() else {
            return Vec::new();
        };
        if event.generation() != p.generation {
            return Vec::new();
        }
        let label = p.label.clone();
        let say: Option<Result<String, String>> = match event {
            LifecycleEvent::Loaded { result, .. } => {
                p.loading = false;
                match result {
                    Ok(policy) => {
                        p.work = policy.clone();
                        p.base = Some(policy);
                        p.error = None;
                        None
                    }
                    Err(e) => {
                        p.error = Some(e.clone());
                        Some(Err(e))
                    }
                }
            }
            LifecycleEvent::Scanned { blobs, .. } => {
                p.scanning = Some(blobs);
                None
            }
            LifecycleEvent::DryRunDone { policy, result, .. } => {
                p.scanning = None;
                let said = match &result {
                    Ok(run) => {
                        let (count, _) = run.total();
                        Some(Ok(format!(
                            "Dry run: {count} of {} blobs would be moved or deleted today.",
                            run.scanned
                        )))
                    }
                    Err(e) => Some(Err(format!("Dry run failed: {e}"))),
                };
                p.dry_run = Some((*policy, result));
                said
            }
            LifecycleEvent::Saved {
                after,
                undo,
                result,
                ..
            } => {
                p.busy = None;
                match result {
                    Ok(Saved::Saved { previous }) => {
                        p.base = Some((*after).clone());
                        p.work = *after.clone();
                        p.undo = if undo { None } else { Some((previous, *after)) };
                        Some(Ok(format!(
                            "{} the lifecycle rules of {label}.",
                            if undo { "Restored" } else { "Saved" }
                        )))
                    }
                    Ok(Saved::Unchanged) => Some(Ok(
                        "Nothing to save: the service already has these rules.".into(),
                    )),
                    Ok(Saved::Changed { current }) => {
                        p.base = Some(current);
                        p.undo = None;
                        Some(Err(format!(
                            "Not saved: someone changed the lifecycle rules of {label} since they were read. The pane now compares with theirs; review (s) and save again, or reload (r)."
                        )))
                    }
                    Err(e) => Some(Err(format!("Not saved: {e}"))),
                }
            }
        };
        match say {
            Some(Ok(info)) => self.info(&info),
            Some(Err(e)) => self.error(&e),
            None => {}
        }
        Vec::new()
    }
}
