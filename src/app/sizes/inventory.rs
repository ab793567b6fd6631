//! `I` on an account found through Entra ID: its Blob Inventory rules are
//! read first (Resource Manager). With a rule blobx can size from, the
//! place its reports go is offered and the rule named; without one, `I`
//! says why and offers to add a daily CSV rule into a container the user
//! names, shown for review before anything is saved (re-read first, refused
//! when someone changed the policy since).

use crate::app::effect::Effect;
use crate::app::layers::Layer;
use crate::app::ops::Ask;
use crate::app::state::{Confirm, State};
use crate::azure::inventory_policy::{self as policy, Created, Loaded};

/// What a read of the rules or a save sends back.
#[derive(Debug, Clone, PartialEq)]
pub enum InventoryEvent {
    Loaded {
        account: usize,
        result: Result<Loaded, String>,
    },
    Created {
        account: usize,
        name: String,
        dest: String,
        result: Result<Created, String>,
    },
}

impl State {
    /// Whether `I` reads the account's rules first (an Entra ID account).
    pub(in crate::app) fn inventory_rules_apply(&self, account: usize) -> bool {
        self.accounts
            .get(account)
            .is_some_and(|n| n.account.arm_id.is_some())
    }

    /// The report question, offered at `start` (`rule`: the account's rule
    /// that writes the reports, in words).
    pub(super) fn ask_report_place(&mut self, start: Option<String>, rule: Option<String>) {
        let start = self
            .inventory_report
            .clone()
            .or(start)
            .unwrap_or_else(|| "az://".into());
        self.open_ask(Ask::Inventory { rule }, start);
    }

    pub(in crate::app) fn inventory_event(&mut self, event: InventoryEvent) -> Vec<Effect> {
        match event {
            InventoryEvent::Loaded { account, result } => {
                let loaded = match result {
                    Ok(l) => l,
                    Err(e) => {
                        self.error(&format!("inventory rules: {e}"));
                        self.ask_report_place(None, None);
                        return Vec::new();
                    }
                };
                match policy::usable(loaded.policy.as_ref()) {
                    Ok(rules) => {
                        let first = &rules[0];
                        let start = format!("az://{}/", first.destination);
                        let line = first.line();
                        self.info(&format!("Inventory rule {line}."));
                        self.inventory_rule = Some((first.destination.clone(), first.name.clone()));
                        self.inventory_rules = Some((account, loaded));
                        self.ask_report_place(Some(start), Some(line));
                    }
                    Err(why) => {
                        self.info(&format!("Inventory: {why}."));
                        self.inventory_rules = Some((account, loaded));
                        self.open_ask(Ask::InventoryCreate { account, why }, String::new());
                    }
                }
                Vec::new()
            }
            InventoryEvent::Created {
                name, dest, result, ..
            } => {
                self.inventory_rules = None;
                match result {
                    Ok(Created::Saved) => {
                        let place = format!("az://{dest}/");
                        self.info(&format!(
                            "Saved inventory rule {name}: the service writes its first report into {place} after its next daily run; I then sizes from it."
                        ));
                        self.inventory_report = Some(place);
                    }
                    Ok(Created::Changed { .. }) => self.error(
                        "the inventory policy changed while you reviewed it; nothing was written (I reads it again)",
                    ),
                    Err(e) => self.error(&format!("inventory rule not saved: {e}")),
                }
                Vec::new()
            }
        }
    }

    /// Enter on the container question: the rule for review, or why not.
    pub(in crate::app) fn review_inventory_rule(&mut self, account: usize, dest: &str) {
        let Some((_, loaded)) = self.inventory_rules.as_ref().filter(|(a, _)| *a == account) else {
            return;
        };
        let name = policy::free_name(loaded.policy.as_ref());
        let rule = policy::default_rule(&name, dest, loaded.versioning);
        match policy::with_rule(loaded.policy.as_ref(), rule) {
            Ok(after) => {
                let review = policy::review(loaded.policy.as_ref(), &after, &name);
                self.note_op("Nothing is saved until you answer y.");
                self.layers.push(Layer::Confirm(Confirm::InventoryRule {
                    account,
                    name,
                    after: after.to_string(),
                    review,
                }));
            }
            Err(e) => self.fail_op(&e),
        }
    }

