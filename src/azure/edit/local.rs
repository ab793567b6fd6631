//! The local side of editing in place: the editor to run, the private copy
//! it edits (a 0700 folder, a 0600 file, removed after a save) and the name
//! a "save as new" takes. Shared by `blobx edit` and the TUI's edit key.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The editor command: `$VISUAL`, then `$EDITOR`, then the platform's default.
pub fn editor_command(var: impl Fn(&str) -> Option<String>) -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| var(k))
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| if cfg!(windows) { "notepad" } else { "vi" }.to_string())
}

/// `name.ext` → `name.edited-UNIXTIME.ext`, beside the original.
pub fn sibling_name(blob: &str, stamp: i64) -> String {
    let (dir, leaf) = match blob.rsplit_once('/') {
        Some((d, l)) => (format!("{d}/"), l),
        None => (String::new(), blob),
    };
    match leaf.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{dir}{stem}.edited-{stamp}.{ext}"),
        _ => format!("{dir}{leaf}.edited-{stamp}"),
    }
}

/// A private folder (0700) and file (0600) holding the text.
pub fn write_private(leaf: &str, text: &str) -> std::io::Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("blobx-edit-{}-{nanos}", std::process::id()));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&dir)?;
    let path = dir.join(if leaf.is_empty() { "blob.txt" } else { leaf });
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(path)
}

pub fn remove_private(path: &Path) {
    let _ = std::fs::remove_file(path);
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Runs the editor on `path` with the terminal (blocking); its exit status.
pub fn run_editor(editor: &str, path: &Path) -> Result<(), String> {
    let status = if cfg!(windows) {
        std::process::Command::new(editor).arg(path).status()
    } else {
        // Through the shell, so EDITOR="code --wait" works.
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(path)
            .status()
    };
    match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("the editor ({editor}) exited with {s}")),
        Err(e) => Err(format!("cannot start the editor ({editor}): {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_and_names() {
        let env = |v: Option<&'static str>, e: Option<&'static str>| {
            move |k: &str| match k {
                "VISUAL" => v.map(String::from),
                "EDITOR" => e.map(String::from),
                _ => None,
            }
        };
        assert_eq!(
            editor_command(env(Some("code --wait"), Some("nano"))),
            "code --wait"
        );
        assert_eq!(editor_command(env(Some(" "), Some("nano"))), "nano");
        assert!(!editor_command(env(None, None)).is_empty());
        assert_eq!(sibling_name("a/b.json", 7), "a/b.edited-7.json");
        assert_eq!(sibling_name("README", 7), "README.edited-7");
        assert_eq!(sibling_name(".env", 7), ".env.edited-7");
    }
}
