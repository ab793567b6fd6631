//! What a new user hit, driven action by action: marks across folders, the
//! public access chooser, a preview that follows the cursor, help that
//! scrolls, and the activity pane.

use super::action::{Action, Command};
use super::activity::{ActivityEntry, ActivityKind};
use super::effect::Effect;
use super::layers::Mode;
use super::ops::{OpOutcome, OpRequest};
use super::update_tests::{blob, cmd, generation, in_container, key, names};
use crate::azure::access::PublicAccess;
use crate::ui::snapshot_tests::render;
use crossterm::event::KeyCode;

fn select(s: &mut super::State, name: &str) {
    let at = names(s).iter().position(|n| n == name).expect(name);
    cmd(s, Command::Top);
    for _ in 0..at {
        cmd(s, Command::Down);
    }
}

fn open_folder(s: &mut super::State, name: &str, blobs: &[&str]) {
    select(s, name);
    let g = generation(&cmd(s, Command::Open));
    s.update(Action::BlobsPage {
        generation: g,
        result: Ok(blobs
            .iter()
            .map(|b| {
                let mut e = blob(&format!("{name}{b}"));
                e.size = 1024;
                e
            })
            .collect()),
        done: true,
    });
}

#[test]
fn marks_survive_leaving_a_folder_and_all_of_them_download() {
    let mut s = in_container(&["curated/", "events/"]);
    select(&mut s, "events/");
    cmd(&mut s, Command::Mark);
    open_folder(&mut s, "curated/", &["a.csv", "b.csv"]);
    cmd(&mut s, Command::MarkAll);
    assert_eq!(
        s.marks.len(),
        3,
        "the folder marked earlier is still marked"
    );
    let screen = render(&s, 100, 12);
    assert!(
        screen.contains("3 marked (2 KiB + 1 folder)"),
        "the footer says what is marked:\n{screen}"
    );
    cmd(&mut s, Command::Download);
    assert_eq!(s.mode(), Mode::Path);
    s.input = tui_input::Input::new("/tmp/out".into());
    let fx = cmd(&mut s, Command::Accept);
    let [Effect::PlanDownload { selection, .. }] = &fx[..] else {
        panic!("{fx:?}");
    };
    let items: Vec<&str> = selection.items.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(items, ["curated/a.csv", "curated/b.csv", "events/"]);
    assert_eq!(selection.base, "", "layout kept below the shared folder");
    assert!(s.marks.is_empty(), "used up by the download");
}

#[test]
fn invert_and_clear_marks() {
    let mut s = in_container(&["a.csv", "b.csv", "c.csv"]);
    cmd(&mut s, Command::Mark); // a.csv
    cmd(&mut s, Command::InvertMarks);
    assert_eq!(s.marks.len(), 2);
    let marked: Vec<bool> = s.listing.entries.iter().map(|e| s.is_marked(e)).collect();
    assert_eq!(marked, [false, true, true]);
    cmd(&mut s, Command::ClearMarks);
    assert!(s.marks.is_empty());
}

fn read_level(s: &mut super::State, level: PublicAccess) {
    s.update(Action::OpDone {
        account: 0,
        result: Ok(OpOutcome::PublicAccess {
            container: "data".into(),
            result: Ok(level),
        }),
    });
}

#[test]
fn public_access_shows_the_level_warns_first_and_writes_nothing_unchanged() {
    let mut s = in_container(&["a.csv"]);
    let fx = cmd(&mut s, Command::PublicAccess);
    assert!(matches!(
        &fx[..],
        [Effect::Op { request: OpRequest::GetPublicAccess { container }, .. }] if container == "data"
    ));
    assert_eq!(s.mode(), Mode::Choose);
    // Enter before the level is known writes nothing.
    assert!(cmd(&mut s, Command::Accept).is_empty());
    read_level(&mut s, PublicAccess::Private);
    let screen = render(&s, 100, 24);
    assert!(screen.contains("Now: private"), "{screen}");
    // The same level: nothing is written.
    assert!(cmd(&mut s, Command::Accept).is_empty());
    assert_eq!(s.mode(), Mode::Normal);
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was changed")
    );

    cmd(&mut s, Command::PublicAccess);
    read_level(&mut s, PublicAccess::Private);
    cmd(&mut s, Command::Down); // blob
    assert!(cmd(&mut s, Command::Accept).is_empty(), "warns first");
    let screen = render(&s, 100, 24);
    assert!(screen.contains("⚠ Anyone on the internet"), "{screen}");
    let fx = cmd(&mut s, Command::Accept);
    assert!(matches!(
        &fx[..],
        [Effect::Op {
            request: OpRequest::SetPublicAccess {
                level: PublicAccess::Blob,
                ..
            },
            ..
        }]
    ));
    assert_eq!(s.mode(), Mode::Normal);
}

