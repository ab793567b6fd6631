//! The terminal is restored after a panic; a tiny terminal does not break the
//! app; a TUI killed with SIGKILL mid-transfer offers to resume at the next
//! start and finishes byte-identical; and awkward names and shapes (1,024
//! characters, 50 levels, `\`, 0 bytes, empty containers) browse and copy.

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
    // The row says what the .part held, instead of a promise made up front.
    tui.wait_text("done · reused");
    tui.send("q");
    assert!(tui.wait_exit());
    assert!(
        std::fs::read(&target).unwrap() == body,
        "the resumed file differs"
    );
    assert!(!part.exists());
}

/// Awkward shapes, browsed in the TUI and copied back headless: a 1,024-
/// character name (the service's limit), a path 50 folders deep, `\` in a
/// name, 0-byte blobs and an empty container.
#[tokio::test(flavor = "multi_thread")]
async fn long_names_deep_paths_backslashes_empty_blobs_and_containers() {
    let emu = Emulator::shared();
    let container = unique("shapes");
    let empty = unique("empty");
    let c = client(&emu.host);
    c.create_container(&empty).await.unwrap();
    // 1,024 characters in folders of 100 (a local file name stops at 255).
    let long: String = (0..10)
        .map(|i| format!("{}/", char::from(b'a' + i).to_string().repeat(99)))
        .collect::<String>()
        + &"z".repeat(24);
    assert_eq!(long.chars().count(), 1024);
    // 1,024 characters in one segment: fine for the service, too long for a file.
    let flat = format!("flat-{}", "y".repeat(1019));
    let deep: String = (0..50).map(|i| format!("l{i:02}/")).collect::<String>() + "leaf.txt";
    let blobs = vec![
        BlobSpec::new(long.clone(), "long"),
        BlobSpec::new(flat.clone(), "flat"),
        BlobSpec::new(deep.clone(), "deep"),
        BlobSpec::new("back\\slash.txt", "bs"),
        BlobSpec::new("zero.bin", ""),
        BlobSpec::new("l00/zero-too.bin", ""),
    ];
    fill(&c, &container, blobs).await.unwrap();
    // Azurite stores `\` as `/` (a folder); whichever it keeps, the TUI and
    // the copy must show and write that name.
    let page = c
        .list_blobs_page(&container, "", None, None, 5000)
        .await
        .unwrap();
    let backslash = page
        .entries
        .iter()
        .map(|e| e.name.clone())
        .find(|n| n.starts_with("back"))
        .unwrap();
    println!("`back\\slash.txt` is stored as {backslash:?}");

    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 120, 30);
    // Rows: aaa…/, back/ (or back\slash.txt), l00/, flat-yyy…, zero.bin.
    let screen = tui.wait_text("5 items");
    if backslash.contains('\\') {
        assert!(screen.contains("back\\slash.txt"), "{screen}");
    } else {
        assert!(screen.contains("▸ back/"), "{screen}");
    }
    assert!(screen.contains("zero.bin"), "{screen}");
    assert!(screen.contains("flat-yyyy"), "{screen}");
    // Walk 50 folders down, one Enter each, to the leaf.
    tui.send("G");
    tui.send("/");
    tui.type_text("l00");
    tui.send("\r");
    tui.wait_text("1 of 5 match");
    for i in 1..=50 {
        // The folder is the first row (folders first); make sure it is selected.
        if i > 1 {
            tui.send("g");
        }
        tui.send("\r");
        // Wait for the next level's rows before the next Enter.
        if i < 50 {
            tui.wait_text(&format!("▸ l{i:02}/"));
        }
    }
    let screen = tui.wait_text("leaf.txt");
    assert!(screen.contains("1 items"), "{screen}");
    // A terminal this narrow cuts the path, it does not break.
    tui.resize(20, 5);
    std::thread::sleep(std::time::Duration::from_millis(300));
    tui.resize(120, 30);
    tui.wait_text("leaf.txt");
    tui.send("q");
    assert!(tui.wait_exit());

    // The empty container says so.
    let empty_uri = format!("az://{empty}/");
    let mut tui = Tui::spawn(
        &["--emulator", &emu.host, &empty_uri],
        &[],
        dir.path(),
        100,
        20,
    );
    tui.wait_text("0 items");
    tui.send("q");
    assert!(tui.wait_exit());

    // Copied back headless: everything but the one over-long file name, which
    // is refused in words; nothing partial under its name.
    let back = dir.path().join("back");
    let out = support::run_blobx(
        dir.path(),
        &[
            "cp",
            "--emulator",
            &emu.host,
            "-r",
            &uri,
            back.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("5 of 6 files"), "{stderr}");
    let failure = stderr.lines().find(|l| l.contains("failed:")).unwrap();
    assert!(
        failure.contains("flat-yyy") && failure.contains("the name is too long"),
        "{failure}"
    );
    for (name, body) in [
        (long.as_str(), "long"),
        (deep.as_str(), "deep"),
        (backslash.as_str(), "bs"),
        ("zero.bin", ""),
        ("l00/zero-too.bin", ""),
    ] {
        assert_eq!(
            std::fs::read_to_string(back.join(name)).unwrap(),
            body,
            "{name}"
        );
    }
    // An empty container copies nothing, and says so.
    let out = support::run_blobx(
        dir.path(),
        &[
            "cp",
            "--emulator",
            &emu.host,
            "-r",
            &empty_uri,
            back.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing to copy"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
