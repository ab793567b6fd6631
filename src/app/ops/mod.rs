//! Everyday actions on containers and blobs, from the keyboard: preview,
//! create and delete containers, delete blobs and folders, rename, access
//! tier, public access level, SAS, and handing a selection to other tools.
//! Each asks first where it matters and validates what is typed as it is typed.

mod ask;
mod commands;
mod preview;
mod results;
mod tasks;
#[cfg(test)]
mod tests;

pub use ask::Ask;
pub use preview::PreviewState;
pub use tasks::{execute, handoff_lines};

use crate::azure::access::PublicAccess;
use crate::azure::ops::{self, AccessTier, DeletePlan, Target};
use crate::azure::secret::Secret;
use crate::preview::Preview;

/// Work for the service, run by the runner with the account's client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpRequest {
    Preview {
        container: String,
        blob: String,
    },
    CreateContainer {
        name: String,
    },
    DeleteContainer {
        name: String,
        typed: String,
    },
    PlanDelete {
        container: String,
        targets: Vec<Target>,
    },
    Delete {
        plan: DeletePlan,
    },
    Rename {
        container: String,
        from: String,
        to: String,
    },
    /// Owner, group, permissions and ACL of a data lake path.
    GetAccess {
        container: String,
        path: String,
        folder: bool,
    },
    /// A whole ACL for a path; a folder's goes to everything below (recursive).
    SetAcl {
        container: String,
        path: String,
        acl: String,
        recursive: bool,
    },
    /// A directory on a data lake account (Data Lake endpoint).
    CreateDirectory {
        container: String,
        path: String,
    },
    SetTier {
        container: String,
        blob: String,
        tier: AccessTier,
    },
    SetPublicAccess {
        container: String,
        level: PublicAccess,
    },
    /// The level in force, for the chooser.
    GetPublicAccess {
        container: String,
    },
    Sas {
        container: String,
        path: Option<String>,
        /// Permissions and lifetime, or the stored access policy to bind it to.
        request: crate::azure::sas::SasRequest,
    },
    BreakLease {
        container: String,
        blob: String,
    },
    SetMetadata {
        container: String,
        blob: String,
        pairs: Vec<(String, String)>,
    },
    SetHeaders {
        container: String,
        blob: String,
        edit: ops::HeaderEdit,
    },
    /// One tier for many blobs (Blob Batch where it can).
    SetTierMany {
        container: String,
        blobs: Vec<(String, u64)>,
        tier: ops::AccessTier,
    },
    /// Replaces every index tag of the blob.
    SetTags {
        container: String,
        blob: String,
        tags: Vec<(String, String)>,
    },
}

/// What a finished request brings back.
#[derive(Clone, Debug)]
pub enum OpOutcome {
    /// Done; say so, and reload the listing (something changed).
    Changed(String),
    Preview {
        blob: String,
        preview: Preview,
    },
    DeletePlan(DeletePlan),
    Sas {
        url: Secret,
        note: Option<String>,
    },
    PublicAccess {
        container: String,
        result: Result<PublicAccess, String>,
    },
    /// Read for the ACL prompt.
    Access {
        container: String,
        path: String,
        folder: bool,
        access: crate::azure::datalake::dfs::AccessControl,
    },
}
