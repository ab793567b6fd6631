//! Which rows are shown, in what order: sorting and the fuzzy filter.
//!
//! The filter narrows incrementally: typing one more character only rescans
//! what matched before, and a page arriving only scans the new rows.

use super::entry::Entry;
use fuzzy_matcher::{FuzzyMatcher, skim::SkimMatcherV2};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Size,
    Modified,
}

impl SortKey {
    pub fn next(self) -> Self {
        match self {
            SortKey::Name => SortKey::Size,
            SortKey::Size => SortKey::Modified,
            SortKey::Modified => SortKey::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Size => "size",
            SortKey::Modified => "modified",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self {
            key: SortKey::Name,
            descending: false,
        }
    }
}

/// Folders first, then by the key; ties broken by name so the order is stable.
pub fn compare(a: &Entry, b: &Entry, sort: Sort) -> Ordering {
    let dirs = b.is_dir().cmp(&a.is_dir());
    if dirs != Ordering::Equal {
        return dirs;
    }
    let by_key = match sort.key {
        SortKey::Name => Ordering::Equal,
        SortKey::Size => a.size.cmp(&b.size),
        SortKey::Modified => a.modified.cmp(&b.modified),
    }
    .then_with(|| a.name.cmp(&b.name));
    if sort.descending {
        by_key.reverse()
    } else {
        by_key
    }
}

/// The fuzzy filter and its cache of what matched last time.
pub struct FuzzyFilter {
    matcher: SkimMatcherV2,
    query: String,
    matched: Vec<u32>,
    scanned: usize,
    /// Every entry in sort order, kept while the rows and the sort stay the
    /// same, so a keystroke filters an already sorted list instead of sorting.
    sorted: Vec<u32>,
    sorted_for: Option<(usize, Sort)>,
}

impl std::fmt::Debug for FuzzyFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FuzzyFilter")
            .field("query", &self.query)
            .field("matched", &self.matched.len())
            .finish()
    }
}

impl Default for FuzzyFilter {
    fn default() -> Self {
        Self {
            matcher: SkimMatcherV2::default().smart_case(),
            query: String::new(),
            matched: Vec::new(),
            scanned: 0,
            sorted: Vec::new(),
            sorted_for: None,
        }
    }
}

