//! Everything that talks to Azure Storage. No ratatui in here: the UI asks for
//! work through `app::Effect`s and gets plain data back.

pub mod access;
pub mod account;
pub mod arm_settings;
pub mod batch;
pub mod blob_io;
pub mod bulk;
pub mod client;
pub mod connection;
pub mod cors;
pub mod datalake;
pub mod diagnose;
pub mod edit;
pub mod entra;
pub mod env;
pub mod error;
pub mod filter;
pub mod find;
pub mod history;
pub mod http;
pub mod inventory;
pub mod inventory_parquet;
pub mod inventory_policy;
pub mod lifecycle;
pub mod listing;
mod listing_xml;
pub mod naming;
pub mod ops;
pub mod permissions;
pub mod preview_fetch;
pub mod props;
pub mod sas;
pub mod secret;
pub mod sign_in;
pub mod signing;
pub mod sizes;
pub mod tags;
pub mod uri;
pub mod user_delegation;
pub mod version;
pub mod walk;

pub use account::{Account, Auth, Source};
pub use client::StorageClient;
pub use error::describe_error;
pub use listing::{BlobEntry, BlobPage, ContainerEntry, ContainerPage};
