//! A choice among a few options with the arrows: today the container's
//! public access level (`A`). It shows the level in force (read first), warns
//! before anything public is saved, and writes nothing when the choice is the
//! level already set.

use super::Mode;
use crate::app::action::Command;
use crate::app::effect::Effect;
use crate::app::ops::OpRequest;
use crate::app::state::{Level, State};
use crate::azure::access::PublicAccess;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub account: usize,
    pub container: String,
    /// The level on the service; `None` while it is being read.
    pub current: Option<Result<PublicAccess, String>>,
    pub selected: usize,
    /// Enter was pressed on a public level: the next Enter (or `y`) saves.
    pub warned: bool,
}

impl Choice {
    pub fn new(account: usize, container: String) -> Self {
        Self {
            account,
            container,
            current: None,
            selected: 0,
            warned: false,
        }
    }

    pub fn options(&self) -> &'static [PublicAccess] {
        &PublicAccess::ALL
    }

    pub fn chosen(&self) -> PublicAccess {
        PublicAccess::ALL
            .get(self.selected)
            .copied()
            .unwrap_or_default()
    }

    /// The level read from the service arrived: start on it.
    pub fn read(&mut self, result: Result<PublicAccess, String>) {
        if let Ok(level) = &result {
            self.selected = PublicAccess::ALL
                .iter()
                .position(|l| l == level)
                .unwrap_or(0);
        }
        self.current = Some(result);
    }
}

impl State {
    /// `A` on a container: read its level, then offer the three.
    pub(in crate::app) fn open_public_access(
        &mut self,
        account: usize,
        container: String,
    ) -> Vec<Effect> {
        self.layers.push(super::Layer::Choose(Choice::new(
            account,
            container.clone(),
        )));
        vec![Effect::Op {
            account,
            request: OpRequest::GetPublicAccess { container },
        }]
    }

    pub(in crate::app) fn choose_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let choice = self.layers.choice_mut()?;
        let n = choice.options().len();
        match cmd {
            Command::Up | Command::PrevField => {
                choice.selected = choice.selected.saturating_sub(1);
                choice.warned = false;
            }
            Command::Down | Command::NextField => {
                choice.selected = (choice.selected + 1).min(n - 1);
                choice.warned = false;
            }
            Command::Cancel | Command::No | Command::Back => {
                self.layers.pop_if(Mode::Choose);
            }
            Command::Accept | Command::Yes => {
                let chosen = choice.chosen();
                let current = match &choice.current {
                    Some(Ok(level)) => *level,
                    // Writing blind could undo a level we never saw.
                    _ => return Some(Vec::new()),
                };
                if chosen == current {
                    let c = choice.container.clone();
                    self.layers.pop_if(Mode::Choose);
                    self.info(&format!(
                        "{c} is {} already; nothing was changed.",
                        chosen.as_str()
                    ));
                    return Some(Vec::new());
                }
                if chosen.warning().is_some() && !choice.warned {
                    choice.warned = true;
                    return Some(Vec::new());
                }
                let (account, container) = (choice.account, choice.container.clone());
                self.layers.pop_if(Mode::Choose);
                self.set_status(Level::Info, "Working…");
                return Some(vec![Effect::Op {
                    account,
                    request: OpRequest::SetPublicAccess {
                        container,
                        level: chosen,
                    },
                }]);
            }
            _ => {}
        }
        Some(Vec::new())
    }
}
