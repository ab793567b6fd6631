//! Settings, keymap and theme: built-in defaults from `assets/`, overridden by
//! files in the user's config dir.

pub mod account_list;
pub mod accounts;
pub mod bookmarks;
pub mod keymap;
pub mod paths;
pub mod save_cap;
pub mod settings;
pub mod theme;

pub use keymap::Keymap;
pub use settings::Settings;
pub use theme::Theme;

use std::path::Path;

/// Everything loaded at start-up. Problems in user files do not stop blobx:
/// the defaults are used and `warnings` says what was wrong.
#[derive(Debug)]
pub struct Config {
    pub keymap: Keymap,
    pub theme: Theme,
    pub settings: Settings,
    pub warnings: Vec<String>,
}

impl Config {
    pub fn load(config_dir: Option<&Path>) -> Self {
        let mut warnings = Vec::new();
        let read = |name: &str, warnings: &mut Vec<String>| -> Option<String> {
            let path = config_dir?.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => Some(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    warnings.push(format!("cannot read {}: {e}", path.display()));
                    None
                }
            }
        };
        let keymap = match Keymap::load(read("keymap.toml", &mut warnings).as_deref()) {
            Ok(k) => k,
            Err(e) => {
                warnings.push(format!("keymap.toml: {e}; using the default keys"));
                Keymap::default()
            }
        };
        let theme = match Theme::load(read("theme.toml", &mut warnings).as_deref()) {
            Ok(t) => t,
            Err(e) => {
                warnings.push(format!("theme.toml: {e}; using the default theme"));
                Theme::default()
            }
        };
        let settings = match Settings::load(read("config.toml", &mut warnings).as_deref()) {
            Ok(s) => s,
            Err(e) => {
                warnings.push(format!("config.toml: {e}; using the defaults"));
                Settings::default()
            }
        };
        Self {
            keymap,
            theme,
            settings,
            warnings,
        }
    }
}
