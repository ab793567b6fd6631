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

/// `:` goes to a location pasted in any form; a SAS URL's signature never
/// shows on the prompt line.
#[tokio::test(flavor = "multi_thread")]
async fn go_to_a_pasted_location() {
    let emu = Emulator::shared();
    let container = unique("goto");
    fill(
        &client(&emu.host),
        &container,
        vec![
            BlobSpec::new("deep/down/here.csv", "x\n"),
            BlobSpec::new("top.txt", "t"),
        ],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&["--emulator", &emu.host], &[], dir.path(), 120, 30);
    tui.wait_text(&container);

    // A path-style emulator URL with an account SAS, pasted.
    let token = blobx::azure::sas::account_sas(
        blobx::azure::account::EMULATOR_ACCOUNT,
        &blobx::azure::secret::Secret::new(blobx::azure::account::EMULATOR_KEY),
        "rl",
        blobx::azure::connection::now_unix() + 3600,
    )
    .unwrap();
    let sig = token
        .expose()
        .split('&')
        .find_map(|p| p.strip_prefix("sig="))
        .unwrap()
        .to_string();
    let url = format!(
        "{}/{}/{container}/deep/down/?{}",
        emu.host,
        blobx::azure::account::EMULATOR_ACCOUNT,
        token.expose()
    );
    tui.send(":");
    tui.wait_text("go to (");
    tui.send(&format!("\x1b[200~{url}\x1b[201~"));
    let screen = tui.wait_text("sig=***");
    assert!(!screen.contains(&sig), "the signature is masked:\n{screen}");
    tui.send("\r");
    let screen = tui.wait_text("here.csv");
    assert!(screen.contains("deep/ › down/"), "{screen}");
    assert!(!screen.contains("top.txt"), "{screen}");

    // az:// in the account being browsed, typed.
    tui.send(":");
    tui.type_text(&format!("az://{container}/"));
    tui.send("\r");
    tui.wait_text("top.txt");

    // A location blobx cannot read says why and keeps the browser working.
    tui.send(":");
    tui.type_text("ftp://nowhere/x");
    tui.wait_text("✗");
    tui.send("\r");
    tui.wait_text("is not a location");
    tui.send("\x1b");
    tui.wait_for("the prompt closed", |s| !s.contains("go to ("));
    tui.send("q");
    assert!(tui.wait_exit());
}
