//! What a save changes, rule by rule.

use super::model::CorsRule;

// ---------------------------------------------------------------------------
// Diff

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    /// Unchanged: its number in the new set.
    Same(usize, String),
    /// Only in the old set: its number there.
    Removed(usize, String),
    /// Only in the new set: its number there.
    Added(usize, String),
}

/// Old against new, rule by rule (longest common subsequence; five rules at most).
pub fn diff(old: &[CorsRule], new: &[CorsRule]) -> Vec<DiffLine> {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push(DiffLine::Same(j + 1, new[j].summary()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Removed(i + 1, old[i].summary()));
            i += 1;
        } else {
            out.push(DiffLine::Added(j + 1, new[j].summary()));
            j += 1;
        }
    }
    out
}

/// The diff as text, one rule a line, `-` / `+` / space first.
pub fn diff_text(old: &[CorsRule], new: &[CorsRule]) -> String {
    if old.is_empty() && new.is_empty() {
        return "  (no rules before or after)".to_string();
    }
    diff(old, new)
        .iter()
        .map(|l| match l {
            DiffLine::Same(k, s) => format!("  {k}. {s}"),
            DiffLine::Removed(k, s) => format!("- {k}. {s}"),
            DiffLine::Added(k, s) => format!("+ {k}. {s}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
