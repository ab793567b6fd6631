//! The sync review, action by action, and how it looks.

use super::*;
use crate::app::update_tests::{cmd, in_container, type_text};
use crate::transfer::sync::Entry;
use crate::transfer::view::{ItemView, Snapshot};
use crate::transfer::{ItemSpec, Kind};

fn entry(rel: &str, class: Class, bytes: u64, why: &'static str) -> Entry {
    Entry {
        rel: rel.into(),
        class,
        bytes,
        why,
        src_time_ms: 1_700_000_000_123,
    }
}

/// `Y`, a local folder typed, the review open: its plan effect.
fn open(s: &mut State, local: &str) -> (u64, Root, Root) {
    assert!(cmd(s, Command::Sync).is_empty());
    assert_eq!(s.mode(), Mode::Path);
    s.input = tui_input::Input::default();
    type_text(s, local);
    let fx = cmd(s, Command::Accept);
    assert_eq!(s.mode(), Mode::Sync);
    match &fx[..] {
        [
            Effect::Sync(SyncEffect::Plan {
                generation,
                src,
                dst,
            }),
        ] => (*generation, src.clone(), dst.clone()),
        other => panic!("{other:?}"),
    }
}

fn plan(src: Root, dst: Root) -> Plan {
    Plan {
        src,
        dst,
        entries: vec![
            entry("photos/a.jpg", Class::New, 3 << 20, ""),
            entry("notes.txt", Class::Changed, 1200, "size differs"),
            entry("same.txt", Class::Same, 10, ""),
            entry("b.csv", Class::New, 512, ""),
            entry("old/stale.log", Class::OnlyInDst, 4096, ""),
        ],
        skipped: Vec::new(),
    }
}

fn planned(s: &mut State, generation: u64, src: Root, dst: Root) {
    let p = plan(src, dst);
    s.update(Action::Sync(SyncEvent::Planned {
        generation,
        result: Ok(p),
    }));
}

fn local_dir() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().display().to_string();
    (dir, path)
}

fn item(id: u64, target: &str, status: Status) -> ItemView {
    ItemView {
        id,
        name: target.into(),
        kind: Kind::Upload,
        source: String::new(),
        target: target.into(),
        status,
        done: 0,
        total: 1,
        rate: 0,
        eta_secs: None,
        checksum: None,
        note: None,
    }
}

fn snapshot(items: Vec<ItemView>) -> Action {
    Action::Transfers(Snapshot {
        items,
        ..Snapshot::default()
    })
}

