//! Older services: a service that refuses blobx's `x-ms-version` (an Azurite
//! before the SDK's version without `--skipApiVersionCheck`, Azure Stack Hub)
//! is asked again with older versions, newest first, and the newest it
//! accepts is used for that account from then on.

use super::account::Account;
use super::client::StorageClient;
use super::error::service_message;
use super::http::{error_code, http_status};
use azure_core::error::ErrorKind;
use azure_core::http::{Method, Request};

/// Storage service versions, newest first (from the REST reference's
/// versioning page); probing stops at the first one the service takes.
pub const KNOWN_VERSIONS: &[&str] = &[
    "2026-02-06",
    "2025-11-05",
    "2025-07-05",
    "2025-05-05",
    "2025-01-05",
    "2024-11-04",
    "2024-08-04",
    "2024-05-04",
    "2024-02-04",
    "2023-11-03",
    "2023-08-03",
    "2023-01-03",
    "2022-11-02",
    "2021-12-02",
    "2021-10-04",
    "2021-08-06",
    "2021-06-08",
    "2021-04-10",
    "2021-02-12",
    "2020-12-06",
    "2020-10-02",
    "2020-08-04",
    "2020-06-12",
    "2020-04-08",
    "2020-02-10",
    "2019-12-12",
    "2019-10-10",
    "2019-07-07",
    "2019-02-02",
    "2018-11-09",
    "2018-03-28",
    "2017-11-09",
];

/// Whether the service refused the request for its `x-ms-version`.
pub fn refuses_version(err: &azure_core::Error) -> bool {
    if http_status(err) != Some(400) {
        return false;
    }
    let code = error_code(err).unwrap_or("");
    let body = match err.kind() {
        ErrorKind::HttpResponse {
            raw_response: Some(r),
            ..
        } => String::from_utf8_lossy(r.body()).into_owned(),
        _ => String::new(),
    };
    let message = service_message(body.as_bytes())
        .unwrap_or_default()
        .to_lowercase();
    matches!(
        code,
        "InvalidHeaderValue" | "InvalidVersionForThisOperation" | "UnsupportedHeader"
    ) && (body.contains("<HeaderName>x-ms-version</HeaderName>")
        || message.contains("api version")
        || message.contains("x-ms-version"))
}

/// What features a service version lacks, in a sentence (for the account node).
pub fn lacks(version: &str) -> String {
    let mut off = Vec::new();
    if version < "2019-12-12" {
        off.push("blob versions and index tags");
    }
    if version < "2020-10-02" {
        off.push("blobs deleted under versioning");
    }
    if version < "2019-02-02" {
        off.push("user delegation SAS");
    }
    if off.is_empty() {
        "features newer than it may be refused".to_string()
    } else {
        format!("{} are off", off.join(", "))
    }
}

/// A cheap read: the first container.
async fn accepts(client: &StorageClient) -> azure_core::Result<()> {
    let mut url = client.account().blob_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("comp", "list")
        .append_pair("maxresults", "1");
    let mut request = Request::new(url, Method::Get);
    request.insert_header("accept", "application/xml");
    client.send_request(request).await.map(|_| ())
}

/// Services in Azure's clouds take the SDK's version; others (the emulator,
/// Azure Stack Hub, a custom endpoint) may not.
pub fn may_refuse(account: &Account) -> bool {
    let host = account.blob_endpoint.host_str().unwrap_or("");
    account.is_emulator
        || ![
            ".core.windows.net",
            ".core.chinacloudapi.cn",
            ".core.usgovcloudapi.net",
        ]
        .iter()
        .any(|suffix| host.ends_with(suffix))
}

/// For a command line run: one cheap read at the SDK's version; when the
/// service refuses it, the newest version it accepts (`(refused, accepted)`).
/// `None` when the version is fine, or something else is wrong (that error
/// comes up again, in words, from the command itself), or nothing answers
/// within `wait`.
pub async fn probe(account: &Account, wait: std::time::Duration) -> Option<(String, String)> {
    let client = StorageClient::without_retries(account.clone()).ok()?;
    let refused = client.service_version().to_string();
    let work = async {
        match accepts(&client).await {
            Err(e) if refuses_version(&e) => newest_accepted(account, &refused).await,
            _ => None,
        }
    };
    let accepted = tokio::time::timeout(wait, work).await.ok()??;
    Some((refused, accepted))
}

