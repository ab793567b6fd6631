//! Sizes in the browser (`Z`): every subfolder of the folder (or every
//! container of the account) counted by a walk, filling the size column as
//! the counts stream in ("counting…" until then), sortable by size (`o`).
//! The walk counts every level below, so opening a subfolder afterwards
//! shows its children already counted (ncdu-style). Results are cached per
//! folder for the session with the time they were taken; `Z` again recounts.

use super::effect::Effect;
use super::entry::EntryKind;
use super::state::{Location, State};
use crate::azure::sizes::Totals;
use std::collections::HashMap;

mod inventory;
mod tasks;
pub use inventory::InventoryEvent;
pub(super) use inventory::run as inventory_task;
pub(super) use tasks::{count_sizes, from_inventory};

/// A folder (or an account's container list, `container: None`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SizesKey {
    pub account: usize,
    pub container: Option<String>,
    /// Folder prefix, empty or ending in `/`.
    pub prefix: String,
}

/// What is known of one folder's children.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FolderSizes {
    /// By the name the list shows (`sub/`, or a container's name).
    pub children: HashMap<Box<str>, Totals>,
    pub total: Totals,
    pub counting: bool,
    /// Unix seconds when the count finished.
    pub taken_at: Option<i64>,
    pub error: Option<String>,
    /// Not a live count: where the sizes come from (an inventory report).
    pub source: Option<String>,
}

/// A count's progress or end, from the task.
#[derive(Clone, Debug, PartialEq)]
pub struct SizesReport {
    pub key: SizesKey,
    /// Direct children so far (name as shown, totals).
    pub children: Vec<(String, Totals)>,
    pub total: Totals,
    /// At the end of a folder count: every folder below, relative to the
    /// key's prefix (`a/`, `a/b/`), for the cache of the folders below.
    pub below: Vec<(String, Totals)>,
    pub done: bool,
    pub error: Option<String>,
    /// Unix seconds, stamped by the task.
    pub at: i64,
    /// From an inventory report: which one (`None`: a live walk).
    pub source: Option<String>,
    /// A live count of everything (`Z`); else filtered or from a report,
    /// cached apart.
    pub live: bool,
}

impl State {
    /// The key of what the browser shows now, if sizes apply to it.
    pub fn sizes_key(&self) -> Option<SizesKey> {
        match &self.location {
            Location::Containers { account } => Some(SizesKey {
                account: *account,
                container: None,
                prefix: String::new(),
            }),
            Location::Blobs {
                account,
                container,
                prefix,
            } => Some(SizesKey {
                account: *account,
                container: Some(container.clone()),
                prefix: prefix.clone(),
            }),
            Location::Accounts => None,
        }
    }

    /// The sizes known for what the browser shows now: the live count, or
    /// (after `Alt-Z` or `I`) the other one where there is one.
    pub fn current_sizes(&self) -> Option<&FolderSizes> {
        let key = self.sizes_key()?;
        if self.sizes_live {
            return self.sizes.get(&key);
        }
        self.sizes_other.get(&key).or_else(|| self.sizes.get(&key))
    }

    /// Whether a finished live count of `key` is cached.
    pub fn has_live_count(&self, key: &SizesKey) -> bool {
        self.sizes
            .get(key)
            .is_some_and(|c| c.taken_at.is_some() && !c.counting)
    }

    fn sizes_map(&mut self, live: bool) -> &mut HashMap<SizesKey, FolderSizes> {
        if live {
            &mut self.sizes
        } else {
            &mut self.sizes_other
        }
    }

    /// `Alt-Z`: which blobs to count (the find syntax).
    pub(super) fn ask_sizes_filter(&mut self) -> Vec<Effect> {
        if self.sizes_key().is_none() {
            self.note_op("Open an account or a folder to count sizes.");
            return Vec::new();
        }
        self.open_ask(super::ops::Ask::SizesFilter, String::new());
        Vec::new()
    }

