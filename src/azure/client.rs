//! One storage account's client: the official SDK client where it covers the
//! operation, and raw requests through the same signed pipeline where it does
//! not (hierarchical listing).

use super::account::{Account, Auth};
use super::listing::{BlobPage, ContainerEntry, ContainerPage, parse_blob_page};
use super::signing::{SasPolicy, SharedKeyPolicy};
use azure_core::{
    http::{
        ClientOptions, Context, ExponentialRetryOptions, Method, Pipeline, Request, RetryOptions,
        Transport, Url,
        policies::{Policy, auth::BearerTokenAuthorizationPolicy},
    },
    time::Duration,
};
use azure_storage_blob::{
    BlobServiceClient, BlobServiceClientOptions,
    models::{BlobServiceClientListContainersOptions, BlockBlobClientUploadOptions},
};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use std::{collections::HashMap, sync::Arc};

/// The Entra ID scope of the Blob data plane.
pub const STORAGE_SCOPE: &str = "https://storage.azure.com/.default";

/// Properties and metadata of one blob, as name/value pairs ready to show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlobDetails {
    pub properties: Vec<(String, String)>,
    pub metadata: Vec<(String, String)>,
    /// Index tags, sorted by key; `None` when they could not be read (no
    /// permission, a service without tags).
    pub tags: Option<Vec<(String, String)>>,
}

#[derive(Clone)]
pub struct StorageClient {
    account: Arc<Account>,
    service: Arc<BlobServiceClient>,
    pub(crate) pipeline: Pipeline,
    pub(crate) version: String,
    /// Whether the account has a hierarchical namespace, once asked
    /// ([`Self::hierarchical`]); shared by clones.
    hierarchical: Arc<std::sync::OnceLock<bool>>,
}

impl std::fmt::Debug for StorageClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageClient")
            .field("account", &self.account.name)
            .finish_non_exhaustive()
    }
}

fn client_options(
    account: &Account,
    max_retries: u32,
    lazy_version: bool,
) -> anyhow::Result<ClientOptions> {
    let mut per_try: Vec<Arc<dyn Policy>> = Vec::new();
    // First: the version it sets is signed by the policies after it.
    if lazy_version && let Some(p) = super::version::lazy_policy(account) {
        per_try.push(p);
    }
    match &account.auth {
        Auth::SharedKey { key } => per_try.push(Arc::new(SharedKeyPolicy::new(&account.name, key))),
        Auth::Sas { token, .. } => per_try.push(Arc::new(SasPolicy::new(token.clone()))),
        // The SDK adds bearer tokens itself; the raw pipeline gets the same policy below.
        Auth::Token(_) | Auth::Anonymous => {}
    }
    // A connect timeout, so an address that swallows packets fails in seconds
    // instead of leaving a listing spinning forever. reqwest honours HTTPS_PROXY.
    let http = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .read_timeout(std::time::Duration::from_secs(60))
        .build()?;
    Ok(ClientOptions {
        per_try_policies: per_try,
        // Few, quick retries: a person is waiting and the status line tells them what failed.
        retry: RetryOptions::exponential(ExponentialRetryOptions {
            initial_delay: Duration::milliseconds(200),
            max_retries,
            max_total_elapsed: Duration::seconds(20 * i64::from(max_retries.max(1))),
            max_delay: Duration::seconds(5),
        }),
        transport: Some(Transport::new(Arc::new(http))),
        ..Default::default()
    })
}

impl StorageClient {
    pub fn new(account: Account) -> anyhow::Result<Self> {
        Self::with_retries(account, 3)
    }

    /// A client that retries harder, for background transfers: nobody waits on
    /// each request, and a flaky network should cost time, not the transfer.
    pub fn for_transfers(account: Account) -> anyhow::Result<Self> {
        Self::with_retries(account, 8)
    }

    /// A client that sends `x-ms-version: version` instead of the SDK's own
    /// (for an older service that refuses the newer one).
    pub fn with_version(account: Account, version: &str) -> anyhow::Result<Self> {
        Self::build(account, 3, Some(version), false)
    }

