//! Screens of the transfers pane and the header on `TestBackend`: a running
//! upload among thousands of finished rows, a 60-column terminal, and names
//! that terminals do not print as one cell each.

use crate::app::action::{Action, Command};
use crate::app::state::{AccountNode, State};
use crate::azure::BlobEntry;
use crate::azure::uri::AzPath;
use crate::config::{Keymap, Theme};
use crate::transfer::engine::ItemView;
use crate::transfer::{Kind, Snapshot, Status};
use crate::ui::{Ui, draw, format};
use ratatui::buffer::Buffer;
use ratatui::{Terminal, backend::TestBackend};

const T: i64 = 1_795_418_465; // 2026-11-23 07:21 UTC
const MIB: u64 = 1 << 20;

/// Blobx open at `az://datasets/{prefix}` with these names listed.
fn at_folder(prefix: &str, names: &[&str], width: u16, height: u16) -> State {
    let mut s = State::new(vec![AccountNode::new(
        crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap(),
    )]);
    s.start(
        Some(AzPath {
            container: "datasets".into(),
            prefix: prefix.into(),
            account: None,
        }),
        Some(0),
    );
    s.update(Action::Resize { width, height });
    let g = s.listing.generation;
    let entries = names
        .iter()
        .map(|n| BlobEntry {
            name: format!("{prefix}{n}"),
            is_prefix: n.ends_with('/'),
            size: 31_744,
            last_modified: Some(T),
            access_tier: Some("Hot".into()),
            content_type: None,
        })
        .collect();
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(entries),
        done: true,
    });
    s
}

fn buffer(state: &State, width: u16, height: u16) -> Buffer {
    let (keymap, theme) = (Keymap::default(), Theme::default());
    let ui = Ui {
        keymap: &keymap,
        theme: &theme,
    };
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| draw(f, state, &ui)).unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as a terminal shows it: a wide character's second cell is
/// hidden behind it, so it is left out.
fn text(b: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..b.area.height {
        let mut x = 0;
        while x < b.area.width {
            let sym = b[(x, y)].symbol();
            out.push_str(sym);
            x += format::width(sym).max(1) as u16;
        }
        out.push('\n');
    }
    out
}

fn item(id: u64, name: &str, status: Status, done: u64, total: u64) -> ItemView {
    ItemView {
        id,
        name: name.into(),
        kind: Kind::Download,
        source: String::new(),
        target: String::new(),
        status,
        done,
        total,
        rate: 0,
        eta_secs: None,
        checksum: None,
        note: None,
    }
}

/// As the engine sends it: queue order, totals over the same items.
fn snapshot(items: Vec<ItemView>, rate: u64) -> Action {
    let (done_bytes, total_bytes) = crate::transfer::sampler::totals(&items);
    Action::Transfers(Snapshot {
        items,
        rate,
        history: vec![0, 4 * MIB, 8 * MIB, 8 * MIB],
        done_bytes,
        total_bytes,
        ..Default::default()
    })
}

#[test]
fn a_running_upload_is_in_sight_among_thousands_of_finished_rows() {
    let mut s = at_folder("", &["raw/"], 120, 24);
    let mut items: Vec<ItemView> = (1..=2413)
        .map(|i| {
            item(
                i,
                &format!(
                    "2024/{:02}/{:02}/part-00000.parquet",
                    i / 31 % 12 + 1,
                    i % 31 + 1
                ),
                Status::Done,
                31_744,
                31_744,
            )
        })
        .collect();
    let mut big = item(
        2414,
        "models/llm-1.5GiB.bin",
        Status::Running,
        600 * MIB,
        1536 * MIB,
    );
    big.kind = Kind::Upload;
    big.rate = 8 * MIB;
    big.eta_secs = Some(117);
    big.note = Some("reused 200 MiB already on the service; 936 MiB to send".into());
    items.push(big);
    items.push(item(
        2415,
        "models/tokenizer.json",
        Status::Queued,
        0,
        2 * MIB,
    ));
    items.push(item(
        2416,
        "2024/12/31/part-00001.parquet",
        Status::Cancelled,
        0,
        31_744,
    ));
    items.insert(
        7,
        item(
            2417,
            "2024/01/08/part-00000.parquet",
            Status::Failed(
                "the disk is full: cannot write to /data/2024/01/08/part-00000.parquet".into(),
            ),
            0,
            31_744,
        ),
    );
    s.update(snapshot(items, 8 * MIB));
    s.update(Action::Command(Command::Transfers));
    let screen = text(&buffer(&s, 120, 24));
    insta::assert_snapshot!(screen);
    let rows: Vec<&str> = screen.lines().collect();
    let title = rows.iter().position(|l| l.contains(" Transfers ")).unwrap();
    assert!(
        rows[title].contains("1 running · 1 queued · 1 failed · 2,413 done"),
        "{}",
        rows[title]
    );
    // The first row is the running upload.
    assert!(
        rows[title + 1].contains("models/llm-1.5GiB.bin"),
        "{screen}"
    );
    assert!(rows[title + 1].contains("running"));
}

