//! The pane's background work: read the settings, save them.

use crate::app::action::Action;
use crate::azure::StorageClient;
use crate::azure::arm_settings::{ArmSaved, ArmSettings};
use crate::azure::entra::Arm;
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
        /// The Resource Manager settings to write (after, expected), saved
        /// after the data plane's.
        arm: Option<(Box<ArmSettings>, Box<ArmSettings>)>,
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
    ArmLoaded {
        generation: u64,
        result: Result<ArmSettings, String>,
    },
    Saved {
        generation: u64,
        after: Box<ServiceSettings>,
        undo: bool,
        result: Result<Box<Saved>, String>,
        /// What was written to Resource Manager, and how that went.
        arm: Option<(Box<ArmSettings>, Result<ArmSaved, String>)>,
    },
}

impl SettingsEvent {
    pub fn generation(&self) -> u64 {
        match self {
            SettingsEvent::Loaded { generation, .. }
            | SettingsEvent::ArmLoaded { generation, .. }
            | SettingsEvent::Saved { generation, .. } => *generation,
        }
    }
}

pub(in crate::app) fn spawn(
    effect: SettingsEffect,
    client: impl FnOnce(usize) -> Option<StorageClient>,
    arm_endpoint: Option<String>,
    tx: UnboundedSender<Action>,
) {
    let Some(client) = client(effect.account()) else {
        return;
    };
    // Resource Manager, for accounts found through Entra ID.
    let arm = client.account().arm_id.as_ref().map(|_| {
        let endpoint = arm_endpoint
            .ok_or_else(|| "Resource Manager is turned off in config.toml ([entra])".to_string())?;
        Arm::for_account(&endpoint, client.account())
    });
    tokio::spawn(async move {
        let describe = |e: crate::azure::http::OpError| e.describe(client.account());
        let event = match effect {
            SettingsEffect::Load { generation, .. } => {
                if let Some(arm) = &arm {
                    let result = match arm {
                        Ok((arm, id)) => crate::azure::arm_settings::get(arm, id)
                            .await
                            .map(|(s, _, _)| s),
                        Err(e) => Err(e.clone()),
                    };
                    let _ = tx.send(Action::Settings(SettingsEvent::ArmLoaded {
                        generation,
                        result,
                    }));
                }
                SettingsEvent::Loaded {
                    generation,
                    result: get_settings(&client).await.map_err(describe),
                }
            }
            SettingsEffect::Save {
                generation,
                after,
                expected,
                undo,
                arm: arm_change,
                ..
            } => {
                let result = save_settings(&client, &after, Some(&expected))
                    .await
                    .map(|o| {
                        Box::new(match o {
                            SaveOutcome::Saved { previous } => Saved::Written { previous },
                            SaveOutcome::Unchanged => Saved::Unchanged,
                            SaveOutcome::Changed { current } => Saved::Changed { current },
                        })
                    })
                    .map_err(describe);
                // Resource Manager after the data plane (blob soft delete,
                // which restore depends on, is saved there), and only when
                // that went through.
                let arm = match (arm_change, &result) {
                    (Some((arm_after, arm_expected)), Ok(_)) => {
                        let outcome = match &arm {
                            Some(Ok((arm, id))) => {
                                crate::azure::arm_settings::save(arm, id, &arm_after, &arm_expected)
                                    .await
                            }
                            Some(Err(e)) => Err(e.clone()),
                            None => Err("this account has no Resource Manager id".into()),
                        };
                        Some((arm_after, outcome))
                    }
                    _ => None,
                };
                SettingsEvent::Saved {
                    generation,
                    result,
                    after,
                    undo,
                    arm,
                }
            }
        };
        let _ = tx.send(Action::Settings(event));
    });
}
