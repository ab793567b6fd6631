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
        }
    }
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
        if query != self.query {
            // A longer query can only match a subset of what the shorter one did.
            if !self.query.is_empty() && query.starts_with(self.query.as_str()) {
                let matcher = &self.matcher;
                self.matched.retain(|&i| {
                    matcher
                        .fuzzy_match(&entries[i as usize].name, query)
                        .is_some()
                });
            } else {
                self.matched.clear();
                self.scanned = 0;
            }
            self.query = query.to_string();
        }
        for (i, e) in entries.iter().enumerate().skip(self.scanned) {
            if self.query.is_empty() || self.matcher.fuzzy_match(&e.name, &self.query).is_some() {
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
    let mut view = filter.apply(entries, query).to_vec();
    // Pages arrive in name order, so for the default sort this is nearly sorted
    // and the stable sort runs in close to linear time.
    view.sort_by(|&a, &b| compare(&entries[a as usize], &entries[b as usize], sort));
    view
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
    fn positions_for_highlight() {
        let mut f = FuzzyFilter::default();
        f.apply(&[blob("train", 1)], "tn");
        assert_eq!(f.positions("train"), vec![0, 4]);
    }
}
