//! Signing in with Microsoft Entra ID: the credentials blobx tries, in
//! order, and when none works one message naming each and why it failed
//! (variables missing, no managed identity here, az CLI not logged in). The
//! SDK's own chain says only "Multiple errors were encountered…" on its first
//! line, which is all a status line can show.

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::{Error, ErrorKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One credential of the chain, or why it cannot even be tried.
pub struct Member {
    pub name: &'static str,
    pub credential: Result<Arc<dyn TokenCredential>, String>,
}

/// Tries each member until one gives a token, then keeps using that one.
pub struct SignInChain {
    members: Vec<Member>,
    chosen: AtomicUsize,
}

impl std::fmt::Debug for SignInChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.members.iter().map(|m| m.name).collect();
        f.debug_struct("SignInChain")
            .field("members", &names)
            .finish_non_exhaustive()
    }
}

const NONE_CHOSEN: usize = usize::MAX;

impl SignInChain {
    pub fn new(members: Vec<Member>) -> Self {
        Self {
            members,
            chosen: AtomicUsize::new(NONE_CHOSEN),
        }
    }

    /// The first member that can be tried (for the log: what blobx will use).
    pub fn first_usable(&self) -> &'static str {
        self.members
            .iter()
            .find(|m| m.credential.is_ok())
            .map_or("none", |m| m.name)
    }
}

/// Why a credential failed, in one line: the innermost cause (e.g. "Please
/// run 'az login' to setup account."), without the SDK's troubleshooting link.
pub fn reason(error: &Error) -> String {
    let mut deepest: &dyn std::error::Error = error;
    while let Some(next) = deepest.source() {
        deepest = next;
    }
    let text = deepest.to_string();
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("failed without a message");
    let mut line: String = line.chars().take(200).collect();
    if line.ends_with('.') {
        line.pop();
    }
    line
}

/// "tried service principal: …; managed identity: …; Azure CLI (az login): …"
pub fn failure_message(reasons: &[(&str, String)]) -> String {
    let tried: Vec<String> = reasons
        .iter()
        .map(|(name, why)| format!("{name}: {why}"))
        .collect();
    format!("tried {}", tried.join("; "))
}

#[async_trait::async_trait]
impl TokenCredential for SignInChain {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let chosen = self.chosen.load(Ordering::Relaxed);
        if let Some(Member {
            credential: Ok(c), ..
        }) = self.members.get(chosen)
        {
            return c.get_token(scopes, options).await;
        }
        let mut reasons = Vec::new();
        for (i, member) in self.members.iter().enumerate() {
            match &member.credential {
                Err(why) => reasons.push((member.name, why.clone())),
                Ok(c) => match c.get_token(scopes, options.clone()).await {
                    Ok(token) => {
                        self.chosen.store(i, Ordering::Relaxed);
                        tracing::info!(credential = member.name, "signed in with Entra ID");
                        return Ok(token);
                    }
                    Err(e) => reasons.push((member.name, reason(&e))),
                },
            }
        }
        let message = failure_message(&reasons);
        tracing::warn!(reasons = %message, "Entra ID sign-in failed");
        Err(Error::with_message(ErrorKind::Credential, message))
    }
}

/// The chain blobx uses: a service principal from its three variables, a
/// managed identity where the host offers one, then the developer tools.
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> SignInChain {
    let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
    const SP_VARS: [&str; 3] = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"];
    let service_principal = match (get(SP_VARS[0]), get(SP_VARS[1]), get(SP_VARS[2])) {
        (Some(tenant), Some(client), Some(secret)) => {
            azure_identity::ClientSecretCredential::new(&tenant, client, secret.into(), None)
                .map(|c| c as Arc<dyn TokenCredential>)
                .map_err(|e| reason(&e))
        }
        _ => {
            let missing: Vec<&str> = SP_VARS.into_iter().filter(|k| get(k).is_none()).collect();
            Err(format!("{} not set", missing.join(", ")))
        }
    };
    let offered = [
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
        "BLOBX_MANAGED_IDENTITY",
    ]
    .iter()
    .any(|k| get(k).is_some());
    let managed_identity = if offered {
        azure_identity::ManagedIdentityCredential::new(None)
            .map(|c| c as Arc<dyn TokenCredential>)
            .map_err(|e| reason(&e))
    } else {
        Err("none on this machine (IDENTITY_ENDPOINT and MSI_ENDPOINT not set)".to_string())
    };
    let az = azure_identity::AzureCliCredential::new(None)
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| reason(&e));
    let azd = azure_identity::AzureDeveloperCliCredential::new(None)
        .map(|c| c as Arc<dyn TokenCredential>)
        .map_err(|e| reason(&e));
    SignInChain::new(vec![
        Member {
            name: "service principal",
            credential: service_principal,
        },
        Member {
            name: "managed identity",
            credential: managed_identity,
        },
        Member {
            name: "Azure CLI (az login)",
            credential: az,
        },
        Member {
            name: "Azure Developer CLI (azd auth login)",
            credential: azd,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A credential that fails the way the SDK's do: a wrapper message with
    /// the real cause as its source.
    #[derive(Debug)]
    struct Failing(&'static str);

    #[async_trait::async_trait]
    impl TokenCredential for Failing {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            let cause = Error::with_message(ErrorKind::Credential, self.0);
            Err(Error::with_error(
                ErrorKind::Credential,
                cause,
                "AzureCliCredential authentication failed.\nTo troubleshoot, visit https://aka.ms/x",
            ))
        }
    }

    #[tokio::test]
    async fn a_failed_sign_in_names_every_credential_and_why() {
        let chain = SignInChain::new(vec![
            Member {
                name: "service principal",
                credential: Err("AZURE_CLIENT_SECRET not set".into()),
            },
            Member {
                name: "managed identity",
                credential: Err("none on this machine".into()),
            },
            Member {
                name: "Azure CLI (az login)",
                credential: Ok(Arc::new(Failing("Please run 'az login' to setup account."))),
            },
        ]);
        let err = chain.get_token(&["scope"], None).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "tried service principal: AZURE_CLIENT_SECRET not set; \
             managed identity: none on this machine; \
             Azure CLI (az login): Please run 'az login' to setup account"
        );
    }

    #[test]
    fn missing_variables_are_named() {
        let chain = from_env(|k| (k == "AZURE_TENANT_ID").then(|| "t".to_string()));
        let sp = &chain.members[0];
        assert_eq!(
            sp.credential.as_ref().err().map(String::as_str),
            Some("AZURE_CLIENT_ID, AZURE_CLIENT_SECRET not set")
        );
        assert!(
            chain.members[1].credential.is_err(),
            "no managed identity here"
        );
    }
}