#[test]
fn the_preview_follows_the_cursor_and_esc_closes_it() {
    let mut s = in_container(&["a.csv", "b.csv"]);
    let fx = cmd(&mut s, Command::Preview);
    assert!(
        matches!(&fx[..], [Effect::Op { request: OpRequest::Preview { blob, .. }, .. }] if blob == "a.csv")
    );
    let fx = cmd(&mut s, Command::Down);
    assert!(
        matches!(&fx[..], [Effect::Op { request: OpRequest::Preview { blob, .. }, .. }] if blob == "b.csv"),
        "{fx:?}"
    );
    assert_eq!(s.preview.as_ref().unwrap().blob, "b.csv");
    // A late answer for a.csv does not show under b.csv.
    s.update(Action::OpDone {
        account: 0,
        result: Ok(OpOutcome::Preview {
            blob: "a.csv".into(),
            preview: crate::preview::build_preview("a.csv", None, b"old", 3),
        }),
    });
    assert!(s.preview.as_ref().unwrap().result.is_none());
    cmd(&mut s, Command::Cancel);
    assert!(s.preview.is_none(), "Esc closes the preview");
}

#[test]
fn help_scrolls_by_page_and_to_the_end() {
    let mut s = in_container(&["a.csv"]);
    cmd(&mut s, Command::Help);
    cmd(&mut s, Command::PageDown);
    let scrolled = |s: &super::State| match s.layers.top() {
        Some(super::layers::Layer::Help { scroll, .. }) => *scroll,
        _ => panic!("help closed"),
    };
    assert!(scrolled(&s) > 1);
    let top = render(&s, 80, 20);
    cmd(&mut s, Command::Bottom);
    let bottom = render(&s, 80, 20);
    assert_ne!(top, bottom);
    assert!(
        bottom.contains("Close the help"),
        "the last lines show:\n{bottom}"
    );
}

#[test]
fn the_activity_pane_lists_changes_and_errors_newest_first() {
    let mut s = in_container(&["a.csv"]);
    s.update(Action::Activity(ActivityEntry::new(
        ActivityKind::Change,
        "create container logs",
    )));
    s.update(Action::OpDone {
        account: 0,
        result: Err("The storage service answered 400: InvalidHeaderValue.".into()),
    });
    cmd(&mut s, Command::Activity);
    assert_eq!(s.mode(), Mode::Activity);
    let screen = render(&s, 100, 12);
    let change = screen.find("create container logs").expect(&screen);
    let error = screen.find("InvalidHeaderValue").expect(&screen);
    assert!(error < change, "newest first:\n{screen}");
    let fx = cmd(&mut s, Command::CopyLine);
    assert!(matches!(&fx[..], [Effect::Clipboard(t)] if t.contains("InvalidHeaderValue")));
    key(&mut s, KeyCode::Esc);
    cmd(&mut s, Command::Cancel);
    assert_eq!(s.mode(), Mode::Normal);
}

fn mouse(
    s: &mut super::State,
    input: super::action::MouseInput,
    row: u16,
    at: std::time::Instant,
) -> Vec<Effect> {
    s.update(Action::Mouse(super::action::Mouse {
        input,
        column: 5,
        row,
        at,
    }))
}

