//! The account settings pane (W): one row per setting, changed rows marked,
//! the website endpoint, and the review of what a save will change.

use super::Ui;
use crate::app::settings::{Row, SettingsPane};
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
            " Settings · {} · Enter changes · s saves · u undoes · r reloads · l lifecycle rules · Esc closes ",
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
    let (lines, at) = rows(p, state, ui);
    // Keep the selected row on screen.
    let scroll = (at + 1).saturating_sub(rows_area.height as usize) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        rows_area,
    );
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
    if let Some(Err(e)) = p.arm_after().map(|a| a.check()) {
        lines.push(Line::styled(
            format!(" {e}"),
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

/// The rows as lines, and the line of the selected row.
fn rows<'a>(p: &'a SettingsPane, state: &'a State, ui: &Ui) -> (Vec<Line<'a>>, usize) {
    if p.loading && p.base.is_none() {
        return (
            vec![Line::styled(
                " Reading the settings…",
                Style::default().fg(ui.theme.dim),
            )],
            0,
        );
    }
    let Some(base) = &p.base else {
        return (Vec::new(), 0);
    };
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = Vec::new();
    let mut at = 0;
    for (i, row) in p.rows().into_iter().enumerate() {
        let selected = i == p.selected;
        let (title, was, now) = match row {
            Row::Data(f) => (f.title(), f.show(base), f.show(&p.work)),
            Row::Arm(f) => {
                if i == p
                    .rows()
                    .iter()
                    .position(|r| matches!(r, Row::Arm(_)))
                    .unwrap_or(0)
                {
                    lines.push(Line::styled(
                        " Resource Manager (Microsoft Entra ID)",
                        dim.add_modifier(Modifier::BOLD),
                    ));
                }
                let Some(a) = p.arm.as_ref() else { continue };
                let was = a.base.as_ref().map(|b| f.show(b)).unwrap_or_default();
                (f.title(), was, f.show(&a.work))
            }
        };
        let value = if selected && p.editing {
            format!("{}▏", state.input.value())
        } else {
            now.clone()
        };
        let mark = if was != now { "*" } else { " " };
        let style = if selected {
            at = lines.len();
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {title:<34}"), style),
            Span::styled(super::format::escape(&value), style),
        ]));
    }
    if let Some(a) = &p.arm {
        if let Some(e) = &a.error {
            lines.push(Line::styled(
                format!(" Resource Manager: {}", super::format::escape(e)),
                Style::default().fg(ui.theme.error),
            ));
        } else if a.base.is_none() {
            lines.push(Line::styled(" Reading the Resource Manager settings…", dim));
        }
        if let Some(b) = &a.base {
            lines.extend(network(&b.network, ui));
        }
    }
    (lines, at)
}

/// The network rules, read-only, and what they mean for this machine.
fn network<'a>(n: &crate::azure::arm_settings::NetworkRules, ui: &Ui) -> Vec<Line<'a>> {
    let dim = Style::default().fg(ui.theme.dim);
    let esc = |s: &str| super::format::escape(s);
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter().map(|s| esc(s)).collect::<Vec<_>>().join(", ")
        }
    };
    let endpoints: Vec<String> = n
        .private_endpoints
        .iter()
        .map(|(name, status)| format!("{} ({})", esc(name), esc(status)))
        .collect();
    let mut lines = vec![
        Line::styled(
            " Network rules (read-only; change them in the portal or with az)",
            dim.add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!(
            "   default action {} · bypass {}",
            esc(&n.default_action),
            if n.bypass.is_empty() {
                "none".into()
            } else {
                esc(&n.bypass)
            }
        )),
        Line::raw(format!("   IP rules: {}", list(&n.ip_rules))),
        Line::raw(format!(
            "   virtual network rules: {}",
            list(&n.virtual_network_rules)
        )),
        Line::raw(format!(
            "   private endpoints: {}",
            if endpoints.is_empty() {
                "none".into()
            } else {
                endpoints.join(", ")
            }
        )),
    ];
    lines.extend(
        n.meaning()
            .into_iter()
            .map(|m| Line::styled(format!("   {}", esc(&m)), dim)),
    );
    lines
}
