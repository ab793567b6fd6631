//! Where each part of the screen goes. `list_rows` lets the state know how
//! many rows a page holds without drawing.

use ratatui::layout::{Constraint, Layout, Rect};

pub struct Areas {
    pub header: Rect,
    pub list: Rect,
    pub transfers: Option<Rect>,
    pub details: Option<Rect>,
    pub info: Rect,
    pub status: Rect,
}

/// Lines around the list: breadcrumb, column titles, info line, status line.
const CHROME: u16 = 4;

/// Rows the transfers pane takes below the list (unless full screen).
fn pane_height(body: u16) -> u16 {
    (body * 2 / 5).max(6).min(body)
}

pub fn split(area: Rect, show_details: bool, transfers: bool, full: bool) -> Areas {
    let [header, body, info, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let (body, pane) = match (transfers, full) {
        (true, true) => (Rect { height: 0, ..body }, Some(body)),
        (true, false) => {
            let [list, pane] = Layout::vertical([
                Constraint::Min(0),
                Constraint::Length(pane_height(body.height)),
            ])
            .areas(body);
            (list, Some(pane))
        }
        _ => (body, None),
    };
    let (list, details) = if show_details && body.width >= 60 {
        let [list, details] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .areas(body);
        (list, Some(details))
    } else {
        (body, None)
    };
    Areas {
        header,
        list,
        transfers: pane,
        details,
        info,
        status,
    }
}

/// Data rows the list shows in a terminal `height` lines tall.
pub fn list_rows(height: u16, transfers: bool, full: bool) -> usize {
    let body = height.saturating_sub(CHROME - 1);
    let body = match (transfers, full) {
        (true, true) => 0,
        (true, false) => body.saturating_sub(pane_height(body)),
        _ => body,
    };
    body.saturating_sub(1).max(1) as usize
}

/// A box of at most `width` × `height`, centred in `area` (popups, dialogs).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [_, mid, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Max(width),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Max(height),
        Constraint::Fill(1),
    ])
    .areas(mid);
    popup
}
