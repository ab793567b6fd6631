//! The pane's background work: read the settings, save them.

use crate::app::action::Action;
use crate::azure::StorageClient;
use crate::azure::props::{SaveOutcome, ServiceSettings, get_settings, save_settings};
use tokio::sync::mpsc::UnboundedSender;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsEffect {
    Load {
        account: usize,
        generation: u64,
    },
    /// Writes `after` if the service still has `expected`.
    Save {
        account: usize,
        generation: u64,
        after: Box<ServiceSettings>,
        expected: Box<ServiceSettings>,
        undo: bool,
    },
}

impl SettingsEffect {
    fn account(&self) -> usize {
        match self {
            SettingsEffect::Load { account, .. } | SettingsEffect::Save { account, .. } => *account,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    Written { previous: ServiceSettings },
    Unchanged,
    Changed { current: ServiceSettings },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsEvent {
    Loaded {
        generation: u64,
        result: Result<ServiceSettings, String>,
    },
    Saved {
        generation: u64,
        after: Box<ServiceSettings>,
        undo: bool,
        result: Result<Box<Saved>, String>,
    },
}

impl SettingsEvent {
    pub fn generation(&self) -> u64 {
        match self {
            SettingsEvent::Loaded { generation, .. } | SettingsEvent::Saved { generation, .. } => {
                *generation
            }
        }
    }
}

pub(in crate::app) fn spawn(
    effect: SettingsEffect,
    client: impl FnOnce(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let Some(client) = client(effect.account()) else {
        return;
    };
    tokio::spawn(async move {
        let describe = |e: crate::azure::http::OpError| e.describe(client.account());
        let event = match effect {
            SettingsEffect::Load { generation, .. } => SettingsEvent::Loaded {
                generation,
                result: get_settings(&client).await.map_err(describe),
            },
            SettingsEffect::Save {
                generation,
                after,
                expected,
                undo,
                ..
            } => SettingsEvent::Saved {
                generation,
                result: save_settings(&client, &after, Some(&expected))
                    .await
                    .map(|o| {
                        Box::new(match o {
                            SaveOutcome::Saved { previous } => Saved::Written { previous },
                            SaveOutcome::Unchanged => Saved::Unchanged,
                            SaveOutcome::Changed { current } => Saved::Changed { current },
                        })
                    })
                    .map_err(describe),
                after,
                undo,
            },
        };
        let _ = tx.send(Action::Settings(event));
    });
}
