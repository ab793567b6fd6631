//! The stored access policies editor: the policies table over the browser,
//! and its form, diff and questions as popups. Key hints come from the keymap.

use super::Ui;
use super::editor::{
    self, TablePlaceholder, busy_note, draw_hints, editor_frame, selectable_table, text_popup,
};
use super::form_rows::{FormRows, checkboxes};
use super::layout::centered;
use crate::app::action::Command;
use crate::app::policies::{
    PERMISSIONS, PolicyChange, PolicyEditor, PolicyField, PolicyForm, PolicyView, policy_status,
    show_time,
};
use crate::app::state::State;
use crate::azure::access::{MAX_POLICIES, StoredPolicy};
use ratatui::{
    Frame,
    layout::{Constraint, Rect},
    style::Style,
    text::{Line, Span},
    widgets::{Cell, Row},
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

/// The table's columns: header and width.
const COLUMNS: [(&str, Constraint); 5] = [
    ("Identifier", Constraint::Fill(1)),
    ("Permissions", Constraint::Length(12)),
    ("Start (UTC)", Constraint::Length(19)),
    ("Expiry (UTC)", Constraint::Length(19)),
    ("Status", Constraint::Length(26)),
];

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let Some(ed) = state.policies() else {
        return;
    };
    let level = match &ed.base {
        Some(b) => format!(
            "public access: {} (kept as it is)",
            b.public_access.as_str()
        ),
        None => "public access: …".into(),
    };
    let title = format!(" Stored access policies · {} · {level} ", ed.container);
    let intro = "A SAS bound to a policy takes its permissions and times from here: edit or delete one to change or revoke them.";
    let Some(areas) = editor_frame(frame, area, &title, intro, ui) else {
        return;
    };
    let area = areas.area;
    let dim = Style::default().fg(ui.theme.dim);
    draw_table(frame, areas.body, ed, ui);
    frame.render_widget(check_line(ed, ui), areas.check);
    let mut notes: Vec<Span> = busy_note(ed.busy.as_deref(), ui).into_iter().collect();
    if state.changes_off() {
        notes.push(Span::styled(
            "read-only: adding, editing, deleting and saving are turned off",
            dim,
        ));
    }
    frame.render_widget(Line::from(notes), areas.extra);
    draw_hints(
        frame,
        areas.keys,
        ui,
        state.changes_off(),
        "policies",
        HINTS,
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
    text_popup(frame, area, 72, title, lines, ui);
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
    let rows = ed.policies.iter().map(|p| {
        let status = policy_status(p, ed.now);
        let status_style = if status == "expired" {
            Style::default().fg(ui.theme.error)
        } else {
            Style::default()
        };
        Row::new(vec![
            Cell::from(p.id.clone()),
            Cell::from(perms_text(p)),
            Cell::from(show_time(p.start)),
            Cell::from(show_time(p.expiry)),
            Cell::from(status).style(status_style),
        ])
    });
    let table = selectable_table(&COLUMNS, rows, ed.selected, ui);
    frame.render_widget(table, area);
}

fn check_line<'a>(ed: &PolicyEditor, ui: &Ui) -> Line<'a> {
    if ed.loading || ed.error.is_some() {
        return Line::default();
    }
    let size = format!("{} of {MAX_POLICIES} policies", ed.policies.len());
    editor::check_line(size, ed.dirty(), ed.validation(), ui)
}

fn draw_form(frame: &mut Frame, area: Rect, form: &PolicyForm, ui: &Ui) {
    let popup_area = centered(area, 96, 16);
    let title = match form.editing {
        Some(_) => " Edit stored access policy ",
        None => " New stored access policy ",
    };
    let inner = editor::popup(frame, popup_area, title, ui);
    let mut rows = FormRows::new(inner, 16);
    let permissions = |_, focused: bool| {
        let boxes = PERMISSIONS.iter().map(|(letter, word)| {
            (
                format!("{letter} {word}"),
                form.permissions.contains(*letter),
            )
        });
        checkboxes(boxes, focused.then_some(form.perm_cursor), ui)
    };
    rows.fields(form, PolicyField::title, &form.errors, permissions, ui);
    let verdict = match &form.validation {
        Ok(p) => Ok(summary(p)),
        Err(e) if form.errors.iter().all(Option::is_none) => Err(e.clone()),
        Err(_) => Err("fix the marked fields to keep this policy".to_string()),
    };
    let help = [
        "Times (UTC): 2026-12-31, 2026-12-31T18:00Z, +7d or +12h from now; empty = none.",
        "Tab next field · ←/→ permission · Space tick · Enter keep · Esc cancel",
    ];
    rows.draw_with(frame, verdict, &help, ui);
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
    let title = " Save these stored access policies? ";
    text_popup(frame, area, 110, title, lines, ui);
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
            crate::ui::help::lines(&ui, readonly, "normal")
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
