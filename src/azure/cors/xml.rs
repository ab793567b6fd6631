//! The `<Cors>` element of the service properties XML: written, read, and
//! replaced textually so every other byte of the document stays as it was.

use super::model::normalize_methods;
use super::model::{CorsMethod, CorsRule};
use std::ops::Range;

// ---------------------------------------------------------------------------
// XML

/// The byte range of the first `<name>…</name>` or `<name/>` element.
pub fn element_span(xml: &str, name: &str) -> Option<Range<usize>> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut from = 0;
    while let Some(pos) = xml[from..].find(&open) {
        let start = from + pos;
        let after = start + open.len();
        match xml[after..].chars().next() {
            Some(c) if c == '>' || c == '/' || c.is_whitespace() => {
                let gt = after + xml[after..].find('>')?;
                if xml[..gt].ends_with('/') {
                    return Some(start..gt + 1);
                }
                let end = gt + xml[gt..].find(&close)? + close.len();
                return Some(start..end);
            }
            // `<CorsRule` and the like: keep looking.
            _ => from = after,
        }
    }
    None
}

/// The `<Cors>` element for these rules.
pub fn cors_xml(rules: &[CorsRule]) -> String {
    if rules.is_empty() {
        return "<Cors />".to_string();
    }
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let mut xml = String::from("<Cors>");
    for r in rules {
        xml.push_str("<CorsRule>");
        xml.push_str(&format!(
            "<AllowedOrigins>{}</AllowedOrigins>",
            esc(&r.allowed_origins.join(","))
        ));
        xml.push_str(&format!(
            "<AllowedMethods>{}</AllowedMethods>",
            r.methods_text()
        ));
        xml.push_str(&format!(
            "<MaxAgeInSeconds>{}</MaxAgeInSeconds>",
            r.max_age_seconds
        ));
        xml.push_str(&format!(
            "<ExposedHeaders>{}</ExposedHeaders>",
            esc(&r.exposed_headers.join(","))
        ));
        xml.push_str(&format!(
            "<AllowedHeaders>{}</AllowedHeaders>",
            esc(&r.allowed_headers.join(","))
        ));
        xml.push_str("</CorsRule>");
    }
    xml.push_str("</Cors>");
    xml
}

#[derive(serde::Deserialize, Default)]
struct RawCors {
    #[serde(rename = "CorsRule", default)]
    rules: Vec<RawRule>,
}

#[derive(serde::Deserialize, Default)]
struct RawRule {
    #[serde(rename = "AllowedOrigins", default)]
    allowed_origins: String,
    #[serde(rename = "AllowedMethods", default)]
    allowed_methods: String,
    #[serde(rename = "AllowedHeaders", default)]
    allowed_headers: String,
    #[serde(rename = "ExposedHeaders", default)]
    exposed_headers: String,
    #[serde(rename = "MaxAgeInSeconds", default)]
    max_age: String,
}

fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The rules in a Get Blob Service Properties document (none if it has no `<Cors>`).
pub fn parse_cors(properties_xml: &str) -> Result<Vec<CorsRule>, String> {
    let Some(span) = element_span(properties_xml, "Cors") else {
        return Ok(Vec::new());
    };
    let element = &properties_xml[span];
    let raw: RawCors = if element.ends_with("/>") {
        RawCors::default()
    } else {
        quick_xml::de::from_str(element)
            .map_err(|e| format!("unreadable CORS rules from the service: {e}"))?
    };
    raw.rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let methods = comma_list(&r.allowed_methods)
                .iter()
                .map(|m| CorsMethod::parse(m))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("the service's rule {}: {e}", i + 1))?;
            let age = r.max_age.trim();
            let max_age_seconds = if age.is_empty() {
                0
            } else {
                age.parse::<u32>()
                    .map_err(|_| format!("the service's rule {} has max age {age:?}", i + 1))?
            };
            Ok(CorsRule {
                allowed_origins: comma_list(&r.allowed_origins),
                allowed_methods: normalize_methods(&methods),
                allowed_headers: comma_list(&r.allowed_headers),
                exposed_headers: comma_list(&r.exposed_headers),
                max_age_seconds,
            })
        })
        .collect()
}

/// `properties_xml` with its `<Cors>` element replaced by `rules` (inserted
/// after the analytics elements when it has none). Every other byte stays.
pub fn replace_cors(properties_xml: &str, rules: &[CorsRule]) -> Result<String, String> {
    let xml = properties_xml.trim_start_matches('\u{feff}');
    crate::azure::props::put_element(xml, "Cors", &cors_xml(rules))
}
