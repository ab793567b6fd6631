//! What the settings are, how they are checked, and what changed.

use serde::{Deserialize, Serialize};

/// Blob soft delete (`DeleteRetentionPolicy`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteRetention {
    pub enabled: bool,
    /// 1–365; required when enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Kept as read (blobx does not change it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_permanent_delete: Option<bool>,
}

/// `StaticWebsite`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaticWebsite {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_document: Option<String>,
    #[serde(
        default,
        rename = "errorDocument404Path",
        skip_serializing_if = "Option::is_none"
    )]
    pub error_document_404_path: Option<String>,
    /// Mutually exclusive with `index_document`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_index_document_path: Option<String>,
}

/// Analytics logging (`Logging`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Logging {
    #[serde(default = "one_point_oh")]
    pub version: String,
    pub read: bool,
    pub write: bool,
    pub delete: bool,
    /// Days the logs are kept (1–365); none keeps them until deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
}

impl Default for Logging {
    fn default() -> Self {
        Self {
            version: one_point_oh(),
            read: false,
            write: false,
            delete: false,
            retention_days: None,
        }
    }
}

/// Hour or minute metrics (`HourMetrics`, `MinuteMetrics`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Metrics {
    #[serde(default = "one_point_oh")]
    pub version: String,
    pub enabled: bool,
    /// Per-API figures too; only meaningful when enabled.
    #[serde(
        default,
        rename = "includeAPIs",
        skip_serializing_if = "Option::is_none"
    )]
    pub include_apis: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            version: one_point_oh(),
            enabled: false,
            include_apis: None,
            retention_days: None,
        }
    }
}

fn one_point_oh() -> String {
    "1.0".to_string()
}

/// Every setting blobx edits on the Blob service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSettings {
    pub delete_retention: DeleteRetention,
    pub static_website: StaticWebsite,
    pub logging: Logging,
    pub hour_metrics: Metrics,
    pub minute_metrics: Metrics,
}

fn days(what: &str, d: Option<u32>, required: bool, errors: &mut Vec<String>) {
    match d {
        None if required => errors.push(format!("{what}: days are required (1–365)")),
        Some(n) if !(1..=365).contains(&n) => {
            errors.push(format!("{what}: {n} days is outside 1–365"))
        }
        _ => {}
    }
}

fn document(what: &str, v: &Option<String>, errors: &mut Vec<String>) {
    if let Some(v) = v {
        if v.trim().is_empty() {
            errors.push(format!("{what} is empty; leave it out instead"));
        } else if v.len() > 255 {
            errors.push(format!("{what} is longer than 255 characters"));
        } else if v.chars().any(|c| c.is_control() || c == '\\') {
            errors.push(format!("{what} holds a control character or a backslash"));
        }
    }
}

impl ServiceSettings {
    /// Every reason the service would refuse these settings, in words.
    pub fn check(&self) -> Result<(), String> {
        let mut errors = Vec::new();
        let d = &self.delete_retention;
        days("blob soft delete", d.days, d.enabled, &mut errors);
        let w = &self.static_website;
        document("the index document", &w.index_document, &mut errors);
        document(
            "the error document path",
            &w.error_document_404_path,
            &mut errors,
        );
        document(
            "the default index path",
            &w.default_index_document_path,
            &mut errors,
        );
        if w.index_document.is_some() && w.default_index_document_path.is_some() {
            errors.push(
                "the index document and the default index path exclude each other; keep one"
                    .to_string(),
            );
        }
        days(
            "logging retention",
            self.logging.retention_days,
            false,
            &mut errors,
        );
        for (name, m) in [
            ("hour metrics", &self.hour_metrics),
            ("minute metrics", &self.minute_metrics),
        ] {
            days(
                &format!("{name} retention"),
                m.retention_days,
                false,
                &mut errors,
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }

    /// The settings as the service will keep them: days of a policy that is
    /// off are dropped, per-API metrics need metrics on.
    pub fn normalized(mut self) -> Self {
        if !self.delete_retention.enabled {
            self.delete_retention.days = None;
        }
        for m in [&mut self.hour_metrics, &mut self.minute_metrics] {
            if !m.enabled {
                m.include_apis = None;
            } else if m.include_apis.is_none() {
                m.include_apis = Some(false);
            }
        }
        self
    }
}

fn onoff(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "—".into())
}

/// One line per setting, for the diff and the pane.
pub fn lines(s: &ServiceSettings) -> Vec<(&'static str, String)> {
    let d = &s.delete_retention;
    let w = &s.static_website;
    let l = &s.logging;
    let metric = |m: &Metrics| {
        format!(
            "{}{}, kept {}",
            onoff(m.enabled),
            if m.include_apis == Some(true) {
                " with APIs"
            } else {
                ""
            },
            m.retention_days
                .map(|d| format!("{d} days"))
                .unwrap_or_else(|| "until deleted".into())
        )
    };
    vec![
        (
            "blob soft delete",
            match (d.enabled, d.days) {
                (true, Some(n)) => format!("on, {n} days"),
                (e, _) => onoff(e).to_string(),
            },
        ),
        ("static website", onoff(w.enabled).to_string()),
        ("index document", opt(&w.index_document)),
        ("error document path", opt(&w.error_document_404_path)),
        ("default index path", opt(&w.default_index_document_path)),
        (
            "logging",
            format!(
                "read {}, write {}, delete {}, kept {}",
                onoff(l.read),
                onoff(l.write),
                onoff(l.delete),
                l.retention_days
                    .map(|d| format!("{d} days"))
                    .unwrap_or_else(|| "until deleted".into())
            ),
        ),
        ("hour metrics", metric(&s.hour_metrics)),
        ("minute metrics", metric(&s.minute_metrics)),
    ]
}

/// What saving `after` over `before` changes, one line each (empty: nothing).
pub fn diff_lines(before: &ServiceSettings, after: &ServiceSettings) -> Vec<String> {
    lines(before)
        .into_iter()
        .zip(lines(after))
        .filter(|(a, b)| a.1 != b.1)
        .map(|((name, a), (_, b))| format!("{name}: {a} → {b}"))
        .collect()
}
