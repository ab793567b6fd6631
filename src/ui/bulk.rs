//! The bulk change form (`=` on marked blobs) and its review step.

use super::Ui;
use super::editor::popup;
use super::form_rows::FormRows;
use super::format::display_name;
use super::layout::centered;
use crate::app::bulk::{BulkField, BulkForm, TIERS};
use ratatui::{
    Frame,
    layout::Rect,
    style::Style,
    text::{Line, Span},
};

const HELP: &[&str] = &[
    "Empty fields change nothing; - clears a header. Metadata and tags: key=value; -key removes.",
    "Left/Right or Space pick the action and tier · Tab/↑/↓ move · Enter reviews · Esc closes",
];

fn choice<'a>(options: &[&str], chosen: usize, ui: &Ui) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    for (i, o) in options.iter().enumerate() {
        let style = if i == chosen {
            Style::default()
                .fg(ui.theme.selection_fg)
                .bg(ui.theme.selection_bg)
        } else {
            Style::default().fg(ui.theme.dim)
        };
        // Brackets too: the choice reads without colours.
        let text = if i == chosen {
            format!("[{o}]")
        } else {
            format!(" {o} ")
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    spans
}

pub fn draw(frame: &mut Frame, area: Rect, form: &BulkForm, ui: &Ui) {
    let title = format!(
        " Change {} blob{} in {} ",
        form.blobs.len(),
        if form.blobs.len() == 1 { "" } else { "s" },
        display_name(&form.container)
    );
    if form.review {
        let inner = popup(frame, centered(area, 84, 16), &title, ui);
        let mut rows = FormRows::new(inner, 2);
        for line in form.review_lines() {
            rows.push(Line::raw(format!(" {}", display_name(&line))));
        }
        rows.push(Line::default());
        rows.push(Line::styled(
            " Enter starts it · Esc goes back to the form",
            Style::default().fg(ui.theme.accent),
        ));
        rows.draw(frame);
        return;
    }
    let inner = popup(frame, centered(area, 96, 19), &title, ui);
    let mut rows = FormRows::new(inner, 16);
    let tiers: Vec<&str> = TIERS
        .iter()
        .map(|t| t.map_or("keep", |t| t.as_str()))
        .collect();
    let delete = form.delete;
    rows.fields(
        form,
        BulkField::title,
        &form.errors,
        |field, _| match field {
            BulkField::Action => choice(&["change", "delete"], usize::from(delete), ui),
            BulkField::Tier => choice(&tiers, form.tier, ui),
            _ => Vec::new(),
        },
        ui,
    );
    let verdict = match &form.validation {
        Ok(_) => Ok(form
            .review_lines()
            .into_iter()
            .next()
            .unwrap_or_default()
            .replace('\n', " ")),
        Err(e) if e.is_empty() => Err(String::new()),
        Err(e) => Err(e.clone()),
    };
    rows.draw_with(frame, verdict, HELP, ui);
}

#[cfg(test)]
mod tests {
    use crate::app::action::{Action, Command};
    use crate::app::update_tests::{in_container, type_text};
    use crate::ui::snapshot_tests::render;

    #[test]
    fn bulk_form_and_review() {
        let mut s = in_container(&["a.csv", "b.csv", "c.csv"]);
        s.update(Action::Command(Command::MarkAll));
        s.update(Action::Command(Command::BulkChange));
        s.update(Action::Command(Command::NextField));
        s.update(Action::Input(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Right,
            crossterm::event::KeyModifiers::NONE,
        )));
        s.update(Action::Command(Command::NextField));
        type_text(&mut s, "text/csv; charset=utf-8");
        s.update(Action::Command(Command::NextField));
        type_text(&mut s, "max-age=3600");
        for _ in 0..5 {
            s.update(Action::Command(Command::NextField));
        }
        type_text(&mut s, "project=churn; bad!=1");
        let form = render(&s, 100, 24);
        assert!(form.contains("✗"), "the bad tag key is shown as typed");
        insta::assert_snapshot!("bulk_form", form);
        for _ in 0.."; bad!=1".len() {
            s.update(Action::Input(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Backspace,
                crossterm::event::KeyModifiers::NONE,
            )));
        }
        s.update(Action::Command(Command::Accept));
        insta::assert_snapshot!("bulk_review", render(&s, 100, 24));
    }
}
