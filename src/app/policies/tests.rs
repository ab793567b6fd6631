//! State-machine tests of the stored access policies editor: the form, the
//! reviewed save, delete, conflicts, limits and read-only mode.

use super::*;
use crate::app::action::{Action, Command};
use crate::app::effect::Effect;
use crate::app::state::{Mode, State};
use crate::app::update_tests::in_container;
use crate::app::update_tests::{cmd, key, type_text};
use crate::azure::access::PublicAccess;
use crate::azure::access::{ContainerAccess, StoredPolicy, parse_time_input};
use crossterm::event::KeyCode;
use time::OffsetDateTime;

/// 2026-11-23T12:00:00Z: the "now" the policies were read at.
const NOW: i64 = 1_795_435_200;

fn clear(s: &mut State) {
    for _ in 0..40 {
        key(s, KeyCode::Backspace);
    }
}

fn editor(s: &State) -> &PolicyEditor {
    s.policies().unwrap()
}

fn form(s: &State) -> &PolicyForm {
    match &editor(s).view {
        PolicyView::Form(f) => f,
        other => panic!("{other:?}"),
    }
}

use crate::app::update_tests::status;

pub(crate) fn at(text: &str) -> Option<OffsetDateTime> {
    Some(parse_time_input(text).unwrap())
}

pub(crate) fn policy(id: &str, perms: &str, expiry: &str) -> StoredPolicy {
    StoredPolicy {
        id: id.into(),
        start: None,
        expiry: at(expiry),
        permissions: perms.into(),
    }
}

/// `P` inside container "data", with `policies` read from the service.
pub(crate) fn opened(policies: Vec<StoredPolicy>) -> (State, u64) {
    let mut s = in_container(&["a.csv"]);
    let fx = cmd(&mut s, Command::Policies);
    let [
        Effect::Policies(PolicyEffect::Load {
            generation,
            account: 0,
            container,
        }),
    ] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert_eq!(container, "data");
    let generation = *generation;
    assert_eq!(s.mode(), Mode::Policies);
    s.update(Action::Policies(PolicyEvent::Loaded {
        generation,
        now: NOW,
        result: Ok(ContainerAccess {
            public_access: PublicAccess::Blob,
            policies,
            etag: "\"0x1\"".into(),
            last_modified: None,
        }),
    }));
    (s, generation)
}

#[test]
fn a_policy_typed_into_the_form_is_reviewed_and_saved_with_the_etag() {
    let (mut s, _) = opened(vec![policy("readers", "rl", "2027-01-01")]);
    cmd(&mut s, Command::PoliciesAdd);
    assert_eq!(s.mode(), Mode::PoliciesInput);
    assert!(
        form(&s).errors[0]
            .as_deref()
            .unwrap()
            .contains("needs an identifier")
    );
    type_text(&mut s, "readers");
    assert!(
        form(&s).errors[0]
            .as_deref()
            .unwrap()
            .contains("another policy")
    );
    assert!(cmd(&mut s, Command::Accept).is_empty());
    assert!(status(&s).contains("Cannot keep"), "{}", status(&s));
    assert_eq!(s.mode(), Mode::PoliciesInput, "the form stays open");
    clear(&mut s);
    type_text(&mut s, "writers");
    assert_eq!(form(&s).errors, [None, None, None, None]);
    // Permissions: start at r l; untick r (Space on the first box), tick w, c.
    cmd(&mut s, Command::NextField);
    key(&mut s, KeyCode::Char(' '));
    for _ in 0..3 {
        key(&mut s, KeyCode::Right);
    }
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('c'));
    assert_eq!(form(&s).permissions, "cwl", "kept in the service's order");
    // Start after expiry is refused under the expiry field.
    cmd(&mut s, Command::NextField);
    type_text(&mut s, "2026-12-31T18:00Z");
    cmd(&mut s, Command::NextField);
    clear(&mut s);
    type_text(&mut s, "2026-12-01");
    assert!(
        form(&s).errors[3]
            .as_deref()
            .unwrap()
            .contains("after the start")
    );
    clear(&mut s);
    type_text(&mut s, "soon");
    assert!(form(&s).errors[3].as_deref().unwrap().contains("+7d"));
    clear(&mut s);
    type_text(&mut s, "+60d");
    assert_eq!(form(&s).errors, [None, None, None, None]);
    assert!(cmd(&mut s, Command::Accept).is_empty());
    assert_eq!(s.mode(), Mode::Policies);
    let added = editor(&s).policies[1].clone();
    assert_eq!(added.id, "writers");
    assert_eq!(added.start, at("2026-12-31T18:00:00Z"));
    assert_eq!(
        added.expiry.map(|t| t.unix_timestamp()),
        Some(NOW + 60 * 86_400)
    );
    assert!(editor(&s).dirty());

    // Edit the first: its fields come back as typed, and it changes in place.
    cmd(&mut s, Command::Top);
    cmd(&mut s, Command::PoliciesEdit);
    assert_eq!(form(&s).expiry.value(), "2027-01-01");
    assert_eq!(form(&s).id.value(), "readers");
    cmd(&mut s, Command::NextField);
    key(&mut s, KeyCode::Char('d'));
    cmd(&mut s, Command::Accept);
    assert_eq!(editor(&s).policies[0].permissions, "rdl");

    assert!(cmd(&mut s, Command::PoliciesSave).is_empty());
    let PolicyView::Review(changes) = &editor(&s).view else {
        panic!("{:?}", editor(&s).view);
    };
    assert!(
        matches!(&changes[..], [PolicyChange::Changed { .. }, PolicyChange::Added(p)] if p.id == "writers")
    );
    // Enter (bound to "edit" in the table) confirms the review.
    let fx = cmd(&mut s, Command::PoliciesEdit);
    let [
        Effect::Policies(PolicyEffect::Save {
            container,
            policies,
            etag,
            ..
        }),
    ] = &fx[..]
    else {
        panic!("{fx:?}");
    };
    assert_eq!((container.as_str(), etag.as_str()), ("data", "\"0x1\""));
    assert_eq!(policies.len(), 2);
    assert!(editor(&s).busy.is_some());
}

