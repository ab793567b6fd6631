//! The real `blobx` binary in a pseudo-terminal against Azurite: `V` on a
//! blob shows its history, `n` takes a snapshot, `v` previews an old one, `D`
//! saves it as a transfer, `p` promotes it after asking; `U` says what Azurite does with deleted blobs;
//! every change leaves an audit line in the log.

mod support;

use blobx::azure::history;
use bytes::Bytes;
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

/// Rows of the history table that are snapshots (they carry an ETag).
fn snapshot_rows(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.contains("snapshot") && l.contains("0x"))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn history_pane_from_the_keyboard() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("hist");
    fill(
        &c,
        &container,
        vec![BlobSpec::new("notes.txt", "first words")],
    )
    .await
    .unwrap();
    history::take_snapshot(&c, &container, "notes.txt")
        .await
        .unwrap();
    c.put_blob(
        &container,
        "notes.txt",
        Bytes::from_static(b"later words, longer"),
        Some("text/plain"),
        Default::default(),
    )
    .await
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let start = format!("az://{container}/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &start], &[], dir.path(), 130, 30);
    tui.wait_text("notes.txt");

    tui.send("V");
    tui.wait_text("History of notes.txt");
    tui.wait_for("one snapshot listed", |s| snapshot_rows(s) == 1);

    tui.send("n");
    tui.wait_for("two snapshots listed", |s| {
        s.contains("Took a snapshot") && snapshot_rows(s) == 2
    });

    // The oldest snapshot is the last row; preview it beside the pane.
    tui.send("G");
    tui.send("v");
    tui.wait_text("first words");

    // D saves it through the transfer engine: a row in the transfers pane.
    tui.send("D");
    tui.wait_text("save as:");
    tui.send("\x15"); // ctrl-u clears the suggested path
    let saved = dir.path().join("old-notes.txt");
    tui.type_text(&saved.display().to_string());
    tui.send("\r");
    tui.wait_text("see transfers (t)");
    tui.wait_for("the transfer row of the snapshot, done", |s| {
        s.lines()
            .any(|l| l.contains("notes.txt @ snapshot") && l.contains("done"))
    });
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), "first words");

    tui.send("p");
    tui.wait_text("current content is replaced");
    tui.send("y");
    tui.wait_text("now holds the content");

    tui.send("\x1b");
    tui.wait_for("the pane to close", |s| !s.contains("History of"));
    tui.send("U");
    tui.wait_text("does not support soft delete");

    tui.send("q");
    assert!(tui.wait_exit());
    assert_eq!(
        &c.get_range(&container, "notes.txt", 0, 11, "")
            .await
            .unwrap()[..],
        b"first words"
    );
    let audit = support::audit_lines(dir.path());
    assert!(
        audit.iter().any(|l| l.contains("action=\"snapshot\"")),
        "{audit:?}"
    );
    assert!(
        audit.iter().any(|l| l.contains("action=\"promote\"")),
        "{audit:?}"
    );
}
