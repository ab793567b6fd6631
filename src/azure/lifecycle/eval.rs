//! "What would these rules do today?": a policy evaluated over a listing,
//! as the service decides (Azure Storage docs, lifecycle management
//! overview): system containers (`$logs`, `$web`, …) are left alone; a rule
//! applies when every filter matches (blob type, any prefix — which starts
//! with the container's name —, every index tag condition); an action fires
//! when the blob's age in whole days is strictly more than the rule's; a tier action only moves a blob
//! to a colder tier and only block blobs; when several actions from any
//! rules fire for one blob, the cheapest wins (delete, then archive, cold,
//! cool; a blob two rules would treat alike counts once, for the first).
//! Snapshots and older versions count days from their creation
//! (their timestamp). Without last access tracking a blob has no access time
//! and the service counts from when the policy took effect; here that is the
//! modification time, and the result says so.
//!
//! Pure: the listing and `now` are given, so tests choose both.

use super::model::{Clock, Policy, Rule, Target, Verb};
use crate::azure::history::parse_stamp;
use crate::azure::walk::{Tier, WalkBlob};
use serde::Serialize;

/// Names kept per action; the count and bytes cover every blob.
pub const LIST_LIMIT: usize = 10_000;
const DAY: i64 = 86_400;

/// One rule's action and what it would take.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub rule: String,
    pub target: Option<Target>,
    pub action: Option<Verb>,
    pub count: u64,
    pub bytes: u64,
    /// `container/name`, with `?snapshot=` or `?versionid=` for those;
    /// at most [`LIST_LIMIT`].
    pub blobs: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DryRun {
    /// Unix seconds the rules were evaluated at.
    pub now: i64,
    /// Blobs, snapshots and versions looked at.
    pub scanned: u64,
    pub scanned_bytes: u64,
    /// Every action of every enabled rule, in the policy's order, also those
    /// that would take nothing.
    pub hits: Vec<Hit>,
    /// Rules turned off: they do nothing.
    pub disabled: Vec<String>,
    /// Blobs a last-access action was decided for without an access time.
    pub without_access_time: u64,
}

impl DryRun {
    pub fn total(&self) -> (u64, u64) {
        self.hits
            .iter()
            .fold((0, 0), |(c, b), h| (c + h.count, b + h.bytes))
    }
}

pub struct Evaluator<'p> {
    policy: &'p Policy,
    result: DryRun,
    /// Index into `result.hits` of each (rule, target, verb).
    slots: Vec<(usize, Target, Verb)>,
}

fn rank(t: Tier) -> u8 {
    match t {
        Tier::Hot | Tier::Other => 0,
        Tier::Cool => 1,
        Tier::Cold => 2,
        Tier::Archive => 3,
    }
}

impl<'p> Evaluator<'p> {
    pub fn new(policy: &'p Policy, now: i64) -> Self {
        let mut result = DryRun {
            now,
            ..DryRun::default()
        };
        let mut slots = Vec::new();
        for (i, rule) in policy.rules.iter().enumerate() {
            if !rule.is_enabled() {
                result.disabled.push(rule.name.clone());
                continue;
            }
            for target in Target::ALL {
                let Some(set) = rule.definition.actions.set(target) else {
                    continue;
                };
                for verb in Verb::ALL {
                    if set.get(verb).is_some() {
                        slots.push((i, target, verb));
                        result.hits.push(Hit {
                            rule: rule.name.clone(),
                            target: Some(target),
                            action: Some(verb),
                            ..Hit::default()
                        });
                    }
                }
            }
        }
        Self {
            policy,
            result,
            slots,
        }
    }

