//! One row of the browser, kept small: a folder of 100,000 blobs holds 100,000 of these.

use crate::azure::{BlobEntry, ContainerEntry};
use std::{collections::HashMap, sync::Arc};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    Account,
    Container,
    Folder,
    Blob,
    /// A soft-deleted blob, shown on request (`U`).
    Deleted,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub kind: EntryKind,
    /// The name shown: the leaf below the current prefix (folders keep their trailing `/`).
    pub name: Box<str>,
    pub size: u64,
    /// Unix seconds.
    pub modified: Option<i64>,
    /// Access tier for blobs; public access level for containers.
    pub tier: Option<Arc<str>>,
    pub content_type: Option<Arc<str>>,
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        !matches!(self.kind, EntryKind::Blob | EntryKind::Deleted)
    }
}

/// Shares repeated short strings (content types, tiers) between rows, so a
/// big folder stores each distinct value once.
#[derive(Default, Debug)]
pub struct Interner(HashMap<Box<str>, Arc<str>>);

impl Interner {
    pub fn get(&mut self, value: Option<String>) -> Option<Arc<str>> {
        let value = value?;
        if let Some(v) = self.0.get(value.as_str()) {
            return Some(v.clone());
        }
        let arc: Arc<str> = Arc::from(value.as_str());
        self.0.insert(value.into_boxed_str(), arc.clone());
        Some(arc)
    }
}

impl Entry {
    pub fn from_blob(blob: BlobEntry, prefix: &str, interner: &mut Interner) -> Self {
        let mut name = blob.name;
        // Show the leaf; the breadcrumb already says where we are.
        if name.starts_with(prefix) {
            name.drain(..prefix.len());
        }
        Entry {
            kind: if blob.is_prefix {
                EntryKind::Folder
            } else {
                EntryKind::Blob
            },
            name: name.into_boxed_str(),
            size: blob.size,
            modified: blob.last_modified,
            tier: interner.get(blob.access_tier),
            content_type: interner.get(blob.content_type),
        }
    }

    pub fn from_container(c: ContainerEntry, interner: &mut Interner) -> Self {
        Entry {
            kind: EntryKind::Container,
            name: c.name.into_boxed_str(),
            size: 0,
            modified: c.last_modified,
            tier: interner.get(c.public_access.map(|p| format!("public: {p}"))),
            content_type: None,
        }
    }

    pub fn account(label: &str) -> Self {
        Entry {
            kind: EntryKind::Account,
            name: label.into(),
            size: 0,
            modified: None,
            tier: None,
            content_type: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_name_is_shown_relative_to_prefix() {
        let mut i = Interner::default();
        let e = Entry::from_blob(
            BlobEntry {
                name: "a/b/c.txt".into(),
                is_prefix: false,
                size: 3,
                last_modified: None,
                access_tier: Some("Hot".into()),
                content_type: Some("text/plain".into()),
            },
            "a/b/",
            &mut i,
        );
        assert_eq!(&*e.name, "c.txt");
        assert_eq!(e.kind, EntryKind::Blob);
    }

    #[test]
    fn interner_shares_equal_values() {
        let mut i = Interner::default();
        let a = i.get(Some("text/csv".into())).unwrap();
        let b = i.get(Some("text/csv".into())).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(i.get(None).is_none());
    }
}
