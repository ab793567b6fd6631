//! Bookmarks (`b` adds the current place, `B` lists them) and the per-account
//! read-only mark (`w`). Both are saved to the config dir by the runner.

use super::Command;
use super::effect::Effect;
use super::layers::{Layer, Mode};
use super::state::{Location, State};
use crate::config::bookmarks::Bookmark;

#[derive(Debug, Default)]
pub struct BookmarkList {
    pub items: Vec<Bookmark>,
    pub selected: usize,
}

impl State {
    /// Commands of the browsing view handled here; `None` leaves `cmd` to others.
    pub(super) fn bookmark_command(&mut self, cmd: Command) -> Option<Vec<Effect>> {
        Some(match cmd {
            Command::Bookmark => self.bookmark_here(),
            Command::Bookmarks => {
                if self.bookmarks.items.is_empty() {
                    self.info("No bookmarks yet: open a container or folder and press b.");
                } else {
                    self.bookmarks.selected =
                        self.bookmarks.selected.min(self.bookmarks.items.len() - 1);
                    self.layers.push(Layer::Bookmarks);
                }
                Vec::new()
            }
            Command::ToggleReadonly => self.toggle_account_readonly(),
            _ => return None,
        })
    }

    fn here(&self) -> Option<Bookmark> {
        let (account, container, prefix) = match &self.location {
            Location::Accounts => return None,
            Location::Containers { account } => (*account, String::new(), String::new()),
            Location::Blobs {
                account,
                container,
                prefix,
            } => (*account, container.clone(), prefix.clone()),
        };
        Some(Bookmark {
            account: self.accounts.get(account)?.account.id.clone(),
            container,
            prefix,
        })
    }

    fn bookmark_here(&mut self) -> Vec<Effect> {
        let Some(mark) = self.here() else {
            self.info("Open an account, container or folder to bookmark it.");
            return Vec::new();
        };
        let label = self.describe_bookmark(&mark);
        if self.bookmarks.items.contains(&mark) {
            self.info(&format!("{label} is bookmarked already (B lists them)."));
            return Vec::new();
        }
        self.bookmarks.items.push(mark);
        self.info(&format!("Bookmarked {label} (B lists bookmarks)."));
        vec![Effect::SaveBookmarks(self.bookmarks.items.clone())]
    }

    pub fn describe_bookmark(&self, mark: &Bookmark) -> String {
        let label = self
            .account_by_id(&mark.account)
            .and_then(|i| self.accounts.get(i))
            .map(|n| n.label().to_string())
            .unwrap_or_else(|| format!("{} (not attached)", mark.account));
        mark.describe(&label)
    }

    fn account_by_id(&self, id: &str) -> Option<usize> {
        self.accounts
            .iter()
            .position(|n| n.account.id == id && !n.detached)
    }

    pub(super) fn bookmarks_command(&mut self, cmd: Command) -> Vec<Effect> {
        let n = self.bookmarks.items.len();
        match cmd {
            Command::Up => self.bookmarks.selected = self.bookmarks.selected.saturating_sub(1),
            Command::Down => {
                self.bookmarks.selected = (self.bookmarks.selected + 1).min(n.saturating_sub(1))
            }
            Command::Open | Command::Accept => {
                self.layers.pop_if(Mode::Bookmarks);
                let Some(mark) = self.bookmarks.items.get(self.bookmarks.selected).cloned() else {
                    return Vec::new();
                };
                let Some(account) = self.account_by_id(&mark.account) else {
                    self.error(&format!(
                        "The account \"{}\" of this bookmark is not attached; attach it (a) or delete the bookmark (d).",
                        mark.account
                    ));
                    return Vec::new();
                };
                let place = if mark.container.is_empty() {
                    Location::Containers { account }
                } else {
                    Location::Blobs {
                        account,
                        container: mark.container,
                        prefix: mark.prefix,
                    }
                };
                return self.go(place);
            }
            Command::Delete if self.bookmarks.selected < n => {
                let gone = self.bookmarks.items.remove(self.bookmarks.selected);
                let label = self.describe_bookmark(&gone);
                self.info(&format!("Deleted the bookmark {label}."));
                self.bookmarks.selected = self
                    .bookmarks
                    .selected
                    .min(self.bookmarks.items.len().saturating_sub(1));
                if self.bookmarks.items.is_empty() {
                    self.layers.pop_if(Mode::Bookmarks);
                }
                return vec![Effect::SaveBookmarks(self.bookmarks.items.clone())];
            }
            Command::Cancel | Command::Bookmarks | Command::Back => {
                self.layers.pop_if(Mode::Bookmarks);
            }
            Command::Quit => self.should_quit = true,
            _ => {}
        }
        Vec::new()
    }