#[test]
fn y_asks_for_a_folder_then_plans_an_upload_of_it_into_this_folder() {
    let mut s = in_container(&["a.csv"]);
    let (_dir, local) = local_dir();
    let (_, src, dst) = open(&mut s, &local);
    assert_eq!(src, Root::Local(local.clone().into()));
    assert_eq!(
        dst,
        Root::Blob {
            account: 0,
            container: "data".into(),
            prefix: String::new()
        }
    );
    // d turns it round: a new plan, downloading into the folder.
    let fx = cmd(&mut s, Command::SyncDirection);
    match &fx[..] {
        [Effect::Sync(SyncEffect::Plan { src, dst, .. })] => {
            assert!(matches!(src, Root::Blob { .. }));
            assert_eq!(*dst, Root::Local(local.into()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_stale_plan_is_dropped_and_the_rows_are_grouped_by_kind() {
    let mut s = in_container(&["a.csv"]);
    let (_dir, local) = local_dir();
    let (g, src, dst) = open(&mut s, &local);
    let fx = cmd(&mut s, Command::Refresh);
    assert_eq!(fx.len(), 1);
    planned(&mut s, g, src.clone(), dst.clone());
    assert!(
        s.layers.sync().unwrap().plan.is_none(),
        "old answer dropped"
    );
    planned(&mut s, g + 1, src, dst);
    let review = s.layers.sync().unwrap();
    let plan = review.plan.as_ref().unwrap();
    let rows: Vec<&str> = review
        .rows
        .iter()
        .map(|&i| plan.entries[i].rel.as_str())
        .collect();
    assert_eq!(
        rows,
        ["b.csv", "photos/a.jpg", "notes.txt", "old/stale.log"],
        "new, changed, only on the target; same left out"
    );
    cmd(&mut s, Command::Bottom);
    assert_eq!(s.layers.sync().unwrap().selected, 3);
}

#[test]
fn enter_queues_new_and_changed_with_overwrite_and_records_mtimes_after() {
    let mut s = in_container(&["a.csv"]);
    let (_dir, local) = local_dir();
    let (g, src, dst) = open(&mut s, &local);
    planned(&mut s, g, src, dst);
    s.update(snapshot(vec![item(4, "az://data/earlier", Status::Done)]));
    let fx = cmd(&mut s, Command::Accept);
    assert_eq!(s.mode(), Mode::Normal, "the review closes");
    // The engine is told first which mtime each upload records once
    // written (kept in its journal entry, so a resumed upload records it).
    let specs: Vec<ItemSpec> = match &fx[..] {
        [
            Effect::Sync(SyncEffect::RecordMtimes(records)),
            Effect::Enqueue { specs, conflict },
        ] => {
            assert_eq!(*conflict, Conflict::Overwrite);
            let mut names: Vec<String> = records.iter().map(|(t, _)| t.display()).collect();
            names.sort();
            assert_eq!(
                names,
                [
                    "az://data/b.csv",
                    "az://data/notes.txt",
                    "az://data/photos/a.jpg"
                ]
            );
            assert!(records.iter().all(|(_, ms)| *ms == 1_700_000_000_123));
            specs.clone()
        }
        other => panic!("{other:?}"),
    };
    let targets: Vec<String> = specs.iter().map(|s| s.target.display()).collect();
    assert_eq!(
        targets,
        [
            "az://data/photos/a.jpg",
            "az://data/notes.txt",
            "az://data/b.csv"
        ]
    );
    // Two done, one running: nothing yet.
    let running = vec![
        item(4, "az://data/earlier", Status::Done),
        item(5, "az://data/photos/a.jpg", Status::Done),
        item(6, "az://data/notes.txt", Status::Done),
        item(7, "az://data/b.csv", Status::Running),
    ];
    assert!(s.update(snapshot(running)).is_empty());
    let done = vec![
        item(5, "az://data/photos/a.jpg", Status::Done),
        item(6, "az://data/notes.txt", Status::Done),
        item(7, "az://data/b.csv", Status::Done),
    ];
    let fx = s.update(snapshot(done));
    let recorded = fx
        .iter()
        .find_map(|e| match e {
            Effect::Sync(SyncEffect::Finish { recorded, deletes }) => {
                assert!(deletes.is_empty(), "no mirror: nothing deleted");
                Some(*recorded)
            }
            _ => None,
        })
        .expect("the finish");
    assert_eq!(recorded, 3, "done uploads had their mtime recorded");
    assert!(s.sync_job.is_none());
}

#[test]
fn mirror_asks_with_count_and_size_and_a_failure_keeps_the_extras() {
    let mut s = in_container(&["a.csv"]);
    let (_dir, local) = local_dir();
    let (g, src, dst) = open(&mut s, &local);
    planned(&mut s, g, src, dst);
    cmd(&mut s, Command::SyncMirror);
    assert!(cmd(&mut s, Command::Accept).is_empty(), "asks first");
    assert!(s.layers.sync().unwrap().asking);
    let screen = crate::ui::snapshot_tests::render(&s, 110, 20);
    assert!(
        screen.contains("Delete 1 file only in az://data/ (4 KiB) after the transfers?"),
        "{screen}"
    );
    cmd(&mut s, Command::No);
    assert!(!s.layers.sync().unwrap().asking, "n goes back");
    cmd(&mut s, Command::Accept);
    let fx = cmd(&mut s, Command::Yes);
    assert!(
        matches!(
            &fx[..],
            [
                Effect::Sync(SyncEffect::RecordMtimes(_)),
                Effect::Enqueue { .. }
            ]
        ),
        "{fx:?}"
    );
    let fx = s.update(snapshot(vec![
        item(1, "az://data/photos/a.jpg", Status::Done),
        item(2, "az://data/notes.txt", Status::Failed("boom".into())),
        item(3, "az://data/b.csv", Status::Done),
    ]));
    match &fx[..] {
        [Effect::Sync(SyncEffect::Finish { recorded, deletes }), ..] => {
            assert_eq!(*recorded, 2, "the two that arrived");
            assert!(deletes.is_empty(), "nothing deleted after a failure");
        }
        other => panic!("{other:?}"),
    }
    let status = s.status.as_ref().unwrap().text.clone();
    assert!(
        status.contains(
            "1 of 3 transfers did not finish, so the 1 files only on the target side were kept"
        ),
        "{status}"
    );
}

#[test]
fn only_deletes_left_go_straight_to_the_finish_and_nothing_to_do_says_so() {
    let mut s = in_container(&["a.csv"]);
    let (_dir, local) = local_dir();
    let (g, src, dst) = open(&mut s, &local);
    let mut p = plan(src.clone(), dst.clone());
    p.entries.retain(|e| e.class == Class::Same);
    s.update(Action::Sync(SyncEvent::Planned {
        generation: g,
        result: Ok(p.clone()),
    }));
    assert!(cmd(&mut s, Command::Accept).is_empty());
    assert!(
        s.status.as_ref().unwrap().text.contains("Nothing to do"),
        "{:?}",
        s.status
    );
    let (g, ..) = open(&mut s, &local);
    p.entries.push(entry("x", Class::OnlyInDst, 5, ""));
    s.update(Action::Sync(SyncEvent::Planned {
        generation: g,
        result: Ok(p),
    }));
    cmd(&mut s, Command::SyncMirror);
    cmd(&mut s, Command::Accept);
    let fx = cmd(&mut s, Command::Yes);
    match &fx[..] {
        [Effect::Sync(SyncEffect::Finish { recorded, deletes })] => {
            assert_eq!(*recorded, 0);
            assert_eq!(deletes, &[(Endpoint::blob(0, "data", "x"), 5)]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn closing_while_comparing_stops_the_listings() {
    let mut s = in_container(&["a.csv"]);
    let (_dir, local) = local_dir();
    open(&mut s, &local);
    let fx = cmd(&mut s, Command::Cancel);
    assert_eq!(fx, vec![Effect::Sync(SyncEffect::Stop)]);
    assert_eq!(s.mode(), Mode::Normal);
}

#[test]
fn the_review_snapshot() {
    let mut s = in_container(&["a.csv"]);
    s.update(Action::Resize {
        width: 110,
        height: 22,
    });
    let (g, src, dst) = open(&mut s, "/tmp");
    planned(&mut s, g, src, dst);
    insta::assert_snapshot!(crate::ui::snapshot_tests::render(&s, 110, 22));
}

#[test]
fn a_long_plan_scrolls_with_the_cursor() {
    let mut s = in_container(&["a.csv"]);
    s.update(Action::Resize {
        width: 100,
        height: 20,
    });
    let (g, src, dst) = open(&mut s, "/tmp");
    let mut p = plan(src, dst);
    p.entries = (0..5000)
        .map(|i| entry(&format!("f{i:05}.bin"), Class::New, 1, ""))
        .collect();
    s.update(Action::Sync(SyncEvent::Planned {
        generation: g,
        result: Ok(p),
    }));
    cmd(&mut s, Command::Bottom);
    let screen = crate::ui::snapshot_tests::render(&s, 100, 20);
    assert!(screen.contains("f04999.bin"), "{screen}");
    assert!(!screen.contains("f00000.bin"), "{screen}");
    cmd(&mut s, Command::Top);
    let screen = crate::ui::snapshot_tests::render(&s, 100, 20);
    assert!(screen.contains("f00000.bin"), "{screen}");
}

/// `Y`, a location typed: the plan effect (no local folder involved).
fn open_location(s: &mut State, typed: &str) -> Vec<Effect> {
    assert!(cmd(s, Command::Sync).is_empty());
    s.input = tui_input::Input::default();
    type_text(s, typed);
    cmd(s, Command::Accept)
}

#[test]
fn a_location_typed_after_the_prefilled_folder_is_the_location() {
    let mut s = in_container(&["a.csv"]);
    assert!(cmd(&mut s, Command::Sync).is_empty());
    assert!(
        !s.input.value().is_empty(),
        "the prompt starts with a folder"
    );
    // Typed (or pasted) without clearing the prompt first.
    type_text(&mut s, "az://other/in");
    let fx = cmd(&mut s, Command::Accept);
    match &fx[..] {
        [Effect::Sync(SyncEffect::Plan { src, .. })] => assert_eq!(
            *src,
            Root::Blob {
                account: 0,
                container: "other".into(),
                prefix: "in/".into()
            }
        ),
        other => panic!("{other:?}"),
    }
}

/// A second account, "fresh", attached by a SAS that may read and list.
fn with_second_account(s: &mut State) {
    let url = "https://fresh.blob.core.windows.net/?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig=c2VjcmV0";
    let now = crate::azure::connection::now_unix();
    let parsed = crate::azure::connection::parse_sas_url(url, now).unwrap();
    let account = crate::azure::Account::from_parsed(
        "fresh",
        "fresh",
        crate::azure::Source::Attached,
        parsed,
    );
    s.accounts
        .push(crate::app::state::AccountNode::new(account));
}

#[test]
fn a_container_location_plans_a_server_side_copy_into_this_folder_and_d_turns_it() {
    let mut s = in_container(&["a.csv"]);
    let fx = open_location(&mut s, "az://other/in");
    assert_eq!(s.mode(), Mode::Sync);
    let (g, src, dst) = match &fx[..] {
        [
            Effect::Sync(SyncEffect::Plan {
                generation,
                src,
                dst,
            }),
        ] => (*generation, src.clone(), dst.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        src,
        Root::Blob {
            account: 0,
            container: "other".into(),
            prefix: "in/".into()
        },
        "az://c/p is in the account being browsed, a folder"
    );
    assert_eq!(
        dst,
        Root::Blob {
            account: 0,
            container: "data".into(),
            prefix: String::new()
        }
    );
    let review = s.layers.sync().unwrap();
    assert_eq!(review.direction(), "server-side copy");
    assert_eq!(review.shown_roots(), ("az://other/in/", "az://data/"));
    assert_eq!(
        s.last_dir, "",
        "a location is not a local folder to remember"
    );

    // Enter: copies (not uploads) into this folder, overwriting the changed
    // ones; nothing to record afterwards (no local mtimes).
    planned(&mut s, g, src, dst);
    cmd(&mut s, Command::SyncMirror);
    cmd(&mut s, Command::Accept);
    let fx = cmd(&mut s, Command::Yes);
    let specs = match &fx[..] {
        [Effect::Enqueue { specs, conflict }] => {
            assert_eq!(*conflict, Conflict::Overwrite);
            specs.clone()
        }
        other => panic!("{other:?}"),
    };
    assert!(specs.iter().all(|s| s.kind == Kind::Copy), "{specs:?}");
    let pairs: Vec<(String, String)> = specs
        .iter()
        .map(|s| (s.source.display(), s.target.display()))
        .collect();
    assert_eq!(
        pairs[0],
        (
            "az://other/in/photos/a.jpg".to_string(),
            "az://data/photos/a.jpg".to_string()
        )
    );
    let job = s.sync_job.as_ref().unwrap();
    assert!(job.records.is_empty(), "copies record no mtimes");
    assert_eq!(
        job.deletes,
        vec![(Endpoint::blob(0, "data", "old/stale.log"), 4096)]
    );
    // All three copied: the extra goes, and only then.
    let fx = s.update(snapshot(vec![
        item(1, "az://data/photos/a.jpg", Status::Done),
        item(2, "az://data/notes.txt", Status::Done),
        item(3, "az://data/b.csv", Status::Done),
    ]));
    assert!(
        matches!(&fx[..], [Effect::Sync(SyncEffect::Finish { recorded: 0, deletes }), ..] if deletes.len() == 1),
        "{fx:?}"
    );

    // d: this folder is the source now.
    open_location(&mut s, "az://other/in/");
    let fx = cmd(&mut s, Command::SyncDirection);
    match &fx[..] {
        [Effect::Sync(SyncEffect::Plan { src, dst, .. })] => {
            assert_eq!(src.show(), "az://data/");
            assert_eq!(dst.show(), "az://other/in/");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn another_account_is_named_and_overlaps_and_unknown_accounts_are_refused() {
    let mut s = in_container(&["a.csv"]);
    with_second_account(&mut s);
    let fx = open_location(&mut s, "az://raw@fresh/day1/");
    match &fx[..] {
        [Effect::Sync(SyncEffect::Plan { src, .. })] => assert_eq!(
            *src,
            Root::Blob {
                account: 1,
                container: "raw".into(),
                prefix: "day1/".into()
            }
        ),
        other => panic!("{other:?}"),
    }
    let review = s.layers.sync().unwrap();
    assert_eq!(
        review.shown_roots(),
        ("az://raw@fresh/day1/", "az://data@emulator/"),
        "two accounts: each side says which"
    );
    cmd(&mut s, Command::Cancel);

    let status = |s: &State| {
        s.status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    };
    for (typed, says) in [
        ("az://data/sub/", "overlap"),
        ("az://data", "overlap"),
        ("az://x@nosuch/p", "\"nosuch\""),
        ("az://", "no container name"),
    ] {
        let fx = open_location(&mut s, typed);
        assert!(fx.is_empty(), "{typed}: {fx:?}");
        assert_eq!(s.mode(), Mode::Normal, "{typed}");
        assert!(status(&s).contains(says), "{typed}: {}", status(&s));
    }
}

#[test]
fn the_container_review_snapshot() {
    let mut s = in_container(&["a.csv"]);
    with_second_account(&mut s);
    s.update(Action::Resize {
        width: 120,
        height: 22,
    });
    let fx = open_location(&mut s, "az://raw@fresh/day1/");
    let Some(Effect::Sync(SyncEffect::Plan {
        generation,
        src,
        dst,
    })) = fx.into_iter().next()
    else {
        panic!("no plan");
    };
    planned(&mut s, generation, src, dst);
    insta::assert_snapshot!(crate::ui::snapshot_tests::render(&s, 120, 22));
}

/// A credential that is never asked: the refusal comes before any request.
#[derive(Debug)]
struct NeverAsked;

#[async_trait::async_trait]
impl azure_core::credentials::TokenCredential for NeverAsked {
    async fn get_token(
        &self,
        _: &[&str],
        _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
    ) -> azure_core::Result<azure_core::credentials::AccessToken> {
        unreachable!("no token is asked for")
    }
}

#[test]
fn an_entra_source_is_refused_before_any_copy_is_queued() {
    let mut s = in_container(&["a.csv"]);
    with_second_account(&mut s);
    s.accounts[1].account.auth = crate::azure::Auth::Token(std::sync::Arc::new(NeverAsked));
    let fx = open_location(&mut s, "az://raw@fresh/day1/");
    let Some(Effect::Sync(SyncEffect::Plan {
        generation,
        src,
        dst,
    })) = fx.into_iter().next()
    else {
        panic!("no plan");
    };
    planned(&mut s, generation, src, dst);
    assert!(cmd(&mut s, Command::Accept).is_empty(), "nothing queued");
    assert_eq!(s.mode(), Mode::Sync, "the review stays open");
    let status = s.status.as_ref().unwrap().text.clone();
    assert!(status.contains("signs in with Entra ID"), "{status}");
    // The other way round the Entra account is the target: it may run.
    let fx = cmd(&mut s, Command::SyncDirection);
    let Some(Effect::Sync(SyncEffect::Plan {
        generation,
        src,
        dst,
    })) = fx.into_iter().next()
    else {
        panic!("no plan");
    };
    planned(&mut s, generation, src, dst);
    let fx = cmd(&mut s, Command::Accept);
    assert!(matches!(&fx[..], [Effect::Enqueue { .. }]), "{fx:?}");
}