/// Whether `needle` appears in `hay` in order (what makes a fuzzy match at
/// all); smart case as the matcher: case-sensitive only if the query has an
/// upper-case letter. The scoring matcher is kept for highlighting the few
/// visible rows; filtering 100,000 names only needs this yes/no, which is
/// far cheaper.
fn is_subsequence(hay: &str, needle: &str, case_sensitive: bool) -> bool {
    let mut wanted = needle.chars().peekable();
    for c in hay.chars() {
        let Some(&w) = wanted.peek() else {
            return true;
        };
        let hit = if case_sensitive {
            c == w
        } else if c.is_ascii() && w.is_ascii() {
            c.eq_ignore_ascii_case(&w)
        } else {
            c.to_lowercase().eq(w.to_lowercase())
        };
        if hit {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

impl FuzzyFilter {
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Indices of the entries that match `query`, in entry order.
    pub fn apply(&mut self, entries: &[Entry], query: &str) -> &[u32] {
        if entries.len() < self.scanned {
            // The listing was replaced: start over.
            self.reset();
        }
        let case_sensitive = query.chars().any(char::is_uppercase);
        if query != self.query {
            // A longer query can only match a subset of what the shorter one did.
            if !self.query.is_empty() && query.starts_with(self.query.as_str()) {
                self.matched
                    .retain(|&i| is_subsequence(&entries[i as usize].name, query, case_sensitive));
            } else {
                self.matched.clear();
                self.scanned = 0;
            }
            self.query = query.to_string();
        }
        for (i, e) in entries.iter().enumerate().skip(self.scanned) {
            if self.query.is_empty() || is_subsequence(&e.name, &self.query, case_sensitive) {
                self.matched.push(i as u32);
            }
        }
        self.scanned = entries.len();
        &self.matched
    }

    pub fn reset(&mut self) {
        self.query.clear();
        self.matched.clear();
        self.scanned = 0;
        self.sorted.clear();
        self.sorted_for = None;
    }

    /// All entries in `sort` order (cached until the rows or the sort change).
    fn sorted(&mut self, entries: &[Entry], sort: Sort) -> &[u32] {
        if self.sorted_for != Some((entries.len(), sort)) {
            self.sorted = (0..entries.len() as u32).collect();
            // Pages arrive in name order, so for the default sort this is
            // nearly sorted and the stable sort runs in close to linear time.
            self.sorted
                .sort_by(|&a, &b| compare(&entries[a as usize], &entries[b as usize], sort));
            self.sorted_for = Some((entries.len(), sort));
        }
        &self.sorted
    }

    /// Character positions of the match in `name`, for highlighting.
    pub fn positions(&self, name: &str) -> Vec<usize> {
        if self.query.is_empty() {
            return Vec::new();
        }
        self.matcher
            .fuzzy_indices(name, &self.query)
            .map(|(_, idx)| idx)
            .unwrap_or_default()
    }
}

/// Rows to show: matching entries in sort order.
pub fn build_view(
    entries: &[Entry],
    filter: &mut FuzzyFilter,
    query: &str,
    sort: Sort,
) -> Vec<u32> {
    if query.is_empty() {
        filter.apply(entries, query);
        return filter.sorted(entries, sort).to_vec();
    }
    let mut keep = vec![false; entries.len()];
    for &i in filter.apply(entries, query) {
        keep[i as usize] = true;
    }
    filter
        .sorted(entries, sort)
        .iter()
        .copied()
        .filter(|&i| keep[i as usize])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::entry::EntryKind;

    fn blob(name: &str, size: u64) -> Entry {
        Entry {
            kind: EntryKind::Blob,
            name: name.into(),
            size,
            modified: Some(size as i64),
            tier: None,
            content_type: None,
        }
    }

    fn folder(name: &str) -> Entry {
        Entry {
            kind: EntryKind::Folder,
            ..blob(name, 0)
        }
    }

    fn names(entries: &[Entry], view: &[u32]) -> Vec<String> {
        view.iter()
            .map(|&i| entries[i as usize].name.to_string())
            .collect()
    }

    #[test]
    fn folders_first_then_name() {
        let entries = vec![blob("b.csv", 1), folder("z/"), blob("a.csv", 2)];
        let mut f = FuzzyFilter::default();
        let v = build_view(&entries, &mut f, "", Sort::default());
        assert_eq!(names(&entries, &v), ["z/", "a.csv", "b.csv"]);
    }

    #[test]
    fn size_descending() {
        let entries = vec![blob("small", 1), blob("big", 100), blob("mid", 50)];
        let mut f = FuzzyFilter::default();
        let sort = Sort {
            key: SortKey::Size,
            descending: true,
        };
        let v = build_view(&entries, &mut f, "", sort);
        assert_eq!(names(&entries, &v), ["big", "mid", "small"]);
    }

    #[test]
    fn fuzzy_filter_narrows_and_widens() {
        let entries = vec![
            blob("train.parquet", 1),
            blob("test.parquet", 1),
            blob("readme.md", 1),
        ];
        let mut f = FuzzyFilter::default();
        assert_eq!(
            names(
                &entries,
                &build_view(&entries, &mut f, "t", Sort::default())
            )
            .len(),
            2
        );
        assert_eq!(
            names(
                &entries,
                &build_view(&entries, &mut f, "trn", Sort::default())
            ),
            ["train.parquet"]
        );
        // Backspacing widens again.
        assert_eq!(
            names(
                &entries,
                &build_view(&entries, &mut f, "t", Sort::default())
            )
            .len(),
            2
        );
        assert_eq!(build_view(&entries, &mut f, "", Sort::default()).len(), 3);
    }

    #[test]
    fn new_pages_are_filtered_too() {
        let mut entries = vec![blob("alpha", 1)];
        let mut f = FuzzyFilter::default();
        assert_eq!(build_view(&entries, &mut f, "be", Sort::default()).len(), 0);
        entries.push(blob("beta", 1));
        assert_eq!(
            names(
                &entries,
                &build_view(&entries, &mut f, "be", Sort::default())
            ),
            ["beta"]
        );
    }

    #[test]
    fn the_fast_check_agrees_with_the_scoring_matcher() {
        let m = SkimMatcherV2::default().smart_case();
        let names = [
            "train.parquet",
            "Test.CSV",
            "über-daten.csv",
            "a/b/c",
            "x",
            "",
            "blob-0999.bin",
        ];
        let queries = [
            "t",
            "trn",
            "TC",
            "tc",
            "üd",
            "ÜD",
            "abc",
            "zz",
            "blob-0999",
            "b9",
            "x",
            "tEst",
        ];
        for n in names {
            for q in queries {
                let cs = q.chars().any(char::is_uppercase);
                assert_eq!(
                    is_subsequence(n, q, cs),
                    m.fuzzy_match(n, q).is_some(),
                    "{n:?} / {q:?}"
                );
            }
        }
    }

    #[test]
    fn positions_for_highlight() {
        let mut f = FuzzyFilter::default();
        f.apply(&[blob("train", 1)], "tn");
        assert_eq!(f.positions("train"), vec![0, 4]);
    }
}
