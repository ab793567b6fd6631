//! The state machine driven action by action, as the event loop would.

use super::action::{Action, Command, DetailsKey};
use super::effect::Effect;
use super::state::{AccountNode, Level, Location, Mode, State};
use crate::azure::uri::AzPath;
use crate::azure::{BlobEntry, ContainerEntry};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub(super) fn state() -> State {
    State::new(vec![AccountNode::new(
        crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap(),
    )])
}

pub(super) fn container(name: &str) -> ContainerEntry {
    ContainerEntry {
        name: name.into(),
        last_modified: None,
        public_access: None,
        lease_state: None,
    }
}

pub(super) fn blob(name: &str) -> BlobEntry {
    BlobEntry {
        name: name.into(),
        is_prefix: name.ends_with('/'),
        size: 10,
        last_modified: None,
        access_tier: None,
        content_type: None,
    }
}

pub(super) fn generation(effects: &[Effect]) -> u64 {
    match effects.first() {
        Some(Effect::ListContainers { generation, .. } | Effect::ListBlobs { generation, .. }) => {
            *generation
        }
        other => panic!("expected a listing effect, got {other:?}"),
    }
}

/// The status line's text ("" when there is none).
pub(crate) fn status(s: &State) -> String {
    s.status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

pub(super) fn names(s: &State) -> Vec<String> {
    s.listing
        .view
        .iter()
        .map(|&i| s.listing.entries[i as usize].name.to_string())
        .collect()
}

pub(super) fn cmd(s: &mut State, c: Command) -> Vec<Effect> {
    s.update(Action::Command(c))
}

pub(crate) fn type_text(s: &mut State, text: &str) {
    for ch in text.chars() {
        key(s, KeyCode::Char(ch));
    }
}

/// Opens container "data" and delivers one page of `blobs`.
pub(crate) fn in_container(blobs: &[&str]) -> State {
    let mut s = state();
    let g = generation(&s.start(None, Some(0)));
    s.update(Action::ContainersPage {
        generation: g,
        result: Ok(vec![container("data")]),
        done: true,
    });
    let fx = cmd(&mut s, Command::Open);
    assert_eq!(
        fx,
        vec![Effect::ListBlobs {
            generation: g + 1,
            account: 0,
            container: "data".into(),
            prefix: String::new()
        }]
    );
    s.update(Action::BlobsPage {
        generation: g + 1,
        result: Ok(blobs.iter().map(|b| blob(b)).collect()),
        done: true,
    });
    s
}

#[test]
fn starts_by_listing_the_emulator_containers() {
    let mut s = state();
    let fx = s.start(None, Some(0));
    assert_eq!(
        fx,
        vec![Effect::ListContainers {
            generation: 1,
            account: 0,
            prefix: None
        }]
    );
    assert!(s.listing.loading);
    assert_eq!(s.breadcrumb(), ["accounts", "devstoreaccount1 (emulator)"]);
}

#[test]
fn pages_stream_in_and_the_count_grows() {
    let mut s = state();
    let g = generation(&s.start(None, Some(0)));
    s.update(Action::ContainersPage {
        generation: g,
        result: Ok(vec![container("a"), container("b")]),
        done: false,
    });
    assert!(s.listing.loading);
    assert_eq!(names(&s), ["a", "b"]);
    s.update(Action::ContainersPage {
        generation: g,
        result: Ok(vec![container("c")]),
        done: true,
    });
    assert!(!s.listing.loading);
    assert_eq!(names(&s), ["a", "b", "c"]);
}

#[test]
fn folders_open_and_stale_pages_are_dropped() {
    let mut s = in_container(&["raw/", "readme.md"]);
    assert_eq!(names(&s), ["raw/", "readme.md"]);
    let old = s.listing.generation;
    let fx = cmd(&mut s, Command::Open);
    let g = generation(&fx);
    assert!(matches!(&fx[0], Effect::ListBlobs { prefix, .. } if prefix == "raw/"));
    // A late page of the folder we left must not show up here.
    s.update(Action::BlobsPage {
        generation: old,
        result: Ok(vec![blob("stale.txt")]),
        done: true,
    });
    assert!(names(&s).is_empty());
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![blob("raw/2024/"), blob("raw/x.csv")]),
        done: true,
    });
    // Names are shown relative to the folder.
    assert_eq!(names(&s), ["2024/", "x.csv"]);
    assert_eq!(s.breadcrumb().last().map(String::as_str), Some("raw/"));
}

