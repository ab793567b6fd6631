//! The transfer engine: a queue of uploads, downloads and server-side copies
//! run on tokio tasks with bounded concurrency and memory, verified with MD5,
//! journaled so a crash can resume, and sampled for live throughput. No
//! ratatui here: the TUI and `blobx cp` both drive it.

pub mod acl_runs;
pub mod changes;
pub mod conflict;
pub mod copy;
pub mod download;
pub mod engine;
pub mod journal;
pub mod label;
pub mod model;
mod part_writer;
pub mod plan;
pub mod report;
pub mod sampler;
pub mod sync;
pub mod targets;
pub mod throttle;
pub mod upload;
pub mod view;
pub mod worker;

pub use engine::{Engine, EngineOptions, Snapshot};
pub use model::{Endpoint, ItemSpec, Kind, Status};
