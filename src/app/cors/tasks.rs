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
    let missing = "This account could not be set up; edit it to fix it.".to_string();
    match effect {
        CorsEffect::Load {
            generation,
            account,
        } => {
            let Some(client) = client(account) else {
                return send(CorsEvent::Loaded {
                    generation,
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let result = model::get_cors(&client)
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Loaded { generation, result });
            });
        }
        CorsEffect::Save {
            generation,
            account,
            rules,
            expected,
            undo,
        } => {
            let Some(client) = client(account) else {
                return send(CorsEvent::Saved {
                    generation,
                    rules,
                    expected,
                    undo,
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let result = model::save_cors(&client, &rules, Some(&expected))
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Saved {
                    generation,
                    rules,
                    expected,
                    undo,
                    result,
                });
            });
        }
        CorsEffect::Test {
            generation,
            account,
            request,
        } => {
            let Some(client) = client(account) else {
                return send(CorsEvent::Tested {
                    generation,
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let result = model::test_preflight(&client, &request)
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Tested { generation, result });
            });
        }
        CorsEffect::CopyFrom { generation, from } => {
            let Some(client) = client(from) else {
                return send(CorsEvent::Copied {
                    generation,
                    from: format!("account {from}"),
                    result: Err(missing),
                });
            };
            tokio::spawn(async move {
                let label = client.account().label.clone();
                let result = model::get_cors(&client)
                    .await
                    .map_err(|e| e.describe(client.account()));
                send(CorsEvent::Copied {
                    generation,
                    from: label,
                    result,
                });
            });
        }
        CorsEffect::Export {
            generation,
            path,
            json,
        } => {
            tokio::task::spawn_blocking(move || {
                let result = files::export(&path, &json);
                send(CorsEvent::Exported {
                    generation,
                    path,
                    result,
                });
            });
        }
        CorsEffect::Import { generation, path } => {
            tokio::task::spawn_blocking(move || {
                let result = files::import(&path);
                send(CorsEvent::Imported {
                    generation,
                    path,
                    result,
                });
            });
        }
    }
}
