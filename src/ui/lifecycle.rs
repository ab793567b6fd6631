//! The lifecycle rules pane: one rule a line (changed ones marked), the
//! line being typed with what is wrong with it as you type, the dry run
//! (per rule and action: blobs and bytes, the first names), and the review
//! of a save.

use super::Ui;
use super::format::escape;
use crate::app::lifecycle::{Editing, LifecyclePane};
use crate::app::state::State;
use crate::azure::lifecycle::DryRun;
use crate::azure::lifecycle::line::format_rule;
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::Line,
    widgets::{Block, Borders, Clear, Paragraph, Wrap},
};

/// Names shown per action in the pane.
const NAMES: usize = 3;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let Some(p) = state.lifecycle_pane() else {
        return;
    };
    frame.render_widget(Clear, area);
    let title = super::pane_title(
        &format!(
            " Lifecycle rules · {} · Enter edit · a add · d remove · Space on/off · x dry run · s save ",
            escape(&p.label)
        ),
        true,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(super::pane_border(true, ui))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rules_height = (p.work.rules.len().max(1) as u16 + 1).min(inner.height / 2);
    let [rules_area, edit_area, run_area] = Layout::vertical([
        Constraint::Length(rules_height),
        Constraint::Length(3),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(rules(p, ui)).scroll((
            (p.selected + 1).saturating_sub(rules_area.height as usize) as u16,
            0,
        )),
        rules_area,
    );
    frame.render_widget(
        Paragraph::new(edit_lines(p, state, ui)).wrap(Wrap { trim: false }),
        edit_area,
    );
    frame.render_widget(
        Paragraph::new(dry_run_lines(p, ui)).wrap(Wrap { trim: false }),
        run_area,
    );
    if let Some(review) = &p.review {
        draw_review(frame, area, p, review, ui);
    }
}

fn rules<'a>(p: &LifecyclePane, ui: &Ui) -> Vec<Line<'a>> {
    let dim = Style::default().fg(ui.theme.dim);
    if p.loading && p.base.is_none() {
        return vec![Line::styled(" Reading the lifecycle policy…", dim)];
    }
    if let Some(e) = &p.error {
        return vec![Line::styled(
            format!(" {}", escape(e)),
            Style::default().fg(ui.theme.error),
        )];
    }
    if p.work.rules.is_empty() {
        return vec![Line::styled(" No rules. a adds one.", dim)];
    }
    let base = p.base.as_ref();
    p.work
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let changed = base.is_none_or(|b| !b.rules.contains(r));
            let style = if i == p.selected {
                Style::default()
                    .fg(ui.theme.selection_fg)
                    .bg(ui.theme.selection_bg)
                    .add_modifier(Modifier::BOLD)
            } else if !r.is_enabled() {
                dim
            } else {
                Style::default()
            };
            Line::styled(
                format!(
                    "{} {}",
                    if changed { "*" } else { " " },
                    escape(&format_rule(r))
                ),
                style,
            )
        })
        .collect()
}

fn edit_lines<'a>(p: &LifecyclePane, state: &State, ui: &Ui) -> Vec<Line<'a>> {
    let dim = Style::default().fg(ui.theme.dim);
    let Some(editing) = p.editing else {
        let mut lines = vec![Line::styled(
            " A rule as a line: NAME [off] [types=block,append] [prefix=CONTAINER/PATH,…] [tag:KEY=VALUE] base|snapshot|version.cool|cold|archive|delete>DAYS m|c|a",
            dim,
        )];
        if !p.has_arm {
            lines.push(Line::styled(
                " Not found through Entra ID: rules can be tried (x) but not saved here.",
                dim,
            ));
        }
        if let Some(b) = &p.busy {
            lines.push(Line::styled(
                format!(" {b}"),
                Style::default().fg(ui.theme.info),
            ));
        }
        return lines;
    };
    let text = state.input.value();
    let what = match editing {
        Editing::Rule(_) => "edit",
        Editing::New => "new",
    };
    let check = match p.check_line(text) {
        Ok(()) => Line::styled(" ✓ Enter keeps it (s saves), Esc drops it", dim),
        Err(e) => Line::styled(
            format!(" {}", escape(&e)),
            Style::default().fg(ui.theme.error),
        ),
    };
    vec![
        Line::styled(
            format!(" {what}: {}▏", escape(text)),
            Style::default().fg(ui.theme.accent),
        ),
        check,
    ]
}

fn dry_run_lines<'a>(p: &LifecyclePane, ui: &Ui) -> Vec<Line<'a>> {
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = vec![Line::styled(
        " What these rules would do today",
        dim.add_modifier(Modifier::BOLD),
    )];
    if let Some(n) = p.scanning {
        lines.push(Line::styled(
            format!(" Listing the account… {n} blobs so far"),
            Style::default().fg(ui.theme.info),
        ));
        return lines;
    }
    match (&p.dry_run, p.current_dry_run()) {
        (None, _) => lines.push(Line::styled(
            " x lists the account and shows, per rule and action, what would be moved or deleted.",
            dim,
        )),
        (Some(_), None) => lines.push(Line::styled(
            " The rules changed since the last dry run: x runs it again.",
            dim,
        )),
        (_, Some(Err(e))) => lines.push(Line::styled(
            format!(" {}", escape(e)),
            Style::default().fg(ui.theme.error),
        )),
        (_, Some(Ok(run))) => lines.extend(report(run, ui)),
    }
    lines
}

/// The shared report (`blobx lifecycle … --dry-run` prints the same), the
/// names dimmed.
fn report<'a>(run: &DryRun, ui: &Ui) -> Vec<Line<'a>> {
    let dim = Style::default().fg(ui.theme.dim);
    crate::azure::lifecycle::report(run, NAMES)
        .into_iter()
        .map(|l| {
            let style = if l.starts_with("    ") {
                dim
            } else {
                Style::default()
            };
            Line::styled(format!(" {}", escape(&l)), style)
        })
        .collect()
}

fn draw_review(frame: &mut Frame, area: Rect, p: &LifecyclePane, review: &[String], ui: &Ui) {
    let mut lines: Vec<Line> = review
        .iter()
        .map(|l| Line::raw(format!(" {}", escape(l))))
        .collect();
    lines.push(Line::raw(""));
    match (p.scanning, p.current_dry_run()) {
        (Some(n), _) => lines.push(Line::styled(
            format!(" Dry run: listing the account… {n} blobs so far"),
            Style::default().fg(ui.theme.info),
        )),
        (None, Some(Ok(run))) => {
            let (count, bytes) = run.total();
            lines.push(Line::raw(format!(
                " Dry run: today these rules would move or delete {count} of {} blobs ({}).",
                run.scanned,
                humansize::format_size(bytes, humansize::BINARY)
            )));
        }
        _ => {}
    }
    lines.push(Line::styled(
        " y saves · n goes back",
        Style::default().fg(ui.theme.dim),
    ));
    let height = (lines.len() as u16 + 2).min(area.height);
    let box_area = Rect {
        x: area.x + 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width: area.width.saturating_sub(4),
        height,
    };
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(ui.theme.accent))
                .title(" Save these lifecycle rules? "),
        ),
        box_area,
    );
}
