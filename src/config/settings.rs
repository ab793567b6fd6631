//! `config.toml`: the few settings that are not keys or colours.

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Refuse (and hide) everything that changes the service or overwrites a local file.
    #[serde(default)]
    pub readonly: bool,
    /// Bandwidth cap for transfers in megabits per second (0 or absent: none).
    #[serde(default)]
    pub cap_mbps: Option<u32>,
    /// The wheel scrolls, a click selects, a double click opens (false: the
    /// terminal keeps the mouse for selecting text).
    #[serde(default = "default_true")]
    pub mouse: bool,
    #[serde(default)]
    pub emulator: EmulatorSettings,
    #[serde(default)]
    pub entra: EntraSettings,
    /// Storage prices per tier, for the estimated monthly cost of sizes.
    #[serde(default)]
    pub prices: Prices,
}

/// `[prices]`: what a GB (10^9 bytes) costs a month in each tier. The
/// defaults are list prices for one region; every cost blobx shows from
/// them is marked as an estimate.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    #[serde(default = "default_currency")]
    pub currency: String,
    pub hot: f64,
    pub cool: f64,
    pub cold: f64,
    pub archive: f64,
    /// Where the figures come from (shown with the estimate).
    #[serde(default = "custom_source")]
    pub source: String,
}

impl Eq for Prices {}

fn default_currency() -> String {
    "USD".into()
}

fn custom_source() -> String {
    "your prices from config.toml".into()
}

impl Default for Prices {
    fn default() -> Self {
        // Pay-as-you-go list prices for block blob storage, LRS, East US,
        // first 50 TB a month, USD per GB-month, as published on
        // azure.microsoft.com/pricing/details/storage/blobs/ in 2024 (not
        // re-checked since; other regions, redundancy and volumes differ).
        Self {
            currency: default_currency(),
            hot: 0.018,
            cool: 0.01,
            cold: 0.0036,
            archive: 0.00099,
            source: "list prices, East US, LRS, first 50 TB, 2024 (Azure pricing page)".into(),
        }
    }
}

impl Prices {
    /// Per GB-month, indexed like `azure::walk::Tier::ALL` (no tier: Hot's price).
    pub fn per_tier(&self) -> [f64; 5] {
        [self.hot, self.cool, self.cold, self.archive, self.hot]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntraSettings {
    /// Show the "Microsoft Entra ID" node that discovers accounts on request.
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Azure Resource Manager (another cloud's, e.g. https://management.chinacloudapi.cn).
    #[serde(default = "default_arm")]
    pub arm_endpoint: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            readonly: false,
            cap_mbps: None,
            mouse: true,
            emulator: EmulatorSettings::default(),
            entra: EntraSettings::default(),
            prices: Prices::default(),
        }
    }
}

impl Settings {
    /// The configured cap in bytes per second.
    pub fn cap(&self) -> Option<u64> {
        self.cap_mbps
            .and_then(|m| crate::transfer::throttle::mbps_to_bytes(f64::from(m)))
    }
}

fn default_arm() -> String {
    crate::azure::entra::ARM_ENDPOINT.to_string()
}

impl Default for EntraSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            arm_endpoint: default_arm(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulatorSettings {
    /// Where the local emulator's Blob service listens.
    #[serde(default = "default_host")]
    pub host: String,
    /// Set false to hide the emulator account.
    #[serde(default = "default_true")]
    pub enabled: bool,
}

fn default_host() -> String {
    crate::azure::account::EMULATOR_HOST.to_string()
}

fn default_true() -> bool {
    true
}

impl Default for EmulatorSettings {
    fn default() -> Self {
        Self {
            host: default_host(),
            enabled: true,
        }
    }
}

impl Settings {
    pub fn load(user: Option<&str>) -> Result<Self, String> {
        match user {
            None => Ok(Self::default()),
            Some(text) => toml::from_str(text).map_err(|e| e.message().to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_point_at_local_emulator() {
        let s = Settings::load(None).unwrap();
        assert_eq!(s.emulator.host, "http://127.0.0.1:10000");
        assert!(s.emulator.enabled);
    }

    #[test]
    fn host_can_be_changed_and_typos_are_reported() {
        let s = Settings::load(Some("[emulator]\nhost = \"http://127.0.0.1:11000\"\n")).unwrap();
        assert_eq!(s.emulator.host, "http://127.0.0.1:11000");
        let err = Settings::load(Some("[emulator]\nhots = \"x\"\n")).unwrap_err();
        assert!(err.contains("hots"), "{err}");
    }
}
