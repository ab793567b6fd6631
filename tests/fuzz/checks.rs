//! The properties the fuzz targets check, shared with `tests/parsers_fuzz.rs`
//! so that every input kept in `regressions/` is replayed by a plain
//! `cargo test`. A broken property panics, which libFuzzer reports as a crash.

use blobx::azure::connection::{
    parse_any, parse_connection_string, parse_sas_token, parse_sas_url,
};
use blobx::azure::cors::{self, check_header, check_origin, parse_cors, parse_max_age};
use blobx::azure::uri::parse_az_uri;

/// A fixed clock, so a replayed input behaves as it did when found.
const NOW: i64 = 1_700_000_000;

/// Every refusal must say something a person can act on.
fn said<T>(input: &str, result: Result<T, String>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(!e.trim().is_empty(), "an empty error for {input:?}");
            None
        }
    }
}

/// The value of `key=` in a `;` or `&` separated list, if long enough to be
/// told apart from the rest of the input.
fn secret_value<'a>(input: &'a str, key: &str, sep: char) -> Option<&'a str> {
    let value = input
        .split(sep)
        .find_map(|part| part.trim().strip_prefix(key))?
        .trim();
    let rest = input.replacen(value, "", 1);
    (value.len() >= 8 && !rest.contains(value)).then_some(value)
}

pub fn connection_string(input: &str) {
    // Only the signature inside SharedAccessSignature= is secret (the same
    // letters elsewhere, say in a host name, are not).
    let sas = input
        .split(';')
        .find_map(|part| part.trim().strip_prefix("SharedAccessSignature="));
    // A value that also stands elsewhere in the input (say in the endpoint,
    // which is shown) cannot be told apart from it: not checked.
    let once = |v: &&str| input.matches(*v).count() == 1;
    let secrets = [
        secret_value(input, "AccountKey=", ';').filter(once),
        sas.and_then(|t| secret_value(t, "sig=", '&')).filter(once),
    ];
    for parsed in [
        said(input, parse_connection_string(input, NOW)),
        said(input, parse_any(input, NOW)),
    ]
    .into_iter()
    .flatten()
    {
        // Debug output of what was parsed never shows the key or signature.
        let debug = format!("{parsed:?}");
        for secret in secrets.iter().flatten() {
            assert!(!debug.contains(secret), "a secret shown in {debug}");
        }
    }
}

pub fn sas_url(input: &str) {
    // As a URL, the token is the query (after the first `?`, before `#`).
    if let Some(parsed) = said(input, parse_sas_url(input, NOW)) {
        let query = input
            .split_once('?')
            .map(|(_, q)| q.split('#').next().unwrap_or(""));
        if let Some(sig) = query
            .and_then(|q| secret_value(q, "sig=", '&'))
            .filter(|v| input.matches(*v).count() == 1)
        {
            let debug = format!("{parsed:?}");
            assert!(!debug.contains(sig), "signature shown in {debug}");
        }
    }
    // As a bare token, all of it is.
    if let Some((token, info)) = said(input, parse_sas_token(input, NOW)) {
        let token_text = input.trim().trim_start_matches('?');
        if let Some(sig) = secret_value(token_text, "sig=", '&') {
            let debug = format!("{token:?} {info:?}");
            assert!(!debug.contains(sig), "signature shown in {debug}");
        }
    }
}

pub fn az_uri(input: &str) {
    if let Some(p) = said(input, parse_az_uri(input)) {
        assert!(!p.container.is_empty(), "empty container from {input:?}");
        // What was understood, written back as a URI, means the same place.
        let again = match &p.account {
            Some(a) => format!("az://{}@{a}/{}", p.container, p.prefix),
            None => format!("az://{}/{}", p.container, p.prefix),
        };
        assert_eq!(
            parse_az_uri(&again).as_ref(),
            Ok(&p),
            "{input:?} vs {again:?}"
        );
    }
}

pub fn cors(input: &str) {
    // The JSON import: accepted rules pass validation and survive export/import.
    if let Some((account, rules)) = said(input, cors::parse_json(input)) {
        assert_eq!(
            cors::check_rules(&rules),
            Ok(()),
            "accepted but invalid: {input:?}"
        );
        let text = cors::to_json(account.as_deref(), &rules);
        assert_eq!(
            cors::parse_json(&text),
            Ok((account, rules)),
            "export/import changed {input:?}"
        );
    }
    // The single-field validators and the service properties reader.
    said(input, check_origin(input));
    said(input, check_header(input));
    said(input, parse_max_age(input));
    if let Some(rules) = said(input, parse_cors(input)) {
        let _ = said(input, cors::replace_cors(input, &rules));
    }
}

pub fn acl(input: &str) {
    use blobx::azure::datalake::acl::{Use, parse, parse_permissions};
    // An accepted ACL, written back, is read as the same ACL.
    for usage in [Use::Set, Use::Modify, Use::Remove] {
        if let Some(acl) = said(input, parse(input, usage)) {
            let text = acl.to_string();
            assert_eq!(parse(&text, usage), Ok(acl), "{input:?} vs {text:?}");
        }
    }
    if let Some(p) = said(input, parse_permissions(input)) {
        assert_eq!(parse_permissions(&p), Ok(p.clone()), "{input:?}");
    }
}

/// Runs the check for `target` on raw bytes, as the fuzz target does.
pub fn by_name(target: &str, data: &[u8]) {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match target {
        "connection_string" => connection_string(input),
        "sas_url" => sas_url(input),
        "az_uri" => az_uri(input),
        "cors" => cors(input),
        "acl" => acl(input),
        other => panic!("no fuzz target named {other}"),
    }
}
