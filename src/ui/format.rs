//! Numbers, dates and names the way the screen shows them.
//!
//! Names come from the service and local disks and may hold anything: tabs,
//! escape sequences, U+FFFF, zero-width or bidi characters. Terminals do not
//! print those as one cell each, so a raw name can shift a row and leave
//! garbage behind. Every name is drawn through [`display_name`], which shows
//! such characters escaped (`\t`, `\u{ffff}`); requests keep the real name.

use humansize::{BINARY, format_size};
use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn size(bytes: u64) -> String {
    format_size(bytes, BINARY)
}

/// `2026-11-23 07:21` in UTC, or empty.
pub fn date(unix: Option<i64>) -> String {
    let Some(t) = unix.and_then(|u| time::OffsetDateTime::from_unix_timestamp(u).ok()) else {
        return String::new();
    };
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    t.format(&f).unwrap_or_default()
}

/// An estimated amount: `0.42 USD`, `<0.01 USD` for a little, `0 USD` for none.
pub fn cost(amount: f64, currency: &str) -> String {
    if amount <= 0.0 {
        format!("0 {currency}")
    } else if amount < 0.01 {
        format!("<0.01 {currency}")
    } else {
        format!("{amount:.2} {currency}")
    }
}

/// How long ago: `just now`, `42 s ago`, `3 min ago`, `2 h ago`, `4 days ago`;
/// empty when `now` is unknown (0).
pub fn age(then: i64, now: i64) -> String {
    if now == 0 {
        return String::new();
    }
    match now.saturating_sub(then).max(0) {
        0..5 => "just now".into(),
        s @ 5..60 => format!("{s} s ago"),
        s @ 60..3600 => format!("{} min ago", s / 60),
        s @ 3600..86_400 => format!("{} h ago", s / 3600),
        s => format!("{} days ago", s / 86_400),
    }
}

