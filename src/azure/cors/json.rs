//! JSON for `blobx cors get` / `set` and the editor's export / import.

use super::model::{CorsMethod, CorsRule};
use super::model::{MAX_AGE_LIMIT, normalize_methods, split_list};
use super::validate::check_rule;
use super::validate::{check_rules, parse_max_age};
use serde::Serialize;

// ---------------------------------------------------------------------------
// JSON, for `blobx cors get` / `set` and export / import

/// One rule in the JSON files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleJson {
    pub allowed_origins: Vec<String>,
    pub allowed_methods: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub exposed_headers: Vec<String>,
    pub max_age_seconds: u32,
}

/// What `blobx cors get` prints and `set` / import read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CorsJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub rules: Vec<RuleJson>,
}

impl CorsJson {
    pub fn new(account: Option<&str>, rules: &[CorsRule]) -> Self {
        Self {
            account: account.map(str::to_string),
            rules: rules
                .iter()
                .map(|r| RuleJson {
                    allowed_origins: r.allowed_origins.clone(),
                    allowed_methods: r
                        .allowed_methods
                        .iter()
                        .map(|m| m.as_str().to_string())
                        .collect(),
                    allowed_headers: r.allowed_headers.clone(),
                    exposed_headers: r.exposed_headers.clone(),
                    max_age_seconds: r.max_age_seconds,
                })
                .collect(),
        }
    }

    pub fn to_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }
}

/// Rules as JSON text (pretty, with a trailing new line).
pub fn to_json(account: Option<&str>, rules: &[CorsRule]) -> String {
    format!("{}\n", CorsJson::new(account, rules).to_pretty())
}

const RULE_FIELDS: &[&str] = &[
    "allowed_origins",
    "allowed_methods",
    "allowed_headers",
    "exposed_headers",
    "max_age_seconds",
];

fn json_list(value: Option<&serde_json::Value>, field: &str) -> Result<Vec<String>, String> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::String(s)) => Ok(split_list(s)),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Ok(s.trim().to_string()),
                other => Err(format!("{field}: {other} is not text")),
            })
            .filter(|r| !matches!(r, Ok(s) if s.is_empty()))
            .collect(),
        Some(other) => Err(format!(
            "{field} must be a list of text or one comma-separated text, not {other}"
        )),
    }
}

fn json_max_age(value: Option<&serde_json::Value>) -> Result<u32, String> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(0),
        Some(serde_json::Value::Number(n)) => {
            if let Some(v) = n.as_u64() {
                u32::try_from(v)
                    .ok()
                    .filter(|v| *v <= MAX_AGE_LIMIT)
                    .ok_or_else(|| format!("max age is at most {MAX_AGE_LIMIT} seconds"))
            } else if n.as_i64().is_some_and(|v| v < 0) {
                Err(format!(
                    "max age cannot be negative ({n}); write 0 or more seconds"
                ))
            } else {
                Err(format!(
                    "max age must be a whole number of seconds; {n} is not one"
                ))
            }
        }
        Some(serde_json::Value::String(s)) => parse_max_age(s),
        Some(other) => Err(format!(
            "max age must be a whole number of seconds; {other} is not one"
        )),
    }
}

fn rule_from_json(value: &serde_json::Value) -> Result<CorsRule, String> {
    let obj = value.as_object().ok_or_else(|| {
        format!("{value} is not a rule (an object with allowed_origins, allowed_methods, …)")
    })?;
    if let Some(unknown) = obj.keys().find(|k| !RULE_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field {unknown:?}; a rule has {}",
            RULE_FIELDS.join(", ")
        ));
    }
    let methods = json_list(obj.get("allowed_methods"), "allowed_methods")?
        .iter()
        .map(|m| CorsMethod::parse(m))
        .collect::<Result<Vec<_>, _>>()?;
    let rule = CorsRule {
        allowed_origins: json_list(obj.get("allowed_origins"), "allowed_origins")?,
        allowed_methods: normalize_methods(&methods),
        allowed_headers: json_list(obj.get("allowed_headers"), "allowed_headers")?,
        exposed_headers: json_list(obj.get("exposed_headers"), "exposed_headers")?,
        max_age_seconds: json_max_age(obj.get("max_age_seconds"))?,
    };
    check_rule(&rule)?;
    Ok(rule)
}

/// Reads rules from JSON like `blobx cors get` prints (or a bare list of
/// rules) and checks them all against the service's limits. Nothing is sent.
/// Returns the account the file names, if any, and the rules.
pub fn parse_json(text: &str) -> Result<(Option<String>, Vec<CorsRule>), String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let (account, list) = match &value {
        serde_json::Value::Array(list) => (None, list.clone()),
        serde_json::Value::Object(obj) => {
            if let Some(unknown) = obj.keys().find(|k| *k != "account" && *k != "rules") {
                return Err(format!(
                    "unknown field {unknown:?}; the file has \"account\" (optional) and \"rules\""
                ));
            }
            let account = obj
                .get("account")
                .and_then(|a| a.as_str())
                .map(str::to_string);
            match obj.get("rules") {
                Some(serde_json::Value::Array(list)) => (account, list.clone()),
                Some(_) => return Err("\"rules\" must be a list of rules".into()),
                None => return Err("the file has no \"rules\" list".into()),
            }
        }
        _ => return Err("expected an object with a \"rules\" list".into()),
    };
    let rules = list
        .iter()
        .enumerate()
        .map(|(i, v)| rule_from_json(v).map_err(|e| format!("rule {}: {e}", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    check_rules(&rules)?;
    Ok((account, rules))
}
