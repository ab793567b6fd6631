//! Parsers for every documented way to name an account: connection strings,
//! SAS URLs and tokens, and account keys. Each mistake gets a sentence that
//! names what is wrong; nothing here panics on any input.

use super::account::{EMULATOR_ACCOUNT, EMULATOR_HOST, EMULATOR_KEY};
use super::secret::Secret;
use azure_core::http::Url;
use base64::Engine;
use std::collections::BTreeMap;

/// What a SAS token allows, read from its query parameters (the signature is not checked here).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SasInfo {
    /// `sp`: permission letters, e.g. `rl`.
    pub permissions: String,
    /// `se`, unix seconds.
    pub expiry: Option<i64>,
    /// `st`, unix seconds.
    pub start: Option<i64>,
    /// `sr` (`c` container, `b` blob, …) for a service SAS; `None` for an account SAS.
    pub resource: Option<String>,
    /// `si`: bound to a stored access policy.
    pub policy: Option<String>,
}

impl SasInfo {
    pub fn allows(&self, letter: char) -> bool {
        // A policy-bound SAS may carry its permissions in the policy instead.
        self.policy.is_some() && self.permissions.is_empty() || self.permissions.contains(letter)
    }
}

/// How requests are authorised, before it becomes a live credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    Key(Secret),
    Sas { token: Secret, info: SasInfo },
    Anonymous,
}

/// An account as a user described it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAccount {
    pub name: String,
    /// Blob service endpoint without query (no secret in it).
    pub blob_endpoint: Url,
    pub credential: Credential,
    /// Set when the SAS reaches only one container.
    pub container: Option<String>,
    pub is_emulator: bool,
}

pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Checks that an account key is base64 of the right kind (Azure keys are 64 bytes).
pub fn validate_key(key: &str) -> Result<(), String> {
    let key = key.trim();
    if key.is_empty() {
        return Err("the account key is empty".into());
    }
    match base64::engine::general_purpose::STANDARD.decode(key) {
        Ok(bytes) if bytes.is_empty() => Err("the account key is empty".into()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("the account key is not valid base64 ({e})")),
    }
}

/// `acct` from `https://acct.blob.core.windows.net`, or the first path segment
/// of a path-style endpoint such as the emulator's `http://127.0.0.1:10000/acct`.
pub fn account_from_url(url: &Url) -> Option<(String, bool)> {
    let host = url.host_str()?;
    let path_style = host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok()
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok();
    if path_style {
        let first = url.path_segments()?.find(|s| !s.is_empty())?;
        Some((first.to_string(), true))
    } else {
        let label = host.split('.').next()?;
        (!label.is_empty()).then(|| (label.to_string(), false))
    }
}

