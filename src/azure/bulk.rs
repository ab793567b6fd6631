//! One change applied to many blobs: content headers, metadata and index
//! tags, each read and written back per blob so that what is not named stays
//! as it was. The TUI's bulk form, `blobx set-props` and `blobx cp`'s upload
//! headers share it; tiers and deletes go through Blob Batch (`batch.rs`).

use super::client::StorageClient;
use super::ops::{self, BatchReport, HeaderEdit, OpError, OpResult};
use super::tags::{self, Tags};
use futures::StreamExt;
use std::collections::BTreeMap;

/// Blobs changed at once, one request chain each.
pub const PARALLEL: usize = 16;

/// Metadata changes: entries to add or replace, names to remove.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataEdit {
    pub set: Vec<(String, String)>,
    pub remove: Vec<String>,
}

impl MetadataEdit {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }

    /// `current` with the changes applied (names ignore case, as the service's do).
    pub fn apply(&self, current: &BTreeMap<String, String>) -> Vec<(String, String)> {
        let mut next: BTreeMap<String, String> = current
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        for k in &self.remove {
            next.remove(&k.to_ascii_lowercase());
        }
        for (k, v) in &self.set {
            next.insert(k.to_ascii_lowercase(), v.clone());
        }
        next.into_iter().collect()
    }
}

/// What happens to a blob's index tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TagEdit {
    #[default]
    Keep,
    /// Every tag replaced by these.
    Replace(Tags),
    /// Tags added or replaced, and tags removed; the others stay.
    Merge { set: Tags, remove: Vec<String> },
}

impl TagEdit {
    /// The blob's tags after the edit (`None`: nothing to write).
    pub fn apply(&self, current: &Tags) -> Option<Tags> {
        match self {
            TagEdit::Keep => None,
            TagEdit::Replace(t) => Some(t.clone()),
            TagEdit::Merge { set, remove } => {
                let mut next: Tags = current
                    .iter()
                    .filter(|(k, _)| !remove.contains(k))
                    .cloned()
                    .collect();
                for (k, v) in set {
                    match next.iter_mut().find(|(ck, _)| ck == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => next.push((k.clone(), v.clone())),
                    }
                }
                Some(next)
            }
        }
    }
}

/// Content headers, metadata and tags to change on a blob; what is not
/// named is kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlobChange {
    pub headers: HeaderEdit,
    pub metadata: MetadataEdit,
    pub tags: TagEdit,
}

impl BlobChange {
    pub fn is_empty(&self) -> bool {
        self.headers == HeaderEdit::default()
            && self.metadata.is_empty()
            && self.tags == TagEdit::Keep
    }

    /// The service's rules for what is named, before any request.
    pub fn check(&self) -> Result<(), String> {
        ops::check_header_edit(&self.headers)?;
        ops::check_metadata(&self.metadata.set)?;
        match &self.tags {
            TagEdit::Keep => Ok(()),
            TagEdit::Replace(t) => tags::check_tags(t),
            TagEdit::Merge { set, remove } => {
                tags::check_tags(set)?;
                remove.iter().try_for_each(|k| tags::check_tag_key(k))
            }
        }
    }

