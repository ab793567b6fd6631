//! The account settings pane (W): one row per setting, changed rows marked,
//! the website endpoint, and the review of what a save will change.

use super::Ui;
use crate::app::settings::{FIELDS, SettingsPane};
use crate::app::state::State;
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Clear, Paragraph, Wrap},
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let Some(p) = state.settings_pane() else {
        return;
    };
    frame.render_widget(Clear, area);
    let title = super::pane_title(
        &format!(
            " Settings · {} · Enter changes · s saves · u undoes · r reloads · Esc closes ",
            super::format::escape(&p.label)
        ),
        true,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(super::pane_border(true, ui))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [rows_area, notes] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(4)]).areas(inner);
    frame.render_widget(Paragraph::new(rows(p, state, ui)), rows_area);
    let mut lines = vec![Line::styled(
        format!(" website endpoint: {}", p.website),
        Style::default().fg(ui.theme.dim),
    )];
    if let Some(b) = &p.busy {
        lines.push(Line::styled(
            format!(" {b}"),
            Style::default().fg(ui.theme.info),
        ));
    }
    if let Some(e) = &p.error {
        lines.push(Line::styled(
            format!(" {}", super::format::escape(e)),
            Style::default().fg(ui.theme.error),
        ));
    }
    if let Err(e) = p.work.clone().normalized().check() {
        lines.push(Line::styled(
            format!(" {e}"),
            Style::default().fg(ui.theme.error),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), notes);
    if let Some(review) = &p.review {
        let height = (review.len() as u16 + 4).min(area.height);
        let box_area = Rect {
            x: area.x + 2,
            y: area.y + area.height.saturating_sub(height) / 2,
            width: area.width.saturating_sub(4),
            height,
        };
        frame.render_widget(Clear, box_area);
        let mut lines: Vec<Line> = review
            .iter()
            .map(|l| Line::raw(format!(" {}", super::format::escape(l))))
            .collect();
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            " y saves (only these change; CORS and the rest stay) · n goes back",
            Style::default().fg(ui.theme.dim),
        ));
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(Style::default().fg(ui.theme.accent))
                    .title(" Save these changes? "),
            ),
            box_area,
        );
    }
}

fn rows<'a>(p: &'a SettingsPane, state: &'a State, ui: &Ui) -> Vec<Line<'a>> {
    if p.loading && p.base.is_none() {
        return vec![Line::styled(
            " Reading the settings…",
            Style::default().fg(ui.theme.dim),
        )];
    }
    let Some(base) = &p.base else {
        return Vec::new();
    };
    FIELDS
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let selected = i == p.selected;
            let value = if selected && p.editing {
                format!("{}▏", state.input.value())
            } else {
                f.show(&p.work)
            };
            let changed = f.show(base) != f.show(&p.work);
            let mark = if changed { "*" } else { " " };
            let style = if selected {
                Style::default()
                    .fg(ui.theme.selection_fg)
                    .bg(ui.theme.selection_bg)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            Line::from(vec![
                Span::styled(format!("{mark} {:<28}", f.title()), style),
                Span::styled(super::format::escape(&value), style),
            ])
        })
        .collect()
}
