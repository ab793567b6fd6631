//! The editor's background work: what it asks for, what comes back, and the
//! tasks that talk to the service or the disk.

use super::files;
use crate::app::action::Action;
use crate::azure::StorageClient;
use crate::azure::cors::{self as model, CorsRule, PreflightReport, PreflightRequest, SaveOutcome};
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;

/// Background work the editor asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsEffect {
    Load {
        generation: u64,
        account: usize,
    },
    Save {
        generation: u64,
        account: usize,
        rules: Vec<CorsRule>,
        /// The rules the user started from; the save stops if they changed.
        expected: Vec<CorsRule>,
        undo: bool,
    },
    Test {
        generation: u64,
        account: usize,
        request: PreflightRequest,
    },
    CopyFrom {
        generation: u64,
        from: usize,
    },
    Export {
        generation: u64,
        path: PathBuf,
        json: String,
    },
    Import {
        generation: u64,
        path: PathBuf,
    },
}

/// What background work reports back.
#[derive(Debug)]
pub enum CorsEvent {
    Loaded {
        generation: u64,
        result: Result<Vec<CorsRule>, String>,
    },
    Saved {
        generation: u64,
        rules: Vec<CorsRule>,
        expected: Vec<CorsRule>,
        undo: bool,
        result: Result<SaveOutcome, String>,
    },
    Tested {
        generation: u64,
        result: Result<PreflightReport, String>,
    },
    Copied {
        generation: u64,
        from: String,
        result: Result<Vec<CorsRule>, String>,
    },
    Exported {
        generation: u64,
        path: PathBuf,
        result: Result<usize, String>,
    },
    Imported {
        generation: u64,
        path: PathBuf,
        result: Result<Vec<CorsRule>, String>,
    },
}

impl CorsEvent {
    pub(super) fn generation(&self) -> u64 {
        match self {
            CorsEvent::Loaded { generation, .. }
            | CorsEvent::Saved { generation, .. }
            | CorsEvent::Tested { generation, .. }
            | CorsEvent::Copied { generation, .. }
            | CorsEvent::Exported { generation, .. }
            | CorsEvent::Imported { generation, .. } => *generation,
        }
    }
}

/// Starts the work for `effect`; `client` finds an account's client.
pub(in crate::app) fn spawn(
    effect: CorsEffect,
    client: impl Fn(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let send = move |event: CorsEvent| {
        let _ = tx.send(Action::Cors(event));
    };
    match effect.account().map(|a| (a, client(a))) {
        None => {
            tokio::task::spawn_blocking(move || send(file_work(effect)));
        }
        Some((_, None)) => {
            send(effect.failed("This account could not be set up; edit it to fix it.".to_string()))
        }
        Some((_, Some(client))) => {
            tokio::spawn(async move { send(execute(&client, effect).await) });
        }
    }
}

impl CorsEffect {
    /// The account whose client the work needs; file work needs none.
    fn account(&self) -> Option<usize> {
        match self {
            CorsEffect::Load { account, .. }
            | CorsEffect::Save { account, .. }
            | CorsEffect::Test { account, .. } => Some(*account),
            CorsEffect::CopyFrom { from, .. } => Some(*from),
            CorsEffect::Export { .. } | CorsEffect::Import { .. } => None,
        }
    }

    /// What the work reports when it cannot start, with `why`.
    fn failed(self, why: String) -> CorsEvent {
        match self {
            CorsEffect::Load { generation, .. } => CorsEvent::Loaded {
                generation,
                result: Err(why),
            },
            CorsEffect::Save {
                generation,
                rules,
                expected,
                undo,
                ..
            } => CorsEvent::Saved {
                generation,
                rules,
                expected,
                undo,
                result: Err(why),
            },
            CorsEffect::Test { generation, .. } => CorsEvent::Tested {
                generation,
                result: Err(why),
            },
            CorsEffect::CopyFrom { generation, from } => CorsEvent::Copied {
                generation,
                from: format!("account {from}"),
                result: Err(why),
            },
            CorsEffect::Export {
                generation, path, ..
            } => CorsEvent::Exported {
                generation,
                path,
                result: Err(why),
            },
            CorsEffect::Import { generation, path } => CorsEvent::Imported {
                generation,
                path,
                result: Err(why),
            },
        }
    }
}

/// The service side of the work, with the account's client.
async fn execute(client: &StorageClient, effect: CorsEffect) -> CorsEvent {
    let describe = |e: crate::azure::ops::OpError| e.describe(client.account());
    match effect {
        CorsEffect::Load { generation, .. } => CorsEvent::Loaded {
            generation,
            result: model::get_cors(client).await.map_err(describe),
        },
        CorsEffect::Save {
            generation,
            rules,
            expected,
            undo,
            ..
        } => {
            let result = model::save_cors(client, &rules, Some(&expected))
                .await
                .map_err(describe);
            if let Ok(SaveOutcome::Saved { .. }) = &result {
                let what = format!("{}: {} rules", client.account().label, rules.len());
                crate::audit::audit("set cors rules", &what);
            }
            CorsEvent::Saved {
                generation,
                rules,
                expected,
                undo,
                result,
            }
        }
        CorsEffect::Test {
            generation,
            request,
            ..
        } => CorsEvent::Tested {
            generation,
            result: model::test_preflight(client, &request)
                .await
                .map_err(describe),
        },
        CorsEffect::CopyFrom { generation, .. } => CorsEvent::Copied {
            generation,
            from: client.account().label.clone(),
            result: model::get_cors(client).await.map_err(describe),
        },
        file @ (CorsEffect::Export { .. } | CorsEffect::Import { .. }) => file_work(file),
    }
}

/// Export and import: blocking file work, no account needed.
fn file_work(effect: CorsEffect) -> CorsEvent {
    match effect {
        CorsEffect::Export {
            generation,
            path,
            json,
        } => {
            let result = files::export(&path, &json);
            CorsEvent::Exported {
                generation,
                path,
                result,
            }
        }
        CorsEffect::Import { generation, path } => {
            let result = files::import(&path);
            CorsEvent::Imported {
                generation,
                path,
                result,
            }
        }
        other => other.failed("not file work".to_string()),
    }
}
