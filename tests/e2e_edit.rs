//! `e` on a blob in the TUI, in a pty with scripted editors: the terminal is
//! handed over (raw mode off, the editor reads the keys typed) and taken
//! back; the save keeps headers, metadata and tags; a change made meanwhile
//! is never overwritten unasked (k keeps both); read-only refuses.

mod support;

use blobx::azure::{ops, tags};
use std::path::Path;
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

/// A shell script to stand in for the editor.
fn script(dir: &Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_string_lossy().into_owned()
}

async fn text(c: &blobx::azure::StorageClient, container: &str, blob: &str) -> String {
    let head = ops::head_blob(c, container, blob).await.unwrap();
    let data = c
        .get_range(container, blob, 0, head.size, &head.etag)
        .await
        .unwrap();
    String::from_utf8(data.to_vec()).unwrap()
}

fn wait_file(path: &Path, tui: &Tui) {
    let start = std::time::Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the editor never started:\n{}",
            tui.screen()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn edit_key_hands_the_terminal_over_and_saves_keeping_headers() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("tuiedit");
    fill(
        &c,
        &container,
        vec![BlobSpec::new("conf/app.json", "{\"a\":1}\n").meta("owner", "ana")],
    )
    .await
    .unwrap();
    let cache = ops::HeaderEdit {
        cache_control: Some("max-age=5".into()),
        ..Default::default()
    };
    ops::set_content_headers(&c, &container, "conf/app.json", &cache, None)
        .await
        .unwrap();
    tags::set_tags(
        &c,
        &container,
        "conf/app.json",
        &[("env".into(), "prod".into())],
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path();
    let uri = format!("az://{container}/conf/");
    let spawn = |editor: &str, extra: &[&str]| {
        let mut args = vec!["--emulator", emu.host.as_str()];
        args.extend_from_slice(extra);
        args.push(uri.as_str());
        Tui::spawn(&args, &[("EDITOR", editor), ("VISUAL", "")], h, 110, 30)
    };

    // 1. The editor gets a cooked terminal and the keys typed; blobx saves
    //    with the headers, metadata and tags the blob had.
    let started = h.join("started");
    let seen = h.join("seen");
    let reads = script(
        h,
        "reads.sh",
        &format!(
            "stty -a > {stty}\nstat -c '%a %n' \"$1\" > {seen}\ntouch {started}\nread line\nprintf '%s\\n' \"$line\" > \"$1\"",
            stty = h.join("stty").display(),
            seen = seen.display(),
            started = started.display()
        ),
    );
    let mut tui = spawn(&reads, &[]);
    tui.wait_text("app.json");
    tui.send("e");
    wait_file(&started, &tui);
    assert!(!tui.in_alternate_screen(), "the editor has the main screen");
    tui.type_text("{\"a\":2}");
    tui.send("\r");
    tui.wait_text("Saved conf/app.json.");
    assert!(tui.in_alternate_screen(), "blobx took the screen back");
    let stty = std::fs::read_to_string(h.join("stty")).unwrap();
    assert!(
        stty.contains(" icanon") && stty.contains(" echo"),
        "raw mode was left for the editor: {stty}"
    );
    assert_eq!(text(&c, &container, "conf/app.json").await, "{\"a\":2}\n");
    let head = ops::head_blob(&c, &container, "conf/app.json")
        .await
        .unwrap();
    assert_eq!(
        head.headers.content_type.as_deref(),
        Some("application/json")
    );
    assert_eq!(head.headers.cache_control.as_deref(), Some("max-age=5"));
    assert_eq!(head.metadata.get("owner").map(String::as_str), Some("ana"));
    let t = tags::get_tags(&c, &container, "conf/app.json")
        .await
        .unwrap();
    assert_eq!(t, [("env".to_string(), "prod".to_string())]);
    let seen_line = std::fs::read_to_string(&seen).unwrap();
    let (mode, copy) = seen_line.trim().split_once(' ').unwrap();
    assert_eq!(mode, "600", "the copy is private");
    assert!(
        !Path::new(copy).exists(),
        "the copy is removed after saving"
    );
    // Keys work again after the editor.
    tui.send("q");
    assert!(tui.wait_exit(), "{}", tui.screen());

    // 2. Someone changes the blob meanwhile: blobx asks; k keeps both.
    let bin = env!("CARGO_BIN_EXE_blobx");
    let meddles = script(
        h,
        "meddles.sh",
        &format!(
            "{bin} set-props az://{container}/conf/app.json --metadata touched=yes --emulator {host} >/dev/null 2>&1\nprintf 'mine\\n' > \"$1\"",
            host = emu.host
        ),
    );
    let mut tui = spawn(&meddles, &[]);
    tui.wait_text("app.json");
    tui.send("e");
    tui.wait_text("changed by someone else");
    tui.send("k");
    tui.wait_text("yours is saved as");
    assert_eq!(
        text(&c, &container, "conf/app.json").await,
        "{\"a\":2}\n",
        "the other change is not overwritten"
    );
    let names: Vec<String> = ops::list_flat(&c, &container, "conf/")
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let new = names
        .iter()
        .find(|n| n.starts_with("conf/app.edited-") && n.ends_with(".json"))
        .unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(text(&c, &container, new).await, "mine\n");
    // s (or Esc) saves nothing and says where the copy is.
    tui.send("e");
    tui.wait_text("changed by someone else");
    tui.send("s");
    tui.wait_text("Your copy is kept at");
    assert_eq!(text(&c, &container, "conf/app.json").await, "{\"a\":2}\n");
    tui.send("q");
    assert!(tui.wait_exit());

    // 3. Read-only refuses; the editor never runs.
    let never = h.join("never");
    let marks = script(h, "marks.sh", &format!("touch {}", never.display()));
    let mut tui = spawn(&marks, &["--readonly"]);
    tui.wait_text("app.json");
    tui.send("e");
    tui.wait_text("Read-only");
    assert!(!never.exists(), "the editor ran in read-only mode");
    tui.send("q");
    assert!(tui.wait_exit());
}
