//! The Blob service's own settings in Get/Set Blob Service Properties: blob
//! soft delete, the static website, analytics logging and metrics. Read,
//! changed and written back like the CORS rules: only the elements that
//! changed are replaced in the document the service gave, every other byte
//! (CORS included) stays as it was.

mod json;
mod model;
mod service;
#[cfg(test)]
mod tests;
mod xml;

pub use json::{PropsJson, parse_json};
pub use model::{DeleteRetention, Logging, Metrics, ServiceSettings, StaticWebsite, diff_lines};
pub use service::{SaveOutcome, get_settings, save_settings, website_endpoint};
pub use xml::{parse_settings, put_element, replace_settings};
