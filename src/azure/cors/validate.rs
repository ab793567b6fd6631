//! Checks of origins, headers, max age and whole rule sets, in words.

use super::model::*;
use azure_core::http::Url;

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
