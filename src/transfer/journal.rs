//! One small JSON file per unfinished transfer, so a crash (even `kill -9`)
//! can resume: uploads reuse the blocks already staged, downloads continue
//! from their `.part` file. Written atomically; removed when the item is done.

use super::model::{Endpoint, ItemSpec, Kind};
use crate::azure::history::Qualifier;
use crate::checksum::Md5;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: String,
    /// Local path of the file (upload source or download target).
    pub local: String,
    /// Stable account id (not an index), so a restart can find the account again.
    pub account: String,
    pub container: String,
    pub blob: String,
    pub size: u64,
    /// What must not have changed for a resume to be safe: the local file's
    /// modification time (upload) or the blob's ETag (download).
    pub stamp: String,
    pub block_size: u64,
    /// The snapshot or version a download reads; absent in journals written
    /// before downloads of past states went through the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Qualifier>,
    /// An upload by sync: the source file's mtime (unix ms) to record on the
    /// blob (`blobx_mtime`) once it is written, so a resumed upload still
    /// records it. Absent otherwise, and in older journals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_mtime_ms: Option<i64>,
}

impl Entry {
    pub fn key(&self) -> String {
        let mut h = Md5::new();
        h.update(format!(
            "{}|{}|{}|{}|{}",
            self.kind, self.local, self.account, self.container, self.blob
        ));
        // The current blob keeps the key it always had.
        if let Some(q) = &self.at {
            h.update(format!("|{}", q.describe()));
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The transfer to queue again for this entry, its blob end in the
    /// account at `account` (an index of the engine's clients).
    pub fn to_spec(&self, account: usize) -> Option<ItemSpec> {
        let blob = Endpoint::Blob {
            account,
            container: self.container.clone(),
            name: self.blob.clone(),
            at: self.at.clone(),
        };
        let local = Endpoint::Local(PathBuf::from(&self.local));
        let (kind, source, target) = match self.kind.as_str() {
            "upload" => (Kind::Upload, local, blob),
            "download" => (Kind::Download, blob, local),
            _ => return None,
        };
        Some(ItemSpec {
            kind,
            source,
            target,
            size: self.size,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Journal {
    dir: PathBuf,
}

impl Journal {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `$BLOBX_DATA_DIR/transfers`, else the platform data dir.
    pub fn default_dir() -> Option<PathBuf> {
        crate::config::paths::data_dir().map(|d| d.join("transfers"))
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// The saved entry for the same transfer, if any.
    pub fn find(&self, like: &Entry) -> Option<Entry> {
        let text = std::fs::read_to_string(self.path(&like.key())).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn save(&self, entry: &Entry) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(&entry.key());
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(entry).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &path)
    }

    pub fn remove(&self, entry: &Entry) {
        let _ = std::fs::remove_file(self.path(&entry.key()));
    }

    /// Forgets an unfinished transfer for good: its entry and, for a
    /// download, the `.part` it was writing (never the target itself). An
    /// upload's staged blocks stay on the service, which drops unused ones
    /// after a week.
    pub fn discard(&self, entry: &Entry) {
        if entry.kind == "download" {
            let part = super::download::part_path(std::path::Path::new(&entry.local));
            if let Err(e) = std::fs::remove_file(&part)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(part = %part.display(), error = %e, "cannot remove a discarded .part");
            }
        }
        self.remove(entry);
    }

    /// Every unfinished transfer (for "resume after restart").
    pub fn pending(&self) -> Vec<Entry> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_find_remove() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path());
        let e = Entry {
            kind: "upload".into(),
            local: "/tmp/a".into(),
            account: "emulator".into(),
            container: "c".into(),
            blob: "a".into(),
            size: 10,
            stamp: "1".into(),
            block_size: 4,
            at: None,
            record_mtime_ms: None,
        };
        assert!(j.find(&e).is_none());
        j.save(&e).unwrap();
        assert_eq!(j.find(&e), Some(e.clone()));
        assert_eq!(j.pending().len(), 1);
        j.remove(&e);
        assert!(j.pending().is_empty());
        // An upload by sync keeps the mtime it records; the key is the same
        // transfer's, and a journal written before the field still reads.
        let synced = Entry {
            record_mtime_ms: Some(1_700_000_000_123),
            ..e.clone()
        };
        assert_eq!(synced.key(), e.key());
        j.save(&synced).unwrap();
        assert_eq!(j.find(&e), Some(synced.clone()));
        let text = serde_json::to_string(&e).unwrap();
        assert!(!text.contains("record_mtime_ms"), "{text}");
        let old: Entry = serde_json::from_str(&text).unwrap();
        assert_eq!(old.record_mtime_ms, None);
    }

    #[test]
    fn discarding_a_download_removes_its_part_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::new(dir.path().join("journal"));
        let target = dir.path().join("x.csv");
        std::fs::write(&target, "an older file the user keeps").unwrap();
        std::fs::write(dir.path().join("x.csv.part"), "half").unwrap();
        let e = Entry {
            kind: "download".into(),
            local: target.display().to_string(),
            account: "emulator".into(),
            container: "c".into(),
            blob: "x.csv".into(),
            size: 8,
            stamp: "0x1".into(),
            block_size: 4,
            at: None,
            record_mtime_ms: None,
        };
        j.save(&e).unwrap();
        let up = Entry {
            kind: "upload".into(),
            ..e.clone()
        };
        j.save(&up).unwrap();
        j.discard(&e);
        assert_eq!(j.pending(), vec![up.clone()]);
        assert!(!dir.path().join("x.csv.part").exists());
        assert!(target.exists(), "the target is not the journal's to remove");
        j.discard(&up);
        assert!(j.pending().is_empty());
        assert!(target.exists(), "an upload's local file is its source");
    }

    /// What an earlier blobx wrote (no `at`) still loads, and keeps its key.
    #[test]
    fn old_entries_load_and_past_states_replay_with_their_qualifier() {
        let old = r#"{"kind":"download","local":"/tmp/a","account":"emulator","container":"c","blob":"a","size":10,"stamp":"0x1","block_size":8}"#;
        let e: Entry = serde_json::from_str(old).unwrap();
        assert_eq!(e.at, None);
        assert!(!serde_json::to_string(&e).unwrap().contains("\"at\""));
        let spec = e.to_spec(0).unwrap();
        assert_eq!(spec.source, Endpoint::blob(0, "c", "a"));

        let q = Qualifier::Snapshot("2026-11-23T10:00:00.0000000Z".into());
        let past = Entry {
            at: Some(q.clone()),
            record_mtime_ms: None,
            ..e.clone()
        };
        assert_ne!(past.key(), e.key(), "a snapshot's entry is not the blob's");
        let text = serde_json::to_string(&past).unwrap();
        let back: Entry = serde_json::from_str(&text).unwrap();
        assert_eq!(back, past);
        let spec = back.to_spec(3).unwrap();
        assert_eq!(spec.kind, Kind::Download);
        assert_eq!(spec.source.at(), Some(&q));
        assert_eq!(spec.name(), "a @ snapshot 2026-11-23T10:00:00.0000000Z");
    }
}
