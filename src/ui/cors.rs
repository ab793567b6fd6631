//! The CORS rules editor: the rules table over the browser, and its forms,
//! diff and questions as popups. Key hints come from the keymap.

use super::Ui;
use super::layout::centered;
use crate::app::action::Command;
use crate::app::cors::{CorsEditor, CorsView, PRESETS, RuleField, RuleForm, TestField, TestForm};
use crate::app::field_form::FieldForm;
use crate::app::state::State;
use crate::azure::cors::{
    self as model, CorsMethod, CorsRule, DiffLine, MAX_RULES, MAX_RULES_TEXT,
};
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Position, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap},
};
use tui_input::Input;

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

/// Short names for the hint line; the keys come from the keymap.
const HINTS: &[(Command, &str)] = &[
    (Command::CorsAdd, "add"),
    (Command::CorsEdit, "edit"),
    (Command::CorsDuplicate, "duplicate"),
    (Command::CorsDelete, "delete"),
    (Command::CorsRuleUp, "earlier"),
    (Command::CorsRuleDown, "later"),
    (Command::CorsPresets, "presets"),
    (Command::CorsTest, "test"),
    (Command::CorsSave, "save"),
    (Command::CorsUndo, "undo"),
    (Command::CorsExport, "export"),
    (Command::CorsImport, "import"),
    (Command::CorsReload, "reload"),
    (Command::Cancel, "close"),
];

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

/// Rows `lines` take when wrapped at word boundaries at `width` columns
/// (words longer than a row are broken, as `Paragraph` does).
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

fn list_text(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let Some(ed) = &state.cors.editor else {
        return;
    };
    // The status line stays visible below the editor.
    let area = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    let title = format!(" CORS rules · {} · Blob service ", ed.label);
    let inner = popup(frame, area, &title, ui);
    if inner.height < 4 {
        return;
    }
    let [intro, body, check, extra, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(2),
    ])
    .areas(inner);
    let dim = Style::default().fg(ui.theme.dim);
    frame.render_widget(
        Line::styled(
            "Checked in order: the first rule whose origin and method match a request decides.",
            dim,
        ),
        intro,
    );
    draw_table(frame, body, ed, ui);
    frame.render_widget(check_line(ed, ui), check);
    let mut notes = Vec::new();
    if let Some(b) = &ed.busy {
        notes.push(Span::styled(
            format!("⠿ {b}"),
            Style::default().fg(ui.theme.accent),
        ));
    }
    if state.cors.undo.contains_key(&ed.account) && !state.changes_off() {
        notes.push(Span::styled("last save can be undone (u)", dim));
    }
    if state.changes_off() {
        notes.push(Span::styled("read-only: saving is turned off", dim));
    }
    let mut spans = Vec::new();
    for (i, n) in notes.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", dim));
        }
        spans.push(n);
    }
    frame.render_widget(Line::from(spans), extra);
    frame.render_widget(
        Paragraph::new(hint_line(ui, state.changes_off(), "cors", HINTS)).wrap(Wrap { trim: true }),
        keys,
    );

    match &ed.view {
        CorsView::Table => {}
        CorsView::Rule(form) => draw_rule_form(frame, area, form, ui),
        CorsView::Review {
            rules,
            expected,
            undo,
        } => draw_review(frame, area, expected, rules, *undo, ui),
        CorsView::Conflict {
            rules,
            expected,
            current,
            ..
        } => draw_conflict(frame, area, expected, current, rules, ui),
        CorsView::Test(form) => draw_test(frame, area, form, ed.dirty(), ui),
        CorsView::Presets { selected } => {
            let items: Vec<(String, String)> = PRESETS
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            draw_list(frame, area, " Presets ", &items, *selected, ui);
        }
        CorsView::PresetOrigin(input) => draw_prompt(
            frame,
            area,
            " Browser uploads from a web app ",
            "The web app's origin, e.g. https://ml.example.com. Its rule allows POST and PUT; a rule for * allows GET.",
            input,
            ui,
        ),
        CorsView::CopyFrom { choices, selected } => {
            let items: Vec<(String, String)> = choices
                .iter()
                .map(|(_, label)| (label.clone(), String::new()))
                .collect();
            draw_list(
                frame,
                area,
                " Copy the rules of another account ",
                &items,
                *selected,
                ui,
            );
        }
        CorsView::File { export, input } => {
            let (title, text) = if *export {
                (
                    " Export to a JSON file ",
                    "The rules as shown here go to this file (a new file; nothing is overwritten).",
                )
            } else {
                (
                    " Import from a JSON file ",
                    "The file's rules replace the ones shown here; nothing changes on the service until you save.",
                )
            };
            draw_prompt(frame, area, title, text, input, ui);
        }
        CorsView::Discard { .. } => {
            let popup_area = centered(area, 60, 5);
            let inner = popup(frame, popup_area, " Unsaved edits ", ui);
            frame.render_widget(
                Paragraph::new("Drop your unsaved edits to the CORS rules? (y/n)")
                    .wrap(Wrap { trim: false }),
                inner,
            );
        }
    }
}

