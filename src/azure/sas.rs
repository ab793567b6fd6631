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
}
