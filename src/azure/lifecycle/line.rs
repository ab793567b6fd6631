//! One rule as one line, for editing in the TUI:
//!
//! ```text
//! NAME [off] [types=block,append] [prefix=CONTAINER/PATH,…] [tag:KEY=VALUE]… ACTION…
//! ACTION = TARGET.VERB>DAYS CLOCK    e.g. base.cool>30m  base.delete>365c  snapshot.delete>90c
//! TARGET = base | snapshot | version       VERB = cool | cold | archive | delete
//! CLOCK  = m (since modification) | c (since creation) | a (since last access)
//! ```
//!
//! Parsing starts from the rule being edited, so keys the line cannot say
//! (e.g. `daysAfterLastTierChangeGreaterThan`) stay as they were.

use super::model::{ActionSet, Actions, Condition, Rule, TagMatch, Target, Verb};

fn target_word(t: Target) -> &'static str {
    match t {
        Target::BaseBlob => "base",
        Target::Snapshot => "snapshot",
        Target::Version => "version",
    }
}

fn verb_word(v: Verb) -> &'static str {
    match v {
        Verb::TierToCool => "cool",
        Verb::TierToCold => "cold",
        Verb::TierToArchive => "archive",
        Verb::Delete => "delete",
    }
}

/// The rule as a line.
pub fn format_rule(rule: &Rule) -> String {
    let mut parts = vec![rule.name.clone()];
    if !rule.is_enabled() {
        parts.push("off".into());
    }
    let f = &rule.definition.filters;
    let types: Vec<&str> = f
        .blob_types
        .iter()
        .map(|t| match t.as_str() {
            "blockBlob" => "block",
            "appendBlob" => "append",
            other => other,
        })
        .collect();
    if types != ["block"] {
        parts.push(format!("types={}", types.join(",")));
    }
    if !f.prefix_match.is_empty() {
        parts.push(format!("prefix={}", f.prefix_match.join(",")));
    }
    for t in &f.blob_index_match {
        parts.push(format!("tag:{}={}", t.name, t.value));
    }
    for target in Target::ALL {
        let Some(set) = rule.definition.actions.set(target) else {
            continue;
        };
        for verb in Verb::ALL {
            if let Some((clock, days)) = set.get(verb).and_then(Condition::clock) {
                let c = match clock {
                    super::model::Clock::Modified => 'm',
                    super::model::Clock::Created => 'c',
                    super::model::Clock::LastAccess => 'a',
                };
                parts.push(format!(
                    "{}.{}>{days}{c}",
                    target_word(target),
                    verb_word(verb)
                ));
            }
        }
    }
    parts.join(" ")
}

/// A line back into a rule, on top of `base` (the rule edited, if any).
pub fn parse_rule(line: &str, base: Option<&Rule>) -> Result<Rule, String> {
    let mut words = line.split_whitespace();
    let name = words
        .next()
        .ok_or("type a rule: NAME [prefix=container/path] base.cool>30m …")?;
    let mut rule = base.cloned().unwrap_or_else(|| Rule {
        name: String::new(),
        enabled: None,
        kind: "Lifecycle".into(),
        definition: Default::default(),
        extra: Default::default(),
    });
    rule.name = name.to_string();
    rule.enabled = base.and(rule.enabled).filter(|e| *e);
    let old_actions = std::mem::take(&mut rule.definition.actions);
    rule.definition.actions = Actions {
        extra: old_actions.extra.clone(),
        ..Actions::default()
    };
    let f = &mut rule.definition.filters;
    f.blob_types = vec!["blockBlob".into()];
    f.prefix_match.clear();
    f.blob_index_match.clear();
    for word in words {
        if word == "off" {
            rule.enabled = Some(false);
        } else if let Some(v) = word.strip_prefix("types=") {
            let mut types = Vec::new();
            for t in v.split(',').filter(|t| !t.is_empty()) {
                types.push(match t {
                    "block" | "blockBlob" => "blockBlob".to_string(),
                    "append" | "appendBlob" => "appendBlob".to_string(),
                    other => return Err(format!("{other:?} is not a blob type (block, append)")),
                });
            }
            rule.definition.filters.blob_types = types;
        } else if let Some(v) = word.strip_prefix("prefix=") {
            rule.definition.filters.prefix_match = v
                .split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect();
        } else if let Some(v) = word.strip_prefix("tag:") {
            let (k, val) = v
                .split_once('=')
                .ok_or_else(|| format!("{word:?}: write tag:KEY=VALUE"))?;
            rule.definition.filters.blob_index_match.push(TagMatch {
                name: k.to_string(),
                op: "==".into(),
                value: val.to_string(),
            });
        } else {
            let (target, verb, condition) = action(word)?;
            let old = old_actions.set(target).cloned().unwrap_or_default();
            let set = rule
                .definition
                .actions
                .set_mut(target)
                .get_or_insert_with(|| ActionSet {
                    extra: old.extra.clone(),
                    ..ActionSet::default()
                });
            // Keys the line cannot say stay from the same action before.
            let extra = old.get(verb).map(|c| c.extra.clone()).unwrap_or_default();
            *set.slot(verb) = Some(Condition { extra, ..condition });
        }
    }
    Ok(rule)
}

