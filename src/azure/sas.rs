//! SAS tokens signed with the account key: service SAS for a container or a
//! blob (through `reqsign-azure-storage`), and account SAS for the Blob service
//! (HMAC from `reqsign-core`, string-to-sign per the "Create an account SAS" REST docs).

use super::connection::format_time;
use super::secret::Secret;
use reqsign_azure_storage::{ServiceSasResource, ServiceSharedAccessSignature};
use reqsign_core::time::Timestamp;

/// The version our tokens are signed for.
pub const SAS_VERSION: &str = "2022-11-02";

fn timestamp(unix: i64) -> Result<Timestamp, String> {
    Timestamp::from_second(unix).map_err(|e| format!("bad time {}: {e}", format_time(unix)))
}

fn encode(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// What to sign for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SasTarget {
    Container(String),
    Blob { container: String, blob: String },
}

/// A service SAS for a container or blob, valid until `expiry` (unix seconds).
pub fn service_sas(
    account: &str,
    key: &Secret,
    target: &SasTarget,
    permissions: &str,
    start: Option<i64>,
    expiry: i64,
) -> Result<Secret, String> {
    let resource = match target {
        SasTarget::Container(c) => ServiceSasResource::Container {
            container: c.clone(),
        },
        SasTarget::Blob { container, blob } => ServiceSasResource::Blob {
            container: container.clone(),
            blob: blob.clone(),
        },
    };
    let mut sas = ServiceSharedAccessSignature::new(
        account.to_string(),
        key.expose().to_string(),
        resource,
        permissions.to_string(),
        timestamp(expiry)?,
    )
    .with_version(SAS_VERSION);
    if let Some(st) = start {
        sas = sas.with_start(timestamp(st)?);
    }
    let pairs = sas
        .token()
        .map_err(|e| format!("cannot sign the SAS: {e}"))?;
    Ok(Secret::new(encode(&pairs)))
}

/// An account SAS for the Blob service (`ss=b`) over service, container and
/// object resources (`srt=sco`).
pub fn account_sas(
    account: &str,
    key: &Secret,
    permissions: &str,
    expiry: i64,
) -> Result<Secret, String> {
    let key_bytes = reqsign_core::hash::base64_decode(key.expose())
        .map_err(|e| format!("the account key is not base64: {e}"))?;
    let se = timestamp(expiry)?.format_rfc3339_zulu();
    // accountname, sp, ss, srt, st, se, sip, spr, sv, ses, and a final newline.
    let string_to_sign = format!("{account}\n{permissions}\nb\nsco\n\n{se}\n\n\n{SAS_VERSION}\n\n");
    let sig = reqsign_core::hash::base64_hmac_sha256(&key_bytes, string_to_sign.as_bytes());
    let pairs = vec![
        ("sv".to_string(), SAS_VERSION.to_string()),
        ("ss".to_string(), "b".to_string()),
        ("srt".to_string(), "sco".to_string()),
        ("sp".to_string(), permissions.to_string()),
        ("se".to_string(), se),
        ("sig".to_string(), sig),
    ];
    Ok(Secret::new(encode(&pairs)))
}

pub use super::permissions::{PERMISSION_ORDER, normalize_permissions};

/// Reads a duration such as `1h`, `30m`, `7d`, `2w`, `90s` or `1h30m`, in seconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let wrong = || {
        format!("{text:?} is not a duration; write a number and a unit, e.g. 30m, 1h, 7d, 1h30m")
    };
    if t.is_empty() {
        return Err(wrong());
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => return Err(wrong()),
        };
        let n: i64 = number.parse().map_err(|_| wrong())?;
        number.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("{text:?} is too long a duration"))?;
    }
    if !number.is_empty() {
        // A bare number has no unit; guessing one would be a surprise.
        return Err(wrong());
    }
    if total <= 0 {
        return Err(format!("{text:?} is not a positive duration"));
    }
    Ok(total)
}

