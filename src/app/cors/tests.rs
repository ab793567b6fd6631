//! State-machine tests of the CORS editor: forms, reviewed saves, undo,
//! conflicts, presets, limits, files and the preflight test.

use super::*;
use crate::app::action::{Action, Command};
use crate::app::effect::Effect;
use crate::app::state::AccountNode;
use crate::app::state::{Mode, State};
use crate::app::update_tests::{cmd, key, type_text};
use crate::azure::Account;
use crate::azure::cors::{CorsMethod, PreflightRequest, SaveOutcome};
use crossterm::event::KeyCode;

fn state() -> State {
    let mut s = State::new(vec![AccountNode::new(
        Account::emulator("http://127.0.0.1:10000").unwrap(),
    )]);
    s.start(None, Some(0));
    s
}

fn editor(s: &State) -> &CorsEditor {
    s.cors_editor().unwrap()
}

use crate::app::update_tests::status;

/// Opens the editor and delivers `rules` as read from the service.
fn opened(rules: Vec<CorsRule>) -> (State, u64) {
    let mut s = state();
    let effects = cmd(&mut s, Command::Cors);
    let Some(Effect::Cors(CorsEffect::Load {
        generation,
        account: 0,
    })) = effects.first().cloned()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(s.mode(), Mode::Cors);
    s.update(Action::Cors(CorsEvent::Loaded {
        generation,
        result: Ok(rules),
    }));
    (s, generation)
}

fn rule(origin: &str) -> CorsRule {
    CorsRule::new(&[origin], &[CorsMethod::Get], &[], &[], 60)
}

#[test]
fn a_rule_typed_into_the_form_is_reviewed_saved_and_undone() {
    let (mut s, generation) = opened(vec![]);
    cmd(&mut s, Command::CorsAdd);
    assert_eq!(s.mode(), Mode::CorsInput);
    type_text(&mut s, "https://app.example.com/");
    let CorsView::Rule(form) = &editor(&s).view else {
        panic!()
    };
    assert!(form.errors[0].as_deref().unwrap().contains("ends with /"));
    // Enter is refused while the form is invalid.
    cmd(&mut s, Command::Accept);
    assert!(
        status(&s).starts_with("Cannot keep this rule yet"),
        "{}",
        status(&s)
    );
    assert_eq!(s.mode(), Mode::CorsInput);
    key(&mut s, KeyCode::Backspace);
    cmd(&mut s, Command::NextField);
    for _ in 0..6 {
        key(&mut s, KeyCode::Right);
    }
    key(&mut s, KeyCode::Char(' '));
    cmd(&mut s, Command::NextField);
    s.update(Action::Paste("content-type\nx-ms-*\n".into()));
    cmd(&mut s, Command::Accept);
    assert_eq!(s.mode(), Mode::Cors);
    let mine = CorsRule::new(
        &["https://app.example.com"],
        &[CorsMethod::Get, CorsMethod::Put],
        &["content-type", "x-ms-*"],
        &[],
        3600,
    );
    assert_eq!(editor(&s).rules, vec![mine.clone()]);
    assert!(editor(&s).dirty());

    // Save shows the diff first; yes sends it with what the editor started from.
    assert!(cmd(&mut s, Command::CorsSave).is_empty());
    assert!(matches!(
        editor(&s).view,
        CorsView::Review { undo: false, .. }
    ));
    let effects = cmd(&mut s, Command::Yes);
    assert_eq!(
        effects,
        vec![Effect::Cors(CorsEffect::Save {
            generation,
            account: 0,
            rules: vec![mine.clone()],
            expected: vec![],
            undo: false,
        })]
    );
    // While it saves, edits wait.
    cmd(&mut s, Command::CorsDelete);
    assert_eq!(editor(&s).rules.len(), 1);
    s.update(Action::Cors(CorsEvent::Saved {
        generation,
        rules: vec![mine.clone()],
        expected: vec![],
        undo: false,
        result: Ok(SaveOutcome::Saved { previous: vec![] }),
    }));
    assert!(!editor(&s).dirty());
    assert!(
        status(&s).starts_with("Saved 1 CORS rule"),
        "{}",
        status(&s)
    );

    // Undo writes back what the save replaced, expecting what it wrote.
    cmd(&mut s, Command::CorsUndo);
    assert!(matches!(
        editor(&s).view,
        CorsView::Review { undo: true, .. }
    ));
    let effects = cmd(&mut s, Command::CorsEdit);
    assert_eq!(
        effects,
        vec![Effect::Cors(CorsEffect::Save {
            generation,
            account: 0,
            rules: vec![],
            expected: vec![mine],
            undo: true,
        })]
    );
}

