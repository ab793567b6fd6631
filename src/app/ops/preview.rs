//! The preview pane's state and its scrolling.

use crate::app::action::Command;
use crate::app::state::State;
use crate::preview::Preview;

/// The preview pane's state.
#[derive(Clone, Debug)]
pub struct PreviewState {
    pub blob: String,
    pub result: Option<Result<Preview, String>>,
    pub scroll: usize,
    /// Sideways steps: table columns, or `preview::SIDE_STEP` characters.
    pub hscroll: usize,
}

impl PreviewState {
    /// Waiting for the preview of `blob`.
    pub fn reading(blob: String) -> Self {
        Self {
            blob,
            result: None,
            scroll: 0,
            hscroll: 0,
        }
    }

    /// Half a page down (`J`) or up (`K`).
    pub fn scroll_half_page(&mut self, down: bool, page_rows: usize) {
        let step = page_rows.max(1) / 2;
        self.scroll = if down {
            self.scroll + step
        } else {
            self.scroll.saturating_sub(step)
        };
    }

    /// One column (or a few characters) right (`>`) or left (`<`), never
    /// past the widest row.
    pub fn scroll_sideways(&mut self, right: bool) {
        let max = match &self.result {
            Some(Ok(p)) => p.side_steps(),
            _ => 0,
        };
        self.hscroll = if right {
            (self.hscroll + 1).min(max)
        } else {
            self.hscroll.saturating_sub(1)
        };
    }
}

impl State {
    /// `J`/`K` and `<`/`>` while a preview is open.
    pub(in crate::app) fn scroll_preview(&mut self, cmd: Command) {
        let page = self.page_rows;
        if let Some(p) = self.preview.as_mut() {
            match cmd {
                Command::MoveDown | Command::MoveUp => {
                    p.scroll_half_page(cmd == Command::MoveDown, page)
                }
                Command::ScrollLeft | Command::ScrollRight => {
                    p.scroll_sideways(cmd == Command::ScrollRight)
                }
                _ => {}
            }
        }
    }
}
