//! Recursive search below the current folder: a glob (`**/2024-*/part-*.parquet`),
//! a `/regex/`, or a plain substring. The longest literal prefix of the
//! pattern goes to the server as the listing prefix, so the scan is as short
//! as it can be; matches stream in with a count of scanned blobs.
//!
//! Also the page-by-page walk of a blob listing that the browser's folder
//! listings and the search share.

use super::client::StorageClient;
use super::error::describe_error;
use super::listing::BlobEntry;
use super::walk::{Tier, Walk, WalkOptions};
use globset::{GlobBuilder, GlobMatcher};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug)]
pub enum Pattern {
    Glob(GlobMatcher),
    Regex(regex::Regex),
    Substring(String),
}

#[derive(Clone, Debug)]
pub struct Find {
    pub text: String,
    pub pattern: Pattern,
    /// Literal start of the pattern: listed server-side under the folder.
    pub literal_prefix: String,
    /// Size, time and exclude words typed with the pattern (the TUI's `f`).
    pub filter: super::filter::Filter,
}

fn is_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

impl Find {
    /// Parses what was typed; names are matched relative to the folder.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("type a glob (**/*.csv), a /regex/, or part of a name".into());
        }
        let (pattern, literal_prefix) = if let Some(re) =
            text.strip_prefix('/').and_then(|t| t.strip_suffix('/'))
        {
            let r = regex::Regex::new(re).map_err(|e| format!("not a regular expression: {e}"))?;
            let literal = re
                .strip_prefix('^')
                .map(|r| {
                    r.chars()
                        .take_while(|c| c.is_alphanumeric() || "-_/ ".contains(*c))
                        .collect()
                })
                .unwrap_or_default();
            (Pattern::Regex(r), literal)
        } else if is_glob(text) {
            let g = GlobBuilder::new(text)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("not a glob: {e}"))?
                .compile_matcher();
            let literal: String = text.chars().take_while(|c| !"*?[{".contains(*c)).collect();
            (Pattern::Glob(g), literal)
        } else {
            (Pattern::Substring(text.to_lowercase()), String::new())
        };
        Ok(Self {
            text: text.to_string(),
            pattern,
            literal_prefix,
            filter: super::filter::Filter::default(),
        })
    }

    /// A pattern with filter words among it: `after:7d`, `before:2026-11-01`
    /// (a date, a time or an age, as `--modified-after/-before`), `min:10MiB`,
    /// `max:1GiB`, `not:GLOB` (as `--exclude`, repeatable). Only filter words
    /// (`after:7d min:1MiB`) find every blob that passes them. `now` (unix
    /// seconds) anchors ages.
    pub fn parse_filtered(text: &str, now: i64) -> Result<Self, String> {
        let (mut after, mut before, mut min, mut max) = (None, None, None, None);
        let mut exclude = Vec::new();
        let mut rest = Vec::new();
        for word in text.split_whitespace() {
            match word.split_once(':') {
                Some(("after", v)) => after = Some(v),
                Some(("before", v)) => before = Some(v),
                Some(("min", v)) => min = Some(v),
                Some(("max", v)) => max = Some(v),
                Some(("not", v)) => exclude.push(v.to_string()),
                _ => rest.push(word),
            }
        }
        let words = super::filter::FilterText {
            modified_after: after,
            modified_before: before,
            min_size: min,
            max_size: max,
            include: &[],
            exclude: &exclude,
        };
        let filter = super::filter::Filter::parse(&words, now).map_err(|e| {
            e.replace("--modified-after", "after")
                .replace("--modified-before", "before")
                .replace("--min-size", "min")
                .replace("--max-size", "max")
                .replace("--exclude", "not")
        })?;
        let pattern = match rest.join(" ") {
            p if p.is_empty() && !filter.is_empty() => "**".to_string(),
            p => p,
        };
        let mut find = Self::parse(&pattern)?;
        find.text = text.trim().to_string();
        find.filter = filter;
        Ok(find)
    }

    pub fn matches(&self, relative: &str) -> bool {
        match &self.pattern {
            Pattern::Glob(g) => g.is_match(relative),
            Pattern::Regex(r) => r.is_match(relative),
            Pattern::Substring(s) => relative.to_lowercase().contains(s),
        }
    }
}

/// Blobs per listing request. Delimiter listings on the emulator get much
/// slower with smaller pages (see BENCHMARKS.md), and on Azure 5,000 is the
/// most a page can hold, so every listing asks for the maximum.
pub const LIST_PAGE_SIZE: u32 = 5000;