    /// Applies the change to one blob: the blob is read, then written back
    /// guarded by the ETag it had, so a change made meanwhile is never
    /// overwritten with stale values: the blob is read again and the change
    /// made on what it has now (a few times). This also covers a write whose
    /// answer was lost and that the pipeline sent again: the first one
    /// changed the ETag, the second finds it changed and starts over.
    pub async fn apply(&self, client: &StorageClient, container: &str, blob: &str) -> OpResult<()> {
        let mut tries = 0;
        loop {
            match self.apply_once(client, container, blob).await {
                Err(OpError::Changed(why)) if tries < 3 => {
                    tracing::debug!(container, blob, %why, "changed meanwhile; read again");
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    async fn apply_once(
        &self,
        client: &StorageClient,
        container: &str,
        blob: &str,
    ) -> OpResult<()> {
        let headers_named = self.headers != HeaderEdit::default();
        if headers_named || !self.metadata.is_empty() {
            let head = ops::head_blob(client, container, blob).await?;
            let mut etag = head.etag.clone();
            if headers_named {
                let next = ops::edited_headers(&head.headers, &self.headers);
                etag = ops::put_content_headers(client, container, blob, &etag, &next).await?;
            }
            if !self.metadata.is_empty() {
                let next = self.metadata.apply(&head.metadata);
                let guard = Some(etag.as_str()).filter(|e| !e.is_empty());
                ops::set_metadata(client, container, blob, &next, guard).await?;
            }
        }
        let current = match &self.tags {
            TagEdit::Merge { .. } => tags::get_tags(client, container, blob).await?,
            _ => Vec::new(),
        };
        if let Some(next) = self.tags.apply(&current) {
            tags::check_tags(&next).map_err(|e| OpError::Invalid(format!("{blob}: {e}")))?;
            tags::set_tags(client, container, blob, &next).await?;
        }
        Ok(())
    }

    /// "content type, cache control, 2 metadata entries, tags" (what is named).
    pub fn describe(&self) -> String {
        let h = &self.headers;
        let mut parts: Vec<String> = [
            ("content type", &h.content_type),
            ("cache control", &h.cache_control),
            ("content disposition", &h.content_disposition),
            ("content encoding", &h.content_encoding),
            ("content language", &h.content_language),
        ]
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(w, _)| w.to_string())
        .collect();
        if !self.metadata.is_empty() {
            parts.push("metadata".into());
        }
        if self.tags != TagEdit::Keep {
            parts.push("tags".into());
        }
        parts.join(", ")
    }
}

/// Runs `one` on each blob, `PARALLEL` at a time, and counts the results.
pub async fn each_blob<F, Fut>(blobs: &[(String, u64)], one: F) -> BatchReport
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let results: Vec<_> = futures::stream::iter(blobs.iter().cloned())
        .map(|(name, size)| {
            let fut = one(name.clone());
            async move { (name, size, fut.await) }
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    let mut report = BatchReport::default();
    for (name, size, r) in results {
        match r {
            Ok(()) => {
                report.done += 1;
                report.bytes += size;
            }
            Err(why) => report.failed.push((name, why)),
        }
    }
    report.failed.sort();
    report
}

/// `key=value` pairs for metadata, checked as the service would.
pub fn parse_metadata_args(args: &[String]) -> Result<Vec<(String, String)>, String> {
    let pairs = args
        .iter()
        .map(|a| {
            a.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("--metadata {a:?}: write key=value"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    ops::check_metadata(&pairs)?;
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_edit_keeps_what_is_not_named() {
        let current: BTreeMap<String, String> = [("keep", "1"), ("Drop", "2"), ("swap", "3")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let edit = MetadataEdit {
            set: vec![("swap".into(), "x".into()), ("new".into(), "y".into())],
            remove: vec!["drop".into()],
        };
        assert_eq!(
            edit.apply(&current),
            vec![
                ("keep".to_string(), "1".to_string()),
                ("new".into(), "y".into()),
                ("swap".into(), "x".into())
            ]
        );
        assert!(parse_metadata_args(&["bad-name=1".into()]).is_err());
        assert!(parse_metadata_args(&["novalue".into()]).is_err());
    }

    #[test]
    fn tag_merge_keeps_others_and_replace_drops_them() {
        let current: Tags = vec![("a".into(), "1".into()), ("b".into(), "2".into())];
        let merge = TagEdit::Merge {
            set: vec![("b".into(), "3".into()), ("c".into(), "4".into())],
            remove: vec!["a".into()],
        };
        assert_eq!(
            merge.apply(&current),
            Some(vec![("b".into(), "3".into()), ("c".into(), "4".into())])
        );
        assert_eq!(
            TagEdit::Replace(vec![]).apply(&current),
            Some(vec![]),
            "replace with nothing clears"
        );
        assert_eq!(TagEdit::Keep.apply(&current), None);
        let bad = BlobChange {
            tags: TagEdit::Merge {
                set: vec![("a,b".into(), "1".into())],
                remove: vec![],
            },
            ..Default::default()
        };
        assert!(bad.check().is_err());
    }
}
