//! The top line: where you are.

use super::Ui;
use crate::app::state::State;
use ratatui::{
    Frame,
    layout::Rect,
    style::{Modifier, Style},
    text::{Line, Span},
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let mut spans = vec![Span::styled(
        " blobx ",
        Style::default()
            .fg(ui.theme.selection_fg)
            .bg(ui.theme.accent)
            .add_modifier(Modifier::BOLD),
    )];
    let parts = state.breadcrumb();
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.iter().enumerate() {
        spans.push(Span::styled(" › ", Style::default().fg(ui.theme.dim)));
        let style = if i == last {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(part.clone(), style));
    }
    if let Some(search) = &state.listing.search {
        spans.push(Span::styled(
            format!("  prefix: {search}*"),
            Style::default().fg(ui.theme.matched),
        ));
    }
    // Always in sight, so nobody wonders why a key does nothing.
    if state.readonly {
        spans.push(Span::styled(
            "  read-only",
            Style::default().fg(ui.theme.error),
        ));
    } else if state.readonly_account().is_some() {
        spans.push(Span::styled(
            "  read-only account",
            Style::default().fg(ui.theme.error),
        ));
    }
    frame.render_widget(Line::from(spans), area);
}
