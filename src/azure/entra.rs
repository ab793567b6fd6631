//! Microsoft Entra ID: which credential to use, and discovery of storage
//! accounts through Azure Resource Manager (subscriptions, then accounts).

use super::account::{Account, Auth, Source};
use azure_core::credentials::TokenCredential;
use azure_core::http::Url;
use serde::Deserialize;
use std::sync::Arc;

pub const ARM_ENDPOINT: &str = "https://management.azure.com";
const ARM_SCOPE: &str = "https://management.azure.com/.default";
const SUBSCRIPTIONS_API: &str = "2022-12-01";
const STORAGE_API: &str = "2023-05-01";

/// The sign-in chain (service principal, managed identity, `az login`,
/// `azd auth login`; see `sign_in`) and the member it will try first. When
/// every member fails, the error names each and why.
pub fn credential(
    get: impl Fn(&str) -> Option<String>,
) -> Result<(Arc<dyn TokenCredential>, &'static str), String> {
    let chain = super::sign_in::from_env(get);
    let first = chain.first_usable();
    Ok((Arc::new(chain), first))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: String,
    pub name: String,
}

/// A storage account as ARM describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredAccount {
    pub subscription: String,
    pub name: String,
    pub blob_endpoint: String,
    pub kind: String,
    pub sku: String,
    pub location: String,
    pub public_access_allowed: Option<bool>,
    /// Its resource id, when Resource Manager sent one.
    pub id: Option<String>,
}

impl DiscoveredAccount {
    pub fn note(&self) -> String {
        let public = match self.public_access_allowed {
            Some(true) => "public access allowed",
            Some(false) => "public access off",
            None => "public access unknown",
        };
        format!(
            "{} · {} · {} · {} · {}",
            self.subscription, self.kind, self.sku, self.location, public
        )
    }

    /// The data-plane account, authorised with the same Entra credential (RBAC).
    pub fn account(&self, credential: Arc<dyn TokenCredential>) -> Result<Account, String> {
        let endpoint = Url::parse(self.blob_endpoint.trim_end_matches('/')).map_err(|e| {
            format!(
                "{}: blob endpoint {:?} is not a URL: {e}",
                self.name, self.blob_endpoint
            )
        })?;
        Ok(Account {
            id: format!("entra:{}:{}", self.subscription, self.name),
            label: self.name.clone(),
            name: self.name.clone(),
            blob_endpoint: endpoint,
            auth: Auth::Token(credential),
            is_emulator: false,
            container: None,
            source: Source::Entra,
            note: Some(self.note()),
            readonly: false,
            arm_id: self.id.clone(),
            service_version: None,
            dfs_endpoint: None,
        })
    }
}

#[derive(Deserialize)]
struct Page<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    #[serde(rename = "nextLink", default)]
    next_link: Option<String>,
}

#[derive(Deserialize)]
struct RawSubscription {
    #[serde(rename = "subscriptionId")]
    subscription_id: String,
    #[serde(rename = "displayName", default)]
    display_name: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Deserialize)]
struct RawAccount {
    #[serde(default)]
    id: Option<String>,
    name: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    sku: Option<RawSku>,
    #[serde(default)]
    properties: Option<RawProperties>,
}

#[derive(Deserialize)]
struct RawSku {
    name: String,
}

#[derive(Deserialize)]
struct RawProperties {
    #[serde(rename = "primaryEndpoints", default)]
    primary_endpoints: Option<RawEndpoints>,
    #[serde(rename = "allowBlobPublicAccess", default)]
    allow_blob_public_access: Option<bool>,
}

#[derive(Deserialize)]
struct RawEndpoints {
    #[serde(default)]
    blob: Option<String>,
}

/// A small ARM client: bearer token, JSON, `nextLink` paging.
pub struct Arm {
    endpoint: Url,
    credential: Arc<dyn TokenCredential>,
    http: reqwest::Client,
}

