//! The top line: where you are. Too narrow for the whole path, it is cut
//! from the left (`… › raw/ › 2024/`): the folder you are in stays in sight.

use super::{Ui, format};
use crate::app::state::State;
use ratatui::{
    Frame,
    layout::Rect,
    style::{Modifier, Style},
    text::{Line, Span},
};

const SEP: &str = " › ";

/// The breadcrumb parts that fit in `room` cells, the last one always
/// (cut from the left if it alone is too long); `true` if parts were left out.
pub fn fit(parts: &[String], room: usize) -> (Vec<String>, bool) {
    let sep = format::width(SEP);
    let ellipsis = sep + format::width("…");
    let mut kept: Vec<String> = Vec::new();
    let mut used = 0;
    for (i, part) in parts.iter().enumerate().rev() {
        let w = sep + format::width(part);
        // Leaving out the parts before this one costs the " › …".
        let more = if i > 0 { ellipsis } else { 0 };
        if used + w + more <= room {
            kept.push(part.clone());
            used += w;
        } else {
            if kept.is_empty() {
                let left = room.saturating_sub(sep + more);
                kept.push(format::cut_left(part, left));
            }
            kept.reverse();
            return (kept, true);
        }
    }
    kept.reverse();
    (kept, false)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let badge = " blobx ";
    let mut tail: Vec<Span> = Vec::new();
    if let Some(search) = &state.listing.search {
        // Never more than a third of the line: the path comes first.
        let text = format!("  prefix: {}*", format::display_name(search));
        tail.push(Span::styled(
            format::cut_right(&text, area.width as usize / 3),
            Style::default().fg(ui.theme.matched),
        ));
    }
    // Always in sight, so nobody wonders why a key does nothing.
    if state.readonly {
        tail.push(Span::styled(
            "  read-only",
            Style::default().fg(ui.theme.error),
        ));
    } else if state.readonly_account().is_some() {
        tail.push(Span::styled(
            "  read-only account",
            Style::default().fg(ui.theme.error),
        ));
    }
    let tail_width: usize = tail.iter().map(|s| format::width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(format::width(badge) + tail_width);
    let parts: Vec<String> = state
        .breadcrumb()
        .iter()
        .map(|p| format::display_name(p).into_owned())
        .collect();
    let (kept, cut) = fit(&parts, room);

    let dim = Style::default().fg(ui.theme.dim);
    let mut spans = vec![Span::styled(
        badge,
        Style::default()
            .fg(ui.theme.selection_fg)
            .bg(ui.theme.accent)
            .add_modifier(Modifier::BOLD),
    )];
    if cut {
        spans.push(Span::styled(SEP, dim));
        spans.push(Span::styled("…", dim));
    }
    let last = kept.len().saturating_sub(1);
    for (i, part) in kept.into_iter().enumerate() {
        spans.push(Span::styled(SEP, dim));
        let style = if i == last {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(part, style));
    }
    spans.extend(tail);
    frame.render_widget(Line::from(spans), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_long_path_is_cut_from_the_left() {
        let p = parts(&[
            "accounts",
            "devstoreaccount1 (emulator)",
            "datasets",
            "raw/",
            "2024/",
        ]);
        assert_eq!(fit(&p, 200), (p.clone(), false));
        // " › … › raw/ › 2024/" is 19 cells.
        assert_eq!(fit(&p, 19), (parts(&["raw/", "2024/"]), true));
        assert_eq!(fit(&p, 18), (parts(&["2024/"]), true));
        // The current folder alone too long: its end stays.
        let long = parts(&["accounts", "a-very-long-folder-name/"]);
        let (kept, cut) = fit(&long, 14);
        assert!(cut);
        assert_eq!(kept, ["…-name/"]);
    }
}