#[test]
fn back_goes_up_and_reselects_the_folder_we_left() {
    let mut s = in_container(&["a/", "b/", "c/"]);
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::Down);
    let fx = cmd(&mut s, Command::Open);
    let g = generation(&fx);
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(vec![blob("c/1.txt")]),
        done: true,
    });
    let fx = cmd(&mut s, Command::Back);
    assert!(matches!(&fx[0], Effect::ListBlobs { prefix, .. } if prefix.is_empty()));
    s.update(Action::BlobsPage {
        generation: generation(&fx),
        result: Ok(vec![blob("a/"), blob("b/"), blob("c/")]),
        done: true,
    });
    assert_eq!(
        s.selected_entry().map(|e| e.name.to_string()),
        Some("c/".into())
    );
    // Up from the container root is the container list, then the accounts.
    let fx = cmd(&mut s, Command::Back);
    assert!(matches!(fx[0], Effect::ListContainers { .. }));
    assert!(cmd(&mut s, Command::Back).is_empty());
    assert_eq!(s.location, Location::Accounts);
    assert_eq!(names(&s), ["devstoreaccount1 (emulator)"]);
}

#[test]
fn fuzzy_filter_while_typing_and_cancel_restores() {
    let mut s = in_container(&["train.parquet", "test.parquet", "readme.md"]);
    cmd(&mut s, Command::Filter);
    assert_eq!(s.mode(), Mode::Filter);
    type_text(&mut s, "trn");
    assert_eq!(names(&s), ["train.parquet"]);
    cmd(&mut s, Command::Accept);
    assert_eq!(s.mode(), Mode::Normal);
    assert_eq!(names(&s), ["train.parquet"], "accepted filter stays");
    cmd(&mut s, Command::ClearFilter);
    assert_eq!(names(&s).len(), 3);
    cmd(&mut s, Command::Filter);
    type_text(&mut s, "zzz");
    assert!(names(&s).is_empty());
    cmd(&mut s, Command::Cancel);
    assert_eq!(names(&s).len(), 3);
}

#[test]
fn prefix_search_asks_the_server_and_back_clears_it() {
    let mut s = in_container(&["2024-01/", "2025-01/"]);
    cmd(&mut s, Command::PrefixSearch);
    type_text(&mut s, "2025");
    let fx = cmd(&mut s, Command::Accept);
    assert!(matches!(&fx[0], Effect::ListBlobs { prefix, .. } if prefix == "2025"));
    assert_eq!(s.listing.search.as_deref(), Some("2025"));
    let fx = cmd(&mut s, Command::Back);
    assert!(matches!(&fx[0], Effect::ListBlobs { prefix, .. } if prefix.is_empty()));
    assert!(s.listing.search.is_none());
}

#[test]
fn errors_reach_the_status_line_and_the_account_node() {
    let mut s = state();
    let g = generation(&s.start(None, Some(0)));
    s.update(Action::ContainersPage {
        generation: g,
        result: Err("Nothing is listening at http://127.0.0.1:10000".into()),
        done: true,
    });
    assert!(!s.listing.loading);
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(status.text.contains("Nothing is listening"));
    assert!(
        s.accounts[0]
            .error
            .as_deref()
            .unwrap()
            .contains("Nothing is listening")
    );
    // The app keeps working: refresh tries again.
    assert!(matches!(
        cmd(&mut s, Command::Refresh)[0],
        Effect::ListContainers { .. }
    ));
}

#[test]
fn details_follow_the_selection_and_ignore_stale_answers() {
    let mut s = in_container(&["a.csv", "b.csv"]);
    let fx = cmd(&mut s, Command::Details);
    let first = DetailsKey {
        account: 0,
        container: "data".into(),
        blob: "a.csv".into(),
    };
    assert_eq!(fx, vec![Effect::FetchDetails(first.clone())]);
    let fx = cmd(&mut s, Command::Down);
    assert!(matches!(&fx[0], Effect::FetchDetails(k) if k.blob == "b.csv"));
    s.update(Action::Details {
        key: first,
        result: Ok(Default::default()),
    });
    assert!(
        s.details.as_ref().unwrap().result.is_none(),
        "answer for a.csv must not show for b.csv"
    );
}

