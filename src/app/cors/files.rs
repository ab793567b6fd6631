//! Exporting the rules to a JSON file and importing them from one.

use super::{CorsEffect, CorsView};
use crate::app::effect::Effect;
use crate::app::state::{Level, State};
use crate::azure::cors::{self as model, CorsRule};
use std::path::{Path, PathBuf};
use tui_input::Input;

impl State {
    pub(super) fn cors_file(&mut self, export: bool, input: Input) -> Vec<Effect> {
        let path = input.value().trim().to_string();
        if path.is_empty() {
            self.cors_set_view(CorsView::File { export, input });
            self.set_status(Level::Error, "Type a file path.");
            return Vec::new();
        }
        let Some(ed) = self.layers.cors() else {
            return Vec::new();
        };
        let name = self
            .accounts
            .get(ed.account)
            .map(|n| n.account.name.clone());
        let json = model::to_json(name.as_deref(), &ed.rules);
        let path = PathBuf::from(path);
        let generation = if export {
            self.cors_busy(format!("exporting to {}…", path.display()))
        } else {
            self.cors_busy(format!("importing {}…", path.display()))
        };
        self.cors_set_view(CorsView::Table);
        vec![Effect::Cors(if export {
            CorsEffect::Export {
                generation,
                path,
                json,
            }
        } else {
            CorsEffect::Import { generation, path }
        })]
    }
}

/// Writes the exported `json` to a new file; says how many rules it holds.
pub(super) fn export(path: &Path, json: &str) -> Result<usize, String> {
    let n = serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v["rules"].as_array().map(Vec::len))
        .unwrap_or(0);
    write_new_file(path, json).map(|()| n)
}

/// The rules in an exported file.
pub(super) fn import(path: &Path) -> Result<Vec<CorsRule>, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("Cannot read {}: {e}", path.display()))
        .and_then(|text| {
            model::parse_json(&text)
                .map(|(_, rules)| rules)
                .map_err(|e| format!("{}: {e}", path.display()))
        })
}

/// Writes `text` to a file that must not exist yet (an export never overwrites).
fn write_new_file(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; export to a new name (blobx never overwrites it).",
                path.display()
            ),
            _ => format!("Cannot write {}: {e}", path.display()),
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("Cannot write {}: {e}", path.display()))
}
