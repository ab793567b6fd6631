//! SAS for accounts signed in with Entra ID: a user-delegation SAS, signed
//! with a key the service hands to the signed-in user (Get User Delegation
//! Key, sent with the user's token through the account's own pipeline), so no
//! account key is needed. The HMAC is reqsign's; the string to sign is the
//! documented one for service version 2020-12-06 and later.
//!
//! (reqsign-azure-storage also has a user-delegation granter, but it insists
//! that the key's `SignedVersion` equal the version it asked with; Azurite
//! answers with its own, so the granter cannot be tested here. Signing with
//! the version the service reports works with both.)

use super::client::StorageClient;
use super::connection::format_time;
use super::sas::{SAS_VERSION, SasOptions, SasTarget, sign_service_sas, signing_key};
use super::{Account, Auth};
use crate::azure::secret::Secret;
use azure_core::http::Method;
use serde::Deserialize;

/// The longest a user-delegation SAS may live (its key's limit).
pub const MAX_LIFETIME_SECS: i64 = 7 * 24 * 3600;

/// Signs a SAS the way the account allows: with its key, or, signed in with
/// Entra ID, as a user-delegation SAS.
pub async fn sign_for(
    account: &Account,
    target: &SasTarget,
    opts: &SasOptions,
    now: i64,
) -> Result<Secret, String> {
    match &account.auth {
        Auth::Token(_) => user_delegation_sas(account, target, opts, now).await,
        _ => sign_service_sas(&account.name, signing_key(account)?, target, opts, now),
    }
}

/// Whether the account can sign a SAS at all, and why not (before any request).
pub fn can_sign(account: &Account) -> Result<(), String> {
    match &account.auth {
        Auth::Token(_) => Ok(()),
        _ => signing_key(account).map(|_| ()),
    }
}

/// The permission letters in the order the service requires; unknown
/// letters are refused.
pub fn permissions(letters: &str) -> Result<String, String> {
    const ORDER: &str = "racwdxltfmeop";
    if let Some(bad) = letters.chars().find(|c| !ORDER.contains(*c)) {
        return Err(format!(
            "{bad:?} is not a permission a user-delegation SAS can grant (use r a c w d x l t f)"
        ));
    }
    let ordered: String = ORDER.chars().filter(|c| letters.contains(*c)).collect();
    if ordered.is_empty() {
        return Err("give at least one permission".into());
    }
    Ok(ordered)
}

/// What the service will be asked for, checked before any request.
fn check(opts: &SasOptions, now: i64) -> Result<i64, String> {
    if opts.policy.is_some() {
        return Err(
            "a user-delegation SAS cannot be bound to a stored access policy; leave out the policy (or attach the account with its key)".into(),
        );
    }
    let expiry = opts
        .expiry
        .ok_or_else(|| "a user-delegation SAS needs an expiry".to_string())?;
    let lifetime = expiry - now;
    if lifetime <= 0 {
        return Err("the expiry is in the past".into());
    }
    if lifetime > MAX_LIFETIME_SECS {
        return Err(
            "a user-delegation SAS lives at most 7 days (its key's limit); choose a shorter expiry"
                .into(),
        );
    }
    Ok(lifetime)
}

/// What Get User Delegation Key answers.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DelegationKey {
    signed_oid: String,
    signed_tid: String,
    signed_start: String,
    signed_expiry: String,
    signed_service: String,
    signed_version: String,
    value: String,
}

/// Unix seconds as the service writes times: `2026-11-23T12:00:00Z`.
fn wire_time(unix: i64) -> Result<String, String> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix)
        .map_err(|_| format!("bad time {}", format_time(unix)))?;
    t.format(&time::format_description::well_known::Rfc3339)
        .map(|s| s.replace("+00:00", "Z"))
        .map_err(|e| format!("bad time: {e}"))
}

async fn delegation_key(
    client: &StorageClient,
    start: i64,
    expiry: i64,
) -> Result<DelegationKey, String> {
    let mut url = client.account().blob_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("restype", "service")
        .append_pair("comp", "userdelegationkey");
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>{}</Start><Expiry>{}</Expiry></KeyInfo>",
        wire_time(start)?,
        wire_time(expiry)?
    );
    let response = client
        .send_raw(
            Method::Post,
            url,
            &[("content-type", "application/xml".to_string())],
            Some(bytes::Bytes::from(body)),
        )
        .await
        .map_err(|e| {
            format!(
                "cannot get a user delegation key: {}",
                super::describe_error(&e, client.account())
            )
        })?;
    let text = String::from_utf8(response.body().to_vec())
        .map_err(|_| "the user delegation key is not UTF-8 text".to_string())?;
    quick_xml::de::from_str(&text).map_err(|e| format!("cannot read the user delegation key: {e}"))
}

