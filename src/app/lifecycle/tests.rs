use super::*;
use crate::app::action::Action;
use crate::app::update_tests::{cmd, state, type_text};
use crate::azure::lifecycle::{Hit, Target, Verb};

const ARM_ID: &str =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";

fn read() -> Policy {
    crate::azure::lifecycle::parse(
        r#"{"rules": [{"name": "logs", "type": "Lifecycle", "definition": {
            "filters": {"blobTypes": ["blockBlob"], "prefixMatch": ["data/logs/"]},
            "actions": {"baseBlob": {"tierToCool": {"daysAfterModificationGreaterThan": 30}}}}}]}"#,
    )
    .unwrap()
}

/// W then l on an account found through Entra ID; the policy arrives.
fn open(arm: bool) -> (State, u64) {
    let mut s = state();
    if arm {
        s.accounts[0].account.arm_id = Some(ARM_ID.into());
    }
    s.start(None, Some(0));
    cmd(&mut s, Command::Settings);
    let effects = cmd(&mut s, Command::Lifecycle);
    assert_eq!(s.mode(), Mode::Lifecycle);
    let generation = s.lifecycle_pane().unwrap().generation;
    if arm {
        assert_eq!(
            effects,
            vec![Effect::Lifecycle(LifecycleEffect::Load {
                account: 0,
                generation
            })]
        );
        s.update(Action::Lifecycle(LifecycleEvent::Loaded {
            generation,
            result: Ok(read()),
        }));
    } else {
        assert!(
            effects.is_empty(),
            "nothing to read without Resource Manager"
        );
    }
    (s, generation)
}

fn pane(s: &State) -> &LifecyclePane {
    s.lifecycle_pane().unwrap()
}

fn dry_run_done(s: &mut State, generation: u64, count: u64) {
    let policy = pane(s).work.clone();
    s.update(Action::Lifecycle(LifecycleEvent::DryRunDone {
        generation,
        policy: Box::new(policy),
        result: Ok(DryRun {
            scanned: 10,
            scanned_bytes: 10_000,
            hits: vec![Hit {
                rule: "logs".into(),
                target: Some(Target::BaseBlob),
                action: Some(Verb::TierToCool),
                count,
                bytes: count * 1000,
                blobs: (0..count).map(|i| format!("data/logs/{i}.log")).collect(),
            }],
            ..DryRun::default()
        }),
    }));
}

#[test]
fn edit_a_rule_as_a_line_dry_run_review_save_undo() {
    let (mut s, generation) = open(true);
    // Enter: the rule as a line; a bad edit is said and kept for fixing.
    cmd(&mut s, Command::LifecycleEdit);
    assert_eq!(s.mode(), Mode::LifecycleInput);
    assert_eq!(s.input.value(), "logs prefix=data/logs/ base.cool>30m");
    type_text(&mut s, " base.delete>100000m");
    assert!(
        pane(&s)
            .check_line(s.input.value())
            .unwrap_err()
            .contains("0–99999")
    );
    cmd(&mut s, Command::Accept);
    assert_eq!(s.mode(), Mode::LifecycleInput);
    s.input = tui_input::Input::new("logs prefix=data/logs/ base.cool>30m base.delete>365m".into());
    cmd(&mut s, Command::Accept);
    assert_eq!(s.mode(), Mode::Lifecycle);
    assert!(pane(&s).dirty());

    // x: the dry run of the copy.
    let effects = cmd(&mut s, Command::LifecycleDryRun);
    assert!(matches!(
        &effects[..],
        [Effect::Lifecycle(LifecycleEffect::DryRun { policy, .. })] if **policy == pane(&s).work
    ));
    s.update(Action::Lifecycle(LifecycleEvent::Scanned {
        generation,
        blobs: 5,
    }));
    assert_eq!(pane(&s).scanning, Some(5));
    dry_run_done(&mut s, generation, 2);
    assert!(pane(&s).current_dry_run().is_some());
    insta::assert_snapshot!(crate::ui::snapshot_tests::render(&s, 110, 24));

    // s: the review (the dry run is current, so none is started); y saves.
    let effects = cmd(&mut s, Command::SettingsSave);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        pane(&s).review.as_deref(),
        Some(
            &["change logs prefix=data/logs/ base.cool>30m → logs prefix=data/logs/ base.cool>30m base.delete>365m".to_string()][..]
        )
    );
    let after = pane(&s).work.clone();
    let effects = cmd(&mut s, Command::Yes);
    assert_eq!(
        effects,
        vec![Effect::Lifecycle(LifecycleEffect::Save {
            account: 0,
            generation,
            after: Box::new(after.clone()),
            expected: Box::new(read()),
            undo: false,
        })]
    );
    s.update(Action::Lifecycle(LifecycleEvent::Saved {
        generation,
        after: Box::new(after.clone()),
        undo: false,
        result: Ok(Saved::Saved { previous: read() }),
    }));
    assert!(!pane(&s).dirty());
    // u: the rules before, if the service still has ours.
    let effects = cmd(&mut s, Command::SettingsUndo);
    assert_eq!(
        effects,
        vec![Effect::Lifecycle(LifecycleEffect::Save {
            account: 0,
            generation,
            after: Box::new(read()),
            expected: Box::new(after),
            undo: true,
        })]
    );
}

#[test]
fn add_toggle_remove_and_a_save_starts_the_dry_run() {
    let (mut s, _) = open(true);
    cmd(&mut s, Command::LifecycleAdd);
    s.input = tui_input::Input::new("tmp prefix=data/tmp/ base.delete>7c".into());
    cmd(&mut s, Command::Accept);
    assert_eq!(pane(&s).work.rules.len(), 2);
    assert_eq!(pane(&s).selected, 1);
    cmd(&mut s, Command::LifecycleToggle);
    assert!(!pane(&s).work.rules[1].is_enabled());
    // The review comes with a dry run of the rules as they are.
    let effects = cmd(&mut s, Command::SettingsSave);
    assert!(matches!(
        &effects[..],
        [Effect::Lifecycle(LifecycleEffect::DryRun { .. })]
    ));
    assert_eq!(pane(&s).review.as_ref().unwrap().len(), 1);
    cmd(&mut s, Command::No);
    cmd(&mut s, Command::LifecycleDelete);
    cmd(&mut s, Command::Top);
    cmd(&mut s, Command::LifecycleDelete);
    assert!(pane(&s).work.rules.is_empty());
    // Esc closes, stopping the dry run, and says the changes were dropped.
    let effects = cmd(&mut s, Command::Cancel);
    assert_eq!(effects, vec![Effect::Lifecycle(LifecycleEffect::Cancel)]);
    assert_eq!(s.mode(), Mode::Settings);
    assert!(s.status.as_ref().unwrap().text.contains("dropped"));
}

#[test]
fn without_resource_manager_rules_can_be_tried_not_saved() {
    let (mut s, _) = open(false);
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("not found through Microsoft Entra ID")
    );
    cmd(&mut s, Command::LifecycleAdd);
    s.input = tui_input::Input::new("old base.delete>30m".into());
    cmd(&mut s, Command::Accept);
    assert_eq!(cmd(&mut s, Command::LifecycleDryRun).len(), 1);
    assert!(cmd(&mut s, Command::SettingsSave).is_empty());
    assert!(pane(&s).review.is_none());
    assert!(s.status.as_ref().unwrap().text.contains("Resource Manager"));
}