#[test]
fn a_click_selects_a_double_click_opens_and_the_wheel_scrolls() {
    use super::action::MouseInput;
    let mut s = in_container(&["a/", "b/", "c.csv", "d.csv", "e.csv", "f.csv"]);
    s.update(Action::Resize {
        width: 100,
        height: 20,
    });
    let t0 = std::time::Instant::now();
    // Row 0 is the breadcrumb, row 1 the column titles: row 3 is the second entry.
    mouse(&mut s, MouseInput::Click, 3, t0);
    assert_eq!(s.selected_entry().unwrap().name.as_ref(), "b/");
    let later = t0 + std::time::Duration::from_millis(900);
    assert!(
        mouse(&mut s, MouseInput::Click, 3, later).is_empty(),
        "two slow clicks are two clicks"
    );
    let fx = mouse(
        &mut s,
        MouseInput::Click,
        3,
        later + std::time::Duration::from_millis(150),
    );
    assert!(
        matches!(&fx[..], [Effect::ListBlobs { prefix, .. }] if prefix == "b/"),
        "a double click opens: {fx:?}"
    );
    let mut s = in_container(&["a/", "b/", "c.csv", "d.csv", "e.csv", "f.csv"]);
    s.update(Action::Resize {
        width: 100,
        height: 20,
    });
    mouse(&mut s, MouseInput::ScrollDown, 4, t0);
    assert_eq!(s.selected, 3, "the wheel moves three rows");
    // Under a popup the mouse does nothing.
    cmd(&mut s, Command::Help);
    mouse(&mut s, MouseInput::ScrollUp, 4, t0);
    assert_eq!(s.selected, 3);
}

#[test]
fn a_missing_target_container_is_asked_about_never_created_silently() {
    use crate::transfer::targets::MissingContainer;
    use crate::transfer::{Endpoint, ItemSpec, Kind};
    let mut s = in_container(&["a.csv"]);
    let spec = ItemSpec {
        kind: Kind::Upload,
        source: Endpoint::Local("/tmp/a.csv".into()),
        target: Endpoint::Blob {
            account: 0,
            container: "datasest".into(),
            name: "a.csv".into(),
            at: None,
        },
        size: 1,
    };
    let missing = vec![MissingContainer {
        account: 0,
        name: "datasest".into(),
        close: vec!["datasets".into()],
    }];
    s.update(Action::MissingContainers {
        specs: vec![spec.clone()],
        existing: 0,
        missing: missing.clone(),
    });
    assert_eq!(s.mode(), Mode::Confirm);
    let screen = render(&s, 120, 24);
    assert!(
        screen.contains("container datasest does not exist (did you mean datasets?)"),
        "{screen}"
    );
    assert!(cmd(&mut s, Command::No).is_empty(), "no: nothing queued");
    assert_eq!(s.mode(), Mode::Normal);
    s.update(Action::MissingContainers {
        specs: vec![spec.clone()],
        existing: 0,
        missing,
    });
    let fx = cmd(&mut s, Command::Yes);
    assert!(
        matches!(&fx[..], [Effect::Enqueue { specs, .. }] if specs == &vec![spec]),
        "{fx:?}"
    );
}

#[test]
fn help_in_the_bookmarks_list_says_what_its_keys_do_there() {
    let mut s = in_container(&["a.csv"]);
    cmd(&mut s, Command::Bookmark);
    cmd(&mut s, Command::Bookmarks);
    cmd(&mut s, Command::Help);
    let screen = render(&s, 100, 40);
    let first = screen
        .lines()
        .position(|l| l.contains("Bookmarks list"))
        .expect(&screen);
    let browsing = screen.lines().position(|l| l.contains("Browsing"));
    assert!(
        browsing.is_none_or(|b| first < b),
        "the focused list comes first:\n{screen}"
    );
    assert!(screen.contains("Delete the bookmark"), "{screen}");
    assert!(
        !screen
            .lines()
            .skip(first)
            .take(8)
            .any(|l| l.contains("Delete the container")),
        "{screen}"
    );
}

#[test]
fn a_burst_of_keys_filters_once_and_enter_in_the_burst_keeps_it() {
    let mut s = in_container(&["alpha.csv", "beta.csv", "gamma.csv"]);
    // As the event loop does while keys are waiting.
    s.hold_filter = true;
    cmd(&mut s, Command::Filter);
    for c in "bet".chars() {
        key(&mut s, KeyCode::Char(c));
    }
    assert_eq!(
        names(&s).len(),
        3,
        "not filtered per key while the burst lasts"
    );
    cmd(&mut s, Command::Accept);
    s.hold_filter = false;
    s.settle_filter();
    assert_eq!(s.mode(), Mode::Normal);
    assert_eq!(
        names(&s),
        ["beta.csv"],
        "Enter in the same burst keeps what was typed"
    );
    // Outside a burst every key filters at once, as before.
    cmd(&mut s, Command::Filter);
    key(&mut s, KeyCode::Backspace);
    assert_eq!(names(&s), ["beta.csv"]);
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Backspace);
    assert_eq!(names(&s).len(), 3, "each key filters at once");
}

