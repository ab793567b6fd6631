//! A user-delegation SAS for an account signed in with Entra ID, against
//! Azurite over HTTPS with bearer tokens checked (`--oauth basic`): blobx asks
//! the service for a delegation key with the user's token, signs the SAS, and
//! the service accepts it for what it grants and refuses the rest.
//!
//! Its own test binary: it points the process's trusted roots
//! (`SSL_CERT_FILE`) at a certificate made for this run.

mod support;

use base64::Engine as _;
use blobx::azure::sas::{SasOptions, SasTarget};
use blobx::azure::{Account, Auth, StorageClient};
use std::path::PathBuf;
use std::sync::Arc;
use support::emulator::Emulator;
use support::unique;

/// A token shaped like Entra ID's; Azurite's basic level checks issuer,
/// audience and expiry, not the signature.
#[derive(Debug)]
struct FakeEntra;

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for FakeEntra {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        assert_eq!(scopes, ["https://storage.azure.com/.default"]);
        let now = time::OffsetDateTime::now_utc();
        let b64 = |v: serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
        };
        let tid = "ab1f708d-50f6-404c-a006-d71b2ac7a606";
        let jwt = format!(
            "{}.{}.{}",
            b64(serde_json::json!({"alg": "RS256", "typ": "JWT"})),
            b64(serde_json::json!({
                "aud": "https://storage.azure.com",
                "iss": format!("https://sts.windows.net/{tid}/"),
                "iat": now.unix_timestamp() - 60,
                "nbf": now.unix_timestamp() - 60,
                "exp": now.unix_timestamp() + 3600,
                "oid": "0ffa6a5c-7d3e-4a9e-9f0b-6c1f1e5c2a11",
                "tid": tid,
            })),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("not-checked")
        );
        Ok(azure_core::credentials::AccessToken {
            token: azure_core::credentials::Secret::new(jwt),
            expires_on: now + time::Duration::hours(1),
        })
    }
}

/// A throwaway CA and a server certificate it signed (TLS clients refuse a
/// CA certificate as the server's own). Returns (CA, server cert, server key).
fn make_certs(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    let p = |n: &str| dir.join(n);
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl (Debian's openssl package) makes the test certificates");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=blobx test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        p("ext.cnf"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,DNS:devstoreaccount1.blob.localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "ext.cnf",
        "-out",
        "server.pem",
    ]);
    (p("ca.pem"), p("server.pem"), p("server.key"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_delegation_sas_is_accepted_for_what_it_grants_only() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = make_certs(dir.path());
    // SAFETY: set before any client (and its TLS roots) exists; this binary
    // has this one test.
    unsafe { std::env::set_var("SSL_CERT_FILE", &ca) };
    let emu = Emulator::start_oauth(&cert, &key).unwrap();

    // Seed with the account key (Azurite still takes Shared Key over HTTPS).
    let keyed = StorageClient::new(Account::emulator(&emu.host).unwrap()).unwrap();
    let container = unique("udsas");
    keyed.ensure_container(&container).await.unwrap();
    let body = bytes::Bytes::from_static(b"for the signed-in user only");
    let md5: [u8; 16] =
        md5::Digest::finalize(<md5::Md5 as md5::Digest>::new_with_prefix(&body)).into();
    keyed
        .put_blob_bytes(&container, "report.txt", body.clone(), "text/plain", &md5)
        .await
        .unwrap();

    // The same account, signed in with Entra ID: no key at hand.
    let mut account = Account::emulator(&emu.host).unwrap();
    account.auth = Auth::Token(Arc::new(FakeEntra));
    blobx::azure::user_delegation::can_sign(&account).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let target = SasTarget::Blob {
        container: container.clone(),
        blob: "report.txt".into(),
    };
    let read_only = SasOptions {
        permissions: "r".into(),
        expiry: Some(now + 3600),
        https_only: true,
        ..Default::default()
    };
    let token = blobx::azure::user_delegation::sign_for(&account, &target, &read_only, now)
        .await
        .unwrap();
    let sas = token.expose().to_string();
    for field in ["skoid=", "sktid=", "skv=", "sig=", "sp=r", "spr=https"] {
        assert!(sas.contains(field), "{field} missing from the SAS");
    }

    // Anyone holding the URL can read the blob, and only read it.
    let url = format!("{}/devstoreaccount1/{container}/report.txt?{sas}", emu.host);
    let http = reqwest::Client::new();
    let got = http.get(&url).send().await.unwrap();
    assert_eq!(
        got.status(),
        200,
        "{}",
        got.text().await.unwrap_or_default()
    );
    assert_eq!(got.bytes().await.unwrap(), body);
    let put = http
        .put(&url)
        .header("x-ms-blob-type", "BlockBlob")
        .body("overwritten")
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 403, "a read-only SAS must not write");
    let after = keyed
        .get_range(&container, "report.txt", 0, body.len() as u64, "*")
        .await
        .unwrap();
    assert_eq!(after, body, "the blob is unchanged");

    // A tampered signature is refused.
    let forged = url.replace("sp=r", "sp=rw");
    let put = http
        .put(&forged)
        .header("x-ms-blob-type", "BlockBlob")
        .body("overwritten")
        .send()
        .await
        .unwrap();
    assert_eq!(
        put.status(),
        403,
        "permissions changed after signing must be refused"
    );

    // Asking for more than 7 days is refused before any request.
    let too_long = SasOptions {
        expiry: Some(now + 8 * 86_400),
        ..read_only
    };
    let err = blobx::azure::user_delegation::sign_for(&account, &target, &too_long, now)
        .await
        .unwrap_err();
    assert!(err.contains("7 days"), "{err}");
}
