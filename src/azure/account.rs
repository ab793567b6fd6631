//! Which storage account to talk to and how to authenticate.

use super::connection::{Credential, ParsedAccount, SasInfo};
use super::secret::Secret;
use azure_core::credentials::TokenCredential;
use azure_core::http::Url;
use std::sync::Arc;

/// Azurite's documented well-known development account.
pub const EMULATOR_ACCOUNT: &str = "devstoreaccount1";
/// Azurite's documented well-known key. Public by design; it only opens the local emulator.
pub const EMULATOR_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
/// Where a default Azurite listens for the Blob service.
pub const EMULATOR_HOST: &str = "http://127.0.0.1:10000";

#[derive(Clone)]
pub enum Auth {
    /// Shared-key signing with the account key.
    SharedKey { key: Secret },
    /// A SAS token added to every request.
    Sas { token: Secret, info: SasInfo },
    /// Microsoft Entra ID bearer tokens (RBAC on the data plane).
    Token(Arc<dyn TokenCredential>),
    /// No credential: public containers only.
    Anonymous,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::SharedKey { .. } => f.write_str("SharedKey(***)"),
            Auth::Sas { info, .. } => write!(f, "Sas(***, {info:?})"),
            Auth::Token(_) => f.write_str("Token(***)"),
            Auth::Anonymous => f.write_str("Anonymous"),
        }
    }
}

