//! Properties and metadata of the selected blob.

use super::{Ui, format};
use crate::app::state::State;
use ratatui::{
    Frame,
    layout::Rect,
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Paragraph, Wrap},
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(Style::default().fg(ui.theme.dim))
        .title(Span::styled(
            " Details ",
            Style::default().fg(ui.theme.accent),
        ));
    let dim = Style::default().fg(ui.theme.dim);
    let key_style = Style::default().add_modifier(Modifier::BOLD);
    let lines: Vec<Line> = match &state.details {
        None => vec![Line::styled("Select a blob to see its properties.", dim)],
        Some(d) => {
            let mut lines = vec![Line::styled(
                format::display_name(&d.key.blob).into_owned(),
                Style::default().fg(ui.theme.accent),
            )];
            match &d.result {
                None => lines.push(Line::styled("Loading…", dim)),
                Some(Err(e)) => lines.extend(
                    format::display_text(e)
                        .lines()
                        .map(|l| Line::styled(l.to_string(), Style::default().fg(ui.theme.error))),
                ),
                Some(Ok(details)) => {
                    lines.push(Line::default());
                    for (k, v) in &details.properties {
                        let k = k.strip_prefix("x-ms-").unwrap_or(k);
                        lines.push(Line::from(vec![
                            Span::styled(format!("{}: ", format::display_name(k)), key_style),
                            Span::raw(format::display_name(v).into_owned()),
                        ]));
                    }
                    lines.push(Line::default());
                    if details.metadata.is_empty() {
                        lines.push(Line::styled("No metadata.", dim));
                    } else {
                        lines.push(Line::styled(
                            "Metadata",
                            Style::default().fg(ui.theme.accent),
                        ));
                        for (k, v) in &details.metadata {
                            lines.push(Line::from(vec![
                                Span::styled(format!("{}: ", format::display_name(k)), key_style),
                                Span::raw(format::display_name(v).into_owned()),
                            ]));
                        }
                    }
                    match &details.tags {
                        None => {}
                        Some(tags) if tags.is_empty() => {
                            lines.push(Line::styled("No index tags.", dim));
                        }
                        Some(tags) => {
                            lines.push(Line::styled(
                                "Index tags",
                                Style::default().fg(ui.theme.accent),
                            ));
                            for (k, v) in tags {
                                lines.push(Line::from(vec![
                                    Span::styled(format!("{k} = "), key_style),
                                    Span::raw(v.clone()),
                                ]));
                            }
                        }
                    }
                }
            }
            lines
        }
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
