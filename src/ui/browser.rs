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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Size,
    Modified,
    Tier,
    ContentType,
    /// The estimated monthly cost of a counted folder or container.
    Cost,
    Source,
    Status,
}

/// Columns that fit: narrow terminals drop the least useful ones first.
fn columns(
    location: &Location,
    width: u16,
    sized: bool,
) -> Vec<(Column, &'static str, Constraint)> {
    use Column::*;
    let all: Vec<(Column, &'static str, Constraint, u16)> = match location {
        // Container sizes once counted (`Z`).
        Location::Containers { .. } if sized => vec![
            (Name, "Container", Constraint::Fill(1), 0),
            (Size, "Size", Constraint::Length(10), 30),
            (Cost, "≈ /month", Constraint::Length(12), 60),
            (Modified, "Modified", Constraint::Length(16), 50),
            (Tier, "Public access", Constraint::Length(13), 70),
        ],
        Location::Accounts => vec![
            (Name, "Account", Constraint::Length(32), 0),
            (Source, "Source", Constraint::Length(18), 70),
            (Status, "Status", Constraint::Fill(1), 0),
        ],
        Location::Containers { .. } => vec![
            (Name, "Container", Constraint::Fill(1), 0),
            (Modified, "Modified", Constraint::Length(16), 40),
            (Tier, "Public access", Constraint::Length(13), 60),
        ],
        Location::Blobs { .. } if sized => vec![
            (Name, "Name", Constraint::Fill(1), 0),
            (Size, "Size", Constraint::Length(10), 30),
            (Cost, "≈ /month", Constraint::Length(12), 60),
            (Modified, "Modified", Constraint::Length(16), 50),
            (Tier, "Tier", Constraint::Length(7), 70),
            (ContentType, "Content type", Constraint::Length(22), 108),
        ],
        Location::Blobs { .. } => vec![
            (Name, "Name", Constraint::Fill(1), 0),
            (Size, "Size", Constraint::Length(10), 30),
            (Modified, "Modified", Constraint::Length(16), 50),
            (Tier, "Tier", Constraint::Length(7), 70),
            (ContentType, "Content type", Constraint::Length(22), 96),
        ],
    };
    all.into_iter()
        .filter(|(_, _, _, min)| width >= *min)
        .map(|(c, t, w, _)| (c, t, w))
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    if area.height < 2 {
        return;
    }
    let cols = columns(&state.location, area.width, state.current_sizes().is_some());
    let header = Row::new(cols.iter().map(|(_, title, _)| *title)).style(
        Style::default()
            .fg(ui.theme.accent)
            .add_modifier(Modifier::BOLD),
    );

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
        .map(|&idx| row(state, ui, idx as usize, &cols))
        .collect();

    let table = Table::new(rows, cols.iter().map(|(_, _, w)| *w))
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

    let below_header = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    if view.is_empty() {
        frame.render_widget(
            Paragraph::new(empty_message(state, ui)).wrap(Wrap { trim: false }),
            below_header,
        );
    } else if view.len() > body_rows {
        let mut sb = ScrollbarState::new(view.len().saturating_sub(body_rows)).position(offset);
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None),
            below_header,
            &mut sb,
        );
    }
}