/// The newest version older than `refused` that the service accepts, if any.
/// `None` when none does (or the failure is not about the version).
pub async fn newest_accepted(account: &Account, refused: &str) -> Option<String> {
    for v in KNOWN_VERSIONS.iter().filter(|v| **v < refused) {
        let Ok(client) = StorageClient::with_version(account.clone(), v) else {
            return None;
        };
        match accepts(&client).await {
            Ok(()) => return Some(v.to_string()),
            Err(e) if refuses_version(&e) => continue,
            // Refused for another reason (credentials, network): the version
            // is not what stands in the way.
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{RawResponse, StatusCode, headers::Headers};

    fn refusal(code: &str, body: &str) -> azure_core::Error {
        let mut headers = Headers::new();
        headers.insert("x-ms-error-code", code.to_string());
        super::super::error::from_response(RawResponse::from_bytes(
            StatusCode::BadRequest,
            headers,
            body.as_bytes().to_vec(),
        ))
    }

    #[test]
    fn a_version_refusal_is_told_from_other_bad_headers() {
        let azurite = "<Error><Code>InvalidHeaderValue</Code><Message>The API version 2026-04-06 is not supported by Azurite. Please upgrade Azurite to latest version and retry.</Message></Error>";
        assert!(refuses_version(&refusal("InvalidHeaderValue", azurite)));
        let azure = "<Error><Code>InvalidHeaderValue</Code><Message>The value for one of the HTTP headers is not in the correct format.</Message><HeaderName>x-ms-version</HeaderName><HeaderValue>2026-04-06</HeaderValue></Error>";
        assert!(refuses_version(&refusal("InvalidHeaderValue", azure)));
        let other = "<Error><Code>InvalidHeaderValue</Code><Message>The value for one of the HTTP headers is not in the correct format.</Message><HeaderName>x-ms-blob-type</HeaderName></Error>";
        assert!(!refuses_version(&refusal("InvalidHeaderValue", other)));
        assert!(
            KNOWN_VERSIONS.windows(2).all(|w| w[0] > w[1]),
            "newest first"
        );
        assert!(lacks("2019-07-07").contains("blob versions"));
    }
}

/// Command line runs settle the version lazily (see [`settle_lazily`]).
static LAZY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// How the user hears of a settled version (account label, refused, accepted).
static NOTE: std::sync::OnceLock<fn(&str, &str, &str)> = std::sync::OnceLock::new();
type Settled = std::sync::Arc<tokio::sync::OnceCell<Option<String>>>;
/// By blob endpoint: the version settled for it (`None`: the SDK's is fine).
static SETTLED: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, Settled>>> =
    std::sync::LazyLock::new(Default::default);

/// For a command line run: a service that may refuse the SDK's version is
/// probed on the first request to it (not before the command has checked
/// its input, so bad input sends nothing), once per endpoint, and the
/// version it accepts used from then on; `note` tells the user.
pub fn settle_lazily(note: fn(&str, &str, &str)) {
    let _ = NOTE.set(note);
    LAZY.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// The policy that settles `account`'s version on its first request, when
/// lazy settling is on and the account may need it.
pub(super) fn lazy_policy(
    account: &Account,
) -> Option<std::sync::Arc<dyn azure_core::http::policies::Policy>> {
    (LAZY.load(std::sync::atomic::Ordering::Relaxed)
        && account.service_version.is_none()
        && may_refuse(account))
    .then(|| {
        std::sync::Arc::new(LazyVersion {
            account: account.clone(),
        }) as std::sync::Arc<dyn azure_core::http::policies::Policy>
    })
}

#[derive(Debug)]
struct LazyVersion {
    account: Account,
}

#[async_trait::async_trait]
impl azure_core::http::policies::Policy for LazyVersion {
    async fn send(
        &self,
        ctx: &azure_core::http::Context,
        request: &mut Request,
        next: &[std::sync::Arc<dyn azure_core::http::policies::Policy>],
    ) -> azure_core::http::policies::PolicyResult {
        let cell = {
            let mut map = SETTLED.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(self.account.blob_endpoint.to_string())
                .or_default()
                .clone()
        };
        let accepted = cell
            .get_or_init(|| async {
                let found = probe(&self.account, std::time::Duration::from_secs(3)).await;
                if let (Some((refused, accepted)), Some(note)) = (&found, NOTE.get()) {
                    note(&self.account.label, refused, accepted);
                }
                found.map(|(_, accepted)| accepted)
            })
            .await;
        if let Some(v) = accepted {
            request.insert_header("x-ms-version", v.clone());
        }
        next[0].send(ctx, request, &next[1..]).await
    }
}