    pub(super) fn start_sizes(&mut self, filter: Option<String>) -> Vec<Effect> {
        let Some(key) = self.sizes_key() else {
            self.note_op("Open an account or a folder to count sizes.");
            return Vec::new();
        };
        let containers = match &key.container {
            Some(_) => Vec::new(),
            None => self
                .listing
                .entries
                .iter()
                .filter(|e| e.kind == EntryKind::Container)
                .map(|e| e.name.to_string())
                .collect(),
        };
        if key.container.is_none() && containers.is_empty() {
            self.note_op("No containers to count here.");
            return Vec::new();
        }
        let live = filter.is_none();
        // Back from a filtered or inventory count: the live one cached is
        // shown again without a walk (Z once more recounts).
        if live && !self.sizes_live && self.has_live_count(&key) {
            self.sizes_live = true;
            self.apply_sizes();
            self.note_op("Showing the live count again (no new walk); Z once more counts afresh.");
            return Vec::new();
        }
        self.sizes_live = live;
        let entry = self.sizes_map(live).entry(key.clone()).or_default();
        entry.counting = true;
        entry.error = None;
        vec![Effect::Sizes {
            key,
            containers,
            filter,
        }]
    }

    /// `I`: where the inventory reports are (the last place typed, or `az://`).
    pub(super) fn ask_inventory(&mut self) -> Vec<Effect> {
        if self.sizes_key().is_none() {
            self.note_op("Open an account or a folder to size it from an inventory report.");
            return Vec::new();
        }
        if let Some(key) = self.sizes_key()
            && self.inventory_rules_apply(key.account)
        {
            self.note_op("Reading the account's inventory rules…");
            return vec![Effect::InventoryRules {
                account: key.account,
            }];
        }
        self.ask_report_place(None, None);
        Vec::new()
    }

    /// Sizes of what the browser shows, from the report below `report`.
    pub(super) fn start_sizes_inventory(&mut self, report: String) -> Vec<Effect> {
        let Some(key) = self.sizes_key() else {
            return Vec::new();
        };
        self.inventory_report = Some(report.clone());
        self.sizes_live = false;
        let entry = self.sizes_other.entry(key.clone()).or_default();
        entry.counting = true;
        entry.error = None;
        // The account's usable rule, when its reports are where the user looks.
        let rule = self.inventory_rule.as_ref().and_then(|(dest, name)| {
            crate::azure::uri::parse_az_uri(&report)
                .ok()
                .filter(|p| p.container == *dest)
                .map(|_| name.clone())
        });
        self.note_op(&match &rule {
            Some(r) => format!("Reading the latest report of inventory rule {r}…"),
            None => "Reading the latest inventory report…".to_string(),
        });
        vec![Effect::SizesInventory { key, report, rule }]
    }

    pub(super) fn sizes_report(&mut self, r: SizesReport) -> Vec<Effect> {
        let entry = self.sizes_map(r.live).entry(r.key.clone()).or_default();
        for (name, count) in r.children {
            entry.children.insert(name.into_boxed_str(), count);
        }
        entry.total = r.total;
        entry.counting = !r.done;
        if r.done {
            entry.taken_at = Some(r.at);
            entry.error = r.error.clone();
            entry.source = r.source.clone();
        }
        if let Some(container) = &r.key.container
            && r.done
            && r.error.is_none()
        {
            // Every folder below gets its own entry: its direct children.
            let mut below: HashMap<String, FolderSizes> = HashMap::new();
            for (rel, count) in &r.below {
                let folder = format!("{}{rel}", r.key.prefix);
                let own = below.entry(folder.clone()).or_default();
                own.total = *count;
                own.taken_at = Some(r.at);
                own.source = r.source.clone();
                let trimmed = &rel[..rel.len() - 1];
                let (parent, leaf) = match trimmed.rfind('/') {
                    Some(i) => (&rel[..=i], &rel[i + 1..]),
                    None => ("", rel.as_str()),
                };
                if !parent.is_empty() {
                    below
                        .entry(format!("{}{parent}", r.key.prefix))
                        .or_default()
                        .children
                        .insert(leaf.into(), *count);
                }
            }
            let map = self.sizes_map(r.live);
            for (prefix, sizes) in below {
                map.insert(
                    SizesKey {
                        account: r.key.account,
                        container: Some(container.clone()),
                        prefix,
                    },
                    sizes,
                );
            }
        }
        if let Some(e) = &r.error {
            self.error(&format!("sizes: {e}"));
        }
        if self.sizes_key().as_ref() == Some(&r.key) || r.done {
            self.apply_sizes();
        }
        Vec::new()
    }

