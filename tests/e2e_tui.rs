//! The real `blobx` binary in a pseudo-terminal against Azurite: browse into a
//! container of 12,000 blobs in nested folders, filter, inspect, quit; and the
//! terminal is restored on quit and on SIGTERM.

mod support;

use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

/// 12,000 blobs: `m01/` holds 6,000 (more than one listing page), eleven more
/// folders hold 540 each, and every folder has five blobs in a nested `deep/er/`.
async fn seed_big(host: &str, container: &str) {
    let mut blobs = Vec::with_capacity(12_000);
    for i in 0..6_000 {
        blobs.push(BlobSpec::new(format!("m01/file-{i:05}.csv"), "a,b\n"));
    }
    for m in 2..=12 {
        for i in 0..540 {
            blobs.push(BlobSpec::new(format!("m{m:02}/file-{i:05}.csv"), "a,b\n"));
        }
        for i in 0..5 {
            blobs.push(BlobSpec::new(
                format!("m{m:02}/deep/er/leaf-{i}.txt"),
                "leaf",
            ));
        }
    }
    for i in 0..5 {
        blobs.push(BlobSpec::new(format!("m01/deep/er/leaf-{i}.txt"), "leaf"));
    }
    blobs.truncate(12_000);
    assert_eq!(blobs.len(), 12_000);
    fill(&client(host), container, blobs).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn browse_filter_and_inspect_twelve_thousand_blobs() {
    let emu = Emulator::shared();
    let container = unique("big");
    seed_big(&emu.host, &container).await;
    let dir = tempfile::tempdir().unwrap();

    let mut tui = Tui::spawn(&["--emulator", &emu.host], &[], dir.path(), 120, 40);
    // Opens on the emulator account's containers.
    tui.wait_text("devstoreaccount1 (emulator)");
    tui.wait_text(&container);

    // Find the container with the filter, open it.
    tui.send("/");
    tui.type_text(&container);
    tui.send("\r");
    tui.wait_for("filter to narrow to the container", |s| s.contains("1 of "));
    tui.send("\r");
    let screen = tui.wait_text("12 items");
    assert!(
        screen.contains("▸ m01/") && screen.contains("▸ m12/"),
        "{screen}"
    );

    // m01 has 6,000 blobs: two pages stream in.
    tui.send("\r");
    let screen = tui.wait_text("6,001 items");
    assert!(screen.contains("▸ deep/"), "folders first: {screen}");
    assert!(screen.contains("file-00000.csv"), "{screen}");
    assert!(!screen.contains("loading"), "{screen}");

    // Fuzzy filter over what is loaded, with a live match count.
    tui.send("/");
    tui.type_text("f5999");
    let screen = tui.wait_text("1 of 6,001");
    assert!(screen.contains("file-05999.csv"), "{screen}");
    assert!(!screen.contains("file-00000.csv"), "{screen}");

    // Keep the filter, open the details pane for the match.
    tui.send("\r");
    tui.send("i");
    let screen = tui.wait_text("blob-type: BlockBlob");
    assert!(screen.contains("m01/file-05999.csv"), "{screen}");
    assert!(screen.contains("content-length: 4"), "{screen}");

    // Esc clears the filter; Backspace goes up and lands on the folder we left.
    tui.send("\x1b");
    tui.wait_text("6,001 items");
    tui.send("\x7f");
    let screen = tui.wait_text("12 items");
    assert!(screen.contains(&container), "breadcrumb: {screen}");

    // Into a nested folder and back.
    tui.send("j\r");
    tui.wait_text("541 items");
    tui.send("\r");
    // The breadcrumb changes before the listing arrives: wait for both.
    tui.wait_for("deep/ and its listing", |s| {
        s.contains("› deep/") && s.contains("er/")
    });
    tui.send("\r");
    tui.wait_text("leaf-4.txt");

    // Help is on screen, then quit restores the terminal.
    tui.send("?");
    tui.wait_text("Keys (from keymap.toml)");
    tui.send("?");
    tui.send("q");
    assert!(tui.wait_exit(), "blobx exited with an error");
    assert!(
        !tui.in_alternate_screen(),
        "alternate screen left on after quit"
    );
    assert!(!tui.cursor_hidden(), "cursor left hidden after quit");
}

#[tokio::test(flavor = "multi_thread")]
async fn az_uri_opens_at_that_place() {
    let emu = Emulator::shared();
    let container = unique("uri");
    fill(
        &client(&emu.host),
        &container,
        vec![
            BlobSpec::new("2024/01/a.csv", "a"),
            BlobSpec::new("2024/02/b.csv", "b"),
        ],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/2024/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 100, 20);
    let screen = tui.wait_text("2 items");
    assert!(screen.contains("01/") && screen.contains("02/"), "{screen}");
    assert!(screen.contains(&format!("{container} › 2024/")), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn no_emulator_says_so_and_keeps_working() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let host = format!("http://127.0.0.1:{port}");
    let mut tui = Tui::spawn(&["--emulator", &host], &[], dir.path(), 100, 20);
    let screen = tui.wait_text("Nothing is listening");
    assert!(screen.contains("start the emulator"), "{screen}");
    // Still responsive: go up to the account node, which shows the error too.
    tui.send("h");
    let screen = tui.wait_for("account row with error", |s| {
        s.contains("◆ devstoreaccount1 (emulator)") && s.contains("Nothing is listening")
    });
    assert!(screen.contains("◆ Microsoft Entra ID"), "{screen}");
    assert!(screen.contains("2 accounts"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_restores_the_terminal() {
    let emu = Emulator::shared();
    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&["--emulator", &emu.host], &[], dir.path(), 100, 20);
    tui.wait_text("devstoreaccount1 (emulator)");
    assert!(tui.in_alternate_screen());
    let pid = tui.pid().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    tui.wait_exit();
    assert!(
        !tui.in_alternate_screen(),
        "alternate screen left on after SIGTERM"
    );
    assert!(!tui.cursor_hidden(), "cursor left hidden after SIGTERM");
}

#[test]
fn help_and_version_flags() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("blobx "));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("az://container/path") && help.contains("--emulator"),
        "{help}"
    );
    // A bad location is refused before the screen is touched.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
        .arg("s3://bucket")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a location blobx knows"));
}