fn action(word: &str) -> Result<(Target, Verb, Condition), String> {
    let bad = || {
        format!(
            "{word:?} is not an action: write TARGET.VERB>DAYS and m, c or a (e.g. base.cool>30m, snapshot.delete>90c)"
        )
    };
    let (what, when) = word.split_once('>').ok_or_else(bad)?;
    let (t, v) = what.split_once('.').ok_or_else(bad)?;
    let target = match t {
        "base" => Target::BaseBlob,
        "snapshot" => Target::Snapshot,
        "version" => Target::Version,
        _ => return Err(bad()),
    };
    let verb = match v {
        "cool" => Verb::TierToCool,
        "cold" => Verb::TierToCold,
        "archive" => Verb::TierToArchive,
        "delete" => Verb::Delete,
        _ => return Err(bad()),
    };
    let (digits, clock) = when.split_at(when.len().saturating_sub(1));
    let days: i64 = digits.parse().map_err(|_| bad())?;
    let mut c = Condition::default();
    match clock {
        "m" => c.days_after_modification_greater_than = Some(days),
        "c" => c.days_after_creation_greater_than = Some(days),
        "a" => c.days_after_last_access_time_greater_than = Some(days),
        _ => return Err(bad()),
    }
    Ok((target, verb, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_rule_goes_to_a_line_and_back() {
        let rule: Rule = serde_json::from_value(json!({
            "name": "logs", "enabled": false, "type": "Lifecycle",
            "definition": {
                "filters": {"blobTypes": ["blockBlob", "appendBlob"], "prefixMatch": ["data/logs/", "data/tmp/"],
                            "blobIndexMatch": [{"name": "project", "op": "==", "value": "old"}]},
                "actions": {
                    "baseBlob": {"tierToCool": {"daysAfterModificationGreaterThan": 30},
                                 "tierToArchive": {"daysAfterModificationGreaterThan": 90, "daysAfterLastTierChangeGreaterThan": 7},
                                 "delete": {"daysAfterLastAccessTimeGreaterThan": 365},
                                 "enableAutoTierToHotFromCool": true},
                    "snapshot": {"delete": {"daysAfterCreationGreaterThan": 90}}}}}))
        .unwrap();
        let line = format_rule(&rule);
        assert_eq!(
            line,
            "logs off types=block,append prefix=data/logs/,data/tmp/ tag:project=old base.cool>30m base.archive>90m base.delete>365a snapshot.delete>90c"
        );
        assert_eq!(
            parse_rule(&line, Some(&rule)).unwrap(),
            rule,
            "keys the line cannot say are kept"
        );
        // A new rule: block blobs, on.
        let new = parse_rule("fresh base.delete>7c", None).unwrap();
        assert_eq!(
            serde_json::to_value(&new).unwrap(),
            json!({"name": "fresh", "type": "Lifecycle", "definition": {
                "filters": {"blobTypes": ["blockBlob"]},
                "actions": {"baseBlob": {"delete": {"daysAfterCreationGreaterThan": 7}}}}})
        );
        for bad in [
            "",
            "x base.cool>30",
            "x base.freeze>3m",
            "x types=page",
            "x tag:novalue",
            "x base.cool>m",
        ] {
            assert!(parse_rule(bad, None).is_err(), "{bad:?}");
        }
    }
}