    /// `w`: the account under the cursor (or being browsed) becomes read-only,
    /// or writable again. Attached accounts remember it in accounts.toml.
    fn toggle_account_readonly(&mut self) -> Vec<Effect> {
        let Some(index) = self.account_in_scope() else {
            self.info("Select an account to mark it read-only.");
            return Vec::new();
        };
        let Some(node) = self.accounts.get_mut(index) else {
            return Vec::new();
        };
        if node.discovery {
            self.info("Mark the discovered accounts one by one, not the Entra ID node.");
            return Vec::new();
        }
        node.account.readonly = !node.account.readonly;
        let (label, now) = (node.label().to_string(), node.account.readonly);
        let saved = node.account.source == crate::azure::account::Source::Attached;
        let account = Box::new(node.account.clone());
        let mut text = if now {
            format!("{label} is read-only: nothing that changes it is allowed")
        } else {
            format!("{label} is writable again")
        };
        text.push_str(if saved {
            " (saved)."
        } else {
            " (for this session: only attached accounts remember it)."
        });
        if now || !self.readonly {
            self.info(&text);
        } else {
            self.info(&format!("{text} blobx itself still runs with --readonly."));
        }
        if saved {
            vec![Effect::AddAccount {
                index,
                account,
                persist: true,
            }]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::COMMANDS;
    use crate::app::state::Level;
    use crate::app::update_tests::{cmd, in_container, state};

    use crate::app::update_tests::status;

    #[test]
    fn a_bookmark_saves_the_place_and_jumps_back_to_it() {
        let mut s = in_container(&["raw/", "a.csv"]);
        let fx = cmd(&mut s, Command::Open); // into raw/
        assert!(matches!(fx.first(), Some(Effect::ListBlobs { .. })));
        let fx = cmd(&mut s, Command::Bookmark);
        let mark = Bookmark {
            account: "emulator".into(),
            container: "data".into(),
            prefix: "raw/".into(),
        };
        assert_eq!(fx, vec![Effect::SaveBookmarks(vec![mark.clone()])]);
        assert!(status(&s).contains("data › raw/"), "{}", status(&s));
        assert!(cmd(&mut s, Command::Bookmark).is_empty(), "no duplicate");
        assert!(status(&s).contains("already"));

        // Somewhere else, then back through the list.
        cmd(&mut s, Command::Back);
        cmd(&mut s, Command::Back);
        cmd(&mut s, Command::Bookmarks);
        assert_eq!(s.mode(), Mode::Bookmarks);
        let fx = cmd(&mut s, Command::Open);
        assert_eq!(s.mode(), Mode::Normal);
        assert!(
            matches!(&fx[..], [Effect::ListBlobs { container, prefix, .. }] if container == "data" && prefix == "raw/"),
            "{fx:?}"
        );
        assert_eq!(
            s.location,
            Location::Blobs {
                account: 0,
                container: "data".into(),
                prefix: "raw/".into()
            }
        );
    }

    #[test]
    fn bookmarks_of_missing_accounts_say_so_and_can_be_deleted() {
        let mut s = state();
        assert!(cmd(&mut s, Command::Bookmarks).is_empty());
        assert!(status(&s).contains("No bookmarks yet"));
        assert!(cmd(&mut s, Command::Bookmark).is_empty());
        assert!(status(&s).contains("Open an account"));
        s.bookmarks.items = vec![Bookmark {
            account: "gone".into(),
            container: "c".into(),
            prefix: String::new(),
        }];
        cmd(&mut s, Command::Bookmarks);
        assert!(cmd(&mut s, Command::Open).is_empty());
        assert_eq!(s.status.as_ref().unwrap().level, Level::Error);
        assert!(status(&s).contains("not attached"), "{}", status(&s));
        // Deleting a bookmark works even in read-only mode: it is our own config.
        s.readonly = true;
        cmd(&mut s, Command::Bookmarks);
        let fx = cmd(&mut s, Command::Delete);
        assert_eq!(fx, vec![Effect::SaveBookmarks(Vec::new())]);
        assert_eq!(s.mode(), Mode::Normal, "the empty list closes");
    }

    /// Every command that changes the service or a local file, walked in a
    /// container with a blob selected and one marked.
    fn mutating() -> Vec<Command> {
        COMMANDS
            .iter()
            .map(|(c, _, _)| *c)
            .filter(|c| c.is_mutating())
            .collect()
    }

    #[test]
    fn readonly_mode_refuses_every_mutating_command() {
        let all = mutating();
        assert!(all.len() >= 15, "{all:?}");
        for c in all {
            let mut s = in_container(&["a.csv", "b.csv"]);
            s.marks.insert(
                crate::app::marks::MarkKey {
                    account: 0,
                    container: "data".into(),
                    name: "b.csv".into(),
                },
                10,
            );
            s.readonly = true;
            let fx = cmd(&mut s, c);
            assert!(fx.is_empty(), "{c:?} sent {fx:?}");
            assert_eq!(s.mode(), Mode::Normal, "{c:?} opened {:?}", s.mode());
            assert!(
                status(&s).starts_with("Read-only mode"),
                "{c:?}: {}",
                status(&s)
            );
        }
    }

    #[test]
    fn an_account_marked_readonly_refuses_changes_to_it_only() {
        let mut s = in_container(&["a.csv"]);
        let fx = cmd(&mut s, Command::ToggleReadonly);
        assert!(fx.is_empty(), "the emulator is not saved: {fx:?}");
        assert!(s.accounts[0].account.readonly);
        assert!(status(&s).contains("for this session"), "{}", status(&s));
        for c in mutating()
            .into_iter()
            .filter(|c| !matches!(c, Command::Overwrite | Command::IfDifferent))
        {
            let fx = cmd(&mut s, c);
            assert!(fx.is_empty(), "{c:?} sent {fx:?}");
            assert!(
                status(&s).contains("is marked read-only"),
                "{c:?}: {}",
                status(&s)
            );
        }
        // Reading still works.
        assert_eq!(cmd(&mut s, Command::Download), Vec::new());
        assert_eq!(s.mode(), Mode::Path);
        cmd(&mut s, Command::Cancel);
        cmd(&mut s, Command::ToggleReadonly);
        assert!(!s.accounts[0].account.readonly);
        cmd(&mut s, Command::Upload);
        assert_eq!(s.mode(), Mode::Path, "writable again");
    }

    #[test]
    fn attached_accounts_remember_their_readonly_mark() {
        let mut s = state();
        let mut account = crate::azure::Account::emulator("http://127.0.0.1:10000").unwrap();
        account.id = "prod".into();
        account.label = "prod".into();
        account.source = crate::azure::account::Source::Attached;
        s.accounts
            .push(crate::app::state::AccountNode::new(account));
        s.start(None, None);
        cmd(&mut s, Command::Down);
        assert_eq!(s.account_in_scope(), Some(1));
        let fx = cmd(&mut s, Command::ToggleReadonly);
        assert!(
            matches!(&fx[..], [Effect::AddAccount { index: 1, persist: true, account }] if account.readonly),
            "{fx:?}"
        );
        assert!(s.accounts[1].status().1.contains("read-only"));
    }

    #[test]
    fn the_cap_and_the_report_are_asked_for_in_the_transfers_pane() {
        use crate::transfer::engine::ItemView;
        use crate::transfer::{Kind, Snapshot, Status};
        let mut s = in_container(&["a.csv"]);
        cmd(&mut s, Command::Transfers);
        assert!(cmd(&mut s, Command::ExportReport).is_empty());
        assert!(status(&s).contains("No transfers"));
        cmd(&mut s, Command::SetCap);
        assert_eq!(s.mode(), Mode::Ask);
        crate::app::update_tests::type_text(&mut s, "fast");
        assert!(cmd(&mut s, Command::Accept).is_empty(), "refused as typed");
        for _ in 0..4 {
            s.update(crate::app::Action::Input(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Backspace,
                crossterm::event::KeyModifiers::NONE,
            )));
        }
        crate::app::update_tests::type_text(&mut s, "80");
        assert_eq!(
            cmd(&mut s, Command::Accept),
            vec![Effect::SetCap(Some(10_000_000))]
        );
        assert_eq!(s.mode(), Mode::Transfers);
        assert!(status(&s).contains("80 Mb/s"), "{}", status(&s));

        s.update(crate::app::Action::Transfers(Snapshot {
            items: vec![ItemView {
                id: 1,
                name: "a.csv".into(),
                kind: Kind::Download,
                source: "az://data/a.csv".into(),
                target: "/tmp/a.csv".into(),
                status: Status::Done,
                done: 10,
                total: 10,
                rate: 0,
                eta_secs: None,
                checksum: None,
                note: None,
            }],
            ..Default::default()
        }));
        cmd(&mut s, Command::ExportReport);
        assert_eq!(s.mode(), Mode::Path);
        assert!(s.input.value().ends_with(".csv"), "{}", s.input.value());
        let fx = cmd(&mut s, Command::Accept);
        assert!(
            matches!(&fx[..], [Effect::WriteReport { items, .. }] if items.len() == 1),
            "{fx:?}"
        );
        assert_eq!(s.mode(), Mode::Transfers);
    }
}