#[test]
fn a_change_on_the_service_is_shown_and_asked_about() {
    let base = vec![rule("https://a.example.com")];
    let (mut s, generation) = opened(base.clone());
    cmd(&mut s, Command::CorsDuplicate);
    cmd(&mut s, Command::CorsSave);
    let effects = cmd(&mut s, Command::Yes);
    assert_eq!(effects.len(), 1);
    let theirs = vec![rule("https://theirs.example.com")];
    let mine = editor(&s).rules.clone();
    s.update(Action::Cors(CorsEvent::Saved {
        generation,
        rules: mine.clone(),
        expected: base,
        undo: false,
        result: Ok(SaveOutcome::Changed {
            current: theirs.clone(),
        }),
    }));
    assert!(matches!(editor(&s).view, CorsView::Conflict { .. }));
    assert!(status(&s).contains("nothing was saved"));
    // Yes saves over theirs, now expecting theirs.
    let effects = cmd(&mut s, Command::Yes);
    assert_eq!(
        effects,
        vec![Effect::Cors(CorsEffect::Save {
            generation,
            account: 0,
            rules: mine,
            expected: theirs,
            undo: false,
        })]
    );
}

#[test]
fn limits_presets_and_stale_results() {
    let (mut s, generation) = opened(vec![rule("https://a.example.com"); 4]);
    // The browser-uploads preset adds two rules: one too many.
    cmd(&mut s, Command::CorsPresets);
    cmd(&mut s, Command::CorsEdit);
    assert_eq!(s.mode(), Mode::CorsInput);
    type_text(&mut s, "ml.example.com");
    cmd(&mut s, Command::Accept);
    assert!(status(&s).contains("at most 5"), "{}", status(&s));
    assert_eq!(editor(&s).rules.len(), 4);
    cmd(&mut s, Command::CorsDuplicate);
    cmd(&mut s, Command::CorsAdd);
    assert!(status(&s).contains("at most 5"), "{}", status(&s));
    assert_eq!(s.mode(), Mode::Cors);
    // Local development fits after deleting two.
    cmd(&mut s, Command::CorsDelete);
    cmd(&mut s, Command::CorsDelete);
    cmd(&mut s, Command::CorsPresets);
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::CorsEdit);
    assert_eq!(editor(&s).rules.len(), 4);
    assert_eq!(editor(&s).rules[3], model::preset_local_development()[0]);
    // A result for an earlier editor is dropped.
    s.update(Action::Cors(CorsEvent::Loaded {
        generation: generation + 100,
        result: Ok(vec![]),
    }));
    assert_eq!(editor(&s).rules.len(), 4);
    // Closing with edits asks first.
    cmd(&mut s, Command::Cancel);
    assert!(matches!(editor(&s).view, CorsView::Discard { .. }));
    cmd(&mut s, Command::Yes);
    assert!(s.cors_editor().is_none());
    assert_eq!(s.mode(), Mode::Normal);
}

#[test]
fn read_only_mode_refuses_saving() {
    let (mut s, _) = opened(vec![]);
    s.readonly = true;
    cmd(&mut s, Command::CorsAdd);
    type_text(&mut s, "https://a.example.com");
    cmd(&mut s, Command::Accept);
    assert!(cmd(&mut s, Command::CorsSave).is_empty());
    assert!(status(&s).starts_with("Read-only mode"), "{}", status(&s));
    assert!(matches!(editor(&s).view, CorsView::Table));
}

