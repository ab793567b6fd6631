//! The engine's queue without a network: items whose account is missing fail
//! at once, which is enough to see what happens to rows and the journal.

use super::*;
use crate::transfer::journal::{Entry, Journal};

fn spec(dir: &std::path::Path, name: &str) -> ItemSpec {
    ItemSpec {
        kind: Kind::Download,
        // Account 0 has no client: the transfer fails when it runs.
        source: Endpoint::blob(0, "c", name),
        target: Endpoint::Local(dir.join(name)),
        size: 10,
    }
}

#[tokio::test]
async fn finished_rows_are_forgotten_and_the_journal_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("journal"));
    let unfinished = Entry {
        kind: "upload".into(),
        local: "/tmp/big.bin".into(),
        account: "emulator".into(),
        container: "c".into(),
        blob: "big.bin".into(),
        size: 10,
        stamp: "1".into(),
        block_size: 4,
        at: None,
        record_mtime_ms: None,
    };
    journal.save(&unfinished).unwrap();
    let engine = Engine::new(
        vec![None],
        EngineOptions {
            journal: Some(journal.clone()),
            ..EngineOptions::default()
        },
    );
    let ids = engine.enqueue(
        vec![
            spec(dir.path(), "a"),
            spec(dir.path(), "b"),
            spec(dir.path(), "c"),
        ],
        Conflict::Skip,
    );
    engine.wait_idle().await;
    let snap = engine.sample();
    assert!(
        snap.items
            .iter()
            .all(|i| matches!(i.status, Status::Failed(_))),
        "{snap:?}"
    );
    assert_eq!(
        engine.forget_finished(),
        0,
        "failed rows stay to be retried"
    );
    // A failed one can be cancelled, and then cleared.
    engine.cancel(ids[0]);
    let snap = engine.sample();
    assert_eq!(snap.items[0].status, Status::Cancelled);
    assert_eq!((snap.counts().cancelled, snap.counts().failed), (1, 2));
    assert_eq!(snap.total_bytes, 20, "cancelled: out of the totals");
    assert_eq!(engine.forget_finished(), 1);
    assert_eq!(engine.ids(), ids[1..]);
    assert_eq!(engine.sample().items.len(), 2);
    assert_eq!(journal.pending(), vec![unfinished]);
}

/// On the current-thread runtime nothing runs before the test awaits: the
/// first item is marked running, the rest stay queued.
#[tokio::test]
async fn a_queued_item_moves_among_the_queued_ones_only() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::new(
        vec![None],
        EngineOptions {
            files_in_parallel: 1,
            journal: None,
            ..EngineOptions::default()
        },
    );
    let names = ["1", "2", "3", "4"];
    let ids = engine.enqueue(
        names.iter().map(|n| spec(dir.path(), n)).collect(),
        Conflict::Skip,
    );
    let (one, two, three, four) = (ids[0], ids[1], ids[2], ids[3]);
    engine.reorder(four, -1);
    assert_eq!(engine.ids(), [one, two, four, three]);
    engine.pause(two);
    // Before 4 are only a paused and a running one: nothing to pass.
    engine.reorder(four, -1);
    assert_eq!(engine.ids(), [one, two, four, three]);
    engine.reorder(four, 1);
    assert_eq!(engine.ids(), [one, two, three, four]);
    engine.reorder(one, 1);
    assert_eq!(
        engine.ids(),
        [one, two, three, four],
        "a running one stays put"
    );
}

#[tokio::test]
async fn tracked_changes_are_never_started_here_and_cancel_together() {
    let engine = Engine::new(
        Vec::new(),
        EngineOptions {
            journal: None,
            ..Default::default()
        },
    );
    let change = |name: &str| ItemSpec {
        kind: Kind::Change,
        source: Endpoint::blob(0, "c", name),
        target: Endpoint::blob(0, "c", name),
        size: 7,
    };
    let ids = engine.track(vec![change("a"), change("b"), change("c")], "tier Cool");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let snap = engine.sample();
    assert!(
        snap.items.iter().all(|i| i.status == Status::Queued),
        "the engine does not run changes itself"
    );
    assert_eq!(snap.items[0].note.as_deref(), Some("tier Cool"));
    assert!(engine.claim(ids[0]));
    assert!(!engine.claim(ids[0]), "claimed once");
    // x on any row: what has not started is cancelled, what runs is told to stop.
    engine.cancel(ids[2]);
    assert!(engine.is_cancelled(ids[0]));
    assert!(!engine.claim(ids[1]));
    engine.settle(ids[0], Status::Done);
    let snap = engine.sample();
    let status = |id| {
        snap.items
            .iter()
            .find(|i| i.id == id)
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(status(ids[0]), Status::Done, "it did finish");
    assert_eq!(status(ids[1]), Status::Cancelled);
    assert_eq!(status(ids[2]), Status::Cancelled);
    assert_eq!(snap.done_bytes, 7);
    // Not paused or retried row by row.
    engine.pause(ids[1]);
    engine.retry(ids[1]);
    assert_eq!(engine.sample().items[1].status, Status::Cancelled);
}