/// Where an account came from; the tree groups accounts by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Emulator,
    Attached,
    Environment,
    Entra,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Emulator => "Local emulator",
            Source::Attached => "Attached",
            Source::Environment => "Environment",
            Source::Entra => "Microsoft Entra ID",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Account {
    /// Stable id: the key of its secret, and how the config refers to it.
    pub id: String,
    /// What the tree shows.
    pub label: String,
    /// The storage account name (signing needs it; path-style endpoints contain it).
    pub name: String,
    /// The Blob service endpoint, e.g. `https://acct.blob.core.windows.net/` or
    /// `http://127.0.0.1:10000/devstoreaccount1`. Never holds a secret.
    pub blob_endpoint: Url,
    pub auth: Auth,
    /// True for the local emulator, so errors can say how to start one.
    pub is_emulator: bool,
    /// A container-level SAS reaches only this container.
    pub container: Option<String>,
    pub source: Source,
    /// One line about the account (kind, SKU, SAS expiry…), shown on its node.
    pub note: Option<String>,
    /// Marked read-only by the user: nothing that changes it is allowed.
    pub readonly: bool,
    /// Its Azure Resource Manager resource id
    /// (`/subscriptions/…/storageAccounts/NAME`), known for accounts found
    /// through Microsoft Entra ID: their Resource Manager settings and
    /// lifecycle rules are reached through it.
    pub arm_id: Option<String>,
    /// The storage service version to send when the service refuses the
    /// SDK's (an older Azurite, Azure Stack Hub); `None`: the SDK's.
    pub service_version: Option<String>,
    /// The Data Lake (dfs) endpoint when it is not the blob endpoint's twin
    /// (`acct.dfs.core.windows.net`): set for the emulator, which has none,
    /// when tests point it at a stub (`--dfs-endpoint`).
    pub dfs_endpoint: Option<Url>,
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
            id: "emulator".into(),
            label: format!("{EMULATOR_ACCOUNT} (emulator)"),
            name: EMULATOR_ACCOUNT.to_string(),
            blob_endpoint,
            auth: Auth::SharedKey {
                key: Secret::new(EMULATOR_KEY),
            },
            is_emulator: true,
            container: None,
            source: Source::Emulator,
            note: None,
            readonly: false,
            arm_id: None,
            service_version: None,
            dfs_endpoint: None,
        })
    }

    /// Stands in for an account that could not be loaded; it sends no requests.
    pub fn placeholder(id: &str, label: &str, source: Source, endpoint: Option<&str>) -> Self {
        #[allow(clippy::expect_used)] // a constant that always parses
        let blob_endpoint = endpoint
            .and_then(|e| Url::parse(e).ok())
            .unwrap_or_else(|| Url::parse("https://invalid.invalid").expect("constant URL"));
        Self {
            id: id.to_string(),
            label: label.to_string(),
            name: label.to_string(),
            blob_endpoint,
            auth: Auth::Anonymous,
            is_emulator: false,
            container: None,
            source,
            note: None,
            readonly: false,
            arm_id: None,
            service_version: None,
            dfs_endpoint: None,
        }
    }

    pub fn from_parsed(id: &str, label: &str, source: Source, parsed: ParsedAccount) -> Self {
        let (auth, note) = match parsed.credential {
            Credential::Key(key) => (Auth::SharedKey { key }, Some("account key".to_string())),
            Credential::Sas { token, info } => {
                let note = sas_note(&info, parsed.container.as_deref());
                (Auth::Sas { token, info }, Some(note))
            }
            Credential::Anonymous => (Auth::Anonymous, Some("anonymous".to_string())),
        };
        Self {
            id: id.to_string(),
            label: if label.is_empty() {
                parsed.name.clone()
            } else {
                label.to_string()
            },
            name: parsed.name,
            blob_endpoint: parsed.blob_endpoint,
            auth,
            is_emulator: parsed.is_emulator,
            container: parsed.container,
            source,
            note,
            readonly: false,
            arm_id: None,
            service_version: None,
            dfs_endpoint: None,
        }
    }

    /// `scheme://host:port` of the endpoint, for messages.
    pub fn host(&self) -> String {
        let url = &self.blob_endpoint;
        match url.port() {
            Some(p) => format!("{}://{}:{}", url.scheme(), url.host_str().unwrap_or("?"), p),
            None => format!("{}://{}", url.scheme(), url.host_str().unwrap_or("?")),
        }
    }

    /// The Data Lake (dfs) endpoint: the one set, else the blob endpoint's
    /// twin (`acct.blob.…` → `acct.dfs.…`); `None` when there is none (the
    /// emulator, a custom domain).
    pub fn dfs_base(&self) -> Option<Url> {
        if let Some(u) = &self.dfs_endpoint {
            return Some(u.clone());
        }
        let host = self.blob_endpoint.host_str()?;
        let (account, rest) = host.split_once(".blob.")?;
        let mut url = self.blob_endpoint.clone();
        url.set_host(Some(&format!("{account}.dfs.{rest}"))).ok()?;
        Some(url)
    }

    /// The SAS details, if this account uses one.
    pub fn sas(&self) -> Option<&SasInfo> {
        match &self.auth {
            Auth::Sas { info, .. } => Some(info),
            _ => None,
        }
    }

    /// Whether the credential allows an operation letter (`l` list, `r` read, …).
    /// Keys and tokens are checked by the service instead.
    pub fn allows(&self, letter: char) -> bool {
        self.sas().is_none_or(|s| s.allows(letter))
    }
}

/// "SAS · container data · rl · expires 2026-12-01 00:00 UTC"
pub fn sas_note(info: &SasInfo, container: Option<&str>) -> String {
    let mut parts = vec!["SAS".to_string()];
    if let Some(c) = container {
        parts.push(format!("container {c}"));
    }
    if !info.permissions.is_empty() {
        parts.push(format!("permissions {}", info.permissions));
    }
    if let Some(p) = &info.policy {
        parts.push(format!("policy {p}"));
    }
    if let Some(se) = info.expiry {
        parts.push(format!("expires {}", super::connection::format_time(se)));
    }
    parts.join(" · ")
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

    #[test]
    fn debug_never_shows_keys() {
        let a = Account::emulator("http://127.0.0.1:10000").unwrap();
        assert!(!format!("{a:?}").contains(EMULATOR_KEY));
    }
}
