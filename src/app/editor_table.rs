//! What the access editors' tables share (CORS rules, stored access
//! policies): moving the selection, putting a form's item back, when a change
//! has to wait, and the status line they report to.

use super::action::Command;

/// Up / Down / Top / Bottom over a table of `len` rows; false for other commands.
pub fn move_selection(selected: &mut usize, len: usize, cmd: Command) -> bool {
    match cmd {
        Command::Up => *selected = selected.saturating_sub(1),
        Command::Down => *selected = (*selected + 1).min(len.saturating_sub(1)),
        Command::Top => *selected = 0,
        Command::Bottom => *selected = len.saturating_sub(1),
        _ => return false,
    }
    true
}

/// Why a command that changes the table has to wait, if it does: background
/// work is running, or the `items` ("rules") are not read yet (a reload may go).
pub fn wait_reason(
    busy: Option<&str>,
    ready: bool,
    failed: bool,
    reload: bool,
    items: &str,
) -> Option<String> {
    if let Some(what) = busy {
        return Some(format!("Wait a moment: {what}"));
    }
    if ready || reload {
        return None;
    }
    Some(if failed {
        format!("The {items} could not be read; r tries again.")
    } else {
        format!("Still reading the {items}…")
    })
}

/// Puts what a form kept into the table: over the row it edited (if that is
/// still there), else at the end. Returns the row it is now in.
pub fn put_back<T>(rows: &mut Vec<T>, editing: Option<usize>, item: T) -> usize {
    match editing.filter(|i| *i < rows.len()) {
        Some(i) => {
            rows[i] = item;
            i
        }
        None => {
            rows.push(item);
            rows.len() - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_back_in_place_and_the_selection_moves() {
        let mut rows = vec!['a', 'b'];
        assert_eq!(put_back(&mut rows, Some(1), 'B'), 1);
        assert_eq!(put_back(&mut rows, Some(7), 'c'), 2);
        assert_eq!(rows, ['a', 'B', 'c']);
        let mut selected = 0;
        assert!(move_selection(&mut selected, 3, Command::Bottom));
        assert_eq!(selected, 2);
        assert!(!move_selection(&mut selected, 3, Command::Accept));
    }

    #[test]
    fn changes_wait_for_work_and_for_the_first_read() {
        let why = |busy, ready, failed, reload| wait_reason(busy, ready, failed, reload, "rules");
        assert_eq!(
            why(Some("saving…"), true, false, true).as_deref(),
            Some("Wait a moment: saving…")
        );
        assert_eq!(
            why(None, false, true, false).as_deref(),
            Some("The rules could not be read; r tries again.")
        );
        assert!(
            why(None, false, false, false)
                .unwrap()
                .starts_with("Still reading")
        );
        assert_eq!(why(None, false, true, true), None, "a reload may go");
        assert_eq!(why(None, true, false, false), None);
    }
}
