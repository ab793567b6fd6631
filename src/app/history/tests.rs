//! The history pane and deleted rows, driven action by action.

use super::{HistoryEffect, HistoryEvent};
use crate::app::action::{Action, COMMANDS, Command};
use crate::app::effect::Effect;
use crate::app::entry::EntryKind;
use crate::app::state::{AccountNode, Confirm, Level, Mode, PathAction, State};
use crate::app::update_tests::cmd;
use crate::azure::BlobEntry;
use crate::azure::history::{DeletedListing, HistoryEntry, Qualifier, Retention};
use crate::transfer::conflict::Conflict;
use crate::transfer::{Endpoint, Kind};

fn blob(name: &str) -> BlobEntry {
    BlobEntry {
        name: name.into(),
        is_prefix: name.ends_with('/'),
        size: 10,
        last_modified: None,
        access_tier: None,
        content_type: None,
    }
}

/// Folder "docs/" of container "data" with `blobs` listed.
fn in_folder(blobs: &[&str]) -> State {
    let mut s = State::new(vec![AccountNode::new(
        crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap(),
    )]);
    s.go(crate::app::state::Location::Blobs {
        account: 0,
        container: "data".into(),
        prefix: "docs/".into(),
    });
    let g = s.listing.generation;
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(blobs.iter().map(|b| blob(&format!("docs/{b}"))).collect()),
        done: true,
    });
    s
}

fn select(s: &mut State, name: &str) {
    let pos = s
        .listing
        .view
        .iter()
        .position(|&i| &*s.listing.entries[i as usize].name == name)
        .unwrap();
    for _ in 0..s.listing.view.len() {
        cmd(s, Command::Up);
    }
    for _ in 0..pos {
        cmd(s, Command::Down);
    }
}

fn snap(stamp: &str, size: u64) -> HistoryEntry {
    HistoryEntry {
        name: "docs/a.txt".into(),
        qualifier: Some(Qualifier::Snapshot(stamp.into())),
        size,
        etag: "0x1".into(),
        ..Default::default()
    }
}

fn current() -> HistoryEntry {
    HistoryEntry {
        name: "docs/a.txt".into(),
        size: 30,
        etag: "0x9".into(),
        ..Default::default()
    }
}

/// History of docs/a.txt open, with the current blob and two snapshots listed.
fn open_history() -> State {
    let mut s = in_folder(&["a.txt", "b.txt"]);
    select(&mut s, "a.txt");
    let fx = cmd(&mut s, Command::History);
    let Some(Effect::History(HistoryEffect::List {
        generation, blob, ..
    })) = fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    assert_eq!(blob, "docs/a.txt", "the full name, folder included");
    assert_eq!(s.mode(), Mode::History);
    s.update(Action::History(HistoryEvent::Listed {
        generation,
        result: Ok(vec![
            current(),
            snap("2026-11-23T10:00:00.0000000Z", 20),
            snap("2026-11-22T10:00:00.0000000Z", 10),
        ]),
    }));
    s
}

#[test]
fn v_opens_the_history_of_a_blob_only() {
    let mut s = in_folder(&["sub/", "a.txt"]);
    select(&mut s, "sub/");
    assert!(cmd(&mut s, Command::History).is_empty());
    assert_eq!(s.mode(), Mode::Normal);
    assert!(s.status.as_ref().unwrap().text.contains("Select a blob"));
    let s = open_history();
    let pane = s.history().unwrap();
    assert_eq!(pane.entries.as_ref().unwrap().as_ref().unwrap().len(), 3);
}

