//! The stored access policies editor: the policies table over the browser,
//! and its form, diff and questions as popups. Key hints come from the keymap.

use super::Ui;
use super::cors::{TablePlaceholder, hint_line, popup, wrap_words, wrapped_height};
use super::layout::centered;
use crate::app::action::Command;
use crate::app::field_form::FieldForm;
use crate::app::policies::{
    PERMISSIONS, PolicyChange, PolicyEditor, PolicyField, PolicyForm, PolicyView, policy_status,
    show_time,
};
use crate::app::state::State;
use crate::azure::access::{MAX_POLICIES, StoredPolicy};
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Position, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Cell, Paragraph, Row, Table, Wrap},
};

/// Short names for the hint line; the keys come from the keymap.
const HINTS: &[(Command, &str)] = &[
    (Command::PoliciesAdd, "add"),
    (Command::PoliciesEdit, "edit"),
    (Command::PoliciesDelete, "delete"),
    (Command::PoliciesSave, "save"),
    (Command::PoliciesReload, "reload"),
    (Command::Cancel, "close"),
];

fn perms_text(p: &StoredPolicy) -> String {
    if p.permissions.is_empty() {
        "- (the SAS names them)".into()
    } else {
        p.permissions.clone()
    }
}

/// One line about a policy, for the diff.
fn summary(p: &StoredPolicy) -> String {
    format!(
        "{} · {} · start {} · expiry {}",
        p.id,
        perms_text(p),
        show_time(p.start),
        show_time(p.expiry)
    )
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let Some(ed) = &state.policies else {
        return;
    };
    // The status line stays visible below the editor.
    let area = Rect {
        height: area.height.saturating_sub(1),
        ..area
    };
    let level = match &ed.base {
        Some(b) => format!(
            "public access: {} (kept as it is)",
            b.public_access.as_str()
        ),
        None => "public access: …".into(),
    };
    let title = format!(" Stored access policies · {} · {level} ", ed.container);
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
            "A SAS bound to a policy takes its permissions and times from here: edit or delete one to change or revoke them.",
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
    if state.changes_off() {
        notes.push(Span::styled(
            "read-only: adding, editing, deleting and saving are turned off",
            dim,
        ));
    }
    frame.render_widget(Line::from(notes), extra);
    frame.render_widget(
        Paragraph::new(hint_line(ui, state.changes_off(), "policies", HINTS))
            .wrap(Wrap { trim: true }),
        keys,
    );

    match &ed.view {
        PolicyView::Table => {}
        PolicyView::Form(form) => draw_form(frame, area, form, ui),
        PolicyView::ConfirmDelete(i) => {
            let id = ed.policies.get(*i).map(|p| p.id.as_str()).unwrap_or("?");
            let text = format!(
                "Delete policy {id}? SAS tokens bound to it stop working once you save. (y/n)"
            );
            question(frame, area, " Delete a policy ", &text, ui);
        }
        PolicyView::Review(changes) => {
            let level = ed
                .base
                .as_ref()
                .map(|b| b.public_access.as_str())
                .unwrap_or("?");
            draw_review(frame, area, changes, level, ui);
        }
        PolicyView::Conflict(why) => {
            let text = format!(
                "{why}\n\nr / y: read what is on the service now (drops your edits) · n / Esc: keep editing"
            );
            question(frame, area, " The access settings changed ", &text, ui);
        }
        PolicyView::Discard { .. } => question(
            frame,
            area,
            " Unsaved edits ",
            "Drop your unsaved edits to the stored access policies? (y/n)",
            ui,
        ),
    }
}

