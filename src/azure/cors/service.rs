//! Get / Set Blob Service Properties: a read-modify-write of `<Cors>` only,
//! refused when the rules changed since the caller read them.

use super::model::CorsRule;
use super::validate::check_rules;
use super::xml::{parse_cors, replace_cors};
use crate::azure::account::Account;
use crate::azure::client::StorageClient;
use crate::azure::http::{OpError, OpResult};
use azure_core::http::{Method, Request, Url};

// ---------------------------------------------------------------------------
// Service calls

fn properties_url(client: &StorageClient) -> Url {
    let mut url = client.account().blob_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("restype", "service")
        .append_pair("comp", "properties");
    url
}

/// Refuses before any request when the credential cannot reach service properties.
fn check_reach(account: &Account) -> OpResult<()> {
    if let Some(c) = &account.container {
        return Err(OpError::Invalid(format!(
            "This account is a SAS for container {c} only; CORS rules belong to the whole Blob service and need an account key, an account SAS or Microsoft Entra ID."
        )));
    }
    Ok(())
}

/// Get Blob Service Properties, as the service wrote it.
pub async fn get_properties_xml(client: &StorageClient) -> OpResult<String> {
    check_reach(client.account())?;
    let mut request = Request::new(properties_url(client), Method::Get);
    request.insert_header("accept", "application/xml");
    let r = client.send_request(request).await?;
    String::from_utf8(r.body().to_vec())
        .map_err(|_| OpError::Failed("the service's properties are not UTF-8 text".into()))
}

/// The Blob service's CORS rules, in the order the service evaluates them.
pub async fn get_cors(client: &StorageClient) -> OpResult<Vec<CorsRule>> {
    let xml = get_properties_xml(client).await?;
    parse_cors(&xml).map_err(OpError::Failed)
}

/// What a save found and did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Written. `previous` is what the service had just before (for undo).
    Saved { previous: Vec<CorsRule> },
    /// Someone changed the rules since `expected` was read; nothing was written.
    Changed { current: Vec<CorsRule> },
}

/// Replaces the Blob service's CORS rules and nothing else. Invalid rules are
/// refused before any request. With `expected`, the rules on the service must
/// still be those (the ones the editor started from), or nothing is written
/// and the current rules come back to show the user.
pub async fn save_cors(
    client: &StorageClient,
    rules: &[CorsRule],
    expected: Option<&[CorsRule]>,
) -> OpResult<SaveOutcome> {
    check_rules(rules).map_err(OpError::Invalid)?;
    check_reach(client.account())?;
    let xml = get_properties_xml(client).await?;
    let current = parse_cors(&xml).map_err(OpError::Failed)?;
    if let Some(expected) = expected
        && expected != current.as_slice()
    {
        return Ok(SaveOutcome::Changed { current });
    }
    let body = replace_cors(&xml, rules).map_err(OpError::Failed)?;
    let mut request = Request::new(properties_url(client), Method::Put);
    request.insert_header("content-type", "application/xml");
    request.insert_header("content-length", body.len().to_string());
    request.set_body(bytes::Bytes::from(body));
    client.send_request(request).await?;
    tracing::info!(
        account = %client.account().label,
        before = current.len(),
        after = rules.len(),
        "saved Blob service CORS rules"
    );
    Ok(SaveOutcome::Saved { previous: current })
}
