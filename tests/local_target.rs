//! Downloads into a folder that cannot be written and onto a disk that fills
//! up, headless and in the TUI: each failure is told in words, `blobx cp`
//! exits with status 1, the TUI keeps working, nothing partial sits under a
//! final name, and the batch's other files arrive intact.

mod support;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

/// Each file blobx writes may grow to this many KiB (`ulimit -f`).
const LIMIT_KIB: u64 = 2048;

/// The command that runs blobx against a read-only folder and a small disk.
/// Root ignores a 0555 folder, so as root the permission-override
/// capabilities are dropped from the bounding set first. `ulimit -f` makes a
/// write past the limit fail with EFBIG (SIGXFSZ ignored, so the write fails
/// instead of the process dying), the way a full disk fails it with ENOSPC;
/// unlike a small tmpfs it needs no mount and does not depend on which file
/// of the batch happens to be written first.
fn constrained() -> Vec<String> {
    let mut cmd: Vec<String> = Vec::new();
    let root = std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false);
    if root {
        cmd.extend(
            [
                "setpriv",
                "--bounding-set",
                "-dac_override,-dac_read_search",
                "--",
            ]
            .map(String::from),
        );
    }
    cmd.extend([
        "bash".to_string(),
        "-c".to_string(),
        format!("ulimit -f {LIMIT_KIB}; trap '' XFSZ; exec \"$0\" \"$@\""),
        env!("CARGO_BIN_EXE_blobx").to_string(),
    ]);
    cmd
}

fn body(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// A container with files that can land, one under a read-only folder and one
/// bigger than the "disk" allows.
async fn seed(host: &str) -> (String, Vec<(&'static str, Vec<u8>)>) {
    let container = unique("localtarget");
    let blobs = vec![
        ("ok/one.txt", b"first file\n".to_vec()),
        ("ok/two.bin", body(600 << 10, 2)),
        ("locked/three.txt", b"cannot land\n".to_vec()),
        ("big/huge.bin", body(6 << 20, 4)),
    ];
    fill(
        &client(host),
        &container,
        blobs
            .iter()
            .map(|(n, b)| BlobSpec::new(*n, b.clone()))
            .collect(),
    )
    .await
    .unwrap();
    (container, blobs)
}

/// The download folder, with `locked/` already there and read-only.
fn target(dir: &Path) -> std::path::PathBuf {
    let dl = dir.join("dl");
    std::fs::create_dir_all(dl.join("locked")).unwrap();
    std::fs::set_permissions(dl.join("locked"), std::fs::Permissions::from_mode(0o555)).unwrap();
    dl
}

/// What the batch must leave behind: the two good files intact, nothing at
/// all under the final names of the two that failed.
fn check_outcome(dl: &Path, blobs: &[(&str, Vec<u8>)]) {
    assert_eq!(std::fs::read(dl.join("ok/one.txt")).unwrap(), blobs[0].1);
    assert!(
        std::fs::read(dl.join("ok/two.bin")).unwrap() == blobs[1].1,
        "two.bin differs"
    );
    assert!(
        !dl.join("locked/three.txt").exists(),
        "nothing lands in a read-only folder"
    );
    assert!(
        !dl.join("big/huge.bin").exists(),
        "no partial file under the final name"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn headless_cp_into_a_read_only_folder_and_a_full_disk() {
    let emu = Emulator::shared();
    let (container, blobs) = seed(&emu.host).await;
    let dir = tempfile::tempdir().unwrap();
    let dl = target(dir.path());
    let cmd = constrained();
    let src = format!("az://{container}/");
    let out = std::process::Command::new(&cmd[0])
        .args(&cmd[1..])
        .args([
            "cp",
            "--emulator",
            &emu.host,
            "-r",
            &src,
            dl.to_str().unwrap(),
        ])
        .env("BLOBX_CONFIG_DIR", dir.path().join("config"))
        .env("BLOBX_LOG_DIR", dir.path().join("logs"))
        .env("BLOBX_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("blobx cp said:\n{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit status 1 when files failed"
    );
    let line = |name: &str| {
        stderr
            .lines()
            .find(|l| l.contains("failed") && l.contains(name))
            .unwrap_or_else(|| panic!("no failure line for {name}:\n{stderr}"))
            .to_string()
    };
    let locked = line("three.txt");
    assert!(
        locked.contains("permission denied: cannot write to"),
        "{locked}"
    );
    let huge = line("huge.bin");
    assert!(huge.contains("the disk is full"), "{huge}");
    assert!(huge.contains("cannot write to"), "{huge}");
    assert!(stderr.contains("2 of 4 files"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    check_outcome(&dl, &blobs);
}

#[tokio::test(flavor = "multi_thread")]
async fn tui_download_into_a_read_only_folder_and_a_full_disk() {
    let emu = Emulator::shared();
    let (container, blobs) = seed(&emu.host).await;
    let dir = tempfile::tempdir().unwrap();
    let dl = target(dir.path());
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let cmd = constrained();
    let uri = format!("az://{container}/");
    let mut args: Vec<&str> = cmd[1..].iter().map(String::as_str).collect();
    args.extend(["--emulator", &emu.host, &uri]);
    let mut tui = Tui::spawn_program(
        &cmd[0],
        &args,
        &[("BLOBX_DATA_DIR", data)],
        dir.path(),
        200,
        30,
    );
    // Rows: big/, locked/, ok/.
    tui.wait_text("3 items");
    // Space marks a row and moves down: mark all three folders.
    for row in ["big/", "locked/", "ok/"] {
        tui.send(" ");
        tui.wait_text(&format!("● {row}"));
    }
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15");
    tui.type_text(dl.to_str().unwrap());
    tui.send("\r");
    let screen = tui.wait_for("the batch to settle", |s| {
        s.contains("2 done") && s.matches("failed").count() >= 1
    });
    println!("{screen}");
    // The full transfers list names both failures in words.
    tui.wait_for("both failures listed", |s| {
        s.contains("permission denied") && s.contains("disk is full")
    });
    check_outcome(&dl, &blobs);
    // Still working: move about, open a folder, quit cleanly.
    tui.send("\x1b");
    tui.send("g");
    tui.send("\r");
    tui.wait_text("huge.bin");
    tui.send("q");
    assert!(tui.wait_exit(), "the app quits normally after the failures");
}
