//! What the access editors (CORS rules, stored access policies) draw alike:
//! the frame over the browser, popups, the key hints, the table with its
//! placeholder and check line, and text wrapping.

use super::Ui;
use super::layout::centered;
use crate::app::action::Command;
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap},
};

pub(super) fn popup(frame: &mut Frame, area: Rect, title: &str, ui: &Ui) -> Rect {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(ui.theme.accent))
        .title(title);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    inner
}

/// Where an editor draws, inside its frame.
pub(super) struct EditorAreas {
    /// The screen minus the status line: popups are centred in it.
    pub area: Rect,
    pub body: Rect,
    pub check: Rect,
    pub extra: Rect,
    pub keys: Rect,
}

/// The editor's frame over the browser with its one-line `intro`; `None` when
/// the terminal is too small to show more.
pub(super) fn editor_frame(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    intro: &str,
    ui: &Ui,
) -> Option<EditorAreas> {
    // The status line stays visible below the editor.
    let area = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    let inner = popup(frame, area, title, ui);
    if inner.height < 4 {
        return None;
    }
    let [intro_area, body, check, extra, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(2),
    ])
    .areas(inner);
    frame.render_widget(
        Line::styled(intro.to_string(), Style::default().fg(ui.theme.dim)),
        intro_area,
    );
    Some(EditorAreas {
        area,
        body,
        check,
        extra,
        keys,
    })
}

/// "⠿ saving…" while the editor waits for background work.
pub(super) fn busy_note<'a>(busy: Option<&str>, ui: &Ui) -> Option<Span<'a>> {
    busy.map(|b| Span::styled(format!("⠿ {b}"), Style::default().fg(ui.theme.accent)))
}

/// The key hints of the keymap's `section`, in the frame's last rows.
pub(super) fn draw_hints(
    frame: &mut Frame,
    area: Rect,
    ui: &Ui,
    readonly: bool,
    section: &str,
    hints: &[(Command, &str)],
) {
    frame.render_widget(
        Paragraph::new(hint_line(ui, readonly, section, hints)).wrap(Wrap { trim: true }),
        area,
    );
}

/// A table with `columns` (bold header, width) whose `selected` row is highlighted.
pub(super) fn selectable_table<'a>(
    columns: &[(&'a str, Constraint)],
    rows: impl IntoIterator<Item = Row<'a>>,
    selected: usize,
    ui: &Ui,
) -> Table<'a> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let header = Row::new(columns.iter().map(|(h, _)| Cell::from(*h).style(bold)));
    let selected_style = Style::default()
        .fg(ui.theme.selection_fg)
        .bg(ui.theme.selection_bg);
    let rows = rows.into_iter().enumerate().map(|(i, row)| {
        if i == selected {
            row.style(selected_style)
        } else {
            row
        }
    });
    Table::new(rows, columns.iter().map(|(_, w)| *w))
        .header(header)
        .column_spacing(1)
}

/// "✓ `size` · unsaved changes" or why the working copy cannot be saved.
pub(super) fn check_line<'a>(
    size: String,
    dirty: bool,
    validation: Result<(), String>,
    ui: &Ui,
) -> Line<'a> {
    let dirty = if dirty {
        " · unsaved changes (s reviews and saves)"
    } else {
        " · as on the service"
    };
    match validation {
        Ok(()) => Line::from(vec![
            Span::styled(format!("✓ {size}"), Style::default().fg(ui.theme.info)),
            Span::styled(dirty, Style::default().fg(ui.theme.dim)),
        ]),
        Err(e) => Line::styled(
            format!("✗ {e} (cannot save until fixed)"),
            Style::default().fg(ui.theme.error),
        ),
    }
}

/// A popup `width` columns wide (at most the area's) and as tall as `lines`
/// wrap to, showing them.
pub(super) fn text_popup(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    title: &str,
    lines: Vec<Line>,
    ui: &Ui,
) {
    let width = width.min(area.width);
    let height = (wrapped_height(&lines, width.saturating_sub(2)) + 2).min(area.height);
    let inner = popup(frame, centered(area, width, height), title, ui);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The keys of `hints` as bound in the keymap's `section`, without the ones
/// that change things when changes are off.
pub(super) fn hint_line<'a>(
    ui: &Ui,
    readonly: bool,
    section: &str,
    hints: &[(Command, &str)],
) -> Line<'a> {
    let bindings = ui.keymap.bindings(section);
    let parts: Vec<String> = hints
        .iter()
        .filter(|(c, _)| !(readonly && c.is_mutating()))
        .filter_map(|(c, label)| {
            let (_, keys) = bindings.iter().find(|(b, _)| b == c)?;
            Some(format!("{} {label}", keys.first()?.label))
        })
        .collect();
    Line::styled(parts.join(" · "), Style::default().fg(ui.theme.dim))
}

/// What an editor's table shows instead of rows: still reading, an error
/// (with how to retry), or nothing there yet (with how to add some).
pub(super) struct TablePlaceholder<'a> {
    pub loading: Option<&'a str>,
    pub error: Option<&'a str>,
    pub empty: Option<(&'a str, &'a str)>,
}

impl TablePlaceholder<'_> {
    /// Draws the first that applies; false when the table has rows to show.
    pub(super) fn draw(&self, frame: &mut Frame, area: Rect, ui: &Ui) -> bool {
        let dim = Style::default().fg(ui.theme.dim);
        let paragraph = if let Some(text) = self.loading {
            Paragraph::new(text).style(dim)
        } else if let Some(e) = self.error {
            Paragraph::new(vec![
                Line::styled(e.to_string(), Style::default().fg(ui.theme.error)),
                Line::styled("r tries again · Esc closes", dim),
            ])
            .wrap(Wrap { trim: false })
        } else if let Some((what, how)) = self.empty {
            Paragraph::new(vec![Line::raw(what), Line::styled(how, dim)]).wrap(Wrap { trim: false })
        } else {
            return false;
        };
        frame.render_widget(paragraph, area);
        true
    }
}

/// Rows `lines` take when wrapped at word boundaries at `width` columns
/// (words longer than a row are broken, as `Paragraph` does).
pub(super) fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let rows = |text: &str| {
        let (mut rows, mut col) = (1usize, 0usize);
        for word in text.split(' ') {
            let len = word.chars().count();
            if col > 0 && col + 1 + len > width {
                rows += 1;
                col = 0;
            }
            if col > 0 {
                col += 1;
            }
            col += len;
            while col > width {
                rows += 1;
                col -= width;
            }
        }
        rows
    };
    lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            rows(&text) as u16
        })
        .sum()
}

/// `text` broken at spaces into lines of at most `width` characters.
pub(super) fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = vec![String::new()];
    for word in text.split(' ') {
        let Some(last) = out.last_mut() else {
            break;
        };
        let len = last.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            out.push(word.to_string());
        } else {
            if len > 0 {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    out
}