    /// The answer to the review.
    pub(in crate::app) fn inventory_confirm(
        &mut self,
        cmd: crate::app::action::Command,
        question: Confirm,
    ) -> Option<Vec<Effect>> {
        use crate::app::action::Command;
        Some(match (cmd, question) {
            (
                Command::Yes,
                Confirm::InventoryRule {
                    account,
                    name,
                    after,
                    ..
                },
            ) => {
                let expected = self
                    .inventory_rules
                    .as_ref()
                    .filter(|(a, _)| *a == account)
                    .map(|(_, l)| l.policy.clone())?;
                let Ok(after) = serde_json::from_str(&after) else {
                    return Some(Vec::new());
                };
                self.note_op(&format!("Saving inventory rule {name}…"));
                vec![Effect::InventoryCreate {
                    account,
                    expected,
                    after,
                    name,
                }]
            }
            (Command::No | Command::Cancel, Confirm::InventoryRule { .. }) => {
                self.info("No inventory rule saved.");
                Vec::new()
            }
            (Command::Quit, _) => self.quit(),
            (_, q @ Confirm::InventoryRule { .. }) => {
                self.layers.push(Layer::Confirm(q));
                Vec::new()
            }
            (_, other) => {
                self.layers.push(Layer::Confirm(other));
                return None;
            }
        })
    }
}