/// Walks a blob listing page by page. `send` gets each page's entries (or
/// the error, in words) and whether it is the last; it answers false when
/// nobody listens any more.
pub async fn each_blob_page(
    client: &StorageClient,
    container: &str,
    prefix: &str,
    delimiter: Option<&str>,
    mut send: impl FnMut(Result<Vec<BlobEntry>, String>, bool) -> bool,
) {
    let mut marker: Option<String> = None;
    // A directory of a hierarchical account is listed twice (its placeholder
    // blob and its prefix), maybe on different pages: each folder once.
    let mut folders = std::collections::HashSet::new();
    loop {
        let page = client
            .list_blobs_page(
                container,
                prefix,
                delimiter,
                marker.as_deref(),
                LIST_PAGE_SIZE,
            )
            .await;
        let (result, done) = match page {
            Ok(p) => {
                marker = p.next_marker;
                let mut entries = p.entries;
                entries.retain(|e| !e.is_prefix || folders.insert(e.name.clone()));
                (Ok(entries), marker.is_none())
            }
            Err(e) => (Err(describe_error(&e, client.account())), true),
        };
        if !send(result, done) || done {
            return;
        }
    }
}

/// Searches below `prefix`: walks the folders from the pattern's literal
/// start in parallel (see `walk`) and hands `send` each page's matches with
/// how many blobs the page scanned. Names are matched relative to `prefix`;
/// `send` answers false to stop, which cancels the walk's requests at once.
pub async fn scan(
    client: &StorageClient,
    container: &str,
    prefix: &str,
    pattern: &Find,
    mut send: impl FnMut(Result<(Vec<BlobEntry>, usize), String>, bool) -> bool,
) {
    let start = format!("{prefix}{}", pattern.literal_prefix);
    let mut walk = Walk::start(
        client.clone(),
        container,
        &start,
        WalkOptions::default(),
        CancellationToken::new(),
    );
    while let Some(page) = walk.next().await {
        let failed = page.is_err();
        let result = page.map(|blobs| {
            let scanned = blobs.len();
            let matches = blobs
                .into_iter()
                .filter(|b| {
                    let rel = b.name.strip_prefix(prefix).unwrap_or(&b.name);
                    pattern.matches(rel) && pattern.filter.matches(rel, b.size, b.last_modified)
                })
                .map(|b| BlobEntry {
                    access_tier: (b.tier != Tier::Other).then(|| b.tier.name().to_string()),
                    name: b.name,
                    is_prefix: false,
                    size: b.size,
                    last_modified: b.last_modified,
                    content_type: None,
                })
                .collect();
            (matches, scanned)
        });
        if !send(result, failed) || failed {
            return;
        }
    }
    send(Ok((Vec::new(), 0)), true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_words_among_the_pattern() {
        let now = 1_800_000_000;
        let f = Find::parse_filtered("raw/*.csv min:1KiB after:7d not:*tmp*", now).unwrap();
        assert_eq!(f.literal_prefix, "raw/");
        assert!(f.matches("raw/a.csv"));
        assert!(f.filter.matches("raw/a.csv", 2048, Some(now - 86_400)));
        assert!(!f.filter.matches("raw/a.csv", 10, Some(now)), "too small");
        assert!(
            !f.filter.matches("raw/a.csv", 2048, Some(now - 8 * 86_400)),
            "too old"
        );
        assert!(
            !f.filter.matches("raw/tmp.csv", 2048, Some(now)),
            "excluded"
        );
        // Only words: everything that passes them.
        let f = Find::parse_filtered("max:1MiB", now).unwrap();
        assert!(f.matches("deep/down/x.bin"));
        assert!(f.filter.matches("x", 5, None));
        let e = Find::parse_filtered("*.csv min:lots", now).unwrap_err();
        assert!(e.starts_with("min: "), "{e}");
        // Plain text keeps working, and no filter.
        let f = Find::parse_filtered("report", now).unwrap();
        assert!(f.filter.is_empty() && f.matches("q3/Report.pdf"));
    }

    #[test]
    fn globs_use_their_literal_start_as_prefix() {
        let f = Find::parse("raw/2024-*/part-*.parquet").unwrap();
        assert_eq!(f.literal_prefix, "raw/2024-");
        assert!(f.matches("raw/2024-01/part-00001.parquet"));
        assert!(
            !f.matches("raw/2024-01/deep/part-00001.parquet"),
            "* stays within a folder"
        );
        let f = Find::parse("**/*.csv").unwrap();
        assert_eq!(f.literal_prefix, "");
        assert!(f.matches("a/b/c.csv"));
    }

    #[test]
    fn regex_and_substring() {
        let f = Find::parse("/^logs/.*error/").unwrap();
        assert_eq!(f.literal_prefix, "logs/");
        assert!(f.matches("logs/2026/app-error.log"));
        let f = Find::parse("Report").unwrap();
        assert!(f.matches("q3/annual-report.pdf"));
        assert!(Find::parse("/([/").is_err());
        assert!(Find::parse("  ").is_err());
    }
}