    /// One listed blob (or snapshot, or version) of `container`.
    pub fn add(&mut self, container: &str, blob: &WalkBlob) {
        if container.starts_with('$') {
            return;
        }
        self.result.scanned += 1;
        self.result.scanned_bytes += blob.size;
        let facts = blob.lifecycle.as_deref();
        let target = match facts {
            Some(f) if f.snapshot.is_some() => Target::Snapshot,
            Some(f) if f.is_current_version == Some(false) => Target::Version,
            _ => Target::BaseBlob,
        };
        let kind = match facts.map(|f| f.blob_type.as_str()) {
            Some("AppendBlob") => "appendBlob",
            Some("PageBlob") => return,
            _ => "blockBlob",
        };
        let full = format!("{container}/{}", blob.name);
        let mut best: Option<(usize, bool)> = None;
        for (slot, &(i, t, verb)) in self.slots.iter().enumerate() {
            if t != target {
                continue;
            }
            let rule = &self.policy.rules[i];
            if !matches(rule, kind, &full, facts.map(|f| &f.tags[..]).unwrap_or(&[])) {
                continue;
            }
            if let Some(tier) = verb.tier()
                && (kind != "blockBlob" || rank(blob.tier) >= rank(tier))
            {
                continue;
            }
            let Some(condition) = rule
                .definition
                .actions
                .set(target)
                .and_then(|s| s.get(verb))
            else {
                continue;
            };
            let Some((clock, days)) = condition.clock() else {
                continue;
            };
            let (since, guessed) = match (target, clock) {
                (Target::Snapshot, _) => (
                    facts
                        .and_then(|f| f.snapshot.as_deref())
                        .and_then(parse_stamp),
                    false,
                ),
                (Target::Version, _) => (
                    facts
                        .and_then(|f| f.version_id.as_deref())
                        .and_then(parse_stamp)
                        .or(facts.and_then(|f| f.created)),
                    false,
                ),
                (_, Clock::Modified) => (blob.last_modified, false),
                (_, Clock::Created) => {
                    (facts.and_then(|f| f.created).or(blob.last_modified), false)
                }
                (_, Clock::LastAccess) => match facts.and_then(|f| f.last_access) {
                    Some(t) => (Some(t), false),
                    None => (blob.last_modified, true),
                },
            };
            let Some(since) = since else { continue };
            // Whole days of age, strictly more than the rule's.
            if (self.result.now - since).div_euclid(DAY) <= days {
                continue;
            }
            // The cheapest action wins; between equals, the first rule.
            let better = match best {
                None => true,
                Some((b, _)) => verb > self.slots[b].2,
            };
            if better {
                best = Some((slot, guessed));
            }
        }
        let Some((slot, guessed)) = best else { return };
        if guessed {
            self.result.without_access_time += 1;
        }
        let hit = &mut self.result.hits[slot];
        hit.count += 1;
        hit.bytes += blob.size;
        if hit.blobs.len() < LIST_LIMIT {
            let f = facts;
            let name = match (target, f) {
                (Target::Snapshot, Some(f)) => {
                    format!("{full}?snapshot={}", f.snapshot.as_deref().unwrap_or(""))
                }
                (Target::Version, Some(f)) => {
                    format!("{full}?versionid={}", f.version_id.as_deref().unwrap_or(""))
                }
                _ => full,
            };
            hit.blobs.push(name);
        }
    }

    pub fn finish(self) -> DryRun {
        self.result
    }
}

fn matches(rule: &Rule, kind: &str, full: &str, tags: &[(String, String)]) -> bool {
    let f = &rule.definition.filters;
    f.blob_types.iter().any(|t| t == kind)
        && (f.prefix_match.is_empty()
            || f.prefix_match.iter().any(|p| full.starts_with(p.as_str())))
        && f.blob_index_match
            .iter()
            .all(|m| m.op == "==" && tags.iter().any(|(k, v)| *k == m.name && *v == m.value))
}

