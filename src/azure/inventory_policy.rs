//! Blob Inventory rules (Resource Manager `inventoryPolicies/default`) of an
//! account found through Entra ID: read them (which rule writes reports
//! blobx can size from, and where), and add a daily CSV rule with the
//! columns `azure::inventory` reads. The policy is kept as JSON: other
//! rules and keys this code does not know are written back as they came.
//! Saved like the other Resource Manager settings: checked first, re-read,
//! refused when someone changed it since, one audit line.

use super::entra::Arm;
use serde::Serialize;
use serde_json::{Value, json};

/// The service's limit on rules per policy.
pub const MAX_RULES: usize = 100;
/// The longest rule name the service takes.
pub const MAX_NAME: usize = 256;
/// The name blobx gives the rule it creates (a number added if taken).
pub const DEFAULT_NAME: &str = "blobxsizes";

fn path(account_id: &str) -> String {
    format!("{account_id}/inventoryPolicies/default")
}

/// What the account has: its policy (`properties.policy`, `None` when it
/// has none) and whether blob versioning is on (the rule then lists versions).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    pub policy: Option<Value>,
    pub versioning: bool,
}

/// One rule, as far as blobx reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    pub name: String,
    pub enabled: bool,
    pub destination: String,
    pub format: String,
    pub schedule: String,
    pub object_type: String,
    pub schema_fields: Vec<String>,
    pub prefix_match: Vec<String>,
    /// Why blobx cannot size from its reports (`None`: it can).
    pub unusable: Option<String>,
}

impl RuleInfo {
    /// "Rule_1: daily Csv of blobs → az://inventory/ (prefixes logs/)".
    pub fn line(&self) -> String {
        let mut s = format!(
            "{}: {} {} of {}s → az://{}/",
            self.name,
            self.schedule.to_lowercase(),
            self.format,
            self.object_type.to_lowercase(),
            self.destination
        );
        if !self.prefix_match.is_empty() {
            s.push_str(&format!(" (only {})", self.prefix_match.join(", ")));
        }
        if let Some(why) = &self.unusable {
            s.push_str(&format!(" — not usable for sizes: {why}"));
        }
        s
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The rules of a policy, each with whether blobx can size from it.
pub fn rules(policy: Option<&Value>) -> Vec<RuleInfo> {
    let Some(policy) = policy else {
        return Vec::new();
    };
    let policy_on = policy["enabled"].as_bool().unwrap_or(true);
    let Some(list) = policy["rules"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .map(|r| {
            let d = &r["definition"];
            let text = |v: &Value| v.as_str().unwrap_or("").to_string();
            let mut info = RuleInfo {
                name: text(&r["name"]),
                enabled: r["enabled"].as_bool().unwrap_or(false),
                destination: text(&r["destination"]),
                format: text(&d["format"]),
                schedule: text(&d["schedule"]),
                object_type: text(&d["objectType"]),
                schema_fields: strings(&d["schemaFields"]),
                prefix_match: strings(&d["filters"]["prefixMatch"]),
                unusable: None,
            };
            let has = |f: &str| info.schema_fields.iter().any(|x| x == f);
            info.unusable = if !policy_on {
                Some("the policy is turned off".into())
            } else if !info.enabled {
                Some("the rule is turned off".into())
            } else if !info.object_type.eq_ignore_ascii_case("blob") {
                Some(format!("it lists {}s, not blobs", info.object_type))
            } else if !has("Name") || !has("Content-Length") {
                Some("its report has no Name or Content-Length column".into())
            } else {
                None
            };
            info
        })
        .collect()
}

/// The rules blobx can size from, or why there is none.
pub fn usable(policy: Option<&Value>) -> Result<Vec<RuleInfo>, String> {
    let all = rules(policy);
    if all.is_empty() {
        return Err("the account has no inventory rules".into());
    }
    let ok: Vec<RuleInfo> = all
        .iter()
        .filter(|r| r.unusable.is_none())
        .cloned()
        .collect();
    if ok.is_empty() {
        let why: Vec<String> = all.iter().map(RuleInfo::line).collect();
        return Err(format!("no rule blobx can size from ({})", why.join("; ")));
    }
    Ok(ok)
}

/// A rule name as the service takes it: 1 to 256 letters and digits (`-`
/// and `_` too, as the service's examples use).
pub fn check_rule_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a rule needs a name".into());
    }
    if name.chars().count() > MAX_NAME {
        return Err(format!("a rule name has at most {MAX_NAME} characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "a rule name has letters, digits, - and _ only (not {c:?})"
        ));
    }
    Ok(())
}

/// The daily CSV rule blobx reads: block blobs (snapshots and soft-deleted
/// blobs too, versions when versioning is on), with the columns
/// `azure::inventory` sums by.
pub fn default_rule(name: &str, destination: &str, versioning: bool) -> Value {
    let mut fields = vec![
        "Name",
        "Content-Length",
        "AccessTier",
        "Snapshot",
        "Deleted",
    ];
    if versioning {
        fields.extend(["VersionId", "IsCurrentVersion"]);
    }
    json!({
        "enabled": true,
        "name": name,
        "destination": destination,
        "definition": {
            "format": "Csv",
            "schedule": "Daily",
            "objectType": "Blob",
            "schemaFields": fields,
            "filters": {
                "blobTypes": ["blockBlob"],
                "includeSnapshots": true,
                "includeBlobVersions": versioning,
                "includeDeleted": true
            }
        }
    })
}

/// A name not used by a rule of `policy` yet: `blobxsizes`, `blobxsizes2`…
pub fn free_name(policy: Option<&Value>) -> String {
    let taken: Vec<String> = rules(policy).into_iter().map(|r| r.name).collect();
    (1..)
        .map(|i| {
            if i == 1 {
                DEFAULT_NAME.to_string()
            } else {
                format!("{DEFAULT_NAME}{i}")
            }
        })
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| DEFAULT_NAME.into())
}

