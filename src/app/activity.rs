//! The activity pane (`E`): every change blobx made to the service since it
//! started (the audit lines, from the TUI and its background work alike) and
//! every error it showed, newest first. One line can be copied (`y`).

use super::action::Command;
use super::effect::Effect;
use super::layers::{Layer, Mode};
use super::state::{Level, State, StatusMessage};
use std::collections::VecDeque;

/// Older entries are dropped past this many; the log file keeps them all.
const KEEP: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActivityKind {
    /// A change to the service (an audit line).
    Change,
    /// An error shown to the user: a failed request, a refusal.
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityEntry {
    /// UTC, `HH:MM:SS`.
    pub at: String,
    pub kind: ActivityKind,
    pub text: String,
}

impl ActivityEntry {
    pub fn new(kind: ActivityKind, text: impl Into<String>) -> Self {
        let now = time::OffsetDateTime::now_utc();
        Self {
            at: format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second()),
            kind,
            text: text.into(),
        }
    }
}

#[derive(Debug, Default)]
pub struct ActivityLog {
    /// Newest first.
    pub entries: VecDeque<ActivityEntry>,
    pub selected: usize,
}

impl ActivityLog {
    pub fn push(&mut self, entry: ActivityEntry) {
        self.entries.push_front(entry);
        self.entries.truncate(KEEP);
        // Keep the same entry selected while new ones arrive above it.
        if self.selected > 0 {
            self.selected = (self.selected + 1).min(self.entries.len().saturating_sub(1));
        }
    }
}

impl State {
    /// The status line's message; errors are also kept in the activity pane.
    pub(super) fn set_status(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        if level == Level::Error {
            // The log keeps every error shown, with the service's own words.
            tracing::warn!(target: "blobx::shown", error = %text, "error shown");
            self.activity
                .push(ActivityEntry::new(ActivityKind::Error, text.clone()));
        }
        self.status = Some(StatusMessage { level, text });
    }

    pub(super) fn error(&mut self, text: &str) {
        self.set_status(Level::Error, text);
    }

    pub(super) fn info(&mut self, text: &str) {
        self.set_status(Level::Info, text);
    }

    /// Keys while the activity pane is open.
    pub(super) fn activity_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let n = self.activity.entries.len();
        let log = &mut self.activity;
        match cmd {
            Command::Up => log.selected = log.selected.saturating_sub(1),
            Command::Down => log.selected = (log.selected + 1).min(n.saturating_sub(1)),
            Command::PageUp => log.selected = log.selected.saturating_sub(self.page_rows.max(1)),
            Command::PageDown => {
                log.selected = (log.selected + self.page_rows.max(1)).min(n.saturating_sub(1))
            }
            Command::Top => log.selected = 0,
            Command::Bottom => log.selected = n.saturating_sub(1),
            Command::CopyLine => {
                let Some(e) = log.entries.get(log.selected) else {
                    return Some(Vec::new());
                };
                let line = format!("{} {}", e.at, e.text);
                self.info("Copied the line to the clipboard.");
                return Some(vec![Effect::Clipboard(line)]);
            }
            Command::Cancel | Command::Back | Command::Activity => {
                self.layers.pop_if(Mode::Activity);
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// `E` from the browser.
    pub(super) fn open_activity(&mut self) {
        self.activity.selected = 0;
        self.layers.push(Layer::Activity);
    }
}
