//! The activity pane (E): changes made and errors shown, newest first.

use super::Ui;
use crate::app::activity::ActivityKind;
use crate::app::state::State;
use ratatui::{
    Frame,
    layout::Rect,
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Clear, List, ListItem, ListState},
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let log = &state.activity;
    let items: Vec<ListItem> = log
        .entries
        .iter()
        .map(|e| {
            let (tag, style) = match e.kind {
                ActivityKind::Change => ("change", Style::default().fg(ui.theme.info)),
                ActivityKind::Error => ("error ", Style::default().fg(ui.theme.error)),
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!(" {} ", e.at), Style::default().fg(ui.theme.dim)),
                Span::styled(format!("{tag} "), style),
                Span::raw(super::format::escape(&e.text)),
            ]))
        })
        .collect();
    let empty = items.is_empty();
    let title = super::pane_title(
        " Activity · newest first · y copies a line · Esc closes ",
        true,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(super::pane_border(true, ui))
        .title(title);
    frame.render_widget(Clear, area);
    if empty {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Line::styled(
                " Nothing yet: changes blobx makes and requests that fail show here.",
                Style::default().fg(ui.theme.dim),
            ),
            inner,
        );
        return;
    }
    let list = List::new(items).block(block).highlight_style(
        Style::default()
            .fg(ui.theme.selection_fg)
            .bg(ui.theme.selection_bg)
            .add_modifier(Modifier::BOLD),
    );
    let mut at = ListState::default().with_selected(Some(log.selected));
    frame.render_stateful_widget(list, area, &mut at);
}
