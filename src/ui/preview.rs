//! The preview pane: numbered text, JSON, JSON Lines, a CSV table with fitted
//! columns, image format and size, a Parquet schema plus its first rows, or a
//! hex dump. The title says how much of the blob was read; a note line says
//! how the bytes were turned into what is shown (e.g. the gzip ratio).

use super::Ui;
use crate::app::ops::PreviewState;
use crate::preview::parquet::ParquetPreview;
use crate::preview::picture::Picture;
use crate::preview::{Preview, PreviewBody, SIDE_STEP, human_bytes};
use ratatui::{
    Frame,
    layout::{Constraint, Layout, Rect},
    style::{Modifier, Style},
    text::{Line, Span},
    widgets::{Block, Borders, Paragraph, Row, Table},
};
use ratatui_image::{Resize, picker::Picker, protocol::Protocol};
use std::cell::RefCell;

/// Widest a table column gets, like a spreadsheet's auto-width cap.
const MAX_COL: usize = 30;

pub fn draw(frame: &mut Frame, area: Rect, p: &PreviewState, focused: bool, ui: &Ui) {
    let dim = Style::default().fg(ui.theme.dim);
    let title = match &p.result {
        Some(Ok(preview)) => {
            let mut title = format!(
                " {} · {} ",
                super::format::display_name(&p.blob),
                preview.limit_note()
            );
            // The pane has a left border only.
            if let Some(hint) = side_hint(preview, p.hscroll, area.width.saturating_sub(1)) {
                title.push_str(&format!("· {hint} "));
            }
            title
        }
        _ => format!(" {} ", super::format::display_name(&p.blob)),
    };
    let title = super::pane_title(&title, focused);
    let block = Block::default()
        .borders(Borders::LEFT | Borders::TOP)
        .border_style(super::pane_border(focused, ui))
        .title(Span::styled(title, Style::default().fg(ui.theme.accent)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let preview = match &p.result {
        None => {
            frame.render_widget(Paragraph::new(" Reading…").style(dim), inner);
            return;
        }
        Some(Err(e)) => {
            frame.render_widget(
                Paragraph::new(format!(" {e}")).style(Style::default().fg(ui.theme.error)),
                inner,
            );
            return;
        }
        Some(Ok(preview)) => preview,
    };
    let inner = match &preview.note {
        Some(note) => {
            let [top, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
            frame.render_widget(Paragraph::new(format!(" {note}")).style(dim), top);
            rest
        }
        None => inner,
    };
    draw_body(frame, inner, preview, (p.scroll, p.hscroll), ui);
}

/// Where a wide preview is scrolled to, for the title: "columns 3–7 of 30"
/// for tables, "from character 17" for text; `None` when all of it fits.
fn side_hint(preview: &Preview, hscroll: usize, width: u16) -> Option<String> {
    let first = hscroll.min(preview.side_steps());
    let widths = match &preview.body {
        PreviewBody::Csv { rows, .. } => {
            fit_widths(rows, rows.iter().map(Vec::len).max().unwrap_or(0))
        }
        PreviewBody::Parquet(pq) if !pq.rows.is_empty() => {
            let mut all = vec![pq.header.clone()];
            all.extend(pq.rows.iter().cloned());
            fit_widths(&all, pq.header.len())
        }
        _ if first > 0 => {
            return Some(format!("from character {} · < >", first * SIDE_STEP + 1));
        }
        _ => return None,
    };
    let shown = visible_columns(&widths, first, width);
    if first == 0 && shown >= widths.len() {
        return None;
    }
    Some(format!(
        "columns {}–{} of {} · < >",
        first + 1,
        first + shown,
        widths.len()
    ))
}

/// How many whole columns from `first` fit in `width` (at least one): a
/// leading space, then columns two apart.
fn visible_columns(widths: &[usize], first: usize, width: u16) -> usize {
    let mut used = 1;
    let mut shown = 0;
    for w in widths.iter().skip(first) {
        let need = if shown == 0 { *w } else { w + 2 };
        if used + need > width as usize {
            break;
        }
        used += need;
        shown += 1;
    }
    shown.max(1)
}

fn draw_body(
    frame: &mut Frame,
    inner: Rect,
    preview: &Preview,
    (scroll, hscroll): (usize, usize),
    ui: &Ui,
) {
    let first_col = hscroll.min(preview.side_steps());
    let skip_chars = first_col * SIDE_STEP;
    let dim = Style::default().fg(ui.theme.dim);
    let heading = Style::default()
        .fg(ui.theme.accent)
        .add_modifier(Modifier::BOLD);
    let numbered = |text: &str| -> Vec<Line<'static>> {
        let width = text.lines().count().max(1).to_string().len();
        text.lines()
            .enumerate()
            .skip(scroll)
            .map(|(i, l)| {
                Line::from(vec![
                    Span::styled(format!("{:>width$} ", i + 1), dim),
                    Span::raw(
                        l.replace('\t', "    ")
                            .chars()
                            .skip(skip_chars)
                            .collect::<String>(),
                    ),
                ])
            })
            .collect()
    };
    let scrolled = |lines: Vec<Line<'static>>| -> Paragraph<'static> {
        Paragraph::new(lines.into_iter().skip(scroll).collect::<Vec<_>>())
    };
    match &preview.body {
        PreviewBody::Empty => frame.render_widget(Paragraph::new(" (empty)").style(dim), inner),
        PreviewBody::Text(t) | PreviewBody::Json(t) => {
            frame.render_widget(Paragraph::new(numbered(t)), inner)
        }
        PreviewBody::Hex(lines) => {
            let lines: Vec<Line> = lines.iter().map(|l| Line::raw(l.clone())).collect();
            frame.render_widget(scrolled(lines), inner);
        }
        PreviewBody::JsonLines(records) => {
            let mut lines = Vec::new();
            for r in records {
                let (label, style) = if r.valid {
                    (format!("── line {} ", r.line), dim)
                } else {
                    (
                        format!("── line {} · not valid JSON ", r.line),
                        Style::default().fg(ui.theme.error),
                    )
                };
                lines.push(Line::styled(label, style));
                lines.extend(r.text.lines().map(|l| Line::raw(l.to_string())));
            }
            if records.is_empty() {
                lines.push(Line::styled(" (no complete line in what was read)", dim));
            }
            let sideways = skip_chars.min(u16::MAX as usize) as u16;
            frame.render_widget(scrolled(lines).scroll((0, sideways)), inner);
        }
        PreviewBody::Image { info, hex, picture } => {
            let size = match info.size {
                Some((w, h)) => format!("{w} × {h} px"),
                None => "dimensions not in the bytes read".to_string(),
            };
            let about = Line::from(vec![
                Span::styled(format!(" {} image", info.format), heading),
                Span::raw(format!(" · {size}")),
            ]);
            if let Some(Ok(picture)) = picture {
                let [top, rest] =
                    Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(inner);
                frame.render_widget(Paragraph::new(about), top);
                draw_picture(frame, rest, picture);
                return;
            }
            let mut lines = vec![about, Line::raw("")];
            if let Some(Err(why)) = picture {
                lines.push(Line::styled(format!(" Picture {why}"), dim));
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(" Header bytes:", dim));
            lines.extend(hex.iter().map(|l| Line::raw(l.clone())));
            frame.render_widget(scrolled(lines), inner);
        }
        PreviewBody::Parquet(pq) => {
            let (lines, header_at) = parquet_lines(pq, ui, first_col);
            match header_at {
                // Scrolled into the rows: their header stays on top.
                Some(h) if scroll > h => {
                    let mut shown = vec![lines[h].clone()];
                    shown.extend(lines.into_iter().skip(scroll + 1));
                    frame.render_widget(Paragraph::new(shown), inner);
                }
                _ => frame.render_widget(scrolled(lines), inner),
            }
        }
        PreviewBody::Csv { rows, .. } => {
            let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
            // Only whole columns that fit: a table given more squeezes them all.
            let all = fit_widths(rows, cols);
            let shown = visible_columns(&all, first_col, inner.width);
            let widths: Vec<Constraint> = all
                .into_iter()
                .skip(first_col)
                .take(shown)
                .map(|w| Constraint::Length(w as u16))
                .collect();
            let cells = |r: &Vec<String>| {
                r.iter()
                    .skip(first_col)
                    .take(shown)
                    .cloned()
                    .collect::<Vec<_>>()
            };
            let mut rows_iter = rows.iter();
            let header = rows_iter.next().map(|h| Row::new(cells(h)).style(heading));
            let body: Vec<Row> = rows_iter.skip(scroll).map(|r| Row::new(cells(r))).collect();
            let mut table = Table::new(body, widths).column_spacing(2);
            if let Some(h) = header {
                table = table.header(h);
            }
            frame.render_widget(table, inner);
        }
    }
}

thread_local! {
    /// The picture last scaled for the pane, by picture and place: most
    /// frames redraw the same picture in the same place and cost nothing.
    static SCALED: RefCell<Option<(u64, Rect, Protocol)>> = const { RefCell::new(None) };
}

/// Draws a picture in colour half-blocks: a pixel a column, two a row (so
/// small pictures are not blown up into blurs), shrunk to fit, centred.
fn draw_picture(frame: &mut Frame, area: Rect, picture: &Picture) {
    let (w, h) = (
        picture.width().max(1) as f64,
        picture.height().max(1) as f64,
    );
    let cells = (w, (h / 2.0).max(1.0));
    let scale = (area.width as f64 / cells.0)
        .min(area.height as f64 / cells.1)
        .min(1.0);
    let width = ((cells.0 * scale).round() as u16).clamp(1, area.width.max(1));
    let height = ((cells.1 * scale).round() as u16).clamp(1, area.height.max(1));
    if area.width == 0 || area.height == 0 {
        return;
    }
    let place = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y,
        width,
        height,
    };
    SCALED.with(|cache| {
        let mut cache = cache.borrow_mut();
        let fresh = matches!(&*cache, Some((id, at, _)) if *id == picture.id && *at == place);
        if !fresh {
            *cache = Picker::halfblocks()
                .new_protocol(picture.image(), place.as_size(), Resize::Scale(None))
                .ok()
                .map(|p| (picture.id, place, p));
        }
        if let Some((_, _, protocol)) = &*cache {
            frame.render_widget(ratatui_image::Image::new(protocol), place);
        }
    });
}

/// Each column's width: its widest cell, capped.
fn fit_widths(rows: &[Vec<String>], cols: usize) -> Vec<usize> {
    (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(1)
                .clamp(1, MAX_COL)
        })
        .collect()
}

