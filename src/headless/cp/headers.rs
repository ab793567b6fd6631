//! `blobx cp --content-type/--cache-control/--metadata/--tags`: what the
//! uploaded (or copied) blobs carry. Checked before anything is sent; set on
//! each blob that was written, once its upload is done.

use crate::azure::StorageClient;
use crate::azure::ops::{self, HeaderEdit};
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
pub struct Checked {
    headers: HeaderEdit,
    metadata: Vec<(String, String)>,
    tags: Vec<(String, String)>,
}

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
        let headers = HeaderEdit {
            content_type: self.content_type.clone(),
            cache_control: self.cache_control.clone(),
            ..Default::default()
        };
        ops::check_header_edit(&headers)?;
        let metadata = crate::headless::blobs::parse_metadata_args(&self.metadata)?;
        let tags = self
            .tags
            .iter()
            .map(|t| crate::azure::tags::parse_tag_arg(t))
            .collect::<Result<Vec<_>, _>>()?;
        crate::azure::tags::check_tags(&tags)?;
        Ok(Some(Checked {
            headers,
            metadata,
            tags,
        }))
    }
}

async fn apply_one(
    client: &StorageClient,
    container: &str,
    blob: &str,
    c: &Checked,
) -> ops::OpResult<()> {
    if c.headers != HeaderEdit::default() {
        ops::set_content_headers(client, container, blob, &c.headers, None).await?;
    }
    if !c.metadata.is_empty() {
        let edit = crate::headless::blobs::MetadataEdit {
            set: c.metadata.clone(),
            remove: Vec::new(),
        };
        crate::headless::blobs::edit_metadata(client, container, blob, &edit).await?;
    }
    if !c.tags.is_empty() {
        crate::azure::tags::set_tags(client, container, blob, &c.tags).await?;
    }
    Ok(())
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
        match apply_one(&client, container, name, checked).await {
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
