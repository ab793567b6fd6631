//! The CORS rules editor: its state, how commands and keys change it, the
//! background work it asks for, and the tasks that do that work.
//!
//! The editor works on a copy of the rules. Saving shows the diff against the
//! rules read when the editor opened, then writes only the `<Cors>` element
//! (see `azure::cors::save_cors`); if someone changed the rules meanwhile it
//! shows their change and asks before writing. The rules a save replaced are
//! kept per account, so "undo last save" can put them back.

mod commands;
mod events;
mod files;
mod presets;
mod rule_form;
mod table;
mod tasks;
mod test_form;
#[cfg(test)]
mod tests;
mod update;

pub use rule_form::{RuleField, RuleForm};
pub(super) use tasks::spawn;
pub use tasks::{CorsEffect, CorsEvent};
pub use test_form::{TestField, TestForm};

use super::action::Command;
use crate::azure::cors::{self as model, CorsRule};
use std::collections::HashMap;
use tui_input::Input;

/// What CORS keeps in the state beyond the editor (a layer): per account,
/// what the last save replaced.
#[derive(Debug, Default)]
pub struct CorsState {
    pub undo: HashMap<usize, UndoRecord>,
}

/// A save that can be undone: `saved` replaced `previous`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndoRecord {
    pub previous: Vec<CorsRule>,
    pub saved: Vec<CorsRule>,
}

#[derive(Debug)]
pub struct CorsEditor {
    pub account: usize,
    pub label: String,
    /// Results for an editor opened earlier are dropped.
    pub generation: u64,
    /// The rules as read from the service; `None` until they arrive.
    pub base: Option<Vec<CorsRule>>,
    /// The working copy the table shows.
    pub rules: Vec<CorsRule>,
    pub selected: usize,
    pub loading: bool,
    /// What is running in the background ("Saving…"), if anything.
    pub busy: Option<String>,
    /// Why the rules could not be read.
    pub error: Option<String>,
    pub view: CorsView,
}

#[derive(Debug)]
pub enum CorsView {
    Table,
    /// Adding or editing one rule.
    Rule(Box<RuleForm>),
    /// The diff of `expected` (on the service) against `rules`, before writing.
    Review {
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        undo: bool,
    },
    /// The rules changed on the service since `expected` was read.
    Conflict {
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        current: Vec<CorsRule>,
        undo: bool,
    },
    Test(Box<TestForm>),
    Presets {
        selected: usize,
    },
    /// The web app's origin for the browser-uploads preset.
    PresetOrigin(Input),
    /// Another account to copy the rules from: (account index, label).
    CopyFrom {
        choices: Vec<(usize, String)>,
        selected: usize,
    },
    /// A JSON file to export to or import from.
    File {
        export: bool,
        input: Input,
    },
    /// Unsaved edits would be lost.
    Discard {
        then: AfterDiscard,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterDiscard {
    Close,
    Reload,
}

impl AfterDiscard {
    /// What a table command that drops edits goes on to do: Esc closes, r reloads.
    pub(in crate::app) fn after(cmd: Command) -> Self {
        if cmd == Command::Cancel {
            AfterDiscard::Close
        } else {
            AfterDiscard::Reload
        }
    }
}

/// The presets offered, in order.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "Browser uploads from a web app",
        "* may GET; the app's origin may also POST and PUT (headers content-type, x-ms-*; exposes x-ms-meta-*; max age 3000 s)",
    ),
    (
        "Local development",
        "localhost and 127.0.0.1 on ports 3000, 5173 and 8080, any header, max age 600 s",
    ),
    (
        "Copy the rules of another account…",
        "replaces these rules with another attached account's",
    ),
];

impl CorsEditor {
    /// The working copy differs from what the service had.
    pub fn dirty(&self) -> bool {
        self.base.as_ref().is_some_and(|b| *b != self.rules)
    }

    /// Whether the working copy could be saved, and if not why.
    pub fn validation(&self) -> Result<(), String> {
        model::check_rules(&self.rules)
    }

    /// Views that take typed text get raw keys; the others take commands.
    pub fn takes_text(&self) -> bool {
        matches!(
            self.view,
            CorsView::Rule(_)
                | CorsView::Test(_)
                | CorsView::PresetOrigin(_)
                | CorsView::File { .. }
        )
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
