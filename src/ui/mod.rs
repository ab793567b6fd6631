//! Drawing: pure functions of `State`. No I/O, no mutation.

pub mod activity;
pub mod bookmarks;
pub mod browser;
pub mod bulk;
pub mod choose;
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
pub mod lifecycle;
pub use crate::app::layout;
pub mod policies;
pub mod preview;
pub mod settings;
pub mod sync;
pub mod transfers;

use crate::app::layers::{Layer, Mode};
use crate::app::state::State;
use crate::config::{Keymap, Theme};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

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
    let mode = state.mode();
    header::draw(frame, areas.header, state, ui);
    match state.history() {
        Some(pane) => history::draw(frame, areas.list, pane, state.changes_off(), ui),
        None => browser::draw(frame, areas.list, state, ui),
    }
    if let Some(area) = areas.details {
        match &state.preview {
            Some(p) => preview::draw(frame, area, p, mode == Mode::Preview, ui),
            None => details::draw(frame, area, state, ui),
        }
    }
    if let Some(area) = areas.transfers {
        transfers::draw(frame, area, state, ui);
    }
    footer::draw(frame, areas.info, areas.status, state, ui);
    // Panes that answer in the status line leave it visible.
    let above_status = Rect {
        height: areas.status.y.saturating_sub(frame.area().y),
        ..frame.area()
    };
    // Layers over the list, bottom first, so the one in focus is drawn last.
    for layer in state.layers.bottom_up() {
        match layer {
            Layer::Activity => activity::draw(frame, areas.list, state, ui),
            Layer::Sync(review) => sync::draw(frame, areas.list, review, ui),
            Layer::Cors(_) => cors::draw(frame, frame.area(), state, ui),
            Layer::Policies(_) => policies::draw(frame, frame.area(), state, ui),
            Layer::Settings(_) => settings::draw(frame, above_status, state, ui),
            Layer::Lifecycle(_) => lifecycle::draw(frame, above_status, state, ui),
            Layer::Bookmarks => bookmarks::draw(frame, frame.area(), state, ui),
            Layer::Form(f) => form::draw_form(frame, frame.area(), f, ui),
            Layer::Bulk(f) => bulk::draw(frame, frame.area(), f, ui),
            Layer::Confirm(_) => form::draw_confirm(frame, frame.area(), state, ui),
            Layer::Choose(c) => choose::draw(frame, frame.area(), c, ui),
            Layer::Help { scroll, section } => {
                help::draw(frame, frame.area(), *scroll, section, state, ui)
            }
            Layer::Prompt(_)
            | Layer::Transfers
            | Layer::Preview
            | Layer::History(_)
            | Layer::Ask(_)
            | Layer::Path(_) => {}
        }
    }
}

/// The border of a pane: the accent and bold when it has the keys.
pub fn pane_border(focused: bool, ui: &Ui) -> Style {
    if focused {
        Style::default()
            .fg(ui.theme.accent)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::default().fg(ui.theme.dim)
    }
}

/// A pane's title, marked when the pane has the keys.
pub fn pane_title(title: &str, focused: bool) -> String {
    if focused {
        format!("▸{title}")
    } else {
        title.to_string()
    }
}

#[cfg(test)]
mod history_tests;
#[cfg(test)]
pub(crate) mod snapshot_tests;
