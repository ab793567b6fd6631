//! The lifecycle pane in the real binary against Azurite: W on the account,
//! l for its lifecycle rules, a rule typed as a line (a wrong one said as you
//! type), the dry run listing the account, a save refused in words for an
//! account not reached through Entra ID, Esc stepping back pane by pane.

mod support;

use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

#[tokio::test(flavor = "multi_thread")]
async fn rules_are_tried_with_a_dry_run() {
    let emu = Emulator::shared();
    let container = unique("rules");
    fill(
        &client(&emu.host),
        &container,
        vec![
            BlobSpec::new("logs/a.log", "a"),
            BlobSpec::new("logs/b.log", "bb"),
            BlobSpec::new("keep/c.csv", "x,y\n"),
        ],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 130, 32);
    tui.wait_text("2 items");

    tui.send("W");
    tui.wait_text("Settings ·");
    tui.send("l");
    tui.wait_text("No rules. a adds one.");

    // A rule as a line; over the limit first (said while typing), then fixed.
    tui.send("a");
    tui.wait_text("new: rule1");
    tui.send("\x15"); // Ctrl-U clears the template
    tui.type_text(&format!("old prefix={container}/logs/ base.delete>100000m"));
    tui.wait_text("100000 days is outside 0–99999");
    tui.send("\x08\x08\x08\x08\x08\x08\x08");
    tui.type_text("30m");
    tui.wait_text("✓ Enter keeps it");
    tui.send("\r");
    tui.wait_text(&format!("* old prefix={container}/logs/ base.delete>30m"));

    // The dry run lists the account: nothing is 30 days old yet.
    tui.send("x");
    let screen = tui.wait_text("In all:");
    assert!(
        screen.contains("old: baseBlob delete → 0 blobs"),
        "{screen}"
    );

    // Saving needs Resource Manager: said, nothing else happens.
    tui.send("s");
    tui.wait_text("lifecycle rules live in Resource Manager");

    // Esc steps back: the settings pane, then the list.
    tui.send("\x1b");
    tui.wait_text("Settings ·");
    tui.send("\x1b");
    tui.wait_for("the list again", |s| {
        !s.contains("Settings ·") && s.contains("logs/")
    });
    tui.send("q");
    assert!(tui.wait_exit());
}
