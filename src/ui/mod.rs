//! Drawing: pure functions of `State`. No I/O, no mutation.

pub mod bookmarks;
pub mod browser;
pub mod cors;
pub mod details;
mod editor;
pub mod footer;
pub mod form;
mod form_rows;
pub mod format;
pub mod header;
pub mod help;
pub mod history;
pub mod layout;
pub mod policies;
pub mod preview;
pub mod transfers;

use crate::app::state::{Mode, State};
use crate::config::{Keymap, Theme};
use ratatui::Frame;

/// What drawing needs besides the state.
pub struct Ui<'a> {
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
}

pub fn draw(frame: &mut Frame, state: &State, ui: &Ui) {
    let areas = layout::split(
        frame.area(),
        state.show_details || state.preview.is_some(),
        state.transfers.visible,
        state.transfers.full,
    );
    header::draw(frame, areas.header, state, ui);
    match &state.history {
        Some(pane) => history::draw(frame, areas.list, pane, state.changes_off(), ui),
        None => browser::draw(frame, areas.list, state, ui),
    }
    if let Some(area) = areas.details {
        match &state.preview {
            Some(p) => preview::draw(frame, area, p, ui),
            None => details::draw(frame, area, state, ui),
        }
    }
    if let Some(area) = areas.transfers {
        transfers::draw(frame, area, state, ui);
    }
    footer::draw(frame, areas.info, areas.status, state, ui);
    if state.cors.editor.is_some() {
        cors::draw(frame, frame.area(), state, ui);
    }
    if state.policies.is_some() {
        policies::draw(frame, frame.area(), state, ui);
    }
    match state.mode {
        Mode::Help => help::draw(frame, frame.area(), state, ui),
        Mode::Form => {
            if let Some(f) = &state.form {
                form::draw_form(frame, frame.area(), f, ui);
            }
        }
        Mode::Confirm => form::draw_confirm(frame, frame.area(), state, ui),
        Mode::Bookmarks => bookmarks::draw(frame, frame.area(), state, ui),
        _ => {}
    }
}

#[cfg(test)]
mod history_tests;
#[cfg(test)]
pub(crate) mod snapshot_tests;
