//! The attach/edit account form and the yes/no question, drawn over the list.

use super::Ui;
use super::editor::popup;
use super::form_rows::FormRows;
use super::format::display_name;
use super::layout::centered;
use crate::app::form::{AttachForm, AttachKind, Field};
use crate::app::state::{Confirm, State};
use ratatui::{
    Frame,
    layout::Rect,
    style::Style,
    text::{Line, Span},
    widgets::{Block, Borders, Clear, Paragraph, Wrap},
};

/// How a secret field looks unless revealed: its length, not its content.
fn masked(value: &str) -> String {
    "•".repeat(value.chars().count().min(48))
}

pub fn draw_form(frame: &mut Frame, area: Rect, form: &AttachForm, ui: &Ui) {
    let title = if form.editing.is_some() {
        " Edit account "
    } else {
        " Attach a storage account "
    };
    let inner = popup(frame, centered(area, 90, 14), title, ui);

    let dim = Style::default().fg(ui.theme.dim);
    let mut rows = FormRows::new(inner, 21);
    for (i, field) in form.fields().iter().enumerate() {
        let focused = i == form.focus;
        let mut spans = vec![rows.label(field.title(form.kind), focused, ui)];
        match (field, form.input(*field)) {
            (Field::Kind, _) => {
                for kind in AttachKind::ALL {
                    let style = if kind == form.kind {
                        Style::default()
                            .fg(ui.theme.selection_fg)
                            .bg(ui.theme.selection_bg)
                    } else {
                        dim
                    };
                    spans.push(Span::styled(format!(" {} ", kind.label()), style));
                    spans.push(Span::raw(" "));
                }
            }
            // A secret shows its length, not its content, with the cursor at its end.
            (Field::Secret, Some(input)) if !form.reveal => {
                let shown = masked(input.value());
                if focused {
                    rows.cursor_at(shown.chars().count());
                }
                spans.push(Span::raw(shown));
            }
            (_, Some(input)) => spans.push(rows.input(input, focused)),
            (_, None) => {}
        }
        rows.push(Line::from(spans));
    }
    let lines = &mut rows.lines;
    lines.push(Line::default());
    match &form.validation {
        Ok(p) => {
            let what = match &p.container {
                Some(c) => format!("✓ {} · container {c} · {}", p.name, p.blob_endpoint),
                None => format!("✓ {} · {}", p.name, p.blob_endpoint),
            };
            lines.push(Line::styled(what, Style::default().fg(ui.theme.info)));
        }
        Err(e) if e.is_empty() => lines.push(Line::default()),
        Err(e) => lines.push(Line::styled(
            format!("✗ {e}"),
            Style::default().fg(ui.theme.error),
        )),
    }
    lines.push(Line::default());
    let reveal = if form.reveal { "mask" } else { "reveal" };
    lines.push(Line::styled(
        format!("Tab next field · ←/→ type · Ctrl-R {reveal} secret · Enter save · Esc cancel"),
        dim,
    ));
    lines.push(Line::styled(
        "Paste a connection string or SAS URL into any field: blobx fills the rest.",
        dim,
    ));
    rows.draw(frame);
}

/// The start-up question about an earlier run's transfers. It promises
/// nothing about reuse: whether the service still has an upload's blocks (or
/// the disk a download's `.part`) is checked on resuming, and each row says.
fn resume_question(entries: &[crate::transfer::journal::Entry]) -> String {
    let n = entries.len();
    let mut names: Vec<String> = entries
        .iter()
        .take(3)
        .map(|e| {
            let arrow = if e.kind == "upload" { "↑" } else { "↓" };
            format!("{arrow} {}", display_name(&e.blob))
        })
        .collect();
    if n > 3 {
        names.push(format!("and {} more", n - 3));
    }
    format!(
        "{n} transfer{} did not finish last time: {}.\ny: resume (each row then says what was reused and what is sent again)\nn: not now (asked again at the next start)\nd: discard (forget them and delete their .part files)",
        if n == 1 { "" } else { "s" },
        names.join(", ")
    )
}

