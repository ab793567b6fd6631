//! `blobx cp --content-type/--cache-control/--metadata/--tags`: what the
//! uploaded (or copied) blobs carry. Checked before anything is sent; set on
//! each blob that was written, once its upload is done.

use crate::azure::StorageClient;
use crate::azure::bulk::{BlobChange, MetadataEdit, TagEdit, parse_metadata_args};
use crate::azure::ops::HeaderEdit;
use crate::transfer::{Endpoint, ItemSpec, Kind, Status};

#[derive(Debug, Default, clap::Args)]
pub struct UploadHeaders {
    /// Content-Type of what is uploaded (default: from the file extension).
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// Cache-Control of what is uploaded.
    #[arg(long, value_name = "VALUE")]
    pub cache_control: Option<String>,
    /// Metadata entry for what is uploaded (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub metadata: Vec<String>,
    /// Index tag for what is uploaded (repeatable; replaces the blob's tags).
    #[arg(long, value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

/// The checked changes, ready to apply.
pub type Checked = BlobChange;

impl UploadHeaders {
    pub fn is_empty(&self) -> bool {
        self.content_type.is_none()
            && self.cache_control.is_none()
            && self.metadata.is_empty()
            && self.tags.is_empty()
    }

    /// Every rule the service would apply, before any request.
    pub fn check(&self) -> Result<Option<Checked>, String> {
        if self.is_empty() {
            return Ok(None);
        }
        let change = BlobChange {
            headers: HeaderEdit {
                content_type: self.content_type.clone(),
                cache_control: self.cache_control.clone(),
                ..Default::default()
            },
            metadata: MetadataEdit {
                set: parse_metadata_args(&self.metadata)?,
                remove: Vec::new(),
            },
            tags: if self.tags.is_empty() {
                TagEdit::Keep
            } else {
                TagEdit::Replace(
                    self.tags
                        .iter()
                        .map(|t| crate::azure::tags::parse_tag_arg(t))
                        .collect::<Result<Vec<_>, _>>()?,
                )
            },
        };
        change.check()?;
        Ok(Some(change))
    }
}

/// Sets the headers, metadata and tags on every blob written (done uploads
/// and copies). Returns how many failed (each named on stderr).
pub async fn apply(
    checked: &Checked,
    specs: &[ItemSpec],
    done: &[(String, Status)],
    client_of: impl Fn(usize) -> Option<StorageClient>,
) -> usize {
    let mut failures = 0;
    let mut changed = 0;
    for spec in specs {
        let Endpoint::Blob {
            account,
            container,
            name,
            ..
        } = &spec.target
        else {
            continue;
        };
        if spec.kind == Kind::Download {
            continue;
        }
        let target = spec.target.display();
        if !done.iter().any(|(t, s)| *t == target && *s == Status::Done) {
            continue;
        }
        let Some(client) = client_of(*account) else {
            continue;
        };
        match checked.apply(&client, container, name).await {
            Ok(()) => changed += 1,
            Err(e) => {
                failures += 1;
                eprintln!(
                    "blobx: {target}: uploaded, but its headers, metadata or tags were not set: {}",
                    e.describe(client.account())
                );
            }
        }
    }
    if changed > 0 {
        crate::audit::audit(
            "set upload headers",
            &format!("{changed} blobs written by cp"),
        );
    }
    failures
}
