//! The history pane (a blob's current state, snapshots and versions) drawn
//! where the list goes, so the preview pane beside it stays visible; and the
//! tag of deleted rows in the list.

use super::{Ui, format};
use crate::app::history::HistoryPane;
use crate::app::state::State;
use crate::azure::history::{HistoryEntry, Qualifier};
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap},
};

/// "  deleted · 6 days left" after a deleted row's name.
pub fn deleted_tag(state: &State, leaf: &str) -> String {
    let days = state
        .deleted
        .as_ref()
        .and_then(|d| d.info.get(leaf))
        .and_then(|e| e.remaining_days);
    match days {
        Some(1) => "  deleted · 1 day left".into(),
        Some(n) => format!("  deleted · {n} days left"),
        None => "  deleted".into(),
    }
}

/// `2026-11-23 12:09:56` in UTC: snapshots a second apart must look different.
fn when(unix: Option<i64>) -> String {
    let Some(t) = unix.and_then(|u| time::OffsetDateTime::from_unix_timestamp(u).ok()) else {
        return String::new();
    };
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(&f).unwrap_or_default()
}

fn kind(e: &HistoryEntry) -> &'static str {
    match &e.qualifier {
        None => "current",
        Some(Qualifier::Snapshot(_)) => "snapshot",
        Some(Qualifier::Version(_)) => "version",
    }
}

/// The keys of the pane, from the keymap, for the bottom line; what would
/// change something is left out when changes are off.
fn hints(ui: &Ui, changes_off: bool) -> String {
    use crate::app::action::Command as C;
    let bindings = ui.keymap.bindings("history");
    [
        (C::HistorySnapshot, "snapshot now"),
        (C::Preview, "preview"),
        (C::Download, "download"),
        (C::HistoryPromote, "promote"),
        (C::HistoryDelete, "delete"),
        (C::Cancel, "close"),
        (C::Transfers, "transfers"),
    ]
    .iter()
    .filter(|(command, _)| !(changes_off && command.is_mutating()))
    .filter_map(|(command, short)| {
        let (_, keys) = bindings.iter().find(|(c, _)| c == command)?;
        Some(format!("{} {short}", keys.first()?.label))
    })
    .collect::<Vec<_>>()
    .join(" · ")
}

pub fn draw(frame: &mut Frame, area: Rect, pane: &HistoryPane, changes_off: bool, ui: &Ui) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(ui.theme.accent))
        .title(format!(
            " History of {} ",
            super::format::display_name(&pane.blob)
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 {
        return;
    }
    let [body, foot] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    frame.render_widget(
        Line::styled(hints(ui, changes_off), Style::default().fg(ui.theme.dim)),
        foot,
    );
    let dim = Style::default().fg(ui.theme.dim);
    let entries = match &pane.entries {
        None => {
            frame.render_widget(Paragraph::new(Span::styled(" Loading…", dim)), body);
            return;
        }
        Some(Err(e)) => {
            frame.render_widget(
                Paragraph::new(Span::styled(
                    format!(" {e}"),
                    Style::default().fg(ui.theme.error),
                ))
                .wrap(Wrap { trim: false }),
                body,
            );
            return;
        }
        Some(Ok(entries)) => entries,
    };
    let header = Row::new(["", "When (UTC)", "What", "Size", "Tier", "ETag"]).style(
        Style::default()
            .fg(ui.theme.accent)
            .add_modifier(Modifier::BOLD),
    );
    let rows: Vec<Row> = entries
        .iter()
        .map(|e| {
            let mark = if e.is_current() { "●" } else { " " };
            let row = Row::new(vec![
                Cell::from(mark),
                Cell::from(when(e.time())),
                Cell::from(kind(e)),
                Cell::from(Line::from(format::size(e.size)).right_aligned()),
                Cell::from(e.tier.clone().unwrap_or_default()),
                Cell::from(e.etag.clone()),
            ]);
            if e.is_current() {
                row.style(Style::default().add_modifier(Modifier::BOLD))
            } else {
                row
            }
        })
        .collect();
    let only_current = entries.iter().all(HistoryEntry::is_current);
    let note_rows = if only_current { 2 } else { 0 };
    let [table_area, note] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(note_rows)]).areas(body);
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(19),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(7),
            Constraint::Fill(1),
        ],
    )
    .header(header)
    .column_spacing(1)
    .row_highlight_style(
        Style::default()
            .fg(ui.theme.selection_fg)
            .bg(ui.theme.selection_bg),
    );
    let mut state = TableState::default();
    if !entries.is_empty() {
        state.select(Some(pane.selected.min(entries.len() - 1)));
    }
    frame.render_stateful_widget(table, table_area, &mut state);
    if only_current {
        frame.render_widget(
            Paragraph::new(Span::styled(
                " No snapshots or versions yet. Versions appear when the account has blob versioning on.",
                dim,
            ))
            .wrap(Wrap { trim: false }),
            note,
        );
    }
}