fn draw_table(frame: &mut Frame, area: Rect, ed: &CorsEditor, ui: &Ui) {
    let placeholder = TablePlaceholder {
        loading: ed.loading.then_some("Reading the rules from the service…"),
        error: ed.error.as_deref(),
        empty: ed.rules.is_empty().then_some((
            "No CORS rules: browsers on other sites cannot call this account.",
            "a adds a rule · p offers presets · i imports a JSON file",
        )),
    };
    if placeholder.draw(frame, area, ui) {
        return;
    }
    let header = Row::new(
        [
            "#",
            "Allowed origins",
            "Methods",
            "Allowed headers",
            "Exposed headers",
            "Max age",
        ]
        .map(|h| Cell::from(h).style(Style::default().add_modifier(Modifier::BOLD))),
    );
    let selected_style = Style::default()
        .fg(ui.theme.selection_fg)
        .bg(ui.theme.selection_bg);
    let rows = ed.rules.iter().enumerate().map(|(i, r)| {
        let row = Row::new(vec![
            Cell::from(format!("{}", i + 1)),
            Cell::from(list_text(&r.allowed_origins)),
            Cell::from(r.methods_text()),
            Cell::from(list_text(&r.allowed_headers)),
            Cell::from(list_text(&r.exposed_headers)),
            Cell::from(format!("{}s", r.max_age_seconds)),
        ]);
        if i == ed.selected {
            row.style(selected_style)
        } else {
            row
        }
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(2),
            Constraint::Fill(3),
            Constraint::Length(20),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Length(8),
        ],
    )
    .header(header)
    .column_spacing(1);
    frame.render_widget(table, area);
}

fn check_line<'a>(ed: &CorsEditor, ui: &Ui) -> Line<'a> {
    if ed.loading || ed.error.is_some() {
        return Line::default();
    }
    let size = format!(
        "{} of {MAX_RULES} rules · {} of {MAX_RULES_TEXT} bytes",
        ed.rules.len(),
        model::rules_text_len(&ed.rules)
    );
    let dirty = if ed.dirty() {
        " · unsaved changes (s reviews and saves)"
    } else {
        " · as on the service"
    };
    match ed.validation() {
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

fn draw_rule_form(frame: &mut Frame, area: Rect, form: &RuleForm, ui: &Ui) {
    let popup_area = centered(area, 104, 19);
    let title = match form.editing {
        Some(i) => format!(" Edit rule {} ", i + 1),
        None => " New CORS rule ".to_string(),
    };
    let inner = popup(frame, popup_area, &title, ui);
    let label_width = 20u16;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in RuleField::ALL.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "›" } else { " " };
        let mut spans = vec![Span::styled(
            format!(
                "{marker}{:<width$}",
                field.title(),
                width = label_width as usize - 1
            ),
            if focused {
                bold.fg(ui.theme.accent)
            } else {
                bold
            },
        )];
        match form.input(*field) {
            None => {
                for (k, m) in CorsMethod::ALL.iter().enumerate() {
                    let ticked = form.methods.contains(m);
                    let text = format!("[{}] {}", if ticked { "x" } else { " " }, m.as_str());
                    let style = if focused && k == form.method_cursor {
                        Style::default()
                            .fg(ui.theme.selection_fg)
                            .bg(ui.theme.selection_bg)
                    } else if ticked {
                        Style::default()
                    } else {
                        dim
                    };
                    spans.push(Span::styled(text, style));
                    spans.push(Span::raw(" "));
                }
            }
            Some(input) => {
                let width = inner.width.saturating_sub(label_width + 1).max(1) as usize;
                let scroll = input.visual_scroll(width);
                spans.push(Span::raw(
                    input.value().chars().skip(scroll).collect::<String>(),
                ));
                if focused {
                    let col = input.visual_cursor().saturating_sub(scroll);
                    cursor = Some((col as u16, lines.len() as u16));
                }
            }
        }
        lines.push(Line::from(spans));
        if let Some(e) = &form.errors[i] {
            let value_width = inner.width.saturating_sub(label_width + 2) as usize;
            for part in wrap_words(&format!("✗ {e}"), value_width) {
                lines.push(Line::styled(
                    format!("{:width$}{part}", "", width = label_width as usize),
                    Style::default().fg(ui.theme.error),
                ));
            }
        }
    }
    lines.push(Line::default());
    match &form.validation {
        Ok(rule) => lines.push(Line::styled(
            format!("✓ {}", rule.summary()),
            Style::default().fg(ui.theme.info),
        )),
        Err(_) => lines.push(Line::styled(
            "✗ fix the marked fields to keep this rule",
            Style::default().fg(ui.theme.error),
        )),
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Lists: separate with commas. Origins: * or scheme://host[:port]. Headers: names, or a prefix like x-ms-meta-*.",
        dim,
    ));
    lines.push(Line::styled(
        "Tab next field · ←/→ method · Space tick · Enter keep · Esc cancel",
        dim,
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((col, row)) = cursor {
        let x = (inner.x + label_width + col).min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y + row));
    }
}

