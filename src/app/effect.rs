//! Work that `update` asks for; the runner turns each into a background task.

use super::action::DetailsKey;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Starting a listing cancels the one before it.
    ListContainers {
        generation: u64,
        account: usize,
        prefix: Option<String>,
    },
    ListBlobs {
        generation: u64,
        account: usize,
        container: String,
        /// Server-side prefix (the folder, plus any prefix search).
        prefix: String,
    },
    FetchDetails(DetailsKey),
}
