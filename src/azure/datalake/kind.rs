//! Get Account Information (`?restype=account&comp=properties`): the SKU,
//! the account kind and whether the hierarchical namespace is on.

use crate::azure::client::StorageClient;
use crate::azure::http::{OpResult, header, request, with_query};
use azure_core::http::Method;

/// What Get Account Information says about an account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountInfo {
    /// `x-ms-is-hns-enabled`: a Data Lake Storage Gen2 account.
    pub hierarchical: bool,
    /// `x-ms-sku-name`, e.g. `Standard_LRS`.
    pub sku: Option<String>,
    /// `x-ms-account-kind`, e.g. `StorageV2`.
    pub kind: Option<String>,
}

impl AccountInfo {
    /// Reads the answer's headers (missing `x-ms-is-hns-enabled` is a flat account).
    pub fn from_headers(get: impl Fn(&'static str) -> Option<String>) -> Self {
        Self {
            hierarchical: get("x-ms-is-hns-enabled")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
            sku: get("x-ms-sku-name").filter(|s| !s.is_empty()),
            kind: get("x-ms-account-kind").filter(|s| !s.is_empty()),
        }
    }
}

/// One GET on the account (on the container for a container SAS, which the
/// service allows).
pub async fn account_info(client: &StorageClient) -> OpResult<AccountInfo> {
    let base = match &client.account().container {
        Some(c) => client.container_url(c),
        None => client.account().blob_endpoint.clone(),
    };
    let url = with_query(base, &[("restype", "account"), ("comp", "properties")]);
    let r = client
        .send_request(request(Method::Get, url, Vec::new()))
        .await?;
    Ok(AccountInfo::from_headers(|name| header(&r, name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_headers() {
        let hns = AccountInfo::from_headers(|n| match n {
            "x-ms-is-hns-enabled" => Some("true".into()),
            "x-ms-sku-name" => Some("Standard_RAGRS".into()),
            "x-ms-account-kind" => Some("StorageV2".into()),
            _ => None,
        });
        assert!(hns.hierarchical);
        assert_eq!(hns.sku.as_deref(), Some("Standard_RAGRS"));
        let flat =
            AccountInfo::from_headers(|n| (n == "x-ms-is-hns-enabled").then(|| "false".into()));
        assert!(!flat.hierarchical);
        assert!(!AccountInfo::from_headers(|_| None).hierarchical);
    }
}