#[test]
fn stale_history_results_are_dropped() {
    let mut s = open_history();
    let g = s.history().unwrap().generation;
    s.update(Action::History(HistoryEvent::Listed {
        generation: g - 1,
        result: Ok(vec![]),
    }));
    assert_eq!(
        s.history()
            .unwrap()
            .entries
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn snapshot_promote_and_delete_ask_and_send() {
    let mut s = open_history();
    let g = s.history().unwrap().generation;
    let fx = cmd(&mut s, Command::HistorySnapshot);
    assert_eq!(
        fx,
        vec![Effect::History(HistoryEffect::Snapshot {
            generation: g,
            account: 0,
            container: "data".into(),
            blob: "docs/a.txt".into()
        })]
    );
    // The current row: neither promoted nor deleted, and nothing is asked.
    assert!(cmd(&mut s, Command::HistoryPromote).is_empty());
    assert!(cmd(&mut s, Command::HistoryDelete).is_empty());
    assert_eq!(s.mode(), Mode::History);
    assert!(s.layers.confirm().is_none());
    assert!(s.status.as_ref().unwrap().text.contains("current blob"));

    cmd(&mut s, Command::Down);
    assert!(cmd(&mut s, Command::HistoryPromote).is_empty());
    assert!(matches!(s.layers.confirm(), Some(Confirm::Promote { .. })));
    assert_eq!(s.mode(), Mode::Confirm);
    let fx = cmd(&mut s, Command::Yes);
    assert!(
        matches!(&fx[..], [Effect::History(HistoryEffect::Promote { entry, .. })] if entry.size == 20),
        "{fx:?}"
    );
    assert_eq!(s.mode(), Mode::History, "back in the pane");

    cmd(&mut s, Command::HistoryDelete);
    assert!(matches!(
        s.layers.confirm(),
        Some(Confirm::DeletePast { .. })
    ));
    assert!(cmd(&mut s, Command::No).is_empty(), "no: nothing sent");
    assert_eq!(s.mode(), Mode::History);
    cmd(&mut s, Command::HistoryDelete);
    let fx = cmd(&mut s, Command::Yes);
    assert_eq!(
        fx,
        vec![Effect::History(HistoryEffect::Delete {
            generation: g,
            account: 0,
            container: "data".into(),
            blob: "docs/a.txt".into(),
            at: Qualifier::Snapshot("2026-11-23T10:00:00.0000000Z".into())
        })]
    );
    // A change reads the history again (and the listing, for the base blob's row).
    let fx = s.update(Action::History(HistoryEvent::Changed {
        generation: g,
        result: Ok("Deleted.".into()),
    }));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::History(HistoryEffect::List { .. })))
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::ListBlobs { .. })));
}

