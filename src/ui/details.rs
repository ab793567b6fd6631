//! Properties and metadata of the selected blob; for a counted folder or
//! container, its size by access tier with the estimated monthly cost.

use super::{Ui, format};
use crate::app::state::State;
use ratatui::{
    Frame,
    layout::Rect,
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Paragraph, Wrap},
};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, ui: &Ui) {
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(Style::default().fg(ui.theme.dim))
        .title(Span::styled(
            " Details ",
            Style::default().fg(ui.theme.accent),
        ));
    let dim = Style::default().fg(ui.theme.dim);
    let key_style = Style::default().add_modifier(Modifier::BOLD);
    let counted = state.selected_entry().and_then(|e| {
        let sizes = state.current_sizes()?;
        Some((e, *sizes.children.get(&e.name)?, sizes))
    });
    let lines: Vec<Line> = match (&state.details, counted) {
        (_, Some((entry, totals, sizes))) => sizes_lines(state, &entry.name, &totals, sizes, ui),
        (details, None) => match details {
            None => vec![Line::styled("Select a blob to see its properties.", dim)],
            Some(d) => {
                let mut lines = vec![Line::styled(
                    format::display_name(&d.key.blob).into_owned(),
                    Style::default().fg(ui.theme.accent),
                )];
                match &d.result {
                    None => lines.push(Line::styled("Loading…", dim)),
                    Some(Err(e)) => {
                        lines.extend(format::display_text(e).lines().map(|l| {
                            Line::styled(l.to_string(), Style::default().fg(ui.theme.error))
                        }))
                    }
                    Some(Ok(details)) => {
                        lines.push(Line::default());
                        for (k, v) in &details.properties {
                            let k = k.strip_prefix("x-ms-").unwrap_or(k);
                            lines.push(Line::from(vec![
                                Span::styled(format!("{}: ", format::display_name(k)), key_style),
                                Span::raw(format::display_name(v).into_owned()),
                            ]));
                        }
                        lines.push(Line::default());
                        if details.metadata.is_empty() {
                            lines.push(Line::styled("No metadata.", dim));
                        } else {
                            lines.push(Line::styled(
                                "Metadata",
                                Style::default().fg(ui.theme.accent),
                            ));
                            for (k, v) in &details.metadata {
                                lines.push(Line::from(vec![
                                    Span::styled(
                                        format!("{}: ", format::display_name(k)),
                                        key_style,
                                    ),
                                    Span::raw(format::display_name(v).into_owned()),
                                ]));
                            }
                        }
                        match &details.tags {
                            None => {}
                            Some(tags) if tags.is_empty() => {
                                lines.push(Line::styled("No index tags.", dim));
                            }
                            Some(tags) => {
                                lines.push(Line::styled(
                                    "Index tags",
                                    Style::default().fg(ui.theme.accent),
                                ));
                                for (k, v) in tags {
                                    lines.push(Line::from(vec![
                                        Span::styled(format!("{k} = "), key_style),
                                        Span::raw(v.clone()),
                                    ]));
                                }
                            }
                        }
                    }
                }
                lines
            }
        },
    };
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// A counted folder's bytes by tier, each with its estimated monthly cost.
fn sizes_lines(
    state: &State,
    name: &str,
    totals: &crate::azure::sizes::Totals,
    sizes: &crate::app::sizes::FolderSizes,
    ui: &Ui,
) -> Vec<Line<'static>> {
    let dim = Style::default().fg(ui.theme.dim);
    let prices = &state.prices;
    let per_tier = prices.per_tier();
    let mut lines = vec![
        Line::styled(
            format::display_name(name).into_owned(),
            Style::default().fg(ui.theme.accent),
        ),
        Line::default(),
        Line::from(vec![
            Span::styled("Size: ", Style::default().add_modifier(Modifier::BOLD)),
            Span::raw(format!(
                "{} in {} blobs",
                format::size(totals.all.bytes),
                format::count(totals.all.blobs as usize)
            )),
        ]),
        Line::from(vec![
            Span::styled(
                "Estimated cost: ",
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(format!(
                "{} a month",
                format::cost(totals.monthly_cost(&per_tier), &prices.currency)
            )),
        ]),
        Line::default(),
        Line::styled("By tier", Style::default().fg(ui.theme.accent)),
    ];
    for (i, tier) in crate::azure::walk::Tier::ALL.iter().enumerate() {
        let c = totals.tiers[i];
        if c.blobs == 0 {
            continue;
        }
        let cost = c.bytes as f64 / 1e9 * per_tier[i];
        lines.push(Line::raw(format!(
            "{:<8}{:>11} {:>8} blobs  ≈{}",
            tier.name(),
            format::size(c.bytes),
            format::count(c.blobs as usize),
            format::cost(cost, &prices.currency)
        )));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "An estimate: storage only, from {} per GB-month ([prices] in config.toml).",
            prices.source
        ),
        dim,
    ));
    if let Some(source) = &sizes.source {
        lines.push(Line::styled(format!("{source}; Z counts all, live."), dim));
    } else if let Some(at) = sizes.taken_at {
        let age = format::age(at, state.now);
        lines.push(Line::styled(
            format!(
                "Counted {} UTC{}{age}; Z recounts.",
                format::date(Some(at)),
                if age.is_empty() { "" } else { ", " }
            ),
            dim,
        ));
    }
    lines
}
