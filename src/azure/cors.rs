//! The Blob service's CORS rules: the model, the service's limits checked in
//! words, the XML of Get / Set Blob Service Properties, a read-modify-write
//! save that touches only the `<Cors>` element, a concurrency check, presets,
//! JSON for scripts, and the real preflight (OPTIONS) a browser would send.
//!
//! Saving reads the service properties as raw XML, replaces the `<Cors>`
//! element textually (or inserts it) and writes the document back, so
//! Logging, metrics, delete retention, static website and the default service
//! version go back exactly as they were read: no typed model in between that
//! could drop a field it does not know. Service properties carry no ETag, so
//! the concurrency check compares the rules the caller started from with the
//! rules read just before writing.

use super::account::Account;
use super::client::StorageClient;
use super::ops::{OpError, OpResult};
use azure_core::http::{Method, Request, Url};
use serde::Serialize;
use std::ops::Range;

// ---------------------------------------------------------------------------
// The service's limits.
//
// From the Azure Storage documentation, "Cross-Origin Resource Sharing (CORS)
// support for the Azure Storage services" (learn.microsoft.com/rest/api/
// storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-
// storage-services), section "Understanding CORS rules":
// - up to five CORS rules per service;
// - all CORS rule settings in the request, excluding XML tags, at most 2 KiB;
// - each allowed header, exposed header or allowed origin at most 256 characters;
// - allowed and exposed headers are literal (`x-ms-meta-data`) or prefixed
//   (`x-ms-meta-*`): at most 64 literal and 2 prefixed headers per list;
// - allowed methods: DELETE, GET, HEAD, MERGE, POST, OPTIONS, PUT (PATCH is
//   accepted by newer service versions);
// - an origin is `*` or an exact origin; rules are evaluated in order and the
//   first rule whose origin and method match decides, even when its headers
//   then do not.
// The SDK reference (CorsRule) adds: at most 64 origins per rule. MaxAgeInSeconds
// is an Int32 in the REST schema.

/// Rules per service.
pub const MAX_RULES: usize = 5;
/// Bytes of rule text (values only, no XML tags) in the whole set.
pub const MAX_RULES_TEXT: usize = 2048;
/// Characters in one origin or header.
pub const MAX_VALUE_CHARS: usize = 256;
/// Literal (non-wildcard) headers in one list.
pub const MAX_LITERAL_HEADERS: usize = 64;
/// Prefixed headers (`x-ms-meta-*`) in one list.
pub const MAX_PREFIXED_HEADERS: usize = 2;
/// Origins in one rule.
pub const MAX_ORIGINS: usize = 64;
/// The largest MaxAgeInSeconds (an Int32 on the wire).
pub const MAX_AGE_LIMIT: u32 = i32::MAX as u32;

/// The HTTP methods a CORS rule may allow, in the documentation's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CorsMethod {
    Delete,
    Get,
    Head,
    Merge,
    Post,
    Options,
    Put,
    Patch,
}

impl CorsMethod {
    pub const ALL: [CorsMethod; 8] = [
        CorsMethod::Delete,
        CorsMethod::Get,
        CorsMethod::Head,
        CorsMethod::Merge,
        CorsMethod::Post,
        CorsMethod::Options,
        CorsMethod::Put,
        CorsMethod::Patch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CorsMethod::Delete => "DELETE",
            CorsMethod::Get => "GET",
            CorsMethod::Head => "HEAD",
            CorsMethod::Merge => "MERGE",
            CorsMethod::Post => "POST",
            CorsMethod::Options => "OPTIONS",
            CorsMethod::Put => "PUT",
            CorsMethod::Patch => "PATCH",
        }
    }

    /// Case-insensitive (the emulator stores lower case; we always write upper case).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                format!(
                    "{t:?} is not a method the service accepts; use DELETE, GET, HEAD, MERGE, POST, OPTIONS, PUT or PATCH"
                )
            })
    }
}

/// One CORS rule. Methods are kept in [`CorsMethod::ALL`] order without
/// repeats, so two rules allowing the same methods compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorsRule {
    pub allowed_origins: Vec<String>,
    pub allowed_methods: Vec<CorsMethod>,
    pub allowed_headers: Vec<String>,
    pub exposed_headers: Vec<String>,
    pub max_age_seconds: u32,
}

impl CorsRule {
    pub fn new(
        origins: &[&str],
        methods: &[CorsMethod],
        allowed_headers: &[&str],
        exposed_headers: &[&str],
        max_age_seconds: u32,
    ) -> Self {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Self {
            allowed_origins: owned(origins),
            allowed_methods: normalize_methods(methods),
            allowed_headers: owned(allowed_headers),
            exposed_headers: owned(exposed_headers),
            max_age_seconds,
        }
    }