/// The documented string to sign (service version 2020-12-06 and later).
fn string_to_sign(
    account: &str,
    target: &SasTarget,
    perms: &str,
    start: &str,
    expiry: &str,
    key: &DelegationKey,
    opts: &SasOptions,
) -> String {
    let (resource, sr) = match target {
        SasTarget::Container(c) => (format!("/blob/{account}/{c}"), "c"),
        SasTarget::Blob { container, blob } => (format!("/blob/{account}/{container}/{blob}"), "b"),
    };
    let protocol = if opts.https_only { "https" } else { "" };
    [
        perms,
        start,
        expiry,
        &resource,
        &key.signed_oid,
        &key.signed_tid,
        &key.signed_start,
        &key.signed_expiry,
        &key.signed_service,
        &key.signed_version,
        "", // authorized user object id
        "", // unauthorized user object id
        "", // correlation id
        opts.ip_range.as_deref().unwrap_or(""),
        protocol,
        SAS_VERSION,
        sr,
        "", // snapshot time
        "", // encryption scope
        "",
        "",
        "",
        "",
        "", // response headers rscc rscd rsce rscl rsct
    ]
    .join("\n")
}

async fn user_delegation_sas(
    account: &Account,
    target: &SasTarget,
    opts: &SasOptions,
    now: i64,
) -> Result<Secret, String> {
    check(opts, now)?;
    let perms = permissions(&opts.permissions)?;
    let expiry = opts.expiry.unwrap_or(now);
    let start = opts.start;
    let client = StorageClient::new(account.clone()).map_err(|e| e.to_string())?;
    // The key covers the SAS: from its start (or now) to its expiry.
    let key = delegation_key(&client, start.unwrap_or(now).min(now), expiry).await?;
    let key_bytes = reqsign_core::hash::base64_decode(&key.value)
        .map_err(|e| format!("the user delegation key is not base64: {e}"))?;
    let (st, se) = (start.map(wire_time).transpose()?, wire_time(expiry)?);
    let to_sign = string_to_sign(
        &account.name,
        target,
        &perms,
        st.as_deref().unwrap_or(""),
        &se,
        &key,
        opts,
    );
    let sig = reqsign_core::hash::base64_hmac_sha256(&key_bytes, to_sign.as_bytes());
    let sr = match target {
        SasTarget::Container(_) => "c",
        SasTarget::Blob { .. } => "b",
    };
    let mut pairs: Vec<(&str, String)> = vec![("sv", SAS_VERSION.to_string())];
    if let Some(st) = st {
        pairs.push(("st", st));
    }
    pairs.extend([
        ("se", se),
        ("sr", sr.to_string()),
        ("sp", perms),
        ("skoid", key.signed_oid.clone()),
        ("sktid", key.signed_tid.clone()),
        ("skt", key.signed_start.clone()),
        ("ske", key.signed_expiry.clone()),
        ("sks", key.signed_service.clone()),
        ("skv", key.signed_version.clone()),
    ]);
    if let Some(ip) = &opts.ip_range {
        pairs.push(("sip", ip.clone()));
    }
    if opts.https_only {
        pairs.push(("spr", "https".to_string()));
    }
    pairs.push(("sig", sig));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    Ok(Secret::new(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_anything_is_sent() {
        let now = 1_800_000_000;
        let opts = |expiry: Option<i64>, policy: Option<&str>| SasOptions {
            permissions: "rl".into(),
            expiry,
            policy: policy.map(str::to_string),
            ..Default::default()
        };
        assert_eq!(check(&opts(Some(now + 3600), None), now), Ok(3600));
        assert!(
            check(&opts(Some(now + 8 * 86400), None), now)
                .unwrap_err()
                .contains("7 days")
        );
        assert!(
            check(&opts(Some(now - 1), None), now)
                .unwrap_err()
                .contains("past")
        );
        assert!(
            check(&opts(Some(now + 60), Some("p")), now)
                .unwrap_err()
                .contains("policy")
        );
        assert!(check(&opts(None, None), now).is_err());
        assert_eq!(permissions("lr").unwrap(), "rl", "the service's order");
        assert!(permissions("rz").unwrap_err().contains("'z'"));
        assert!(permissions("").is_err());
    }

    #[tokio::test]
    async fn key_accounts_still_sign_with_their_key() {
        let account = Account::emulator("http://127.0.0.1:10000").unwrap();
        can_sign(&account).unwrap();
        let opts = SasOptions {
            permissions: "r".into(),
            expiry: Some(1_900_000_000),
            ..Default::default()
        };
        let target = SasTarget::Container("c".into());
        let by_key = sign_for(&account, &target, &opts, 1_800_000_000)
            .await
            .unwrap();
        let direct = sign_service_sas(
            &account.name,
            signing_key(&account).unwrap(),
            &target,
            &opts,
            1_800_000_000,
        )
        .unwrap();
        assert_eq!(by_key.expose(), direct.expose());
    }
}
