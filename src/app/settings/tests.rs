use super::*;
use crate::app::action::Action;
use crate::app::update_tests::{cmd, state, type_text};

fn open() -> (State, u64) {
    let mut s = state();
    s.start(None, Some(0));
    let effects = cmd(&mut s, Command::Settings);
    let generation = match &effects[..] {
        [
            Effect::Settings(SettingsEffect::Load {
                account: 0,
                generation,
            }),
        ] => *generation,
        other => panic!("{other:?}"),
    };
    let mut read = ServiceSettings::default();
    read.static_website.index_document = Some("index.html".into());
    s.update(Action::Settings(SettingsEvent::Loaded {
        generation,
        result: Ok(read),
    }));
    (s, generation)
}

fn pane(s: &State) -> &SettingsPane {
    s.settings_pane().unwrap()
}

#[test]
fn edit_review_save_and_undo() {
    let (mut s, generation) = open();
    assert_eq!(s.mode(), Mode::Settings);
    // Soft delete on, 30 days typed.
    cmd(&mut s, Command::SettingsEdit);
    assert!(pane(&s).work.delete_retention.enabled);
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::SettingsEdit);
    assert_eq!(s.mode(), Mode::SettingsInput);
    type_text(&mut s, "30");
    cmd(&mut s, Command::Accept);
    assert_eq!(pane(&s).work.delete_retention.days, Some(30));
    // Save shows the diff first; y writes it, expecting what was read.
    assert!(cmd(&mut s, Command::SettingsSave).is_empty());
    assert_eq!(
        pane(&s).review.as_deref(),
        Some(&["blob soft delete: off → on, 30 days".to_string()][..])
    );
    let effects = cmd(&mut s, Command::Yes);
    let base = pane(&s).base.clone().unwrap();
    let after = pane(&s).work.clone();
    assert_eq!(
        effects,
        vec![Effect::Settings(SettingsEffect::Save {
            account: 0,
            generation,
            after: Box::new(after.clone()),
            expected: Box::new(base.clone()),
            undo: false,
            arm: None,
        })]
    );
    s.update(Action::Settings(SettingsEvent::Saved {
        generation,
        after: Box::new(after.clone()),
        undo: false,
        arm: None,
        result: Ok(Box::new(tasks::Saved::Written {
            previous: base.clone(),
        })),
    }));
    assert!(!pane(&s).dirty());
    // Undo writes the previous settings back, if the service still has ours.
    let effects = cmd(&mut s, Command::SettingsUndo);
    assert_eq!(
        effects,
        vec![Effect::Settings(SettingsEffect::Save {
            account: 0,
            generation,
            after: Box::new(base),
            expected: Box::new(after.normalized()),
            undo: true,
            arm: None,
        })]
    );
}

#[test]
fn bad_days_and_conflicts_are_said_and_nothing_is_written() {
    let (mut s, generation) = open();
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::SettingsEdit);
    type_text(&mut s, "400");
    cmd(&mut s, Command::Accept);
    assert_eq!(s.mode(), Mode::SettingsInput, "stays in the field");
    assert!(s.status.as_ref().unwrap().text.contains("1 to 365"));
    cmd(&mut s, Command::Cancel);
    // Soft delete on without days: refused before review.
    cmd(&mut s, Command::Up);
    cmd(&mut s, Command::SettingsEdit);
    assert!(cmd(&mut s, Command::SettingsSave).is_empty());
    assert!(pane(&s).review.is_none());
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("days are required")
    );
    // Someone else saved in between: said, and the pane compares with theirs.
    let mut theirs = ServiceSettings::default();
    theirs.logging.read = true;
    s.update(Action::Settings(SettingsEvent::Saved {
        generation,
        after: Box::new(pane(&s).work.clone()),
        undo: false,
        arm: None,
        result: Ok(Box::new(tasks::Saved::Changed {
            current: theirs.clone(),
        })),
    }));
    assert_eq!(pane(&s).base.as_ref(), Some(&theirs));
    assert!(s.status.as_ref().unwrap().text.contains("someone changed"));
    // Esc closes.
    cmd(&mut s, Command::Cancel);
    assert_eq!(s.mode(), Mode::Normal);
}

#[test]
fn a_container_sas_cannot_open_it() {
    let mut s = state();
    s.accounts[0].account.container = Some("c".into());
    s.start(None, Some(0));
    assert!(cmd(&mut s, Command::Settings).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("container c only"));
}

use crate::azure::arm_settings::{ArmSaved, ArmSettings, NetworkRules};

fn arm_read() -> ArmSettings {
    ArmSettings {
        blob_soft_delete_days: Some(14),
        allow_blob_public_access: Some(false),
        allow_shared_key_access: Some(true),
        minimum_tls_version: Some("TLS1_2".into()),
        network: NetworkRules {
            default_action: "Deny".into(),
            bypass: "AzureServices".into(),
            ip_rules: vec!["203.0.113.7".into()],
            virtual_network_rules: vec![],
            private_endpoints: vec![("pe-1".into(), "Approved".into())],
        },
        ..Default::default()
    }
}

/// An account found through Entra ID: the pane reads both halves.
fn open_arm() -> (State, u64) {
    let mut s = state();
    s.accounts[0].account.arm_id = Some(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct"
            .into(),
    );
    s.start(None, Some(0));
    let effects = cmd(&mut s, Command::Settings);
    let Some(Effect::Settings(SettingsEffect::Load { generation, .. })) = effects.first() else {
        panic!("{effects:?}");
    };
    let generation = *generation;
    let mut read = ServiceSettings::default();
    read.delete_retention.enabled = true;
    read.delete_retention.days = Some(14);
    s.update(Action::Settings(SettingsEvent::Loaded {
        generation,
        result: Ok(read),
    }));
    assert_eq!(
        pane(&s).rows().len(),
        FIELDS.len(),
        "no Resource Manager rows before they arrive"
    );
    s.update(Action::Settings(SettingsEvent::ArmLoaded {
        generation,
        result: Ok(arm_read()),
    }));
    (s, generation)
}