    pub fn methods_text(&self) -> String {
        self.allowed_methods
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// One line for lists and diffs.
    pub fn summary(&self) -> String {
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_string()
            } else {
                v.join(",")
            }
        };
        format!(
            "origins {} · methods {} · allowed headers {} · exposed headers {} · max age {}s",
            list(&self.allowed_origins),
            self.methods_text(),
            list(&self.allowed_headers),
            list(&self.exposed_headers),
            self.max_age_seconds
        )
    }

    /// Characters of rule text as the service counts them (values, no tags).
    fn text_len(&self) -> usize {
        self.allowed_origins.join(",").len()
            + self.methods_text().len()
            + self.allowed_headers.join(",").len()
            + self.exposed_headers.join(",").len()
            + self.max_age_seconds.to_string().len()
    }
}

/// Methods in canonical order, each once.
pub fn normalize_methods(methods: &[CorsMethod]) -> Vec<CorsMethod> {
    CorsMethod::ALL
        .into_iter()
        .filter(|m| methods.contains(m))
        .collect()
}

/// Splits a typed or pasted list: commas, spaces and new lines all separate.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Bytes of rule text in the whole set, for "312 of 2,048 bytes".
pub fn rules_text_len(rules: &[CorsRule]) -> usize {
    rules.iter().map(CorsRule::text_len).sum()
}

// ---------------------------------------------------------------------------
// Validation, in words

fn clip(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_string()
    }
}

/// `*`, or scheme://host[:port] exactly as a browser sends it in `Origin`.
pub fn check_origin(origin: &str) -> Result<(), String> {
    if origin == "*" {
        return Ok(());
    }
    let n = origin.chars().count();
    if n > MAX_VALUE_CHARS {
        return Err(format!(
            "origin {:?} is {n} characters; at most {MAX_VALUE_CHARS} are allowed",
            clip(origin)
        ));
    }
    let example =
        "write scheme://host[:port], e.g. https://app.example.com or http://localhost:3000";
    let Some((scheme, rest)) = origin.split_once("://") else {
        return Err(format!("{origin:?} is not an origin; {example}"));
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return Err(format!(
            "{origin:?} is not an origin: {scheme:?} is not a scheme; {example}"
        ));
    }
    if rest.contains('*') {
        return Err(format!(
            "{origin:?}: the service matches origins exactly; a partial wildcard is not supported (use * for every origin, or list each origin)"
        ));
    }
    if rest.is_empty() {
        return Err(format!("{origin:?} has no host; {example}"));
    }
    if let Some(i) = rest.find(['/', '?', '#']) {
        let extra = &rest[i..];
        let base = format!("{scheme}://{}", &rest[..i]);
        return Err(if extra == "/" {
            format!("{origin:?} ends with /; browsers send origins without it, so write {base}")
        } else {
            format!(
                "{origin:?} has a path; an origin is only scheme://host[:port], so write {base}"
            )
        });
    }
    if rest.contains('@') {
        return Err(format!(
            "{origin:?} holds a user name; an origin is only scheme://host[:port]"
        ));
    }
    let url = Url::parse(origin).map_err(|e| format!("{origin:?} is not an origin: {e}"))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{origin:?} has no host; {example}"));
    }
    let lower = origin.to_ascii_lowercase();
    if lower != origin {
        return Err(format!(
            "{origin:?}: browsers send origins in lower case and the service compares them exactly; write {lower}"
        ));
    }
    Ok(())
}

/// A header name as HTTP allows it (RFC 9110 token), optionally ending in `*`.
pub fn check_header(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if n > MAX_VALUE_CHARS {
        return Err(format!(
            "header {:?} is {n} characters; at most {MAX_VALUE_CHARS} are allowed",
            clip(name)
        ));
    }
    let body = name.strip_suffix('*').unwrap_or(name);
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'+-.^_`|~".contains(c);
    if let Some(bad) = body.chars().find(|c| !token(*c)) {
        return Err(if bad == '*' {
            format!("header {name:?}: * may only end a prefix, as in x-ms-meta-*")
        } else {
            format!("header {name:?} holds {bad:?}, which a header name cannot contain")
        });
    }
    Ok(())
}

/// One list of allowed or exposed headers: each valid, and at most 64
/// literal and 2 prefixed ones.
pub fn check_headers(list: &[String], what: &str) -> Result<(), String> {
    for h in list {
        check_header(h).map_err(|e| format!("{what}: {e}"))?;
    }
    let prefixed = list.iter().filter(|h| h.ends_with('*')).count();
    let literal = list.len() - prefixed;
    if literal > MAX_LITERAL_HEADERS {
        return Err(format!(
            "{what}: {literal} literal headers; at most {MAX_LITERAL_HEADERS} are allowed"
        ));
    }
    if prefixed > MAX_PREFIXED_HEADERS {
        return Err(format!(
            "{what}: {prefixed} prefixed headers (ending in *); at most {MAX_PREFIXED_HEADERS} are allowed"
        ));
    }
    Ok(())
}

/// The origins of one rule: at least one, each valid, `*` alone.
pub fn check_origins(list: &[String]) -> Result<(), String> {
    if list.is_empty() {
        return Err("a rule needs at least one origin (or * for every origin)".into());
    }
    if list.len() > MAX_ORIGINS {
        return Err(format!(
            "{} origins; a rule allows at most {MAX_ORIGINS}",
            list.len()
        ));
    }
    for o in list {
        check_origin(o)?;
    }
    if list.len() > 1 && list.iter().any(|o| o == "*") {
        return Err("* already allows every origin; remove the other origins or the *".into());
    }
    Ok(())
}

