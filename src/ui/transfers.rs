//! The transfers pane: totals and a throughput sparkline for the last minute,
//! then one row per transfer with a gauge, bytes, rate, ETA and state. Rows
//! come sorted (what runs first, what is over last: see `Status::rank`);
//! narrow panes drop the gauge and the byte counts before the state word.

use super::{Ui, format};
use crate::app::layers::Mode;
use crate::app::state::State;
use crate::transfer::Status;
use crate::transfer::engine::{ItemView, Snapshot};
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

/// The title: the rate, how many are in each state (only those with any),
/// and the bytes of the same items. Cancelled and skipped ones never move,
/// so they come after the bytes, which leave them out. Parts that do not fit
/// in `width` are left out whole: a count is never cut in the middle.
fn title(snap: &Snapshot, width: usize) -> String {
    let c = snap.counts();
    let mut parts = vec![format!("Transfers · {}", rate(snap.rate))];
    if c.running + c.queued == 0 {
        parts.push("nothing running".into());
    }
    for (n, word) in [
        (c.running, "running"),
        (c.queued, "queued"),
        (c.paused, "paused"),
        (c.failed, "failed"),
        (c.done, "done"),
    ] {
        if n > 0 {
            parts.push(format!("{} {word}", format::count(n)));
        }
    }
    parts.push(format!(
        "{} of {}",
        format::size(snap.done_bytes),
        format::size(snap.total_bytes)
    ));
    for (n, word) in [(c.skipped, "skipped"), (c.cancelled, "cancelled")] {
        if n > 0 {
            parts.push(format!("{} {word}", format::count(n)));
        }
    }
    if snap.cap.is_some() {
        parts.push(format!(
            "cap {}",
            crate::transfer::throttle::describe(snap.cap)
        ));
    }
    let mut out = String::from(" ");
    for (i, part) in parts.iter().enumerate() {
        let sep = if i == 0 { "" } else { " · " };
        // One cell of border stays visible after the title.
        if i > 0 && format::width(&out) + sep.len() + format::width(part) + 2 > width {
            break;
        }
        out.push_str(sep);
        out.push_str(part);
    }
    out.push(' ');
    out
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let focused = state.mode() == Mode::Transfers;
    let snap = &state.transfers.snapshot;
    // The focus cue takes one cell of the title's room.
    let title = super::pane_title(
        &title(snap, (area.width as usize).saturating_sub(1)),
        focused,
    );
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

/// Widths of a row's columns: (name, gauge, numbers, state).
struct Columns {
    name: u16,
    gauge: u16,
    numbers: u16,
    state: u16,
    /// Bytes done and in all fit (else the percentage and ETA only).
    bytes: bool,
}

/// The state column never gets less than the longest state word and its
/// margins, so "running" or "failed" is never cut; the gauge and the byte
/// counts go first as the pane narrows.
fn columns(width: u16) -> Columns {
    const STATE_MIN: u16 = 11;
    let (gauge, numbers, bytes) = match width {
        100.. => (16, 36, true),
        72..100 => (10, 18, false),
        _ => (0, 11, false),
    };
    let rest = width.saturating_sub(gauge + numbers);
    let state = rest.div_ceil(3).max(STATE_MIN).min(rest);
    Columns {
        name: rest - state,
        gauge,
        numbers,
        state,
        bytes,
    }
}

/// The label in `room` cells: the path cut from the left (its file name
/// stays), then as much of a snapshot's or version's " @ …" as fits.
fn fit_label(label: &str, room: usize) -> String {
    let (path, at) = match label.rsplit_once(" @ ") {
        Some((path, at)) => (path, format!(" @ {at}")),
        None => (label, String::new()),
    };
    let path_width = format::width(path);
    if path_width + format::width(&at) <= room {
        label.to_string()
    } else if path_width >= room {
        format::cut_left(path, room)
    } else {
        format!("{path}{}", format::cut_right(&at, room - path_width))
    }
}

fn draw_row(frame: &mut Frame, area: Rect, item: &ItemView, selected: bool, ui: &Ui) {
    let cols = columns(area.width);
    let [name, gauge, numbers, status] = Layout::horizontal([
        Constraint::Length(cols.name),
        Constraint::Length(cols.gauge),
        Constraint::Length(cols.numbers),
        Constraint::Length(cols.state),
    ])
    .areas(area);
    let base = if selected {
        Style::default()
            .fg(ui.theme.selection_fg)
            .bg(ui.theme.selection_bg)
    } else {
        Style::default()
    };
    // The end of the path (the file's own name) matters most: cut from the
    // left, leaving one cell before the gauge.
    let arrow = format!(" {} ", item.kind.arrow());
    let room = (name.width as usize).saturating_sub(format::width(&arrow) + 1);
    let shown = fit_label(&format::display_name(&item.name), room);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(arrow, base.add_modifier(Modifier::BOLD)),
            Span::styled(shown, base),
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
    if gauge.width > 0 {
        frame.render_widget(
            LineGauge::default()
                .ratio(ratio)
                .filled_style(Style::default().fg(ui.theme.accent))
                .unfilled_style(Style::default().fg(ui.theme.dim)),
            gauge,
        );
    }
    let running = item.status == Status::Running;
    let numbers_text = match (cols.bytes, cols.gauge > 0, running) {
        (true, _, true) => format!(
            " {}/{} {} {}",
            format::size(item.done),
            format::size(item.total),
            rate(item.rate),
            eta(item.eta_secs)
        ),
        (true, _, false) => format!(" {}/{}", format::size(item.done), format::size(item.total)),
        // The gauge shows the percentage.
        (false, true, true) => format!(" {} {}", rate(item.rate), eta(item.eta_secs)),
        (false, true, false) => String::new(),
        (false, false, _) => format!(" {:>3.0}% {}", ratio * 100.0, eta(item.eta_secs)),
    };
    frame.render_widget(Paragraph::new(numbers_text).style(base), numbers);
    let word_style = match &item.status {
        Status::Failed(_) => base.fg(ui.theme.error),
        Status::Done => base.fg(ui.theme.info),
        Status::Paused | Status::Cancelled | Status::Skipped(_) => base.fg(ui.theme.dim),
        _ => base,
    };
    // The word first, then why (a failure's reason, what a resume reused,
    // what a paused one waits for), which is what a narrow pane cuts.
    let detail = item.status.reason().or(item.note.as_deref());
    let mut spans = vec![Span::styled(format!(" {}", item.status.word()), word_style)];
    if let Some(d) = detail {
        spans.push(Span::styled(
            format!(" · {}", format::display_name(d)),
            base.fg(ui.theme.dim),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), status);
}

#[cfg(test)]
#[path = "transfers_tests.rs"]
mod snapshots;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_label_keeps_its_file_name() {
        assert_eq!(
            fit_label("2024/03/01/part-0.parquet", 16),
            "…/part-0.parquet"
        );
        assert_eq!(
            fit_label("notes.txt @ snapshot 2026-11-30T12:45:21Z", 22),
            "notes.txt @ snapshot …"
        );
        assert_eq!(fit_label("a/notes.txt @ snapshot 1", 8), "…tes.txt");
        assert_eq!(fit_label("x @ v", 10), "x @ v");
    }

    #[test]
    fn the_state_column_always_holds_the_longest_state_word() {
        for width in 20..200 {
            let c = columns(width);
            assert_eq!(
                c.name + c.gauge + c.numbers + c.state,
                width.max(c.gauge + c.numbers),
                "{width}"
            );
            if width >= 40 {
                assert!(c.state as usize >= " verifying ".len(), "{width}");
            }
        }
    }
}