/// `policy` with `rule` added (the policy made if there is none, turned on,
/// everything else kept). Checked against the service's limits.
pub fn with_rule(policy: Option<&Value>, rule: Value) -> Result<Value, String> {
    let name = rule["name"].as_str().unwrap_or("");
    check_rule_name(name)?;
    super::ops::check_container_name(rule["destination"].as_str().unwrap_or(""))
        .map_err(|e| format!("destination container: {e}"))?;
    let mut out = policy
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    out["type"] = json!("Inventory");
    out["enabled"] = json!(true);
    if !out["rules"].is_array() {
        out["rules"] = json!([]);
    }
    let Some(list) = out["rules"].as_array_mut() else {
        return Err("the policy's rules are not a list".into());
    };
    if list.iter().any(|r| r["name"].as_str() == Some(name)) {
        return Err(format!("a rule named {name:?} exists already"));
    }
    if list.len() >= MAX_RULES {
        return Err(format!(
            "the policy has {} rules: the service takes at most {MAX_RULES}",
            list.len()
        ));
    }
    list.push(rule);
    Ok(out)
}

/// The review before saving: what is added, what is kept, when reports come.
pub fn review(before: Option<&Value>, after: &Value, name: &str) -> Vec<String> {
    let added = rules(Some(after)).into_iter().find(|r| r.name == name);
    let kept = rules(before).len();
    let mut out = Vec::new();
    if let Some(r) = added {
        out.push(format!("Add inventory rule {}", r.line()));
        out.push(format!("  columns: {}", r.schema_fields.join(", ")));
        let f = &after["rules"]
            .as_array()
            .and_then(|l| l.iter().find(|x| x["name"].as_str() == Some(name)))
            .map(|x| x["definition"]["filters"].clone())
            .unwrap_or_default();
        let with: Vec<&str> = [
            ("includeSnapshots", "snapshots"),
            ("includeBlobVersions", "versions"),
            ("includeDeleted", "soft-deleted blobs"),
        ]
        .iter()
        .filter(|(k, _)| f[*k].as_bool() == Some(true))
        .map(|(_, w)| *w)
        .collect();
        out.push(format!(
            "  block blobs{}{}",
            if with.is_empty() { "" } else { " with " },
            with.join(", ")
        ));
    }
    let was_off = before.is_some_and(|p| p["enabled"].as_bool() == Some(false));
    out.push(match (kept, was_off) {
        (0, _) => "No other rule: a new policy.".to_string(),
        (n, false) => format!("{n} other rule(s) kept as they are."),
        (n, true) => format!(
            "The policy is turned off: saving turns it on, and its {n} other rule(s) run too."
        ),
    });
    out.push(
        "The service writes the first report after its next daily run (up to a day or more)."
            .into(),
    );
    out
}

/// The account's inventory policy and whether versioning is on.
pub async fn load(arm: &Arm, account_id: &str) -> Result<Loaded, String> {
    let policy = arm
        .storage_json_opt(reqwest::Method::GET, &path(account_id), None, true)
        .await?
        .map(|v| v["properties"]["policy"].clone())
        .filter(|p| !p.is_null());
    let service = arm
        .storage_json_opt(
            reqwest::Method::GET,
            &format!("{account_id}/blobServices/default"),
            None,
            true,
        )
        .await?
        .unwrap_or_default();
    Ok(Loaded {
        policy,
        versioning: service["properties"]["isVersioningEnabled"]
            .as_bool()
            .unwrap_or(false),
    })
}

#[derive(Clone, Debug, PartialEq)]
pub enum Created {
    Saved,
    /// Someone changed the policy since it was read: nothing written.
    Changed {
        current: Option<Value>,
    },
}