/// A table as text lines (header styled), so it scrolls with the lines
/// around it; columns before `first_col` are scrolled out of view.
fn table_lines(
    header: &[String],
    rows: &[Vec<String>],
    heading: Style,
    first_col: usize,
) -> Vec<Line<'static>> {
    let mut all = vec![header.to_vec()];
    all.extend(rows.iter().cloned());
    let cols = all.iter().map(Vec::len).max().unwrap_or(0);
    let widths = fit_widths(&all, cols);
    let render = |row: &[String]| -> String {
        let cells: Vec<String> = widths
            .iter()
            .enumerate()
            .skip(first_col)
            .map(|(i, w)| {
                let cell = row.get(i).map(String::as_str).unwrap_or("");
                let cut: String = if cell.chars().count() > *w {
                    cell.chars()
                        .take(w.saturating_sub(1))
                        .chain(['…'])
                        .collect()
                } else {
                    cell.to_string()
                };
                format!("{cut:<w$}")
            })
            .collect();
        format!(" {}", cells.join("  ").trim_end())
    };
    let mut lines = vec![Line::styled(render(header), heading)];
    lines.extend(rows.iter().map(|r| Line::raw(render(r))));
    lines
}

fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Summary, schema table, row groups, then the first rows; also which line
/// is the rows table's header.
fn parquet_lines(
    pq: &ParquetPreview,
    ui: &Ui,
    first_col: usize,
) -> (Vec<Line<'static>>, Option<usize>) {
    let dim = Style::default().fg(ui.theme.dim);
    let heading = Style::default()
        .fg(ui.theme.accent)
        .add_modifier(Modifier::BOLD);
    let plural = |n: usize, what: &str| {
        if n == 1 {
            format!("1 {what}")
        } else {
            format!("{} {what}s", thousands(n as i64))
        }
    };
    let mut summary = format!(
        " Parquet · {} rows · {} · {}",
        thousands(pq.num_rows),
        plural(pq.groups.len(), "row group"),
        plural(pq.columns.len(), "column")
    );
    if let Some(by) = &pq.created_by {
        summary.push_str(&format!(" · {by}"));
    }
    let mut lines = vec![Line::styled(summary, heading), Line::raw("")];
    let schema: Vec<Vec<String>> = pq
        .columns
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.physical.clone(),
                c.logical.clone(),
                c.compression.clone(),
            ]
        })
        .collect();
    let header: Vec<String> = ["column", "physical", "logical", "compression"]
        .map(String::from)
        .to_vec();
    lines.extend(table_lines(&header, &schema, heading, 0));
    lines.push(Line::raw(""));
    // Row groups: the first few, then a count.
    const SHOWN_GROUPS: usize = 4;
    let groups: Vec<Vec<String>> = pq
        .groups
        .iter()
        .enumerate()
        .take(SHOWN_GROUPS)
        .map(|(i, g)| {
            vec![
                format!("{}", i + 1),
                thousands(g.rows),
                human_bytes(g.compressed.max(0) as u64),
                human_bytes(g.uncompressed.max(0) as u64),
            ]
        })
        .collect();
    let header: Vec<String> = ["row group", "rows", "compressed", "uncompressed"]
        .map(String::from)
        .to_vec();
    lines.extend(table_lines(&header, &groups, heading, 0));
    if pq.groups.len() > SHOWN_GROUPS {
        lines.push(Line::styled(
            format!(" … {} more", pq.groups.len() - SHOWN_GROUPS),
            dim,
        ));
    }
    lines.push(Line::raw(""));
    let mut header_at = None;
    if !pq.rows.is_empty() {
        lines.push(Line::styled(
            format!(
                " First {} of {} rows (from row group 1):",
                thousands(pq.rows.len() as i64),
                thousands(pq.num_rows)
            ),
            dim,
        ));
        header_at = Some(lines.len());
        lines.extend(table_lines(&pq.header, &pq.rows, heading, first_col));
    }
    if let Some(note) = &pq.rows_note {
        lines.push(Line::styled(format!(" {note}"), dim));
    }
    (lines, header_at)
}

