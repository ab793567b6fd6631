//! The stored access policies editor (`P` on a container): a table of the
//! container's policies, a form to add or edit one, and a reviewed save.
//!
//! The editor works on a copy. Saving shows what is added, changed and removed,
//! then writes through `azure::access::set_policies`: a read-modify-write that
//! keeps the public access level as it is and stops if the ACL's ETag is no
//! longer the one read when the editor opened (then it offers to reload).

mod events;
mod form;
mod table;
mod tasks;
#[cfg(test)]
pub(crate) mod tests;
mod times;
mod update;

pub use form::{PERMISSIONS, PolicyField, PolicyForm};
pub(super) use tasks::spawn;
pub use tasks::{PolicyEffect, PolicyEvent, SaveError, execute};
pub(crate) use times::input_time;
pub use times::{parse_field_time, policy_status, show_time};

use super::cors::AfterDiscard;
use crate::azure::access::{self, ContainerAccess, StoredPolicy};

#[derive(Debug)]
pub struct PolicyEditor {
    pub account: usize,
    pub container: String,
    /// Results for an editor opened earlier are dropped.
    pub generation: u64,
    /// The ACL as read (level, policies, ETag); `None` until it arrives.
    pub base: Option<ContainerAccess>,
    /// The working copy the table shows.
    pub policies: Vec<StoredPolicy>,
    pub selected: usize,
    pub loading: bool,
    /// What is running in the background, if anything.
    pub busy: Option<String>,
    /// Why the policies could not be read.
    pub error: Option<String>,
    /// When the policies were last read (unix seconds). Statuses and `+7d`
    /// count from it, so drawing stays a pure function of the state.
    pub now: i64,
    pub view: PolicyView,
}

#[derive(Debug)]
pub enum PolicyView {
    Table,
    /// Adding or editing one policy.
    Form(Box<PolicyForm>),
    /// "Delete policy …?" for the row at this index.
    ConfirmDelete(usize),
    /// The changes about to be written.
    Review(Vec<PolicyChange>),
    /// The ACL changed on the service since it was read; nothing was saved.
    Conflict(String),
    Discard {
        then: AfterDiscard,
    },
}

impl PolicyEditor {
    /// The working copy differs from what the service had.
    pub fn dirty(&self) -> bool {
        self.base
            .as_ref()
            .is_some_and(|b| b.policies != self.policies)
    }

    pub fn validation(&self) -> Result<(), String> {
        access::check_policies(&self.policies)
    }

    /// The form takes typed text; the other views take commands.
    pub fn takes_text(&self) -> bool {
        matches!(self.view, PolicyView::Form(_))
    }
}

// ---------------------------------------------------------------------------
// What a save changes

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyChange {
    Added(StoredPolicy),
    Changed {
        before: StoredPolicy,
        after: StoredPolicy,
    },
    Removed(StoredPolicy),
}

/// The changes from `old` to `new`, matched by id (a renamed policy is a
/// removal and an addition: SAS tokens bound to the old id stop working).
pub fn diff(old: &[StoredPolicy], new: &[StoredPolicy]) -> Vec<PolicyChange> {
    let mut out = Vec::new();
    for p in old {
        match new.iter().find(|q| q.id == p.id) {
            None => out.push(PolicyChange::Removed(p.clone())),
            Some(q) if q != p => out.push(PolicyChange::Changed {
                before: p.clone(),
                after: q.clone(),
            }),
            Some(_) => {}
        }
    }
    for q in new {
        if !old.iter().any(|p| p.id == q.id) {
            out.push(PolicyChange::Added(q.clone()));
        }
    }
    out
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 policy".into()
    } else {
        format!("{n} policies")
    }
}
