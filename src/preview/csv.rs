//! CSV/TSV: guessing the delimiter and splitting rows, tolerant of a cut-off end.

/// The likeliest delimiter among `,` `;` tab `|`: the one that appears the
/// same non-zero number of times on the most of the first lines.
pub fn sniff_delimiter(text: &str) -> Option<char> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).take(20).collect();
    if lines.is_empty() {
        return None;
    }
    let mut best: Option<(char, usize)> = None;
    for d in [',', '\t', ';', '|'] {
        let first = lines[0].matches(d).count();
        if first == 0 {
            continue;
        }
        let agree = lines
            .iter()
            .filter(|l| l.matches(d).count() == first)
            .count();
        if best.is_none_or(|(_, a)| agree > a) {
            best = Some((d, agree));
        }
    }
    best.filter(|(_, agree)| *agree * 2 >= lines.len())
        .map(|(d, _)| d)
}

/// Splits CSV into rows and fields (RFC 4180 quoting). With `complete` false,
/// a last line that may be cut off is dropped.
pub fn parse_csv(text: &str, delimiter: char, complete: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c if c == delimiter => row.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    if complete && (!field.is_empty() || !row.is_empty()) {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_is_split_with_quotes_and_cut_lines_dropped() {
        let text = "a,b\n\"x, y\",\"say \"\"hi\"\"\"\r\n1,2";
        assert_eq!(sniff_delimiter(text), Some(','));
        assert_eq!(
            parse_csv(text, ',', true),
            vec![
                vec!["a".to_string(), "b".into()],
                vec!["x, y".into(), "say \"hi\"".into()],
                vec!["1".into(), "2".into()]
            ]
        );
        assert_eq!(parse_csv(text, ',', false).len(), 2);
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), Some(';'));
        assert_eq!(sniff_delimiter("just words\n"), None);
    }
}
