//! The settings as JSON for `blobx props get|set`: `get` prints every
//! section; `set` changes the sections a file holds and keeps the others.

use super::model::{DeleteRetention, Logging, Metrics, ServiceSettings, StaticWebsite};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PropsJson {
    /// The account it was read from (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Where the static website is served (informative, never written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_retention: Option<DeleteRetention>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_website: Option<StaticWebsite>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour_metrics: Option<Metrics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute_metrics: Option<Metrics>,
}

impl PropsJson {
    pub fn new(account: Option<&str>, website: Option<String>, s: &ServiceSettings) -> Self {
        Self {
            account: account.map(str::to_string),
            website_endpoint: website,
            delete_retention: Some(s.delete_retention.clone()),
            static_website: Some(s.static_website.clone()),
            logging: Some(s.logging.clone()),
            hour_metrics: Some(s.hour_metrics.clone()),
            minute_metrics: Some(s.minute_metrics.clone()),
        }
    }

    pub fn to_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// `current` with the sections this file holds put in.
    pub fn apply(&self, current: &ServiceSettings) -> ServiceSettings {
        let mut s = current.clone();
        if let Some(d) = &self.delete_retention {
            s.delete_retention = d.clone();
        }
        if let Some(w) = &self.static_website {
            s.static_website = w.clone();
        }
        if let Some(l) = &self.logging {
            s.logging = l.clone();
        }
        if let Some(m) = &self.hour_metrics {
            s.hour_metrics = m.clone();
        }
        if let Some(m) = &self.minute_metrics {
            s.minute_metrics = m.clone();
        }
        s
    }
}

/// A settings file, checked for shape (unknown keys are refused by name).
pub fn parse_json(text: &str) -> Result<PropsJson, String> {
    let json: PropsJson = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("not a settings file: {e}"))?;
    if json.delete_retention.is_none()
        && json.static_website.is_none()
        && json.logging.is_none()
        && json.hour_metrics.is_none()
        && json.minute_metrics.is_none()
    {
        return Err(
            "no settings in it (deleteRetention, staticWebsite, logging, hourMetrics, minuteMetrics)"
                .into(),
        );
    }
    Ok(json)
}