fn parse_time(value: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(value, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    // SAS allows a date alone, and minutes without seconds.
    let date_only = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(value, &date_only) {
        return Some(d.midnight().assume_utc().unix_timestamp());
    }
    let no_seconds = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    time::PrimitiveDateTime::parse(value, &no_seconds)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

pub fn format_time(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// Reads a SAS token (with or without the leading `?`). `now` decides expiry.
pub fn parse_sas_token(token: &str, now: i64) -> Result<(Secret, SasInfo), String> {
    let token = token.trim().trim_start_matches('?');
    if token.is_empty() {
        return Err("the SAS token is empty".into());
    }
    let mut params = BTreeMap::new();
    for (k, v) in url::form_urlencoded::parse(token.as_bytes()) {
        params.insert(k.to_string(), v.to_string());
    }
    if !params.contains_key("sig") {
        return Err("the SAS has no signature (sig=…); copy the whole token".into());
    }
    if !params.contains_key("sv") {
        return Err("the SAS has no version (sv=…); copy the whole token".into());
    }
    let expiry = match params.get("se") {
        Some(se) => {
            Some(parse_time(se).ok_or_else(|| format!("the SAS expiry se={se} is not a date"))?)
        }
        None if params.contains_key("si") => None,
        None => return Err("the SAS has no expiry (se=…)".into()),
    };
    let start = match params.get("st") {
        Some(st) => {
            Some(parse_time(st).ok_or_else(|| format!("the SAS start st={st} is not a date"))?)
        }
        None => None,
    };
    if let Some(se) = expiry
        && se <= now
    {
        return Err(format!("the SAS expired on {}", format_time(se)));
    }
    if let Some(services) = params.get("ss")
        && !services.contains('b')
    {
        return Err(format!(
            "this account SAS does not cover the Blob service (ss={services})"
        ));
    }
    let info = SasInfo {
        permissions: params.get("sp").cloned().unwrap_or_default(),
        expiry,
        start,
        resource: params.get("sr").cloned(),
        policy: params.get("si").cloned(),
    };
    Ok((Secret::new(token), info))
}

/// Reads a SAS URL: account-level (`https://acct.blob.core.windows.net/?sv=…`)
/// or container-level (`…/container?sv=…&sr=c`).
pub fn parse_sas_url(input: &str, now: i64) -> Result<ParsedAccount, String> {
    let input = input.trim();
    let url = Url::parse(input).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "a SAS URL starts with https:// (got {}://)",
            url.scheme()
        ));
    }
    let query = url.query().unwrap_or("");
    if query.is_empty() {
        return Err("the URL has no SAS token after `?`".into());
    }
    let (token, info) = parse_sas_token(query, now)?;
    let (name, path_style) = account_from_url(&url)
        .ok_or_else(|| "cannot tell the account name from the URL".to_string())?;
    let mut segments: Vec<String> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    if path_style && !segments.is_empty() {
        segments.remove(0);
    }
    let container = segments.first().cloned();
    if segments.len() > 1 {
        return Err("this is a SAS for a single blob; attach a container or account SAS".into());
    }
    if info.resource.as_deref() == Some("b") {
        return Err("this is a SAS for a single blob; attach a container or account SAS".into());
    }
    let mut endpoint = url.clone();
    endpoint.set_query(None);
    endpoint.set_fragment(None);
    endpoint.set_path(if path_style { &name } else { "" });
    let endpoint =
        Url::parse(endpoint.as_str().trim_end_matches('/')).map_err(|e| e.to_string())?;
    Ok(ParsedAccount {
        is_emulator: path_style && name == EMULATOR_ACCOUNT,
        name,
        blob_endpoint: endpoint,
        credential: Credential::Sas { token, info },
        container,
    })
}

