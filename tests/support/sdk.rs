//! The official SDK, signed with the emulator key: an independent reader of
//! what blobx wrote.
#![allow(dead_code)]

use azure_core::http::{ClientOptions, policies::Policy};
use azure_storage_blob::{BlobServiceClient, BlobServiceClientOptions};
use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::secret::Secret;
use blobx::azure::signing::SharedKeyPolicy;
use std::sync::Arc;

/// The official SDK's client, signed with the emulator key: the independent reader.
pub fn sdk(host: &str) -> BlobServiceClient {
    let policy: Arc<dyn Policy> = Arc::new(SharedKeyPolicy::new(
        EMULATOR_ACCOUNT,
        &Secret::new(EMULATOR_KEY),
    ));
    let options = BlobServiceClientOptions {
        client_options: ClientOptions {
            per_try_policies: vec![policy],
            ..Default::default()
        },
        ..Default::default()
    };
    let url = azure_core::http::Url::parse(&format!("{host}/{EMULATOR_ACCOUNT}")).unwrap();
    BlobServiceClient::new(url, None, Some(options)).unwrap()
}
