//! The editor's background work: what it asks for, what comes back, and the
//! task that reads or writes the container's ACL.

use super::plural;
use crate::app::action::Action;
use crate::audit::audit;
use crate::azure::StorageClient;
use crate::azure::access::{self, ContainerAccess, StoredPolicy};
use crate::azure::ops::OpError;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyEffect {
    Load {
        generation: u64,
        account: usize,
        container: String,
    },
    Save {
        generation: u64,
        account: usize,
        container: String,
        policies: Vec<StoredPolicy>,
        /// The ETag read when the editor opened; the save stops if it changed.
        etag: String,
    },
}

#[derive(Debug)]
pub enum SaveError {
    /// Someone changed the ACL since it was read; nothing was written.
    Changed(String),
    Failed(String),
}

#[derive(Debug)]
pub enum PolicyEvent {
    Loaded {
        generation: u64,
        now: i64,
        result: Result<ContainerAccess, String>,
    },
    Saved {
        generation: u64,
        now: i64,
        result: Result<ContainerAccess, SaveError>,
    },
}

/// Does the work against the service and says how it went.
pub async fn execute(client: &StorageClient, effect: PolicyEffect) -> PolicyEvent {
    let now = crate::azure::connection::now_unix;
    match effect {
        PolicyEffect::Load {
            generation,
            container,
            ..
        } => {
            let result = access::get_access(client, &container)
                .await
                .map_err(|e| e.describe(client.account()));
            PolicyEvent::Loaded {
                generation,
                now: now(),
                result,
            }
        }
        PolicyEffect::Save {
            generation,
            container,
            policies,
            etag,
            ..
        } => {
            let result = access::set_policies(client, &container, &policies, Some(&etag))
                .await
                .map_err(|e| match e {
                    OpError::Changed(m) => SaveError::Changed(m),
                    e => SaveError::Failed(e.describe(client.account())),
                });
            if let Ok(saved) = &result {
                audit(
                    "set access policies",
                    &format!(
                        "{container}: {} (public access {} kept)",
                        plural(saved.policies.len()),
                        saved.public_access.as_str()
                    ),
                );
            }
            PolicyEvent::Saved {
                generation,
                now: now(),
                result,
            }
        }
    }
}

/// Starts the work for `effect` in a task; `client` finds an account's client.
pub(in crate::app) fn spawn(
    effect: PolicyEffect,
    client: impl Fn(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let account = match &effect {
        PolicyEffect::Load { account, .. } | PolicyEffect::Save { account, .. } => *account,
    };
    let Some(client) = client(account) else {
        let why = "This account could not be set up; edit it to fix it.".to_string();
        let now = crate::azure::connection::now_unix();
        let event = match effect {
            PolicyEffect::Load { generation, .. } => PolicyEvent::Loaded {
                generation,
                now,
                result: Err(why),
            },
            PolicyEffect::Save { generation, .. } => PolicyEvent::Saved {
                generation,
                now,
                result: Err(SaveError::Failed(why)),
            },
        };
        let _ = tx.send(Action::Policies(event));
        return;
    };
    tokio::spawn(async move {
        let event = execute(&client, effect).await;
        let _ = tx.send(Action::Policies(event));
    });
}
