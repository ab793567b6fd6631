//! The List Blobs response body as the service writes it (every `include=`
//! the readers use), read once here for the browser's listing
//! (`listing.rs`) and the walker (`walk.rs`). Fields a request did not ask
//! for are simply absent.

use serde::Deserialize;

/// Reads a List Blobs body.
pub(crate) fn parse(xml: &str) -> Result<RawResults, String> {
    quick_xml::de::from_str(xml).map_err(|e| format!("unreadable listing from the service: {e}"))
}

#[derive(Deserialize)]
pub(crate) struct RawResults {
    #[serde(rename = "Blobs", default)]
    pub blobs: RawBlobs,
    #[serde(rename = "NextMarker", default)]
    pub next_marker: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawBlobs {
    #[serde(rename = "$value", default)]
    pub items: Vec<RawItem>,
}

#[derive(Deserialize)]
pub(crate) enum RawItem {
    Blob(Box<RawBlob>),
    BlobPrefix(RawPrefix),
}

#[derive(Deserialize)]
pub(crate) struct RawPrefix {
    #[serde(rename = "Name")]
    pub name: RawName,
}

#[derive(Deserialize)]
pub(crate) struct RawBlob {
    #[serde(rename = "Name")]
    pub name: RawName,
    #[serde(rename = "Properties", default)]
    pub properties: RawProperties,
    #[serde(rename = "Metadata", default)]
    pub metadata: RawMetadata,
    #[serde(rename = "Snapshot", default)]
    pub snapshot: Option<String>,
    #[serde(rename = "VersionId", default)]
    pub version_id: Option<String>,
    #[serde(rename = "IsCurrentVersion", default)]
    pub is_current_version: Option<bool>,
    #[serde(rename = "Tags", default)]
    pub tags: RawTags,
}

impl RawBlob {
    /// A directory of a hierarchical account: metadata `hdi_isfolder=true`.
    pub fn is_directory(&self) -> bool {
        self.metadata
            .folder
            .as_deref()
            .is_some_and(super::datalake::is_folder_value)
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct RawTags {
    #[serde(rename = "TagSet", default)]
    pub set: RawTagSet,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawTagSet {
    #[serde(rename = "Tag", default)]
    pub tags: Vec<RawTag>,
}

#[derive(Deserialize)]
pub(crate) struct RawTag {
    #[serde(rename = "Key", default)]
    pub key: String,
    #[serde(rename = "Value", default)]
    pub value: String,
}

/// `<Name Encoded="true">` carries a percent-encoded name when the real one
/// holds characters XML cannot.
#[derive(Deserialize)]
pub(crate) struct RawName {
    #[serde(rename = "@Encoded", default)]
    encoded: Option<bool>,
    #[serde(rename = "$text", default)]
    value: String,
}

impl RawName {
    pub fn into_string(self) -> String {
        if self.encoded == Some(true) {
            percent_encoding::percent_decode_str(&self.value)
                .decode_utf8_lossy()
                .into_owned()
        } else {
            self.value
        }
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct RawProperties {
    #[serde(rename = "Last-Modified", default)]
    pub last_modified: Option<String>,
    #[serde(rename = "Content-Length", default)]
    pub content_length: Option<u64>,
    #[serde(rename = "Content-Type", default)]
    pub content_type: Option<String>,
    #[serde(rename = "Content-MD5", default)]
    pub content_md5: Option<String>,
    #[serde(rename = "AccessTier", default)]
    pub access_tier: Option<String>,
    #[serde(rename = "Creation-Time", default)]
    pub creation_time: Option<String>,
    #[serde(rename = "LastAccessTime", default)]
    pub last_access_time: Option<String>,
    #[serde(rename = "BlobType", default)]
    pub blob_type: Option<String>,
}

/// The metadata entries blobx reads from a listing (with `include=metadata`).
#[derive(Deserialize, Default)]
pub(crate) struct RawMetadata {
    /// The source file's mtime in ms, recorded by uploads and sync.
    #[serde(rename = "blobx_mtime", default)]
    pub mtime: Option<String>,
    #[serde(rename = "hdi_isfolder", default)]
    pub folder: Option<String>,
}
