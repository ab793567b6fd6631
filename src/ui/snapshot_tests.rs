//! The main views rendered on a `TestBackend` and compared with snapshots.

use super::{Ui, draw};
use crate::app::action::{Action, Command, DetailsKey};
use crate::app::state::{AccountNode, DetailsState, State};
use crate::azure::client::BlobDetails;
use crate::azure::{BlobEntry, ContainerEntry};
use crate::config::{Keymap, Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::{Terminal, backend::TestBackend};

const T: i64 = 1_795_418_465; // 2026-11-23 07:21 UTC

pub(crate) fn render(state: &State, width: u16, height: u16) -> String {
    render_with(width, height, |frame, ui| draw(frame, state, ui))
}

/// Draws with the default keymap and theme on a `TestBackend` and returns
/// the screen as text, one line per row.
pub(crate) fn render_with(
    width: u16,
    height: u16,
    paint: impl FnOnce(&mut ratatui::Frame, &Ui),
) -> String {
    let keymap = Keymap::default();
    let theme = Theme::default();
    let ui = Ui {
        keymap: &keymap,
        theme: &theme,
    };
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| paint(f, &ui)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn base() -> State {
    let mut s = State::new(vec![AccountNode::new(
        crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap(),
    )]);
    s.start(None, Some(0));
    s.update(Action::Resize {
        width: 100,
        height: 16,
    });
    s
}

fn containers() -> State {
    let mut s = base();
    let g = s.listing.generation;
    let c = |name: &str, public: Option<&str>| ContainerEntry {
        name: name.into(),
        last_modified: Some(T),
        public_access: public.map(str::to_string),
        lease_state: None,
    };
    s.update(Action::ContainersPage {
        generation: g,
        result: Ok(vec![
            c("datasets", None),
            c("images", Some("blob")),
            c("logs", None),
        ]),
        done: true,
    });
    s
}

fn folder() -> State {
    let mut s = containers();
    s.update(Action::Command(Command::Open));
    let g = s.listing.generation;
    let b = |name: &str, size: u64, ct: Option<&str>| BlobEntry {
        name: name.into(),
        is_prefix: name.ends_with('/'),
        size,
        last_modified: (!name.ends_with('/')).then_some(T),
        access_tier: (!name.ends_with('/')).then(|| "Hot".to_string()),
        content_type: ct.map(str::to_string),
    };
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![
            b("curated/", 0, None),
            b("raw/", 0, None),
            b("README.md", 1200, Some("text/markdown")),
            b(
                "train.parquet",
                48_000_000,
                Some("application/vnd.apache.parquet"),
            ),
            b(
                "test.parquet",
                12_000_000,
                Some("application/vnd.apache.parquet"),
            ),
        ]),
        done: false,
    });
    s
}

#[test]
fn container_list() {
    insta::assert_snapshot!(render(&containers(), 100, 10));
}

#[test]
fn folder_while_loading() {
    insta::assert_snapshot!(render(&folder(), 100, 12));
}

#[test]
fn fuzzy_filter_prompt() {
    let mut s = folder();
    s.update(Action::Command(Command::Filter));
    for ch in "parq".chars() {
        s.update(Action::Input(KeyEvent::new(
            KeyCode::Char(ch),
            KeyModifiers::NONE,
        )));
    }
    insta::assert_snapshot!(render(&s, 100, 10));
}

#[test]
fn details_pane() {
    let mut s = folder();
    s.update(Action::Command(Command::Bottom));
    s.update(Action::Command(Command::Details));
    s.details = Some(DetailsState {
        key: DetailsKey {
            account: 0,
            container: "datasets".into(),
            blob: "train.parquet".into(),
        },
        result: Some(Ok(BlobDetails {
            properties: vec![
                ("content-length".into(), "48000000".into()),
                ("x-ms-blob-type".into(), "BlockBlob".into()),
            ],
            metadata: vec![("owner".into(), "data-eng".into())],
            tags: None,
        })),
    });
    insta::assert_snapshot!(render(&s, 100, 12));
}

#[test]
fn details_pane_shows_index_tags() {
    let mut s = folder();
    s.update(Action::Command(Command::Bottom));
    s.update(Action::Command(Command::Details));
    s.details = Some(DetailsState {
        key: DetailsKey {
            account: 0,
            container: "datasets".into(),
            blob: "train.parquet".into(),
        },
        result: Some(Ok(BlobDetails {
            properties: vec![
                ("content-length".into(), "48000000".into()),
                ("x-ms-blob-type".into(), "BlockBlob".into()),
            ],
            metadata: vec![("owner".into(), "data-eng".into())],
            tags: Some(vec![("project".into(), "churn".into())]),
        })),
    });
    let screen = render(&s, 100, 14);
    assert!(screen.contains("Index tags"), "{screen}");
    assert!(screen.contains("project = churn"), "{screen}");
}

