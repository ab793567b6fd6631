//! The CORS rules editor: the rules table over the browser, and its forms,
//! diff and questions as popups. Key hints come from the keymap.

use super::Ui;
use super::editor::{
    self, TablePlaceholder, busy_note, draw_hints, editor_frame, popup, selectable_table,
    text_popup,
};
use super::form_rows::{FormRows, checkboxes};
use super::layout::centered;
use crate::app::action::Command;
use crate::app::cors::{CorsEditor, CorsView, PRESETS, RuleField, RuleForm, TestField, TestForm};
use crate::app::state::State;
use crate::azure::cors::{
    self as model, CorsMethod, CorsRule, DiffLine, MAX_RULES, MAX_RULES_TEXT,
};
use ratatui::{
    Frame,
    layout::{Constraint, Position, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Cell, Paragraph, Row, Wrap},
};
use tui_input::Input;

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

fn list_text(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

/// The table's columns: header and width.
const COLUMNS: [(&str, Constraint); 6] = [
    ("#", Constraint::Length(2)),
    ("Allowed origins", Constraint::Fill(3)),
    ("Methods", Constraint::Length(20)),
    ("Allowed headers", Constraint::Fill(2)),
    ("Exposed headers", Constraint::Fill(2)),
    ("Max age", Constraint::Length(8)),
];

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let Some(ed) = state.cors_editor() else {
        return;
    };
    let title = format!(" CORS rules · {} · Blob service ", ed.label);
    let intro = "Checked in order: the first rule whose origin and method match a request decides.";
    let Some(areas) = editor_frame(frame, area, &title, intro, ui) else {
        return;
    };
    let area = areas.area;
    let dim = Style::default().fg(ui.theme.dim);
    draw_table(frame, areas.body, ed, ui);
    frame.render_widget(check_line(ed, ui), areas.check);
    let mut notes: Vec<Span> = busy_note(ed.busy.as_deref(), ui).into_iter().collect();
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
    frame.render_widget(Line::from(spans), areas.extra);
    draw_hints(frame, areas.keys, ui, state.changes_off(), "cors", HINTS);

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
    let rows = ed.rules.iter().enumerate().map(|(i, r)| {
        Row::new(vec![
            Cell::from(format!("{}", i + 1)),
            Cell::from(list_text(&r.allowed_origins)),
            Cell::from(r.methods_text()),
            Cell::from(list_text(&r.allowed_headers)),
            Cell::from(list_text(&r.exposed_headers)),
            Cell::from(format!("{}s", r.max_age_seconds)),
        ])
    });
    let table = selectable_table(&COLUMNS, rows, ed.selected, ui);
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
    editor::check_line(size, ed.dirty(), ed.validation(), ui)
}

fn draw_rule_form(frame: &mut Frame, area: Rect, form: &RuleForm, ui: &Ui) {
    let popup_area = centered(area, 104, 19);
    let title = match form.editing {
        Some(i) => format!(" Edit rule {} ", i + 1),
        None => " New CORS rule ".to_string(),
    };
    let inner = popup(frame, popup_area, &title, ui);
    let mut rows = FormRows::new(inner, 20);
    let methods = |_, focused: bool| {
        let boxes = CorsMethod::ALL
            .iter()
            .map(|m| (m.as_str().to_string(), form.methods.contains(m)));
        checkboxes(boxes, focused.then_some(form.method_cursor), ui)
    };
    rows.fields(form, RuleField::title, &form.errors, methods, ui);
    let verdict = match &form.validation {
        Ok(rule) => Ok(rule.summary()),
        Err(_) => Err("fix the marked fields to keep this rule".to_string()),
    };
    let help = [
        "Lists: separate with commas. Origins: * or scheme://host[:port]. Headers: names, or a prefix like x-ms-meta-*.",
        "Tab next field · ←/→ method · Space tick · Enter keep · Esc cancel",
    ];
    rows.draw_with(frame, verdict, &help, ui);
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
    let title = if undo {
        " Undo the last save? "
    } else {
        " Save these CORS rules? "
    };
    text_popup(frame, area, 110, title, lines, ui);
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
    let title = " The CORS rules changed on the service ";
    text_popup(frame, area, 110, title, lines, ui);
}

fn draw_test(frame: &mut Frame, area: Rect, form: &TestForm, dirty: bool, ui: &Ui) {
    let popup_area = centered(area, 100, 17);
    let inner = popup(frame, popup_area, " Test a rule: the real preflight ", ui);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(ui.theme.dim);
    let mut rows = FormRows::new(inner, 18);
    let method = |_, focused: bool| {
        let style = if focused {
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg)
        } else {
            Style::default()
        };
        vec![Span::styled(
            format!("◀ {} ▶", form.method().as_str()),
            style,
        )]
    };
    rows.fields(form, TestField::title, &[], method, ui);
    let lines = &mut rows.lines;
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
    rows.draw(frame);
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
    text_popup(frame, area, 100, title, lines, ui);
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
