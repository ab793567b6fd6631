//! Microsoft Entra ID against Azurite: HTTPS with a throwaway CA (Azurite
//! takes bearer tokens only over HTTPS) and tokens shaped like Entra's.
//! Azurite's `--oauth basic` checks issuer, audience, not-before and expiry
//! (to the second, no clock skew), not the signature.

use super::emulator::Emulator;
use base64::Engine as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Hands out tokens the service honours for `valid_for`. The SDK's bearer
/// policy renews a token once it is within 5 minutes of `expires_on`, so the
/// reported expiry is `fresh_for` past that window: a 4 s token then behaves
/// like a one-hour token does in a long transfer, on a compressed clock.
#[derive(Debug)]
pub struct FakeEntra {
    pub valid_for: time::Duration,
    pub fresh_for: time::Duration,
    /// Hand out the first token forever (a credential that never renews).
    pub reuse: bool,
    pub minted: AtomicUsize,
    first: Mutex<Option<azure_core::credentials::AccessToken>>,
}

impl FakeEntra {
    pub fn long_lived() -> Self {
        Self::new(time::Duration::hours(1), time::Duration::hours(1), false)
    }

    pub fn new(valid_for: time::Duration, fresh_for: time::Duration, reuse: bool) -> Self {
        Self {
            valid_for,
            fresh_for,
            reuse,
            minted: AtomicUsize::new(0),
            first: Mutex::new(None),
        }
    }

    fn mint(&self) -> azure_core::credentials::AccessToken {
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
                "exp": (now + self.valid_for).unix_timestamp(),
                "oid": "0ffa6a5c-7d3e-4a9e-9f0b-6c1f1e5c2a11",
                "tid": tid,
            })),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("not-checked")
        );
        self.minted.fetch_add(1, Ordering::SeqCst);
        azure_core::credentials::AccessToken {
            token: azure_core::credentials::Secret::new(jwt),
            expires_on: now + time::Duration::minutes(5) + self.fresh_for,
        }
    }
}

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for FakeEntra {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        assert_eq!(scopes, ["https://storage.azure.com/.default"]);
        if self.reuse {
            let mut first = self.first.lock().unwrap();
            return Ok(first.get_or_insert_with(|| self.mint()).clone());
        }
        Ok(self.mint())
    }
}

/// Azurite over HTTPS with bearer tokens checked. The certificates are made
/// once per test binary and trusted through `SSL_CERT_FILE`, which is set
/// before the first client of the process exists.
pub fn emulator() -> Emulator {
    static CERTS: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    let (_, cert, key) = CERTS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (ca, cert, key) = make_certs(dir.path());
        // SAFETY: runs once, before any client (and its TLS roots) is built;
        // every test in a binary that uses this calls it first.
        unsafe { std::env::set_var("SSL_CERT_FILE", &ca) };
        (dir, cert, key)
    });
    Emulator::start_oauth(cert, key).unwrap()
}

/// A throwaway CA and a server certificate it signed (TLS clients refuse a
/// CA certificate as the server's own). Returns (CA, server cert, server key).
fn make_certs(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
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