fn row<'a>(state: &'a State, ui: &Ui, idx: usize, cols: &[(Column, &str, Constraint)]) -> Row<'a> {
    let Some(e) = state.listing.entries.get(idx) else {
        return Row::new(Vec::<Cell>::new());
    };
    let cells = cols.iter().map(|(col, _, _)| match col {
        Column::Name => Cell::from(name_line(state, ui, e)),
        Column::Size if matches!(e.kind, EntryKind::Blob | EntryKind::Deleted) => {
            Cell::from(Line::from(format::size(e.size)).right_aligned())
        }
        Column::Size if matches!(e.kind, EntryKind::Folder | EntryKind::Container) => {
            let text = match state.current_sizes() {
                Some(s) if s.children.contains_key(&e.name) => format::size(e.size),
                Some(s) if s.counting => "counting…".to_string(),
                _ => String::new(),
            };
            Cell::from(Line::from(text).right_aligned())
        }
        Column::Cost => {
            let text = state
                .current_sizes()
                .and_then(|s| s.children.get(&e.name))
                .map(|t| {
                    format::cost(
                        t.monthly_cost(&state.prices.per_tier()),
                        &state.prices.currency,
                    )
                })
                .unwrap_or_default();
            Cell::from(Line::from(text).right_aligned())
        }
        Column::Modified => Cell::from(format::date(e.modified)),
        Column::Tier => Cell::from(
            e.tier
                .as_deref()
                .unwrap_or("")
                .trim_start_matches("public: ")
                .to_string(),
        ),
        Column::ContentType => {
            Cell::from(format::display_name(e.content_type.as_deref().unwrap_or("")).into_owned())
        }
        Column::Status => {
            let node = state
                .account_rows
                .get(idx)
                .and_then(|&a| state.accounts.get(a));
            match node.map(|n| n.status()) {
                Some((true, err)) => Cell::from(Span::styled(
                    format::display_name(&err).into_owned(),
                    Style::default().fg(ui.theme.error),
                )),
                Some((false, text)) => Cell::from(Span::styled(
                    format::display_name(&text).into_owned(),
                    Style::default().fg(ui.theme.dim),
                )),
                None => Cell::from(""),
            }
        }
        Column::Source => Cell::from(
            state
                .account_rows
                .get(idx)
                .and_then(|&a| state.accounts.get(a))
                .map(|n| n.account.source.label())
                .unwrap_or(""),
        ),
        Column::Size => Cell::from(""),
    });
    let row = Row::new(cells.collect::<Vec<_>>());
    if e.kind == EntryKind::Deleted {
        row.style(Style::default().fg(ui.theme.dim))
    } else {
        row
    }
}

/// The name, coloured by kind, with the fuzzy match highlighted.
fn name_line<'a>(state: &State, ui: &Ui, e: &Entry) -> Line<'a> {
    let (icon, color) = match e.kind {
        EntryKind::Account => ("◆ ", Some(ui.theme.account)),
        EntryKind::Container => ("▣ ", Some(ui.theme.container)),
        EntryKind::Folder => ("▸ ", Some(ui.theme.folder)),
        EntryKind::Blob => ("  ", None),
        EntryKind::Deleted => ("✗ ", Some(ui.theme.dim)),
    };
    let base = color.map_or(Style::default(), |c| Style::default().fg(c));
    let mut spans = if state.is_marked(e) {
        vec![Span::styled(
            "● ",
            Style::default()
                .fg(ui.theme.matched)
                .add_modifier(Modifier::BOLD),
        )]
    } else {
        vec![Span::styled(icon, base)]
    };
    // Shown escaped where a character would not take one cell (a tab,
    // U+FFFF, a zero-width space): the row keeps its width.
    let positions = state.filter.positions(&e.name);
    if positions.is_empty() {
        spans.push(Span::styled(
            format::display_name(&e.name).into_owned(),
            base,
        ));
    } else {
        let hl = base
            .fg(ui.theme.matched)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
        for (i, shown) in format::display_chars(&e.name).into_iter().enumerate() {
            let style = if positions.contains(&i) { hl } else { base };
            spans.push(Span::styled(shown, style));
        }
    }
    if e.kind == EntryKind::Deleted {
        spans.push(Span::styled(
            super::history::deleted_tag(state, &e.name),
            Style::default()
                .fg(ui.theme.dim)
                .add_modifier(Modifier::ITALIC),
        ));
    }
    Line::from(spans)
}

fn empty_message<'a>(state: &State, ui: &Ui) -> Text<'a> {
    if let Some(err) = &state.listing.error {
        return Text::styled(
            format!(" {}", format::display_text(err)),
            Style::default().fg(ui.theme.error),
        );
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
