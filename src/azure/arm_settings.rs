//! The Resource Manager settings of a storage account reached through
//! Microsoft Entra ID: blob versioning, change feed, container soft delete,
//! point-in-time restore, last access tracking (on `blobServices/default`),
//! public access, shared key access, minimum TLS (on the account), and the
//! network rules, read-only, with what they mean for this machine. Saved as
//! a read-modify-write: re-read, refused when someone changed them since,
//! only the changed keys written.

use super::entra::Arm;
use serde_json::{Value, json};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArmSettings {
    pub versioning: bool,
    pub change_feed: bool,
    /// Container soft delete: days kept, `None` when off.
    pub container_soft_delete_days: Option<u32>,
    /// Point-in-time restore: days back, `None` when off.
    pub restore_days: Option<u32>,
    /// Blob soft delete days (restore needs it on, and longer); read only here.
    pub blob_soft_delete_days: Option<u32>,
    pub last_access_tracking: bool,
    pub allow_blob_public_access: Option<bool>,
    pub allow_shared_key_access: Option<bool>,
    pub minimum_tls_version: Option<String>,
    /// Read-only.
    pub network: NetworkRules,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkRules {
    /// `Allow` or `Deny`.
    pub default_action: String,
    pub bypass: String,
    pub ip_rules: Vec<String>,
    pub virtual_network_rules: Vec<String>,
    /// (name, connection status).
    pub private_endpoints: Vec<(String, String)>,
}

impl NetworkRules {
    /// What the rules mean for a machine reaching the data plane.
    pub fn meaning(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.default_action.eq_ignore_ascii_case("deny") {
            out.push("Public network access from all networks: any machine with valid credentials reaches the data plane.".to_string());
        } else {
            out.push("Default action Deny: only the addresses and networks listed, trusted Azure services and private endpoints reach the data plane; from anywhere else requests fail with AuthorizationFailure (403).".to_string());
            if self.ip_rules.is_empty() {
                out.push("No IP address is allowed: this machine needs one of the virtual networks or a private endpoint.".to_string());
            } else {
                out.push(format!(
                    "Allowed public addresses: {} (this machine's public IP must be one of them).",
                    self.ip_rules.join(", ")
                ));
            }
            if !self.virtual_network_rules.is_empty() {
                out.push(format!(
                    "Allowed virtual network subnets: {} (through their service endpoint).",
                    self.virtual_network_rules.join(", ")
                ));
            }
        }
        let approved: Vec<&str> = self
            .private_endpoints
            .iter()
            .filter(|(_, s)| s.eq_ignore_ascii_case("approved"))
            .map(|(n, _)| n.as_str())
            .collect();
        if !approved.is_empty() {
            out.push(format!(
                "Private endpoints: {} — the account's name resolves to a private address inside their networks (reach it over VPN or peering).",
                approved.join(", ")
            ));
        }
        out
    }
}

fn days(v: &Value, key: &str) -> Option<u32> {
    let p = v.get(key)?;
    let on = p.get("enabled").and_then(Value::as_bool).unwrap_or(false);
    if !on {
        return None;
    }
    p.get("days").and_then(Value::as_u64).map(|d| d as u32)
}

/// The settings from the two documents' `properties`.
pub fn parse(blob_service: &Value, account: &Value) -> ArmSettings {
    let b = &blob_service["properties"];
    let a = &account["properties"];
    let acls = &a["networkAcls"];
    let strs = |v: &Value, key: &str| -> Vec<String> {
        v.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.get(key).and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    ArmSettings {
        versioning: b["isVersioningEnabled"].as_bool().unwrap_or(false),
        change_feed: b["changeFeed"]["enabled"].as_bool().unwrap_or(false),
        container_soft_delete_days: days(b, "containerDeleteRetentionPolicy"),
        restore_days: days(b, "restorePolicy"),
        blob_soft_delete_days: days(b, "deleteRetentionPolicy"),
        last_access_tracking: b["lastAccessTimeTrackingPolicy"]["enable"]
            .as_bool()
            .unwrap_or(false),
        allow_blob_public_access: a["allowBlobPublicAccess"].as_bool(),
        allow_shared_key_access: a["allowSharedKeyAccess"].as_bool(),
        minimum_tls_version: a["minimumTlsVersion"].as_str().map(str::to_string),
        network: NetworkRules {
            default_action: acls["defaultAction"]
                .as_str()
                .unwrap_or("Allow")
                .to_string(),
            bypass: acls["bypass"].as_str().unwrap_or("").to_string(),
            ip_rules: strs(&acls["ipRules"], "value"),
            virtual_network_rules: strs(&acls["virtualNetworkRules"], "id"),
            private_endpoints: a["privateEndpointConnections"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|c| {
                            (
                                c["name"].as_str().unwrap_or("?").to_string(),
                                c["properties"]["privateLinkServiceConnectionState"]["status"]
                                    .as_str()
                                    .unwrap_or("?")
                                    .to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
    }
}

impl ArmSettings {
    /// Why the service would refuse these, in words.
    pub fn check(&self) -> Result<(), String> {
        let mut errors = Vec::new();
        if let Some(d) = self.container_soft_delete_days
            && !(1..=365).contains(&d)
        {
            errors.push(format!("container soft delete: {d} days is outside 1–365"));
        }
        if let Some(r) = self.restore_days {
            if !self.versioning || !self.change_feed {
                errors.push(
                    "point-in-time restore needs blob versioning and the change feed on"
                        .to_string(),
                );
            }
            match self.blob_soft_delete_days {
                Some(b) if r < b => {}
                _ => errors.push(format!(
                    "point-in-time restore of {r} days needs blob soft delete on for more days than that"
                )),
            }
        }
        if let Some(t) = &self.minimum_tls_version
            && !["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"].contains(&t.as_str())
        {
            errors.push(format!(
                "minimum TLS {t:?} is not one of TLS1_0, TLS1_1, TLS1_2, TLS1_3"
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

/// The current settings and the two documents they came from.
pub async fn get(arm: &Arm, account_id: &str) -> Result<(ArmSettings, Value, Value), String> {
    let service = arm
        .storage_json(
            reqwest::Method::GET,
            &format!("{account_id}/blobServices/default"),
            None,
        )
        .await?;
    let account = arm
        .storage_json(reqwest::Method::GET, account_id, None)
        .await?;
    Ok((parse(&service, &account), service, account))
}

fn policy(days: Option<u32>) -> Value {
    match days {
        Some(d) => json!({"enabled": true, "days": d}),
        None => json!({"enabled": false}),
    }
}

/// What a save found and did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArmSaved {
    Saved { previous: ArmSettings },
    Unchanged,
    Changed { current: ArmSettings },
}

/// Writes the changes from `expected` to `after`: re-reads first and writes
/// nothing if the service no longer has `expected`; the blob service's
/// document goes back whole with only the changed keys replaced, the account
/// gets a PATCH of the changed keys. One audit line.
pub async fn save(
    arm: &Arm,
    account_id: &str,
    after: &ArmSettings,
    expected: &ArmSettings,
) -> Result<ArmSaved, String> {
    let (current, service, _) = get(arm, account_id).await?;
    // Blob soft delete is the data plane's setting, read-only here (the pane
    // may have just saved it there): the current value counts.
    let after = &ArmSettings {
        blob_soft_delete_days: current.blob_soft_delete_days,
        ..after.clone()
    };
    let expected_now = ArmSettings {
        blob_soft_delete_days: current.blob_soft_delete_days,
        ..expected.clone()
    };
    after.check()?;
    if current != expected_now {
        return Ok(ArmSaved::Changed { current });
    }
    let mut props = service["properties"].clone();
    let mut service_changed = Vec::new();
    if after.versioning != current.versioning {
        props["isVersioningEnabled"] = json!(after.versioning);
        service_changed.push("versioning");
    }
    if after.change_feed != current.change_feed {
        props["changeFeed"] = json!({"enabled": after.change_feed});
        service_changed.push("change feed");
    }
    if after.container_soft_delete_days != current.container_soft_delete_days {
        props["containerDeleteRetentionPolicy"] = policy(after.container_soft_delete_days);
        service_changed.push("container soft delete");
    }
    if after.restore_days != current.restore_days {
        props["restorePolicy"] = policy(after.restore_days);
        service_changed.push("point-in-time restore");
    }
    if after.last_access_tracking != current.last_access_tracking {
        props["lastAccessTimeTrackingPolicy"] = json!({
            "enable": after.last_access_tracking,
            "name": "AccessTimeTracking",
            "trackingGranularityInDays": 1,
            "blobType": ["blockBlob"]
        });
        service_changed.push("last access tracking");
    }
    let mut account_props = serde_json::Map::new();
    if after.allow_blob_public_access != current.allow_blob_public_access
        && let Some(v) = after.allow_blob_public_access
    {
        account_props.insert("allowBlobPublicAccess".into(), json!(v));
    }
    if after.allow_shared_key_access != current.allow_shared_key_access
        && let Some(v) = after.allow_shared_key_access
    {
        account_props.insert("allowSharedKeyAccess".into(), json!(v));
    }
    if after.minimum_tls_version != current.minimum_tls_version
        && let Some(v) = &after.minimum_tls_version
    {
        account_props.insert("minimumTlsVersion".into(), json!(v));
    }
    if service_changed.is_empty() && account_props.is_empty() {
        return Ok(ArmSaved::Unchanged);
    }
    if !service_changed.is_empty() {
        arm.storage_json(
            reqwest::Method::PUT,
            &format!("{account_id}/blobServices/default"),
            Some(&json!({"properties": props})),
        )
        .await?;
    }
    let account_keys: Vec<String> = account_props.keys().cloned().collect();
    if !account_props.is_empty() {
        arm.storage_json(
            reqwest::Method::PATCH,
            account_id,
            Some(&json!({"properties": Value::Object(account_props)})),
        )
        .await?;
    }
    let name = account_id.rsplit('/').next().unwrap_or(account_id);
    let mut what: Vec<String> = service_changed.iter().map(|s| s.to_string()).collect();
    what.extend(account_keys);
    crate::audit::audit(
        "set account settings",
        &format!("{name}: {}", what.join(", ")),
    );
    Ok(ArmSaved::Saved { previous: current })
}

fn on_off(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

fn show_days(d: Option<u32>) -> String {
    d.map(|d| format!("on, {d} days"))
        .unwrap_or_else(|| "off".into())
}

fn show_allow(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "allowed",
        Some(false) => "not allowed",
        None => "service default",
    }
}

/// One line per changed setting, for the review before saving.
pub fn diff_lines(before: &ArmSettings, after: &ArmSettings) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name}: {a} → {b}"));
        }
    };
    line(
        "blob versioning",
        on_off(before.versioning).into(),
        on_off(after.versioning).into(),
    );
    line(
        "change feed",
        on_off(before.change_feed).into(),
        on_off(after.change_feed).into(),
    );
    line(
        "container soft delete",
        show_days(before.container_soft_delete_days),
        show_days(after.container_soft_delete_days),
    );
    line(
        "point-in-time restore",
        show_days(before.restore_days),
        show_days(after.restore_days),
    );
    line(
        "last access time tracking",
        on_off(before.last_access_tracking).into(),
        on_off(after.last_access_tracking).into(),
    );
    line(
        "blob public access",
        show_allow(before.allow_blob_public_access).into(),
        show_allow(after.allow_blob_public_access).into(),
    );
    line(
        "shared key access",
        show_allow(before.allow_shared_key_access).into(),
        show_allow(after.allow_shared_key_access).into(),
    );
    line(
        "minimum TLS version",
        before
            .minimum_tls_version
            .clone()
            .unwrap_or_else(|| "—".into()),
        after
            .minimum_tls_version
            .clone()
            .unwrap_or_else(|| "—".into()),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_follow_the_services_rules() {
        let mut s = ArmSettings {
            restore_days: Some(7),
            ..Default::default()
        };
        let e = s.check().unwrap_err();
        assert!(e.contains("versioning and the change feed"), "{e}");
        assert!(e.contains("blob soft delete"), "{e}");
        s.versioning = true;
        s.change_feed = true;
        s.blob_soft_delete_days = Some(8);
        assert_eq!(s.check(), Ok(()));
        s.minimum_tls_version = Some("TLS9".into());
        assert!(s.check().is_err());
    }

    #[test]
    fn the_review_names_each_change() {
        let before = ArmSettings::default();
        let after = ArmSettings {
            versioning: true,
            container_soft_delete_days: Some(7),
            allow_shared_key_access: Some(false),
            minimum_tls_version: Some("TLS1_2".into()),
            ..Default::default()
        };
        assert_eq!(
            diff_lines(&before, &after),
            [
                "blob versioning: off → on",
                "container soft delete: off → on, 7 days",
                "shared key access: service default → not allowed",
                "minimum TLS version: — → TLS1_2",
            ]
        );
        assert!(diff_lines(&after, &after).is_empty());
    }
}
