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
        })]
    );
    s.update(Action::Settings(SettingsEvent::Saved {
        generation,
        after: Box::new(after.clone()),
        undo: false,
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