#[test]
fn delete_asks_and_a_conflict_offers_to_reload() {
    let (mut s, generation) = opened(vec![
        policy("a", "r", "2027-01-01"),
        policy("b", "r", "2027-01-01"),
    ]);
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::PoliciesDelete);
    assert!(matches!(editor(&s).view, PolicyView::ConfirmDelete(1)));
    cmd(&mut s, Command::No);
    assert_eq!(editor(&s).policies.len(), 2, "n keeps it");
    cmd(&mut s, Command::PoliciesDelete);
    cmd(&mut s, Command::Yes);
    assert_eq!(editor(&s).policies.len(), 1);
    cmd(&mut s, Command::PoliciesSave);
    let PolicyView::Review(changes) = &editor(&s).view else {
        panic!()
    };
    assert_eq!(
        changes,
        &vec![PolicyChange::Removed(policy("b", "r", "2027-01-01"))]
    );
    assert_eq!(cmd(&mut s, Command::Yes).len(), 1);
    s.update(Action::Policies(PolicyEvent::Saved {
        generation,
        now: NOW,
        result: Err(SaveError::Changed("changed since read".into())),
    }));
    assert!(matches!(editor(&s).view, PolicyView::Conflict(_)));
    assert_eq!(editor(&s).policies.len(), 1, "edits kept until reload");
    let fx = cmd(&mut s, Command::PoliciesReload);
    assert!(matches!(
        &fx[..],
        [Effect::Policies(PolicyEffect::Load { .. })]
    ));
    assert!(editor(&s).loading);
}

#[test]
fn limits_unsaved_edits_and_stale_results() {
    let five: Vec<_> = (0..5)
        .map(|i| policy(&format!("p{i}"), "r", "2027-01-01"))
        .collect();
    let (mut s, generation) = opened(five);
    cmd(&mut s, Command::PoliciesAdd);
    assert!(status(&s).contains("at most 5"), "{}", status(&s));
    assert!(matches!(editor(&s).view, PolicyView::Table));
    assert!(cmd(&mut s, Command::PoliciesSave).is_empty());
    assert!(status(&s).contains("Nothing to save"));
    // A result for an older editor is dropped.
    s.update(Action::Policies(PolicyEvent::Loaded {
        generation: generation + 100,
        now: NOW,
        result: Ok(ContainerAccess::default()),
    }));
    assert_eq!(editor(&s).policies.len(), 5);
    // Esc with edits asks; y closes.
    cmd(&mut s, Command::PoliciesDelete);
    cmd(&mut s, Command::Yes);
    cmd(&mut s, Command::Cancel);
    assert!(matches!(editor(&s).view, PolicyView::Discard { .. }));
    cmd(&mut s, Command::Yes);
    assert!(s.policies().is_none());
    assert_eq!(s.mode(), Mode::Normal);
}

#[test]
fn read_only_mode_shows_but_refuses_changes() {
    let (mut s, _) = opened(vec![policy("a", "r", "2027-01-01")]);
    s.readonly = true;
    for c in [
        Command::PoliciesAdd,
        Command::PoliciesEdit,
        Command::PoliciesDelete,
        Command::PoliciesSave,
    ] {
        assert!(cmd(&mut s, c).is_empty());
        assert!(status(&s).starts_with("Read-only mode"), "{}", status(&s));
        assert!(matches!(editor(&s).view, PolicyView::Table));
    }
    // Reading is fine, and so is opening the editor.
    assert_eq!(cmd(&mut s, Command::PoliciesReload).len(), 1);
    // Per account, too.
    let (mut s, _) = opened(vec![]);
    s.accounts[0].account.readonly = true;
    assert!(cmd(&mut s, Command::PoliciesAdd).is_empty());
    assert!(status(&s).contains("marked read-only"), "{}", status(&s));
}

#[test]
fn statuses_and_times_in_words() {
    let now = NOW;
    let mut p = policy("a", "r", "2026-11-20");
    assert_eq!(policy_status(&p, now), "expired");
    p.expiry = at("2027-01-01");
    p.start = at("2026-11-25T12:00Z");
    assert_eq!(policy_status(&p, now), "starts in 2 days");
    p.start = None;
    assert_eq!(policy_status(&p, now), "active, ends in 38 days");
    p.expiry = None;
    assert_eq!(policy_status(&p, now), "active, no expiry here");
    assert_eq!(parse_field_time("", now), Ok(None));
    assert_eq!(
        parse_field_time("+7d", now)
            .unwrap()
            .map(|t| t.unix_timestamp()),
        Some(now + 7 * 86_400)
    );
    assert_eq!(show_time(at("2026-12-31T18:00Z")), "2026-12-31 18:00");
    assert_eq!(input_time(at("2026-12-31T18:00Z")), "2026-12-31T18:00Z");
    assert_eq!(
        input_time(at("2026-12-31T18:00:05Z")),
        "2026-12-31T18:00:05Z"
    );
    assert_eq!(input_time(at("2026-12-31")), "2026-12-31");
    assert!(parse_field_time("+7x", now).is_err());
}
