//! Focus between the panes on screen (Tab / Shift-Tab), the preview when it
//! has the keys, and the mouse: the wheel scrolls what is under the pointer,
//! a click selects a row, a double click opens it.

use super::{Layer, Mode};
use crate::app::action::{Action, Command, MouseInput};
use crate::app::effect::Effect;
use crate::app::layout;
use crate::app::state::State;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

/// Clicks closer together than this on one row are a double click.
const DOUBLE_CLICK_MS: u128 = 400;

pub(super) fn mouse_action(m: &MouseEvent) -> Option<Action> {
    let input = match m.kind {
        MouseEventKind::ScrollDown => MouseInput::ScrollDown,
        MouseEventKind::ScrollUp => MouseInput::ScrollUp,
        MouseEventKind::Down(MouseButton::Left) => MouseInput::Click,
        _ => return None,
    };
    Some(Action::Mouse(crate::app::action::Mouse {
        input,
        column: m.column,
        row: m.row,
        at: std::time::Instant::now(),
    }))
}

/// The panes Tab moves between, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pane {
    List,
    Preview,
    Transfers,
}

impl State {
    fn focus_ring(&self) -> Vec<Pane> {
        let mut ring = vec![Pane::List];
        if self.preview.is_some() {
            ring.push(Pane::Preview);
        }
        if self.transfers.visible {
            ring.push(Pane::Transfers);
        }
        ring
    }

    fn focused_pane(&self) -> Pane {
        match self.mode() {
            Mode::Preview => Pane::Preview,
            Mode::Transfers => Pane::Transfers,
            _ => Pane::List,
        }
    }

    fn focus_pane(&mut self, pane: Pane) {
        while matches!(self.mode(), Mode::Preview | Mode::Transfers) {
            self.layers.pop();
        }
        match pane {
            Pane::List => {}
            Pane::Preview => self.layers.push(Layer::Preview),
            Pane::Transfers => self.focus_transfers(),
        }
    }

    /// Tab / Shift-Tab: the next or previous pane on screen gets the keys.
    pub(in crate::app) fn cycle_focus(&mut self, forward: bool) {
        let ring = self.focus_ring();
        if ring.len() == 1 {
            self.info("Nothing else to focus: v opens a preview, t the transfers pane.");
            return;
        }
        let at = ring
            .iter()
            .position(|p| *p == self.focused_pane())
            .unwrap_or(0);
        let next = if forward {
            (at + 1) % ring.len()
        } else {
            (at + ring.len() - 1) % ring.len()
        };
        self.focus_pane(ring[next]);
    }

    /// Keys while the preview has the focus; the others reach the browser.
    pub(in crate::app) fn preview_layer_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let page = self.page_rows.max(1);
        let p = self.preview.as_mut()?;
        match cmd {
            Command::Down => p.scroll += 1,
            Command::Up => p.scroll = p.scroll.saturating_sub(1),
            Command::PageDown => p.scroll += page,
            Command::PageUp => p.scroll = p.scroll.saturating_sub(page),
            Command::Top => p.scroll = 0,
            Command::MoveDown | Command::MoveUp => {
                p.scroll_half_page(cmd == Command::MoveDown, page)
            }
            Command::ScrollLeft | Command::ScrollRight => {
                p.scroll_sideways(cmd == Command::ScrollRight)
            }
            Command::Cancel | Command::Back => {
                self.layers.pop_if(Mode::Preview);
            }
            Command::Preview => {
                self.layers.pop_if(Mode::Preview);
                self.preview = None;
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    /// Keys while the transfers pane has the focus. Beside the list it lets
    /// the browser's keys through; full screen it keeps them.
    pub(in crate::app) fn transfers_layer_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        let ours = matches!(
            cmd,
            Command::Up
                | Command::Down
                | Command::Top
                | Command::Bottom
                | Command::PageUp
                | Command::PageDown
                | Command::PauseResume
                | Command::CancelTransfer
                | Command::Retry
                | Command::MoveUp
                | Command::MoveDown
                | Command::PauseAll
                | Command::ClearFinished
                | Command::SaveCap
                | Command::SetCap
                | Command::ExportReport
                | Command::TransfersFull
                | Command::Transfers
                | Command::Cancel
                | Command::Back
        );
        if ours || self.transfers.full && !matches!(cmd, Command::Help | Command::Quit) {
            return Some(self.transfers_command(cmd));
        }
        None
    }

    /// A mouse event at a cell of the screen.
    pub(in crate::app) fn mouse(&mut self, m: crate::app::action::Mouse) -> Vec<Effect> {
        // Popups keep the mouse to themselves: it does nothing under them.
        if !matches!(
            self.mode(),
            Mode::Normal | Mode::Transfers | Mode::Preview | Mode::History
        ) {
            return Vec::new();
        }
        let areas = layout::split(
            ratatui::layout::Rect::new(0, 0, self.width, self.height),
            self.show_details || self.preview.is_some(),
            self.transfers.visible,
            self.transfers.full,
        );
        let inside = |r: ratatui::layout::Rect| {
            m.column >= r.x && m.column < r.right() && m.row >= r.y && m.row < r.bottom()
        };
        let scroll = match m.input {
            super::super::action::MouseInput::ScrollDown => Some(Command::Down),
            super::super::action::MouseInput::ScrollUp => Some(Command::Up),
            super::super::action::MouseInput::Click => None,
        };
        if let Some(pane) = areas.transfers.filter(|r| inside(*r)) {
            if let Some(cmd) = scroll {
                return self.transfers_command(cmd);
            }
            // The pane's first two lines are its border and totals.
            let row = m.row.saturating_sub(pane.y + 2) as usize;
            self.focus_pane(Pane::Transfers);
            self.transfers.selected =
                row.min(self.transfers.snapshot.items.len().saturating_sub(1));
            return Vec::new();
        }
        if let Some(side) = areas.details.filter(|r| inside(*r)) {
            let _ = side;
            if let Some(p) = self.preview.as_mut() {
                match scroll {
                    Some(Command::Down) => p.scroll += 3,
                    Some(_) => p.scroll = p.scroll.saturating_sub(3),
                    None => self.focus_pane(Pane::Preview),
                }
            }
            return Vec::new();
        }
        if !inside(areas.list) {
            return Vec::new();
        }
        if let Some(cmd) = scroll {
            let mut effects = Vec::new();
            for _ in 0..3 {
                effects.extend(self.list_command(cmd));
            }
            return effects;
        }
        // The list's first line holds the column titles.
        let Some(row) = m.row.checked_sub(areas.list.y + 1) else {
            return Vec::new();
        };
        self.focus_pane(Pane::List);
        if self.layers.history().is_some() {
            // The history table scrolls itself; clicks there only focus it.
            return Vec::new();
        }
        let index = self.offset + row as usize;
        if index >= self.listing.view.len() {
            return Vec::new();
        }
        let double = self.last_click.is_some_and(|(at, i)| {
            i == index && m.at.duration_since(at).as_millis() <= DOUBLE_CLICK_MS
        });
        self.last_click = Some((m.at, index));
        self.move_to(index);
        let mut effects = self.details_effect();
        effects.extend(self.preview_follow());
        if double {
            self.last_click = None;
            effects.extend(self.list_command(Command::Open));
        }
        effects
    }
}

impl State {
    /// A command for whatever shows in the list's place: the history or the browser.
    fn list_command(&mut self, cmd: Command) -> Vec<Effect> {
        if self.layers.history().is_some() {
            self.history_command(cmd)
        } else {
            self.browser_command(cmd).unwrap_or_default()
        }
    }
}
