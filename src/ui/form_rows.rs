//! The rows of a form popup, as the account form and the editors' forms
//! draw them: a label column (marked when focused), then the field's input
//! or its own widgets, and what is wrong with it underneath.

use super::Ui;
use super::editor::wrap_words;
use crate::app::field_form::FieldForm;
use ratatui::{
    Frame,
    layout::{Position, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Paragraph, Wrap},
};
use tui_input::Input;

/// A form's lines being built, and where its cursor goes.
pub(super) struct FormRows<'a> {
    inner: Rect,
    label_width: u16,
    pub lines: Vec<Line<'a>>,
    /// (column in the value, row) of the focused input's cursor.
    cursor: Option<(u16, u16)>,
}

impl<'a> FormRows<'a> {
    /// Rows drawn in `inner` with labels `label_width` columns wide.
    pub fn new(inner: Rect, label_width: u16) -> Self {
        Self {
            inner,
            label_width,
            lines: Vec::new(),
            cursor: None,
        }
    }

    /// `title` in the label column, marked and coloured when focused.
    pub fn label(&self, title: &str, focused: bool, ui: &Ui) -> Span<'a> {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let marker = if focused { "›" } else { " " };
        Span::styled(
            format!(
                "{marker}{:<width$}",
                title,
                width = self.label_width as usize - 1
            ),
            if focused {
                bold.fg(ui.theme.accent)
            } else {
                bold
            },
        )
    }

    /// The part of `input` that fits after the label; when focused, the
    /// cursor goes to it on the row about to be pushed.
    pub fn input(&mut self, input: &Input, focused: bool) -> Span<'a> {
        let width = self.inner.width.saturating_sub(self.label_width + 1).max(1) as usize;
        let scroll = input.visual_scroll(width);
        if focused {
            let col = input.visual_cursor().saturating_sub(scroll);
            self.cursor_at(col);
        }
        Span::raw(input.value().chars().skip(scroll).collect::<String>())
    }

    /// Puts the cursor `col` columns into the value on the row about to be pushed.
    pub fn cursor_at(&mut self, col: usize) {
        self.cursor = Some((col as u16, self.lines.len() as u16));
    }

    pub fn push(&mut self, line: Line<'a>) {
        self.lines.push(line);
    }

    /// `error`, wrapped to the value column under the field.
    pub fn error(&mut self, error: Option<&str>, ui: &Ui) {
        let Some(e) = error else {
            return;
        };
        let value_width = self.inner.width.saturating_sub(self.label_width + 2) as usize;
        for part in wrap_words(&format!("✗ {e}"), value_width) {
            self.lines.push(Line::styled(
                format!("{:width$}{part}", "", width = self.label_width as usize),
                Style::default().fg(ui.theme.error),
            ));
        }
    }

    /// One row per field of `form` (with `title`), its input or, for a field
    /// that is not text, the spans of `other(field, focused)`, then its error
    /// from `errors` (indexed like the fields).
    pub fn fields<F: FieldForm>(
        &mut self,
        form: &F,
        title: impl Fn(F::Field) -> &'static str,
        errors: &[Option<String>],
        other: impl Fn(F::Field, bool) -> Vec<Span<'a>>,
        ui: &Ui,
    ) {
        for (i, field) in F::FIELDS.iter().enumerate() {
            let focused = i == form.focus();
            let mut spans = vec![self.label(title(*field), focused, ui)];
            match form.input(*field) {
                Some(input) => spans.push(self.input(input, focused)),
                None => spans.extend(other(*field, focused)),
            }
            self.push(Line::from(spans));
            self.error(errors.get(i).and_then(Option::as_deref), ui);
        }
    }

    /// Draws the rows, then "✓ what the form makes" or "✗ why it cannot yet",
    /// then the `help` lines, dimmed.
    pub fn draw_with(
        mut self,
        frame: &mut Frame,
        verdict: Result<String, String>,
        help: &[&str],
        ui: &Ui,
    ) {
        self.lines.push(Line::default());
        self.lines.push(match verdict {
            Ok(what) => Line::styled(format!("✓ {what}"), Style::default().fg(ui.theme.info)),
            Err(why) => Line::styled(format!("✗ {why}"), Style::default().fg(ui.theme.error)),
        });
        self.lines.push(Line::default());
        for line in help {
            self.lines.push(Line::styled(
                line.to_string(),
                Style::default().fg(ui.theme.dim),
            ));
        }
        self.draw(frame);
    }

    /// Draws the lines and puts the cursor.
    pub fn draw(self, frame: &mut Frame) {
        let inner = self.inner;
        frame.render_widget(Paragraph::new(self.lines).wrap(Wrap { trim: false }), inner);
        if let Some((col, row)) = self.cursor {
            let x = (inner.x + self.label_width + col).min(inner.right().saturating_sub(1));
            frame.set_cursor_position(Position::new(x, inner.y + row));
        }
    }
}

/// `[x] label` boxes, ticked or not; the one at `cursor` is highlighted.
pub(super) fn checkboxes<'a>(
    items: impl IntoIterator<Item = (String, bool)>,
    cursor: Option<usize>,
    ui: &Ui,
) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    for (k, (label, ticked)) in items.into_iter().enumerate() {
        let text = format!("[{}] {label}", if ticked { "x" } else { " " });
        let style = if cursor == Some(k) {
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg)
        } else if ticked {
            Style::default()
        } else {
            Style::default().fg(ui.theme.dim)
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    spans
}
