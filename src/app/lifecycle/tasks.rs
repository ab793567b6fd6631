//! The lifecycle pane's background work: read the policy, run the dry run
//! (listing the account; a newer run or closing the pane cancels it), save.

use crate::app::action::Action;
use crate::azure::StorageClient;
use crate::azure::entra::Arm;
use crate::azure::lifecycle::{self, DryRun, Policy, Saved};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug, PartialEq)]
pub enum LifecycleEffect {
    Load {
        account: usize,
        generation: u64,
    },
    /// What `policy` would do today, from a listing of the account.
    DryRun {
        account: usize,
        generation: u64,
        policy: Box<Policy>,
    },
    /// Writes `after` if Resource Manager still has `expected`.
    Save {
        account: usize,
        generation: u64,
        after: Box<Policy>,
        expected: Box<Policy>,
        undo: bool,
    },
    /// The pane closed: stop a dry run.
    Cancel,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LifecycleEvent {
    Loaded {
        generation: u64,
        result: Result<Policy, String>,
    },
    Scanned {
        generation: u64,
        blobs: u64,
    },
    DryRunDone {
        generation: u64,
        policy: Box<Policy>,
        result: Result<DryRun, String>,
    },
    Saved {
        generation: u64,
        after: Box<Policy>,
        undo: bool,
        result: Result<Saved, String>,
    },
}

impl LifecycleEvent {
    pub fn generation(&self) -> u64 {
        match self {
            LifecycleEvent::Loaded { generation, .. }
            | LifecycleEvent::Scanned { generation, .. }
            | LifecycleEvent::DryRunDone { generation, .. }
            | LifecycleEvent::Saved { generation, .. } => *generation,
        }
    }
}

/// How often the pane hears how far a dry run got.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

pub(in crate::app) fn spawn(
    effect: LifecycleEffect,
    client: impl FnOnce(usize) -> Option<StorageClient>,
    arm_endpoint: Option<String>,
    running: &mut Option<CancellationToken>,
    tx: UnboundedSender<Action>,
) {
    let account = match &effect {
        LifecycleEffect::Cancel => {
            if let Some(t) = running.take() {
                t.cancel();
            }
            return;
        }
        LifecycleEffect::Load { account, .. }
        | LifecycleEffect::DryRun { account, .. }
        | LifecycleEffect::Save { account, .. } => *account,
    };
    let Some(client) = client(account) else {
        return;
    };
    let arm = || -> Result<(Arm, String), String> {
        let endpoint = arm_endpoint
            .clone()
            .ok_or("Resource Manager is turned off in config.toml ([entra])")?;
        Arm::for_account(&endpoint, client.account())
    };
    let send = move |e: LifecycleEvent| {
        let _ = tx.send(Action::Lifecycle(e));
    };
    match effect {
        LifecycleEffect::Cancel => {}
        LifecycleEffect::Load { generation, .. } => {
            let arm = arm();
            tokio::spawn(async move {
                let result = match arm {
                    Ok((arm, id)) => lifecycle::get(&arm, &id).await,
                    Err(e) => Err(e),
                };
                send(LifecycleEvent::Loaded { generation, result });
            });
        }
        LifecycleEffect::DryRun {
            generation, policy, ..
        } => {
            if let Some(t) = running.take() {
                t.cancel();
            }
            let token = CancellationToken::new();
            *running = Some(token.clone());
            tokio::spawn(async move {
                let now = time::OffsetDateTime::now_utc().unix_timestamp();
                let mut last = Instant::now();
                let progress = |blobs| {
                    if last.elapsed() >= PROGRESS_EVERY {
                        last = Instant::now();
                        send(LifecycleEvent::Scanned { generation, blobs });
                    }
                };
                let result =
                    lifecycle::dry_run(&client, &policy, now, token.clone(), progress).await;
                if !token.is_cancelled() {
                    send(LifecycleEvent::DryRunDone {
                        generation,
                        policy,
                        result,
                    });
                }
            });
        }
        LifecycleEffect::Save {
            generation,
            after,
            expected,
            undo,
            ..
        } => {
            let arm = arm();
            tokio::spawn(async move {
                let result = match arm {
                    Ok((arm, id)) => lifecycle::save(&arm, &id, &after, &expected).await,
                    Err(e) => Err(e),
                };
                send(LifecycleEvent::Saved {
                    generation,
                    after,
                    undo,
                    result,
                });
            });
        }
    }
}
