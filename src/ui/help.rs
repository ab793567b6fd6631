//! The key bindings, generated from the keymap so they are never written twice.

use super::Ui;
use crate::app::state::State;
use crate::config::keymap::SECTIONS;
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Clear, Paragraph},
};

/// The keys of `focused` (the layer `?` was pressed in) first, then the ones
/// that work everywhere, then every other section.
pub fn lines<'a>(ui: &Ui, readonly: bool, focused: &str) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let order = SECTIONS
        .iter()
        .filter(|(s, _)| *s == focused)
        .chain(
            SECTIONS
                .iter()
                .filter(|(s, _)| *s == "global" && focused != "global"),
        )
        .chain(
            SECTIONS
                .iter()
                .filter(|(s, _)| *s != focused && *s != "global"),
        );
    for (section, title) in order {
        let bindings = ui.keymap.bindings(section);
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(
            title.to_string(),
            Style::default()
                .fg(ui.theme.accent)
                .add_modifier(Modifier::BOLD),
        ));
        for (command, keys) in bindings
            .iter()
            .filter(|(c, _)| !(readonly && c.is_mutating()))
        {
            let keys = keys
                .iter()
                .map(|k| k.label.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {keys:<20}"),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(command.description_in(section)),
            ]));
        }
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, scroll: usize, focused: &str, state: &State, ui: &Ui) {
    let lines = lines(ui, state.changes_off(), focused);
    // As wide as the longest line (plus borders), so no sentence is cut
    // where the terminal has the room.
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) + 3;
    let [_, mid, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Max(widest.min(u16::MAX as usize) as u16),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Max(40),
        Constraint::Fill(1),
    ])
    .areas(mid);
    let max_scroll = lines
        .len()
        .saturating_sub(popup.height.saturating_sub(2) as usize);
    let scroll = scroll.min(max_scroll) as u16;
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(ui.theme.accent))
                .title(" Keys (from keymap.toml) · j/k, PgDn/PgUp, g/G scroll · Esc closes "),
        ),
        popup,
    );
}
