//! The history pane and deleted rows rendered on a `TestBackend`.

use super::Ui;
use crate::app::action::{Action, Command};
use crate::app::history::{HistoryEffect, HistoryEvent};
use crate::app::state::{AccountNode, Location, State};
use crate::azure::BlobEntry;
use crate::azure::history::{DeletedListing, HistoryEntry, Qualifier, Retention};
use crate::config::{Keymap, Theme};
use crate::preview::{Preview, PreviewBody};

const T: i64 = 1_795_418_465; // 2026-11-23 07:21:05 UTC

use super::snapshot_tests::render;

fn blob(name: &str, size: u64) -> BlobEntry {
    BlobEntry {
        name: name.into(),
        is_prefix: name.ends_with('/'),
        size,
        last_modified: (!name.ends_with('/')).then_some(T),
        access_tier: (!name.ends_with('/')).then(|| "Hot".to_string()),
        content_type: None,
    }
}

/// The "reports/" folder of container "datasets".
fn folder() -> State {
    let mut s = State::new(vec![AccountNode::new(
        crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap(),
    )]);
    s.update(Action::Resize {
        width: 100,
        height: 14,
    });
    s.go(Location::Blobs {
        account: 0,
        container: "datasets".into(),
        prefix: "reports/".into(),
    });
    let g = s.listing.generation;
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![
            blob("reports/2025/", 0),
            blob("reports/summary.csv", 1_200),
            blob("reports/totals.json", 300),
        ]),
        done: true,
    });
    s
}

fn entry(q: Option<Qualifier>, size: u64, etag: &str, tier: &str) -> HistoryEntry {
    HistoryEntry {
        name: "reports/summary.csv".into(),
        qualifier: q,
        size,
        last_modified: Some(T),
        etag: etag.into(),
        tier: Some(tier.into()),
        ..Default::default()
    }
}

#[test]
fn history_pane_with_a_snapshot_previewed() {
    let mut s = folder();
    s.update(Action::Command(Command::Down));
    let fx = s.update(Action::Command(Command::History));
    let Some(crate::app::Effect::History(HistoryEffect::List { generation, .. })) =
        fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    s.update(Action::History(HistoryEvent::Listed {
        generation,
        result: Ok(vec![
            entry(None, 1_200, "0x8DE2C4F1A2B3C4D", "Hot"),
            entry(
                Some(Qualifier::Snapshot("2026-11-22T18:30:12.1234567Z".into())),
                1_100,
                "0x8DE2B1234567890",
                "Hot",
            ),
            entry(
                Some(Qualifier::Version("2026-11-20T09:00:00.0000000Z".into())),
                900,
                "0x8DE2A0000000001",
                "Cool",
            ),
        ]),
    }));
    s.update(Action::Command(Command::Down));
    s.update(Action::Command(Command::Preview));
    let label = s.preview.as_ref().unwrap().blob.clone();
    s.update(Action::History(HistoryEvent::Previewed {
        label,
        result: Ok(Preview {
            body: PreviewBody::Text("id,total\n1,10\n2,20\n".into()),
            ranges: std::iter::once(0..1_100).collect(),
            total: 1_100,
            note: None,
        }),
    }));
    insta::assert_snapshot!(render(&s, 120, 14));
}

#[test]
fn history_pane_of_a_blob_without_snapshots() {
    let mut s = folder();
    s.update(Action::Command(Command::Down));
    let fx = s.update(Action::Command(Command::History));
    let Some(crate::app::Effect::History(HistoryEffect::List { generation, .. })) =
        fx.first().cloned()
    else {
        panic!("{fx:?}")
    };
    s.update(Action::History(HistoryEvent::Listed {
        generation,
        result: Ok(vec![entry(None, 1_200, "0x8DE2C4F1A2B3C4D", "Hot")]),
    }));
    insta::assert_snapshot!(render(&s, 100, 10));
    // Read-only: the hint line offers only what changes nothing.
    s.readonly = true;
    let screen = render(&s, 100, 10);
    assert!(
        screen.contains("v preview") && screen.contains("esc close"),
        "{screen}"
    );
    for change in ["snapshot now", "promote", "X delete"] {
        assert!(
            !screen.contains(change),
            "{change} offered read-only: {screen}"
        );
    }
}

#[test]
fn deleted_rows_are_tagged_and_dimmed() {
    let mut s = folder();
    s.update(Action::Command(Command::ShowDeleted));
    let g = s.listing.generation;
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![
            blob("reports/2025/", 0),
            blob("reports/summary.csv", 1_200),
            blob("reports/totals.json", 300),
        ]),
        done: true,
    });
    let gone = |name: &str, days| HistoryEntry {
        name: name.into(),
        size: 4_096,
        deleted: true,
        deleted_on: Some(T),
        remaining_days: Some(days),
        ..Default::default()
    };
    s.update(Action::History(HistoryEvent::DeletedListed {
        generation: g,
        result: Ok(DeletedListing {
            retention: Retention::On(7),
            blobs: vec![
                gone("reports/old-summary.csv", 6),
                gone("reports/q3.csv", 1),
            ],
        }),
    }));
    insta::assert_snapshot!(render(&s, 100, 10));
}

#[test]
fn help_lists_the_history_keys_and_readonly_hides_the_changes() {
    let keymap = Keymap::default();
    let theme = Theme::default();
    let ui = Ui {
        keymap: &keymap,
        theme: &theme,
    };
    let text = |readonly| {
        super::help::lines(&ui, readonly, "normal")
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let all = text(false);
    assert!(all.contains("Snapshots and versions (V on a blob)"));
    assert!(all.contains("Take a snapshot of the blob now"));
    assert!(all.contains("Show/hide deleted blobs"));
    let ro = text(true);
    assert!(!ro.contains("Take a snapshot"));
    assert!(!ro.contains("Make this snapshot or version current"));
    assert!(ro.contains("Snapshots and versions of the blob"));
}
