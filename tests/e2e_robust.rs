//! The terminal is restored after a panic; a tiny terminal does not break the
//! app; and a TUI killed with SIGKILL mid-transfer offers to resume at the
//! next start and finishes byte-identical.

mod support;

use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_restores_the_terminal() {
    let emu = Emulator::shared();
    let dir = tempfile::tempdir().unwrap();
    let env = [("BLOBX_DEBUG_PANIC", "1"), ("RUST_BACKTRACE", "0")];
    let mut tui = Tui::spawn(&["--emulator", &emu.host], &env, dir.path(), 100, 20);
    assert!(!tui.wait_exit(), "a panic exits with failure");
    assert!(
        !tui.in_alternate_screen(),
        "alternate screen left on after a panic"
    );
    assert!(!tui.cursor_hidden(), "cursor left hidden after a panic");
    assert!(
        tui.screen().contains("panicking on purpose"),
        "the panic message is shown: {}",
        tui.screen()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn resizing_to_twenty_by_five_and_back_keeps_working() {
    let emu = Emulator::shared();
    let container = unique("tiny");
    fill(
        &client(&emu.host),
        &container,
        vec![BlobSpec::new("a.txt", "a")],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 100, 20);
    tui.wait_text("1 items");
    tui.resize(20, 5);
    std::thread::sleep(std::time::Duration::from_millis(300));
    tui.send("j");
    tui.resize(100, 20);
    let screen = tui.wait_text("a.txt");
    assert!(screen.contains("1 items"), "{screen}");
    tui.send("q");
    assert!(tui.wait_exit());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tui_killed_mid_download_resumes_at_the_next_start() {
    let emu = Emulator::shared();
    let container = unique("tuikill");
    let body: Vec<u8> = (0..(80u32 << 20))
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    fill(
        &client(&emu.host),
        &container,
        vec![BlobSpec::new("big.bin", body.clone())],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap().to_string();
    let target_dir = dir.path().join("dl");
    let target = target_dir.join("big.bin");
    let part = blobx::transfer::download::part_path(&target);
    let uri = format!("az://{container}/");
    let env = [("BLOBX_DATA_DIR", data.as_str())];

    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &env, dir.path(), 120, 30);
    tui.wait_text("big.bin");
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15");
    tui.type_text(target_dir.to_str().unwrap());
    tui.send("\r");
    // Kill it (SIGKILL: nothing gets to clean up) once part of the file is there.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::metadata(&part)
        .map(|m| m.len() < 8 << 20)
        .unwrap_or(true)
    {
        assert!(
            !target.exists(),
            "finished before it could be killed; make the blob bigger"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "the download never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let pid = tui.pid().unwrap();
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    tui.wait_exit();
    assert!(
        !target.exists(),
        "nothing under the final name after the crash"
    );

    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &env, dir.path(), 120, 30);
    tui.wait_text("did not finish last time");
    tui.send("y");
    tui.wait_for("the resumed download to finish", |_| target.exists());
    tui.wait_text("1 done");
    tui.send("q");
    assert!(tui.wait_exit());
    assert!(
        std::fs::read(&target).unwrap() == body,
        "the resumed file differs"
    );
    assert!(!part.exists());
}
