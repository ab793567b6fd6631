//! 100,000 blobs in a single virtual folder, in the TUI: every row counted,
//! a filter finds one name among them, and the end of the list is one key
//! away. Seeding (0-byte Put Blobs, 128 at a time) and listing times are
//! printed, not asserted.

mod support;

use futures::StreamExt;
use std::collections::HashMap;
use std::time::Instant;
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::client;
use support::unique;

const N: usize = 100_000;

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_of_a_hundred_thousand_blobs_lists_filters_and_jumps() {
    let emu = Emulator::shared();
    let container = unique("hundredk");
    let c = client(&emu.host);
    c.create_container(&container).await.unwrap();
    let t = Instant::now();
    let failures = futures::stream::iter(0..N)
        .map(|i| {
            let c = &c;
            let container = &container;
            async move {
                c.put_blob(
                    container,
                    &format!("big/b{i:06}"),
                    bytes::Bytes::new(),
                    None,
                    HashMap::new(),
                )
                .await
                .is_err()
            }
        })
        .buffer_unordered(128)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    assert_eq!(failures, 0, "every blob seeded");
    let seeded = t.elapsed();

    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{container}/big/");
    let t = Instant::now();
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &uri], &[], dir.path(), 120, 30);
    // Listing 100,000 names takes 20 pages; on a busy machine, minutes.
    let screen = tui.wait_within(
        std::time::Duration::from_secs(600),
        "the whole folder",
        |s| s.contains("100,000 items"),
    );
    let listed = t.elapsed();
    assert!(screen.contains("b000000"), "{screen}");

    // A filter finds the one name.
    tui.send("/");
    tui.type_text("b077777");
    let screen = tui.wait_text("1 of 100,000");
    assert!(screen.contains("b077777"), "{screen}");
    assert!(!screen.contains("b000000"), "{screen}");
    tui.send("\x1b");
    tui.wait_text("100,000 items");

    // The end of the list, then back to the top.
    tui.send("G");
    let screen = tui.wait_text("b099999");
    assert!(!screen.contains("b000000"), "{screen}");
    tui.send("g");
    tui.wait_text("b000000");
    tui.send("q");
    assert!(tui.wait_exit());
    println!(
        "100,000 blobs in one folder: seeded in {:.1} s (128 at a time); opened in the TUI and counted in {:.1} s",
        seeded.as_secs_f64(),
        listed.as_secs_f64()
    );
}