#[test]
fn az_uri_opens_folder_or_searches_partial_name() {
    let mut s = state();
    let fx = s.start(
        Some(AzPath {
            container: "data".into(),
            prefix: "raw/2024/".into(),
            account: None,
        }),
        Some(0),
    );
    assert!(matches!(&fx[0], Effect::ListBlobs { prefix, .. } if prefix == "raw/2024/"));
    let mut s = state();
    let fx = s.start(
        Some(AzPath {
            container: "data".into(),
            prefix: "raw/part-0".into(),
            account: None,
        }),
        Some(0),
    );
    assert!(matches!(&fx[0], Effect::ListBlobs { prefix, .. } if prefix == "raw/part-0"));
    assert_eq!(s.listing.search.as_deref(), Some("part-0"));
}

#[test]
fn paging_keeps_the_cursor_on_screen() {
    let names: Vec<String> = (0..100).map(|i| format!("f{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut s = in_container(&refs);
    s.update(Action::Resize {
        width: 80,
        height: 14,
    });
    assert_eq!(s.page_rows, 10);
    cmd(&mut s, Command::PageDown);
    assert_eq!(s.selected, 10);
    assert!(s.offset <= 10 && 10 < s.offset + 10);
    cmd(&mut s, Command::Bottom);
    assert_eq!(s.selected, 99);
    assert_eq!(s.offset, 90);
    cmd(&mut s, Command::Top);
    assert_eq!((s.selected, s.offset), (0, 0));
}

#[test]
fn sort_cycles_and_reverses() {
    let mut s = in_container(&["b", "a", "dir/"]);
    cmd(&mut s, Command::SortReverse);
    assert_eq!(names(&s), ["dir/", "b", "a"]);
    cmd(&mut s, Command::SortNext);
    assert_eq!(s.sort.key, super::view::SortKey::Size);
}

#[test]
fn help_opens_and_closes_without_quitting() {
    let mut s = in_container(&["a"]);
    cmd(&mut s, Command::Help);
    assert_eq!(s.mode(), Mode::Help);
    cmd(&mut s, Command::Help);
    assert_eq!(s.mode(), Mode::Normal);
    assert!(!s.should_quit);
    cmd(&mut s, Command::Quit);
    assert!(s.should_quit);
}

pub(super) fn key(s: &mut State, code: KeyCode) {
    s.update(Action::Input(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn attach_form_validates_and_saves_only_when_valid() {
    let mut s = state();
    s.start(None, Some(0));
    cmd(&mut s, Command::Attach);
    assert_eq!(s.mode(), Mode::Form);
    // Enter while invalid keeps the form open and says why.
    assert!(cmd(&mut s, Command::Accept).is_empty());
    assert_eq!(s.mode(), Mode::Form);
    assert_eq!(s.status.as_ref().unwrap().level, Level::Error);
    s.update(Action::Paste(format!(
        "AccountName=prod;AccountKey={}",
        crate::azure::account::EMULATOR_KEY
    )));
    assert!(s.layers.form().unwrap().validation.is_ok());
    let fx = cmd(&mut s, Command::Accept);
    assert!(
        matches!(&fx[0], Effect::AddAccount { index: 1, persist: true, account } if account.label == "prod")
    );
    assert_eq!(s.mode(), Mode::Normal);
    assert_eq!(s.location, Location::Accounts);
    assert_eq!(names(&s), ["devstoreaccount1 (emulator)", "prod"]);
    assert_eq!(s.selected, 1, "the cursor is on the new account");
    // The saved-notice arrives later.
    s.update(Action::AccountSaved {
        label: "prod".into(),
        result: Err("disk full".into()),
    });
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("this session only")
    );
}

#[test]
fn edit_and_detach_only_attached_accounts() {
    let mut s = state();
    s.start(None, Some(0));
    cmd(&mut s, Command::Back);
    cmd(&mut s, Command::Edit);
    assert_eq!(s.mode(), Mode::Normal, "the emulator is not editable");
    cmd(&mut s, Command::Detach);
    assert_eq!(s.mode(), Mode::Normal);
    cmd(&mut s, Command::Attach);
    s.update(Action::Paste("UseDevelopmentStorage=true".into()));
    cmd(&mut s, Command::Accept);
    // Rename through the edit form.
    cmd(&mut s, Command::Edit);
    assert_eq!(s.mode(), Mode::Form);
    let form = s.layers.form_mut().unwrap();
    form.focus = form.fields().len() - 1; // the label
    for _ in 0..30 {
        key(&mut s, KeyCode::Backspace);
    }
    for ch in "renamed".chars() {
        key(&mut s, KeyCode::Char(ch));
    }
    let fx = cmd(&mut s, Command::Accept);
    assert!(matches!(&fx[0], Effect::AddAccount { index: 1, .. }));
    assert_eq!(names(&s)[1], "renamed");
    // Detach asks first; "n" keeps it, "y" removes it.
    cmd(&mut s, Command::Detach);
    assert_eq!(s.mode(), Mode::Confirm);
    cmd(&mut s, Command::No);
    assert_eq!(names(&s).len(), 2);
    cmd(&mut s, Command::Detach);
    let fx = cmd(&mut s, Command::Yes);
    assert!(matches!(&fx[0], Effect::RemoveAccount { index: 1, .. }));
    assert_eq!(names(&s), ["devstoreaccount1 (emulator)"]);
}

#[test]
fn a_sas_without_list_is_greyed_out_not_sent() {
    let parsed = crate::azure::connection::parse_sas_url(
        "https://acct.blob.core.windows.net/data?sv=2022-11-02&se=2099-01-01&sp=r&sr=c&sig=x",
        0,
    )
    .unwrap();
    let account =
        crate::azure::Account::from_parsed("x", "", crate::azure::Source::Attached, parsed);
    let mut s = State::new(vec![AccountNode::new(account)]);
    let fx = s.start(None, Some(0));
    assert!(fx.is_empty(), "no request that must fail");
    assert!(
        s.listing
            .error
            .as_deref()
            .unwrap()
            .contains("does not allow listing")
    );
}

#[test]
fn marks_then_download_asks_for_a_folder_then_plans() {
    let mut s = in_container(&["a.csv", "b.csv", "dir/"]);
    // Folders sort first: dir/, a.csv, b.csv.
    cmd(&mut s, Command::Mark); // dir/
    cmd(&mut s, Command::Down); // skip a.csv
    cmd(&mut s, Command::Mark); // b.csv
    assert_eq!(s.marks.len(), 2);
    cmd(&mut s, Command::Download);
    assert_eq!(s.mode(), Mode::Path);
    for _ in 0..200 {
        key(&mut s, KeyCode::Backspace);
    }
    for ch in "/tmp/out".chars() {
        key(&mut s, KeyCode::Char(ch));
    }
    let fx = cmd(&mut s, Command::Accept);
    match &fx[0] {
        Effect::PlanDownload { selection, dir } => {
            assert_eq!(dir, &std::path::PathBuf::from("/tmp/out"));
            let names: Vec<_> = selection
                .items
                .iter()
                .map(|(n, folder, _)| (n.as_str(), *folder))
                .collect();
            assert_eq!(names, [("b.csv", false), ("dir/", true)]);
        }
        other => panic!("{other:?}"),
    }
    assert!(s.marks.is_empty(), "marks are used up");
    assert_eq!(s.last_dir, "/tmp/out", "the folder is remembered");
}

#[test]
fn existing_targets_are_asked_about_once_per_batch() {
    use crate::transfer::conflict::Conflict;
    use crate::transfer::{Endpoint, ItemSpec, Kind};
    let mut s = in_container(&["a.csv"]);
    let spec = ItemSpec {
        kind: Kind::Download,
        source: Endpoint::Blob {
            account: 0,
            container: "data".into(),
            name: "a.csv".into(),
            at: None,
        },
        target: Endpoint::Local("/tmp/a.csv".into()),
        size: 1,
    };
    let fx = s.update(Action::TransferPlanned {
        result: Ok((vec![spec.clone(), spec.clone()], 1)),
    });
    assert!(fx.is_empty());
    assert_eq!(s.mode(), Mode::Confirm);
    // An unrelated key keeps the question open.
    assert!(cmd(&mut s, Command::Down).is_empty());
    assert_eq!(s.mode(), Mode::Confirm);
    let fx = cmd(&mut s, Command::KeepBoth);
    assert_eq!(
        fx,
        vec![Effect::Enqueue {
            specs: vec![spec.clone(), spec],
            conflict: Conflict::KeepBoth
        }]
    );
    assert!(s.transfers.visible, "the pane opens for the new batch");
}

#[test]
fn quitting_with_running_transfers_asks_first() {
    use crate::transfer::engine::ItemView;
    use crate::transfer::{Kind, Snapshot, Status};
    let mut s = in_container(&["a.csv"]);
    let running = ItemView {
        id: 1,
        name: "a.csv".into(),
        kind: Kind::Upload,
        source: "a.csv".into(),
        target: "az://data/a.csv".into(),
        status: Status::Running,
        done: 1,
        total: 2,
        rate: 1,
        eta_secs: Some(1),
        checksum: None,
        note: None,
    };
    s.update(Action::Transfers(Snapshot {
        items: vec![running],
        ..Default::default()
    }));
    cmd(&mut s, Command::Quit);
    assert!(!s.should_quit);
    assert_eq!(s.mode(), Mode::Confirm);
    cmd(&mut s, Command::No);
    assert!(!s.should_quit);
    cmd(&mut s, Command::Quit);
    cmd(&mut s, Command::Yes);
    assert!(s.should_quit);
}

#[test]
fn the_transfers_pane_drives_the_engine() {
    use super::effect::TransferOp;
    use crate::transfer::engine::ItemView;
    use crate::transfer::{Kind, Snapshot, Status};
    let item = |id, status| ItemView {
        id,
        name: format!("f{id}"),
        kind: Kind::Download,
        source: String::new(),
        target: String::new(),
        status,
        done: 0,
        total: 10,
        rate: 0,
        eta_secs: None,
        checksum: None,
        note: None,
    };
    let mut s = in_container(&["a.csv"]);
    s.update(Action::Transfers(Snapshot {
        items: vec![
            item(1, Status::Running),
            item(2, Status::Queued),
            item(3, Status::Paused),
        ],
        ..Default::default()
    }));
    cmd(&mut s, Command::Transfers);
    assert_eq!(s.mode(), Mode::Transfers);
    assert_eq!(
        cmd(&mut s, Command::PauseResume),
        vec![Effect::TransferOp {
            id: Some(1),
            op: TransferOp::Pause
        }]
    );
    cmd(&mut s, Command::Down);
    assert_eq!(
        cmd(&mut s, Command::MoveUp),
        vec![Effect::TransferOp {
            id: Some(2),
            op: TransferOp::Up
        }]
    );
    cmd(&mut s, Command::Bottom);
    assert_eq!(
        cmd(&mut s, Command::PauseResume),
        vec![Effect::TransferOp {
            id: Some(3),
            op: TransferOp::Resume
        }]
    );
    assert_eq!(
        cmd(&mut s, Command::CancelTransfer),
        vec![Effect::TransferOp {
            id: Some(3),
            op: TransferOp::Cancel
        }]
    );
    cmd(&mut s, Command::Cancel);
    assert_eq!(
        s.mode(),
        Mode::Normal,
        "Esc gives the keys back to the list"
    );
    assert!(s.transfers.visible);
}

#[test]
fn readonly_refuses_changes_and_says_why() {
    let mut s = in_container(&["a.csv"]);
    s.readonly = true;
    assert!(cmd(&mut s, Command::Upload).is_empty());
    assert_eq!(s.mode(), Mode::Normal, "no upload prompt");
    let status = s.status.clone().unwrap();
    assert_eq!(status.level, Level::Error);
    assert!(status.text.contains("Read-only"), "{}", status.text);
    // Reading is still fine.
    cmd(&mut s, Command::Download);
    assert_eq!(s.mode(), Mode::Path);
}

#[test]
fn new_container_is_validated_before_anything_is_sent() {
    use super::ops::OpRequest;
    let mut s = state();
    let g = generation(&s.start(None, Some(0)));
    s.update(Action::ContainersPage {
        generation: g,
        result: Ok(vec![container("data")]),
        done: true,
    });
    cmd(&mut s, Command::NewContainer);
    assert_eq!(s.mode(), Mode::Ask);
    type_text(&mut s, "Bad_Name");
    assert!(
        cmd(&mut s, Command::Accept).is_empty(),
        "nothing sent while invalid"
    );
    assert!(s.status.as_ref().unwrap().text.contains("only a-z"));
    for _ in 0..8 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "good-name");
    let fx = cmd(&mut s, Command::Accept);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::CreateContainer {
                name: "good-name".into()
            }
        }]
    );
}