/// Everything a service SAS can say besides its target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SasOptions {
    /// `sp`; may be empty when the stored access policy sets the permissions.
    pub permissions: String,
    /// `st`, unix seconds.
    pub start: Option<i64>,
    /// `se`, unix seconds; may be `None` when the stored access policy sets it.
    pub expiry: Option<i64>,
    /// `si`: the id of a stored access policy on the container.
    pub policy: Option<String>,
    /// `sip`: one IPv4 address or a range `a.b.c.d-e.f.g.h`.
    pub ip_range: Option<String>,
    /// `spr=https`.
    pub https_only: bool,
}

/// What a SAS for a virtual folder really is on a flat-namespace account.
pub const FOLDER_SAS_NOTE: &str = "Azure cannot limit a service SAS to a virtual folder unless the account has a hierarchical namespace, so this is a container SAS: it reaches every blob in the container. For less, sign a SAS per blob.";

fn check_ipv4_range(text: &str) -> Result<(), String> {
    let parts: Vec<&str> = text.split('-').collect();
    let parsed: Result<Vec<std::net::Ipv4Addr>, _> = parts
        .iter()
        .map(|p| p.trim().parse::<std::net::Ipv4Addr>())
        .collect();
    match (parts.len(), parsed) {
        (1, Ok(_)) => Ok(()),
        (2, Ok(a)) if a[0] <= a[1] => Ok(()),
        (2, Ok(_)) => Err(format!("the IP range {text:?} ends before it starts")),
        _ => Err(format!(
            "{text:?} is not an IPv4 address or range (e.g. 203.0.113.5 or 203.0.113.0-203.0.113.255)"
        )),
    }
}

/// Checks a SAS request in words before anything is signed. `now` is unix seconds.
pub fn check_sas_options(target: &SasTarget, opts: &SasOptions, now: i64) -> Result<(), String> {
    let for_container = matches!(target, SasTarget::Container(_));
    normalize_permissions(&opts.permissions, for_container)?;
    match &opts.policy {
        Some(id) => {
            if id.is_empty() || id.chars().count() > 64 {
                return Err("a stored access policy id is 1-64 characters".into());
            }
        }
        None => {
            if opts.permissions.is_empty() {
                return Err("choose at least one permission (r, a, c, w, d, l)".into());
            }
            if opts.expiry.is_none() {
                return Err("a SAS without a stored access policy needs an expiry".into());
            }
        }
    }
    if let Some(se) = opts.expiry {
        if se <= now {
            return Err(format!("the expiry {} is in the past", format_time(se)));
        }
        if let Some(st) = opts.start
            && st >= se
        {
            return Err("the start must be before the expiry".into());
        }
    }
    if let Some(ip) = &opts.ip_range {
        check_ipv4_range(ip)?;
    }
    Ok(())
}

fn canonical_resource(account: &str, target: &SasTarget) -> (String, &'static str) {
    match target {
        SasTarget::Container(c) => (format!("/blob/{account}/{c}"), "c"),
        SasTarget::Blob { container, blob } => (format!("/blob/{account}/{container}/{blob}"), "b"),
    }
}

