//! Keys as data: the default map is `assets/keymap.toml`, a user's file
//! replaces the keys of any command it names, and the help screen is generated
//! from the result, so bindings are written down once.

use crate::command::{COMMANDS, Command};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// Sections of the keymap file, in the order the help screen shows them.
pub const SECTIONS: &[(&str, &str)] = &[
    ("normal", "Browsing"),
    ("global", "Everywhere"),
    ("preview", "Preview pane (focused with Tab)"),
    ("activity", "Activity (changes made, requests that failed)"),
    ("choose", "Choosing among options"),
    ("prompt", "Typing a filter or prefix"),
    ("transfers", "Transfers pane"),
    ("path", "Typing a local path"),
    ("ask", "Answering a one-line question"),
    ("cors", "CORS rules editor"),
    ("policies", "Stored access policies (P on a container)"),
    ("settings", "Account settings (W on an account)"),
    ("lifecycle", "Lifecycle rules (l in the account settings)"),
    ("bookmarks", "Bookmarks list"),
    ("history", "Snapshots and versions (V on a blob)"),
    ("sync", "Sync review (Y in a container folder)"),
    ("form", "In a form (other keys edit the field)"),
    ("confirm", "Answering a question"),
    ("help", "This help"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    /// As written in the file, for the help screen.
    pub label: String,
}

impl KeySpec {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                modifiers |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                modifiers |= KeyModifiers::ALT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key {text:?}")),
                }
            }
            s => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(c),
                    _ => return Err(format!("unknown key {text:?}")),
                }
            }
        };
        Ok(Self {
            code,
            modifiers,
            label: text.to_string(),
        })
    }

    pub fn matches(&self, key: &KeyEvent) -> bool {
        // Terminals report SHIFT with upper-case letters and symbols, and with
        // BackTab (Shift-Tab); the key itself already says it.
        let mods = if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
            key.modifiers - KeyModifiers::SHIFT
        } else {
            key.modifiers
        };
        self.code == key.code && self.modifiers == mods
    }
}

type Section = BTreeMap<String, Vec<String>>;

#[derive(Clone, Debug)]
pub struct Keymap {
    /// Per section: command and its keys, in `COMMANDS` order.
    sections: BTreeMap<String, Vec<(Command, Vec<KeySpec>)>>,
}

impl Default for Keymap {
    fn default() -> Self {
        // The built-in file is tested to parse.
        Self::load(None).unwrap_or(Self {
            sections: BTreeMap::new(),
        })
    }
}

impl Keymap {
    pub fn load(user: Option<&str>) -> Result<Self, String> {
        let mut merged: BTreeMap<String, Section> =
            toml::from_str(DEFAULT_KEYMAP).map_err(|e| format!("built-in keymap: {e}"))?;
        if let Some(text) = user {
            let user: BTreeMap<String, Section> =
                toml::from_str(text).map_err(|e| e.message().to_string())?;
            for (section, commands) in user {
                if !SECTIONS.iter().any(|(s, _)| *s == section) {
                    return Err(format!("unknown section [{section}]"));
                }
                merged.entry(section).or_default().extend(commands);
            }
        }
        let mut sections = BTreeMap::new();
        for (section, commands) in merged {
            let mut bound = Vec::new();
            for (name, keys) in commands {
                let command = Command::from_name(&name)
                    .ok_or_else(|| format!("[{section}] unknown command {name:?}"))?;
                let keys = keys
                    .iter()
                    .map(|k| KeySpec::parse(k).map_err(|e| format!("[{section}] {name}: {e}")))
                    .collect::<Result<Vec<_>, _>>()?;
                bound.push((command, keys));
            }
            bound.sort_by_key(|(c, _)| COMMANDS.iter().position(|(x, _, _)| x == c));
            sections.insert(section, bound);
        }
        Ok(Self { sections })
    }

    /// The command bound to `key` in a section (a layer's, or "global"), if any.
    pub fn command(&self, section: &str, key: &KeyEvent) -> Option<Command> {
        self.sections
            .get(section)?
            .iter()
            .find(|(_, keys)| keys.iter().any(|k| k.matches(key)))
            .map(|(c, _)| *c)
    }

    /// Bindings of one section, for the help screen.
    pub fn bindings(&self, section: &str) -> &[(Command, Vec<KeySpec>)] {
        self.sections.get(section).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first key bound to `command` while browsing (or everywhere), for hints like "? help".
    pub fn hint(&self, command: Command) -> Option<&str> {
        self.hint_in("normal", command)
            .or_else(|| self.hint_in("global", command))
    }

    /// The first key bound to `command` in a section.
    pub fn hint_in(&self, section: &str, command: Command) -> Option<&str> {
        self.bindings(section)
            .iter()
            .find(|(c, _)| *c == command)
            .and_then(|(_, keys)| keys.first())
            .map(|k| k.label.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn default_keymap_parses_and_has_arrows_and_vim_keys() {
        let k = Keymap::load(None).unwrap();
        let down = Some(Command::Down);
        assert_eq!(
            k.command("normal", &key(KeyCode::Down, KeyModifiers::NONE)),
            down
        );
        assert_eq!(
            k.command("normal", &key(KeyCode::Char('j'), KeyModifiers::NONE)),
            down
        );
        assert_eq!(
            k.command("normal", &key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        // Ctrl-C quits from anywhere: it is a global key.
        assert_eq!(
            k.command("global", &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Command::Quit)
        );
        // In a prompt, letters are text, not commands.
        assert_eq!(
            k.command("prompt", &key(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn shift_tab_matches_backtab_whatever_the_terminal_says_of_shift() {
        let k = Keymap::load(None).unwrap();
        // crossterm reports Shift-Tab as BackTab with SHIFT set.
        let back = key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(k.command("form", &back), Some(Command::PrevField));
        assert_eq!(k.command("global", &back), Some(Command::FocusPrev));
        assert_eq!(
            k.command("form", &key(KeyCode::BackTab, KeyModifiers::NONE)),
            Some(Command::PrevField)
        );
    }

    #[test]
    fn no_key_means_two_things_in_one_section() {
        let k = Keymap::load(None).unwrap();
        for (section, _) in SECTIONS {
            let mut seen = std::collections::BTreeMap::new();
            for (command, keys) in k.bindings(section) {
                for key in keys {
                    if let Some(other) = seen.insert(key.label.clone(), *command) {
                        panic!(
                            "[{section}] {} is both {other:?} and {command:?}",
                            key.label
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn user_file_replaces_keys_of_named_commands() {
        let k = Keymap::load(Some("[normal]\ndown = [\"n\"]\n")).unwrap();
        assert_eq!(
            k.command("normal", &key(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Command::Down)
        );
        assert_eq!(
            k.command("normal", &key(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        // Untouched commands keep their defaults.
        assert_eq!(
            k.command("normal", &key(KeyCode::Char('k'), KeyModifiers::NONE)),
            Some(Command::Up)
        );
    }

    #[test]
    fn mistakes_are_reported_in_words() {
        assert!(
            Keymap::load(Some("[normal]\nfly = [\"x\"]\n"))
                .unwrap_err()
                .contains("fly")
        );
        assert!(
            Keymap::load(Some("[normal]\ndown = [\"ctrl-nope\"]\n"))
                .unwrap_err()
                .contains("nope")
        );
        assert!(
            Keymap::load(Some("[elsewhere]\ndown = [\"x\"]\n"))
                .unwrap_err()
                .contains("elsewhere")
        );
        assert!(Keymap::load(Some("not toml [")).is_err());
    }
}
