//! SAS for accounts signed in with Entra ID: a user-delegation SAS, signed
//! with a key the service hands out to the signed-in user (Get User
//! Delegation Key), so no account key is needed. `reqsign-azure-storage`
//! fetches the key and signs; we bring the token and an HTTP sender.

use super::sas::{SasOptions, SasTarget, sign_service_sas, signing_key};
use super::{Account, Auth};
use crate::azure::secret::Secret;
use bytes::Bytes;
use reqsign_azure_storage::{
    Credential, SasProtocol, UserDelegationSasGrant, UserDelegationSasGranter,
    UserDelegationSasPermissions,
};
use reqsign_core::GrantCredential;
use reqsign_core::time::Timestamp;
use std::time::Duration;

/// The longest a user-delegation SAS may live (its key's limit).
pub const MAX_LIFETIME_SECS: i64 = 7 * 24 * 3600;

const STORAGE_SCOPE: &str = "https://storage.azure.com/.default";

/// Signs a SAS the way the account allows: with its key, or, signed in with
/// Entra ID, as a user-delegation SAS.
pub async fn sign_for(
    account: &Account,
    target: &SasTarget,
    opts: &SasOptions,
    now: i64,
) -> Result<Secret, String> {
    match &account.auth {
        Auth::Token(credential) => {
            user_delegation_sas(account, credential, target, opts, now).await
        }
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

/// `racwdl…` as the typed permission set; unknown letters are refused.
pub fn permissions(letters: &str) -> Result<UserDelegationSasPermissions, String> {
    let mut set: Option<UserDelegationSasPermissions> = None;
    for c in letters.chars() {
        let p = match c {
            'r' => UserDelegationSasPermissions::READ,
            'a' => UserDelegationSasPermissions::ADD,
            'c' => UserDelegationSasPermissions::CREATE,
            'w' => UserDelegationSasPermissions::WRITE,
            'd' => UserDelegationSasPermissions::DELETE,
            'l' => UserDelegationSasPermissions::LIST,
            'x' => UserDelegationSasPermissions::DELETE_VERSION,
            't' => UserDelegationSasPermissions::TAGS,
            'f' => UserDelegationSasPermissions::FILTER_BY_TAGS,
            other => {
                return Err(format!(
                    "{other:?} is not a permission a user-delegation SAS can grant (use r a c w d l x t f)"
                ));
            }
        };
        set = Some(match set {
            Some(s) => s | p,
            None => p,
        });
    }
    set.ok_or_else(|| "give at least one permission".to_string())
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

fn grant(target: &SasTarget, perms: UserDelegationSasPermissions) -> UserDelegationSasGrant {
    match target {
        SasTarget::Container(c) => UserDelegationSasGrant::for_container(c.clone(), perms),
        SasTarget::Blob { container, blob } => {
            UserDelegationSasGrant::for_blob(container.clone(), blob.clone(), perms)
        }
    }
}

async fn user_delegation_sas(
    account: &Account,
    credential: &std::sync::Arc<dyn azure_core::credentials::TokenCredential>,
    target: &SasTarget,
    opts: &SasOptions,
    now: i64,
) -> Result<Secret, String> {
    let lifetime = check(opts, now)?;
    let perms = permissions(&opts.permissions)?;
    let token = credential
        .get_token(&[STORAGE_SCOPE], None)
        .await
        .map_err(|e| format!("cannot get a token for Azure Storage: {e}"))?;
    let expires = Timestamp::from_second(token.expires_on.unix_timestamp())
        .map_err(|e| format!("the token's expiry is not a time: {e}"))?;
    let source = Credential::BearerToken {
        token: token.token.secret().to_string(),
        expires_in: Some(expires),
    };
    let endpoint = account.blob_endpoint.origin().ascii_serialization();
    let mut granter = UserDelegationSasGranter::new(account.name.clone(), grant(target, perms))
        // The account's own endpoint: where its storage calls already go.
        .with_trusted_endpoint(endpoint)
        .with_protocol(if opts.https_only {
            SasProtocol::Https
        } else {
            SasProtocol::HttpsAndHttp
        });
    if let Some(st) = opts.start {
        granter = granter
            .with_start(Timestamp::from_second(st).map_err(|e| format!("bad start time: {e}"))?);
    }
    if let Some(ip) = &opts.ip_range {
        granter = granter.with_ip(ip.clone());
    }
    let ctx = reqsign_core::Context::new().with_http_send(Sender(reqwest::Client::new()));
    let granted = granter
        .grant_credential(&ctx, &source, Some(Duration::from_secs(lifetime as u64)))
        .await
        .map_err(|e| format!("cannot get a user delegation key: {e}"))?;
    match granted {
        Credential::SasToken { token, .. } => Ok(Secret::new(token)),
        _ => Err("the signer returned no SAS".into()),
    }
}

/// reqsign's HTTP hook, on the same reqwest the SDK uses.
#[derive(Debug)]
struct Sender(reqwest::Client);

impl reqsign_core::HttpSend for Sender {
    async fn http_send(
        &self,
        req: http::Request<Bytes>,
    ) -> reqsign_core::Result<http::Response<Bytes>> {
        let req = reqwest::Request::try_from(req.map(reqwest::Body::from))
            .map_err(|e| reqsign_core::Error::unexpected("bad request").with_source(e))?;
        let resp = self
            .0
            .execute(req)
            .await
            .map_err(|e| reqsign_core::Error::unexpected("request failed").with_source(e))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| {
            reqsign_core::Error::unexpected("reading the answer failed").with_source(e)
        })?;
        let mut out = http::Response::new(body);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
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
        assert!(permissions("racwdl").is_ok());
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