/// Signs by hand per "Create a service SAS" (version 2020-12-06 and later);
/// used when a stored access policy is named, which `reqsign` cannot express.
fn sign_by_hand(
    account: &str,
    key: &Secret,
    target: &SasTarget,
    opts: &SasOptions,
    permissions: &str,
) -> Result<Secret, String> {
    let key_bytes = reqsign_core::hash::base64_decode(key.expose())
        .map_err(|e| format!("the account key is not base64: {e}"))?;
    let st = opts
        .start
        .map(|t| timestamp(t).map(|t| t.format_rfc3339_zulu()))
        .transpose()?;
    let se = opts
        .expiry
        .map(|t| timestamp(t).map(|t| t.format_rfc3339_zulu()))
        .transpose()?;
    let (resource, sr) = canonical_resource(account, target);
    let protocol = opts.https_only.then_some("https");
    let fields = [
        permissions,
        st.as_deref().unwrap_or(""),
        se.as_deref().unwrap_or(""),
        &resource,
        opts.policy.as_deref().unwrap_or(""),
        opts.ip_range.as_deref().unwrap_or(""),
        protocol.unwrap_or(""),
        SAS_VERSION,
        sr,
        "", // snapshot time
        "", // encryption scope
        "", // rscc
        "", // rscd
        "", // rsce
        "", // rscl
        "", // rsct
    ];
    let sig = reqsign_core::hash::base64_hmac_sha256(&key_bytes, fields.join("\n").as_bytes());
    let mut pairs = vec![("sv".to_string(), SAS_VERSION.to_string())];
    let mut push = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            pairs.push((k.to_string(), v.to_string()));
        }
    };
    push("st", st.as_deref());
    push("se", se.as_deref());
    push("sp", Some(permissions));
    push("sr", Some(sr));
    push("si", opts.policy.as_deref());
    push("sip", opts.ip_range.as_deref());
    push("spr", protocol);
    pairs.push(("sig".to_string(), sig));
    Ok(Secret::new(encode(&pairs)))
}

/// A service SAS with every option: permissions (put in Azure's order), start,
/// expiry, a stored access policy (`si`), an IP range and HTTPS-only.
/// Checked first with [`check_sas_options`]; `now` is unix seconds.
pub fn sign_service_sas(
    account: &str,
    key: &Secret,
    target: &SasTarget,
    opts: &SasOptions,
    now: i64,
) -> Result<Secret, String> {
    check_sas_options(target, opts, now)?;
    let permissions =
        normalize_permissions(&opts.permissions, matches!(target, SasTarget::Container(_)))?;
    match (&opts.policy, opts.expiry) {
        // The common case goes through reqsign, the maintained signer.
        (None, Some(expiry)) => {
            let resource = match target {
                SasTarget::Container(c) => ServiceSasResource::Container {
                    container: c.clone(),
                },
                SasTarget::Blob { container, blob } => ServiceSasResource::Blob {
                    container: container.clone(),
                    blob: blob.clone(),
                },
            };
            let mut sas = ServiceSharedAccessSignature::new(
                account.to_string(),
                key.expose().to_string(),
                resource,
                permissions,
                timestamp(expiry)?,
            )
            .with_version(SAS_VERSION);
            if let Some(st) = opts.start {
                sas = sas.with_start(timestamp(st)?);
            }
            if let Some(ip) = &opts.ip_range {
                sas = sas.with_ip(ip.clone());
            }
            if opts.https_only {
                sas = sas.with_protocol("https");
            }
            let pairs = sas
                .token()
                .map_err(|e| format!("cannot sign the SAS: {e}"))?;
            Ok(Secret::new(encode(&pairs)))
        }
        _ => sign_by_hand(account, key, target, opts, &permissions),
    }
}

/// The account key, or why this account cannot sign a SAS.
pub fn signing_key(account: &super::Account) -> Result<&Secret, String> {
    use super::Auth;
    match &account.auth {
        Auth::SharedKey { key } => Ok(key),
        Auth::Sas { .. } => Err(format!(
            "account {} is attached with a SAS; signing a new SAS needs the account key",
            account.label
        )),
        Auth::Token(_) => Err(format!(
            "account {} is signed in with Entra ID; it signs user-delegation SAS instead of key-signed ones",
            account.label
        )),
        Auth::Anonymous => Err(format!(
            "account {} has no key; signing a SAS needs the account key",
            account.label
        )),
    }
}

/// An HTTPS-only SAS (`spr=https`) for an endpoint reached over plain HTTP
/// (the emulator, a local proxy) would be refused on every request: say so
/// instead of printing a URL that can never work.
pub fn check_https_only(endpoint: &url::Url, https_only: bool) -> Result<(), String> {
    if https_only && endpoint.scheme() != "https" {
        return Err(format!(
            "an HTTPS-only SAS cannot work here: this account is reached over {} ({}), so the service would refuse every request made with it; leave out the HTTPS-only option",
            endpoint.scheme(),
            endpoint.host_str().unwrap_or("no host")
        ));
    }
    Ok(())
}