/// Reads a connection string in any documented form.
pub fn parse_connection_string(input: &str, now: i64) -> Result<ParsedAccount, String> {
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    for part in input
        .trim()
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not Key=Value"))?;
        let key = k.trim();
        if key.is_empty() {
            return Err(format!("{part:?} has no key name"));
        }
        // Match keys case-insensitively, as the SDKs do.
        if fields
            .insert(key.to_ascii_lowercase(), v.trim().to_string())
            .is_some()
        {
            return Err(format!("{key} appears twice"));
        }
    }
    if fields.is_empty() {
        return Err("the connection string is empty".into());
    }
    let get = |k: &str| fields.get(k).map(String::as_str).filter(|v| !v.is_empty());

    if let Some(v) = get("usedevelopmentstorage") {
        if !v.eq_ignore_ascii_case("true") {
            return Err(format!(
                "UseDevelopmentStorage={v}: only `true` is meaningful"
            ));
        }
        let host = get("developmentstorageproxyuri")
            .map(|p| {
                let u = Url::parse(p)
                    .map_err(|e| format!("DevelopmentStorageProxyUri is not a URL: {e}"))?;
                Ok::<_, String>(format!(
                    "{}://{}:10000",
                    u.scheme(),
                    u.host_str().unwrap_or("127.0.0.1")
                ))
            })
            .transpose()?
            .unwrap_or_else(|| EMULATOR_HOST.to_string());
        let endpoint =
            Url::parse(&format!("{host}/{EMULATOR_ACCOUNT}")).map_err(|e| e.to_string())?;
        return Ok(ParsedAccount {
            name: EMULATOR_ACCOUNT.into(),
            blob_endpoint: endpoint,
            credential: Credential::Key(Secret::new(EMULATOR_KEY)),
            container: None,
            is_emulator: true,
        });
    }

    let blob_endpoint = get("blobendpoint")
        .map(|e| {
            let url = Url::parse(e).map_err(|err| format!("BlobEndpoint is not a URL: {err}"))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(format!("BlobEndpoint must start with https:// (got {e})"));
            }
            Url::parse(url.as_str().trim_end_matches('/')).map_err(|err| err.to_string())
        })
        .transpose()?;
    let name = match (get("accountname"), &blob_endpoint) {
        (Some(n), _) => n.to_string(),
        (None, Some(url)) => account_from_url(url)
            .map(|(n, _)| n)
            .ok_or("AccountName is missing and BlobEndpoint does not name the account")?,
        (None, None) => return Err("AccountName is missing".into()),
    };
    let blob_endpoint = match blob_endpoint {
        Some(url) => url,
        None => {
            let protocol = get("defaultendpointsprotocol").unwrap_or("https");
            if !matches!(protocol, "http" | "https") {
                return Err(format!(
                    "DefaultEndpointsProtocol={protocol}: use https or http"
                ));
            }
            let suffix = get("endpointsuffix").unwrap_or("core.windows.net");
            Url::parse(&format!("{protocol}://{name}.blob.{suffix}")).map_err(|e| {
                format!("cannot build the endpoint from AccountName and EndpointSuffix: {e}")
            })?
        }
    };
    let credential = match (get("accountkey"), get("sharedaccesssignature")) {
        (Some(_), Some(_)) => {
            return Err("give AccountKey or SharedAccessSignature, not both".into());
        }
        (Some(key), None) => {
            validate_key(key)?;
            Credential::Key(Secret::new(key))
        }
        (None, Some(sas)) => {
            let (token, info) = parse_sas_token(sas, now)?;
            // A connection string cannot say which container a service SAS
            // is for; every account-level request would be refused.
            if let Some(sr) = info.resource.as_deref() {
                return Err(format!(
                    "this SAS reaches one {} (sr={sr}), which a connection string cannot name; paste its SAS URL instead (https://ACCOUNT.blob.core.windows.net/CONTAINER?sv=…)",
                    if sr == "c" { "container" } else { "blob" }
                ));
            }
            Credential::Sas { token, info }
        }
        (None, None) => {
            return Err("AccountKey or SharedAccessSignature is missing".into());
        }
    };
    let is_emulator = name == EMULATOR_ACCOUNT
        && account_from_url(&blob_endpoint).is_some_and(|(_, path_style)| path_style);
    Ok(ParsedAccount {
        name,
        blob_endpoint,
        credential,
        container: None,
        is_emulator,
    })
}

/// Name + key (+ optional endpoint for sovereign clouds, private endpoints, the emulator).
pub fn parse_name_and_key(
    name: &str,
    key: &str,
    endpoint: Option<&str>,
) -> Result<ParsedAccount, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the account name is empty".into());
    }
    if !(3..=24).contains(&name.len())
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return Err("an account name is 3-24 lower-case letters and digits".into());
    }
    validate_key(key)?;
    let blob_endpoint = match endpoint.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => {
            let url = Url::parse(e).map_err(|err| format!("the endpoint is not a URL: {err}"))?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err("the endpoint must start with https://".into());
            }
            Url::parse(url.as_str().trim_end_matches('/')).map_err(|err| err.to_string())?
        }
        None => Url::parse(&format!("https://{name}.blob.core.windows.net"))
            .map_err(|e| e.to_string())?,
    };
    let is_emulator = name == EMULATOR_ACCOUNT
        && account_from_url(&blob_endpoint).is_some_and(|(_, path_style)| path_style);
    Ok(ParsedAccount {
        name: name.to_string(),
        blob_endpoint,
        credential: Credential::Key(Secret::new(key.trim())),
        container: None,
        is_emulator,
    })
}

