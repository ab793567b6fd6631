//! Numbers and dates the way the columns show them.

use humansize::{BINARY, format_size};

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
}