pub fn draw_confirm(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let Some(question) = state.layers.confirm() else {
        return;
    };
    let text = match question {
        Confirm::Detach { account } => {
            let label = state
                .accounts
                .get(*account)
                .map(|a| a.label().to_string())
                .unwrap_or_default();
            format!("Detach {label}? Its entry and its secret are removed from the config. (y/n)")
        }
        Confirm::Conflicts { specs, existing } => format!(
            "{existing} of {} targets already exist.\ns: skip them · o: overwrite · k: keep both (name (1).ext) · i: overwrite if the size differs · Esc: queue nothing",
            specs.len()
        ),
        Confirm::CreateContainers { missing, specs, .. } => format!(
            "{}. Create {} and write the {} item{} into {}? (y/n)",
            super::format::escape(
                &missing
                    .iter()
                    .map(|m| m.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            if missing.len() == 1 { "it" } else { "them" },
            specs.len(),
            if specs.len() == 1 { "" } else { "s" },
            if missing.len() == 1 { "it" } else { "them" },
        ),
        Confirm::AttachSas { url, .. } => {
            let account = crate::azure::connection::parse_sas_url(url.expose(), crate::azure::connection::now_unix())
                .map(|p| p.name)
                .unwrap_or_default();
            format!(
                "No account called {} is known here. Attach it from this SAS URL ({})? It is saved with your accounts (the token in secrets.toml, mode 0600), as with a. (y/n)",
                super::format::escape(&account),
                super::format::escape(&crate::azure::sas::mask_sig(url.expose()))
            )
        }
        Confirm::EditConflict { session, .. } => format!(
            "{} was changed by someone else while you edited it.\no: overwrite it with yours · k: keep both (yours saved beside it as a new blob) · s or Esc: save nothing (your copy stays at {})",
            display_name(&session.blob),
            display_name(&session.path.display().to_string())
        ),
        Confirm::Quit if state.transfers.snapshot.items.iter().any(|i| i.kind == crate::transfer::Kind::Change && !i.status.is_finished()) => "Transfers or a bulk change are still running. Quit anyway? Transfers stay in the journal and can be resumed at the next start; a bulk change stops where it is (run it again to finish it). (y/n)".to_string(),
        Confirm::Quit => "Transfers are still running. Quit anyway? They stay in the journal and can be resumed at the next start. (y/n)".to_string(),
        Confirm::DeleteBlobs { plan, .. } => format!("{} This cannot be undone unless soft delete is on. (y/n)", plan.question()),
        Confirm::BreakLease { blob, .. } => format!("Break the lease on {}? Whoever holds it loses it at once. (y/n)", display_name(blob)),
        Confirm::Sas { url, revealed, note } => {
            let shown = if *revealed { url.expose().to_string() } else { crate::azure::sas::mask_sig(url.expose()) };
            format!(
                "{shown}\n\nCopied to the clipboard. Ctrl-R {} the signature · any other key closes.{}",
                if *revealed { "masks" } else { "reveals" },
                note.as_deref().map(|n| format!("\n{n}")).unwrap_or_default()
            )
        }
        Confirm::Handoff(h) => crate::app::ops::handoff_lines(h).join("\n"),
        Confirm::Promote { blob, entry, .. } => format!(
            "Promote the {} of {} to current? The current content is replaced; it stays as a version if versioning is on (a snapshot first keeps it otherwise). (y/n)",
            entry.qualifier.as_ref().map(|q| q.describe()).unwrap_or_default(),
            display_name(blob)
        ),
        Confirm::DeletePast { blob, at, .. } => format!(
            "Delete the {} of {}? The blob itself stays. This cannot be undone unless soft delete is on. (y/n)",
            at.describe(),
            display_name(blob)
        ),
        Confirm::Undelete { blob, .. } => format!(
            "Undelete {}? It comes back with its soft-deleted snapshots. (y/n)",
            display_name(blob)
        ),
        Confirm::Resume { entries } => resume_question(entries),
        Confirm::InventoryRule { review, .. } => format!(
            "{}\nSave it? (y/n)",
            review.iter().map(|l| super::format::escape(l)).collect::<Vec<_>>().join("\n")
        ),
    };
    // Names were escaped where they went in; this catches any other text
    // from the service (a plan's question) without touching the line breaks.
    let text = text
        .lines()
        .map(|l| display_name(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let width = if matches!(question, Confirm::Handoff(_) | Confirm::Sas { .. }) {
        110
    } else {
        72
    };
    // Room for the wrapped text plus the border.
    let wrapped: usize = text
        .lines()
        .map(|l| l.chars().count() / (width as usize - 4) + 1)
        .sum();
    let popup = centered(area, width, (wrapped as u16 + 3).min(area.height));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(ui.theme.error))
                .title(" Confirm "),
        ),
        popup,
    );
}