#[test]
fn delete_asks_with_a_count_then_deletes_the_plan() {
    use super::ops::{OpOutcome, OpRequest};
    use crate::azure::ops::{DeletePlan, Target};
    let mut s = in_container(&["a.csv", "dir/"]);
    cmd(&mut s, Command::Mark); // dir/
    let fx = cmd(&mut s, Command::Delete);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::PlanDelete {
                container: "data".into(),
                targets: vec![Target::Folder("dir/".into())]
            }
        }]
    );
    let plan = DeletePlan {
        container: "data".into(),
        blobs: vec![("dir/x".into(), 10), ("dir/y".into(), 20)],
        total_bytes: 30,
        folders: Vec::new(),
    };
    s.update(Action::OpDone {
        account: 0,
        result: Ok(OpOutcome::DeletePlan(plan.clone())),
    });
    assert_eq!(s.mode(), Mode::Confirm);
    assert!(cmd(&mut s, Command::No).is_empty(), "no deletes nothing");
    s.update(Action::OpDone {
        account: 0,
        result: Ok(OpOutcome::DeletePlan(plan.clone())),
    });
    let fx = cmd(&mut s, Command::Yes);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::Delete { plan }
        }]
    );
}

#[test]
fn preview_opens_for_a_blob_and_closes_again() {
    use super::ops::OpRequest;
    let mut s = in_container(&["a.csv"]);
    let fx = cmd(&mut s, Command::Preview);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::Preview {
                container: "data".into(),
                blob: "a.csv".into()
            }
        }]
    );
    assert!(s.preview.is_some());
    assert!(cmd(&mut s, Command::Preview).is_empty());
    assert!(s.preview.is_none());
}