#[test]
fn download_of_a_snapshot_asks_for_a_path_then_queues_an_engine_transfer() {
    let mut s = open_history();
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::Download);
    assert_eq!(s.mode(), Mode::Path);
    assert!(matches!(
        s.layers.path(),
        Some(PathAction::DownloadPast { .. })
    ));
    assert!(s.input.value().ends_with("a.txt"), "{}", s.input.value());
    s.input = tui_input::Input::new("/nonexistent-dir/a-old.txt".into());
    let fx = cmd(&mut s, Command::Accept);
    match &fx[..] {
        [Effect::Enqueue { specs, conflict }] => {
            assert_eq!(*conflict, Conflict::Skip, "nothing is there to overwrite");
            let [spec] = &specs[..] else {
                panic!("{specs:?}")
            };
            assert_eq!(spec.kind, Kind::Download);
            assert_eq!(
                spec.source,
                Endpoint::Blob {
                    account: 0,
                    container: "data".into(),
                    name: "docs/a.txt".into(),
                    at: Some(Qualifier::Snapshot("2026-11-23T10:00:00.0000000Z".into())),
                }
            );
            assert_eq!(
                spec.target,
                Endpoint::Local("/nonexistent-dir/a-old.txt".into())
            );
            assert_eq!(spec.size, 20);
            assert_eq!(
                spec.name(),
                "a.txt @ snapshot 2026-11-23T10:00:00.0000000Z",
                "the transfer row says it is a snapshot"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.mode(), Mode::History);
    assert!(s.transfers.visible, "the transfers pane shows it");
    let note = &s.status.as_ref().unwrap().text;
    assert!(
        note.contains("Queued a.txt @ snapshot") && note.contains("see transfers (t)"),
        "{note}"
    );
    // t looks at the transfers; leaving them comes back to the pane.
    cmd(&mut s, Command::Transfers);
    assert_eq!(s.mode(), Mode::Transfers);
    cmd(&mut s, Command::Cancel);
    assert_eq!(s.mode(), Mode::History);
    // Esc in a later prompt also returns to the pane.
    cmd(&mut s, Command::Download);
    cmd(&mut s, Command::Cancel);
    assert_eq!(s.mode(), Mode::History);
}

#[test]
fn download_of_a_snapshot_over_a_file_asks_first_like_any_download() {
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("a.txt");
    std::fs::write(&existing, "mine").unwrap();
    let mut s = open_history();
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::Download);
    // A folder: the blob's leaf name inside it, which is taken.
    s.input = tui_input::Input::new(dir.path().display().to_string());
    assert!(
        cmd(&mut s, Command::Accept).is_empty(),
        "nothing queued yet"
    );
    assert_eq!(s.mode(), Mode::Confirm);
    assert!(matches!(
        s.layers.confirm(),
        Some(Confirm::Conflicts { existing: 1, .. })
    ));
    assert!(cmd(&mut s, Command::Cancel).is_empty());
    assert_eq!(s.mode(), Mode::History, "back in the pane, nothing queued");
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "mine");

    cmd(&mut s, Command::Download);
    s.input = tui_input::Input::new(dir.path().display().to_string());
    cmd(&mut s, Command::Accept);
    match &cmd(&mut s, Command::KeepBoth)[..] {
        [Effect::Enqueue { specs, conflict }] => {
            assert_eq!(*conflict, Conflict::KeepBoth);
            assert_eq!(specs[0].target, Endpoint::Local(existing.clone()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.mode(), Mode::History);
}

#[test]
fn preview_of_a_snapshot_opens_beside_the_pane_and_esc_closes_both() {
    let mut s = open_history();
    cmd(&mut s, Command::Down);
    let fx = cmd(&mut s, Command::Preview);
    match &fx[..] {
        [Effect::History(HistoryEffect::Preview { at, label, .. })] => {
            assert!(matches!(at, Some(Qualifier::Snapshot(_))));
            assert!(label.contains("@ snapshot 2026-11-23"), "{label}");
        }
        other => panic!("{other:?}"),
    }
    assert!(s.preview.is_some());
    cmd(&mut s, Command::Cancel);
    assert!(s.history().is_none() && s.preview.is_none());
    assert_eq!(s.mode(), Mode::Normal);
}

#[test]
fn help_from_the_pane_returns_to_it() {
    let mut s = open_history();
    cmd(&mut s, Command::Help);
    assert_eq!(s.mode(), Mode::Help);
    cmd(&mut s, Command::Help);
    assert_eq!(s.mode(), Mode::History);
}

#[test]
fn readonly_refuses_every_mutating_command_in_the_pane() {
    let mut s = open_history();
    cmd(&mut s, Command::Down);
    s.readonly = true;
    for (c, _, _) in COMMANDS.iter().filter(|(c, _, _)| c.is_mutating()) {
        assert!(cmd(&mut s, *c).is_empty(), "{c:?} did something");
        assert_eq!(s.mode(), Mode::History, "{c:?} changed the mode");
        assert!(s.layers.confirm().is_none(), "{c:?} asked a question");
        assert_eq!(s.status.as_ref().unwrap().level, Level::Error);
    }
    // Reading still works.
    assert!(!cmd(&mut s, Command::Preview).is_empty());
}

fn deleted(name: &str, days: u32) -> HistoryEntry {
    HistoryEntry {
        name: name.into(),
        size: 5,
        deleted: true,
        deleted_on: Some(1_795_418_465),
        remaining_days: Some(days),
        ..Default::default()
    }
}

/// `U` in docs/: the listing starts again with its deleted blobs.
fn show_deleted(s: &mut State, listing: DeletedListing) {
    let fx = cmd(s, Command::ShowDeleted);
    let g = s.listing.generation;
    assert!(
        fx.contains(&Effect::History(HistoryEffect::ListDeleted {
            generation: g,
            account: 0,
            container: "data".into(),
            prefix: "docs/".into()
        })),
        "{fx:?}"
    );
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![blob("docs/a.txt")]),
        done: true,
    });
    s.update(Action::History(HistoryEvent::DeletedListed {
        generation: g,
        result: Ok(listing),
    }));
}

