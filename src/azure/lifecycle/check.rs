//! The service's limits on a lifecycle policy, checked before anything is
//! sent (Azure Storage docs, "Lifecycle management policy structure"):
//! at most 100 rules, names of 1–256 letters and digits, unique
//! (case-sensitive); type `Lifecycle`; `blobTypes` required (`blockBlob`,
//! `appendBlob`; tiering applies to block blobs only); at most 10 prefixes
//! (each starting with a container name) and 10 index tag conditions (`==`,
//! key 1–128, value 0–256 characters); at least one action; each action
//! exactly one condition, 0–99,999 days; snapshots and versions count only
//! from creation.

use super::model::{Clock, Policy, Target, Verb};

pub const MAX_RULES: usize = 100;
pub const MAX_NAME: usize = 256;
pub const MAX_PREFIXES: usize = 10;
pub const MAX_TAG_CONDITIONS: usize = 10;
pub const MAX_DAYS: i64 = 99_999;

/// Every problem, one sentence each, naming the rule; empty when the
/// service would take the policy.
pub fn problems(policy: &Policy) -> Vec<String> {
    let mut out = Vec::new();
    if policy.rules.len() > MAX_RULES {
        out.push(format!(
            "{} rules: a policy holds at most {MAX_RULES}",
            policy.rules.len()
        ));
    }
    for (i, rule) in policy.rules.iter().enumerate() {
        let name = if rule.name.is_empty() {
            format!("rule {}", i + 1)
        } else {
            format!("rule {:?}", rule.name)
        };
        let mut say = |what: String| out.push(format!("{name}: {what}"));
        if rule.name.is_empty() || rule.name.chars().count() > MAX_NAME {
            say(format!("a name of 1–{MAX_NAME} characters is required"));
        } else if !rule.name.chars().all(|c| c.is_ascii_alphanumeric()) {
            say("a name may hold only letters and digits".into());
        }
        if policy.rules[..i].iter().any(|r| r.name == rule.name) && !rule.name.is_empty() {
            say("another rule has the same name".into());
        }
        if rule.kind != "Lifecycle" {
            say(format!("type {:?} is not Lifecycle", rule.kind));
        }
        let f = &rule.definition.filters;
        if f.blob_types.is_empty() {
            say("blobTypes is required (blockBlob, appendBlob)".into());
        }
        for t in &f.blob_types {
            if t != "blockBlob" && t != "appendBlob" {
                say(format!("blob type {t:?} is not blockBlob or appendBlob"));
            }
        }
        if f.prefix_match.len() > MAX_PREFIXES {
            say(format!("at most {MAX_PREFIXES} prefixes"));
        }
        for p in &f.prefix_match {
            if p.is_empty() || p.starts_with('/') {
                say(format!(
                    "prefix {p:?} must start with a container name (container/path)"
                ));
            }
        }
        if f.blob_index_match.len() > MAX_TAG_CONDITIONS {
            say(format!("at most {MAX_TAG_CONDITIONS} index tag conditions"));
        }
        for t in &f.blob_index_match {
            if t.op != "==" {
                say(format!(
                    "index tag condition on {:?}: only == is allowed",
                    t.name
                ));
            }
            if t.name.is_empty() || t.name.chars().count() > 128 {
                say(format!(
                    "index tag key {:?} must be 1–128 characters",
                    t.name
                ));
            }
            if t.value.chars().count() > 256 {
                say(format!(
                    "index tag value for {:?} is longer than 256 characters",
                    t.name
                ));
            }
        }
        let a = &rule.definition.actions;
        let mut any = false;
        let block_only = !f.blob_types.is_empty() && f.blob_types.iter().all(|t| t == "blockBlob");
        for target in Target::ALL {
            let Some(set) = a.set(target) else { continue };
            for verb in Verb::ALL {
                let Some(c) = set.get(verb) else { continue };
                any = true;
                let at = format!("{} {}", target.key(), verb.key());
                if c.count() != 1 {
                    say(format!(
                        "{at}: exactly one of daysAfterModificationGreaterThan, daysAfterCreationGreaterThan, daysAfterLastAccessTimeGreaterThan"
                    ));
                    continue;
                }
                if let Some((clock, days)) = c.clock() {
                    if !(0..=MAX_DAYS).contains(&days) {
                        say(format!("{at}: {days} days is outside 0–{MAX_DAYS}"));
                    }
                    if target != Target::BaseBlob && clock != Clock::Created {
                        say(format!(
                            "{at}: snapshots and versions count days since creation only (daysAfterCreationGreaterThan)"
                        ));
                    }
                }
                if verb != Verb::Delete && !block_only {
                    say(format!(
                        "{at}: tiering applies to block blobs only (set blobTypes to [\"blockBlob\"])"
                    ));
                }
            }
        }
        if !any {
            say("no action: add one for baseBlob, snapshot or version".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(v: serde_json::Value) -> Policy {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_documented_policy_passes() {
        let p = policy(json!({"rules": [{
            "name": "agingRule", "enabled": true, "type": "Lifecycle",
            "definition": {
                "filters": {"blobTypes": ["blockBlob"], "prefixMatch": ["container1/foo"],
                            "blobIndexMatch": [{"name": "Project", "op": "==", "value": "Contoso"}]},
                "actions": {
                    "baseBlob": {"tierToCool": {"daysAfterModificationGreaterThan": 30},
                                 "tierToArchive": {"daysAfterLastAccessTimeGreaterThan": 90},
                                 "delete": {"daysAfterCreationGreaterThan": 2555}},
                    "snapshot": {"delete": {"daysAfterCreationGreaterThan": 90}},
                    "version": {"tierToCold": {"daysAfterCreationGreaterThan": 30}}
                }
            }
        }]}));
        assert_eq!(problems(&p), Vec::<String>::new());
    }

    #[test]
    fn each_limit_is_named() {
        let p = policy(json!({"rules": [
            {"name": "bad-name", "type": "Lifecycle", "definition": {
                "filters": {"blobTypes": ["pageBlob"], "prefixMatch": ["/x"],
                            "blobIndexMatch": [{"name": "", "op": ">", "value": "v"}]},
                "actions": {
                    "baseBlob": {"delete": {"daysAfterModificationGreaterThan": 100000,
                                            "daysAfterCreationGreaterThan": 1},
                                 "tierToCool": {"daysAfterModificationGreaterThan": -1}},
                    "snapshot": {"delete": {"daysAfterModificationGreaterThan": 3}}}}},
            {"name": "dup", "type": "Lifecycle", "definition": {"filters": {"blobTypes": ["appendBlob"]},
                "actions": {"baseBlob": {"tierToArchive": {"daysAfterModificationGreaterThan": 1}}}}},
            {"name": "dup", "type": "Other", "definition": {"filters": {}, "actions": {}}}
        ]}));
        let all = problems(&p).join("\n");
        for needle in [
            "only letters and digits",
            "\"pageBlob\" is not blockBlob",
            "must start with a container name",
            "only == is allowed",
            "must be 1–128",
            "exactly one of",
            "-1 days is outside 0–99999",
            "since creation only",
            "tiering applies to block blobs only",
            "same name",
            "not Lifecycle",
            "blobTypes is required",
            "no action",
        ] {
            assert!(all.contains(needle), "{needle:?} missing from:\n{all}");
        }
        let many = Policy {
            rules: vec![p.rules[1].clone(); 101],
            ..Default::default()
        };
        assert!(problems(&many)[0].contains("at most 100"));
    }
}
