//! Get / Set Blob Service Properties for the settings: a read-modify-write,
//! refused when the settings changed since the caller read them.

use super::model::{ServiceSettings, diff_lines};
use super::xml::{parse_settings, replace_settings};
use crate::azure::account::Account;
use crate::azure::client::StorageClient;
use crate::azure::cors::get_properties_xml;
use crate::azure::http::{OpError, OpResult};
use azure_core::http::{Method, Request};

fn check_reach(account: &Account) -> OpResult<()> {
    if let Some(c) = &account.container {
        return Err(OpError::Invalid(format!(
            "This account is a SAS for container {c} only; the Blob service's settings need an account key, an account SAS or Microsoft Entra ID."
        )));
    }
    Ok(())
}

/// The settings on the service now.
pub async fn get_settings(client: &StorageClient) -> OpResult<ServiceSettings> {
    check_reach(client.account())?;
    let xml = get_properties_xml(client).await?;
    parse_settings(&xml).map_err(OpError::Failed)
}

/// What a save found and did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Written; `previous` is what the service had just before (for undo).
    Saved { previous: ServiceSettings },
    /// The settings already were these; nothing was written.
    Unchanged,
    /// Someone changed the settings since `expected` was read; nothing was written.
    Changed { current: ServiceSettings },
}

/// Writes `after` and nothing else: invalid settings are refused before any
/// request; the document is re-read, and with `expected` the settings on the
/// service must still be those, or nothing is written and the current ones
/// come back. Only the elements that change are rewritten (CORS stays byte
/// for byte). Logs one audit line.
pub async fn save_settings(
    client: &StorageClient,
    after: &ServiceSettings,
    expected: Option<&ServiceSettings>,
) -> OpResult<SaveOutcome> {
    let after = after.clone().normalized();
    after.check().map_err(OpError::Invalid)?;
    check_reach(client.account())?;
    let xml = get_properties_xml(client).await?;
    let current = parse_settings(&xml).map_err(OpError::Failed)?;
    if let Some(expected) = expected
        && expected.clone().normalized() != current
    {
        return Ok(SaveOutcome::Changed { current });
    }
    if after == current {
        return Ok(SaveOutcome::Unchanged);
    }
    let body = replace_settings(&xml, &current, &after).map_err(OpError::Failed)?;
    let mut url = client.account().blob_endpoint.clone();
    url.query_pairs_mut()
        .append_pair("restype", "service")
        .append_pair("comp", "properties");
    let mut request = Request::new(url, Method::Put);
    request.insert_header("content-type", "application/xml");
    request.insert_header("content-length", body.len().to_string());
    request.set_body(bytes::Bytes::from(body));
    client.send_request(request).await?;
    crate::audit::audit(
        "set blob service properties",
        &format!(
            "{}: {}",
            client.account().label,
            diff_lines(&current, &after).join("; ")
        ),
    );
    Ok(SaveOutcome::Saved { previous: current })
}

/// Where the static website is served, as far as the data plane tells.
pub fn website_endpoint(account: &Account) -> String {
    if account.is_emulator {
        return "the emulator does not serve static websites".into();
    }
    let host = account.blob_endpoint.host_str().unwrap_or("");
    match host.split_once(".blob.") {
        Some((name, suffix)) => format!(
            "https://{name}.<zone>.web.{suffix}/ (the zone, e.g. z13, is shown with the account's endpoints in the portal)"
        ),
        None => format!("served by the $web container of {host}"),
    }
}
