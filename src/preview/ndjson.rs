//! NDJSON / JSON Lines: one JSON document per line, each shown pretty-printed.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// 1-based line in the blob.
    pub line: usize,
    /// Pretty-printed, or the raw line when it does not parse.
    pub text: String,
    /// False when the line is not valid JSON (or was cut off by the range).
    pub valid: bool,
}

/// Splits `text` into records. With `complete` false the last line may be cut
/// off by the range read and is dropped, like a cut CSV line.
pub fn records(text: &str, complete: bool) -> Vec<Record> {
    let mut lines: Vec<(usize, &str)> = text.lines().enumerate().collect();
    if !complete && !text.ends_with('\n') {
        lines.pop();
    }
    lines
        .into_iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(
            |(i, l)| match serde_json::from_str::<serde_json::Value>(l) {
                Ok(v) => Record {
                    line: i + 1,
                    text: serde_json::to_string_pretty(&v).unwrap_or_else(|_| l.to_string()),
                    valid: true,
                },
                Err(_) => Record {
                    line: i + 1,
                    text: l.to_string(),
                    valid: false,
                },
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_is_one_pretty_record_and_a_cut_line_is_dropped() {
        let r = records("{\"a\":1}\n\nnot json\n{\"b\":[1,", false);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].text, "{\n  \"a\": 1\n}");
        assert_eq!((r[1].line, r[1].valid), (3, false));
        assert_eq!(records("{\"a\":1}", true).len(), 1);
    }
}