/// The whole listing at once.
pub fn evaluate<'a>(
    policy: &Policy,
    now: i64,
    blobs: impl IntoIterator<Item = (&'a str, &'a WalkBlob)>,
) -> DryRun {
    let mut e = Evaluator::new(policy, now);
    for (container, blob) in blobs {
        e.add(container, blob);
    }
    e.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::walk::LifecycleFacts;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn blob(name: &str, days_old: i64, tier: Tier, facts: LifecycleFacts) -> WalkBlob {
        WalkBlob {
            name: name.into(),
            size: 100,
            last_modified: Some(NOW - days_old * DAY - 60),
            tier,
            content_md5: None,
            source_mtime_ms: None,
            lifecycle: Some(Box::new(LifecycleFacts {
                blob_type: if facts.blob_type.is_empty() {
                    "BlockBlob".into()
                } else {
                    facts.blob_type.clone()
                },
                ..facts
            })),
        }
    }

    fn policy(v: serde_json::Value) -> Policy {
        serde_json::from_value(v).unwrap()
    }

    fn counts(run: &DryRun) -> Vec<(String, &'static str, &'static str, u64)> {
        run.hits
            .iter()
            .map(|h| {
                (
                    h.rule.clone(),
                    h.target.map(Target::key).unwrap_or(""),
                    h.action.map(Verb::key).unwrap_or(""),
                    h.count,
                )
            })
            .collect()
    }

    #[test]
    fn days_prefixes_tags_and_the_cheapest_action() {
        let p = policy(json!({"rules": [
            {"name": "logs", "type": "Lifecycle", "definition": {
                "filters": {"blobTypes": ["blockBlob"], "prefixMatch": ["data/logs/"]},
                "actions": {"baseBlob": {
                    "tierToCool": {"daysAfterModificationGreaterThan": 30},
                    "delete": {"daysAfterModificationGreaterThan": 365}}}}},
            {"name": "tagged", "type": "Lifecycle", "definition": {
                "filters": {"blobTypes": ["blockBlob", "appendBlob"],
                            "blobIndexMatch": [{"name": "project", "op": "==", "value": "old"}]},
                "actions": {"baseBlob": {"tierToArchive": {"daysAfterCreationGreaterThan": 0},
                                         "delete": {"daysAfterCreationGreaterThan": 10}}}}},
            {"name": "off", "enabled": false, "type": "Lifecycle", "definition": {
                "filters": {"blobTypes": ["blockBlob"]},
                "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 0}}}}}
        ]}));
        let old = |d| LifecycleFacts {
            created: Some(NOW - d * DAY - 60),
            ..Default::default()
        };
        let tagged = |d, v: &str| LifecycleFacts {
            tags: vec![("project".into(), v.into())],
            ..old(d)
        };
        let blobs = [
            ("data", blob("logs/a", 31, Tier::Hot, old(31))), // cool
            ("data", blob("logs/b", 30, Tier::Hot, old(30))), // not yet: strictly more
            ("data", blob("logs/c", 400, Tier::Hot, old(400))), // delete beats cool
            ("data", blob("logs/d", 40, Tier::Cool, old(40))), // already cool
            ("data", blob("other/logs/e", 99, Tier::Hot, old(99))), // prefix is from the container
            ("other", blob("logs/f", 99, Tier::Hot, old(99))), // another container
            ("data", blob("t/1", 1, Tier::Hot, tagged(1, "old"))), // archive
            ("data", blob("t/2", 11, Tier::Hot, tagged(11, "old"))), // delete
            ("data", blob("t/3", 11, Tier::Hot, tagged(11, "new"))), // tag differs
            ("data", blob("t/4", 1, Tier::Archive, tagged(1, "old"))), // already archived
            (
                "data",
                blob(
                    "logs/g",
                    50,
                    Tier::Hot,
                    LifecycleFacts {
                        blob_type: "AppendBlob".into(),
                        ..old(50)
                    },
                ),
            ), // not a block blob
            (
                "data",
                blob(
                    "t/5",
                    1,
                    Tier::Other,
                    LifecycleFacts {
                        blob_type: "AppendBlob".into(),
                        ..tagged(1, "old")
                    },
                ),
            ), // append blobs are not tiered
            ("$logs", blob("logs/x", 999, Tier::Hot, old(999))), // system container
        ];
        let run = evaluate(&p, NOW, blobs.iter().map(|(c, b)| (*c, b)));
        assert_eq!(
            counts(&run),
            [
                ("logs".to_string(), "baseBlob", "tierToCool", 1),
                ("logs".to_string(), "baseBlob", "delete", 1),
                ("tagged".to_string(), "baseBlob", "tierToArchive", 1),
                ("tagged".to_string(), "baseBlob", "delete", 1),
            ]
        );
        assert_eq!(run.hits[0].blobs, ["data/logs/a"]);
        assert_eq!(run.hits[1].blobs, ["data/logs/c"]);
        assert_eq!(run.hits[3].blobs, ["data/t/2"]);
        assert_eq!(run.disabled, ["off"]);
        assert_eq!(run.scanned, 12, "the system container is not looked at");
        assert_eq!(run.total(), (4, 400));
    }

    #[test]
    fn snapshots_and_versions_count_from_their_own_time() {
        let p = policy(
            json!({"rules": [{"name": "history", "type": "Lifecycle", "definition": {
            "filters": {"blobTypes": ["blockBlob"]},
            "actions": {
                "snapshot": {"delete": {"daysAfterCreationGreaterThan": 7}},
                "version": {"tierToCold": {"daysAfterCreationGreaterThan": 7}}}}}]}),
        );
        let stamp = |days: i64| {
            time::OffsetDateTime::from_unix_timestamp(NOW - days * DAY - 60)
                .unwrap()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        let snap = |d| LifecycleFacts {
            snapshot: Some(stamp(d)),
            ..Default::default()
        };
        let version = |d, current| LifecycleFacts {
            version_id: Some(stamp(d)),
            is_current_version: Some(current),
            ..Default::default()
        };
        // The base blob is old but the rule has no base blob action.
        let blobs = [
            blob("a", 100, Tier::Hot, LifecycleFacts::default()),
            blob("a", 100, Tier::Hot, snap(8)),
            blob("a", 100, Tier::Hot, snap(6)),
            blob("b", 100, Tier::Hot, version(8, false)),
            blob("b", 100, Tier::Hot, version(6, false)),
            blob("b", 100, Tier::Hot, version(9, true)),
        ];
        let run = evaluate(&p, NOW, blobs.iter().map(|b| ("c", b)));
        assert_eq!(
            counts(&run),
            [
                ("history".to_string(), "snapshot", "delete", 1),
                ("history".to_string(), "version", "tierToCold", 1),
            ]
        );
        assert!(run.hits[0].blobs[0].starts_with("c/a?snapshot="));
        assert!(run.hits[1].blobs[0].starts_with("c/b?versionid="));
    }

    #[test]
    fn last_access_without_tracking_counts_from_modification_and_says_so() {
        let p = policy(
            json!({"rules": [{"name": "cold", "type": "Lifecycle", "definition": {
            "filters": {"blobTypes": ["blockBlob"]},
            "actions": {"baseBlob": {"tierToCold": {"daysAfterLastAccessTimeGreaterThan": 10}}}}}]}),
        );
        let tracked = LifecycleFacts {
            last_access: Some(NOW - 2 * DAY),
            ..Default::default()
        };
        let blobs = [
            blob("read-lately", 50, Tier::Hot, tracked),
            blob("untracked", 50, Tier::Hot, LifecycleFacts::default()),
        ];
        let run = evaluate(&p, NOW, blobs.iter().map(|b| ("c", b)));
        assert_eq!(run.hits[0].blobs, ["c/untracked"]);
        assert_eq!(run.without_access_time, 1);
        let words = super::super::report(&run, 10).join("\n");
        assert!(
            words.contains("cold: baseBlob tierToCold → 1 blob (100 B)"),
            "{words}"
        );
        assert!(words.contains("no last access time"), "{words}");
    }
}
