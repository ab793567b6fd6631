//! The bulk form as a user drives it: marks, `=`, typing, review, start.

use crate::app::action::{Action, Command};
use crate::app::effect::Effect;
use crate::app::layers::Mode;
use crate::app::update_tests::{cmd, in_container, type_text};
use crate::transfer::changes::BulkJob;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(s: &mut crate::app::state::State, code: KeyCode) {
    s.update(Action::Input(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn marked() -> crate::app::state::State {
    let mut s = in_container(&["a.csv", "b.csv", "c.csv"]);
    cmd(&mut s, Command::Mark); // marks a.csv and moves down
    cmd(&mut s, Command::Mark);
    assert_eq!(s.marks.len(), 2);
    s
}

#[test]
fn form_review_then_one_effect_for_the_marked_blobs() {
    let mut s = marked();
    cmd(&mut s, Command::BulkChange);
    assert_eq!(s.mode(), Mode::Bulk);
    // Nothing named: Enter does not move on.
    assert!(cmd(&mut s, Command::Accept).is_empty());
    assert!(!s.layers.bulk().is_some_and(|f| f.review));
    // Tier: Right picks Hot, then Cool.
    cmd(&mut s, Command::NextField);
    key(&mut s, KeyCode::Right);
    key(&mut s, KeyCode::Right);
    cmd(&mut s, Command::NextField);
    type_text(&mut s, "text/csv");
    for _ in 0..5 {
        cmd(&mut s, Command::NextField);
    }
    type_text(&mut s, "owner=ana; -old");
    assert!(cmd(&mut s, Command::Accept).is_empty(), "to the review");
    let form = s.layers.bulk().expect("form");
    assert!(form.review);
    let review = form.review_lines().join("\n");
    assert!(review.contains("2 blobs"), "{review}");
    assert!(
        review.contains("tier Cool, content type, metadata"),
        "{review}"
    );
    // Esc steps back to the form, Enter again to the review.
    cmd(&mut s, Command::Cancel);
    assert_eq!(s.mode(), Mode::Bulk);
    assert!(!s.layers.bulk().is_some_and(|f| f.review));
    cmd(&mut s, Command::Accept);
    let fx = cmd(&mut s, Command::Accept);
    assert_eq!(s.mode(), Mode::Normal);
    assert!(s.marks.is_empty(), "the marks were used");
    match &fx[..] {
        [
            Effect::BulkChange {
                account: 0,
                container,
                blobs,
                job: BulkJob::Apply { tier, change },
            },
        ] => {
            assert_eq!(container, "data");
            let names: Vec<&str> = blobs.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["a.csv", "b.csv"]);
            assert_eq!(*tier, Some(crate::azure::ops::AccessTier::Cool));
            assert_eq!(change.headers.content_type.as_deref(), Some("text/csv"));
            assert_eq!(change.headers.cache_control, None, "not named: kept");
            assert_eq!(change.metadata.set, [("owner".into(), "ana".into())]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn delete_is_a_choice_of_the_same_form_and_readonly_refuses_it() {
    let mut s = marked();
    cmd(&mut s, Command::BulkChange);
    key(&mut s, KeyCode::Char(' '));
    cmd(&mut s, Command::Accept);
    let fx = cmd(&mut s, Command::Accept);
    assert!(
        matches!(
            &fx[..],
            [Effect::BulkChange {
                job: BulkJob::Delete,
                ..
            }]
        ),
        "{fx:?}"
    );
    let mut s = marked();
    s.readonly = true;
    cmd(&mut s, Command::BulkChange);
    assert_eq!(s.mode(), Mode::Normal, "read-only: no form");
}

#[test]
fn m_with_marks_opens_the_form_on_metadata_and_folders_are_refused() {
    let mut s = marked();
    cmd(&mut s, Command::EditMetadata);
    let form = s.layers.bulk().expect("bulk form");
    assert_eq!(
        crate::app::field_form::FieldForm::focused(form),
        crate::app::bulk::BulkField::Metadata
    );
}