/// Max age as typed: a whole number of seconds, 0 or more.
pub fn parse_max_age(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(
            "max age is empty; write a whole number of seconds (0: browsers do not cache the preflight)"
                .into(),
        );
    }
    if let Some(rest) = t.strip_prefix('-')
        && !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit())
    {
        return Err(format!(
            "max age cannot be negative ({t}); write 0 or more seconds"
        ));
    }
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "max age must be a whole number of seconds; {t:?} is not one"
        ));
    }
    match t.parse::<u64>() {
        Ok(v) if v <= u64::from(MAX_AGE_LIMIT) => Ok(v as u32),
        _ => Err(format!("max age is at most {MAX_AGE_LIMIT} seconds")),
    }
}

/// Checks one rule against the service's limits.
pub fn check_rule(rule: &CorsRule) -> Result<(), String> {
    check_origins(&rule.allowed_origins)?;
    if rule.allowed_methods.is_empty() {
        return Err("a rule needs at least one method".into());
    }
    check_headers(&rule.allowed_headers, "allowed headers")?;
    check_headers(&rule.exposed_headers, "exposed headers")?;
    if rule.max_age_seconds > MAX_AGE_LIMIT {
        return Err(format!("max age is at most {MAX_AGE_LIMIT} seconds"));
    }
    Ok(())
}

