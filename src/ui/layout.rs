//! Where each part of the screen goes. `list_rows` lets the state know how
//! many rows a page holds without drawing.

use ratatui::layout::{Constraint, Layout, Rect};

pub struct Areas {
    pub header: Rect,
    pub list: Rect,
    pub details: Option<Rect>,
    pub info: Rect,
    pub status: Rect,
}

/// Lines around the list: breadcrumb, column titles, info line, status line.
const CHROME: u16 = 4;

pub fn split(area: Rect, show_details: bool) -> Areas {
    let [header, body, info, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
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
        details,
        info,
        status,
    }
}

/// Data rows visible in a terminal `height` lines tall.
pub fn list_rows(height: u16) -> usize {
    height.saturating_sub(CHROME).max(1) as usize
}
