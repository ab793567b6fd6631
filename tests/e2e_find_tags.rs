//! `F` in the TUI: a tag query (Find Blobs by Tags) in the container, below
//! the folder; the results are listed like a name search, then marked and
//! downloaded, in the real binary in a pty against Azurite.

mod support;

use blobx::azure::tags;
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

#[tokio::test(flavor = "multi_thread")]
async fn tag_query_lists_matches_that_can_be_marked_and_downloaded() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("tagfind");
    let names = [
        "runs/2024/a.csv",
        "runs/2024/b.csv",
        "runs/2023/c.csv",
        "runs/old.csv",
        "other/d.csv",
    ];
    fill(
        &c,
        &container,
        names
            .iter()
            .map(|n| BlobSpec::new(*n, format!("body of {n}\n")))
            .collect(),
    )
    .await
    .unwrap();
    let tag = |p: &str, d: &str| {
        vec![
            ("project".to_string(), p.to_string()),
            ("date".to_string(), d.to_string()),
        ]
    };
    for (name, t) in [
        ("runs/2024/a.csv", tag("churn", "2024-02")),
        ("runs/2024/b.csv", tag("churn", "2024-03")),
        ("runs/2023/c.csv", tag("churn", "2023-11")),
        ("runs/old.csv", tag("other", "2024-05")),
        ("other/d.csv", tag("churn", "2024-06")),
    ] {
        tags::set_tags(&c, &container, name, &t).await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let down = dir.path().join("down");
    let uri = format!("az://{container}/runs/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 120, 30);
    tui.wait_text("old.csv");
    tui.send("F");
    tui.wait_text("find by index tags");
    // An empty query is refused before any request.
    tui.send("\r");
    tui.wait_text("the tag query is empty");
    tui.type_text("\"project\" = 'churn' AND \"date\" >= '2024-01'");
    tui.send("\r");
    // Below runs/ only: a.csv and b.csv (d.csv is elsewhere; c.csv and
    // old.csv do not match).
    let screen = tui.wait_for("two matches", |s| {
        s.contains("2024/a.csv") && s.contains("2024/b.csv") && s.contains("2 matches")
    });
    assert!(!screen.contains("c.csv"), "{screen}");
    assert!(!screen.contains("old.csv"), "{screen}");
    assert!(!screen.contains("d.csv"), "{screen}");
    tui.send("*");
    tui.wait_text("2 marked");
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15");
    tui.type_text(down.to_str().unwrap());
    tui.send("\r");
    tui.wait_for("both downloads done", |s| s.contains("2 done"));
    for name in ["runs/2024/a.csv", "runs/2024/b.csv"] {
        let leaf = name.strip_prefix("runs/").unwrap();
        let found = [down.join(leaf), down.join(name.rsplit('/').next().unwrap())]
            .into_iter()
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{name} not downloaded under {}", down.display()));
        assert_eq!(
            std::fs::read_to_string(found).unwrap(),
            format!("body of {name}\n")
        );
    }
    tui.send("q");
    assert!(tui.wait_exit());
}
