//! The interaction model in the real binary, as a data scientist and an ops
//! engineer use it: marks kept across folders and downloaded together, the
//! focus moved with Tab and Shift-Tab (and shown), `?` explaining the pane in
//! focus, `q` closing panes and quitting only from the list, the activity
//! pane, and the public access chooser that writes nothing unless asked.

mod support;

use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

#[tokio::test(flavor = "multi_thread")]
async fn one_set_of_keys_across_panes() {
    let emu = Emulator::shared();
    let container = unique("layers");
    fill(
        &client(&emu.host),
        &container,
        vec![
            BlobSpec::new("events/e1.json", "{\"a\":1}"),
            BlobSpec::new("events/e2.json", "{\"a\":2}"),
            BlobSpec::new("curated/a.csv", "x,y\n1,2\n"),
            BlobSpec::new("curated/b.csv", "x,y\n3,4\n"),
        ],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let uri = format!("az://{container}/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 120, 30);
    tui.wait_text("2 items");

    // Mark events/, go into curated/, mark everything shown there.
    tui.send("j"); // curated/ sorts first
    tui.send(" ");
    tui.wait_text("1 marked");
    tui.send("k\r");
    tui.wait_for("curated/ listed", |s| {
        s.contains("a.csv") && s.contains("b.csv")
    });
    tui.send("*");
    let screen = tui.wait_text("3 marked");
    assert!(screen.contains("+ 1 folder"), "{screen}");

    // One download for all three, each keeping its folder.
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15"); // Ctrl-U clears the suggested folder
    tui.type_text(&out.display().to_string());
    tui.send("\r");
    tui.wait_for("four files downloaded", |_| {
        [
            "events/e1.json",
            "events/e2.json",
            "curated/a.csv",
            "curated/b.csv",
        ]
        .iter()
        .all(|f| out.join(f).exists())
    });
    assert_eq!(
        std::fs::read_to_string(out.join("curated/b.csv")).unwrap(),
        "x,y\n3,4\n"
    );

    // The transfers pane has the keys: its title is marked, ? explains it first.
    tui.send("t");
    tui.wait_text("▸ Transfers");
    tui.send("?");
    let help = tui.wait_text("Keys (from keymap.toml)");
    let first = help
        .lines()
        .find(|l| l.contains("Transfers pane") || l.contains("Browsing"))
        .unwrap_or_default();
    assert!(
        first.contains("Transfers pane"),
        "the focused pane first:\n{help}"
    );
    tui.send("\x1b");
    tui.wait_for("help closed", |s| !s.contains("Keys (from keymap.toml)"));

    // Tab gives the keys back to the list, Shift-Tab to the pane again.
    tui.send("\t");
    tui.wait_for("list focused", |s| {
        !s.contains("▸ Transfers") && s.contains(" Transfers")
    });
    tui.send("\x1b[Z");
    tui.wait_text("▸ Transfers");
    // q in a pane closes it; blobx keeps running.
    tui.send("q");
    tui.wait_for("pane unfocused", |s| !s.contains("▸ Transfers"));

    // The activity pane: opened with E, closed with q.
    tui.send("E");
    tui.wait_text("Activity");
    tui.send("q");
    tui.wait_for("activity closed", |s| !s.contains("Activity ·"));

    // Public access: the level in force, a warning before anything public,
    // Esc writes nothing.
    tui.send("A");
    tui.wait_text("Now: private");
    tui.send("j\r");
    tui.wait_text("Anyone on the internet");
    tui.send("\x1b");
    tui.wait_for("chooser closed", |s| !s.contains("Now: private"));
    let out_status = support::run_blobx(
        dir.path(),
        &[
            "access",
            "get",
            &format!("az://{container}"),
            "--emulator",
            &emu.host,
        ],
    );
    let text = String::from_utf8_lossy(&out_status.stdout);
    assert!(text.contains("private"), "nothing was written: {text}");

    // q quits from the list.
    tui.send("q");
    assert!(tui.wait_exit(), "blobx exited with an error");
}