    /// [`Self::for_transfers`] at `version`.
    pub fn for_transfers_with_version(account: Account, version: &str) -> anyhow::Result<Self> {
        Self::build(account, 8, Some(version), false)
    }

    /// The storage service version this client sends.
    pub fn service_version(&self) -> &str {
        &self.version
    }

    /// No retries: for a quick question whose failure is an answer (an
    /// emulator that is not running refuses the connection at once).
    /// (It never settles the version lazily: the version probe itself uses it.)
    pub fn without_retries(account: Account) -> anyhow::Result<Self> {
        Self::build(account, 0, None, false)
    }

    fn with_retries(account: Account, max_retries: u32) -> anyhow::Result<Self> {
        Self::build(account, max_retries, None, true)
    }

    fn build(
        account: Account,
        max_retries: u32,
        version: Option<&str>,
        lazy_version: bool,
    ) -> anyhow::Result<Self> {
        let options = client_options(&account, max_retries, lazy_version && version.is_none())?;
        let mut service_options = BlobServiceClientOptions {
            client_options: options.clone(),
            ..Default::default()
        };
        if let Some(v) = version.or(account.service_version.as_deref()) {
            service_options.version = v.to_string();
        }
        let version = service_options.version.clone();
        let token = match &account.auth {
            Auth::Token(credential) => Some(credential.clone()),
            _ => None,
        };
        let service = BlobServiceClient::new(
            account.blob_endpoint.clone(),
            token.clone(),
            Some(service_options),
        )?;
        let mut raw_per_try: Vec<Arc<dyn Policy>> = Vec::new();
        if let Some(credential) = token {
            raw_per_try.push(Arc::new(BearerTokenAuthorizationPolicy::new(
                credential,
                vec![STORAGE_SCOPE],
            )));
        }
        let pipeline = Pipeline::new(
            Some(env!("CARGO_PKG_NAME")),
            Some(env!("CARGO_PKG_VERSION")),
            options,
            Vec::new(),
            raw_per_try,
            None,
        );
        Ok(Self {
            account: Arc::new(account),
            service: Arc::new(service),
            pipeline,
            version,
            hierarchical: Arc::default(),
        })
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    /// Whether the account has a hierarchical namespace (Data Lake Storage
    /// Gen2): asked once (Get Account Information), then remembered by this
    /// client and its clones. An account that answers no (no permission,
    /// anonymous access) counts as flat; when the network fails this says
    /// flat but remembers nothing (see [`Self::try_hierarchical`]).
    pub async fn hierarchical(&self) -> bool {
        self.try_hierarchical().await.unwrap_or(false)
    }

    /// [`Self::hierarchical`], with the network's failure as an error: a
    /// listing that needs the answer fails as it would have anyway, instead
    /// of treating a data lake's directories as files.
    pub async fn try_hierarchical(&self) -> azure_core::Result<bool> {
        if let Some(known) = self.hierarchical.get() {
            return Ok(*known);
        }
        match super::datalake::account_info(self).await {
            Ok(info) => Ok(*self.hierarchical.get_or_init(|| info.hierarchical)),
            // The network, or a service error (5xx): not an answer.
            Err(super::http::OpError::Service(e))
                if !matches!(e.http_status().map(u16::from), Some(400..=499)) =>
            {
                tracing::debug!(account = %self.account.name, error = %e, "account kind unknown");
                Err(e)
            }
            // Refused (no permission, anonymous, an old service): flat.
            Err(e) => {
                tracing::debug!(account = %self.account.name, error = %e, "account kind: flat");
                Ok(*self.hierarchical.get_or_init(|| false))
            }
        }
    }

    /// [`Self::hierarchical`] if already known, without asking.
    pub fn known_hierarchical(&self) -> Option<bool> {
        self.hierarchical.get().copied()
    }

    /// Pages of containers, as the service returns them.
    pub fn list_containers(
        &self,
        prefix: Option<String>,
    ) -> impl Stream<Item = azure_core::Result<ContainerPage>> + Send + 'static {
        let pager = self
            .service
            .list_containers(Some(BlobServiceClientListContainersOptions {
                prefix,
                maxresults: Some(5000),
                ..Default::default()
            }));
        async_stream_pages(pager)
    }