fn question(frame: &mut Frame, area: Rect, title: &str, text: &str, ui: &Ui) {
    let lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
    let width = 72.min(area.width);
    let height = (wrapped_height(&lines, width.saturating_sub(2)) + 2).min(area.height);
    let inner = popup(frame, centered(area, width, height), title, ui);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn draw_table(frame: &mut Frame, area: Rect, ed: &PolicyEditor, ui: &Ui) {
    let placeholder = TablePlaceholder {
        loading: ed
            .loading
            .then_some("Reading the container's access policies…"),
        error: ed.error.as_deref(),
        empty: ed.policies.is_empty().then_some((
            "No stored access policies on this container.",
            "a adds one; a SAS can then be bound to it (and revoked by deleting it).",
        )),
    };
    if placeholder.draw(frame, area, ui) {
        return;
    }
    let header = Row::new(
        [
            "Identifier",
            "Permissions",
            "Start (UTC)",
            "Expiry (UTC)",
            "Status",
        ]
        .map(|h| Cell::from(h).style(Style::default().add_modifier(Modifier::BOLD))),
    );
    let selected_style = Style::default()
        .fg(ui.theme.selection_fg)
        .bg(ui.theme.selection_bg);
    let rows = ed.policies.iter().enumerate().map(|(i, p)| {
        let status = policy_status(p, ed.now);
        let status_style = if status == "expired" {
            Style::default().fg(ui.theme.error)
        } else {
            Style::default()
        };
        let row = Row::new(vec![
            Cell::from(p.id.clone()),
            Cell::from(perms_text(p)),
            Cell::from(show_time(p.start)),
            Cell::from(show_time(p.expiry)),
            Cell::from(status).style(status_style),
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
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(19),
            Constraint::Length(19),
            Constraint::Length(26),
        ],
    )
    .header(header)
    .column_spacing(1);
    frame.render_widget(table, area);
}

fn check_line<'a>(ed: &PolicyEditor, ui: &Ui) -> Line<'a> {
    if ed.loading || ed.error.is_some() {
        return Line::default();
    }
    let size = format!("{} of {MAX_POLICIES} policies", ed.policies.len());
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

fn draw_form(frame: &mut Frame, area: Rect, form: &PolicyForm, ui: &Ui) {
    let popup_area = centered(area, 96, 16);
    let title = match form.editing {
        Some(_) => " Edit stored access policy ",
        None => " New stored access policy ",
    };
    let inner = popup(frame, popup_area, title, ui);
    let label_width = 16u16;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(ui.theme.dim);
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in PolicyField::ALL.iter().enumerate() {
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
                for (k, (letter, word)) in PERMISSIONS.iter().enumerate() {
                    let ticked = form.permissions.contains(*letter);
                    let text = format!("[{}] {letter} {word}", if ticked { "x" } else { " " });
                    let style = if focused && k == form.perm_cursor {
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
        Ok(p) => lines.push(Line::styled(
            format!("✓ {}", summary(p)),
            Style::default().fg(ui.theme.info),
        )),
        Err(e) if form.errors.iter().all(Option::is_none) => lines.push(Line::styled(
            format!("✗ {e}"),
            Style::default().fg(ui.theme.error),
        )),
        Err(_) => lines.push(Line::styled(
            "✗ fix the marked fields to keep this policy",
            Style::default().fg(ui.theme.error),
        )),
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "Times (UTC): 2026-12-31, 2026-12-31T18:00Z, +7d or +12h from now; empty = none.",
        dim,
    ));
    lines.push(Line::styled(
        "Tab next field · ←/→ permission · Space tick · Enter keep · Esc cancel",
        dim,
    ));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((col, row)) = cursor {
        let x = (inner.x + label_width + col).min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y + row));
    }
}

fn draw_review(frame: &mut Frame, area: Rect, changes: &[PolicyChange], level: &str, ui: &Ui) {
    let dim = Style::default().fg(ui.theme.dim);
    let added = Style::default().fg(ui.theme.info);
    let removed = Style::default().fg(ui.theme.error);
    let mut lines = vec![Line::styled("Saving changes these policies:", dim)];
    for c in changes {
        match c {
            PolicyChange::Added(p) => {
                lines.push(Line::styled(format!("+ added   {}", summary(p)), added))
            }
            PolicyChange::Removed(p) => {
                lines.push(Line::styled(format!("- removed {}", summary(p)), removed))
            }
            PolicyChange::Changed { before, after } => {
                lines.push(Line::styled(
                    format!("~ changed {}", summary(before)),
                    removed,
                ));
                lines.push(Line::styled(format!("       to {}", summary(after)), added));
            }
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!("The public access level stays {level}; the save stops if the ACL changed since it was read."),
        dim,
    ));
    lines.push(Line::styled("y / Enter: save · n / Esc: back", dim));
    let width = 110.min(area.width);
    let height = (wrapped_height(&lines, width.saturating_sub(2)) + 2).min(area.height);
    let inner = popup(
        frame,
        centered(area, width, height),
        " Save these stored access policies? ",
        ui,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use crate::app::action::{Action, Command};
    use crate::app::policies::tests::{at, opened, policy};
    use crate::app::state::State;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::ui::snapshot_tests::render;

    fn sized(mut s: State) -> State {
        s.update(Action::Resize {
            width: 120,
            height: 30,
        });
        s
    }

    fn typed(s: &mut State, text: &str) {
        for c in text.chars() {
            s.update(Action::Input(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
    }

    fn three() -> State {
        let mut later = policy("upload-next-week", "acw", "2027-03-01");
        later.start = at("2026-11-25T12:00Z");
        let (s, _) = opened(vec![
            policy("readers", "rl", "2027-01-01T18:00Z"),
            later,
            policy("old-export", "r", "2026-10-01"),
        ]);
        sized(s)
    }

    #[test]
    fn policies_table_with_statuses() {
        let mut s = three();
        s.update(Action::Command(Command::Down));
        insta::assert_snapshot!(render(&s, 120, 30));
    }

    #[test]
    fn policy_form_says_what_is_wrong() {
        let mut s = three();
        s.update(Action::Command(Command::PoliciesAdd));
        typed(&mut s, "readers");
        s.update(Action::Command(Command::NextField));
        s.update(Action::Input(KeyEvent::new(
            KeyCode::Right,
            KeyModifiers::NONE,
        )));
        s.update(Action::Command(Command::NextField));
        typed(&mut s, "2027-06-01");
        insta::assert_snapshot!(render(&s, 120, 30));
    }

    #[test]
    fn read_only_shows_the_table_without_the_changing_keys() {
        let mut s = three();
        s.readonly = true;
        let screen = render(&s, 120, 30);
        assert!(screen.contains("read-only: adding, editing"), "{screen}");
        assert!(screen.contains("r reload"), "{screen}");
        assert!(!screen.contains("a add"), "{screen}");
        assert!(!screen.contains("s save"), "{screen}");
        assert!(screen.contains("upload-next-week"));
    }

    #[test]
    fn help_lists_the_policies_keys_and_readonly_hides_the_changes() {
        let keymap = crate::config::Keymap::default();
        let theme = crate::config::Theme::default();
        let ui = crate::ui::Ui {
            keymap: &keymap,
            theme: &theme,
        };
        let text = |readonly| {
            crate::ui::help::lines(&ui, readonly)
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let all = text(false);
        assert!(all.contains("Stored access policies (P on a container)"));
        assert!(all.contains("Add a stored access policy"));
        assert!(all.contains("Review the changes and save them"));
        let ro = text(true);
        assert!(ro.contains("Stored access policies of the container"));
        assert!(!ro.contains("Add a stored access policy"));
        assert!(!ro.contains("Delete the selected policy"));
        for (_, _, d) in crate::app::action::COMMANDS {
            assert!(d.chars().count() <= 40 || !d.contains("polic"), "{d}");
        }
    }

    #[test]
    fn diff_before_saving() {
        let mut s = three();
        s.update(Action::Command(Command::Bottom));
        s.update(Action::Command(Command::PoliciesDelete));
        s.update(Action::Command(Command::Yes));
        s.update(Action::Command(Command::Top));
        s.update(Action::Command(Command::PoliciesEdit));
        s.update(Action::Command(Command::NextField));
        typed(&mut s, "w");
        s.update(Action::Command(Command::Accept));
        s.update(Action::Command(Command::PoliciesSave));
        insta::assert_snapshot!(render(&s, 120, 30));
    }
}
