//! The settings' elements of the service properties document: read, and
//! replaced textually (only the sections that changed), every other byte kept.

use super::model::{DeleteRetention, Logging, Metrics, ServiceSettings, StaticWebsite};
use crate::azure::cors::element_span;
use serde::Deserialize;

#[derive(Deserialize, Default)]
struct RawRetention {
    #[serde(rename = "Enabled", default)]
    enabled: String,
    #[serde(rename = "Days", default)]
    days: Option<String>,
    #[serde(rename = "AllowPermanentDelete", default)]
    allow_permanent_delete: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawLogging {
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Read", default)]
    read: String,
    #[serde(rename = "Write", default)]
    write: String,
    #[serde(rename = "Delete", default)]
    delete: String,
    #[serde(rename = "RetentionPolicy", default)]
    retention: RawRetention,
}

#[derive(Deserialize, Default)]
struct RawMetrics {
    #[serde(rename = "Version", default)]
    version: Option<String>,
    #[serde(rename = "Enabled", default)]
    enabled: String,
    #[serde(rename = "IncludeAPIs", default)]
    include_apis: Option<String>,
    #[serde(rename = "RetentionPolicy", default)]
    retention: RawRetention,
}

#[derive(Deserialize, Default)]
struct RawWebsite {
    #[serde(rename = "Enabled", default)]
    enabled: String,
    #[serde(rename = "IndexDocument", default)]
    index_document: Option<String>,
    #[serde(rename = "ErrorDocument404Path", default)]
    error_document_404_path: Option<String>,
    #[serde(rename = "DefaultIndexDocumentPath", default)]
    default_index_document_path: Option<String>,
}

fn flag(s: &str) -> bool {
    s.trim().eq_ignore_ascii_case("true")
}

fn number(what: &str, s: Option<String>) -> Result<Option<u32>, String> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(n) => n
            .parse()
            .map(Some)
            .map_err(|_| format!("the service's {what} days are {n:?}")),
    }
}