#[test]
fn emulator_not_running() {
    let mut s = base();
    let g = s.listing.generation;
    s.update(Action::ContainersPage {
        generation: g,
        result: Err("Nothing is listening at http://127.0.0.1:10000: start the emulator with `cargo run --release --example demo`.".into()),
        done: true,
    });
    insta::assert_snapshot!(render(&s, 80, 8));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut s = containers();
    s.update(Action::Command(Command::Help));
    insta::assert_snapshot!(render(&s, 80, 36));
    // Where the terminal has the room, no sentence is cut.
    let wide = render(&s, 140, 36);
    assert!(
        wide.contains("Copy the marked blobs (paste them elsewhere, server-side)"),
        "{wide}"
    );
}

#[test]
fn tiny_terminal_does_not_panic() {
    let s = folder();
    let out = render(&s, 20, 5);
    assert_eq!(out.lines().count(), 5);
    render(&s, 1, 1);
    render(&s, 0, 0);
}

#[test]
fn accounts_tree_with_a_broken_account() {
    use crate::azure::{Account, Source};
    let mut nodes = vec![AccountNode::new(
        Account::emulator("http://127.0.0.1:10000").unwrap(),
    )];
    let parsed = crate::azure::connection::parse_sas_url(
        "https://shared.blob.core.windows.net/data?sv=2022-11-02&se=2099-01-01T00:00:00Z&sp=rl&sr=c&sig=x",
        0,
    )
    .unwrap();
    nodes.push(AccountNode::new(Account::from_parsed(
        "s",
        "shared/data",
        Source::Attached,
        parsed,
    )));
    nodes.push(AccountNode::broken(
        Account::placeholder("env", "environment variables", Source::Environment, None),
        "AZURE_STORAGE_ACCOUNT=x is set but neither AZURE_STORAGE_KEY nor AZURE_STORAGE_SAS_TOKEN is".into(),
    ));
    let mut s = State::new(nodes);
    s.start(None, None);
    insta::assert_snapshot!(render(&s, 130, 8));
}

#[test]
fn a_data_lake_account_says_so_on_its_node() {
    let mut s = State::new(vec![AccountNode::new(
        crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap(),
    )]);
    s.start(None, None);
    assert!(!render(&s, 100, 5).contains("data lake"));
    s.update(Action::AccountKind {
        account: 0,
        hierarchical: true,
    });
    assert_eq!(s.accounts[0].hierarchical, Some(true));
    insta::assert_snapshot!(render(&s, 100, 5));
}

#[test]
fn attach_form_masks_the_key() {
    let mut s = containers();
    s.update(Action::Command(Command::Attach));
    s.update(Action::Paste(format!(
        "AccountName=prod;AccountKey={}",
        crate::azure::account::EMULATOR_KEY
    )));
    let out = render(&s, 100, 20);
    assert!(!out.contains(crate::azure::account::EMULATOR_KEY));
    insta::assert_snapshot!(out);
}

#[test]
fn transfers_pane_with_progress() {
    use crate::transfer::engine::ItemView;
    use crate::transfer::{Kind, Snapshot, Status};
    let mut s = folder();
    let item = |id, name: &str, kind, status, done, total, rate, eta| ItemView {
        id,
        name: name.into(),
        kind,
        source: String::new(),
        target: String::new(),
        status,
        done,
        total,
        rate,
        eta_secs: eta,
        checksum: None,
        note: None,
    };
    s.update(Action::Transfers(Snapshot {
        items: vec![
            item(
                1,
                "train.parquet",
                Kind::Download,
                Status::Running,
                24 << 20,
                48 << 20,
                12 << 20,
                Some(2),
            ),
            item(
                2,
                "test.parquet",
                Kind::Download,
                Status::Queued,
                0,
                12 << 20,
                0,
                None,
            ),
            item(
                3,
                "notes.md",
                Kind::Upload,
                Status::Done,
                1200,
                1200,
                0,
                None,
            ),
            item(
                4,
                "big.bin",
                Kind::Copy,
                Status::Failed("Access denied (403).".into()),
                0,
                1 << 30,
                0,
                None,
            ),
        ],
        rate: 12 << 20,
        history: vec![0, 1 << 20, 6 << 20, 12 << 20, 12 << 20],
        done_bytes: (24 << 20) + 1200,
        total_bytes: (60 << 20) + 1200 + (1 << 30),
        ..Default::default()
    }));
    s.update(Action::Command(Command::Transfers));
    insta::assert_snapshot!(render(&s, 120, 24));
}

#[test]
fn readonly_help_hides_what_would_change_things() {
    let keymap = Keymap::default();
    let theme = Theme::default();
    let ui = Ui {
        keymap: &keymap,
        theme: &theme,
    };
    let text = |readonly| {
        super::help::lines(&ui, readonly, "normal")
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(text(false).contains("Upload a local file"));
    assert!(!text(true).contains("Upload a local file"));
    assert!(text(true).contains("Download the marked"));
}

#[test]
fn bookmarks_list_and_readonly_account_header() {
    use crate::config::bookmarks::Bookmark;
    let mut s = folder();
    s.bookmarks.items = vec![
        Bookmark {
            account: "emulator".into(),
            container: "datasets".into(),
            prefix: "raw/2024/".into(),
        },
        Bookmark {
            account: "prod-eu".into(),
            container: String::new(),
            prefix: String::new(),
        },
    ];
    s.accounts[0].account.readonly = true;
    s.update(Action::Command(Command::Bookmarks));
    insta::assert_snapshot!(render(&s, 100, 16));
}
