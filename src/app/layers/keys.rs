//! From a terminal event to an action, through the layers: the top layer's
//! keymap section first, then (for panes that let keys through) the ones
//! below, then the keys that work everywhere.

use crate::app::action::{Action, Command};
use crate::app::state::State;
use crate::config::Keymap;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Keys that work in every layer (help, focus, Ctrl-C) live in this section.
pub const GLOBAL: &str = "global";

pub fn translate(event: &Event, state: &State, keymap: &Keymap, mouse: bool) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_action(key, state, keymap),
        Event::Paste(text) if state.mode().takes_text() => Some(Action::Paste(text.clone())),
        Event::Mouse(m) if mouse => super::focus::mouse_action(m),
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

fn key_action(key: &KeyEvent, state: &State, keymap: &Keymap) -> Option<Action> {
    for mode in state.modes_top_down() {
        if let Some(cmd) = keymap.command(mode.section(), key) {
            return Some(Action::Command(cmd));
        }
        if mode.takes_text() {
            // Printable keys are text here; the global keys are the rest (F1, Ctrl-C).
            if is_text(key) {
                return Some(Action::Input(*key));
            }
            return match keymap.command(GLOBAL, key) {
                Some(cmd @ (Command::Help | Command::Quit)) => Some(Action::Command(cmd)),
                _ => Some(Action::Input(*key)),
            };
        }
        if !mode.passes_down() {
            break;
        }
    }
    keymap.command(GLOBAL, key).map(Action::Command)
}

/// A key that types something (a character, with Shift at most).
fn is_text(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_)) && (key.modifiers - KeyModifiers::SHIFT).is_empty()
}
