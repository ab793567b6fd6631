//! Accounts with a hierarchical namespace (Azure Data Lake Storage Gen2):
//! what kind an account is, and (through the Blob API) how its directories
//! look: a 0-byte blob with metadata `hdi_isfolder=true`.

pub mod acl;
pub mod dfs;
pub mod kind;

pub use kind::{AccountInfo, account_info};

/// The metadata key the service puts on a directory's placeholder blob.
pub const FOLDER_KEY: &str = "hdi_isfolder";

/// Whether a metadata value of [`FOLDER_KEY`] marks a directory.
pub fn is_folder_value(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("true")
}
