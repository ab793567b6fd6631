//! `bookmarks.toml`: places to jump back to. Accounts are referred to by
//! their stable id, so a renamed label does not break a bookmark.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bookmark {
    /// The account's id (see accounts.toml; "emulator" for the local one).
    pub account: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub container: String,
    /// A folder prefix, empty or ending in `/`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
}

impl Bookmark {
    /// `label › container › folder/`, as the list shows it.
    pub fn describe(&self, account_label: &str) -> String {
        let mut text = account_label.to_string();
        if !self.container.is_empty() {
            text.push_str(" › ");
            text.push_str(&self.container);
        }
        if !self.prefix.is_empty() {
            text.push_str(" › ");
            text.push_str(&self.prefix);
        }
        text
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "bookmark")]
    bookmarks: Vec<Bookmark>,
}

pub fn path_in(config_dir: &Path) -> PathBuf {
    config_dir.join("bookmarks.toml")
}

/// The saved bookmarks; a missing file is none, a broken one is reported.
pub fn load(path: &Path) -> Result<Vec<Bookmark>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str::<File>(&text)
            .map(|f| f.bookmarks)
            .map_err(|e| format!("bookmarks.toml: {}", e.message())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Written beside the file and renamed, so a crash keeps the old list whole.
pub fn save(path: &Path, bookmarks: &[Bookmark]) -> Result<(), String> {
    let text = toml::to_string(&File {
        bookmarks: bookmarks.to_vec(),
    })
    .map_err(|e| format!("cannot write bookmarks: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, format!("# blobx bookmarks (b adds, B lists)\n{text}"))
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmarks_round_trip_and_broken_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        assert_eq!(load(&path), Ok(Vec::new()), "no file: no bookmarks");
        let marks = vec![
            Bookmark {
                account: "emulator".into(),
                container: "datasets".into(),
                prefix: "raw/2024/".into(),
            },
            Bookmark {
                account: "prod".into(),
                container: String::new(),
                prefix: String::new(),
            },
        ];
        save(&path, &marks).unwrap();
        assert_eq!(load(&path).unwrap(), marks);
        assert_eq!(
            marks[0].describe("Emulator"),
            "Emulator › datasets › raw/2024/"
        );
        std::fs::write(&path, "[[bookmark]]\nacount = 1\n").unwrap();
        let e = load(&path).unwrap_err();
        assert!(e.starts_with("bookmarks.toml:"), "{e}");
    }
}