fn select(s: &mut State, row: Row) {
    cmd(s, Command::Top);
    while pane(s).row() != row {
        cmd(s, Command::Down);
    }
}

#[test]
fn resource_manager_rows_edit_review_save_and_undo() {
    let (mut s, generation) = open_arm();
    assert_eq!(pane(&s).rows().len(), FIELDS.len() + ARM_FIELDS.len());
    // Versioning and change feed on, restore on (one day less than blob soft delete).
    for f in [
        ArmField::Versioning,
        ArmField::ChangeFeed,
        ArmField::Restore,
    ] {
        select(&mut s, Row::Arm(f));
        cmd(&mut s, Command::SettingsEdit);
    }
    assert_eq!(pane(&s).arm.as_ref().unwrap().work.restore_days, Some(13));
    // Container soft delete days typed: out of range refused, then 30.
    select(&mut s, Row::Arm(ArmField::ContainerSoftDeleteDays));
    cmd(&mut s, Command::SettingsEdit);
    assert_eq!(s.mode(), Mode::SettingsInput);
    type_text(&mut s, "0");
    cmd(&mut s, Command::Accept);
    assert!(s.status.as_ref().unwrap().text.contains("1 to 365"));
    cmd(&mut s, Command::Cancel);
    cmd(&mut s, Command::SettingsEdit);
    type_text(&mut s, "30");
    cmd(&mut s, Command::Accept);
    // Minimum TLS steps on; shared key off.
    select(&mut s, Row::Arm(ArmField::MinTls));
    cmd(&mut s, Command::SettingsEdit);
    select(&mut s, Row::Arm(ArmField::SharedKey));
    cmd(&mut s, Command::SettingsEdit);
    let after = pane(&s).arm.as_ref().unwrap().work.clone();
    assert_eq!(after.minimum_tls_version.as_deref(), Some("TLS1_3"));
    assert_eq!(after.allow_shared_key_access, Some(false));
    assert_eq!(after.container_soft_delete_days, Some(30));

    assert!(cmd(&mut s, Command::SettingsSave).is_empty());
    let review = pane(&s).review.clone().unwrap();
    assert_eq!(
        review,
        [
            "blob versioning: off → on (Resource Manager)",
            "change feed: off → on (Resource Manager)",
            "container soft delete: off → on, 30 days (Resource Manager)",
            "point-in-time restore: off → on, 13 days (Resource Manager)",
            "shared key access: allowed → not allowed (Resource Manager)",
            "minimum TLS version: TLS1_2 → TLS1_3 (Resource Manager)",
        ]
    );
    let effects = cmd(&mut s, Command::Yes);
    let Some(Effect::Settings(SettingsEffect::Save {
        arm: Some((a, e)),
        undo: false,
        ..
    })) = effects.first()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(**a, after);
    assert_eq!(**e, arm_read());
    let data = pane(&s).work.clone();
    s.update(Action::Settings(SettingsEvent::Saved {
        generation,
        after: Box::new(data),
        undo: false,
        result: Ok(Box::new(tasks::Saved::Unchanged)),
        arm: Some((
            Box::new(after.clone()),
            Ok(ArmSaved::Saved {
                previous: arm_read(),
            }),
        )),
    }));
    assert!(!pane(&s).dirty());
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("Resource Manager settings of"),
        "{:?}",
        s.status
    );
    // Undo: the Resource Manager half goes back, expecting what was written.
    let effects = cmd(&mut s, Command::SettingsUndo);
    let Some(Effect::Settings(SettingsEffect::Save {
        arm: Some((a, e)),
        undo: true,
        ..
    })) = effects.first()
    else {
        panic!("{effects:?}");
    };
    assert_eq!((**a).clone(), arm_read());
    assert_eq!((**e).clone(), after);
}

#[test]
fn restore_without_versioning_is_refused_before_review() {
    let (mut s, _) = open_arm();
    select(&mut s, Row::Arm(ArmField::Restore));
    cmd(&mut s, Command::SettingsEdit);
    assert!(cmd(&mut s, Command::SettingsSave).is_empty());
    assert!(pane(&s).review.is_none());
    let said = &s.status.as_ref().unwrap().text;
    assert!(said.contains("versioning and the change feed"), "{said}");
    // Someone changed them: said, compared with theirs.
    let mut theirs = arm_read();
    theirs.versioning = true;
    s.update(Action::Settings(SettingsEvent::Saved {
        generation: pane(&s).generation,
        after: Box::new(pane(&s).work.clone()),
        undo: false,
        result: Ok(Box::new(tasks::Saved::Unchanged)),
        arm: Some((
            Box::new(arm_read()),
            Ok(ArmSaved::Changed {
                current: theirs.clone(),
            }),
        )),
    }));
    assert_eq!(pane(&s).arm.as_ref().unwrap().base.as_ref(), Some(&theirs));
    assert!(s.status.as_ref().unwrap().text.contains("someone changed"));
}

#[test]
fn the_pane_with_resource_manager_rows() {
    let (mut s, _) = open_arm();
    select(&mut s, Row::Arm(ArmField::Versioning));
    cmd(&mut s, Command::SettingsEdit);
    insta::assert_snapshot!(crate::ui::snapshot_tests::render(&s, 100, 48));
}