fn text(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

fn section<T: for<'de> Deserialize<'de> + Default>(xml: &str, name: &str) -> Result<T, String> {
    let Some(span) = element_span(xml, name) else {
        return Ok(T::default());
    };
    let element = &xml[span];
    if element.ends_with("/>") {
        return Ok(T::default());
    }
    quick_xml::de::from_str(element).map_err(|e| format!("unreadable {name} from the service: {e}"))
}

/// The settings in a Get Blob Service Properties document (missing elements
/// read as off).
pub fn parse_settings(xml: &str) -> Result<ServiceSettings, String> {
    let xml = xml.trim_start_matches('\u{feff}');
    let d: RawRetention = section(xml, "DeleteRetentionPolicy")?;
    let w: RawWebsite = section(xml, "StaticWebsite")?;
    let l: RawLogging = section(xml, "Logging")?;
    let metrics = |name: &str| -> Result<Metrics, String> {
        let m: RawMetrics = section(xml, name)?;
        Ok(Metrics {
            version: text(m.version).unwrap_or_else(|| "1.0".into()),
            enabled: flag(&m.enabled),
            include_apis: m.include_apis.as_deref().map(flag),
            retention_days: if flag(&m.retention.enabled) {
                number(name, m.retention.days)?
            } else {
                None
            },
        })
    };
    Ok(ServiceSettings {
        delete_retention: DeleteRetention {
            enabled: flag(&d.enabled),
            days: if flag(&d.enabled) {
                number("soft delete", d.days)?
            } else {
                None
            },
            allow_permanent_delete: d.allow_permanent_delete.as_deref().map(flag),
        },
        static_website: StaticWebsite {
            enabled: flag(&w.enabled),
            index_document: text(w.index_document),
            error_document_404_path: text(w.error_document_404_path),
            default_index_document_path: text(w.default_index_document_path),
        },
        logging: Logging {
            version: text(l.version).unwrap_or_else(|| "1.0".into()),
            read: flag(&l.read),
            write: flag(&l.write),
            delete: flag(&l.delete),
            retention_days: if flag(&l.retention.enabled) {
                number("logging", l.retention.days)?
            } else {
                None
            },
        },
        hour_metrics: metrics("HourMetrics")?,
        minute_metrics: metrics("MinuteMetrics")?,
    })
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

fn retention_xml(days: Option<u32>) -> String {
    match days {
        Some(d) => {
            format!("<RetentionPolicy><Enabled>true</Enabled><Days>{d}</Days></RetentionPolicy>")
        }
        None => "<RetentionPolicy><Enabled>false</Enabled></RetentionPolicy>".to_string(),
    }
}

fn logging_xml(l: &Logging) -> String {
    format!(
        "<Logging><Version>{}</Version><Delete>{}</Delete><Read>{}</Read><Write>{}</Write>{}</Logging>",
        esc(&l.version),
        l.delete,
        l.read,
        l.write,
        retention_xml(l.retention_days)
    )
}

fn metrics_xml(name: &str, m: &Metrics) -> String {
    let apis = match (m.enabled, m.include_apis) {
        (true, apis) => format!("<IncludeAPIs>{}</IncludeAPIs>", apis.unwrap_or(false)),
        (false, _) => String::new(),
    };
    format!(
        "<{name}><Version>{}</Version><Enabled>{}</Enabled>{apis}{}</{name}>",
        esc(&m.version),
        m.enabled,
        retention_xml(m.retention_days)
    )
}

fn delete_xml(d: &DeleteRetention) -> String {
    let mut x = format!("<DeleteRetentionPolicy><Enabled>{}</Enabled>", d.enabled);
    if d.enabled
        && let Some(n) = d.days
    {
        x.push_str(&format!("<Days>{n}</Days>"));
    }
    if let Some(p) = d.allow_permanent_delete {
        x.push_str(&format!("<AllowPermanentDelete>{p}</AllowPermanentDelete>"));
    }
    x.push_str("</DeleteRetentionPolicy>");
    x
}

fn website_xml(w: &StaticWebsite) -> String {
    let mut x = format!("<StaticWebsite><Enabled>{}</Enabled>", w.enabled);
    for (tag, v) in [
        ("IndexDocument", &w.index_document),
        ("ErrorDocument404Path", &w.error_document_404_path),
        ("DefaultIndexDocumentPath", &w.default_index_document_path),
    ] {
        if let Some(v) = v {
            x.push_str(&format!("<{tag}>{}</{tag}>", esc(v)));
        }
    }
    x.push_str("</StaticWebsite>");
    x
}

/// The schema's order, so an element that was missing goes where it belongs.
const ORDER: &[&str] = &[
    "Logging",
    "HourMetrics",
    "MinuteMetrics",
    "Cors",
    "DefaultServiceVersion",
    "DeleteRetentionPolicy",
    "StaticWebsite",
];

/// `xml` with `name` replaced by `new` (or inserted in schema order); every
/// other byte stays. The CORS save uses it too.
pub fn put_element(xml: &str, name: &str, new: &str) -> Result<String, String> {
    if let Some(span) = element_span(xml, name) {
        return Ok(format!("{}{new}{}", &xml[..span.start], &xml[span.end..]));
    }
    let at = ORDER
        .iter()
        .position(|n| *n == name)
        .map(|i| &ORDER[..i])
        .unwrap_or(&[])
        .iter()
        .rev()
        .find_map(|n| element_span(xml, n).map(|s| s.end));
    let at = match at {
        Some(at) => at,
        None => {
            let root = element_span(xml, "StorageServiceProperties").ok_or_else(|| {
                "the service's properties are not a StorageServiceProperties document".to_string()
            })?;
            let gt = root.start + xml[root.start..].find('>').unwrap_or(0);
            if xml[..gt].ends_with('/') {
                return Ok(format!(
                    "{}<StorageServiceProperties>{new}</StorageServiceProperties>{}",
                    &xml[..root.start],
                    &xml[root.end..]
                ));
            }
            gt + 1
        }
    };
    Ok(format!("{}{new}{}", &xml[..at], &xml[at..]))
}

/// The document with the sections that differ between `before` (what `xml`
/// holds) and `after` rewritten; every other byte, CORS included, kept.
pub fn replace_settings(
    xml: &str,
    before: &ServiceSettings,
    after: &ServiceSettings,
) -> Result<String, String> {
    let mut out = xml.trim_start_matches('\u{feff}').to_string();
    if before.logging != after.logging {
        out = put_element(&out, "Logging", &logging_xml(&after.logging))?;
    }
    if before.hour_metrics != after.hour_metrics {
        out = put_element(
            &out,
            "HourMetrics",
            &metrics_xml("HourMetrics", &after.hour_metrics),
        )?;
    }
    if before.minute_metrics != after.minute_metrics {
        out = put_element(
            &out,
            "MinuteMetrics",
            &metrics_xml("MinuteMetrics", &after.minute_metrics),
        )?;
    }
    if before.delete_retention != after.delete_retention {
        out = put_element(
            &out,
            "DeleteRetentionPolicy",
            &delete_xml(&after.delete_retention),
        )?;
    }
    if before.static_website != after.static_website {
        out = put_element(&out, "StaticWebsite", &website_xml(&after.static_website))?;
    }
    Ok(out)
}