/// Checks a whole set: at most 5 rules, each valid, at most 2 KiB of text.
pub fn check_rules(rules: &[CorsRule]) -> Result<(), String> {
    if rules.len() > MAX_RULES {
        return Err(format!(
            "the Blob service holds at most {MAX_RULES} CORS rules; this set has {}",
            rules.len()
        ));
    }
    for (i, r) in rules.iter().enumerate() {
        check_rule(r).map_err(|e| format!("rule {}: {e}", i + 1))?;
    }
    let size = rules_text_len(rules);
    if size > MAX_RULES_TEXT {
        return Err(format!(
            "the rules hold {size} bytes of text; the service allows at most {MAX_RULES_TEXT} (2 KiB) in all"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// XML

/// The byte range of the first `<name>…</name>` or `<name/>` element.
fn element_span(xml: &str, name: &str) -> Option<Range<usize>> {
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
    let new = cors_xml(rules);
    if let Some(span) = element_span(xml, "Cors") {
        return Ok(format!("{}{new}{}", &xml[..span.start], &xml[span.end..]));
    }
    // The schema orders Logging, HourMetrics, MinuteMetrics, then Cors.
    let after_analytics = ["MinuteMetrics", "HourMetrics", "Logging"]
        .iter()
        .find_map(|name| element_span(xml, name).map(|s| s.end));
    let at = match after_analytics {
        Some(at) => at,
        None => {
            let root = element_span(xml, "StorageServiceProperties").ok_or_else(|| {
                "the service's properties are not a StorageServiceProperties document".to_string()
            })?;
            let gt = root.start + xml[root.start..].find('>').unwrap_or(0);
            if xml[..gt].ends_with('/') {
                // `<StorageServiceProperties/>`: nothing inside to keep.
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

// ---------------------------------------------------------------------------
// Diff

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    /// Unchanged: its number in the new set.
    Same(usize, String),
    /// Only in the old set: its number there.
    Removed(usize, String),
    /// Only in the new set: its number there.
    Added(usize, String),
}

/// Old against new, rule by rule (longest common subsequence; five rules at most).
pub fn diff(old: &[CorsRule], new: &[CorsRule]) -> Vec<DiffLine> {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            out.push(DiffLine::Same(j + 1, new[j].summary()));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Removed(i + 1, old[i].summary()));
            i += 1;
        } else {
            out.push(DiffLine::Added(j + 1, new[j].summary()));
            j += 1;
        }
    }
    out
}

/// The diff as text, one rule a line, `-` / `+` / space first.
pub fn diff_text(old: &[CorsRule], new: &[CorsRule]) -> String {
    if old.is_empty() && new.is_empty() {
        return "  (no rules before or after)".to_string();
    }
    diff(old, new)
        .iter()
        .map(|l| match l {
            DiffLine::Same(k, s) => format!("  {k}. {s}"),
            DiffLine::Removed(k, s) => format!("- {k}. {s}"),
            DiffLine::Added(k, s) => format!("+ {k}. {s}"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------
// Service calls

fn properties_url(client: &StorageClient) -> Url {
    let mut url = client.account().blob_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("restype", "service")
        .append_pair("comp", "properties");
    url
}

/// Refuses before any request when the credential cannot reach service properties.
fn check_reach(account: &Account) -> OpResult<()> {
    if let Some(c) = &account.container {
        return Err(OpError::Invalid(format!(
            "This account is a SAS for container {c} only; CORS rules belong to the whole Blob service and need an account key, an account SAS or Microsoft Entra ID."
        )));
    }
    Ok(())
}

/// Get Blob Service Properties, as the service wrote it.
pub async fn get_properties_xml(client: &StorageClient) -> OpResult<String> {
    check_reach(client.account())?;
    let mut request = Request::new(properties_url(client), Method::Get);
    request.insert_header("accept", "application/xml");
    let r = client.send_request(request).await?;
    String::from_utf8(r.body().to_vec())
        .map_err(|_| OpError::Failed("the service's properties are not UTF-8 text".into()))
}

/// The Blob service's CORS rules, in the order the service evaluates them.
pub async fn get_cors(client: &StorageClient) -> OpResult<Vec<CorsRule>> {
    let xml = get_properties_xml(client).await?;
    parse_cors(&xml).map_err(OpError::Failed)
}

/// What a save found and did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Written. `previous` is what the service had just before (for undo).
    Saved { previous: Vec<CorsRule> },
    /// Someone changed the rules since `expected` was read; nothing was written.
    Changed { current: Vec<CorsRule> },
}

/// Replaces the Blob service's CORS rules and nothing else. Invalid rules are
/// refused before any request. With `expected`, the rules on the service must
/// still be those (the ones the editor started from), or nothing is written
/// and the current rules come back to show the user.
pub async fn save_cors(
    client: &StorageClient,
    rules: &[CorsRule],
    expected: Option<&[CorsRule]>,
) -> OpResult<SaveOutcome> {
    check_rules(rules).map_err(OpError::Invalid)?;
    check_reach(client.account())?;
    let xml = get_properties_xml(client).await?;
    let current = parse_cors(&xml).map_err(OpError::Failed)?;
    if let Some(expected) = expected
        && expected != current.as_slice()
    {
        return Ok(SaveOutcome::Changed { current });
    }
    let body = replace_cors(&xml, rules).map_err(OpError::Failed)?;
    let mut request = Request::new(properties_url(client), Method::Put);
    request.insert_header("content-type", "application/xml");
    request.insert_header("content-length", body.len().to_string());
    request.set_body(bytes::Bytes::from(body));
    client.send_request(request).await?;
    tracing::info!(
        account = %client.account().label,
        before = current.len(),
        after = rules.len(),
        "saved Blob service CORS rules"
    );
    Ok(SaveOutcome::Saved { previous: current })
}

// ---------------------------------------------------------------------------
// Preflight

/// What a browser would ask before a cross-origin request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreflightRequest {
    pub origin: String,
    /// Access-Control-Request-Method.
    pub method: String,
    /// Access-Control-Request-Headers.
    pub headers: Vec<String>,
}

impl PreflightRequest {
    /// A browser sends one concrete origin, a method and header names.
    pub fn check(&self) -> Result<(), String> {
        if self.origin == "*" {
            return Err(
                "a browser sends one concrete origin, not *; e.g. https://app.example.com".into(),
            );
        }
        check_origin(&self.origin).map_err(|e| format!("origin: {e}"))?;
        if self.method.is_empty() || !self.method.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(format!("{:?} is not an HTTP method", self.method));
        }
        for h in &self.headers {
            if h.contains('*') {
                return Err(format!(
                    "request header {h:?}: a browser names each header, without *"
                ));
            }
            check_header(h).map_err(|e| format!("request headers: {e}"))?;
        }
        Ok(())
    }
}

/// What the service answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreflightAnswer {
    pub status: u16,
    /// A browser would go ahead: 2xx and Access-Control-Allow-Origin granting the origin.
    pub allowed: bool,
    pub allow_origin: Option<String>,
    pub allow_methods: Option<String>,
    pub allow_headers: Option<String>,
    pub max_age: Option<String>,
    pub error_code: Option<String>,
    /// The first line of the service's error message.
    pub message: Option<String>,
}

impl PreflightAnswer {
    pub fn describe(&self) -> String {
        if self.allowed {
            let mut parts = vec![format!("allowed ({})", self.status)];
            for (name, v) in [
                ("Allow-Origin", &self.allow_origin),
                ("Allow-Methods", &self.allow_methods),
                ("Allow-Headers", &self.allow_headers),
                ("Max-Age", &self.max_age),
            ] {
                if let Some(v) = v {
                    parts.push(format!("{name}: {v}"));
                }
            }
            parts.join(" · ")
        } else {
            let mut s = format!("refused ({}", self.status);
            if let Some(c) = &self.error_code {
                s.push_str(&format!(" {c}"));
            }
            s.push(')');
            if let Some(m) = &self.message {
                s.push_str(&format!(": {m}"));
            }
            s
        }
    }
}

/// How the rules read, in the order the service evaluates them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Rule `rule` (0-based) matches origin and method and allows the headers.
    Allowed { rule: usize },
    /// Rule `rule` matches origin and method but not these headers; the
    /// service stops at that rule, so the request is refused.
    HeadersRefused { rule: usize, headers: Vec<String> },
    /// No rule matches origin and method; why not, rule by rule.
    NoMatch { reasons: Vec<String> },
}

impl Verdict {
    pub fn allows(&self) -> bool {
        matches!(self, Verdict::Allowed { .. })
    }

    /// The rule that decided, 0-based.
    pub fn rule(&self) -> Option<usize> {
        match self {
            Verdict::Allowed { rule } | Verdict::HeadersRefused { rule, .. } => Some(*rule),
            Verdict::NoMatch { .. } => None,
        }
    }

    pub fn explain(&self, request: &PreflightRequest) -> String {
        match self {
            Verdict::Allowed { rule } => format!(
                "rule {} matches origin {} and method {}{}",
                rule + 1,
                request.origin,
                request.method,
                if request.headers.is_empty() {
                    String::new()
                } else {
                    " and allows the requested headers".to_string()
                }
            ),
            Verdict::HeadersRefused { rule, headers } => format!(
                "rule {} matches origin and method but does not allow the header{} {}; the service stops at the first rule matching origin and method, so the browser is refused",
                rule + 1,
                if headers.len() == 1 { "" } else { "s" },
                headers.join(", ")
            ),
            Verdict::NoMatch { reasons } if reasons.is_empty() => {
                "there are no CORS rules, so every cross-origin request is refused".to_string()
            }
            Verdict::NoMatch { reasons } => format!(
                "no rule allows origin {} with method {}: {}",
                request.origin,
                request.method,
                reasons.join("; ")
            ),
        }
    }
}

fn header_allowed(header: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| match a.strip_suffix('*') {
        Some(prefix) => header
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase()),
        None => a.eq_ignore_ascii_case(header),
    })
}

/// Evaluates `request` against `rules` as the service documents it: the first
/// rule matching origin and method decides.
pub fn evaluate(rules: &[CorsRule], request: &PreflightRequest) -> Verdict {
    let mut reasons = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let origin_ok = r
            .allowed_origins
            .iter()
            .any(|o| o == "*" || o.eq_ignore_ascii_case(&request.origin));
        let method_ok = r
            .allowed_methods
            .iter()
            .any(|m| m.as_str().eq_ignore_ascii_case(&request.method));
        match (origin_ok, method_ok) {
            (true, true) => {
                let refused: Vec<String> = request
                    .headers
                    .iter()
                    .filter(|h| !header_allowed(h, &r.allowed_headers))
                    .cloned()
                    .collect();
                return if refused.is_empty() {
                    Verdict::Allowed { rule: i }
                } else {
                    Verdict::HeadersRefused {
                        rule: i,
                        headers: refused,
                    }
                };
            }
            (false, true) => reasons.push(format!("rule {} lists other origins", i + 1)),
            (true, false) => {
                reasons.push(format!("rule {} does not allow {}", i + 1, request.method))
            }
            (false, false) => {
                reasons.push(format!("rule {} lists other origins and methods", i + 1))
            }
        }
    }
    Verdict::NoMatch { reasons }
}