#[test]
fn find_searches_below_the_folder_and_streams_matches() {
    let mut s = in_container(&["raw/"]);
    cmd(&mut s, Command::Find);
    assert_eq!(s.mode(), Mode::Ask);
    type_text(&mut s, "**/*.csv");
    let fx = cmd(&mut s, Command::Accept);
    let generation = match &fx[..] {
        [
            Effect::Find {
                generation,
                prefix,
                text,
                ..
            },
        ] => {
            assert_eq!((prefix.as_str(), text.as_str()), ("", "**/*.csv"));
            *generation
        }
        other => panic!("{other:?}"),
    };
    s.update(Action::FindPage {
        generation,
        result: Ok((vec![blob("raw/2024/a.csv")], 5000)),
        done: false,
    });
    s.update(Action::FindPage {
        generation,
        result: Ok((vec![blob("raw/2025/b.csv")], 1200)),
        done: true,
    });
    assert_eq!(names(&s), ["raw/2024/a.csv", "raw/2025/b.csv"]);
    assert_eq!(s.listing.find.as_ref().unwrap().scanned, 6200);
    // Esc ends the search and lists the folder again.
    let fx = cmd(&mut s, Command::ClearFilter);
    assert!(matches!(&fx[0], Effect::ListBlobs { .. }));
    assert!(s.listing.find.is_none());
}

