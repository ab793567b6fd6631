//! Colours from `assets/theme.toml`, overridable key by key.

use ratatui::style::Color;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

pub const DEFAULT_THEME: &str = include_str!("../../assets/theme.toml");

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub accent: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
    pub folder: Color,
    pub container: Color,
    pub account: Color,
    pub matched: Color,
    pub dim: Color,
    pub error: Color,
    pub info: Color,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    colors: BTreeMap<String, String>,
}

impl Default for Theme {
    fn default() -> Self {
        Self::load(None).unwrap_or(Self {
            accent: Color::Cyan,
            selection_fg: Color::Black,
            selection_bg: Color::Cyan,
            folder: Color::LightBlue,
            container: Color::Yellow,
            account: Color::LightGreen,
            matched: Color::LightYellow,
            dim: Color::DarkGray,
            error: Color::LightRed,
            info: Color::Green,
        })
    }
}

impl Theme {
    pub fn load(user: Option<&str>) -> Result<Self, String> {
        let mut colors = toml::from_str::<ThemeFile>(DEFAULT_THEME)
            .map_err(|e| format!("built-in theme: {e}"))?
            .colors;
        if let Some(text) = user {
            let user: ThemeFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
            for (k, v) in user.colors {
                if !colors.contains_key(&k) {
                    return Err(format!("unknown colour name {k:?}"));
                }
                colors.insert(k, v);
            }
        }
        let get = |name: &str| -> Result<Color, String> {
            let value = colors
                .get(name)
                .ok_or_else(|| format!("missing colour {name:?}"))?;
            Color::from_str(value).map_err(|_| format!("{name} = {value:?} is not a colour"))
        };
        Ok(Self {
            accent: get("accent")?,
            selection_fg: get("selection_fg")?,
            selection_bg: get("selection_bg")?,
            folder: get("folder")?,
            container: get("container")?,
            account: get("account")?,
            matched: get("match")?,
            dim: get("dim")?,
            error: get("error")?,
            info: get("info")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_and_override() {
        assert_eq!(Theme::load(None).unwrap().accent, Color::Cyan);
        let t = Theme::load(Some("[colors]\naccent = \"#ff8800\"\n")).unwrap();
        assert_eq!(t.accent, Color::Rgb(0xff, 0x88, 0x00));
        assert!(Theme::load(Some("[colors]\naccent = \"purplish\"\n")).is_err());
        assert!(Theme::load(Some("[colors]\naccnt = \"red\"\n")).is_err());
    }
}
