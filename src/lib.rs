//! blobx: a terminal explorer for Azure Blob Storage.
//!
//! `app` holds the state machine and event loop, `ui` draws it, `azure` talks
//! to storage, `preview` decodes blob previews, `config` loads keys, colours and settings.

pub mod app;
pub mod audit;
pub mod azure;
pub mod checksum;
pub mod cli;
pub mod command;
pub mod config;
pub mod headless;
pub mod logging;
pub mod preview;
pub mod terminal;
pub mod transfer;
pub mod ui;