#[cfg(test)]
// A list of byte ranges read that happens to hold one range.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::preview::image::ImageInfo;
    use crate::preview::parquet::{ColumnInfo, GroupInfo};

    fn render(p: &PreviewState, width: u16, height: u16) -> String {
        crate::ui::snapshot_tests::render_with(width, height, |f, ui| {
            draw(f, f.area(), p, false, ui)
        })
    }

    fn state(blob: &str, preview: Preview) -> PreviewState {
        PreviewState {
            blob: blob.into(),
            result: Some(Ok(preview)),
            scroll: 0,
            hscroll: 0,
        }
    }

    fn parquet() -> Preview {
        let col = |name: &str, physical: &str, logical: &str| ColumnInfo {
            name: name.into(),
            physical: physical.into(),
            logical: logical.into(),
            compression: "SNAPPY".into(),
        };
        let group = GroupInfo {
            rows: 2_500,
            compressed: 41_000,
            uncompressed: 80_000,
        };
        let row = |i: i64, city: &str, fare: &str| {
            vec![
                i.to_string(),
                city.to_string(),
                fare.to_string(),
                "2026-11-23 07:21:05 +00:00".to_string(),
            ]
        };
        Preview {
            body: PreviewBody::Parquet(Box::new(ParquetPreview {
                created_by: Some("parquet-rs version 60.1.0".into()),
                num_rows: 12_500,
                columns: vec![
                    col("trip_id", "INT64", ""),
                    col("city", "BYTE_ARRAY", "STRING"),
                    col("fare", "DOUBLE", ""),
                    col("pickup", "INT64", "TIMESTAMP(ms, UTC)"),
                ],
                groups: vec![
                    group.clone(),
                    group.clone(),
                    group.clone(),
                    group.clone(),
                    group,
                ],
                header: vec![
                    "trip_id".into(),
                    "city".into(),
                    "fare".into(),
                    "pickup".into(),
                ],
                rows: vec![
                    row(1, "Lisbon", "12.5"),
                    row(2, "Reykjavík", "7.25"),
                    row(3, "Osaka", "31"),
                ],
                rows_note: None,
            })),
            ranges: vec![0..65_536, 140_000..205_536, 65_536..70_000],
            total: 205_536,
            note: None,
        }
    }

    #[test]
    fn parquet_schema_groups_and_first_rows() {
        insta::assert_snapshot!(render(&state("trips/2026.parquet", parquet()), 90, 28));
    }

    #[test]
    fn parquet_rows_keep_their_header_when_scrolled() {
        let mut p = state("trips/2026.parquet", parquet());
        // Past the rows' header (line 16): it stays on top of row 3.
        p.scroll = 18;
        insta::assert_snapshot!(render(&p, 90, 10));
    }

    #[test]
    fn image_format_and_size() {
        let preview = Preview {
            body: PreviewBody::Image {
                info: ImageInfo {
                    format: "PNG".into(),
                    size: Some((640, 480)),
                },
                hex: crate::preview::hex::hex_dump(
                    b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0",
                ),
                picture: Some(Err(
                    "not drawn: it could not be decoded (Format error decoding Png)".into(),
                )),
            },
            ranges: vec![0..65_536],
            total: 1_200_000,
            note: None,
        };
        insta::assert_snapshot!(render(&state("dogs/rex.png", preview), 90, 10));
    }

    #[test]
    fn gzip_note_and_json_lines() {
        let preview = Preview {
            body: PreviewBody::JsonLines(crate::preview::ndjson::records(
                "{\"id\":1,\"tags\":[\"a\"]}\nnot json\n",
                true,
            )),
            ranges: vec![0..120],
            total: 120,
            note: Some("gzip: read 120 B compressed → 34 B text".into()),
        };
        insta::assert_snapshot!(render(&state("events.ndjson.gz", preview), 70, 12));
    }

    fn wide_csv() -> Preview {
        let row = |r: usize| -> Vec<String> {
            (0..12)
                .map(|c| {
                    if r == 0 {
                        format!("column_{c:02}")
                    } else {
                        format!("r{r}c{c}")
                    }
                })
                .collect()
        };
        Preview {
            body: PreviewBody::Csv {
                delimiter: ',',
                rows: (0..4).map(row).collect(),
            },
            ranges: vec![0..400],
            total: 400,
            note: None,
        }
    }

    #[test]
    fn a_wide_table_says_which_columns_show_and_scrolls_by_column() {
        let mut p = state("wide.csv", wide_csv());
        let first = render(&p, 60, 6);
        assert!(first.contains("columns 1–5 of 12"), "{first}");
        // Three steps right: column 4 leads; never past the last column.
        for _ in 0..3 {
            p.scroll_sideways(true);
        }
        let moved = render(&p, 60, 6);
        assert!(moved.contains("columns 4–8 of 12"), "{moved}");
        assert!(
            !moved.contains("column_00") && moved.contains("r3c3"),
            "{moved}"
        );
        insta::assert_snapshot!(moved);
        for _ in 0..40 {
            p.scroll_sideways(true);
        }
        assert_eq!(p.hscroll, 11);
        for _ in 0..40 {
            p.scroll_sideways(false);
        }
        assert_eq!(p.hscroll, 0);
    }

    #[test]
    fn parquet_rows_scroll_sideways_but_the_schema_stays() {
        let mut p = state("trips/2026.parquet", parquet());
        p.scroll_sideways(true);
        p.scroll_sideways(true);
        let screen = render(&p, 90, 40);
        // The schema still lists every column; the rows start at `fare`.
        assert!(
            screen.contains("trip_id") && screen.contains("INT64"),
            "{screen}"
        );
        let rows_header = screen
            .lines()
            .find(|l| l.contains("fare") && l.contains("pickup") && !l.contains("DOUBLE"))
            .unwrap_or_default();
        assert!(!rows_header.contains("city"), "{screen}");
        assert!(screen.contains("columns 3–4 of 4"), "{screen}");
    }

    #[test]
    fn long_text_lines_scroll_by_characters_keeping_line_numbers() {
        let text = format!("{}END\nshort\n", "abcdefgh".repeat(10));
        let mut p = state(
            "notes.txt",
            Preview {
                body: PreviewBody::Text(text),
                ranges: vec![0..90],
                total: 90,
                note: None,
            },
        );
        assert!(!render(&p, 60, 5).contains("END"));
        for _ in 0..20 {
            p.scroll_sideways(true);
        }
        // 83 characters: at most 10 steps of 8.
        assert_eq!(p.hscroll, 10);
        let screen = render(&p, 60, 5);
        assert!(screen.contains("1 END"), "{screen}");
        assert!(screen.contains("from character 81"), "{screen}");
    }

    #[test]
    fn a_small_picture_is_drawn_a_pixel_a_column_two_a_row() {
        use ratatui::style::Color;
        // 8 × 4 pixels: two red rows over two blue ones.
        let pixels = image::RgbaImage::from_fn(8, 4, |_, y| {
            if y < 2 {
                image::Rgba([255, 0, 0, 255])
            } else {
                image::Rgba([0, 0, 255, 255])
            }
        });
        let preview = Preview {
            body: PreviewBody::Image {
                info: ImageInfo {
                    format: "PNG".into(),
                    size: Some((8, 4)),
                },
                hex: Vec::new(),
                picture: Some(Ok(Picture::new(pixels))),
            },
            ranges: vec![0..90],
            total: 90,
            note: None,
        };
        let p = state("tiny.png", preview);
        let keymap = crate::config::keymap::Keymap::default();
        let theme = crate::config::theme::Theme::default();
        let ui = Ui {
            keymap: &keymap,
            theme: &theme,
        };
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(30, 8)).unwrap();
        terminal
            .draw(|f| draw(f, f.area(), &p, false, &ui))
            .unwrap();
        let buffer = terminal.backend().buffer();
        // Title row, then the "PNG image" line and a gap: the picture starts
        // on row 3, centred in the 29 columns right of the border.
        let painted: Vec<(u16, u16)> = (0..8u16)
            .flat_map(|y| (0..30u16).map(move |x| (x, y)))
            .filter(|&(x, y)| buffer[(x, y)].symbol() == "▀")
            .collect();
        assert_eq!(painted.len(), 16, "8 columns × 2 rows of half-blocks");
        // Red over blue: the top row's upper halves are red, the bottom row's
        // lower halves blue (edges in between may blend when scaled).
        let redness = |c: Color| match c {
            Color::Rgb(r, _, b) => r as i32 - b as i32,
            other => panic!("not a picture colour: {other:?}"),
        };
        let (x0, y0) = painted[0];
        assert_eq!(y0, 3);
        assert_eq!(x0, 1 + (29 - 8) / 2);
        for &(x, y) in &painted {
            let cell = &buffer[(x, y)];
            if y == y0 {
                assert_eq!(cell.fg, Color::Rgb(255, 0, 0), "cell {x},{y}");
                assert!(redness(cell.bg) > 0, "cell {x},{y}: {:?}", cell.bg);
            } else {
                assert_eq!(cell.bg, Color::Rgb(0, 0, 255), "cell {x},{y}");
                assert!(redness(cell.fg) < 0, "cell {x},{y}: {:?}", cell.fg);
            }
        }
        let text =
            crate::ui::snapshot_tests::render_with(30, 8, |f, ui| draw(f, f.area(), &p, false, ui));
        assert!(text.contains("PNG image · 8 × 4 px"), "{text}");
    }
}
