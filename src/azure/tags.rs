//! Blob index tags: the service's rules (checked before any request, and
//! usable while typing), Get/Set Blob Tags and Find Blobs by Tags at
//! container or account scope.

use super::client::StorageClient;
use super::http::{OpError, OpResult, blob_url, with_query};
use azure_core::http::{Method, Request};
use serde::Deserialize;

/// The most tags a blob may carry.
pub const MAX_TAGS: usize = 10;
/// Key length in characters.
pub const MAX_KEY: usize = 128;
/// Value length in characters.
pub const MAX_VALUE: usize = 256;

/// A blob's tags, in the order given (the service keeps them sorted by key).
pub type Tags = Vec<(String, String)>;

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '+' | '-' | '.' | '/' | ':' | '=' | '_')
}

fn check_chars(what: &str, text: &str) -> Result<(), String> {
    match text.chars().find(|c| !allowed(*c)) {
        Some(c) => Err(format!(
            "{what} {text:?} holds {c:?}; tags allow only letters, digits, space and + - . / : = _"
        )),
        None => Ok(()),
    }
}

/// A tag key: 1–128 characters of the allowed set.
pub fn check_tag_key(key: &str) -> Result<(), String> {
    let n = key.chars().count();
    if n == 0 {
        return Err("a tag key cannot be empty".into());
    }
    if n > MAX_KEY {
        return Err(format!(
            "tag key {}… is {n} characters; at most {MAX_KEY}",
            key.chars().take(16).collect::<String>()
        ));
    }
    check_chars("tag key", key)
}

/// A tag value: 0–256 characters of the allowed set.
pub fn check_tag_value(key: &str, value: &str) -> Result<(), String> {
    let n = value.chars().count();
    if n > MAX_VALUE {
        return Err(format!(
            "the value of tag {key:?} is {n} characters; at most {MAX_VALUE}"
        ));
    }
    check_chars(&format!("the value of tag {key:?},"), value)
}

