//! The transfers pane: totals and a throughput sparkline for the last minute,
//! then one row per transfer with a gauge, bytes, rate, ETA and state.

use super::{Ui, format};
use crate::app::layers::Mode;
use crate::app::state::State;
use crate::transfer::Status;
use crate::transfer::engine::ItemView;
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, LineGauge, Paragraph, Sparkline},
};

fn rate(bytes_per_sec: u64) -> String {
    format!("{}/s", format::size(bytes_per_sec))
}

fn eta(secs: Option<u64>) -> String {
    match secs {
        Some(s) if s >= 3600 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        Some(s) => format!("{}:{:02}", s / 60, s % 60),
        None => String::new(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let focused = state.mode() == Mode::Transfers;
    let snap = &state.transfers.snapshot;
    let running = snap.count(|s| *s == Status::Running);
    let queued = snap.count(|s| *s == Status::Queued);
    let done = snap.count(|s| *s == Status::Done);
    let failed = snap.count(|s| matches!(s, Status::Failed(_)));
    let paused = snap.count(|s| *s == Status::Paused);
    let mut title = format!(
        " Transfers · {} · {running} running · {queued} queued · {paused} paused · {done} done · {failed} failed · {} of {} ",
        rate(snap.rate),
        format::size(snap.done_bytes),
        format::size(snap.total_bytes)
    );
    if snap.cap.is_some() {
        title.push_str(&format!(
            "· cap {} ",
            crate::transfer::throttle::describe(snap.cap)
        ));
    }
    let title = super::pane_title(&title, focused);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(super::pane_border(focused, ui))
        .title(Span::styled(title, Style::default().fg(ui.theme.accent)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    if snap.items.is_empty() {
        frame.render_widget(
            Paragraph::new(" No transfers yet. Mark blobs with Space, then D downloads, y + p copies; u uploads here.")
                .style(Style::default().fg(ui.theme.dim)),
            inner,
        );
        return;
    }
    let spark_h = if inner.height >= 8 { 3 } else { 0 };
    let [spark_area, list] =
        Layout::vertical([Constraint::Length(spark_h), Constraint::Min(0)]).areas(inner);
    if spark_h > 0 {
        // Right-aligned: the newest second at the right edge.
        let width = spark_area.width as usize;
        let data: Vec<u64> = snap
            .history
            .iter()
            .rev()
            .take(width)
            .rev()
            .copied()
            .collect();
        frame.render_widget(
            Sparkline::default()
                .data(&data)
                .style(Style::default().fg(ui.theme.accent)),
            spark_area,
        );
    }
    let rows = list.height as usize;
    let selected = state.transfers.selected;
    let offset = selected.saturating_sub(rows.saturating_sub(1));
    for (i, item) in snap.items.iter().enumerate().skip(offset).take(rows) {
        let y = list.y + (i - offset) as u16;
        let row = Rect {
            y,
            height: 1,
            ..list
        };
        draw_row(frame, row, item, focused && i == selected, ui);
    }
}

fn draw_row(frame: &mut Frame, area: Rect, item: &ItemView, selected: bool, ui: &Ui) {
    let [name, gauge, numbers, status] = Layout::horizontal([
        Constraint::Fill(2),
        Constraint::Length(16),
        Constraint::Length(36),
        Constraint::Fill(1),
    ])
    .areas(area);
    // One cell kept free: a long name (a snapshot's carries its time) must not
    // run into the gauge.
    let name = Rect {
        width: name.width.saturating_sub(1),
        ..name
    };
    let base = if selected {
        Style::default()
            .fg(ui.theme.selection_fg)
            .bg(ui.theme.selection_bg)
    } else {
        Style::default()
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(" {} ", item.kind.arrow()),
                base.add_modifier(Modifier::BOLD),
            ),
            Span::styled(item.name.clone(), base),
        ]))
        .style(base),
        name,
    );
    let ratio = if item.total == 0 {
        if item.status == Status::Done {
            1.0
        } else {
            0.0
        }
    } else {
        (item.done as f64 / item.total as f64).clamp(0.0, 1.0)
    };
    frame.render_widget(
        LineGauge::default()
            .ratio(ratio)
            .filled_style(Style::default().fg(ui.theme.accent))
            .unfilled_style(Style::default().fg(ui.theme.dim)),
        gauge,
    );
    let numbers_text = match item.status {
        Status::Running => format!(
            " {}/{} {} {}",
            format::size(item.done),
            format::size(item.total),
            rate(item.rate),
            eta(item.eta_secs)
        ),
        _ => format!(" {}/{}", format::size(item.done), format::size(item.total)),
    };
    frame.render_widget(Paragraph::new(numbers_text).style(base), numbers);
    let style = match &item.status {
        Status::Failed(_) => base.fg(ui.theme.error),
        Status::Done => base.fg(ui.theme.info),
        Status::Paused | Status::Cancelled | Status::Skipped(_) => base.fg(ui.theme.dim),
        _ => base,
    };
    let label = match &item.note {
        Some(note) => note.clone(),
        None => item.status.label(),
    };
    frame.render_widget(Paragraph::new(format!(" {label}")).style(style), status);
}