    /// Every container's name.
    pub async fn container_names(&self) -> azure_core::Result<Vec<String>> {
        use futures::StreamExt as _;
        let mut names = Vec::new();
        let mut pages = std::pin::pin!(self.list_containers(None));
        while let Some(page) = pages.next().await {
            names.extend(page?.containers.into_iter().map(|c| c.name));
        }
        Ok(names)
    }

    /// One page of a blob listing. With `delimiter`, names below the next
    /// delimiter are rolled up into virtual folders.
    pub async fn list_blobs_page(
        &self,
        container: &str,
        prefix: &str,
        delimiter: Option<&str>,
        marker: Option<&str>,
        max_results: u32,
    ) -> azure_core::Result<BlobPage> {
        // A directory of a hierarchical account is told from an empty file
        // only by its metadata; flat accounts do without it (smaller pages).
        let include = self.try_hierarchical().await?.then_some("metadata");
        let body = self
            .get_xml(self.list_url(container, prefix, delimiter, marker, max_results, include))
            .await?;
        parse_blob_page(&body).map_err(|e| {
            azure_core::Error::with_message(azure_core::error::ErrorKind::DataConversion, e)
        })
    }

    /// The raw body of one List Blobs page, unparsed (the benchmark's floor).
    pub async fn raw_list_body(
        &self,
        container: &str,
        prefix: &str,
        delimiter: Option<&str>,
        marker: Option<&str>,
        max_results: u32,
    ) -> azure_core::Result<String> {
        self.get_xml(self.list_url(container, prefix, delimiter, marker, max_results, None))
            .await
    }

    /// The raw body of one List Blobs page asking for more per blob
    /// (`include=metadata` and the like): the walker parses it itself.
    pub async fn list_body_including(
        &self,
        container: &str,
        prefix: &str,
        delimiter: Option<&str>,
        marker: Option<&str>,
        max_results: u32,
        include: Option<&str>,
    ) -> azure_core::Result<String> {
        let url = self.list_url(container, prefix, delimiter, marker, max_results, include);
        self.get_xml(url).await
    }

    /// All properties and metadata of a blob (one HEAD request).
    pub async fn blob_details(
        &self,
        container: &str,
        blob: &str,
    ) -> azure_core::Result<BlobDetails> {
        let client = self.service.blob_client(container, blob);
        let response = client.get_properties(None).await?;
        let mut details = BlobDetails::default();
        for (name, value) in response.headers().iter() {
            let name = name.as_str();
            if let Some(key) = name.strip_prefix("x-ms-meta-") {
                details
                    .metadata
                    .push((key.to_string(), value.as_str().to_string()));
            } else if is_blob_property(name) {
                details
                    .properties
                    .push((name.to_string(), value.as_str().to_string()));
            }
        }
        details.properties.sort();
        details.metadata.sort();
        Ok(details)
    }

    pub async fn create_container(&self, name: &str) -> azure_core::Result<()> {
        self.service
            .blob_container_client(name)
            .create(None)
            .await?;
        Ok(())
    }

    /// Single-shot upload of a small blob (seeding, tests).
    pub async fn put_blob(
        &self,
        container: &str,
        name: &str,
        data: Bytes,
        content_type: Option<&str>,
        metadata: HashMap<String, String>,
    ) -> azure_core::Result<()> {
        let client = self
            .service
            .blob_client(container, name)
            .block_blob_client();
        let options = BlockBlobClientUploadOptions {
            blob_content_type: content_type.map(str::to_string),
            metadata: (!metadata.is_empty()).then_some(metadata),
            ..Default::default()
        };
        client.upload(data.into(), Some(options)).await?;
        Ok(())
    }

