//! The lifecycle management policy as Resource Manager writes it
//! (`managementPolicies/default`, `properties.policy`), with every key this
//! code does not know kept as it came (so a save writes back what it read).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    pub name: String,
    /// `None`: on (the service's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(rename = "type", default = "lifecycle_type")]
    pub kind: String,
    pub definition: Definition,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn lifecycle_type() -> String {
    "Lifecycle".into()
}

impl Rule {
    pub fn is_enabled(&self) -> bool {
        self.enabled != Some(false)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    #[serde(default)]
    pub filters: Filters,
    #[serde(default)]
    pub actions: Actions,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filters {
    #[serde(default)]
    pub blob_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_match: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blob_index_match: Vec<TagMatch>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TagMatch {
    pub name: String,
    #[serde(default = "equals")]
    pub op: String,
    #[serde(default)]
    pub value: String,
}

fn equals() -> String {
    "==".into()
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_blob: Option<ActionSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<ActionSet>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<ActionSet>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_to_cool: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_to_cold: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_to_archive: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<Condition>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_after_modification_greater_than: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_after_creation_greater_than: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_after_last_access_time_greater_than: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a rule acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Target {
    BaseBlob,
    Snapshot,
    Version,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::BaseBlob, Target::Snapshot, Target::Version];

    pub fn key(self) -> &'static str {
        match self {
            Target::BaseBlob => "baseBlob",
            Target::Snapshot => "snapshot",
            Target::Version => "version",
        }
    }
}

/// What an action does, cheapest last: when several apply to one blob the
/// service takes the cheapest (delete, then archive, cold, cool).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verb {
    TierToCool,
    TierToCold,
    TierToArchive,
    Delete,
}

impl Verb {
    pub const ALL: [Verb; 4] = [
        Verb::TierToCool,
        Verb::TierToCold,
        Verb::TierToArchive,
        Verb::Delete,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Verb::TierToCool => "tierToCool",
            Verb::TierToCold => "tierToCold",
            Verb::TierToArchive => "tierToArchive",
            Verb::Delete => "delete",
        }
    }

    /// The tier it moves to (none for delete).
    pub fn tier(self) -> Option<super::super::walk::Tier> {
        use super::super::walk::Tier;
        match self {
            Verb::TierToCool => Some(Tier::Cool),
            Verb::TierToCold => Some(Tier::Cold),
            Verb::TierToArchive => Some(Tier::Archive),
            Verb::Delete => None,
        }
    }
}

impl Actions {
    pub fn set(&self, target: Target) -> Option<&ActionSet> {
        match target {
            Target::BaseBlob => self.base_blob.as_ref(),
            Target::Snapshot => self.snapshot.as_ref(),
            Target::Version => self.version.as_ref(),
        }
    }

    pub fn set_mut(&mut self, target: Target) -> &mut Option<ActionSet> {
        match target {
            Target::BaseBlob => &mut self.base_blob,
            Target::Snapshot => &mut self.snapshot,
            Target::Version => &mut self.version,
        }
    }
}

impl ActionSet {
    pub fn get(&self, verb: Verb) -> Option<&Condition> {
        match verb {
            Verb::TierToCool => self.tier_to_cool.as_ref(),
            Verb::TierToCold => self.tier_to_cold.as_ref(),
            Verb::TierToArchive => self.tier_to_archive.as_ref(),
            Verb::Delete => self.delete.as_ref(),
        }
    }

    pub fn slot(&mut self, verb: Verb) -> &mut Option<Condition> {
        match verb {
            Verb::TierToCool => &mut self.tier_to_cool,
            Verb::TierToCold => &mut self.tier_to_cold,
            Verb::TierToArchive => &mut self.tier_to_archive,
            Verb::Delete => &mut self.delete,
        }
    }
}

impl Condition {
    /// The one condition an action has: which clock and how many days.
    pub fn clock(&self) -> Option<(Clock, i64)> {
        [
            (Clock::Modified, self.days_after_modification_greater_than),
            (Clock::Created, self.days_after_creation_greater_than),
            (
                Clock::LastAccess,
                self.days_after_last_access_time_greater_than,
            ),
        ]
        .into_iter()
        .find_map(|(c, d)| d.map(|d| (c, d)))
    }

    pub fn count(&self) -> usize {
        [
            self.days_after_modification_greater_than,
            self.days_after_creation_greater_than,
            self.days_after_last_access_time_greater_than,
        ]
        .iter()
        .filter(|d| d.is_some())
        .count()
    }
}

/// The time an action's days count from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    Modified,
    Created,
    LastAccess,
}

impl Clock {
    pub fn words(self) -> &'static str {
        match self {
            Clock::Modified => "modification",
            Clock::Created => "creation",
            Clock::LastAccess => "last access",
        }
    }
}