/// The service's `<Message>`, first line.
fn service_message(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Message>")? + "<Message>".len();
    let end = start + text[start..].find("</Message>")?;
    text[start..end].lines().next().map(str::to_string)
}

/// Sends the preflight a browser would send to the account's Blob endpoint.
/// Browsers send preflights without credentials, so this one has none either.
pub async fn send_preflight(
    account: &Account,
    request: &PreflightRequest,
) -> Result<PreflightAnswer, String> {
    request.check()?;
    let http = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|e| format!("cannot set up HTTP: {e}"))?;
    let mut r = http
        .request(reqwest::Method::OPTIONS, account.blob_endpoint.as_str())
        .header("origin", &request.origin)
        .header("access-control-request-method", &request.method);
    if !request.headers.is_empty() {
        r = r.header("access-control-request-headers", request.headers.join(","));
    }
    let response = r.send().await.map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        format!("The preflight to {} failed: {text}", account.host())
    })?;
    let status = response.status().as_u16();
    let get = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let allow_origin = get("access-control-allow-origin");
    let allow_methods = get("access-control-allow-methods");
    let mut answer = PreflightAnswer {
        status,
        allowed: false,
        allow_headers: get("access-control-allow-headers"),
        max_age: get("access-control-max-age"),
        error_code: get("x-ms-error-code"),
        message: None,
        allow_origin: allow_origin.clone(),
        allow_methods: allow_methods.clone(),
    };
    let origin_granted = allow_origin
        .as_deref()
        .is_some_and(|o| o == "*" || o == request.origin);
    let method_granted = allow_methods.as_deref().is_none_or(|m| {
        m.split(',')
            .any(|x| x.trim().eq_ignore_ascii_case(&request.method))
    });
    answer.allowed = (200..300).contains(&status) && origin_granted && method_granted;
    let body = response.bytes().await.unwrap_or_default();
    answer.message = service_message(&body);
    Ok(answer)
}

/// A preflight and how the rules on the service explain its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightReport {
    pub request: PreflightRequest,
    pub answer: PreflightAnswer,
    /// The rules as read just before the preflight.
    pub rules: Vec<CorsRule>,
    pub verdict: Verdict,
}

