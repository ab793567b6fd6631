//! Access tiers (with rehydration) and leases.

use crate::azure::client::StorageClient;
use crate::azure::http::{OpError, OpResult, blob_url, h, header, request, with_query};
use azure_core::http::{Method, Url};

// ---------------------------------------------------------------------------
// Tiers and leases

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessTier {
    Hot,
    Cool,
    Cold,
    Archive,
}

impl AccessTier {
    pub const ALL: [AccessTier; 4] = [
        AccessTier::Hot,
        AccessTier::Cool,
        AccessTier::Cold,
        AccessTier::Archive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessTier::Hot => "Hot",
            AccessTier::Cool => "Cool",
            AccessTier::Cold => "Cold",
            AccessTier::Archive => "Archive",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("{text:?} is not a tier; use Hot, Cool, Cold or Archive"))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RehydratePriority {
    Standard,
    High,
}

/// What a tier change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierChange {
    /// The blob is in the new tier now.
    Done,
    /// The blob is leaving Archive; it stays unreadable until rehydrated.
    Rehydrating,
}

/// Set Blob Tier. Leaving Archive starts a rehydration (hours), reported as
/// [`TierChange::Rehydrating`].
pub async fn set_tier(
    client: &StorageClient,
    container: &str,
    blob: &str,
    tier: AccessTier,
    priority: Option<RehydratePriority>,
) -> OpResult<TierChange> {
    let mut headers = vec![h("x-ms-access-tier", tier.as_str())];
    if let Some(p) = priority {
        headers.push(h(
            "x-ms-rehydrate-priority",
            match p {
                RehydratePriority::Standard => "Standard",
                RehydratePriority::High => "High",
            },
        ));
    }
    let url = with_query(blob_url(client, container, blob), &[("comp", "tier")]);
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await?;
    tracing::info!(container, blob, tier = tier.as_str(), "set tier");
    // 202 Accepted means a rehydration from Archive has started.
    Ok(if u16::from(r.status()) == 202 {
        TierChange::Rehydrating
    } else {
        TierChange::Done
    })
}

/// Takes a lease on a blob: 15-60 seconds, or infinite with `None`. Returns its id.
pub async fn acquire_blob_lease(
    client: &StorageClient,
    container: &str,
    blob: &str,
    seconds: Option<u32>,
) -> OpResult<String> {
    let duration = match seconds {
        None => -1,
        Some(s @ 15..=60) => i64::from(s),
        Some(s) => {
            return Err(OpError::Invalid(format!(
                "a lease lasts 15-60 seconds or is infinite, not {s} seconds"
            )));
        }
    };
    let url = with_query(blob_url(client, container, blob), &[("comp", "lease")]);
    let headers = vec![
        h("x-ms-lease-action", "acquire"),
        h("x-ms-lease-duration", duration.to_string()),
    ];
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await?;
    Ok(header(&r, "x-ms-lease-id").unwrap_or_default())
}

/// Breaks a blob's lease at once. Returns the seconds until it is broken (0).
pub async fn break_blob_lease(
    client: &StorageClient,
    container: &str,
    blob: &str,
) -> OpResult<u32> {
    let url = with_query(blob_url(client, container, blob), &[("comp", "lease")]);
    break_lease(client, url, container, Some(blob)).await
}

/// Breaks a container's lease at once.
pub async fn break_container_lease(client: &StorageClient, container: &str) -> OpResult<u32> {
    let url = with_query(
        client.container_url(container),
        &[("comp", "lease"), ("restype", "container")],
    );
    break_lease(client, url, container, None).await
}

async fn break_lease(
    client: &StorageClient,
    url: Url,
    container: &str,
    blob: Option<&str>,
) -> OpResult<u32> {
    let headers = vec![
        h("x-ms-lease-action", "break"),
        h("x-ms-lease-break-period", "0"),
    ];
    let r = client
        .send_request(request(Method::Put, url, headers))
        .await?;
    tracing::info!(container, blob, "broke lease");
    Ok(header(&r, "x-ms-lease-time")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}
