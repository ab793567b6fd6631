//! The Blob service's CORS rules: the model, the service's limits checked in
//! words, the XML of Get / Set Blob Service Properties, a read-modify-write
//! save that touches only the `<Cors>` element, a concurrency check, presets,
//! JSON for scripts, and the real preflight (OPTIONS) a browser would send.
//!
//! Saving reads the service properties as raw XML, replaces the `<Cors>`
//! element textually (or inserts it) and writes the document back, so
//! Logging, metrics, delete retention, static website and the default service
//! version go back exactly as they were read: no typed model in between that
//! could drop a field it does not know. Service properties carry no ETag, so
//! the concurrency check compares the rules the caller started from with the
//! rules read just before writing.

mod diff;
mod json;
mod model;
mod preflight;
mod presets;
mod service;
#[cfg(test)]
mod tests;
mod validate;
mod xml;

pub use diff::*;
pub use json::*;
pub use model::*;
pub use preflight::*;
pub use presets::*;
pub use service::*;
pub use validate::*;
pub use xml::*;
