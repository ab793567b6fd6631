//! Shared-key signing as an `azure_core` pipeline policy.
//!
//! The official SDK only signs with Entra ID tokens. Account keys (and the
//! emulator) need the Shared Key scheme, which `reqsign-azure-storage` implements;
//! this policy adapts an `azure_core` request to it and copies the resulting
//! `x-ms-date` and `Authorization` headers back. It must run per try (after the
//! retry policy) so every attempt carries a fresh date.

use super::secret::Secret;
use async_trait::async_trait;
use azure_core::{
    error::ErrorKind,
    http::{
        Context, Request,
        policies::{Policy, PolicyResult},
    },
};
use reqsign_azure_storage::{RequestSigner, StaticCredentialProvider};
use reqsign_core::Signer;
use std::sync::Arc;

pub struct SharedKeyPolicy {
    signer: Signer<reqsign_azure_storage::Credential>,
}

impl std::fmt::Debug for SharedKeyPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedKeyPolicy(***)")
    }
}

impl SharedKeyPolicy {
    pub fn new(account_name: &str, key: &Secret) -> Self {
        let provider = StaticCredentialProvider::new_shared_key(account_name, key.expose());
        let signer = Signer::new(reqsign_core::Context::new(), provider, RequestSigner::new());
        Self { signer }
    }

    /// Signs one request outside a pipeline (a Blob Batch sub-request).
    pub(crate) async fn sign_request(&self, request: &mut Request) -> azure_core::Result<()> {
        self.sign(request).await
    }

    async fn sign(&self, request: &mut Request) -> azure_core::Result<()> {
        let fail = |msg: String| azure_core::Error::with_message(ErrorKind::Credential, msg);
        let mut builder = http::Request::builder()
            .method(request.method().as_str())
            .uri(request.url().as_str());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        // Shared Key signs Content-Length; the transport adds it later, so add it now.
        let has_length = request
            .headers()
            .iter()
            .any(|(n, _)| n.as_str() == "content-length");
        if let Some(len) = request.body().len().filter(|l| *l > 0 && !has_length) {
            builder = builder.header("content-length", len.to_string());
        }
        let (mut parts, ()) = builder
            .body(())
            .map_err(|e| fail(format!("cannot sign request: {e}")))?
            .into_parts();
        self.signer
            .sign(&mut parts, None)
            .await
            .map_err(|e| fail(format!("cannot sign request: {e}")))?;
        for name in ["x-ms-date", "authorization"] {
            if let Some(v) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
                request.insert_header(name, v.to_string());
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Policy for SharedKeyPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        self.sign(request).await?;
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// Adds a SAS token to every request's query, so the token lives in one place
/// (never in an endpoint URL that might be shown or logged).
pub struct SasPolicy {
    token: Secret,
}

impl std::fmt::Debug for SasPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SasPolicy(***)")
    }
}

impl SasPolicy {
    pub fn new(token: Secret) -> Self {
        Self { token }
    }
}

#[async_trait]
impl Policy for SasPolicy {
    async fn send(
        &self,
        ctx: &Context,
        request: &mut Request,
        next: &[Arc<dyn Policy>],
    ) -> PolicyResult {
        let url = request.url_mut();
        let has_sig = url.query_pairs().any(|(k, _)| k == "sig");
        if !has_sig {
            let token = self.token.expose().trim_start_matches('?');
            let query = match url.query() {
                Some(q) if !q.is_empty() => format!("{q}&{token}"),
                _ => token.to_string(),
            };
            url.set_query(Some(&query));
        }
        next[0].send(ctx, request, &next[1..]).await
    }
}
