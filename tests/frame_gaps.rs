//! The screen keeps moving while the network misbehaves: the TUI, through the
//! fault proxy, downloads a batch and lists a 20,000-blob folder at the same
//! time; its frame statistics (`BLOBX_FRAME_STATS`) are printed — requests,
//! faults, frames drawn, longest gap between frames — and the test asserts
//! only that frames kept being drawn while faults happened (no time bound:
//! the machine is shared).

mod support;

use std::sync::atomic::Ordering;
use support::emulator::Emulator;
use support::fault_proxy::FaultProxy;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

fn stats(text: &str) -> std::collections::HashMap<String, u64> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .filter_map(|(k, v)| Some((k.to_string(), v.trim().parse().ok()?)))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn frames_keep_coming_while_requests_fail() {
    let emu = Emulator::shared();
    let container = unique("frames");
    let mut blobs: Vec<BlobSpec> = (0..20_000)
        .map(|i| BlobSpec::new(format!("many/b{i:05}"), ""))
        .collect();
    let big: Vec<u8> = (0..(12u32 << 20)).map(|i| (i % 251) as u8).collect();
    for n in 0..3 {
        blobs.push(BlobSpec::new(format!("files/f{n}.bin"), big.clone()));
    }
    fill(&client(&emu.host), &container, blobs).await.unwrap();
    let proxy = FaultProxy::start(&format!("127.0.0.1:{}", emu.port), 0xF4A3, 10).await;

    let dir = tempfile::tempdir().unwrap();
    let stats_file = dir.path().join("frames.txt");
    let data = dir.path().join("data");
    let down = dir.path().join("down");
    let uri = format!("az://{container}/");
    let env = [
        ("BLOBX_FRAME_STATS", stats_file.to_str().unwrap()),
        ("BLOBX_DATA_DIR", data.to_str().unwrap()),
    ];
    let mut tui = Tui::spawn(
        &["--emulator", &proxy.host, &uri],
        &env,
        dir.path(),
        140,
        30,
    );
    // Rows: files/, many/. Download files/ (the cursor is on it)...
    tui.wait_text("2 items");
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15");
    tui.type_text(down.to_str().unwrap());
    tui.send("\r");
    // ...and while it runs, open the big folder.
    tui.send("j");
    tui.send("\r");
    let faults_before = proxy.counters.faults();
    tui.wait_text("20,000 items");
    tui.wait_for("the downloads to finish", |_| {
        (0..3).all(|n| down.join(format!("files/f{n}.bin")).exists())
    });
    tui.send("q");
    assert!(tui.wait_exit());
    for n in 0..3 {
        assert!(
            std::fs::read(down.join(format!("files/f{n}.bin"))).unwrap() == big,
            "f{n}.bin differs"
        );
    }

    let text = std::fs::read_to_string(&stats_file).expect("frame stats written at exit");
    let s = stats(&text);
    let c = &proxy.counters;
    println!(
        "frame gaps under faults: {}; {} frames ({} while busy), longest gap between frames while busy {} ms, longest loop turn {} ms",
        c.summary(),
        s["frames"],
        s["busy_frames"],
        s["longest_busy_gap_ms"],
        s["longest_turn_ms"],
    );
    assert!(
        c.faults() > faults_before || faults_before > 0,
        "faults were injected: {}",
        c.summary()
    );
    assert!(c.requests.load(Ordering::Relaxed) > 10, "{}", c.summary());
    assert!(
        s["busy_frames"] >= 10,
        "frames kept being drawn while work ran through the faults: {text}"
    );
    // The log has the same figures.
    let logs = std::fs::read_dir(dir.path().join("logs")).unwrap();
    let logged = logs
        .flatten()
        .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("frame stats")));
    assert!(logged, "frame stats in the log");
}