fn diff_lines<'a>(old: &[CorsRule], new: &[CorsRule], ui: &Ui) -> Vec<Line<'a>> {
    if old.is_empty() && new.is_empty() {
        return vec![Line::styled(
            "  (no rules before or after)",
            Style::default().fg(ui.theme.dim),
        )];
    }
    model::diff(old, new)
        .into_iter()
        .map(|l| match l {
            DiffLine::Same(k, s) => Line::raw(format!("  {k}. {s}")),
            DiffLine::Removed(k, s) => {
                Line::styled(format!("- {k}. {s}"), Style::default().fg(ui.theme.error))
            }
            DiffLine::Added(k, s) => {
                Line::styled(format!("+ {k}. {s}"), Style::default().fg(ui.theme.info))
            }
        })
        .collect()
}

fn draw_review(
    frame: &mut Frame,
    area: Rect,
    old: &[CorsRule],
    new: &[CorsRule],
    undo: bool,
    ui: &Ui,
) {
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = vec![Line::styled(
        "On the service now (-) and after saving (+):",
        dim,
    )];
    lines.extend(diff_lines(old, new, ui));
    lines.push(Line::default());
    lines.push(Line::styled(
        "Only the CORS rules are written; logging, metrics, delete retention, static website and default version stay as they are.",
        dim,
    ));
    lines.push(Line::styled("y / Enter: save · n / Esc: back", dim));
    let width = 110.min(area.width);
    let height = (wrapped_height(&lines, width.saturating_sub(2)) + 2).min(area.height);
    let popup_area = centered(area, width, height);
    let title = if undo {
        " Undo the last save? "
    } else {
        " Save these CORS rules? "
    };
    let inner = popup(frame, popup_area, title, ui);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn draw_conflict(
    frame: &mut Frame,
    area: Rect,
    expected: &[CorsRule],
    current: &[CorsRule],
    mine: &[CorsRule],
    ui: &Ui,
) {
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = vec![Line::styled(
        "Since the rules were read, someone else changed them on the service:",
        Style::default().fg(ui.theme.error),
    )];
    lines.extend(diff_lines(expected, current, ui));
    lines.push(Line::default());
    lines.push(Line::styled(
        "Saving yours would change theirs like this:",
        dim,
    ));
    lines.extend(diff_lines(current, mine, ui));
    lines.push(Line::default());
    lines.push(Line::styled(
        "y: save yours over theirs · r: drop your edits and show theirs · n / Esc: keep editing",
        dim,
    ));
    let width = 110.min(area.width);
    let height = (wrapped_height(&lines, width.saturating_sub(2)) + 2).min(area.height);
    let popup_area = centered(area, width, height);
    let inner = popup(
        frame,
        popup_area,
        " The CORS rules changed on the service ",
        ui,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn draw_test(frame: &mut Frame, area: Rect, form: &TestForm, dirty: bool, ui: &Ui) {
    let popup_area = centered(area, 100, 17);
    let inner = popup(frame, popup_area, " Test a rule: the real preflight ", ui);
    let label_width = 18u16;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in TestField::ALL.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "›" } else { " " };
        let mut spans = vec![Span::styled(
            format!(
                "{marker}{:<width$}",
                field.title(),
                width = label_width as usize - 1
            ),
            if focused {
                bold.fg(ui.theme.accent)
            } else {
                bold
            },
        )];
        let input = match field {
            TestField::Origin => Some(&form.origin),
            TestField::Headers => Some(&form.headers),
            TestField::Method => None,
        };
        match input {
            Some(input) => {
                let width = inner.width.saturating_sub(label_width + 1).max(1) as usize;
                let scroll = input.visual_scroll(width);
                spans.push(Span::raw(
                    input.value().chars().skip(scroll).collect::<String>(),
                ));
                if focused {
                    let col = input.visual_cursor().saturating_sub(scroll);
                    cursor = Some((col as u16, i as u16));
                }
            }
            None => spans.push(Span::styled(
                format!("◀ {} ▶", form.method().as_str()),
                if focused {
                    Style::default()
                        .fg(ui.theme.selection_fg)
                        .bg(ui.theme.selection_bg)
                } else {
                    Style::default()
                },
            )),
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::default());
    match &form.result {
        _ if form.running => lines.push(Line::styled(
            "Sending OPTIONS with Origin and Access-Control-Request-* to the account…",
            Style::default().fg(ui.theme.accent),
        )),
        None => lines.push(Line::styled(
            "Enter sends the preflight a browser would send, without credentials, to the account's Blob endpoint.",
            dim,
        )),
        Some(Err(e)) => lines.push(Line::styled(
            format!("✗ {e}"),
            Style::default().fg(ui.theme.error),
        )),
        Some(Ok(report)) => {
            let style = if report.answer.allowed {
                Style::default()
                    .fg(ui.theme.info)
                    .add_modifier(Modifier::BOLD)
            } else {
                Style::default()
                    .fg(ui.theme.error)
                    .add_modifier(Modifier::BOLD)
            };
            lines.push(Line::styled(report.headline(), style));
            lines.push(Line::from(vec![
                Span::styled("Service: ", bold),
                Span::raw(report.answer.describe()),
            ]));
            lines.push(Line::from(vec![
                Span::styled("Why: ", bold),
                Span::raw(report.verdict.explain(&report.request)),
            ]));
            if !report.agrees() {
                lines.push(Line::styled(
                    "Note: the service's answer differs from blobx's reading of the rules; browsers get the service's answer.",
                    Style::default().fg(ui.theme.error),
                ));
            }
        }
    }
    lines.push(Line::default());
    if dirty {
        lines.push(Line::styled(
            "This tests the rules saved on the service, not your unsaved edits.",
            Style::default().fg(ui.theme.error),
        ));
    }
    lines.push(Line::styled(
        "Tab next field · ←/→ method · headers comma-separated · Enter send · Esc back",
        dim,
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((col, row)) = cursor {
        let x = (inner.x + label_width + col).min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y + row));
    }
}

fn draw_list(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    items: &[(String, String)],
    selected: usize,
    ui: &Ui,
) {
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = Vec::new();
    for (i, (name, about)) in items.iter().enumerate() {
        let style = if i == selected {
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        };
        lines.push(Line::styled(format!(" {name} "), style));
        if !about.is_empty() {
            lines.push(Line::styled(format!("   {about}"), dim));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled("↑/↓ choose · Enter pick · Esc back", dim));
    let width = 100.min(area.width);
    let height = (wrapped_height(&lines, width.saturating_sub(2)) + 2).min(area.height);
    let popup_area = centered(area, width, height);
    let inner = popup(frame, popup_area, title, ui);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn draw_prompt(frame: &mut Frame, area: Rect, title: &str, text: &str, input: &Input, ui: &Ui) {
    let popup_area = centered(area, 90, 7);
    let inner = popup(frame, popup_area, title, ui);
    if inner.height < 3 {
        return;
    }
    let width = inner.width.max(1) as usize;
    let scroll = input.visual_scroll(width.saturating_sub(2));
    let value: String = input.value().chars().skip(scroll).collect();
    let lines = vec![
        Line::styled(text.to_string(), Style::default().fg(ui.theme.dim)),
        Line::from(vec![
            Span::styled("› ", Style::default().fg(ui.theme.accent)),
            Span::raw(value),
        ]),
        Line::styled("Enter ok · Esc back", Style::default().fg(ui.theme.dim)),
    ];
    let text_rows = (text.chars().count() as u16).div_ceil(inner.width.max(1));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    let col = input.visual_cursor().saturating_sub(scroll) as u16;
    let x = (inner.x + 2 + col).min(inner.right().saturating_sub(1));
    frame.set_cursor_position(Position::new(x, inner.y + text_rows));
}

#[cfg(test)]
mod tests {
    use crate::app::action::{Action, Command};
    use crate::app::cors::CorsEvent;
    use crate::app::effect::Effect;
    use crate::app::state::{AccountNode, State};
    use crate::azure::cors::{
        PreflightAnswer, PreflightReport, PreflightRequest, Verdict, preset_browser_uploads,
    };
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::ui::snapshot_tests::render;

    #[test]
    fn an_editor_table_says_why_it_has_no_rows() {
        let show = |p: super::TablePlaceholder| {
            let mut drawn = false;
            let text = crate::ui::snapshot_tests::render_with(60, 3, |f, ui| {
                drawn = p.draw(f, f.area(), ui);
            });
            (drawn, text)
        };
        let (drawn, text) = show(super::TablePlaceholder {
            loading: Some("Reading…"),
            error: Some("boom"),
            empty: None,
        });
        assert!(drawn && text.contains("Reading…") && !text.contains("boom"));
        let (_, text) = show(super::TablePlaceholder {
            loading: None,
            error: Some("boom"),
            empty: Some(("none", "a adds")),
        });
        assert!(text.contains("boom") && text.contains("r tries again") && !text.contains("none"));
        let (_, text) = show(super::TablePlaceholder {
            loading: None,
            error: None,
            empty: Some(("none here", "a adds")),
        });
        assert!(text.contains("none here") && text.contains("a adds"));
        let (drawn, _) = show(super::TablePlaceholder {
            loading: None,
            error: None,
            empty: None,
        });
        assert!(!drawn, "rows to show: the table draws them");
    }

    /// The emulator account's editor with the browser-uploads rules loaded.
    fn editor() -> (State, u64) {
        let mut s = State::new(vec![AccountNode::new(
            crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap(),
        )]);
        s.start(None, Some(0));
        s.update(Action::Resize {
            width: 120,
            height: 30,
        });
        let effects = s.update(Action::Command(Command::Cors));
        let Some(Effect::Cors(crate::app::cors::CorsEffect::Load { generation, .. })) =
            effects.first().cloned()
        else {
            panic!("{effects:?}")
        };
        s.update(Action::Cors(CorsEvent::Loaded {
            generation,
            result: Ok(preset_browser_uploads("https://ml.example.com").unwrap()),
        }));
        (s, generation)
    }

    fn typed(s: &mut State, text: &str) {
        for c in text.chars() {
            s.update(Action::Input(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
    }

    #[test]
    fn rules_table_with_an_unsaved_edit() {
        let (mut s, _) = editor();
        s.update(Action::Command(Command::Down));
        s.update(Action::Command(Command::CorsDuplicate));
        insta::assert_snapshot!(render(&s, 120, 30));
    }

    #[test]
    fn rule_form_says_what_is_wrong() {
        let (mut s, _) = editor();
        s.update(Action::Command(Command::CorsAdd));
        typed(&mut s, "https://app.example.com/upload");
        s.update(Action::Command(Command::NextField));
        s.update(Action::Input(KeyEvent::new(
            KeyCode::Right,
            KeyModifiers::NONE,
        )));
        s.update(Action::Command(Command::NextField));
        s.update(Action::Command(Command::NextField));
        s.update(Action::Command(Command::NextField));
        s.update(Action::Input(KeyEvent::new(
            KeyCode::Char('-'),
            KeyModifiers::NONE,
        )));
        insta::assert_snapshot!(render(&s, 120, 30));
    }

    #[test]
    fn diff_before_saving() {
        let (mut s, _) = editor();
        s.update(Action::Command(Command::CorsDelete));
        s.update(Action::Command(Command::CorsPresets));
        s.update(Action::Command(Command::Down));
        s.update(Action::Command(Command::CorsEdit));
        s.update(Action::Command(Command::CorsSave));
        insta::assert_snapshot!(render(&s, 120, 30));
    }

    #[test]
    fn preflight_test_result() {
        let (mut s, generation) = editor();
        s.update(Action::Command(Command::Down));
        s.update(Action::Command(Command::CorsTest));
        s.update(Action::Command(Command::NextField));
        for _ in 0..2 {
            s.update(Action::Input(KeyEvent::new(
                KeyCode::Right,
                KeyModifiers::NONE,
            )));
        }
        let request = PreflightRequest {
            origin: "https://ml.example.com".into(),
            method: "PUT".into(),
            headers: vec!["x-ms-blob-type".into()],
        };
        let rules = preset_browser_uploads("https://ml.example.com").unwrap();
        s.update(Action::Cors(CorsEvent::Tested {
            generation,
            result: Ok(PreflightReport {
                request,
                answer: PreflightAnswer {
                    status: 200,
                    allowed: true,
                    allow_origin: Some("https://ml.example.com".into()),
                    allow_methods: Some("PUT".into()),
                    allow_headers: Some("x-ms-blob-type".into()),
                    max_age: Some("3000".into()),
                    error_code: None,
                    message: None,
                },
                rules,
                verdict: Verdict::Allowed { rule: 1 },
            }),
        }));
        insta::assert_snapshot!(render(&s, 120, 30));
    }
}