#[test]
fn tags_edit_starts_from_the_blob_tags_and_refuses_invalid_ones() {
    use super::update_tests::type_text;
    use crate::azure::client::BlobDetails;
    let mut s = in_container(&["m.onnx"]);
    // Without its details loaded, the edit waits for them (saving replaces every tag).
    let fx = cmd(&mut s, Command::EditTags);
    assert!(matches!(&fx[..], [Effect::FetchDetails(_)]));
    let key = s.details.as_ref().unwrap().key.clone();
    s.update(Action::Details {
        key: key.clone(),
        result: Ok(BlobDetails {
            tags: None,
            ..Default::default()
        }),
    });
    // Tags that could not be read are never replaced blind.
    assert!(cmd(&mut s, Command::EditTags).is_empty());
    assert_eq!(s.mode(), Mode::Normal);
    s.update(Action::Details {
        key,
        result: Ok(BlobDetails {
            tags: Some(vec![("project".into(), "churn".into())]),
            ..Default::default()
        }),
    });
    cmd(&mut s, Command::EditTags);
    assert_eq!(s.mode(), Mode::Ask);
    assert_eq!(s.input.value(), "project=churn");
    // A character the service refuses: Enter sends nothing, the prompt stays.
    type_text(&mut s, "; bad=a#b");
    assert!(cmd(&mut s, Command::Accept).is_empty());
    assert_eq!(s.mode(), Mode::Ask);
    for _ in 0.."; bad=a#b".len() {
        s.update(Action::Input(crossterm::event::KeyEvent::new(
            KeyCode::Backspace,
            crossterm::event::KeyModifiers::NONE,
        )));
    }
    type_text(&mut s, "; date=2024-01");
    let fx = cmd(&mut s, Command::Accept);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::SetTags {
                container: "data".into(),
                blob: "m.onnx".into(),
                tags: vec![
                    ("project".into(), "churn".into()),
                    ("date".into(), "2024-01".into())
                ]
            }
        }]
    );
}

#[test]
fn tier_on_marked_blobs_is_one_question_and_one_batch_request() {
    use super::update_tests::type_text;
    let mut s = in_container(&["a.csv", "b.csv", "c.csv"]);
    select(&mut s, "a.csv");
    cmd(&mut s, Command::Mark);
    select(&mut s, "c.csv");
    cmd(&mut s, Command::Mark);
    assert_eq!(s.marks.len(), 2);
    cmd(&mut s, Command::Tier);
    assert_eq!(s.mode(), Mode::Ask);
    type_text(&mut s, "lukewarm");
    assert!(cmd(&mut s, Command::Accept).is_empty(), "not a tier");
    for _ in 0.."lukewarm".len() {
        s.update(Action::Input(crossterm::event::KeyEvent::new(
            KeyCode::Backspace,
            crossterm::event::KeyModifiers::NONE,
        )));
    }
    type_text(&mut s, "cool");
    let fx = cmd(&mut s, Command::Accept);
    match &fx[..] {
        [
            Effect::Op {
                account: 0,
                request:
                    OpRequest::SetTierMany {
                        container,
                        blobs,
                        tier,
                    },
            },
        ] => {
            assert_eq!(container, "data");
            let names: Vec<&str> = blobs.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names, ["a.csv", "c.csv"]);
            assert_eq!(*tier, crate::azure::ops::AccessTier::Cool);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn f_asks_for_a_tag_query_and_starts_a_tag_search_in_the_container() {
    let mut s = in_container(&["a.csv"]);
    cmd(&mut s, Command::FindTags);
    assert_eq!(s.mode(), Mode::Ask);
    assert!(cmd(&mut s, Command::Accept).is_empty(), "an empty query");
    assert_eq!(s.mode(), Mode::Ask);
    super::update_tests::type_text(&mut s, "\"project\" = 'churn'");
    let fx = cmd(&mut s, Command::Accept);
    assert!(
        fx.iter().any(|e| matches!(e,
            Effect::FindTags { container, prefix, query, .. }
                if container == "data" && prefix.is_empty() && query == "\"project\" = 'churn'")),
        "{fx:?}"
    );
    assert!(s.listing.find.is_some(), "shown like a name search");
}