    fn list_url(
        &self,
        container: &str,
        prefix: &str,
        delimiter: Option<&str>,
        marker: Option<&str>,
        max_results: u32,
        include: Option<&str>,
    ) -> Url {
        let mut url = self.container_url(container);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("restype", "container")
                .append_pair("comp", "list");
            if !prefix.is_empty() {
                q.append_pair("prefix", prefix);
            }
            if let Some(d) = delimiter {
                q.append_pair("delimiter", d);
            }
            if let Some(m) = marker {
                q.append_pair("marker", m);
            }
            q.append_pair("maxresults", &max_results.to_string());
            if let Some(include) = include {
                q.append_pair("include", include);
            }
        }
        // Form encoding writes a space as `+`, which the service reads as a
        // plus sign (and the signature then differs): spell it %20. A real
        // `+` was already written as %2B.
        let query = url.query().map(|q| q.replace('+', "%20"));
        url.set_query(query.as_deref());
        url
    }

    pub(crate) fn container_url(&self, container: &str) -> Url {
        let mut url = self.account.blob_endpoint.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push(container);
        }
        url
    }

    /// Sends a request built by the caller (container ACL, blob actions the
    /// SDK lacks) through the same signed pipeline, with our service version.
    /// Any status outside 2xx comes back as the SDK's HTTP error.
    pub(crate) async fn send_request(
        &self,
        mut request: Request,
    ) -> azure_core::Result<azure_core::http::RawResponse> {
        request.insert_header("x-ms-version", self.version.clone());
        self.pipeline
            .send(&Context::new(), &mut request, None)
            .await
    }

    async fn get_xml(&self, url: Url) -> azure_core::Result<String> {
        let mut request = Request::new(url, Method::Get);
        request.insert_header("accept", "application/xml");
        request.insert_header("x-ms-version", self.version.clone());
        let response = self
            .pipeline
            .send(&Context::new(), &mut request, None)
            .await?;
        let status = response.status();
        let (_, headers, body) = response.deconstruct();
        if !status.is_success() {
            let raw = azure_core::http::RawResponse::from_bytes(status, headers, body);
            return Err(super::error::from_response(raw));
        }
        String::from_utf8(body.to_vec()).map_err(|e| {
            azure_core::Error::with_message(
                azure_core::error::ErrorKind::DataConversion,
                format!("listing is not UTF-8: {e}"),
            )
        })
    }
}

/// Response headers that describe the blob itself (not the request).
fn is_blob_property(name: &str) -> bool {
    const PLAIN: &[&str] = &[
        "content-length",
        "content-type",
        "content-md5",
        "content-encoding",
        "content-language",
        "content-disposition",
        "cache-control",
        "etag",
        "last-modified",
        "accept-ranges",
    ];
    const SERVICE_NOISE: &[&str] = &[
        "x-ms-request-id",
        "x-ms-client-request-id",
        "x-ms-version",
        "x-ms-date",
    ];
    PLAIN.contains(&name) || (name.starts_with("x-ms-") && !SERVICE_NOISE.contains(&name))
}

fn async_stream_pages(
    pager: azure_core::Result<
        azure_core::http::Pager<
            azure_storage_blob::models::ListContainersResponse,
            azure_core::http::XmlFormat,
        >,
    >,
) -> impl Stream<Item = azure_core::Result<ContainerPage>> + Send + 'static {
    match pager {
        Err(e) => futures::stream::once(async move { Err(e) }).left_stream(),
        Ok(pager) => pager
            .into_pages()
            .map(|page| {
                let body = page?.into_model()?;
                Ok(ContainerPage {
                    containers: body
                        .container_items
                        .into_iter()
                        .filter_map(|c| {
                            let props = c.properties.unwrap_or_default();
                            Some(ContainerEntry {
                                name: c.name?,
                                last_modified: props.last_modified.map(|t| t.unix_timestamp()),
                                public_access: props.public_access.map(|p| p.to_string()),
                                lease_state: props.lease_state.map(|l| l.to_string()),
                            })
                        })
                        .collect(),
                    next_marker: body.next_marker.filter(|m| !m.is_empty()),
                })
            })
            .right_stream(),
    }
}