impl PreflightReport {
    /// The service and blobx's reading of the rules say the same.
    pub fn agrees(&self) -> bool {
        self.answer.allowed == self.verdict.allows()
    }

    pub fn headline(&self) -> String {
        if self.answer.allowed {
            format!(
                "✓ A browser at {} may send {} here.",
                self.request.origin, self.request.method
            )
        } else {
            format!(
                "✗ A browser at {} may not send {} here.",
                self.request.origin, self.request.method
            )
        }
    }
}

/// Reads the rules, sends the real preflight, and explains the answer.
pub async fn test_preflight(
    client: &StorageClient,
    request: &PreflightRequest,
) -> OpResult<PreflightReport> {
    request.check().map_err(OpError::Invalid)?;
    let rules = get_cors(client).await?;
    let answer = send_preflight(client.account(), request)
        .await
        .map_err(OpError::Failed)?;
    let verdict = evaluate(&rules, request);
    Ok(PreflightReport {
        request: request.clone(),
        answer,
        rules,
        verdict,
    })
}

// ---------------------------------------------------------------------------
// Presets

/// Rules for a web app that uploads straight from the browser, as hosted ML
/// platforms document them: anyone may read (GET, OPTIONS), the app's origin
/// may also write (POST, PUT).
pub fn preset_browser_uploads(app_origin: &str) -> Result<Vec<CorsRule>, String> {
    let origin = app_origin.trim().trim_end_matches('/');
    if origin == "*" {
        return Err("give the web app's own origin, e.g. https://ml.example.com".into());
    }
    check_origin(origin)?;
    let allowed = ["content-type", "x-ms-*"];
    let exposed = ["x-ms-meta-*"];
    Ok(vec![
        CorsRule::new(
            &["*"],
            &[CorsMethod::Get, CorsMethod::Options],
            &allowed,
            &exposed,
            3000,
        ),
        CorsRule::new(
            &[origin],
            &[CorsMethod::Post, CorsMethod::Put],
            &allowed,
            &exposed,
            3000,
        ),
    ])
}

