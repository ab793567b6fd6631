//! The Resource Manager rows of the settings pane, for accounts found through
//! Microsoft Entra ID: versioning, change feed, container soft delete,
//! point-in-time restore, last access tracking, public access, shared key,
//! minimum TLS. Edited on a copy, reviewed, saved with the data-plane rows.

use crate::azure::arm_settings::ArmSettings;

/// One Resource Manager row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArmField {
    Versioning,
    ChangeFeed,
    ContainerSoftDelete,
    ContainerSoftDeleteDays,
    Restore,
    RestoreDays,
    LastAccess,
    PublicAccess,
    SharedKey,
    MinTls,
}

pub const ARM_FIELDS: &[ArmField] = &[
    ArmField::Versioning,
    ArmField::ChangeFeed,
    ArmField::ContainerSoftDelete,
    ArmField::ContainerSoftDeleteDays,
    ArmField::Restore,
    ArmField::RestoreDays,
    ArmField::LastAccess,
    ArmField::PublicAccess,
    ArmField::SharedKey,
    ArmField::MinTls,
];

/// The TLS versions the service takes, in the order Enter steps through them.
const TLS: &[&str] = &["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"];

/// The Resource Manager half of the pane.
#[derive(Clone, Debug, Default)]
pub struct ArmPart {
    /// As read; `None` until it arrives (or when it could not be read).
    pub base: Option<ArmSettings>,
    pub work: ArmSettings,
    pub error: Option<String>,
    /// The last save: what it replaced and what it wrote.
    pub undo: Option<(ArmSettings, ArmSettings)>,
}

impl ArmPart {
    pub fn dirty(&self) -> bool {
        self.base.as_ref().is_some_and(|b| *b != self.work)
    }
}

impl ArmField {
    pub fn title(self) -> &'static str {
        match self {
            ArmField::Versioning => "Blob versioning",
            ArmField::ChangeFeed => "Change feed",
            ArmField::ContainerSoftDelete => "Container soft delete",
            ArmField::ContainerSoftDeleteDays => "  kept for (days, 1–365)",
            ArmField::Restore => "Point-in-time restore",
            ArmField::RestoreDays => "  days back (< blob soft delete)",
            ArmField::LastAccess => "Last access time tracking",
            ArmField::PublicAccess => "Allow blob public access",
            ArmField::SharedKey => "Allow shared key access",
            ArmField::MinTls => "Minimum TLS version",
        }
    }

    pub fn show(self, s: &ArmSettings) -> String {
        let on = |b: bool| if b { "on" } else { "off" }.to_string();
        let allow = |v: Option<bool>| match v {
            Some(true) => "yes".to_string(),
            Some(false) => "no".to_string(),
            None => "— (service default)".to_string(),
        };
        let days = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
        match self {
            ArmField::Versioning => on(s.versioning),
            ArmField::ChangeFeed => on(s.change_feed),
            ArmField::ContainerSoftDelete => on(s.container_soft_delete_days.is_some()),
            ArmField::ContainerSoftDeleteDays => days(s.container_soft_delete_days),
            ArmField::Restore => on(s.restore_days.is_some()),
            ArmField::RestoreDays => days(s.restore_days),
            ArmField::LastAccess => on(s.last_access_tracking),
            ArmField::PublicAccess => allow(s.allow_blob_public_access),
            ArmField::SharedKey => allow(s.allow_shared_key_access),
            ArmField::MinTls => s.minimum_tls_version.clone().unwrap_or_else(|| "—".into()),
        }
    }

    /// Enter on a switch: flips it (a retention turned on starts at the
    /// portal's 7 days, restore at one day less than blob soft delete) and
    /// answers true; a days row answers false (it is typed).
    pub fn toggle(self, s: &mut ArmSettings) -> bool {
        match self {
            ArmField::Versioning => s.versioning = !s.versioning,
            ArmField::ChangeFeed => s.change_feed = !s.change_feed,
            ArmField::ContainerSoftDelete => {
                s.container_soft_delete_days = match s.container_soft_delete_days {
                    Some(_) => None,
                    None => Some(7),
                }
            }
            ArmField::Restore => {
                s.restore_days = match s.restore_days {
                    Some(_) => None,
                    None => Some(
                        s.blob_soft_delete_days
                            .map(|d| d.saturating_sub(1).max(1))
                            .unwrap_or(6),
                    ),
                }
            }
            ArmField::LastAccess => s.last_access_tracking = !s.last_access_tracking,
            ArmField::PublicAccess => {
                s.allow_blob_public_access = Some(s.allow_blob_public_access != Some(true))
            }
            ArmField::SharedKey => {
                s.allow_shared_key_access = Some(s.allow_shared_key_access == Some(false))
            }
            ArmField::MinTls => {
                let next = s
                    .minimum_tls_version
                    .as_deref()
                    .and_then(|t| TLS.iter().position(|v| *v == t))
                    .map(|i| (i + 1) % TLS.len())
                    .unwrap_or(2);
                s.minimum_tls_version = Some(TLS[next].to_string());
            }
            ArmField::ContainerSoftDeleteDays | ArmField::RestoreDays => return false,
        }
        true
    }

    /// Typed days (empty: off).
    pub fn set_text(self, s: &mut ArmSettings, text: &str) -> Result<(), String> {
        let slot = match self {
            ArmField::ContainerSoftDeleteDays => &mut s.container_soft_delete_days,
            ArmField::RestoreDays => &mut s.restore_days,
            _ => return Ok(()),
        };
        let text = text.trim();
        if text.is_empty() {
            *slot = None;
            return Ok(());
        }
        match text.parse::<u32>() {
            Ok(n) if (1..=365).contains(&n) => {
                *slot = Some(n);
                Ok(())
            }
            _ => Err(format!("{text:?} is not a number of days from 1 to 365.")),
        }
    }
}
