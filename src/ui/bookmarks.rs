//! The bookmarks list (B): places to jump to, in the order they were added.

use super::Ui;
use super::layout::centered;
use crate::app::state::State;
use ratatui::{
    Frame,
    layout::Rect,
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Clear, List, ListItem, ListState},
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let marks = &state.bookmarks;
    let height = (marks.items.len() as u16).saturating_add(2).min(20);
    let popup = centered(area, 72, height);
    let items: Vec<ListItem> = marks
        .items
        .iter()
        .map(|m| {
            let place = state.describe_bookmark(m);
            ListItem::new(Line::raw(format!(
                " {}",
                super::format::display_name(&place)
            )))
        })
        .collect();
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(ui.theme.accent))
                .title(Span::styled(
                    " Bookmarks · Enter jumps · d deletes · Esc closes ",
                    Style::default().fg(ui.theme.accent),
                )),
        )
        .highlight_style(
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.accent)
                .add_modifier(Modifier::BOLD),
        );
    let mut list_state = ListState::default().with_selected(Some(marks.selected));
    frame.render_widget(Clear, popup);
    frame.render_stateful_widget(list, popup, &mut list_state);
}