/// One rule for apps served by local development servers.
pub fn preset_local_development() -> Vec<CorsRule> {
    vec![CorsRule::new(
        &[
            "http://localhost:3000",
            "http://localhost:5173",
            "http://localhost:8080",
            "http://127.0.0.1:3000",
            "http://127.0.0.1:5173",
            "http://127.0.0.1:8080",
        ],
        &[
            CorsMethod::Delete,
            CorsMethod::Get,
            CorsMethod::Head,
            CorsMethod::Post,
            CorsMethod::Options,
            CorsMethod::Put,
        ],
        &["*"],
        &["*"],
        600,
    )]
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn upload_rule() -> CorsRule {
        CorsRule::new(
            &["https://app.example.com"],
            &[CorsMethod::Put, CorsMethod::Get],
            &["content-type", "x-ms-*"],
            &["x-ms-meta-*"],
            3000,
        )
    }

    const PROPS: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageServiceProperties><Logging><Version>1.0</Version><Read>true</Read><Write>false</Write><Delete>true</Delete><RetentionPolicy><Enabled>true</Enabled><Days>7</Days></RetentionPolicy></Logging><HourMetrics><Version>1.0</Version><Enabled>false</Enabled><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></HourMetrics><MinuteMetrics><Version>1.0</Version><Enabled>false</Enabled><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></MinuteMetrics><Cors><CorsRule><AllowedOrigins>https://a.example.com,https://b.example.com</AllowedOrigins><AllowedMethods>get,PUT</AllowedMethods><MaxAgeInSeconds>60</MaxAgeInSeconds><ExposedHeaders /><AllowedHeaders>x-ms-meta-*</AllowedHeaders></CorsRule></Cors><DefaultServiceVersion>2020-02-10</DefaultServiceVersion><DeleteRetentionPolicy><Enabled>true</Enabled><Days>5</Days></DeleteRetentionPolicy><StaticWebsite><Enabled>false</Enabled></StaticWebsite></StorageServiceProperties>";

    #[test]
    fn parses_rules_from_service_properties() {
        let rules = parse_cors(PROPS).unwrap();
        assert_eq!(
            rules,
            vec![CorsRule::new(
                &["https://a.example.com", "https://b.example.com"],
                &[CorsMethod::Get, CorsMethod::Put],
                &["x-ms-meta-*"],
                &[],
                60
            )]
        );
        assert!(
            parse_cors("<StorageServiceProperties><Cors /></StorageServiceProperties>")
                .unwrap()
                .is_empty()
        );
        assert!(
            parse_cors("<StorageServiceProperties/>")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn replacing_cors_keeps_every_other_byte() {
        let rules = vec![upload_rule()];
        let out = replace_cors(PROPS, &rules).unwrap();
        let span = element_span(PROPS, "Cors").unwrap();
        let stripped = PROPS.trim_start_matches('\u{feff}');
        let s2 = element_span(stripped, "Cors").unwrap();
        assert_eq!(&out[..s2.start], &stripped[..s2.start]);
        assert!(out.ends_with(&PROPS[span.end..]));
        assert_eq!(parse_cors(&out).unwrap(), rules);
        // Clearing writes an empty element, still in place.
        let cleared = replace_cors(&out, &[]).unwrap();
        assert!(cleared.contains("</MinuteMetrics><Cors /><DefaultServiceVersion>"));
        assert!(parse_cors(&cleared).unwrap().is_empty());
    }

    #[test]
    fn cors_is_inserted_where_the_schema_puts_it() {
        let xml = "<?xml version=\"1.0\"?><StorageServiceProperties><Logging><Read>true</Read></Logging><HourMetrics/><DefaultServiceVersion>x</DefaultServiceVersion></StorageServiceProperties>";
        let out = replace_cors(xml, &[upload_rule()]).unwrap();
        assert!(out.contains("<HourMetrics/><Cors><CorsRule>"), "{out}");
        assert!(out.ends_with(
            "<DefaultServiceVersion>x</DefaultServiceVersion></StorageServiceProperties>"
        ));
        let bare = "<StorageServiceProperties><DefaultServiceVersion>x</DefaultServiceVersion></StorageServiceProperties>";
        let out = replace_cors(bare, &[upload_rule()]).unwrap();
        assert!(out.starts_with("<StorageServiceProperties><Cors>"), "{out}");
        let empty = replace_cors("<StorageServiceProperties />", &[]).unwrap();
        assert_eq!(
            empty,
            "<StorageServiceProperties><Cors /></StorageServiceProperties>"
        );
        assert!(replace_cors("<Other/>", &[]).is_err());
    }

    #[test]
    fn xml_escapes_values() {
        let mut r = upload_rule();
        r.allowed_headers = vec!["a&b".into()];
        assert!(cors_xml(&[r]).contains("<AllowedHeaders>a&amp;b</AllowedHeaders>"));
    }

    #[test]
    fn origins_are_checked_in_words() {
        for ok in [
            "*",
            "https://app.example.com",
            "http://localhost:3000",
            "http://127.0.0.1:10000",
            "https://[::1]:8443",
        ] {
            assert_eq!(check_origin(ok), Ok(()), "{ok}");
        }
        let bad = |o: &str, needle: &str| {
            let e = check_origin(o).unwrap_err();
            assert!(e.contains(needle), "{o}: {e}");
        };
        bad("https://app.example.com/upload", "has a path");
        bad("https://app.example.com/", "ends with /");
        bad("app.example.com", "not an origin");
        bad("https://*.example.com", "partial wildcard");
        bad("https://App.Example.com", "lower case");
        bad("https://user@app.example.com", "user name");
        bad("https://", "no host");
        bad("https://app.example.com:99999", "not an origin");
        bad(&format!("https://{}.com", "a".repeat(260)), "at most 256");
        assert!(check_origins(&[]).is_err());
        assert!(
            check_origins(&["*".into(), "https://a.com".into()])
                .unwrap_err()
                .contains("every origin")
        );
    }

    #[test]
    fn headers_and_their_limits() {
        assert!(
            check_headers(
                &["x-ms-meta-*".into(), "content-type".into()],
                "allowed headers"
            )
            .is_ok()
        );
        assert!(check_headers(&["*".into()], "allowed headers").is_ok());
        let three: Vec<String> = ["a-*", "b-*", "c-*"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(
            check_headers(&three, "exposed headers")
                .unwrap_err()
                .contains("3 prefixed")
        );
        let many: Vec<String> = (0..65).map(|i| format!("x-h-{i}")).collect();
        assert!(
            check_headers(&many, "allowed headers")
                .unwrap_err()
                .contains("65 literal")
        );
        assert!(check_header("x-*-y").unwrap_err().contains("may only end"));
        assert!(
            check_header("bad header")
                .unwrap_err()
                .contains("cannot contain")
        );
    }

    #[test]
    fn max_age_in_words() {
        assert_eq!(parse_max_age(" 3000 "), Ok(3000));
        assert!(parse_max_age("-5").unwrap_err().contains("negative"));
        assert!(parse_max_age("soon").unwrap_err().contains("whole number"));
        assert!(parse_max_age("1.5").unwrap_err().contains("whole number"));
        assert!(parse_max_age("").unwrap_err().contains("empty"));
        assert!(
            parse_max_age("99999999999")
                .unwrap_err()
                .contains("at most")
        );
    }

    #[test]
    fn set_limits() {
        let six = vec![upload_rule(); 6];
        assert!(check_rules(&six).unwrap_err().contains("at most 5"));
        let mut big = upload_rule();
        big.allowed_origins = (0..64)
            .map(|i| format!("https://application-{i:02}.example.com"))
            .collect();
        let e = check_rules(&[big]).unwrap_err();
        assert!(e.contains("2 KiB"), "{e}");
        let mut no_methods = upload_rule();
        no_methods.allowed_methods.clear();
        assert!(
            check_rules(&[no_methods])
                .unwrap_err()
                .starts_with("rule 1: ")
        );
    }

    #[test]
    fn evaluation_follows_the_first_rule_matching_origin_and_method() {
        let rules = preset_browser_uploads("https://app.example.com").unwrap();
        let req = |origin: &str, method: &str, headers: &[&str]| PreflightRequest {
            origin: origin.into(),
            method: method.into(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(
            evaluate(
                &rules,
                &req("https://app.example.com", "PUT", &["x-ms-blob-type"])
            ),
            Verdict::Allowed { rule: 1 }
        );
        assert_eq!(
            evaluate(&rules, &req("https://other.example.com", "GET", &[])),
            Verdict::Allowed { rule: 0 }
        );
        let v = evaluate(&rules, &req("https://other.example.com", "PUT", &[]));
        assert!(!v.allows());
        assert!(
            v.explain(&req("https://other.example.com", "PUT", &[]))
                .contains("rule 2 lists other origins")
        );
        // The first match decides even when its headers fail.
        let v = evaluate(
            &rules,
            &req("https://app.example.com", "GET", &["authorization"]),
        );
        assert_eq!(
            v,
            Verdict::HeadersRefused {
                rule: 0,
                headers: vec!["authorization".into()]
            }
        );
        assert!(
            evaluate(&[], &req("https://a.com", "GET", &[]))
                .explain(&req("https://a.com", "GET", &[]))
                .contains("no CORS rules")
        );
    }

    #[test]
    fn diff_marks_removed_and_added_rules() {
        let a = upload_rule();
        let mut b = upload_rule();
        b.max_age_seconds = 10;
        let local = preset_local_development().remove(0);
        let lines = diff(&[a.clone(), local.clone()], &[b.clone(), local.clone()]);
        assert_eq!(
            lines,
            vec![
                DiffLine::Removed(1, a.summary()),
                DiffLine::Added(1, b.summary()),
                DiffLine::Same(2, local.summary()),
            ]
        );
        assert!(diff_text(&[], &[a]).starts_with("+ 1. origins https://app.example.com"));
    }

    #[test]
    fn json_round_trip_and_errors_in_words() {
        let rules = preset_browser_uploads("https://ml.example.com").unwrap();
        let text = to_json(Some("acct"), &rules);
        assert_eq!(
            parse_json(&text).unwrap(),
            (Some("acct".into()), rules.clone())
        );
        // A bare list and comma-separated text work too; methods in any case.
        let (_, r) = parse_json(
            r#"[{"allowed_origins":"https://a.com, https://b.com","allowed_methods":["get","Put"],"max_age_seconds":"60"}]"#,
        )
        .unwrap();
        assert_eq!(r[0].allowed_origins.len(), 2);
        assert_eq!(r[0].methods_text(), "GET,PUT");
        let err = |text: &str, needle: &str| {
            let e = parse_json(text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        };
        let rule = r#"{"allowed_origins":["https://a.com"],"allowed_methods":["GET"]}"#;
        err(
            &format!("{{\"rules\":[{}]}}", [rule; 6].join(",")),
            "at most 5",
        );
        err(
            r#"{"rules":[{"allowed_origins":["https://a.com/x"],"allowed_methods":["GET"]}]}"#,
            "rule 1: \"https://a.com/x\" has a path",
        );
        err(
            r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["FETCH"]}]}"#,
            "\"FETCH\" is not a method",
        );
        err(
            r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["GET"],"max_age_seconds":-1}]}"#,
            "cannot be negative",
        );
        err(
            r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["GET"],"max_age_seconds":"soon"}]}"#,
            "whole number",
        );
        err(
            r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["GET"],"max_age_seconds":2.5}]}"#,
            "whole number",
        );
        err(
            r#"{"rules":[{"allowed_origin":["https://a.com"]}]}"#,
            "unknown field \"allowed_origin\"",
        );
        err(r#"{"rulez":[]}"#, "unknown field");
        err("nope", "not valid JSON");
    }

    #[test]
    fn presets() {
        let r = preset_browser_uploads("https://ml.example.com/").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].allowed_origins, vec!["*"]);
        assert_eq!(r[0].methods_text(), "GET,OPTIONS");
        assert_eq!(r[1].allowed_origins, vec!["https://ml.example.com"]);
        assert_eq!(r[1].methods_text(), "POST,PUT");
        assert_eq!(r[1].allowed_headers, vec!["content-type", "x-ms-*"]);
        assert_eq!(r[1].exposed_headers, vec!["x-ms-meta-*"]);
        assert_eq!(r[1].max_age_seconds, 3000);
        assert!(check_rules(&r).is_ok());
        assert!(preset_browser_uploads("*").is_err());
        assert!(preset_browser_uploads("ml.example.com").is_err());
        assert!(check_rules(&preset_local_development()).is_ok());
    }

    #[test]
    fn preflight_request_is_checked() {
        let mut r = PreflightRequest {
            origin: "https://a.com".into(),
            method: "PUT".into(),
            headers: vec!["x-ms-blob-type".into()],
        };
        assert!(r.check().is_ok());
        r.origin = "*".into();
        assert!(r.check().is_err());
        r.origin = "https://a.com".into();
        r.headers = vec!["x-ms-*".into()];
        assert!(r.check().is_err());
    }
}