#[test]
fn at_60_columns_the_folder_and_every_state_word_stay_in_sight() {
    let mut s = at_folder(
        "raw/2024/03/",
        &["01/", "02/", "part-00000.parquet"],
        60,
        22,
    );
    let mut running = item(
        1,
        "2024/03/01/a-rather-long-file-name-for-the-pane.parquet",
        Status::Running,
        40 * MIB,
        100 * MIB,
    );
    running.rate = 5 * MIB;
    running.eta_secs = Some(12);
    running.note = Some("reused 40 MiB from the .part file; 60 MiB to fetch".into());
    let mut paused = item(
        2,
        "2024/03/02/part-00000.parquet",
        Status::Paused,
        MIB,
        4 * MIB,
    );
    paused.note = Some("waiting for a new SAS: the SAS expired.".into());
    s.update(snapshot(
        vec![
            running,
            paused,
            item(
                3,
                "2024/03/03/part-00000.parquet",
                Status::Verifying,
                8 * MIB,
                8 * MIB,
            ),
            item(
                4,
                "2024/03/04/part-00000.parquet",
                Status::Failed("permission denied: cannot write to /x".into()),
                0,
                MIB,
            ),
            item(
                5,
                "2024/03/05/part-00000.parquet",
                Status::Cancelled,
                0,
                MIB,
            ),
            item(
                6,
                "2024/03/06/part-00000.parquet",
                Status::Skipped("already there".into()),
                0,
                MIB,
            ),
            item(7, "2024/03/07/part-00000.parquet", Status::Queued, 0, MIB),
            item(8, "2024/03/08/part-00000.parquet", Status::Done, MIB, MIB),
        ],
        5 * MIB,
    ));
    s.update(Action::Command(Command::TransfersFull));
    let screen = text(&buffer(&s, 60, 22));
    insta::assert_snapshot!(screen);
    let header = screen.lines().next().unwrap().trim_end();
    assert!(
        header.ends_with("› … › datasets › raw/ › 2024/ › 03/"),
        "{header}"
    );
    for word in [
        "running",
        "paused",
        "verifying",
        "failed",
        "cancelled",
        "skipped",
        "queued",
        "done",
    ] {
        assert!(
            screen
                .lines()
                .any(|l| l.split_whitespace().any(|w| w == word)),
            "{word} is cut:\n{screen}"
        );
    }
}

/// Every row takes exactly the terminal's width and no cell holds a
/// character a terminal would not print as the cells ratatui counts.
fn assert_rows_are_straight(b: &Buffer) {
    for y in 0..b.area.height {
        let mut x = 0;
        while x < b.area.width {
            let sym = b[(x, y)].symbol();
            let w = format::width(sym);
            assert!(w >= 1, "row {y} col {x}: zero-width cell {sym:?}");
            assert_eq!(
                format::display_name(sym),
                sym,
                "row {y} col {x}: {sym:?} is not escaped"
            );
            x += w as u16;
        }
        assert_eq!(x, b.area.width, "row {y} runs past the edge");
    }
}

#[test]
fn names_terminals_do_not_print_as_one_cell_keep_the_table_straight() {
    let names = [
        "tab\there.csv",
        "ffff-\u{ffff}.bin",
        "fdd0-\u{fdd0}.bin",
        "zero\u{200b}width.txt",
        "esc-\u{1b}[2J.txt",
        "bidi-\u{202e}gpj.exe",
        "nul-\u{0}-bell-\u{7}.x",
        "line\u{2028}sep\nnew",
        "bom-\u{feff}.csv",
        "cafe\u{301}.txt",
        "wide-日本語のファイル名.csv",
        "emoji-😀.png",
    ];
    let mut s = at_folder("we\u{ffff}ird\t/", &names, 80, 20);
    s.update(Action::Command(Command::Details));
    let b = buffer(&s, 80, 20);
    assert_rows_are_straight(&b);
    let screen = text(&b);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("ffff-\\u{ffff}.bin"), "{screen}");
    assert!(screen.contains("tab\\there.csv"));
    assert!(screen.contains("we\\u{ffff}ird\\t/"), "the breadcrumb too");
    // Wide characters are shown, two cells each, and the columns still line up.
    assert!(screen.contains("wide-日本語"));
    // The transfers pane and a narrow terminal, with the same names.
    let items = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            item(
                i as u64 + 1,
                n,
                Status::Failed(format!("cannot write {n}")),
                0,
                1,
            )
        })
        .collect();
    s.update(snapshot(items, 0));
    s.update(Action::Command(Command::Transfers));
    for width in [60, 100, 133] {
        assert_rows_are_straight(&buffer(&s, width, 30));
    }
}

#[test]
fn the_resume_question_names_the_transfers_and_offers_to_discard_them() {
    use crate::transfer::journal::Entry;
    let mut s = at_folder("", &["raw/"], 100, 16);
    let entry = |kind: &str, blob: &str| Entry {
        kind: kind.into(),
        local: format!("/data/{blob}"),
        account: "emulator".into(),
        container: "datasets".into(),
        blob: blob.into(),
        size: 10,
        stamp: "1".into(),
        block_size: 4,
        at: None,
        record_mtime_ms: None,
    };
    s.update(Action::Unfinished(vec![
        entry("upload", "models/llm-1.5GiB.bin"),
        entry("download", "raw/2024/03/01/part-00000.parquet"),
        entry("download", "odd\u{ffff}name.csv"),
        entry("download", "raw/2024/03/02/part-00000.parquet"),
    ]));
    let b = buffer(&s, 100, 16);
    assert_rows_are_straight(&b);
    let screen = text(&b);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("d: discard"), "{screen}");
    assert!(
        !screen.contains("reuse the blocks already sent"),
        "no promise up front"
    );
}
