//! Which storage account to talk to and how to authenticate.

use super::secret::Secret;
use azure_core::http::Url;

/// Azurite's documented well-known development account.
pub const EMULATOR_ACCOUNT: &str = "devstoreaccount1";
/// Azurite's documented well-known key. Public by design; it only opens the local emulator.
pub const EMULATOR_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
/// Where a default Azurite listens for the Blob service.
pub const EMULATOR_HOST: &str = "http://127.0.0.1:10000";

#[derive(Clone, Debug)]
pub enum Auth {
    /// Shared-key signing with the account key.
    SharedKey { key: Secret },
    /// No credential: public containers, or a SAS already in the endpoint URL.
    Anonymous,
}

#[derive(Clone, Debug)]
pub struct Account {
    /// What the tree shows.
    pub label: String,
    /// The storage account name (signing needs it; path-style endpoints contain it).
    pub name: String,
    /// The Blob service endpoint, e.g. `https://acct.blob.core.windows.net/` or
    /// `http://127.0.0.1:10000/devstoreaccount1`.
    pub blob_endpoint: Url,
    pub auth: Auth,
    /// True for the local emulator, so errors can say how to start one.
    pub is_emulator: bool,
}

impl Account {
    /// The emulator account at `host` (scheme://host:port, no path).
    pub fn emulator(host: &str) -> anyhow::Result<Self> {
        let host = host.trim_end_matches('/');
        // No trailing slash: the SDK appends container names as path segments.
        let blob_endpoint = Url::parse(&format!("{host}/{EMULATOR_ACCOUNT}"))
            .map_err(|e| anyhow::anyhow!("emulator address {host:?} is not a URL: {e}"))?;
        if !matches!(blob_endpoint.scheme(), "http" | "https") {
            anyhow::bail!("emulator address {host:?} must start with http:// or https://");
        }
        Ok(Self {
            label: format!("{EMULATOR_ACCOUNT} (emulator)"),
            name: EMULATOR_ACCOUNT.to_string(),
            blob_endpoint,
            auth: Auth::SharedKey {
                key: Secret::new(EMULATOR_KEY),
            },
            is_emulator: true,
        })
    }

    /// `scheme://host:port` of the endpoint, for messages.
    pub fn host(&self) -> String {
        let url = &self.blob_endpoint;
        match url.port() {
            Some(p) => format!("{}://{}:{}", url.scheme(), url.host_str().unwrap_or("?"), p),
            None => format!("{}://{}", url.scheme(), url.host_str().unwrap_or("?")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emulator_endpoint_is_path_style() {
        let a = Account::emulator("http://127.0.0.1:10000").unwrap();
        assert_eq!(
            a.blob_endpoint.as_str(),
            "http://127.0.0.1:10000/devstoreaccount1"
        );
        assert_eq!(a.host(), "http://127.0.0.1:10000");
    }

    #[test]
    fn emulator_rejects_non_http() {
        assert!(Account::emulator("ftp://x").is_err());
        assert!(Account::emulator("not a url").is_err());
    }
}
