//! The transfers pane as a state machine: row order, the cursor following
//! its transfer, clearing finished rows, keeping the cap, and the answers to
//! "did not finish last time".

use super::super::action::{Action, Command};
use super::super::effect::{Effect, TransferOp};
use super::super::state::State;
use super::super::update_tests::{cmd, in_container};
use crate::transfer::engine::ItemView;
use crate::transfer::{Kind, Snapshot, Status};

fn item(id: u64, status: Status) -> ItemView {
    ItemView {
        id,
        name: format!("f{id}"),
        kind: Kind::Upload,
        source: String::new(),
        target: String::new(),
        status,
        done: 5,
        total: 10,
        rate: 0,
        eta_secs: None,
        checksum: None,
        note: None,
    }
}

fn show(s: &mut State, items: Vec<ItemView>) {
    let (done_bytes, total_bytes) = crate::transfer::sampler::totals(&items);
    s.update(Action::Transfers(Snapshot {
        items,
        done_bytes,
        total_bytes,
        ..Default::default()
    }));
}

fn ids(s: &State) -> Vec<u64> {
    s.transfers.snapshot.items.iter().map(|i| i.id).collect()
}

fn selected(s: &State) -> u64 {
    s.transfers.snapshot.items[s.transfers.selected].id
}

#[test]
fn what_runs_comes_first_and_the_cursor_follows_its_transfer() {
    let mut s = in_container(&["a.csv"]);
    // Queue order, as the engine keeps it.
    show(
        &mut s,
        vec![
            item(1, Status::Done),
            item(2, Status::Running),
            item(3, Status::Failed("403".into())),
            item(4, Status::Queued),
            item(5, Status::Cancelled),
            item(6, Status::Paused),
            item(7, Status::Skipped("there".into())),
            item(8, Status::Verifying),
        ],
    );
    assert_eq!(ids(&s), [2, 8, 4, 3, 6, 1, 5, 7]);
    cmd(&mut s, Command::Transfers);
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::Down);
    assert_eq!(selected(&s), 4);
    // 4 starts and 2 finishes: the rows move, the cursor stays on 4.
    show(
        &mut s,
        vec![
            item(1, Status::Done),
            item(2, Status::Done),
            item(3, Status::Failed("403".into())),
            item(4, Status::Running),
            item(5, Status::Cancelled),
        ],
    );
    assert_eq!(ids(&s), [4, 3, 1, 2, 5]);
    assert_eq!(selected(&s), 4);
    // Moving a queued transfer leaves the cursor on it; the engine's next
    // sample puts it in its new place.
    show(
        &mut s,
        vec![item(1, Status::Queued), item(2, Status::Queued)],
    );
    cmd(&mut s, Command::Bottom);
    assert_eq!(
        cmd(&mut s, Command::MoveUp),
        vec![Effect::TransferOp {
            id: Some(2),
            op: TransferOp::Up
        }]
    );
    show(
        &mut s,
        vec![item(2, Status::Queued), item(1, Status::Queued)],
    );
    assert_eq!(selected(&s), 2);
}

#[test]
fn clearing_finished_rows_keeps_running_failed_and_paused_ones() {
    let mut s = in_container(&["a.csv"]);
    show(
        &mut s,
        vec![
            item(1, Status::Done),
            item(2, Status::Running),
            item(3, Status::Failed("403".into())),
            item(4, Status::Cancelled),
            item(5, Status::Skipped("there".into())),
            item(6, Status::Paused),
        ],
    );
    cmd(&mut s, Command::Transfers);
    cmd(&mut s, Command::Bottom);
    cmd(&mut s, Command::Up);
    cmd(&mut s, Command::Up);
    cmd(&mut s, Command::Up);
    assert_eq!(selected(&s), 6);
    assert_eq!(
        cmd(&mut s, Command::ClearFinished),
        vec![Effect::TransferOp {
            id: None,
            op: TransferOp::ForgetFinished
        }]
    );
    assert_eq!(ids(&s), [2, 3, 6]);
    assert_eq!(selected(&s), 6, "the cursor stays on its transfer");
    let snap = &s.transfers.snapshot;
    assert_eq!((snap.done_bytes, snap.total_bytes), (15, 30));
    assert!(s.status.as_ref().unwrap().text.contains("Cleared 3"));
    assert!(
        cmd(&mut s, Command::ClearFinished).is_empty(),
        "nothing left to clear"
    );
}

#[test]
fn the_cap_is_kept_in_whole_megabits_when_asked() {
    let mut s = in_container(&["a.csv"]);
    cmd(&mut s, Command::Transfers);
    s.transfers.snapshot.cap = crate::transfer::throttle::mbps_to_bytes(80.0);
    assert_eq!(cmd(&mut s, Command::SaveCap), vec![Effect::SaveCap(80)]);
    s.transfers.snapshot.cap = None;
    assert_eq!(
        cmd(&mut s, Command::SaveCap),
        vec![Effect::SaveCap(0)],
        "no cap: 0"
    );
    s.transfers.snapshot.cap = crate::transfer::throttle::mbps_to_bytes(0.4);
    assert!(cmd(&mut s, Command::SaveCap).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("whole megabits"));
}

#[test]
fn unfinished_transfers_can_be_resumed_left_or_discarded() {
    use crate::transfer::journal::Entry;
    let entry = Entry {
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
    let mut s = in_container(&["a.csv"]);
    s.update(Action::Unfinished(vec![entry.clone()]));
    assert!(cmd(&mut s, Command::No).is_empty());
    assert!(s.layers.confirm().is_none());
    assert!(s.status.as_ref().unwrap().text.contains("next start"));

    s.update(Action::Unfinished(vec![entry.clone()]));
    assert_eq!(
        cmd(&mut s, Command::Discard),
        vec![Effect::DiscardUnfinished(vec![entry.clone()])]
    );
    assert!(s.layers.confirm().is_none());
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("not offered again")
    );

    s.update(Action::Unfinished(vec![entry.clone()]));
    assert_eq!(
        cmd(&mut s, Command::Yes),
        vec![Effect::ResumeUnfinished(vec![entry])]
    );
}

#[test]
fn a_bulk_change_row_is_cancelled_not_paused_or_retried() {
    let mut s = in_container(&["a.csv"]);
    let mut change = item(1, Status::Failed("LeaseIdMissing".into()));
    change.kind = Kind::Change;
    show(&mut s, vec![change]);
    cmd(&mut s, Command::Transfers);
    assert!(cmd(&mut s, Command::Retry).is_empty());
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("run the change again"))
    );
    assert_eq!(
        cmd(&mut s, Command::CancelTransfer),
        [Effect::TransferOp {
            id: Some(1),
            op: TransferOp::Cancel
        }]
    );
}
