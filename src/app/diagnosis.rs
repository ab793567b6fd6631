//! The diagnosis of an account (`!` on its node, and by itself when an
//! account cannot be listed): every check goes to the log, the cause and fix
//! to the status line, the activity pane and the account's node.

use super::action::Action;
use super::effect::Effect;
use super::state::{Location, State};
use crate::azure::StorageClient;
use crate::azure::diagnose::Diagnosis;
use tokio::sync::mpsc::UnboundedSender;

impl State {
    /// The account under the cursor in the accounts list, or the one open.
    fn diagnosis_target(&self) -> Option<usize> {
        match &self.location {
            Location::Accounts => {
                let row = *self.listing.view.get(self.selected)? as usize;
                self.account_rows.get(row).copied()
            }
            Location::Containers { account } | Location::Blobs { account, .. } => Some(*account),
        }
    }

    /// `!`: diagnose the selected account.
    pub(super) fn diagnose(&mut self) -> Vec<Effect> {
        let Some(account) = self.diagnosis_target() else {
            self.info("Select a storage account to diagnose it.");
            return Vec::new();
        };
        let Some(node) = self.accounts.get(account) else {
            return Vec::new();
        };
        if node.discovery {
            self.info("Open Microsoft Entra ID first, then diagnose one of its storage accounts.");
            return Vec::new();
        }
        if let Some(why) = node.broken.clone() {
            self.error(&why);
            return Vec::new();
        }
        self.info(&format!(
            "Diagnosing {}: proxy, name, connection, TLS, credentials…",
            node.account.label
        ));
        vec![Effect::Diagnose { account }]
    }

    /// A diagnosis finished: its cause on the node and the status line.
    pub(super) fn diagnosed(&mut self, account: usize, diagnosis: Diagnosis) -> Vec<Effect> {
        let Some(node) = self.accounts.get_mut(account) else {
            return Vec::new();
        };
        let label = node.account.label.clone();
        let summary = diagnosis.summary();
        if let (true, Some((_, accepted))) = (diagnosis.ok(), diagnosis.fallback.clone()) {
            // Said once, on the node; then the account is listed again at that version.
            node.error = None;
            let said = format!("service version {accepted} (older service)");
            let note = node.account.note.get_or_insert_with(String::new);
            if !note.contains(&said) {
                if !note.is_empty() {
                    note.push_str(" · ");
                }
                note.push_str(&said);
            }
            self.info(&format!("{label}: {summary}"));
            let mut effects = vec![Effect::UseVersion {
                account,
                version: accepted,
            }];
            if self.current_account() == Some(account)
                && matches!(self.location, Location::Containers { .. })
            {
                effects.extend(self.reload());
            }
            return effects;
        }
        if diagnosis.ok() {
            node.error = None;
            self.info(&format!("{label}: {summary}"));
        } else {
            node.error = Some(summary.clone());
            self.error(&format!("{label}: {summary}"));
        }
        Vec::new()
    }
}

/// Runs the diagnosis and reports it; each check goes to the log.
pub(super) fn spawn(account: usize, client: StorageClient, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let diagnosis = crate::azure::diagnose::diagnose(&client).await;
        for line in diagnosis.lines() {
            tracing::info!(account = %client.account().label, "diagnosis: {line}");
        }
        let _ = tx.send(Action::Diagnosed { account, diagnosis });
    });
}

#[cfg(test)]
mod tests {
    use crate::app::Command;
    use crate::app::effect::Effect;
    use crate::app::update_tests::{cmd, state};
    use crate::azure::diagnose::{Check, Diagnosis, Verdict};

    #[test]
    fn an_older_service_gets_the_version_it_accepts_and_is_listed_again() {
        let mut s = state();
        s.start(None, Some(0));
        let d = Diagnosis {
            fallback: Some(("2026-04-06".into(), "2024-05-04".into())),
            ..Default::default()
        };
        let effects = s.update(crate::app::Action::Diagnosed {
            account: 0,
            diagnosis: d.clone(),
        });
        assert_eq!(
            effects[0],
            Effect::UseVersion {
                account: 0,
                version: "2024-05-04".into()
            }
        );
        assert!(matches!(effects[1], Effect::ListContainers { .. }));
        let note = s.accounts[0].account.note.clone().unwrap();
        assert!(note.contains("service version 2024-05-04"), "{note}");
        // Said once.
        s.update(crate::app::Action::Diagnosed {
            account: 0,
            diagnosis: d,
        });
        assert_eq!(
            s.accounts[0]
                .account
                .note
                .as_deref()
                .unwrap()
                .matches("2024-05-04")
                .count(),
            1
        );
    }

    #[test]
    fn the_key_diagnoses_the_selected_account_and_the_cause_lands_on_its_node() {
        let mut s = state();
        s.start(None, Some(0));
        let effects = cmd(&mut s, Command::Diagnose);
        assert_eq!(effects, vec![Effect::Diagnose { account: 0 }]);
        let d = Diagnosis {
            checks: vec![Check {
                step: "connect",
                verdict: Verdict::Problem,
                text: "refused".into(),
            }],
            cause: Some("Nothing is listening.".into()),
            ..Default::default()
        };
        s.update(crate::app::Action::Diagnosed {
            account: 0,
            diagnosis: d,
        });
        assert_eq!(
            s.accounts[0].error.as_deref(),
            Some("Diagnosis: Nothing is listening.")
        );
        assert!(s.activity.entries[0].text.contains("Nothing is listening."));
        s.update(crate::app::Action::Diagnosed {
            account: 0,
            diagnosis: Diagnosis::default(),
        });
        assert_eq!(s.accounts[0].error, None);
    }
}
