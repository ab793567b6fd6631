//! Data lake accounts in the browser: the account node learns its kind;
//! `n` inside a container makes a directory and `R` renames a folder only
//! there (one call each through the Data Lake endpoint); flat accounts keep
//! what they had.

use super::action::{Action, Command};
use super::effect::Effect;
use super::ops::{Ask, OpRequest};
use super::state::Mode;
use super::update_tests::{cmd, in_container, type_text};

fn lake(blobs: &[&str]) -> super::state::State {
    let mut s = in_container(blobs);
    s.update(Action::AccountKind {
        account: 0,
        hierarchical: true,
    });
    s
}

#[test]
fn n_makes_a_directory_on_a_data_lake_only() {
    let mut flat = in_container(&["a.csv"]);
    cmd(&mut flat, Command::NewContainer);
    assert_ne!(flat.mode(), Mode::Ask, "nothing to ask on a flat account");
    assert!(flat.status.as_ref().unwrap().text.contains("data lake"));

    let mut s = lake(&["a.csv"]);
    cmd(&mut s, Command::NewContainer);
    assert_eq!(s.mode(), Mode::Ask);
    assert!(matches!(
        s.layers.ask(),
        Some(Ask::NewDirectory { container, prefix }) if container == "data" && prefix.is_empty()
    ));
    type_text(&mut s, "curated/2026");
    let fx = cmd(&mut s, Command::Accept);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::CreateDirectory {
                container: "data".into(),
                path: "curated/2026".into()
            }
        }]
    );
}

#[test]
fn r_renames_a_folder_on_a_data_lake_only() {
    let mut flat = in_container(&["dir/", "a.csv"]);
    cmd(&mut flat, Command::Rename);
    assert_ne!(
        flat.mode(),
        Mode::Ask,
        "a folder of a flat account is many blobs"
    );

    let mut s = lake(&["dir/", "a.csv"]);
    cmd(&mut s, Command::Rename);
    assert_eq!(s.mode(), Mode::Ask);
    for _ in 0.."dir".len() {
        super::update_tests::key(&mut s, crossterm::event::KeyCode::Backspace);
    }
    type_text(&mut s, "archive/dir");
    let fx = cmd(&mut s, Command::Accept);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::Rename {
                container: "data".into(),
                from: "dir".into(),
                to: "archive/dir".into()
            }
        }]
    );
}

#[test]
fn f_reads_the_acl_then_sets_it_checked_as_typed() {
    use super::ops::OpOutcome;
    use crate::azure::datalake::dfs::AccessControl;
    let mut s = lake(&["dir/", "a.csv"]);
    let fx = cmd(&mut s, Command::Permissions);
    assert_eq!(
        fx,
        vec![Effect::Op {
            account: 0,
            request: OpRequest::GetAccess {
                container: "data".into(),
                path: "dir".into(),
                folder: true
            }
        }]
    );
    s.update(Action::OpDone {
        account: 0,
        result: Ok(OpOutcome::Access {
            container: "data".into(),
            path: "dir".into(),
            folder: true,
            access: AccessControl {
                owner: "alice".into(),
                group: "data-team".into(),
                permissions: "rwxr-x---".into(),
                acl: "user::rwx,group::r-x,other::---".into(),
            },
        }),
    });
    assert_eq!(s.mode(), Mode::Ask);
    let label = s.layers.ask().unwrap().label();
    assert!(
        label.contains("owner alice") && label.contains("rwxr-x---"),
        "{label}"
    );
    type_text(&mut s, ",user:bob:rwz");
    assert!(
        cmd(&mut s, Command::Accept).is_empty(),
        "nothing sent while invalid"
    );
    assert!(s.status.as_ref().unwrap().text.contains("entry 4"));
    super::update_tests::key(&mut s, crossterm::event::KeyCode::Backspace);
    type_text(&mut s, "x");
    assert_eq!(
        cmd(&mut s, Command::Accept),
        vec![Effect::Op {
            account: 0,
            request: OpRequest::SetAcl {
                container: "data".into(),
                path: "dir".into(),
                acl: "user::rwx,group::r-x,other::---,user:bob:rwx".into(),
                recursive: true
            }
        }]
    );
    let mut flat = in_container(&["dir/"]);
    assert!(cmd(&mut flat, Command::Permissions).is_empty());
}
