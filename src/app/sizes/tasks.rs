//! The sizes' background work: a live count with the parallel walker
//! (`Z`, `Alt-Z`) and a count from an inventory report (`I`).

use super::{SizesKey, SizesReport};
use crate::app::action::Action;
use crate::app::tasks::unix_now;
use crate::azure::StorageClient;
use crate::azure::sizes::Totals;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// Counts sizes with the parallel walker: below a folder (every level, so
/// the folders below are cached too), or each container in turn. Reports
/// at most every 200 ms while counting, and once at the end.
pub(in crate::app) async fn count_sizes(
    client: StorageClient,
    key: SizesKey,
    containers: Vec<String>,
    filter: Option<String>,
    cancel: CancellationToken,
    tx: UnboundedSender<Action>,
) {
    let (find, source) = match &filter {
        None => (None, None),
        Some(text) => match crate::azure::find::Find::parse_filtered(text, unix_now()) {
            Ok(f) => (Some(f), Some(format!("only what \"{text}\" takes"))),
            Err(e) => {
                let _ = tx.send(Action::Sizes(SizesReport {
                    key,
                    children: Vec::new(),
                    total: Default::default(),
                    below: Vec::new(),
                    done: true,
                    error: Some(e),
                    at: unix_now(),
                    source: None,
                    live: false,
                }));
                return;
            }
        },
    };
    let takes = |rel: &str, size: u64, modified: Option<i64>| {
        find.as_ref()
            .is_none_or(|f| f.matches(rel) && f.filter.matches(rel, size, modified))
    };
    use crate::azure::sizes::Sizes;
    use crate::azure::walk::{Walk, WalkOptions};
    const EVERY: Duration = Duration::from_millis(200);
    let report = |children: Vec<(String, Totals)>, total: Totals, below, done, error| {
        tx.send(Action::Sizes(SizesReport {
            key: key.clone(),
            children,
            total,
            below,
            done,
            error,
            at: unix_now(),
            source: source.clone(),
            live: filter.is_none(),
        }))
        .is_ok()
    };
    let mut last = Instant::now();
    if let Some(container) = &key.container {
        let mut sizes = Sizes::new(usize::MAX);
        let mut walk = Walk::start(
            client,
            container,
            &key.prefix,
            WalkOptions::default(),
            cancel.clone(),
        );
        let mut error = None;
        while let Some(page) = walk.next().await {
            match page {
                Ok(blobs) => {
                    for b in blobs {
                        let rel = b.name.strip_prefix(&key.prefix).unwrap_or(&b.name);
                        if takes(rel, b.size, b.last_modified) {
                            sizes.add(rel, b.size, b.tier);
                        }
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
            if last.elapsed() >= EVERY {
                last = Instant::now();
                let children = sizes
                    .folders
                    .iter()
                    .filter(|(k, _)| !k.is_empty() && k[..k.len() - 1].find('/').is_none())
                    .map(|(k, t)| (k.clone(), *t))
                    .collect();
                if !report(children, *sizes.total(), Vec::new(), false, None) {
                    return;
                }
            }
        }
        if cancel.is_cancelled() {
            return;
        }
        let children = sizes
            .folders
            .iter()
            .filter(|(k, _)| !k.is_empty() && k[..k.len() - 1].find('/').is_none())
            .map(|(k, t)| (k.clone(), *t))
            .collect();
        let below = sizes
            .folders
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, t)| (k.clone(), *t))
            .collect();
        report(children, *sizes.total(), below, true, error);
        return;
    }
    let mut total = Totals::default();
    for (i, container) in containers.iter().enumerate() {
        let mut walk = Walk::start(
            client.clone(),
            container,
            "",
            WalkOptions::default(),
            cancel.clone(),
        );
        let mut count = Totals::default();
        while let Some(page) = walk.next().await {
            match page {
                Ok(blobs) => {
                    for b in blobs {
                        if takes(&b.name, b.size, b.last_modified) {
                            count.add(b.size, b.tier);
                        }
                    }
                }
                Err(e) => {
                    report(Vec::new(), total, Vec::new(), true, Some(e));
                    return;
                }
            }
        }
        if cancel.is_cancelled() {
            return;
        }
        total.merge(&count);
        let done = i + 1 == containers.len();
        if !report(
            vec![(container.clone(), count)],
            total,
            Vec::new(),
            done,
            None,
        ) {
            return;
        }
    }
}

/// The task behind `I`: the latest report below `report`, summed for `key`
/// (every level below, like a walk; on the container list, per container).
pub(in crate::app) async fn from_inventory(
    client: crate::azure::StorageClient,
    key: SizesKey,
    report: String,
    rule: Option<String>,
) -> SizesReport {
    use crate::azure::inventory;
    let mut out = SizesReport {
        key: key.clone(),
        children: Vec::new(),
        total: Totals::default(),
        below: Vec::new(),
        done: true,
        error: None,
        at: unix_now(),
        source: None,
        live: false,
    };
    let place = match crate::azure::uri::parse_az_uri(&report) {
        Ok(p) => p,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let manifest =
        inventory::latest_manifest(&client, &place.container, &place.prefix, rule.as_deref()).await;
    let (_, manifest) = match manifest {
        Ok(m) => m,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let (container, prefix) = match &key.container {
        Some(c) => (c.as_str(), key.prefix.as_str()),
        None => ("", ""),
    };
    let sums = inventory::sum(
        &client,
        &place.container,
        &manifest,
        container,
        prefix,
        usize::MAX,
    )
    .await;
    match sums {
        Ok(sums) => {
            out.total = *sums.sizes.total();
            for (k, t) in sums.sizes.folders.iter().filter(|(k, _)| !k.is_empty()) {
                let top = k[..k.len() - 1].find('/').is_none();
                match (&key.container, top) {
                    (None, true) => out.children.push((k[..k.len() - 1].to_string(), *t)),
                    (Some(_), true) => out.children.push((k.clone(), *t)),
                    _ => {}
                }
                if key.container.is_some() {
                    out.below.push((k.clone(), *t));
                }
            }
            out.source = Some(format!(
                "from the inventory report of {} (rule {}), not a live count",
                manifest.completion_time, manifest.rule_name
            ));
        }
        Err(e) => out.error = Some(e),
    }
    out
}