/// What a person asked for in the SAS form or on the command line; `None`
/// means "not given", so defaults and the stored policy can fill it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SasRequest {
    pub permissions: Option<String>,
    /// Seconds from now (see [`parse_duration`]).
    pub expires_in: Option<i64>,
    /// Unix seconds.
    pub start: Option<i64>,
    pub policy: Option<String>,
    pub ip_range: Option<String>,
    pub https_only: bool,
}

/// Turns a request into signable options: a field the stored policy sets may
/// not be given again (the service refuses such a SAS), and what neither
/// sets gets the default (1 hour; `rl` for a container, `r` for a blob).
/// `policy` is the container's policy named by `req.policy`, if it has one.
pub fn resolve_sas_options(
    req: &SasRequest,
    target: &SasTarget,
    policy: Option<&super::access::StoredPolicy>,
    now: i64,
) -> Result<SasOptions, String> {
    let mut from_policy = (false, false);
    if let Some(id) = &req.policy {
        let p = policy.ok_or_else(|| format!("there is no stored access policy called {id:?}"))?;
        if let Some(e) = p.expiry {
            if req.expires_in.is_some() {
                return Err(format!(
                    "policy {id:?} already sets the expiry ({}); leave out the expiry",
                    format_time(e.unix_timestamp())
                ));
            }
            if e.unix_timestamp() <= now {
                return Err(format!(
                    "policy {id:?} expired on {}; a SAS bound to it would not work",
                    format_time(e.unix_timestamp())
                ));
            }
        }
        if p.start.is_some() && req.start.is_some() {
            return Err(format!(
                "policy {id:?} already sets the start; leave out the start"
            ));
        }
        if !p.permissions.is_empty() && req.permissions.is_some() {
            return Err(format!(
                "policy {id:?} already sets the permissions ({}); leave out the permissions",
                p.permissions
            ));
        }
        from_policy = (p.expiry.is_some(), !p.permissions.is_empty());
    }
    let default_permissions = match target {
        SasTarget::Container(_) => "rl",
        SasTarget::Blob { .. } => "r",
    };
    let opts = SasOptions {
        permissions: match &req.permissions {
            Some(p) => p.clone(),
            None if from_policy.1 => String::new(),
            None => default_permissions.to_string(),
        },
        start: req.start,
        expiry: match req.expires_in {
            Some(d) => Some(now + d),
            None if from_policy.0 => None,
            None => Some(now + 3600),
        },
        policy: req.policy.clone(),
        ip_range: req.ip_range.clone(),
        https_only: req.https_only,
    };
    check_sas_options(target, &opts, now)?;
    Ok(opts)
}

/// The URL a SAS opens: the resource's URL with the token as its query.
/// It carries the signature, so it is a [`Secret`] too.
pub fn sas_url(resource_url: &url::Url, token: &Secret) -> Secret {
    let mut url = resource_url.clone();
    url.set_query(Some(token.expose()));
    Secret::new(url.to_string())
}

