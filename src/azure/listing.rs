//! Listing results as plain data, and the parser for hierarchical blob listings.
//!
//! The official SDK's `list_blobs` has no `delimiter`, so virtual folders
//! (`BlobPrefix`) are listed with a request of our own through the same signed
//! pipeline, and parsed here.

use super::listing_xml::RawItem;

/// One container as the browser needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerEntry {
    pub name: String,
    /// Unix seconds.
    pub last_modified: Option<i64>,
    pub public_access: Option<String>,
    pub lease_state: Option<String>,
}

#[derive(Debug, Default)]
pub struct ContainerPage {
    pub containers: Vec<ContainerEntry>,
    pub next_marker: Option<String>,
}

/// One blob or virtual folder from a listing page.
#[derive(Clone, Debug, PartialEq)]
pub struct BlobEntry {
    /// Full blob name (or folder prefix, ending in the delimiter).
    pub name: String,
    pub is_prefix: bool,
    pub size: u64,
    /// Unix seconds.
    pub last_modified: Option<i64>,
    pub access_tier: Option<String>,
    pub content_type: Option<String>,
}

#[derive(Debug, Default)]
pub struct BlobPage {
    pub entries: Vec<BlobEntry>,
    pub next_marker: Option<String>,
}

/// Parses an RFC 7231 date (`Mon, 23 Nov 2026 07:21:05 GMT`) to unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    azure_core::time::parse_rfc7231(s)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Parses the body of a List Blobs response (flat or with a delimiter).
/// A directory of a hierarchical account (a blob with metadata
/// `hdi_isfolder=true`) is a folder: its name ending in `/`, `is_prefix`.
pub fn parse_blob_page(xml: &str) -> Result<BlobPage, String> {
    let raw = super::listing_xml::parse(xml)?;
    let entries = raw
        .blobs
        .items
        .into_iter()
        .map(|item| match item {
            RawItem::BlobPrefix(p) => BlobEntry {
                name: p.name.into_string(),
                is_prefix: true,
                size: 0,
                last_modified: None,
                access_tier: None,
                content_type: None,
            },
            RawItem::Blob(b) if b.is_directory() => BlobEntry {
                name: format!("{}/", b.name.into_string()),
                is_prefix: true,
                size: 0,
                last_modified: b
                    .properties
                    .last_modified
                    .as_deref()
                    .and_then(parse_http_date),
                access_tier: None,
                content_type: None,
            },
            RawItem::Blob(b) => BlobEntry {
                name: b.name.into_string(),
                is_prefix: false,
                size: b.properties.content_length.unwrap_or(0),
                last_modified: b
                    .properties
                    .last_modified
                    .as_deref()
                    .and_then(parse_http_date),
                access_tier: b.properties.access_tier.filter(|t| !t.is_empty()),
                content_type: b.properties.content_type.filter(|t| !t.is_empty()),
            },
        })
        .collect();
    Ok(BlobPage {
        entries,
        next_marker: raw.next_marker.filter(|m| !m.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shape from the List Blobs REST reference, with a prefix between blobs.
    const PAGE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="data">
  <Prefix>a/</Prefix><MaxResults>5000</MaxResults><Delimiter>/</Delimiter>
  <Blobs>
    <Blob><Name>a/one.csv</Name><Properties><Last-Modified>Mon, 23 Nov 2026 07:21:05 GMT</Last-Modified><Content-Length>1234</Content-Length><Content-Type>text/csv</Content-Type><AccessTier>Hot</AccessTier></Properties></Blob>
    <BlobPrefix><Name>a/sub/</Name></BlobPrefix>
    <Blob><Name Encoded="true">a/%EF%BF%BEodd</Name><Properties><Content-Length>0</Content-Length><Content-Type /></Properties></Blob>
    <Blob><Name>a/x &amp; y.txt</Name><Properties><Content-Length>5</Content-Length></Properties></Blob>
  </Blobs>
  <NextMarker>abc</NextMarker>
</EnumerationResults>"#;

    #[test]
    fn parses_blobs_and_prefixes_in_order() {
        let page = parse_blob_page(PAGE).unwrap();
        let names: Vec<_> = page.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            ["a/one.csv", "a/sub/", "a/\u{fffe}odd", "a/x & y.txt"]
        );
        assert!(page.entries[1].is_prefix);
        assert_eq!(page.entries[0].size, 1234);
        assert_eq!(page.entries[0].access_tier.as_deref(), Some("Hot"));
        assert_eq!(page.entries[0].content_type.as_deref(), Some("text/csv"));
        assert_eq!(page.entries[0].last_modified, Some(1_795_418_465));
        assert_eq!(page.entries[2].content_type, None);
        assert_eq!(page.next_marker.as_deref(), Some("abc"));
    }

    #[test]
    fn a_directory_placeholder_is_a_folder() {
        // As a hierarchical account lists `a/` with metadata: the non-empty
        // directory `a/sub` twice (placeholder and prefix), the empty `a/empty`
        // once, an empty file that is no directory, and a false flag.
        let page = parse_blob_page(
            r#"<EnumerationResults><Blobs>
            <Blob><Name>a/empty</Name><Properties><Content-Length>0</Content-Length><Last-Modified>Mon, 23 Nov 2026 07:21:05 GMT</Last-Modified></Properties><Metadata><hdi_isfolder>true</hdi_isfolder></Metadata></Blob>
            <Blob><Name>a/nothing.txt</Name><Properties><Content-Length>0</Content-Length></Properties><Metadata /></Blob>
            <Blob><Name>a/not</Name><Properties><Content-Length>0</Content-Length></Properties><Metadata><hdi_isfolder>false</hdi_isfolder></Metadata></Blob>
            <Blob><Name>a/sub</Name><Properties><Content-Length>0</Content-Length></Properties><Metadata><hdi_isfolder>true</hdi_isfolder><x>y</x></Metadata></Blob>
            <BlobPrefix><Name>a/sub/</Name></BlobPrefix>
            </Blobs></EnumerationResults>"#,
        )
        .unwrap();
        let rows: Vec<_> = page
            .entries
            .iter()
            .map(|e| (e.name.as_str(), e.is_prefix))
            .collect();
        assert_eq!(
            rows,
            [
                ("a/empty/", true),
                ("a/nothing.txt", false),
                ("a/not", false),
                ("a/sub/", true),
                ("a/sub/", true)
            ]
        );
        assert_eq!(page.entries[0].last_modified, Some(1_795_418_465));
    }

    #[test]
    fn empty_listing_has_no_marker() {
        let page =
            parse_blob_page(r#"<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>"#)
                .unwrap();
        assert!(page.entries.is_empty());
        assert!(page.next_marker.is_none());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_blob_page("<<<not xml").is_err());
    }
}
