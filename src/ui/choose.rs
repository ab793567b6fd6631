//! The public access chooser (A): the level in force, the three levels to
//! pick from with the arrows, and the warning before anything public is saved.

use super::Ui;
use super::editor::popup;
use super::layout::centered;
use crate::app::layers::Choice;
use ratatui::{
    Frame,
    layout::Rect,
    style::{Modifier, Style},
    text::Line,
    widgets::{Paragraph, Wrap},
};

pub fn draw(frame: &mut Frame, area: Rect, choice: &Choice, ui: &Ui) {
    let title = format!(
        " Public access of {} ",
        super::format::escape(&choice.container)
    );
    let inner = popup(frame, centered(area, 76, 14), &title, ui);
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = Vec::new();
    let current = match &choice.current {
        None => {
            lines.push(Line::styled(" Reading the level in force…", dim));
            None
        }
        Some(Err(e)) => {
            lines.push(Line::styled(
                format!(" Cannot read it: {e}"),
                Style::default().fg(ui.theme.error),
            ));
            None
        }
        Some(Ok(level)) => {
            lines.push(Line::raw(format!(" Now: {}", level.as_str())));
            Some(*level)
        }
    };
    lines.push(Line::default());
    for (i, level) in choice.options().iter().enumerate() {
        let what = match level.warning() {
            None => "only with a key, SAS or Entra ID role",
            Some(_) if *level == crate::azure::access::PublicAccess::Blob => {
                "anyone with a blob's URL can read it"
            }
            Some(_) => "anyone can list and read every blob",
        };
        let now = if Some(*level) == current {
            " (now)"
        } else {
            ""
        };
        let text = format!(" {:<10} {what}{now}", level.as_str());
        let style = if i == choice.selected {
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        lines.push(Line::styled(text, style));
    }
    lines.push(Line::default());
    let chosen = choice.chosen();
    match (choice.warned, chosen.warning()) {
        (true, Some(w)) => {
            lines.push(Line::styled(
                format!(" ⚠ {w}"),
                Style::default()
                    .fg(ui.theme.error)
                    .add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::styled(
                " Enter or y saves it · Esc keeps it as it is",
                dim,
            ));
        }
        _ if Some(chosen) == current => lines.push(Line::styled(
            " ↑↓ choose · Esc closes (nothing changes)",
            dim,
        )),
        _ => lines.push(Line::styled(" ↑↓ choose · Enter saves · Esc closes", dim)),
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
