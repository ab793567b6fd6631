//! Creating and deleting containers.

use super::names::{check_container_name, check_delete_confirmation};
use crate::azure::client::StorageClient;
use crate::azure::http::{OpError, OpResult, request, with_query};
use azure_core::http::Method;

// ---------------------------------------------------------------------------
// Containers

pub async fn create_container(client: &StorageClient, name: &str) -> OpResult<()> {
    check_container_name(name).map_err(OpError::Invalid)?;
    let url = with_query(client.container_url(name), &[("restype", "container")]);
    client
        .send_request(request(Method::Put, url, Vec::new()))
        .await?;
    tracing::info!(container = name, "created container");
    Ok(())
}

/// Deletes a container and everything in it, once `typed` matches its name.
pub async fn delete_container(client: &StorageClient, name: &str, typed: &str) -> OpResult<()> {
    check_delete_confirmation(name, typed).map_err(OpError::Invalid)?;
    let url = with_query(client.container_url(name), &[("restype", "container")]);
    client
        .send_request(request(Method::Delete, url, Vec::new()))
        .await?;
    tracing::info!(container = name, "deleted container");
    Ok(())
}
