//! The sync review (Y): the plan, counts and bytes first, then the files
//! that would move or be deleted, grouped by kind.

use super::Ui;
use super::format::{display_name, size};
use crate::app::sync::SyncReview;
use crate::transfer::sync::{Class, Plan};
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph},
};

fn files(n: u64) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

/// The summary lines above the list.
fn summary(review: &SyncReview, plan: &Plan, ui: &Ui) -> Vec<Line<'static>> {
    let dim = Style::default().fg(ui.theme.dim);
    let row = |mark: &str, label: &str, class: Class, what: String| {
        let (n, b) = plan.count(class);
        Line::from(vec![
            Span::raw(format!(
                " {mark} {label:<22}{:>12} {:>11}  ",
                files(n),
                size(b)
            )),
            Span::styled(what, dim),
        ])
    };
    let extras = if review.mirror {
        "deleted after the transfers (m keeps them)".to_string()
    } else {
        "kept (m deletes them)".to_string()
    };
    let verb = if review.between_containers() {
        "copied server-side"
    } else {
        "sent"
    };
    vec![
        row("+", "new", Class::New, verb.into()),
        row(
            "~",
            "changed",
            Class::Changed,
            format!("{verb} again, overwriting"),
        ),
        row("-", "only on the target", Class::OnlyInDst, extras),
        row("=", "same", Class::Same, "left alone".into()),
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, review: &SyncReview, ui: &Ui) {
    let (from, to) = review.shown_roots();
    let to = to.to_string();
    let title = super::pane_title(
        &format!(
            " Sync ({}) · {} → {} ",
            review.direction(),
            display_name(from),
            display_name(&to)
        ),
        true,
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(super::pane_border(true, ui))
        .title(title);
    frame.render_widget(Clear, area);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let dim = Style::default().fg(ui.theme.dim);
    let clock = match (review.between_containers(), review.from_other) {
        (true, _) => {
            " By size and time: the source blob's Last-Modified vs the target blob's (a copy is newer than its source)"
        }
        (false, true) => {
            " By size and time: local mtime vs the blob's blobx_mtime (set by sync) or its Last-Modified"
        }
        (false, false) => " By size and time: the blob's Last-Modified vs the local file's mtime",
    };
    let keys =
        " Enter runs it · d other direction · m delete extras · r compare again · Esc closes";
    let Some(plan) = &review.plan else {
        let text = match &review.error {
            Some(e) => Line::styled(
                format!(" Could not compare: {}", display_name(e)),
                Style::default().fg(ui.theme.error),
            ),
            None => Line::styled(" Comparing… listing both sides.", dim),
        };
        frame.render_widget(
            Paragraph::new(vec![text, Line::raw(""), Line::styled(keys, dim)]),
            inner,
        );
        return;
    };
    let head = summary(review, plan, ui);
    let [top, list_area, foot] = Layout::vertical([
        Constraint::Length(head.len() as u16 + 2),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(inner);
    let mut lines = vec![Line::styled(clock, dim)];
    lines.extend(head);
    lines.push(Line::raw(""));
    frame.render_widget(Paragraph::new(lines), top);
    // Only the rows on screen are built: a plan of 100,000 files draws
    // like one of 50.
    let height = list_area.height.max(1) as usize;
    let offset = review.selected.saturating_sub(height - 1);
    let items: Vec<ListItem> = review
        .rows
        .iter()
        .skip(offset)
        .take(height)
        .filter_map(|&i| plan.entries.get(i))
        .map(|e| {
            let (mark, what, style) = match e.class {
                Class::New => ("+", "new".to_string(), Style::default().fg(ui.theme.info)),
                Class::Changed => ("~", e.why.to_string(), Style::default()),
                _ if review.mirror => (
                    "-",
                    "only on the target: deleted".to_string(),
                    Style::default().fg(ui.theme.error),
                ),
                _ => ("-", "only on the target: kept".to_string(), dim),
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!(" {mark} "), style),
                Span::raw(format!("{:>11}  ", size(e.bytes))),
                Span::raw(display_name(&e.rel).into_owned()),
                Span::styled(format!("  {what}"), dim),
            ]))
        })
        .collect();
    if review.rows.is_empty() {
        frame.render_widget(
            Line::styled(" Nothing to do: both sides hold the same files.", dim),
            list_area,
        );
    } else {
        let list = List::new(items).highlight_style(
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg)
                .add_modifier(Modifier::BOLD),
        );
        let mut at = ListState::default().with_selected(Some(review.selected - offset));
        frame.render_stateful_widget(list, list_area, &mut at);
    }
    let footer = if review.asking {
        let (n, b) = plan.count(Class::OnlyInDst);
        Line::styled(
            format!(
                " Delete {} only in {} ({}) after the transfers? y runs with the deletes · n goes back",
                files(n),
                display_name(&to),
                size(b)
            ),
            Style::default()
                .fg(ui.theme.error)
                .add_modifier(Modifier::BOLD),
        )
    } else {
        Line::styled(keys, dim)
    };
    frame.render_widget(Paragraph::new(vec![Line::raw(""), footer]), foot);
}