impl Arm {
    pub fn new(endpoint: &str, credential: Arc<dyn TokenCredential>) -> Result<Self, String> {
        let endpoint =
            Url::parse(endpoint).map_err(|e| format!("ARM endpoint {endpoint:?}: {e}"))?;
        let loopback = endpoint
            .host_str()
            .is_some_and(|h| h == "localhost" || h.starts_with("127.") || h == "[::1]");
        // Tokens travel over https only; plain http is allowed to this machine (a local stub).
        if endpoint.scheme() != "https" && !loopback {
            return Err(format!("ARM endpoint {endpoint} must use https"));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            endpoint,
            credential,
            http,
        })
    }

    async fn get_all<T: for<'de> Deserialize<'de>>(&self, first: Url) -> Result<Vec<T>, String> {
        let token = self
            .credential
            .get_token(&[ARM_SCOPE], None)
            .await
            .map_err(|e| {
                format!(
                    "could not sign in to Microsoft Entra ID: {}",
                    one_line(&e.to_string())
                )
            })?;
        let mut items = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 1000 {
                return Err(
                    "Azure Resource Manager kept returning more pages; stopped after 1,000".into(),
                );
            }
            let response = self
                .http
                .get(url.clone())
                .bearer_auth(token.token.secret())
                .send()
                .await
                .map_err(|e| format!("Azure Resource Manager did not answer: {e}"))?;
            let status = response.status();
            let body = response.text().await.map_err(|e| e.to_string())?;
            if !status.is_success() {
                return Err(match status.as_u16() {
                    401 => "Azure Resource Manager refused the sign-in (401); run az login again"
                        .to_string(),
                    403 => {
                        "your identity may not list these resources (403); ask for the Reader role"
                            .to_string()
                    }
                    s => format!("Azure Resource Manager answered {s}"),
                });
            }
            let page: Page<T> = serde_json::from_str(&body)
                .map_err(|e| format!("unexpected answer from Azure Resource Manager: {e}"))?;
            items.extend(page.value);
            next = match page.next_link.filter(|l| !l.is_empty()) {
                Some(link) => {
                    Some(Url::parse(&link).map_err(|e| format!("bad nextLink {link:?}: {e}"))?)
                }
                None => None,
            };
        }
        Ok(items)
    }

    /// Resource Manager for an account found through Entra ID, with the
    /// account's own credential, and its resource id. Other accounts are
    /// refused in words.
    pub fn for_account(endpoint: &str, account: &Account) -> Result<(Self, String), String> {
        let (Some(id), Auth::Token(credential)) = (&account.arm_id, &account.auth) else {
            return Err(format!(
                "{} was not reached through Microsoft Entra ID: its Resource Manager settings need an account found under the Entra ID node",
                account.label
            ));
        };
        Ok((Self::new(endpoint, credential.clone())?, id.clone()))
    }

    /// One storage resource as JSON: GET (no body), or PUT/PATCH with `body`.
    /// `path` is a resource id (`/subscriptions/…/storageAccounts/NAME/…`).
    pub async fn storage_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, String> {
        self.storage_json_opt(method, path, body, false)
            .await
            .map(Option::unwrap_or_default)
    }

    /// [`Arm::storage_json`]; with `missing_ok`, a 404 (no such resource,
    /// e.g. an account without a lifecycle policy) answers `None`.
    pub async fn storage_json_opt(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
        missing_ok: bool,
    ) -> Result<Option<serde_json::Value>, String> {
        let url = self.url(path, STORAGE_API)?;
        let token = self
            .credential
            .get_token(&[ARM_SCOPE], None)
            .await
            .map_err(|e| {
                format!(
                    "could not sign in to Microsoft Entra ID: {}",
                    one_line(&e.to_string())
                )
            })?;
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(token.token.secret());
        if let Some(b) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(b).map_err(|e| e.to_string())?);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("Azure Resource Manager did not answer: {e}"))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if missing_ok && status.as_u16() == 404 {
            return Ok(None);
        }
        if !status.is_success() {
            let said = super::error::service_message(text.as_bytes())
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            return Err(match status.as_u16() {
                401 => format!(
                    "Azure Resource Manager refused the sign-in (401){said}; run az login again"
                ),
                403 => format!(
                    "your identity may not change or read this account's settings (403){said}; it needs a role such as Storage Account Contributor"
                ),
                s => format!("Azure Resource Manager answered {s}{said}"),
            });
        }
        if text.trim().is_empty() {
            return Ok(Some(serde_json::Value::Null));
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("unexpected answer from Azure Resource Manager: {e}"))
    }

    fn url(&self, path: &str, api: &str) -> Result<Url, String> {
        let mut url = self.endpoint.join(path).map_err(|e| e.to_string())?;
        url.query_pairs_mut().append_pair("api-version", api);
        Ok(url)
    }

    pub async fn subscriptions(&self) -> Result<Vec<Subscription>, String> {
        let raw: Vec<RawSubscription> = self
            .get_all(self.url("/subscriptions", SUBSCRIPTIONS_API)?)
            .await?;
        Ok(raw
            .into_iter()
            .filter(|s| s.state.as_deref().is_none_or(|st| st == "Enabled"))
            .map(|s| Subscription {
                name: s.display_name.unwrap_or_else(|| s.subscription_id.clone()),
                id: s.subscription_id,
            })
            .collect())
    }

    pub async fn storage_accounts(
        &self,
        sub: &Subscription,
    ) -> Result<Vec<DiscoveredAccount>, String> {
        let path = format!(
            "/subscriptions/{}/providers/Microsoft.Storage/storageAccounts",
            sub.id
        );
        let raw: Vec<RawAccount> = self.get_all(self.url(&path, STORAGE_API)?).await?;
        Ok(raw
            .into_iter()
            .filter_map(|a| {
                let props = a.properties;
                let blob = props
                    .as_ref()
                    .and_then(|p| p.primary_endpoints.as_ref())
                    .and_then(|e| e.blob.clone());
                // Accounts without a Blob endpoint (e.g. FileStorage) cannot be browsed here.
                Some(DiscoveredAccount {
                    subscription: sub.name.clone(),
                    blob_endpoint: blob?,
                    kind: a.kind,
                    sku: a.sku.map(|s| s.name).unwrap_or_default(),
                    location: a.location,
                    public_access_allowed: props.and_then(|p| p.allow_blob_public_access),
                    name: a.name,
                    id: a.id,
                })
            })
            .collect())
    }

    /// Every storage account in every enabled subscription.
    pub async fn discover(&self) -> Result<(Vec<DiscoveredAccount>, usize), String> {
        let subs = self.subscriptions().await?;
        let mut all = Vec::new();
        for sub in &subs {
            all.extend(self.storage_accounts(sub).await?);
        }
        Ok((all, subs.len()))
    }
}

/// A message on one line (the status line), every reason kept.
fn one_line(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join("; ").chars().take(1200).collect()
}
