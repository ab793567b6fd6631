//! The containers a batch writes into that do not exist yet. Nothing creates
//! one silently: the command line refuses without `--create-container`, and
//! the TUI can ask, both naming the existing containers close to the one typed
//! (a typo is the usual reason).

use super::model::{Endpoint, ItemSpec};
use crate::azure::StorageClient;

/// A target container that is not there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingContainer {
    /// Index of the account (as in `ItemSpec` endpoints).
    pub account: usize,
    pub name: String,
    /// Existing containers of that account with a close name, closest first.
    pub close: Vec<String>,
}

impl MissingContainer {
    /// "container datasest does not exist (did you mean datasets?)"
    pub fn describe(&self) -> String {
        let mut s = format!("container {} does not exist", self.name);
        if !self.close.is_empty() {
            s.push_str(&format!(" (did you mean {}?)", self.close.join(", ")));
        }
        s
    }
}

/// The containers `specs` write into, once each: (account, container).
pub fn target_containers(specs: &[ItemSpec]) -> Vec<(usize, String)> {
    let mut targets: Vec<(usize, String)> = specs
        .iter()
        .filter_map(|s| match &s.target {
            Endpoint::Blob {
                account, container, ..
            } => Some((*account, container.clone())),
            Endpoint::Local(_) => None,
        })
        .collect();
    targets.sort();
    targets.dedup();
    targets
}

/// Every target container of `specs` that does not exist, with the close names.
pub async fn missing_containers(
    specs: &[ItemSpec],
    client_for: impl Fn(usize) -> Option<StorageClient>,
) -> Result<Vec<MissingContainer>, String> {
    let mut missing = Vec::new();
    for (account, name) in target_containers(specs) {
        let client = client_for(account).ok_or_else(|| format!("no account for {name}"))?;
        let describe = |e: azure_core::Error| {
            format!(
                "{name}: {}",
                crate::azure::describe_error(&e, client.account())
            )
        };
        if client.container_exists(&name).await.map_err(describe)? {
            continue;
        }
        let existing = client.container_names().await.map_err(describe)?;
        let close = crate::azure::naming::close_names(&name, existing.iter().map(String::as_str));
        missing.push(MissingContainer {
            account,
            name,
            close,
        });
    }
    Ok(missing)
}
