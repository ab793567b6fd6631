//! The list of accounts, containers, folders and blobs. Only the visible rows
//! are built, so a folder of 100,000 blobs costs the same to draw as one of 50.

use super::{Ui, format};
use crate::app::entry::{Entry, EntryKind};
use crate::app::state::{Location, State};
use ratatui::{
    Frame,
    layout::{Constraint, Rect},
    style::{Modifier, Style},
    text::{Line, Span, Text},
    widgets::{
        Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, TableState,
        Wrap,
    },
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    if area.height < 2 {
        return;
    }
    let header = match state.location {
        Location::Accounts => Row::new(["Account", "", "", "", "Status"]),
        Location::Containers { .. } => Row::new(["Container", "", "Modified", "Access", ""]),
        Location::Blobs { .. } => Row::new(["Name", "Size", "Modified", "Tier", "Content type"]),
    }
    .style(Style::default().fg(ui.theme.accent).add_modifier(Modifier::BOLD));

    let body_rows = area.height.saturating_sub(1) as usize;
    // Same rule as the state's, applied to the real height.
    let mut offset = state.offset;
    if state.selected >= offset + body_rows {
        offset = state.selected + 1 - body_rows;
    }
    if state.selected < offset {
        offset = state.selected;
    }
    let view = &state.listing.view;
    let end = (offset + body_rows).min(view.len());
    let rows: Vec<Row> = view
        .get(offset..end)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, &idx)| row(state, ui, idx as usize, offset + i))
        .collect();

    let widths = [
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(16),
        Constraint::Length(8),
        Constraint::Length(22),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg),
        );
    let mut table_state = TableState::default();
    if !view.is_empty() {
        table_state.select(Some(state.selected - offset));
    }
    frame.render_stateful_widget(table, area, &mut table_state);

    if view.is_empty() {
        let msg_area = Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        };
        frame.render_widget(
            Paragraph::new(empty_message(state, ui)).wrap(Wrap { trim: false }),
            msg_area,
        );
    } else if view.len() > body_rows {
        let mut sb = ScrollbarState::new(view.len().saturating_sub(body_rows)).position(offset);
        let sb_area = Rect {
            y: area.y + 1,
            height: area.height - 1,
            ..area
        };
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None),
            sb_area,
            &mut sb,
        );
    }
}

fn row<'a>(state: &'a State, ui: &Ui, idx: usize, _pos: usize) -> Row<'a> {
    let Some(e) = state.listing.entries.get(idx) else {
        return Row::new(Vec::<Cell>::new());
    };
    let name = name_line(state, ui, e);
    match e.kind {
        EntryKind::Account => {
            let node = state.accounts.get(idx);
            let status = match node.and_then(|a| a.error.as_deref()) {
                Some(err) => Span::styled(err.to_string(), Style::default().fg(ui.theme.error)),
                None => Span::styled(
                    node.map(|a| a.host.clone()).unwrap_or_default(),
                    Style::default().fg(ui.theme.dim),
                ),
            };
            Row::new([Cell::from(name), "".into(), "".into(), "".into(), Cell::from(status)])
        }
        EntryKind::Container => Row::new([
            Cell::from(name),
            "".into(),
            format::date(e.modified).into(),
            e.tier.as_deref().unwrap_or("").trim_start_matches("public: ").to_string().into(),
            "".into(),
        ]),
        EntryKind::Folder => Row::new([Cell::from(name), "".into(), "".into(), "".into(), "".into()]),
        EntryKind::Blob => Row::new([
            Cell::from(name),
            Cell::from(Line::from(format::size(e.size)).right_aligned()),
            format::date(e.modified).into(),
            e.tier.as_deref().unwrap_or("").to_string().into(),
            e.content_type.as_deref().unwrap_or("").to_string().into(),
        ]),
    }
}

/// The name, coloured by kind, with the fuzzy match highlighted.
fn name_line<'a>(state: &State, ui: &Ui, e: &Entry) -> Line<'a> {
    let (icon, color) = match e.kind {
        EntryKind::Account => ("◆ ", Some(ui.theme.account)),
        EntryKind::Container => ("▣ ", Some(ui.theme.container)),
        EntryKind::Folder => ("▸ ", Some(ui.theme.folder)),
        EntryKind::Blob => ("  ", None),
    };
    let base = color.map_or(Style::default(), |c| Style::default().fg(c));
    let mut spans = vec![Span::styled(icon, base)];
    let positions = state.filter.positions(&e.name);
    if positions.is_empty() {
        spans.push(Span::styled(e.name.to_string(), base));
    } else {
        let hl = base.fg(ui.theme.matched).add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        for (i, ch) in e.name.chars().enumerate() {
            let style = if positions.contains(&i) { hl } else { base };
            spans.push(Span::styled(ch.to_string(), style));
        }
    }
    Line::from(spans)
}

fn empty_message<'a>(state: &State, ui: &Ui) -> Text<'a> {
    if let Some(err) = &state.listing.error {
        return Text::styled(format!(" {err}"), Style::default().fg(ui.theme.error));
    }
    let dim = Style::default().fg(ui.theme.dim);
    if state.listing.loading {
        return Text::styled(" Loading…", dim);
    }
    if !state.query.is_empty() {
        return Text::styled(format!(" No loaded name matches {:?}.", state.query), dim);
    }
    let what = match (&state.location, &state.listing.search) {
        (_, Some(search)) => format!(" Nothing here starts with {search:?}."),
        (Location::Accounts, _) => " No accounts are configured.".to_string(),
        (Location::Containers { .. }, _) => " This account has no containers yet.".to_string(),
        (Location::Blobs { .. }, _) => " This folder is empty.".to_string(),
    };
    Text::styled(what, dim)
}