/// Writes `after` (from [`with_rule`]) if the service still has `expected`
/// and the new rule's destination container exists. One audit line.
pub async fn create(
    arm: &Arm,
    account_id: &str,
    expected: Option<&Value>,
    after: &Value,
    name: &str,
) -> Result<Created, String> {
    let added = rules(Some(after))
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| format!("no rule {name:?} to add"))?;
    check_rule_name(name)?;
    super::ops::check_container_name(&added.destination)
        .map_err(|e| format!("destination container: {e}"))?;
    let n = after["rules"].as_array().map_or(0, Vec::len);
    if n > MAX_RULES {
        return Err(format!("{n} rules: the service takes at most {MAX_RULES}"));
    }
    let container = format!(
        "{account_id}/blobServices/default/containers/{}",
        added.destination
    );
    if arm
        .storage_json_opt(reqwest::Method::GET, &container, None, true)
        .await?
        .is_none()
    {
        return Err(format!(
            "there is no container {:?} in this account: the service writes reports only into one that exists (create it first)",
            added.destination
        ));
    }
    let current = load(arm, account_id).await?.policy;
    if current.as_ref() != expected {
        return Ok(Created::Changed { current });
    }
    let body = json!({"properties": {"policy": after}});
    arm.storage_json(reqwest::Method::PUT, &path(account_id), Some(&body))
        .await?;
    let account = account_id.rsplit('/').next().unwrap_or(account_id);
    crate::audit::audit(
        "set inventory policy",
        &format!(
            "{account}: added rule {name} (daily CSV into {}); {n} rule(s) in all",
            added.destination
        ),
    );
    Ok(Created::Saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented() -> Value {
        json!({"enabled": true, "type": "Inventory", "futureKey": 7, "rules": [
            {"enabled": true, "name": "inventoryPolicyRule1", "destination": "container1",
             "definition": {"format": "Csv", "schedule": "Daily", "objectType": "Blob",
                "schemaFields": ["Name", "Creation-Time", "Last-Modified", "Content-Length", "Content-MD5", "BlobType", "AccessTier", "AccessTierChangeTime", "Snapshot", "VersionId", "IsCurrentVersion", "Metadata"],
                "filters": {"blobTypes": ["blockBlob", "appendBlob", "pageBlob"], "prefixMatch": ["inventoryprefix1", "inventoryprefix2"], "includeSnapshots": true, "includeBlobVersions": true}}},
            {"enabled": true, "name": "inventoryPolicyRule2", "destination": "container2",
             "definition": {"format": "Parquet", "schedule": "Weekly", "objectType": "Container",
                "schemaFields": ["Name", "Last-Modified", "Metadata"]}}
        ]})
    }

    #[test]
    fn rules_say_which_blobx_can_size_from() {
        let p = documented();
        let all = rules(Some(&p));
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].unusable, None);
        assert_eq!(
            all[0].line(),
            "inventoryPolicyRule1: daily Csv of blobs → az://container1/ (only inventoryprefix1, inventoryprefix2)"
        );
        assert!(all[1].unusable.as_deref().unwrap().contains("Containers"));
        assert_eq!(usable(Some(&p)).unwrap().len(), 1);
        let mut off = p.clone();
        off["enabled"] = json!(false);
        assert!(usable(Some(&off)).unwrap_err().contains("turned off"));
        assert!(usable(None).unwrap_err().contains("no inventory rules"));
    }

    #[test]
    fn a_rule_is_added_keeping_the_rest_and_checked() {
        let p = documented();
        let name = free_name(Some(&p));
        assert_eq!(name, "blobxsizes");
        let after = with_rule(Some(&p), default_rule(&name, "inv", false)).unwrap();
        assert_eq!(after["futureKey"], 7);
        assert_eq!(after["rules"][0], p["rules"][0]);
        assert_eq!(
            after["rules"][2]["definition"]["schemaFields"][1],
            "Content-Length"
        );
        assert_eq!(
            after["rules"][2]["definition"]["filters"]["includeBlobVersions"],
            false
        );
        assert_eq!(free_name(Some(&after)), "blobxsizes2");
        // Taken, badly named, a bad destination, one too many.
        assert!(with_rule(Some(&after), default_rule(&name, "inv", false)).is_err());
        assert!(with_rule(None, default_rule("a b", "inv", false)).is_err());
        assert!(with_rule(None, default_rule(&"x".repeat(257), "inv", false)).is_err());
        let e = with_rule(None, default_rule("r", "Inv_X", false)).unwrap_err();
        assert!(e.contains("destination container"), "{e}");
        let mut full = json!({"rules": []});
        for i in 0..MAX_RULES {
            full["rules"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": format!("r{i}")}));
        }
        let e = with_rule(Some(&full), default_rule("r", "inv", true)).unwrap_err();
        assert!(e.contains("at most 100"), "{e}");
        // A new policy from nothing; versions listed when versioning is on.
        let fresh = with_rule(None, default_rule("r", "inv", true)).unwrap();
        assert_eq!(fresh["type"], "Inventory");
        assert_eq!(usable(Some(&fresh)).unwrap()[0].name, "r");
        let review = review(None, &fresh, "r");
        assert!(review[0].starts_with("Add inventory rule r: daily Csv of blobs → az://inv/"));
        assert!(review[2].contains("snapshots, versions, soft-deleted blobs"));
        assert_eq!(review[3], "No other rule: a new policy.");
    }
}