/// A SAS URL or token with the signature replaced by `***`, safe to show and log.
pub fn mask_sig(text: &str) -> String {
    let Some(start) = text.find("sig=") else {
        return text.to_string();
    };
    let value_start = start + 4;
    let end = text[value_start..]
        .find('&')
        .map_or(text.len(), |i| value_start + i);
    format!("{}***{}", &text[..value_start], &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::account::EMULATOR_KEY;
    use crate::azure::connection::parse_sas_token;

    #[test]
    fn tokens_parse_back_with_their_permissions_and_expiry() {
        let key = Secret::new(EMULATOR_KEY);
        let t = service_sas(
            "acct",
            &key,
            &SasTarget::Container("data".into()),
            "rl",
            None,
            2_000_000_000,
        )
        .unwrap();
        let (_, info) = parse_sas_token(t.expose(), 0).unwrap();
        assert_eq!(info.permissions, "rl");
        assert_eq!(info.expiry, Some(2_000_000_000));
        assert_eq!(info.resource.as_deref(), Some("c"));
        let t = account_sas("acct", &key, "rl", 2_000_000_000).unwrap();
        let (_, info) = parse_sas_token(t.expose(), 0).unwrap();
        assert_eq!(info.resource, None);
        assert!(account_sas("acct", &Secret::new("@@"), "r", 1).is_err());
    }
    #[test]
    fn hand_signer_matches_reqsign() {
        let key = Secret::new(EMULATOR_KEY);
        let target = SasTarget::Blob {
            container: "data".into(),
            blob: "dir/a b.csv".into(),
        };
        let opts = SasOptions {
            permissions: "rw".into(),
            start: Some(1_900_000_000),
            expiry: Some(2_000_000_000),
            ip_range: Some("10.0.0.1-10.0.0.9".into()),
            https_only: true,
            ..Default::default()
        };
        let by_reqsign = sign_service_sas("acct", &key, &target, &opts, 0).unwrap();
        let by_hand = sign_by_hand("acct", &key, &target, &opts, "rw").unwrap();
        let sig = |t: &Secret| {
            url::form_urlencoded::parse(t.expose().as_bytes())
                .find(|(k, _)| k == "sig")
                .map(|(_, v)| v.to_string())
        };
        assert!(sig(&by_reqsign).is_some());
        assert_eq!(sig(&by_reqsign), sig(&by_hand));
        assert!(by_hand.expose().contains("spr=https"));
        assert!(by_hand.expose().contains("sip=10.0.0.1-10.0.0.9"));
    }

    #[test]
    fn policy_bound_tokens_carry_si_and_may_omit_the_rest() {
        let key = Secret::new(EMULATOR_KEY);
        let opts = SasOptions {
            policy: Some("read-only".into()),
            ..Default::default()
        };
        let t =
            sign_service_sas("acct", &key, &SasTarget::Container("data".into()), &opts, 0).unwrap();
        let (_, info) = parse_sas_token(t.expose(), 0).unwrap();
        assert_eq!(info.policy.as_deref(), Some("read-only"));
        assert_eq!(info.expiry, None);
        assert!(!t.expose().contains("sp="));
    }

    #[test]
    fn options_are_checked_in_words() {
        let c = SasTarget::Container("data".into());
        let b = SasTarget::Blob {
            container: "data".into(),
            blob: "x".into(),
        };
        let base = SasOptions {
            permissions: "r".into(),
            expiry: Some(2_000),
            ..Default::default()
        };
        let err = |t: &SasTarget, o: SasOptions| check_sas_options(t, &o, 1_000).unwrap_err();
        assert!(
            err(
                &b,
                SasOptions {
                    permissions: "rl".into(),
                    ..base.clone()
                }
            )
            .contains("list")
        );
        assert!(
            err(
                &c,
                SasOptions {
                    permissions: "rz".into(),
                    ..base.clone()
                }
            )
            .contains("'z'")
        );
        assert!(
            err(
                &c,
                SasOptions {
                    permissions: "".into(),
                    ..base.clone()
                }
            )
            .contains("permission")
        );
        assert!(
            err(
                &c,
                SasOptions {
                    expiry: None,
                    ..base.clone()
                }
            )
            .contains("expiry")
        );
        assert!(
            err(
                &c,
                SasOptions {
                    expiry: Some(10),
                    ..base.clone()
                }
            )
            .contains("past")
        );
        assert!(
            err(
                &c,
                SasOptions {
                    start: Some(5_000),
                    ..base.clone()
                }
            )
            .contains("before")
        );
        assert!(
            err(
                &c,
                SasOptions {
                    ip_range: Some("1.2.3".into()),
                    ..base.clone()
                }
            )
            .contains("IPv4")
        );
        assert!(
            err(
                &c,
                SasOptions {
                    ip_range: Some("1.2.3.9-1.2.3.1".into()),
                    ..base.clone()
                }
            )
            .contains("ends before")
        );
        assert!(
            check_sas_options(
                &c,
                &SasOptions {
                    ip_range: Some("1.2.3.4".into()),
                    ..base
                },
                1_000
            )
            .is_ok()
        );
    }

    #[test]
    fn permissions_are_put_in_azure_order() {
        assert_eq!(normalize_permissions("lr", true).unwrap(), "rl");
        assert_eq!(normalize_permissions("dwcar", false).unwrap(), "racwd");
        assert!(
            normalize_permissions("rr", true)
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn requests_resolve_against_their_policy() {
        use crate::azure::access::StoredPolicy;
        let c = SasTarget::Container("data".into());
        let now = 1_000;
        let plain = resolve_sas_options(&SasRequest::default(), &c, None, now).unwrap();
        assert_eq!(
            (plain.permissions.as_str(), plain.expiry),
            ("rl", Some(4_600))
        );
        let blob = SasTarget::Blob {
            container: "data".into(),
            blob: "x".into(),
        };
        let b = resolve_sas_options(&SasRequest::default(), &blob, None, now).unwrap();
        assert_eq!(b.permissions, "r");
        let policy = StoredPolicy {
            id: "ro".into(),
            start: None,
            expiry: time::OffsetDateTime::from_unix_timestamp(9_000).ok(),
            permissions: "rl".into(),
        };
        let bound = SasRequest {
            policy: Some("ro".into()),
            ..Default::default()
        };
        let o = resolve_sas_options(&bound, &c, Some(&policy), now).unwrap();
        assert_eq!((o.permissions.as_str(), o.expiry), ("", None));
        let twice = SasRequest {
            expires_in: Some(60),
            ..bound.clone()
        };
        assert!(
            resolve_sas_options(&twice, &c, Some(&policy), now)
                .unwrap_err()
                .contains("leave out the expiry")
        );
        let perms = SasRequest {
            permissions: Some("r".into()),
            ..bound.clone()
        };
        assert!(
            resolve_sas_options(&perms, &c, Some(&policy), now)
                .unwrap_err()
                .contains("leave out the permissions")
        );
        assert!(
            resolve_sas_options(&bound, &c, None, now)
                .unwrap_err()
                .contains("no stored access policy")
        );
        assert!(
            resolve_sas_options(&bound, &c, Some(&policy), 10_000)
                .unwrap_err()
                .contains("expired")
        );
        // A policy with only an expiry: permissions come from the request or the default.
        let loose = StoredPolicy {
            permissions: String::new(),
            ..policy
        };
        let o = resolve_sas_options(&bound, &c, Some(&loose), now).unwrap();
        assert_eq!((o.permissions.as_str(), o.expiry), ("rl", None));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h"), Ok(3600));
        assert_eq!(parse_duration("30m"), Ok(1800));
        assert_eq!(parse_duration("7d"), Ok(7 * 86_400));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration(" 2w "), Ok(14 * 86_400));
        for bad in ["", "1", "h", "1x", "-1h", "0m", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn signatures_are_masked() {
        assert_eq!(
            mask_sig("https://a/c?sv=1&sig=abc%2B&sp=r"),
            "https://a/c?sv=1&sig=***&sp=r"
        );
        assert_eq!(mask_sig("sv=1&sig=abc"), "sv=1&sig=***");
        assert_eq!(mask_sig("no signature"), "no signature");
    }

    #[test]
    fn https_only_needs_an_https_endpoint() {
        let http = url::Url::parse("http://127.0.0.1:10000/devstoreaccount1").unwrap();
        let https = url::Url::parse("https://acct.blob.core.windows.net/").unwrap();
        assert!(
            check_https_only(&http, true)
                .unwrap_err()
                .contains("over http")
        );
        assert!(check_https_only(&http, false).is_ok());
        assert!(check_https_only(&https, true).is_ok());
    }
}