/// The tasks: read the rules, or save the reviewed policy.
pub(in crate::app) async fn run(
    arm: Result<(crate::azure::entra::Arm, String), String>,
    effect: Effect,
) -> Option<InventoryEvent> {
    match effect {
        Effect::InventoryRules { account } => Some(InventoryEvent::Loaded {
            account,
            result: match arm {
                Ok((arm, id)) => policy::load(&arm, &id).await,
                Err(e) => Err(e),
            },
        }),
        Effect::InventoryCreate {
            account,
            expected,
            after,
            name,
        } => {
            let dest = policy::rules(Some(&after))
                .into_iter()
                .find(|r| r.name == name)
                .map(|r| r.destination)
                .unwrap_or_default();
            let result = match arm {
                Ok((arm, id)) => policy::create(&arm, &id, expected.as_ref(), &after, &name).await,
                Err(e) => Err(e),
            };
            Some(InventoryEvent::Created {
                account,
                name,
                dest,
                result,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Command;
    use crate::app::action::Action;
    use crate::app::layers::Mode;
    use crate::app::update_tests::{cmd, in_container};
    use serde_json::json;

    const ID: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";

    fn entra(blobs: &[&str]) -> State {
        let mut s = in_container(blobs);
        s.accounts[0].account.arm_id = Some(ID.into());
        s
    }

    fn containers_only() -> serde_json::Value {
        json!({"enabled": true, "type": "Inventory", "keep": 1, "rules": [
            {"enabled": true, "name": "weekly", "destination": "inv",
             "definition": {"format": "Parquet", "schedule": "Weekly", "objectType": "Container",
                "schemaFields": ["Name"]}}]})
    }

    use crate::app::update_tests::status;

    #[test]
    fn i_without_a_usable_rule_offers_one_reviewed_before_it_is_saved() {
        let mut s = entra(&["a/"]);
        s.update(Action::Resize {
            width: 100,
            height: 20,
        });
        let fx = cmd(&mut s, Command::SizesInventory);
        assert!(
            matches!(&fx[..], [Effect::InventoryRules { account: 0 }]),
            "{fx:?}"
        );
        let loaded = Loaded {
            policy: Some(containers_only()),
            versioning: false,
        };
        s.update(Action::Inventory(InventoryEvent::Loaded {
            account: 0,
            result: Ok(loaded),
        }));
        assert_eq!(s.mode(), Mode::Ask);
        assert!(
            status(&s).contains("lists Containers, not blobs"),
            "{}",
            status(&s)
        );
        // A name the service refuses: said, still asking, nothing to send.
        s.input = tui_input::Input::new("Bad_Name".into());
        assert!(cmd(&mut s, Command::Accept).is_empty());
        assert_eq!(s.mode(), Mode::Ask);
        s.input = tui_input::Input::new("inv".into());
        assert!(cmd(&mut s, Command::Accept).is_empty());
        assert_eq!(s.mode(), Mode::Confirm);
        let screen = crate::ui::snapshot_tests::render(&s, 100, 20);
        insta::assert_snapshot!(screen);
        let fx = cmd(&mut s, Command::Yes);
        match &fx[..] {
            [
                Effect::InventoryCreate {
                    account: 0,
                    expected,
                    after,
                    name,
                },
            ] => {
                assert_eq!(expected.as_ref(), Some(&containers_only()));
                assert_eq!(name, "blobxsizes");
                assert_eq!(after["keep"], 1);
                assert_eq!(after["rules"][0], containers_only()["rules"][0]);
                assert_eq!(after["rules"][1]["destination"], "inv");
            }
            other => panic!("{other:?}"),
        }
        // Changed meanwhile: said, nothing else.
        s.update(Action::Inventory(InventoryEvent::Created {
            account: 0,
            name: "blobxsizes".into(),
            dest: "inv".into(),
            result: Ok(Created::Changed { current: None }),
        }));
        assert!(
            status(&s).contains("changed while you reviewed"),
            "{}",
            status(&s)
        );
        assert_eq!(s.inventory_report, None);
        s.update(Action::Inventory(InventoryEvent::Created {
            account: 0,
            name: "blobxsizes".into(),
            dest: "inv".into(),
            result: Ok(Created::Saved),
        }));
        assert_eq!(s.inventory_report.as_deref(), Some("az://inv/"));
    }

    #[test]
    fn i_with_a_usable_rule_names_it_and_offers_where_its_reports_go() {
        let mut s = entra(&["a/"]);
        cmd(&mut s, Command::SizesInventory);
        let mut p = containers_only();
        p["rules"][0]["definition"]["objectType"] = json!("Blob");
        p["rules"][0]["definition"]["schemaFields"] = json!(["Name", "Content-Length"]);
        s.update(Action::Inventory(InventoryEvent::Loaded {
            account: 0,
            result: Ok(Loaded {
                policy: Some(p.clone()),
                versioning: false,
            }),
        }));
        assert!(
            matches!(s.layers.ask(), Some(Ask::Inventory { rule: Some(r) }) if r.starts_with("weekly: weekly Parquet of blobs"))
        );
        assert_eq!(s.input.value(), "az://inv/");
        assert!(
            status(&s).contains("Inventory rule weekly: weekly Parquet of blobs"),
            "{}",
            status(&s)
        );
        // Only that rule's reports are read there (not elsewhere).
        let fx = cmd(&mut s, Command::Accept);
        assert!(
            matches!(&fx[..], [Effect::SizesInventory { rule: Some(r), .. }] if r == "weekly"),
            "{fx:?}"
        );
        cmd(&mut s, Command::SizesInventory);
        s.update(Action::Inventory(InventoryEvent::Loaded {
            account: 0,
            result: Ok(Loaded {
                policy: Some(p.clone()),
                versioning: false,
            }),
        }));
        s.input = tui_input::Input::new("az://elsewhere/".into());
        let fx = cmd(&mut s, Command::Accept);
        assert!(
            matches!(&fx[..], [Effect::SizesInventory { rule: None, .. }]),
            "{fx:?}"
        );
        // An account not found through Entra ID asks for the place at once.
        let mut s = in_container(&["a/"]);
        assert!(cmd(&mut s, Command::SizesInventory).is_empty());
        assert_eq!(s.layers.ask(), Some(&Ask::Inventory { rule: None }));
    }

    #[test]
    fn read_only_and_a_no_save_nothing() {
        let mut s = entra(&["a/"]);
        cmd(&mut s, Command::SizesInventory);
        s.update(Action::Inventory(InventoryEvent::Loaded {
            account: 0,
            result: Ok(Loaded::default()),
        }));
        s.input = tui_input::Input::new("inv".into());
        cmd(&mut s, Command::Accept);
        assert!(cmd(&mut s, Command::No).is_empty());
        assert_eq!(s.mode(), Mode::Normal);
        s.readonly = true;
        cmd(&mut s, Command::SizesInventory);
        s.update(Action::Inventory(InventoryEvent::Loaded {
            account: 0,
            result: Ok(Loaded::default()),
        }));
        s.input = tui_input::Input::new("inv".into());
        assert!(cmd(&mut s, Command::Accept).is_empty());
        assert_ne!(s.mode(), Mode::Confirm);
        assert!(status(&s).contains("read-only"), "{}", status(&s));
    }
}