#[test]
fn deleted_rows_show_undelete_and_hide() {
    let mut s = in_folder(&["a.txt"]);
    show_deleted(
        &mut s,
        DeletedListing {
            retention: Retention::On(7),
            blobs: vec![deleted("docs/gone.txt", 6)],
        },
    );
    let e = s
        .listing
        .entries
        .iter()
        .find(|e| &*e.name == "gone.txt")
        .unwrap();
    assert_eq!(e.kind, EntryKind::Deleted);
    assert_eq!(e.modified, Some(1_795_418_465), "shows the deletion time");
    assert!(s.status.as_ref().unwrap().text.contains("kept 7 days"));

    // Reading or changing a deleted row is refused with the way out.
    select(&mut s, "gone.txt");
    for c in [
        Command::Preview,
        Command::Delete,
        Command::Mark,
        Command::History,
    ] {
        assert!(cmd(&mut s, c).is_empty(), "{c:?}");
        assert!(s.status.as_ref().unwrap().text.contains("is deleted"));
    }
    assert!(s.marks.is_empty());

    // U on it asks, then undeletes and lists again.
    cmd(&mut s, Command::ShowDeleted);
    assert!(
        matches!(s.layers.confirm(), Some(Confirm::Undelete { blob, .. }) if blob == "docs/gone.txt")
    );
    let fx = cmd(&mut s, Command::Yes);
    assert_eq!(
        fx,
        vec![Effect::History(HistoryEffect::Undelete {
            account: 0,
            container: "data".into(),
            blob: "docs/gone.txt".into()
        })]
    );
    let fx = s.update(Action::History(HistoryEvent::Undeleted {
        result: Ok("Undeleted docs/gone.txt.".into()),
    }));
    assert!(fx.iter().any(|e| matches!(e, Effect::ListBlobs { .. })));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::History(HistoryEffect::ListDeleted { .. }))),
        "still showing deleted ones"
    );

    let g = s.listing.generation;
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![blob("docs/a.txt"), blob("docs/gone.txt")]),
        done: true,
    });
    assert_eq!(s.listing.entries[1].kind, EntryKind::Blob, "back as a blob");

    // U on a live row hides them again: no deleted listing any more.
    select(&mut s, "a.txt");
    let fx = cmd(&mut s, Command::ShowDeleted);
    assert!(s.deleted.is_none());
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::History(HistoryEffect::ListDeleted { .. })))
    );
}

#[test]
fn soft_delete_off_or_unsupported_is_said_plainly() {
    let mut s = in_folder(&["a.txt"]);
    show_deleted(
        &mut s,
        DeletedListing {
            retention: Retention::Off,
            blobs: vec![],
        },
    );
    let status = s.status.clone().unwrap();
    assert_eq!(
        status.text,
        "Soft delete is off for this account: deleted blobs are gone."
    );
    cmd(&mut s, Command::ShowDeleted);
    show_deleted(
        &mut s,
        DeletedListing {
            retention: Retention::Unsupported(
                crate::azure::history::EMULATOR_NO_SOFT_DELETE.into(),
            ),
            blobs: vec![],
        },
    );
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("does not support soft delete")
    );
}

#[test]
fn deleted_results_of_an_old_listing_are_dropped() {
    let mut s = in_folder(&["a.txt"]);
    cmd(&mut s, Command::ShowDeleted);
    let old = s.listing.generation;
    cmd(&mut s, Command::Refresh);
    s.update(Action::History(HistoryEvent::DeletedListed {
        generation: old,
        result: Ok(DeletedListing {
            retention: Retention::On(1),
            blobs: vec![deleted("docs/gone.txt", 1)],
        }),
    }));
    assert!(
        s.listing
            .entries
            .iter()
            .all(|e| e.kind != EntryKind::Deleted)
    );
}

#[test]
fn undelete_in_readonly_is_refused_even_through_u() {
    let mut s = in_folder(&["a.txt"]);
    show_deleted(
        &mut s,
        DeletedListing {
            retention: Retention::On(7),
            blobs: vec![deleted("docs/gone.txt", 6)],
        },
    );
    select(&mut s, "gone.txt");
    s.readonly = true;
    assert!(cmd(&mut s, Command::ShowDeleted).is_empty());
    assert!(s.layers.confirm().is_none());
    assert!(s.status.as_ref().unwrap().text.contains("Read-only"));
}

#[test]
fn v_on_a_blob_deleted_under_versioning_shows_its_versions() {
    let mut s = in_folder(&["a.txt"]);
    show_deleted(
        &mut s,
        DeletedListing {
            retention: Retention::On(7),
            blobs: vec![
                HistoryEntry {
                    versions_only: true,
                    deleted: false,
                    ..deleted("docs/kept.txt", 0)
                },
                deleted("docs/gone.txt", 6),
            ],
        },
    );
    // A plain soft-deleted blob still refuses V.
    select(&mut s, "gone.txt");
    assert!(cmd(&mut s, Command::History).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("is deleted"));
    // The versions-only one opens its history (to download or promote one).
    select(&mut s, "kept.txt");
    let fx = cmd(&mut s, Command::History);
    assert!(
        matches!(&fx[..], [Effect::History(HistoryEffect::List { blob, .. })] if blob == "docs/kept.txt"),
        "{fx:?}"
    );
    assert_eq!(s.mode(), Mode::History);
}
