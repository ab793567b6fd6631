//! The work against the service, run in tasks.

use super::*;
use crate::app::action::Action;
use crate::audit::audit;
use crate::azure::StorageClient;
use crate::azure::history::{self};
use crate::azure::ops;
use tokio::sync::mpsc::UnboundedSender;

/// Runs one piece of work; `client` finds an account's client.
pub(in crate::app) fn spawn(
    effect: HistoryEffect,
    client: impl Fn(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let send = move |event: HistoryEvent| {
        let _ = tx.send(Action::History(event));
    };
    let account = match &effect {
        HistoryEffect::List { account, .. }
        | HistoryEffect::Snapshot { account, .. }
        | HistoryEffect::Preview { account, .. }
        | HistoryEffect::Promote { account, .. }
        | HistoryEffect::Delete { account, .. }
        | HistoryEffect::ListDeleted { account, .. }
        | HistoryEffect::Undelete { account, .. } => *account,
    };
    let Some(client) = client(account) else {
        let missing = "This account could not be set up; edit it to fix it.".to_string();
        return send(failed(effect, missing));
    };
    tokio::spawn(async move { send(execute(&client, effect).await) });
}

/// The event that reports `effect` failing with `why` before it started.
fn failed(effect: HistoryEffect, why: String) -> HistoryEvent {
    match effect {
        HistoryEffect::List { generation, .. } => HistoryEvent::Listed {
            generation,
            result: Err(why),
        },
        HistoryEffect::Snapshot { generation, .. }
        | HistoryEffect::Promote { generation, .. }
        | HistoryEffect::Delete { generation, .. } => HistoryEvent::Changed {
            generation,
            result: Err(why),
        },
        HistoryEffect::Preview { label, .. } => HistoryEvent::Previewed {
            label,
            result: Err(why),
        },
        HistoryEffect::ListDeleted { generation, .. } => HistoryEvent::DeletedListed {
            generation,
            result: Err(why),
        },
        HistoryEffect::Undelete { .. } => HistoryEvent::Undeleted { result: Err(why) },
    }
}

/// Does the work against the service (in a task) and says how it went.
pub async fn execute(client: &StorageClient, effect: HistoryEffect) -> HistoryEvent {
    let e = |err: ops::OpError| err.describe(client.account());
    match effect {
        HistoryEffect::List {
            generation,
            container,
            blob,
            ..
        } => HistoryEvent::Listed {
            generation,
            result: history::list_history(client, &container, &blob)
                .await
                .map_err(e),
        },
        HistoryEffect::Snapshot {
            generation,
            container,
            blob,
            ..
        } => HistoryEvent::Changed {
            generation,
            result: history::take_snapshot(client, &container, &blob)
                .await
                .map(|q| {
                    audit(
                        "snapshot",
                        &format!("{container}/{blob} ({})", q.describe()),
                    );
                    format!("Took a snapshot of {blob} ({}).", q.stamp())
                })
                .map_err(e),
        },
        HistoryEffect::Preview {
            container,
            blob,
            at,
            label,
            ..
        } => HistoryEvent::Previewed {
            label,
            result: crate::azure::preview_fetch::preview_at(client, &container, &blob, at.as_ref())
                .await
                .map_err(e),
        },
        HistoryEffect::Promote {
            generation,
            container,
            blob,
            entry,
            ..
        } => HistoryEvent::Changed {
            generation,
            result: history::promote(client, &container, &blob, &entry)
                .await
                .map(|()| {
                    let what = entry
                        .qualifier
                        .as_ref()
                        .map(|q| q.describe())
                        .unwrap_or_default();
                    audit("promote", &format!("{container}/{blob} <- {what}"));
                    format!("{blob} now holds the content of its {what}.")
                })
                .map_err(e),
        },
        HistoryEffect::Delete {
            generation,
            container,
            blob,
            at,
            ..
        } => HistoryEvent::Changed {
            generation,
            result: history::delete_past(client, &container, &blob, &at)
                .await
                .map(|()| {
                    audit(
                        "delete snapshot or version",
                        &format!("{container}/{blob} ({})", at.describe()),
                    );
                    format!("Deleted the {} of {blob}.", at.describe())
                })
                .map_err(e),
        },
        HistoryEffect::ListDeleted {
            generation,
            container,
            prefix,
            ..
        } => HistoryEvent::DeletedListed {
            generation,
            result: history::deleted_here(client, &container, &prefix)
                .await
                .map_err(e),
        },
        HistoryEffect::Undelete {
            container, blob, ..
        } => HistoryEvent::Undeleted {
            // Under versioning: its latest version promoted; else Undelete Blob.
            result: history::restore_deleted(client, &container, &blob)
                .await
                .map(|how| match how {
                    history::Restored::Undeleted => format!("Undeleted {blob}."),
                    history::Restored::FromVersion(at) => {
                        format!("Restored {blob} from its {}.", at.describe())
                    }
                })
                .map_err(e),
        },
    }
}