/// Text from the service as a terminal can show it: control characters
/// and other characters that do not print as one cell are escaped.
pub fn escape(text: &str) -> String {
    if !text.chars().any(|c| c.is_control()) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `12,345`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Characters shown escaped wherever they appear: controls, noncharacters,
/// and invisible format characters (zero-width spaces and joiners, bidi
/// controls, BOM, fillers, tags) whose width terminals disagree on.
fn always_escaped(c: char) -> bool {
    let u = c as u32;
    c.is_control()
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
        || matches!(
            u,
            0x00AD
                | 0x034F
                | 0x061C
                | 0x115F
                | 0x1160
                | 0x17B4
                | 0x17B5
                | 0x180B..=0x180F
                | 0x200B..=0x200F
                | 0x2028..=0x202E
                | 0x2060..=0x206F
                | 0x3164
                | 0xFEFF
                | 0xFFA0
                | 0xFFF0..=0xFFFB
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0000..=0xE0FFF
        )
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// Calls `f` with each character of `s` as shown: itself, or its escape. A
/// zero-width mark is kept only right after a printed character (an accent
/// on its letter); alone it would have no cell, so it is escaped too.
fn shown(s: &str, mut f: impl FnMut(char, Option<&str>)) {
    let mut after_base = false;
    let mut buf = String::new();
    for c in s.chars() {
        let keep = !always_escaped(c)
            && match c.width() {
                Some(0) => after_base,
                Some(_) => true,
                None => false,
            };
        if keep {
            after_base = true;
            f(c, None);
        } else {
            after_base = false;
            buf.clear();
            escape_char(c, &mut buf);
            f(c, Some(&buf));
        }
    }
}

/// `s` safe to draw: every character takes the cells its width says.
pub fn display_name(s: &str) -> Cow<'_, str> {
    let mut clean = true;
    shown(s, |_, esc| clean &= esc.is_none());
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    shown(s, |c, esc| match esc {
        Some(e) => out.push_str(e),
        None => out.push(c),
    });
    Cow::Owned(out)
}

/// Like [`display_name`] for a message of several lines: the line breaks
/// stay (a paragraph draws them), everything else is escaped.
pub fn display_text(s: &str) -> String {
    s.split('\n')
        .map(display_name)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each character of `s` as shown, in order (for highlighting matched
/// characters one by one).
pub fn display_chars(s: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(s.len());
    shown(s, |c, esc| {
        out.push(esc.map_or_else(|| c.to_string(), str::to_string));
    });
    out
}

/// Cells `s` takes on screen (wide characters count 2).
pub fn width(s: &str) -> usize {
    s.width()
}

/// `s` cut to at most `max` cells from the left, `…` marking the cut:
/// the end of a path (the file's own name) stays in sight.
pub fn cut_left(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1; // the ellipsis
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > max {
            break;
        }
        used += w;
        kept.push(c);
    }
    // A mark cut off from its letter would stand alone.
    while kept.last().is_some_and(|c| c.width() == Some(0)) {
        kept.pop();
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// `s` cut to at most `max` cells from the right, `…` marking the cut.
pub fn cut_right(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 1;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(size(1536), "1.50 KiB");
        assert_eq!(date(Some(1_795_418_465)), "2026-11-23 07:21");
        assert_eq!(date(None), "");
        assert_eq!(count(12345678), "12,345,678");
        assert_eq!(count(12), "12");
    }

    #[test]
    fn plain_names_are_not_copied() {
        assert!(matches!(display_name("raw/2024/a.csv"), Cow::Borrowed(_)));
        assert!(matches!(display_name("数据/café.csv"), Cow::Borrowed(_)));
    }

    #[test]
    fn characters_terminals_do_not_print_as_one_cell_are_escaped() {
        assert_eq!(display_name("a\tb\nc\rd"), "a\\tb\\nc\\rd");
        assert_eq!(display_name("x\u{ffff}y"), "x\\u{ffff}y");
        assert_eq!(display_name("\u{fdd0}\u{1fffe}"), "\\u{fdd0}\\u{1fffe}");
        assert_eq!(display_name("zero\u{200b}width"), "zero\\u{200b}width");
        assert_eq!(display_name("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(display_name("del\u{7f}"), "del\\u{7f}");
        assert_eq!(display_name("c1\u{9b}"), "c1\\u{9b}");
        assert_eq!(display_name("bidi\u{202e}txt"), "bidi\\u{202e}txt");
        assert_eq!(display_name("\u{feff}bom"), "\\u{feff}bom");
        assert_eq!(display_name("join\u{200d}er"), "join\\u{200d}er");
        // A combining accent stays on its letter, and is escaped alone.
        assert_eq!(display_name("cafe\u{301}"), "cafe\u{301}");
        assert_eq!(display_name("\u{301}x"), "\\u{301}x");
        assert_eq!(display_name("\t\u{301}"), "\\t\\u{301}");
        // Wide characters are fine to show: they take two cells.
        assert_eq!(display_name("日本.csv"), "日本.csv");
        assert_eq!(width("日本.csv"), 8);
    }

    #[test]
    fn messages_keep_their_line_breaks() {
        assert_eq!(display_text("a\tb\nc\u{ffff}"), "a\\tb\nc\\u{ffff}");
        assert_eq!(display_text("one line"), "one line");
    }

    #[test]
    fn every_shown_name_has_no_control_and_a_width_per_character() {
        let nasty =
            "a\u{0}\u{1}\t\u{7f}\u{85}\u{200b}\u{2028}\u{ffff}\u{fffe}\u{e0001}\u{301}日\u{fe0f}";
        let shown = display_name(nasty);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown}");
        for c in shown.chars() {
            assert!(!always_escaped(c), "{c:?} in {shown}");
        }
        assert_eq!(display_chars(nasty).concat(), shown);
        assert_eq!(display_chars(nasty).len(), nasty.chars().count());
    }

    #[test]
    fn cuts_keep_within_the_width_and_mark_the_cut() {
        assert_eq!(
            cut_left("raw/2024/03/part-00000.parquet", 20),
            "…/part-00000.parquet"
        );
        assert_eq!(cut_left("abcdef", 4), "…def");
        assert_eq!(cut_left("abc", 3), "abc");
        assert_eq!(cut_left("abc", 0), "");
        assert_eq!(cut_right("abcdef", 4), "abc…");
        // A wide character that would straddle the edge is left out.
        assert_eq!(cut_left("日本語", 4), "…語");
        assert!(width(&cut_left("日本語", 4)) <= 4);
        assert_eq!(cut_right("日本語", 4), "日…");
    }
}
