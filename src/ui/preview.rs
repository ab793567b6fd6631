//! The preview pane: the first 64 KiB of a blob as numbered text, JSON,
//! a CSV table with fitted columns, or a hex dump; the title says how much was read.

use super::Ui;
use crate::app::ops::PreviewState;
use crate::azure::ops::PreviewBody;
use ratatui::{
    Frame,
    layout::{Constraint, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Paragraph, Row, Table},
};

pub fn draw(frame: &mut Frame, area: Rect, p: &PreviewState, ui: &Ui) {
    let dim = Style::default().fg(ui.theme.dim);
    let title = match &p.result {
        Some(Ok(preview)) => format!(" {} · {} ", p.blob, preview.limit_note()),
        _ => format!(" {} ", p.blob),
    };
    let block = Block::default()
        .borders(Borders::LEFT | Borders::TOP)
        .border_style(dim)
        .title(Span::styled(title, Style::default().fg(ui.theme.accent)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let preview = match &p.result {
        None => {
            frame.render_widget(
                Paragraph::new(" Reading the first 64 KiB…").style(dim),
                inner,
            );
            return;
        }
        Some(Err(e)) => {
            frame.render_widget(
                Paragraph::new(format!(" {e}")).style(Style::default().fg(ui.theme.error)),
                inner,
            );
            return;
        }
        Some(Ok(preview)) => preview,
    };
    let numbered = |text: &str| -> Vec<Line<'static>> {
        let width = text.lines().count().max(1).to_string().len();
        text.lines()
            .enumerate()
            .skip(p.scroll)
            .map(|(i, l)| {
                Line::from(vec![
                    Span::styled(format!("{:>width$} ", i + 1), dim),
                    Span::raw(l.replace('\t', "    ")),
                ])
            })
            .collect()
    };
    match &preview.body {
        PreviewBody::Empty => frame.render_widget(Paragraph::new(" (empty)").style(dim), inner),
        PreviewBody::Text(t) | PreviewBody::Json(t) => {
            frame.render_widget(Paragraph::new(numbered(t)), inner)
        }
        PreviewBody::Hex(lines) => {
            let lines: Vec<Line> = lines
                .iter()
                .skip(p.scroll)
                .map(|l| Line::raw(l.clone()))
                .collect();
            frame.render_widget(Paragraph::new(lines), inner);
        }
        PreviewBody::Csv { rows, .. } => {
            let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
            // Fit each column to its widest cell (capped), like a spreadsheet's auto-width.
            let widths: Vec<Constraint> = (0..cols)
                .map(|c| {
                    let w = rows
                        .iter()
                        .filter_map(|r| r.get(c))
                        .map(|cell| cell.chars().count())
                        .max()
                        .unwrap_or(1);
                    Constraint::Length(w.clamp(1, 30) as u16)
                })
                .collect();
            let mut rows_iter = rows.iter();
            let header = rows_iter.next().map(|h| {
                Row::new(h.clone()).style(
                    Style::default()
                        .fg(ui.theme.accent)
                        .add_modifier(Modifier::BOLD),
                )
            });
            let body: Vec<Row> = rows_iter
                .skip(p.scroll)
                .map(|r| Row::new(r.clone()))
                .collect();
            let mut table = Table::new(body, widths).column_spacing(2);
            if let Some(h) = header {
                table = table.header(h);
            }
            frame.render_widget(table, inner);
        }
    }
}