/// Tells a pasted connection string from a SAS URL, for the attach form.
pub fn parse_any(input: &str, now: i64) -> Result<ParsedAccount, String> {
    let t = input.trim();
    if t.starts_with("http://") || t.starts_with("https://") {
        parse_sas_url(t, now)
    } else {
        parse_connection_string(t, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_418_465; // 2026-11-23 07:21 UTC
    const KEY: &str = EMULATOR_KEY;

    fn sas(extra: &str) -> String {
        format!("sv=2022-11-02&se=2027-01-01T00:00:00Z&sp=rl{extra}&sig=abc%2Bdef%3D")
    }

    #[test]
    fn connection_string_forms() {
        let p = parse_connection_string(
            &format!("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={KEY};EndpointSuffix=core.chinacloudapi.cn"),
            NOW,
        )
        .unwrap();
        assert_eq!(p.name, "acct");
        assert_eq!(
            p.blob_endpoint.as_str(),
            "https://acct.blob.core.chinacloudapi.cn/"
        );
        assert!(matches!(p.credential, Credential::Key(_)));
        assert!(!p.is_emulator);

        let p = parse_connection_string(
            &format!("AccountName=acct;AccountKey={KEY};BlobEndpoint=https://acct.privatelink.blob.core.windows.net/"),
            NOW,
        )
        .unwrap();
        assert_eq!(
            p.blob_endpoint.as_str(),
            "https://acct.privatelink.blob.core.windows.net/"
        );

        let p = parse_connection_string(
            &format!(
                "BlobEndpoint=https://acct.blob.core.windows.net;SharedAccessSignature={}",
                sas("")
            ),
            NOW,
        )
        .unwrap();
        assert_eq!(p.name, "acct");
        match &p.credential {
            Credential::Sas { info, .. } => assert_eq!(info.permissions, "rl"),
            other => panic!("{other:?}"),
        }

        let p = parse_connection_string("UseDevelopmentStorage=true", NOW).unwrap();
        assert!(p.is_emulator);
        assert_eq!(
            p.blob_endpoint.as_str(),
            "http://127.0.0.1:10000/devstoreaccount1"
        );

        let p = parse_connection_string(
            &format!("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"),
            NOW,
        )
        .unwrap();
        assert!(p.is_emulator);
    }

    #[test]
    fn malformed_connection_strings_say_what_is_wrong() {
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            (
                "AccountName=acct",
                "AccountKey or SharedAccessSignature is missing",
            ),
            ("AccountKey=abcd", "AccountName is missing"),
            ("AccountName=a;AccountKey=not base64!!", "not valid base64"),
            (
                "AccountName=a;AccountKey=",
                "AccountKey or SharedAccessSignature is missing",
            ),
            (
                "AccountName=a;AccountName=b;AccountKey=abcd",
                "appears twice",
            ),
            ("justtext", "is not Key=Value"),
            ("=x", "no key name"),
            (
                "AccountName=a;AccountKey=abcd;DefaultEndpointsProtocol=ftp",
                "use https or http",
            ),
            (
                "BlobEndpoint=not a url;AccountKey=abcd",
                "BlobEndpoint is not a URL",
            ),
            ("UseDevelopmentStorage=false", "only `true`"),
            (
                "AccountName=a;AccountKey=abcd;SharedAccessSignature=sv=1&sig=x&se=2030-01-01",
                "not both",
            ),
            (
                "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&se=2030-01-01",
                "no signature",
            ),
            (
                "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sig=x&se=2020-01-01",
                "expired on 2020-01-01",
            ),
            (
                "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=1&sr=c&sp=rl&sig=x&se=2030-01-01",
                "paste its SAS URL instead",
            ),
        ];
        for (input, expected) in cases {
            let err = parse_connection_string(input, NOW).unwrap_err();
            assert!(
                err.contains(expected),
                "{input:?} gave {err:?}, expected {expected:?}"
            );
        }
    }

    #[test]
    fn sas_urls() {
        let p = parse_sas_url(
            &format!("https://acct.blob.core.windows.net/data?{}&sr=c", sas("")),
            NOW,
        )
        .unwrap();
        assert_eq!(p.name, "acct");
        assert_eq!(p.container.as_deref(), Some("data"));
        assert_eq!(
            p.blob_endpoint.as_str(),
            "https://acct.blob.core.windows.net/"
        );
        assert!(
            !p.blob_endpoint.as_str().contains("sig"),
            "no secret in the endpoint"
        );

        let p = parse_sas_url(
            &format!(
                "https://acct.blob.core.windows.net/?{}&ss=b&srt=sco",
                sas("")
            ),
            NOW,
        )
        .unwrap();
        assert_eq!(p.container, None);

        let p = parse_sas_url(
            &format!(
                "http://127.0.0.1:10000/devstoreaccount1/data?{}&sr=c",
                sas("")
            ),
            NOW,
        )
        .unwrap();
        assert_eq!(p.name, "devstoreaccount1");
        assert_eq!(p.container.as_deref(), Some("data"));
        assert_eq!(
            p.blob_endpoint.as_str(),
            "http://127.0.0.1:10000/devstoreaccount1"
        );
        assert!(p.is_emulator);
    }

    #[test]
    fn malformed_sas_urls_say_what_is_wrong() {
        let cases: Vec<(String, &str)> = vec![
            (
                "https://acct.blob.core.windows.net/data".into(),
                "no SAS token",
            ),
            ("ftp://x/y?sig=1".into(), "starts with https://"),
            ("::::".into(), "not a URL"),
            (
                format!(
                    "https://a.blob.core.windows.net/c/blob.txt?{}&sr=b",
                    sas("")
                ),
                "single blob",
            ),
            (
                "https://a.blob.core.windows.net/c?sv=1&sig=x&se=2020-05-01T00:00:00Z".into(),
                "expired on 2020-05-01",
            ),
            (
                "https://a.blob.core.windows.net/c?sv=1&sig=x&se=tomorrow".into(),
                "not a date",
            ),
            (
                "https://a.blob.core.windows.net/c?sv=1&sig=x".into(),
                "no expiry",
            ),
            (
                "https://a.blob.core.windows.net/?sv=1&sig=x&se=2030-01-01&ss=q".into(),
                "Blob service",
            ),
        ];
        for (input, expected) in cases {
            let err = parse_sas_url(&input, NOW).unwrap_err();
            assert!(
                err.contains(expected),
                "{input:?} gave {err:?}, expected {expected:?}"
            );
        }
    }

    #[test]
    fn name_and_key() {
        let p = parse_name_and_key("acct", KEY, None).unwrap();
        assert_eq!(
            p.blob_endpoint.as_str(),
            "https://acct.blob.core.windows.net/"
        );
        assert!(
            parse_name_and_key("", KEY, None)
                .unwrap_err()
                .contains("empty")
        );
        assert!(
            parse_name_and_key("Bad_Name", KEY, None)
                .unwrap_err()
                .contains("3-24")
        );
        assert!(
            parse_name_and_key("acct", "%%%", None)
                .unwrap_err()
                .contains("base64")
        );
        let p = parse_name_and_key(
            "devstoreaccount1",
            KEY,
            Some("http://127.0.0.1:10000/devstoreaccount1/"),
        )
        .unwrap();
        assert!(p.is_emulator);
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let p =
            parse_connection_string(&format!("AccountName=acct;AccountKey={KEY}"), NOW).unwrap();
        assert!(!format!("{p:?}").contains(KEY));
        let p = parse_sas_url(
            &format!("https://acct.blob.core.windows.net/data?{}", sas("")),
            NOW,
        )
        .unwrap();
        assert!(!format!("{p:?}").contains("abc"));
    }

    #[test]
    fn no_input_panics() {
        for input in [
            "",
            ";",
            ";;=;",
            "a=b=c",
            "https://",
            "http://[::1",
            "https://x?&&&",
            "\u{0}",
            "=;=",
            "AccountName=é;AccountKey==",
        ] {
            let _ = parse_any(input, NOW);
        }
    }
}