#[test]
fn a_container_sas_cannot_open_the_editor() {
    let mut account = Account::emulator("http://127.0.0.1:10000").unwrap();
    account.container = Some("data".into());
    let mut s = State::new(vec![AccountNode::new(account)]);
    s.start(None, Some(0));
    assert!(cmd(&mut s, Command::Cors).is_empty());
    assert!(s.cors_editor().is_none());
    assert!(status(&s).contains("container data only"), "{}", status(&s));
}

#[test]
fn rules_are_copied_from_another_account() {
    let (mut s, generation) = opened(vec![]);
    let mut other = Account::emulator("http://127.0.0.1:10001").unwrap();
    other.id = "other".into();
    other.label = "other".into();
    s.accounts.push(AccountNode::new(other));
    cmd(&mut s, Command::CorsPresets);
    cmd(&mut s, Command::Up);
    cmd(&mut s, Command::CorsEdit);
    let CorsView::CopyFrom { choices, .. } = &editor(&s).view else {
        panic!()
    };
    assert_eq!(choices, &vec![(1, "other".to_string())]);
    let effects = cmd(&mut s, Command::CorsEdit);
    assert_eq!(
        effects,
        vec![Effect::Cors(CorsEffect::CopyFrom {
            generation,
            from: 1
        })]
    );
    s.update(Action::Cors(CorsEvent::Copied {
        generation,
        from: "other".into(),
        result: Ok(vec![rule("https://b.example.com")]),
    }));
    assert_eq!(editor(&s).rules, vec![rule("https://b.example.com")]);
    assert!(editor(&s).dirty());
    assert!(status(&s).starts_with("Copied 1 rule from other"));
}

#[tokio::test]
async fn export_never_overwrites_and_import_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cors.json");
    let rules = model::preset_browser_uploads("https://ml.example.com").unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let export = CorsEffect::Export {
        generation: 7,
        path: path.clone(),
        json: model::to_json(Some("acct"), &rules),
    };
    spawn(export.clone(), |_| None, tx.clone());
    match rx.recv().await {
        Some(Action::Cors(CorsEvent::Exported { result: Ok(2), .. })) => {}
        other => panic!("{other:?}"),
    }
    spawn(export, |_| None, tx.clone());
    match rx.recv().await {
        Some(Action::Cors(CorsEvent::Exported { result: Err(e), .. })) => {
            assert!(e.contains("already exists"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    spawn(
        CorsEffect::Import {
            generation: 7,
            path,
        },
        |_| None,
        tx,
    );
    match rx.recv().await {
        Some(Action::Cors(CorsEvent::Imported { result: Ok(r), .. })) => assert_eq!(r, rules),
        other => panic!("{other:?}"),
    }
}

#[test]
fn test_form_sends_a_checked_preflight() {
    let (mut s, generation) = opened(vec![rule("https://a.example.com")]);
    cmd(&mut s, Command::CorsTest);
    let CorsView::Test(form) = &editor(&s).view else {
        panic!()
    };
    assert_eq!(form.origin.value(), "https://a.example.com");
    assert_eq!(form.method(), CorsMethod::Get);
    let effects = cmd(&mut s, Command::Accept);
    assert_eq!(
        effects,
        vec![Effect::Cors(CorsEffect::Test {
            generation,
            account: 0,
            request: PreflightRequest {
                origin: "https://a.example.com".into(),
                method: "GET".into(),
                headers: vec![],
            },
        })]
    );
    // A wildcard origin is not something a browser sends: refused in the form.
    for _ in 0.."https://a.example.com".len() {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "*");
    assert!(cmd(&mut s, Command::Accept).is_empty());
    let CorsView::Test(form) = &editor(&s).view else {
        panic!()
    };
    assert!(matches!(&form.result, Some(Err(e)) if e.contains("concrete origin")));
}