    /// Puts the known sizes into the folder and container rows (so sorting
    /// by size orders them too).
    pub(super) fn apply_sizes(&mut self) {
        let Some(sizes) = self.current_sizes() else {
            return;
        };
        // Rows not in this count show no size (not another source's).
        let found: Vec<(usize, u64)> = self
            .listing
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.kind, EntryKind::Folder | EntryKind::Container))
            .map(|(i, e)| (i, sizes.children.get(&e.name).map_or(0, |c| c.all.bytes)))
            .collect();
        if found
            .iter()
            .all(|(i, b)| self.listing.entries[*i].size == *b)
        {
            return;
        }
        for (i, bytes) in found {
            self.listing.entries[i].size = bytes;
        }
        self.rebuild_view(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Command;
    use crate::app::update_tests::{cmd, in_container, names};
    use crate::app::view::SortKey;
    use crate::azure::sizes::Count;

    /// All of it in Hot.
    fn count(bytes: u64, blobs: u64) -> Totals {
        let c = Count { bytes, blobs };
        let mut tiers = [Count::default(); 5];
        tiers[0] = c;
        Totals { all: c, tiers }
    }

    #[test]
    fn z_counts_the_folder_and_sizes_stream_into_folder_rows() {
        let mut s = in_container(&["a/", "b/", "x.bin"]);
        let effects = cmd(&mut s, Command::Sizes);
        assert!(matches!(&effects[..], [Effect::Sizes { filter: None, .. }]));
        let key = s.sizes_key().unwrap();
        assert!(matches!(&effects[..], [Effect::Sizes { key: k, .. }] if *k == key));
        assert!(s.current_sizes().unwrap().counting);
        // Progress: a/ so far.
        s.sizes_report(SizesReport {
            key: key.clone(),
            children: vec![("a/".into(), count(100, 2))],
            total: count(105, 3),
            below: Vec::new(),
            done: false,
            error: None,
            at: 0,
            source: None,
            live: true,
        });
        assert!(s.current_sizes().unwrap().counting);
        // The end: b/ is bigger, and a/b/ below is cached for the drill-down.
        s.sizes_report(SizesReport {
            key: key.clone(),
            children: vec![("b/".into(), count(900, 1))],
            total: count(1005, 4),
            below: vec![
                ("a/".into(), count(100, 2)),
                ("a/c/".into(), count(60, 1)),
                ("b/".into(), count(900, 1)),
            ],
            done: true,
            error: None,
            at: 1_800_000_000,
            source: None,
            live: true,
        });
        let sizes = s.current_sizes().unwrap();
        assert!(!sizes.counting);
        assert_eq!(sizes.taken_at, Some(1_800_000_000));
        s.sort.key = SortKey::Size;
        s.sort.descending = true;
        s.rebuild_view(true);
        let order = names(&s);
        assert_eq!(order[0], "b/", "{order:?}");
        let below = SizesKey {
            prefix: format!("{}a/", key.prefix),
            ..key
        };
        let a = &s.sizes[&below];
        assert_eq!(a.total, count(100, 2));
        assert_eq!(a.children[&Box::<str>::from("c/")], count(60, 1));
    }

    #[test]
    fn the_size_column_says_counting_then_the_size_and_the_footer_when() {
        let mut s = in_container(&["a/", "b/", "x.bin"]);
        s.update(crate::app::Action::Resize {
            width: 100,
            height: 12,
        });
        cmd(&mut s, Command::Sizes);
        let key = s.sizes_key().unwrap();
        let screen = crate::ui::snapshot_tests::render(&s, 100, 12);
        assert_eq!(screen.matches("counting…").count(), 3, "{screen}");
        s.sizes_report(SizesReport {
            key,
            children: vec![("a/".into(), count(3 << 20, 2)), ("b/".into(), count(0, 0))],
            total: count((3 << 20) + 10, 3),
            below: Vec::new(),
            done: true,
            error: None,
            at: 1_795_418_465,
            source: None,
            live: true,
        });
        let screen = crate::ui::snapshot_tests::render(&s, 100, 12);
        assert!(!screen.contains("counting…"), "{screen}");
        assert!(screen.contains("3 MiB"), "{screen}");
        assert!(screen.contains("counted 2026-11-23 07:21 UTC"), "{screen}");
    }

    #[test]
    fn tiers_and_the_estimated_cost_show_in_the_list_footer_and_details() {
        let mut s = in_container(&["a/", "b/", "x.bin"]);
        s.update(crate::app::Action::Resize {
            width: 120,
            height: 16,
        });
        cmd(&mut s, Command::Sizes);
        let key = s.sizes_key().unwrap();
        let mut a = Totals::default();
        a.add(40_000_000_000, crate::azure::walk::Tier::Hot);
        a.add(100_000_000_000, crate::azure::walk::Tier::Cool);
        a.add(1_000_000_000_000, crate::azure::walk::Tier::Archive);
        let mut b = Totals::default();
        b.add(5_000_000, crate::azure::walk::Tier::Hot);
        let mut total = a;
        total.merge(&b);
        s.sizes_report(SizesReport {
            key,
            children: vec![("a/".into(), a), ("b/".into(), b)],
            total,
            below: Vec::new(),
            done: true,
            error: None,
            at: 1_795_418_465,
            source: None,
            live: true,
        });
        s.now = 1_795_418_465 + 180;
        cmd(&mut s, Command::Details);
        assert_eq!(s.selected_entry().map(|e| &*e.name), Some("a/"));
        let screen = crate::ui::snapshot_tests::render(&s, 120, 16);
        // 40 GB Hot at 0.018 + 100 GB Cool at 0.01 + 1 TB Archive at 0.00099.
        assert!(screen.contains("2.71 USD"), "{screen}");
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn i_reads_sizes_from_an_inventory_report_and_says_so() {
        let mut s = in_container(&["a/", "x.bin"]);
        s.update(crate::app::Action::Resize {
            width: 160,
            height: 12,
        });
        cmd(&mut s, Command::SizesInventory);
        assert_eq!(s.mode(), crate::app::layers::Mode::Ask);
        assert_eq!(s.input.value(), "az://");
        s.input = tui_input::Input::new("az://inventory/2026/".into());
        let fx = cmd(&mut s, Command::Accept);
        let key = s.sizes_key().unwrap();
        match &fx[..] {
            [
                Effect::SizesInventory {
                    key: k,
                    report,
                    rule: None,
                },
            ] => {
                assert_eq!(*k, key);
                assert_eq!(report, "az://inventory/2026/");
            }
            other => panic!("{other:?}"),
        }
        s.sizes_report(SizesReport {
            key,
            children: vec![("a/".into(), count(5 << 20, 2))],
            total: count(5 << 20, 2),
            below: Vec::new(),
            done: true,
            error: None,
            at: 1_795_418_465,
            source: Some(
                "from the inventory report of 2026-11-29T13:35:56Z (rule Rule_1), not a live count"
                    .into(),
            ),
            live: false,
        });
        let screen = crate::ui::snapshot_tests::render(&s, 160, 12);
        assert!(
            screen.contains(
                "from the inventory report of 2026-11-29T13:35:56Z (rule Rule_1), not a live count"
            ),
            "{screen}"
        );
        assert!(screen.contains("5 MiB"), "{screen}");
        // The place typed is offered next time.
        cmd(&mut s, Command::SizesInventory);
        assert_eq!(s.input.value(), "az://inventory/2026/");
        // Nonsense is refused before anything runs.
        s.input = tui_input::Input::new("inventory".into());
        assert!(cmd(&mut s, Command::Accept).is_empty());
        assert_eq!(s.mode(), crate::app::layers::Mode::Ask, "still asking");
    }

    #[test]
    fn filtered_and_inventory_counts_leave_the_live_count_cached() {
        let mut s = in_container(&["a/", "b/"]);
        s.update(crate::app::Action::Resize {
            width: 160,
            height: 12,
        });
        let key = s.sizes_key().unwrap();
        let done = |children: Vec<(String, Totals)>, total, source: Option<&str>| SizesReport {
            key: key.clone(),
            children,
            total,
            below: vec![("a/".into(), total)],
            done: true,
            error: None,
            at: 1_795_418_465,
            source: source.map(str::to_string),
            live: source.is_none(),
        };
        cmd(&mut s, Command::Sizes);
        s.sizes_report(done(
            vec![("a/".into(), count(300, 3))],
            count(300, 3),
            None,
        ));
        // Alt-Z: a filtered count, shown, cached apart.
        cmd(&mut s, Command::SizesFiltered);
        s.input = tui_input::Input::new("*.csv".into());
        let fx = cmd(&mut s, Command::Accept);
        assert!(matches!(
            &fx[..],
            [Effect::Sizes {
                filter: Some(_),
                ..
            }]
        ));
        s.sizes_report(done(
            vec![("a/".into(), count(10, 1))],
            count(10, 1),
            Some("only what \"*.csv\" takes"),
        ));
        assert_eq!(s.current_sizes().unwrap().total, count(10, 1));
        assert_eq!(s.sizes[&key].total, count(300, 3), "live kept");
        let screen = crate::ui::snapshot_tests::render(&s, 160, 12);
        assert!(screen.contains("only what \"*.csv\" takes"), "{screen}");
        assert!(screen.contains("Z: the live count (cached)"), "{screen}");
        // The folder below too: its live entry is untouched.
        let below = SizesKey {
            prefix: "a/".into(),
            ..key.clone()
        };
        assert_eq!(s.sizes[&below].total, count(300, 3));
        assert_eq!(s.sizes_other[&below].total, count(10, 1));
        // Z: the live count again, no walk; the footer says counted.
        assert!(cmd(&mut s, Command::Sizes).is_empty());
        assert_eq!(s.current_sizes().unwrap().total, count(300, 3));
        let screen = crate::ui::snapshot_tests::render(&s, 160, 12);
        assert!(screen.contains("counted 2026-11-23"), "{screen}");
        assert!(screen.contains("300 B"), "{screen}");
        // Z once more: a fresh walk.
        assert!(matches!(
            &cmd(&mut s, Command::Sizes)[..],
            [Effect::Sizes { filter: None, .. }]
        ));
        // An inventory count then Z: the same, the live count without a walk.
        s.sizes_report(done(
            vec![("a/".into(), count(300, 3))],
            count(300, 3),
            None,
        ));
        s.inventory_report = Some("az://inv/".into());
        cmd(&mut s, Command::SizesInventory);
        let fx = cmd(&mut s, Command::Accept);
        assert!(matches!(&fx[..], [Effect::SizesInventory { .. }]));
        s.sizes_report(done(
            vec![("a/".into(), count(5, 1))],
            count(5, 1),
            Some("from the inventory report of 2026-11-29T13:35:56Z (rule R), not a live count"),
        ));
        assert_eq!(s.current_sizes().unwrap().total, count(5, 1));
        assert!(cmd(&mut s, Command::Sizes).is_empty());
        assert_eq!(s.current_sizes().unwrap().total, count(300, 3));
    }

    #[test]
    fn f_counts_only_what_the_words_take_and_says_so() {
        let mut s = in_container(&["a/", "x.bin"]);
        cmd(&mut s, Command::SizesFiltered);
        assert_eq!(s.mode(), crate::app::layers::Mode::Ask);
        s.input = tui_input::Input::new("min:lots".into());
        assert!(cmd(&mut s, Command::Accept).is_empty(), "refused as typed");
        s.input = tui_input::Input::new("*.csv min:1MiB".into());
        let fx = cmd(&mut s, Command::Accept);
        assert!(
            matches!(&fx[..], [Effect::Sizes { filter: Some(f), .. }] if f == "*.csv min:1MiB"),
            "{fx:?}"
        );
    }
}
