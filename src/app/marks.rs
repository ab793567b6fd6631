//! Marks: blobs and folders picked for download, copy or delete. They are
//! kept by account, container and full name, so they survive leaving a folder
//! or ending a find, and the footer can say how many there are.

use super::entry::EntryKind;
use super::state::{Location, State};
use crate::transfer::plan::Selection;
use std::collections::BTreeMap;

/// One marked blob or folder (folders end in `/`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MarkKey {
    pub account: usize,
    pub container: String,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Marks {
    /// The size the row showed (0 for folders).
    items: BTreeMap<MarkKey, u64>,
}

impl Marks {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn contains(&self, key: &MarkKey) -> bool {
        self.items.contains_key(key)
    }

    /// Marks or unmarks; returns whether it is marked now.
    pub fn toggle(&mut self, key: MarkKey, size: u64) -> bool {
        if self.items.remove(&key).is_some() {
            false
        } else {
            self.items.insert(key, size);
            true
        }
    }

    pub fn insert(&mut self, key: MarkKey, size: u64) {
        self.items.insert(key, size);
    }

    pub fn remove(&mut self, key: &MarkKey) {
        self.items.remove(key);
    }

    /// Bytes of the marked blobs, and how many folders (whose size is not known).
    pub fn totals(&self) -> (u64, usize) {
        let (folders, blobs): (Vec<_>, Vec<_>) =
            self.items.iter().partition(|(k, _)| k.name.ends_with('/'));
        (blobs.iter().map(|(_, size)| **size).sum(), folders.len())
    }

    /// The marks grouped by container, as selections relative to the deepest
    /// folder they share (so a download keeps their layout below it).
    pub fn selections(&self) -> Vec<Selection> {
        let mut out: Vec<Selection> = Vec::new();
        for (key, size) in &self.items {
            let item = (key.name.clone(), key.name.ends_with('/'), *size);
            match out
                .iter_mut()
                .find(|s| s.account == key.account && s.container == key.container)
            {
                Some(sel) => sel.items.push(item),
                None => out.push(Selection {
                    account: key.account,
                    container: key.container.clone(),
                    base: String::new(),
                    items: vec![item],
                }),
            }
        }
        for sel in &mut out {
            sel.base = common_folder(sel.items.iter().map(|(n, _, _)| n.as_str()));
        }
        out
    }
}

/// The deepest folder (ending in `/`, or empty) that holds every name.
fn common_folder<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut common: Option<&str> = None;
    for name in names {
        // A folder's own parent, not itself: `a/b/` lives in `a/`.
        let trimmed = name.strip_suffix('/').unwrap_or(name);
        let parent = trimmed.rfind('/').map_or("", |i| &trimmed[..=i]);
        common = Some(match common {
            None => parent,
            Some(c) => {
                let mut end = 0;
                for (i, (a, b)) in c
                    .char_indices()
                    .zip(parent.chars())
                    .map(|((i, a), b)| (i, (a, b)))
                {
                    if a != b {
                        break;
                    }
                    if a == '/' {
                        end = i + 1;
                    }
                }
                &c[..end]
            }
        });
    }
    common.unwrap_or_default().to_string()
}

impl State {
    /// The key a row of the current folder is marked under.
    pub fn mark_key(&self, entry: &super::entry::Entry) -> Option<MarkKey> {
        match &self.location {
            Location::Blobs {
                account,
                container,
                prefix,
            } if entry.kind != EntryKind::Deleted => Some(MarkKey {
                account: *account,
                container: container.clone(),
                name: format!("{prefix}{}", entry.name),
            }),
            _ => None,
        }
    }

    pub fn is_marked(&self, entry: &super::entry::Entry) -> bool {
        !self.marks.is_empty()
            && self
                .mark_key(entry)
                .is_some_and(|k| self.marks.contains(&k))
    }

    /// `*`, `M`, `~`: mark every row shown, clear every mark, invert the rows shown.
    pub(super) fn mark_rows(&mut self, how: MarkRows) {
        if how == MarkRows::Clear {
            let n = self.marks.len();
            self.marks.clear();
            self.info(&format!(
                "Cleared {n} mark{}.",
                if n == 1 { "" } else { "s" }
            ));
            return;
        }
        if !matches!(self.location, Location::Blobs { .. }) {
            self.info("Marks are for blobs and folders inside a container.");
            return;
        }
        let rows: Vec<(MarkKey, u64)> = self
            .listing
            .view
            .iter()
            .filter_map(|&i| self.listing.entries.get(i as usize))
            .filter_map(|e| self.mark_key(e).map(|k| (k, e.size)))
            .collect();
        for (key, size) in rows {
            match how {
                MarkRows::All => self.marks.insert(key, size),
                _ => {
                    self.marks.toggle(key, size);
                }
            }
        }
    }

    /// The marked blobs and folders (any folder, container or account), or
    /// else the row under the cursor.
    pub fn selections(&self) -> Vec<Selection> {
        if !self.marks.is_empty() {
            return self.marks.selections();
        }
        self.cursor_selection().into_iter().collect()
    }

    /// One container's selection: the marks if they are all in one container,
    /// else the row under the cursor when nothing is marked.
    pub fn selection(&self) -> Option<Selection> {
        let mut all = self.selections();
        (all.len() == 1).then(|| all.remove(0))
    }

    fn cursor_selection(&self) -> Option<Selection> {
        let (account, container, name, kind) = self.selected_blob()?;
        if kind == EntryKind::Deleted {
            return None;
        }
        let (_, _, prefix) = self.blob_place()?;
        let size = self.selected_entry()?.size;
        Some(Selection {
            account,
            container,
            base: prefix,
            items: vec![(name, kind == EntryKind::Folder, size)],
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkRows {
    All,
    Clear,
    Invert,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_folder_is_the_deepest_shared_parent() {
        assert_eq!(
            common_folder(["a/b/c.csv", "a/b/d.csv"].into_iter()),
            "a/b/"
        );
        assert_eq!(common_folder(["a/b/c.csv", "a/x/"].into_iter()), "a/");
        assert_eq!(common_folder(["events/", "curated/a.csv"].into_iter()), "");
        assert_eq!(common_folder(["a/b/"].into_iter()), "a/");
        assert_eq!(common_folder(["ab/c", "a/c"].into_iter()), "");
    }
}