#[test]
fn metadata_edit_starts_from_what_the_blob_has() {
    use super::ops::OpRequest;
    use crate::azure::client::BlobDetails;
    let mut s = in_container(&["m.onnx"]);
    // Without its properties loaded, the edit waits for them (saving replaces all metadata).
    let fx = cmd(&mut s, Command::EditMetadata);
    assert!(matches!(&fx[..], [Effect::FetchDetails(_)]));
    assert_eq!(s.mode(), Mode::Normal);
    let key = s.details.as_ref().unwrap().key.clone();
    s.update(Action::Details {
        key,
        result: Ok(BlobDetails {
            properties: vec![],
            metadata: vec![("owner".into(), "ml".into())],
            tags: None,
        }),
    });
    cmd(&mut s, Command::EditMetadata);
    assert_eq!(s.mode(), Mode::Ask);
    assert_eq!(s.input.value(), "owner=ml");
    type_text(&mut s, "; stage=prod");
    let fx = cmd(&mut s, Command::Accept);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::SetMetadata {
                container: "data".into(),
                blob: "m.onnx".into(),
                pairs: vec![
                    ("owner".into(), "ml".into()),
                    ("stage".into(), "prod".into())
                ]
            }
        }]
    );
}

#[test]
fn quit_goes_ahead_once_the_running_transfers_finish() {
    use crate::transfer::engine::ItemView;
    use crate::transfer::{Kind, Snapshot, Status};
    let item = |status| ItemView {
        id: 1,
        name: "a.csv".into(),
        kind: Kind::Download,
        source: "az://data/a.csv".into(),
        target: "/tmp/a.csv".into(),
        status,
        done: 1,
        total: 1,
        rate: 0,
        eta_secs: None,
        checksum: None,
        note: None,
    };
    let mut s = in_container(&["a.csv"]);
    s.update(Action::Transfers(Snapshot {
        items: vec![item(Status::Running)],
        ..Default::default()
    }));
    cmd(&mut s, Command::Quit);
    assert_eq!(s.mode(), Mode::Confirm, "asks while one runs");
    assert!(!s.should_quit);
    s.update(Action::Transfers(Snapshot {
        items: vec![item(Status::Done)],
        ..Default::default()
    }));
    assert!(s.should_quit, "nothing left to lose: quit as asked");
}
