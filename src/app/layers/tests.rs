//! The same keys in every layer, tested once for all: each layer is opened as
//! a user would, then Esc, q, ?, Tab and Shift-Tab are pressed through the
//! real keymap and `translate`, as the event loop does.

use super::{Mode, translate};
use crate::app::action::Command;
use crate::app::state::State;
use crate::app::update_tests::{cmd, in_container};
use crate::config::Keymap;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn press(s: &mut State, keymap: &Keymap, code: KeyCode, modifiers: KeyModifiers) {
    let event = Event::Key(KeyEvent::new(code, modifiers));
    if let Some(action) = translate(&event, s, keymap, true) {
        s.update(action);
    }
}

fn ch(s: &mut State, keymap: &Keymap, c: char) {
    let m = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    press(s, keymap, KeyCode::Char(c), m);
}

/// A browser on container "data" with a blob under the cursor, and the
/// layer `mode` opened on it the way a user opens it.
fn with_layer(mode: Mode) -> State {
    let mut s = in_container(&["a.csv", "b.csv"]);
    let opener: &[Command] = match mode {
        Mode::Normal => &[],
        Mode::Filter => &[Command::Filter],
        Mode::PrefixSearch => &[Command::PrefixSearch],
        Mode::Transfers => &[Command::Transfers],
        Mode::Preview => &[Command::Preview, Command::FocusNext],
        Mode::History => &[Command::History],
        Mode::Bookmarks => &[Command::Bookmark, Command::Bookmarks],
        Mode::Activity => &[Command::Activity],
        Mode::Cors => &[Command::Cors],
        Mode::Policies => &[Command::Policies],
        Mode::Settings => &[Command::Settings],
        Mode::Lifecycle => &[Command::Settings, Command::Lifecycle],
        Mode::Sync => &[Command::Sync, Command::Accept],
        Mode::Choose => &[Command::PublicAccess],
        Mode::Ask => &[Command::Find],
        Mode::Path => &[Command::Download],
        Mode::Form => &[Command::Attach],
        Mode::Bulk => &[Command::Mark, Command::BulkChange],
        Mode::Confirm => &[Command::BreakLease],
        Mode::Help => &[Command::Help],
        Mode::CorsInput | Mode::PoliciesInput | Mode::SettingsInput | Mode::LifecycleInput => {
            unreachable!("views of the editors")
        }
    };
    for c in opener {
        cmd(&mut s, *c);
    }
    assert_eq!(s.mode(), mode, "opening {mode:?}");
    s
}

/// What closing a layer goes back to: the browser, or the pane it was
/// opened from.
fn below(mode: Mode) -> Mode {
    match mode {
        Mode::Lifecycle => Mode::Settings,
        _ => Mode::Normal,
    }
}

const LAYERS: &[Mode] = &[
    Mode::Filter,
    Mode::PrefixSearch,
    Mode::Transfers,
    Mode::Preview,
    Mode::History,
    Mode::Bookmarks,
    Mode::Activity,
    Mode::Cors,
    Mode::Policies,
    Mode::Settings,
    Mode::Lifecycle,
    Mode::Sync,
    Mode::Choose,
    Mode::Ask,
    Mode::Path,
    Mode::Form,
    Mode::Bulk,
    Mode::Confirm,
    Mode::Help,
];

#[test]
fn esc_closes_or_steps_back_in_every_layer() {
    let keymap = Keymap::default();
    for &mode in LAYERS {
        let mut s = with_layer(mode);
        press(&mut s, &keymap, KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(s.mode(), below(mode), "Esc in {mode:?}");
        assert!(!s.should_quit);
    }
}

#[test]
fn q_quits_only_from_the_browser_and_closes_elsewhere() {
    let keymap = Keymap::default();
    for &mode in LAYERS {
        let mut s = with_layer(mode);
        ch(&mut s, &keymap, 'q');
        assert!(!s.should_quit, "q quit from {mode:?}");
        if mode.takes_text() {
            assert_eq!(s.mode(), mode, "q is text in {mode:?}");
        } else {
            assert_eq!(s.mode(), below(mode), "q closes {mode:?}");
        }
    }
    let mut s = with_layer(Mode::Normal);
    ch(&mut s, &keymap, 'q');
    assert!(s.should_quit, "q quits from the browser");
}

#[test]
fn question_mark_explains_the_layer_in_focus_and_closes_back_to_it() {
    let keymap = Keymap::default();
    for &mode in LAYERS.iter().filter(|m| **m != Mode::Help) {
        let mut s = with_layer(mode);
        if mode.takes_text() {
            // In a text field ? is typed; F1 asks for help.
            ch(&mut s, &keymap, '?');
            assert_eq!(s.mode(), mode, "? is text in {mode:?}");
            press(&mut s, &keymap, KeyCode::F(1), KeyModifiers::NONE);
        } else {
            ch(&mut s, &keymap, '?');
        }
        assert_eq!(s.mode(), Mode::Help, "help from {mode:?}");
        match s.layers.top() {
            Some(super::Layer::Help { section, .. }) => {
                assert_eq!(*section, mode.section(), "help section for {mode:?}")
            }
            other => panic!("{other:?}"),
        }
        press(&mut s, &keymap, KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(s.mode(), mode, "Esc on the help returns to {mode:?}");
    }
}

#[test]
fn tab_and_shift_tab_move_focus_or_fields_and_never_lose_a_popup() {
    let keymap = Keymap::default();
    for &mode in LAYERS {
        for code in [KeyCode::Tab, KeyCode::BackTab] {
            let mut s = with_layer(mode);
            // crossterm reports Shift-Tab as BackTab with Shift held.
            let m = if code == KeyCode::BackTab {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            press(&mut s, &keymap, code, m);
            assert!(!s.should_quit);
            match mode {
                // Focus moves between the panes on screen: the list and this one.
                Mode::Transfers | Mode::Preview => {
                    assert_eq!(s.mode(), Mode::Normal, "{code:?} from {mode:?}");
                    press(&mut s, &keymap, code, m);
                    assert_eq!(s.mode(), mode, "{code:?} back to {mode:?}");
                }
                _ => assert_eq!(s.mode(), mode, "{code:?} in {mode:?}"),
            }
        }
    }
}

#[test]
fn shift_tab_in_the_policy_form_moves_back_and_types_nothing() {
    let keymap = Keymap::default();
    let (mut s, _) = crate::app::policies::tests::opened(Vec::new());
    cmd(&mut s, Command::PoliciesAdd);
    assert_eq!(s.mode(), Mode::PoliciesInput);
    let before = format!("{:?}", s.policies().map(|p| &p.view));
    press(&mut s, &keymap, KeyCode::BackTab, KeyModifiers::SHIFT);
    press(&mut s, &keymap, KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(
        format!("{:?}", s.policies().map(|p| &p.view)),
        before,
        "back and forth lands where it started, nothing toggled or typed"
    );
}

#[test]
fn a_pane_beside_the_list_lets_the_browsers_keys_through() {
    let keymap = Keymap::default();
    let mut s = with_layer(Mode::Transfers);
    // `/` is not a transfers key: it opens the browser's filter.
    ch(&mut s, &keymap, '/');
    assert_eq!(s.mode(), Mode::Filter);
    // Full screen keeps its keys.
    let mut s = with_layer(Mode::Transfers);
    cmd(&mut s, Command::TransfersFull);
    ch(&mut s, &keymap, '/');
    assert_eq!(s.mode(), Mode::Transfers);
}