/// Every rule the service applies to a tag set: at most 10, keys unique
/// (case-sensitive, as the service treats them), each key and value valid.
pub fn check_tags(tags: &[(String, String)]) -> Result<(), String> {
    if tags.len() > MAX_TAGS {
        return Err(format!(
            "a blob has at most {MAX_TAGS} tags; this is {}",
            tags.len()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (k, v) in tags {
        check_tag_key(k)?;
        check_tag_value(k, v)?;
        if !seen.insert(k.as_str()) {
            return Err(format!("tag key {k:?} is given twice"));
        }
    }
    Ok(())
}

/// `key=value` as typed on a command line (the key ends at the first `=`).
pub fn parse_tag_arg(arg: &str) -> Result<(String, String), String> {
    let (k, v) = arg
        .split_once('=')
        .ok_or_else(|| format!("{arg:?} is not a tag; write key=value"))?;
    check_tag_key(k)?;
    check_tag_value(k, v)?;
    Ok((k.to_string(), v.to_string()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The Set Blob Tags body.
pub fn tags_xml(tags: &[(String, String)]) -> String {
    let mut s = String::from(r#"<?xml version="1.0" encoding="utf-8"?><Tags><TagSet>"#);
    for (k, v) in tags {
        s.push_str(&format!(
            "<Tag><Key>{}</Key><Value>{}</Value></Tag>",
            escape(k),
            escape(v)
        ));
    }
    s.push_str("</TagSet></Tags>");
    s
}

#[derive(Deserialize, Default)]
struct TagsDoc {
    #[serde(rename = "TagSet", default)]
    tag_set: TagSet,
}

#[derive(Deserialize, Default)]
struct TagSet {
    #[serde(rename = "Tag", default)]
    tags: Vec<TagXml>,
}

#[derive(Deserialize)]
struct TagXml {
    #[serde(rename = "Key", default)]
    key: String,
    #[serde(rename = "Value", default)]
    value: String,
}

impl TagSet {
    fn into_pairs(self) -> Tags {
        self.tags.into_iter().map(|t| (t.key, t.value)).collect()
    }
}

/// Reads a Get Blob Tags body.
pub fn parse_tags_xml(xml: &str) -> Result<Tags, String> {
    let doc: TagsDoc = quick_xml::de::from_str(xml)
        .map_err(|e| format!("unreadable tags from the service: {e}"))?;
    Ok(doc.tag_set.into_pairs())
}

/// Get Blob Tags.
pub async fn get_tags(client: &StorageClient, container: &str, blob: &str) -> OpResult<Tags> {
    let url = with_query(blob_url(client, container, blob), &[("comp", "tags")]);
    let mut request = Request::new(url, Method::Get);
    request.insert_header("accept", "application/xml");
    let r = client.send_request(request).await?;
    parse_tags_xml(&String::from_utf8_lossy(r.body())).map_err(OpError::Failed)
}

/// Set Blob Tags: replaces every tag of the blob. Checked before sending.
pub async fn set_tags(
    client: &StorageClient,
    container: &str,
    blob: &str,
    tags: &[(String, String)],
) -> OpResult<()> {
    check_tags(tags).map_err(OpError::Invalid)?;
    let body = tags_xml(tags);
    let url = with_query(blob_url(client, container, blob), &[("comp", "tags")]);
    let mut request = Request::new(url, Method::Put);
    request.insert_header("content-type", "application/xml; charset=utf-8");
    request.insert_header("content-length", body.len().to_string());
    request.set_body(bytes::Bytes::from(body));
    client.send_request(request).await?;
    tracing::info!(container, blob, tags = tags.len(), "set tags");
    Ok(())
}

/// One blob found by a tag query, with the tags the query used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagMatch {
    pub container: String,
    pub name: String,
    pub tags: Tags,
}

/// One page of Find Blobs by Tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagPage {
    pub blobs: Vec<TagMatch>,
    pub next_marker: Option<String>,
}

#[derive(Deserialize)]
struct FindDoc {
    #[serde(rename = "Blobs", default)]
    blobs: FindBlobs,
    #[serde(rename = "NextMarker", default)]
    next_marker: Option<String>,
}

#[derive(Deserialize, Default)]
struct FindBlobs {
    #[serde(rename = "Blob", default)]
    items: Vec<FindBlob>,
}

#[derive(Deserialize)]
struct FindBlob {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "ContainerName", default)]
    container: String,
    #[serde(rename = "Tags", default)]
    tags: Option<TagsDoc>,
}

/// Reads a Find Blobs by Tags body.
pub fn parse_find_xml(xml: &str) -> Result<TagPage, String> {
    let doc: FindDoc = quick_xml::de::from_str(xml)
        .map_err(|e| format!("unreadable tag search result from the service: {e}"))?;
    Ok(TagPage {
        blobs: doc
            .blobs
            .items
            .into_iter()
            .map(|b| TagMatch {
                container: b.container,
                name: b.name,
                tags: b.tags.map(|t| t.tag_set.into_pairs()).unwrap_or_default(),
            })
            .collect(),
        next_marker: doc.next_marker.filter(|m| !m.is_empty()),
    })
}

/// A tag query must say something; the service checks the grammar.
pub fn check_tag_query(query: &str) -> Result<(), String> {
    if query.trim().is_empty() {
        return Err(
            "the tag query is empty; write e.g. \"project\" = 'churn' AND \"date\" >= '2024-01'"
                .into(),
        );
    }
    if query.len() > 4096 {
        return Err("the tag query is longer than 4 KiB".into());
    }
    Ok(())
}

/// Everything but unreserved characters, for a query value.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One page of Find Blobs by Tags, in `container` or the whole account.
pub async fn find_by_tags_page(
    client: &StorageClient,
    container: Option<&str>,
    query: &str,
    marker: Option<&str>,
) -> OpResult<TagPage> {
    check_tag_query(query).map_err(OpError::Invalid)?;
    let base = match container {
        Some(c) => with_query(
            client.container_url(c),
            &[("restype", "container"), ("comp", "blobs")],
        ),
        None => with_query(client.account().blob_endpoint.clone(), &[("comp", "blobs")]),
    };
    let mut url = match marker {
        Some(m) => with_query(base, &[("marker", m)]),
        None => base,
    };
    // Percent-encoded, not form-encoded: Shared Key signs the decoded query,
    // and a `+` for a space would be signed as a plus.
    let encoded = percent_encoding::utf8_percent_encode(query, QUERY_VALUE).to_string();
    let full = match url.query() {
        Some(q) if !q.is_empty() => format!("{q}&where={encoded}"),
        _ => format!("where={encoded}"),
    };
    url.set_query(Some(&full));
    let mut request = Request::new(url, Method::Get);
    request.insert_header("accept", "application/xml");
    let r = client.send_request(request).await?;
    parse_find_xml(&String::from_utf8_lossy(r.body())).map_err(OpError::Failed)
}

/// Every blob a tag query finds, page by page; `send` answers false to stop.
pub async fn find_by_tags(
    client: &StorageClient,
    container: Option<&str>,
    query: &str,
    mut send: impl FnMut(Vec<TagMatch>) -> bool,
) -> OpResult<()> {
    let mut marker: Option<String> = None;
    loop {
        let page = find_by_tags_page(client, container, query, marker.as_deref()).await?;
        if !send(page.blobs) {
            return Ok(());
        }
        marker = page.next_marker;
        if marker.is_none() {
            return Ok(());
        }
    }
}

/// The blobs of `container` below `prefix` that a tag query finds, as
/// listing rows (each read with Get Blob Properties for its size, date, tier
/// and type, 16 at once), a page at a time like a name search: `send` gets
/// the rows and how many matches the page held, and answers false to stop.
pub async fn find_rows(
    client: &StorageClient,
    container: &str,
    prefix: &str,
    query: &str,
    mut send: impl FnMut(Result<(Vec<super::BlobEntry>, usize), String>, bool) -> bool,
) {
    use futures::StreamExt;
    let mut marker: Option<String> = None;
    loop {
        let page = match find_by_tags_page(client, Some(container), query, marker.as_deref()).await
        {
            Ok(p) => p,
            Err(e) => {
                send(Err(e.describe(client.account())), true);
                return;
            }
        };
        let found = page.blobs.len();
        let rows: Vec<super::BlobEntry> = futures::stream::iter(
            page.blobs
                .into_iter()
                .filter(|b| b.name.starts_with(prefix)),
        )
        .map(|b| async move {
            // Deleted since it was indexed: left out.
            let head = super::ops::head_blob(client, container, &b.name)
                .await
                .ok()?;
            Some(super::BlobEntry {
                name: b.name,
                is_prefix: false,
                size: head.size,
                last_modified: head.last_modified,
                access_tier: head.tier.tier,
                content_type: head.headers.content_type,
            })
        })
        .buffered(16)
        .filter_map(|r| async move { r })
        .collect()
        .await;
        marker = page.next_marker;
        if !send(Ok((rows, found)), marker.is_none()) || marker.is_none() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Tags {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn rules_as_the_service_applies_them() {
        assert!(check_tags(&pairs(&[("project", "churn"), ("date", "2024-01")])).is_ok());
        assert!(
            check_tags(&pairs(&[("a b+c-d.e/f:g=h_i", "")])).is_ok(),
            "empty value ok"
        );
        assert!(
            check_tags(&pairs(&[("", "v")]))
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            check_tags(&pairs(&[("k", "ü")]))
                .unwrap_err()
                .contains("allow only")
        );
        assert!(check_tags(&pairs(&[("k#", "v")])).is_err());
        let long_key = "k".repeat(129);
        assert!(
            check_tag_key(&long_key)
                .unwrap_err()
                .contains("at most 128")
        );
        assert!(check_tag_key(&"k".repeat(128)).is_ok());
        assert!(check_tag_value("k", &"v".repeat(257)).is_err());
        assert!(check_tag_value("k", &"v".repeat(256)).is_ok());
        let eleven: Tags = (0..11).map(|i| (format!("k{i}"), "v".into())).collect();
        assert!(check_tags(&eleven).unwrap_err().contains("at most 10"));
        assert!(check_tags(&eleven[..10]).is_ok());
        assert!(
            check_tags(&pairs(&[("k", "1"), ("k", "2")]))
                .unwrap_err()
                .contains("twice")
        );
        assert_eq!(
            parse_tag_arg("date=2024=01").unwrap(),
            ("date".into(), "2024=01".into())
        );
        assert!(parse_tag_arg("novalue").is_err());
    }

    #[test]
    fn xml_round_trip_and_find_page() {
        let tags = pairs(&[("a", "x & y"), ("b", "")]);
        let xml = tags_xml(&tags);
        assert_eq!(parse_tags_xml(&xml).unwrap(), tags);
        assert!(parse_tags_xml("<<").is_err());
        // Shape from the Find Blobs by Tags REST reference.
        let page = parse_find_xml(
            r#"<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1/">
  <Where>"project" = 'churn'</Where>
  <Blobs>
    <Blob><Name>a/one.csv</Name><ContainerName>data</ContainerName>
      <Tags><TagSet><Tag><Key>project</Key><Value>churn</Value></Tag></TagSet></Tags></Blob>
    <Blob><Name>two</Name><ContainerName>other</ContainerName></Blob>
  </Blobs>
  <NextMarker>m1</NextMarker>
</EnumerationResults>"#,
        )
        .unwrap();
        assert_eq!(page.blobs.len(), 2);
        assert_eq!(page.blobs[0].container, "data");
        assert_eq!(page.blobs[0].tags, pairs(&[("project", "churn")]));
        assert!(page.blobs[1].tags.is_empty());
        assert_eq!(page.next_marker.as_deref(), Some("m1"));
        let empty =
            parse_find_xml("<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>")
                .unwrap();
        assert!(empty.blobs.is_empty() && empty.next_marker.is_none());
    }
}
