//! The two bottom lines: counts and the prompt, then messages.

use super::{Ui, format};
use crate::app::action::Command;
use crate::app::layers::Mode;
use crate::app::state::{Level, Location, State};
use ratatui::{
    Frame,
    layout::{Position, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
};

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn draw(frame: &mut Frame, info: Rect, status: Rect, state: &State, ui: &Ui) {
    let mode = state.mode();
    match mode {
        Mode::Filter => prompt(frame, info, state, ui, "/"),
        Mode::PrefixSearch => prompt(frame, info, state, ui, "prefix: "),
        Mode::Ask => {
            // A label may carry service text (a path, an ACL's owner).
            let label = state.layers.ask().map(|a| a.label()).unwrap_or_default();
            prompt(frame, info, state, ui, &format::escape(&label))
        }
        Mode::Path => {
            let label = match state.layers.path() {
                Some(crate::app::state::PathAction::Download(_)) => "download into: ",
                Some(crate::app::state::PathAction::Report) => "write the CSV report to: ",
                Some(crate::app::state::PathAction::DownloadPast { .. }) => "save as: ",
                Some(crate::app::state::PathAction::Sync { .. }) => {
                    "sync with (a local folder or az://container/folder): "
                }
                _ => "upload from: ",
            };
            prompt(frame, info, state, ui, label)
        }
        _ => frame.render_widget(info_line(state, ui), info),
    }
    if let (Mode::Ask, Some(ask)) = (mode, state.layers.ask()) {
        // Checked as typed: the reason shows before Enter is pressed.
        let line = match ask.check(state.input.value()) {
            Ok(()) => Line::styled(
                " ✓ Enter to confirm · Esc to cancel",
                Style::default().fg(ui.theme.info),
            ),
            Err(why) => Line::styled(format!(" ✗ {why}"), Style::default().fg(ui.theme.error)),
        };
        frame.render_widget(line, status);
        return;
    }
    frame.render_widget(status_line(state, ui), status);
}

fn prompt(frame: &mut Frame, area: Rect, state: &State, ui: &Ui, label: &str) {
    let label_width = label.chars().count() as u16;
    let width = area.width.saturating_sub(label_width).max(1) as usize;
    let scroll = state.input.visual_scroll(width);
    // A pasted SAS URL shows with its signature masked.
    let value: String = crate::azure::sas::mask_sig(state.input.value())
        .chars()
        .skip(scroll)
        .collect();
    let mut spans = vec![
        Span::styled(label.to_string(), Style::default().fg(ui.theme.accent)),
        Span::raw(value),
    ];
    if state.mode() == Mode::Filter {
        spans.push(Span::styled(
            format!(
                "   {} of {}",
                format::count(state.listing.view.len()),
                format::count(state.listing.entries.len())
            ),
            Style::default().fg(ui.theme.dim),
        ));
    }
    frame.render_widget(Line::from(spans), area);
    let cursor = (state.input.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position(Position::new(area.x + label_width + cursor, area.y));
}

fn info_line<'a>(state: &State, ui: &Ui) -> Line<'a> {
    let dim = Style::default().fg(ui.theme.dim);
    if state.location == Location::Accounts {
        // The status column is cut short; the selected account's full line goes here.
        let node = state
            .listing
            .view
            .get(state.selected)
            .and_then(|&row| state.account_rows.get(row as usize))
            .and_then(|&a| state.accounts.get(a));
        let mut spans = vec![Span::raw(format!(
            " {} accounts",
            format::count(state.listing.entries.len())
        ))];
        if let Some(node) = node {
            let (is_error, text) = node.status();
            let style = if is_error {
                Style::default().fg(ui.theme.error)
            } else {
                dim
            };
            spans.push(Span::styled(format!(" · {text}"), style));
        }
        return Line::from(spans);
    }
    let total = state.listing.entries.len();
    let mut spans = vec![];
    if let Some(f) = &state.listing.find {
        spans.push(Span::raw(format!(
            " {} matches of {} scanned ",
            format::count(state.listing.view.len()),
            format::count(f.scanned)
        )));
        spans.push(Span::styled(
            format!("find: {}", f.text),
            Style::default().fg(ui.theme.matched),
        ));
        spans.push(Span::styled(" (Esc ends it)", dim));
    } else if state.query.is_empty() {
        spans.push(Span::raw(format!(" {} items", format::count(total))));
    } else {
        spans.push(Span::raw(format!(
            " {} of {} match ",
            format::count(state.listing.view.len()),
            format::count(total)
        )));
        spans.push(Span::styled(
            format!("/{}", state.query),
            Style::default().fg(ui.theme.matched),
        ));
    }
    if let Some(sizes) = state.current_sizes() {
        let what = format!(
            "{} in {} blobs",
            format::size(sizes.total.all.bytes),
            format::count(sizes.total.all.blobs as usize)
        );
        let text = match (sizes.counting, &sizes.error, sizes.taken_at) {
            (true, _, _) => format!(" · sizes: counting… {what} so far"),
            (_, Some(_), _) => " · sizes: incomplete (Z recounts)".to_string(),
            (_, _, Some(_)) if sizes.source.is_some() => {
                let cost = format::cost(
                    sizes.total.monthly_cost(&state.prices.per_tier()),
                    &state.prices.currency,
                );
                let back = match state.sizes_key() {
                    Some(k) if state.has_live_count(&k) => "Z: the live count (cached)",
                    _ => "Z counts all, live",
                };
                format!(
                    " · sizes: {what}, ≈{cost}/mo (estimate) · {} · {back}",
                    sizes.source.as_deref().unwrap_or_default()
                )
            }
            (_, _, Some(at)) => {
                let cost = format::cost(
                    sizes.total.monthly_cost(&state.prices.per_tier()),
                    &state.prices.currency,
                );
                let age = match format::age(at, state.now) {
                    a if a.is_empty() => String::new(),
                    a => format!(", {a}"),
                };
                format!(
                    " · sizes: {what}, ≈{cost}/mo (estimate) · counted {} UTC{age} · Z recounts",
                    format::date(Some(at))
                )
            }
            _ => String::new(),
        };
        spans.push(Span::styled(text, dim));
    }
    if !state.marks.is_empty() {
        let (bytes, folders) = state.marks.totals();
        let folders = match folders {
            0 => String::new(),
            1 => " + 1 folder".into(),
            n => format!(" + {n} folders"),
        };
        spans.push(Span::styled(
            format!(
                " · {} marked ({}{folders})",
                format::count(state.marks.len()),
                format::size(bytes)
            ),
            Style::default()
                .fg(ui.theme.accent)
                .add_modifier(Modifier::BOLD),
        ));
    }
    let arrow = if state.sort.descending { "↓" } else { "↑" };
    spans.push(Span::styled(
        format!(" · sorted by {} {arrow}", state.sort.key.label()),
        dim,
    ));
    if state.listing.loading {
        let frame = SPINNER[state.spinner % SPINNER.len()];
        spans.push(Span::styled(
            format!(" · {frame} loading (page {})", state.listing.pages + 1),
            Style::default().fg(ui.theme.accent),
        ));
    }
    if let Some(help) = ui.keymap.hint(Command::Help) {
        spans.push(Span::styled(format!(" · {help} help"), dim));
    }
    Line::from(spans)
}

fn status_line<'a>(state: &State, ui: &Ui) -> Line<'a> {
    match &state.status {
        Some(msg) => {
            let style = match msg.level {
                Level::Error => Style::default()
                    .fg(ui.theme.error)
                    .add_modifier(Modifier::BOLD),
                Level::Info => Style::default().fg(ui.theme.info),
            };
            // Messages quote names: shown escaped like everywhere else.
            Line::styled(format!(" {}", format::display_name(&msg.text)), style)
        }
        None => Line::default(),
    }
}
