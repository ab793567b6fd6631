//! Transfers through the real binary in a terminal: mark two blobs, download
//! them into a folder typed at the prompt, watch the pane, then upload a
//! folder into the container and see it listed.

mod support;

use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

#[tokio::test(flavor = "multi_thread")]
async fn download_marked_blobs_and_upload_a_folder_from_the_keyboard() {
    let emu = Emulator::shared();
    let container = unique("keys");
    fill(
        &client(&emu.host),
        &container,
        vec![
            BlobSpec::new("one.csv", "1,2\n"),
            BlobSpec::new("two.csv", "3,4\n"),
            BlobSpec::new("three.csv", "5,6\n"),
        ],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let down = dir.path().join("down");
    let up = dir.path().join("up-src");
    std::fs::create_dir_all(up.join("inner")).unwrap();
    std::fs::write(up.join("inner/new file.txt"), "fresh").unwrap();

    let data = dir.path().join("data");
    let data = data.to_str().unwrap().to_string();
    let uri = format!("az://{container}/");
    let mut tui = Tui::spawn(
        &["--emulator", &emu.host, &uri],
        &[("BLOBX_DATA_DIR", data.as_str())],
        dir.path(),
        120,
        30,
    );
    tui.wait_text("3 items");
    // Rows: one.csv, three.csv, two.csv. Mark one.csv and two.csv.
    tui.send(" ");
    tui.send("j");
    tui.send(" ");
    tui.wait_text("● two.csv");
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15"); // ctrl-u clears the suggested folder
    tui.type_text(down.to_str().unwrap());
    tui.send("\r");
    let screen = tui.wait_for("both downloads done", |s| s.matches("done").count() >= 2);
    assert!(screen.contains("Transfers"), "{screen}");
    assert_eq!(
        std::fs::read_to_string(down.join("one.csv")).unwrap(),
        "1,2\n"
    );
    assert_eq!(
        std::fs::read_to_string(down.join("two.csv")).unwrap(),
        "3,4\n"
    );
    assert!(!down.join("three.csv").exists(), "only the marked blobs");

    // Upload a folder into the container: it appears in the listing when done.
    tui.send("u");
    tui.wait_text("upload from:");
    tui.send("\x15");
    tui.type_text(up.to_str().unwrap());
    tui.send("\r");
    // What the uploaded blobs carry: checked as typed, set once each is written.
    tui.wait_text("set on the uploaded blobs");
    tui.type_text("cache=max-age=60; meta.owner=ana; tag.project=churn; tag.bad!=1");
    tui.send("\r");
    tui.wait_text("holds '!'");
    for _ in 0.."; tag.bad!=1".len() {
        tui.send("\x7f");
    }
    tui.send("\r");
    tui.wait_text("▸ up-src/");
    tui.wait_text("3 done");
    let c = client(&emu.host);
    let props = c
        .blob_props(&container, "up-src/inner/new file.txt")
        .await
        .unwrap();
    assert_eq!(props.size, 5);
    assert_eq!(props.content_type.as_deref(), Some("text/plain"));
    let head = blobx::azure::ops::head_blob(&c, &container, "up-src/inner/new file.txt")
        .await
        .unwrap();
    assert_eq!(head.headers.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(head.metadata.get("owner").map(String::as_str), Some("ana"));
    assert!(head.headers.content_md5.is_some(), "the upload's MD5 stays");
    let tags = blobx::azure::tags::get_tags(&c, &container, "up-src/inner/new file.txt")
        .await
        .unwrap();
    assert_eq!(tags, [("project".to_string(), "churn".to_string())]);

    // Downloading the same blobs again asks once what to do with existing files.
    tui.send("g");
    tui.send("j");
    tui.send(" ");
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15");
    tui.type_text(down.to_str().unwrap());
    tui.send("\r");
    tui.wait_text("already exist");
    tui.send("k");
    tui.wait_for("kept both", |_| down.join("one (1).csv").exists());
    tui.wait_for("the pane says all done", |s| s.contains("nothing running"));
    tui.send("q");
    assert!(tui.wait_exit());
}
