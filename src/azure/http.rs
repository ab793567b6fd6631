//! What every hand-written request shares: the error type of service
//! actions, building a request, reading a header of the answer. Below
//! `ops`, `access`, `cors`, `history` and `sas`, so none of them needs another.

use super::account::Account;
use super::client::StorageClient;
use azure_core::http::{Method, RawResponse, Request, Url, headers::HeaderName};

/// Why an action did not happen, or did not finish.
#[derive(Debug)]
pub enum OpError {
    /// Refused before anything was sent (bad name, bad value).
    Invalid(String),
    /// Someone else changed the thing since it was read; nothing was written.
    Changed(String),
    /// Stopped on our side after the service answered (e.g. a copy that did
    /// not verify); the sentence says what was and was not done.
    Failed(String),
    /// The service or the network said no.
    Service(azure_core::Error),
}

pub type OpResult<T> = Result<T, OpError>;

impl OpError {
    /// One sentence for the status line or stderr.
    pub fn describe(&self, account: &Account) -> String {
        match self {
            OpError::Invalid(m) | OpError::Changed(m) | OpError::Failed(m) => m.clone(),
            OpError::Service(e) => super::error::describe_error(e, account),
        }
    }

    /// The HTTP status, when the service answered one.
    pub fn status(&self) -> Option<u16> {
        match self {
            OpError::Service(e) => e.http_status().map(u16::from),
            _ => None,
        }
    }
}

impl std::fmt::Display for OpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpError::Invalid(m) | OpError::Changed(m) | OpError::Failed(m) => f.write_str(m),
            OpError::Service(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for OpError {}

impl From<azure_core::Error> for OpError {
    fn from(e: azure_core::Error) -> Self {
        OpError::Service(e)
    }
}

pub(crate) fn blob_url(client: &StorageClient, container: &str, blob: &str) -> Url {
    let mut url = client.container_url(container);
    if let Ok(mut segments) = url.path_segments_mut() {
        // Each `/` in a blob name is a path separator on the wire.
        segments.extend(blob.split('/'));
    }
    url
}

pub(crate) fn with_query(mut url: Url, pairs: &[(&str, &str)]) -> Url {
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    url
}

/// A request with its headers; PUTs without a body say so (the service
/// requires Content-Length on every write).
pub(crate) fn request(method: Method, url: Url, headers: Vec<(String, String)>) -> Request {
    let mut r = Request::new(url, method);
    for (k, v) in headers {
        r.insert_header(HeaderName::from(k), v);
    }
    if matches!(method, Method::Put) {
        r.insert_header("content-length", "0");
    }
    r
}

pub(crate) fn h(k: &str, v: impl Into<String>) -> (String, String) {
    (k.to_string(), v.into())
}

pub(crate) fn header(r: &RawResponse, name: &'static str) -> Option<String> {
    r.headers()
        .get_optional_str(&HeaderName::from_static(name))
        .map(str::to_string)
}

pub(crate) fn http_status(e: &azure_core::Error) -> Option<u16> {
    e.http_status().map(u16::from)
}

pub(crate) fn error_code(e: &azure_core::Error) -> Option<&str> {
    match e.kind() {
        azure_core::error::ErrorKind::HttpResponse { error_code, .. } => error_code.as_deref(),
        _ => None,
    }
}
