//! Writing a bandwidth cap set live (`c`, then `S` in the transfers pane)
//! into config.toml as `cap_mbps`, without disturbing the rest of the file:
//! comments, order, blank lines and every other setting stay as they were.
//! Only the top-level `cap_mbps` line is replaced, or one added before the
//! first `[section]`; the result must parse and say what was asked, or
//! nothing is written.

use super::settings::Settings;
use std::path::Path;

/// Whether `line` opens a `[section]` (or `[[array]]`), after which keys
/// are no longer top-level.
fn is_header(line: &str) -> bool {
    line.trim_start().starts_with('[')
}

/// A top-level `cap_mbps = …` line (spaces and a trailing comment allowed).
fn is_cap_line(line: &str) -> bool {
    let t = line.trim_start();
    t.strip_prefix("cap_mbps")
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// `text` (config.toml's content, maybe empty) with `cap_mbps = mbps`.
pub fn with_cap(text: &str, mbps: u32) -> Result<String, String> {
    // A file that does not load now would be no better after the edit, and
    // its owner should see their mistake, not a rewrite.
    Settings::load(Some(text)).map_err(|e| {
        format!("config.toml does not load ({e}); fix it first, nothing was written")
    })?;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let header = lines
        .iter()
        .position(|l| is_header(l))
        .unwrap_or(lines.len());
    let new_line = format!("cap_mbps = {mbps}");
    match lines[..header].iter().position(|l| is_cap_line(l)) {
        Some(i) => {
            let old = &lines[i];
            // Keep a comment the user wrote after the value.
            let comment = old
                .find('#')
                .map(|c| format!(" {}", old[c..].trim_end()))
                .unwrap_or_default();
            lines[i] = format!("{new_line}{comment}{eol}");
        }
        None => {
            // After the last top-level line, so a leading comment block stays on top.
            let at = lines[..header]
                .iter()
                .rposition(|l| !l.trim().is_empty())
                .map_or(0, |i| i + 1);
            if at > 0 && !lines[at - 1].ends_with('\n') {
                lines[at - 1].push_str(eol);
            }
            let mut insert = format!("{new_line}{eol}");
            if at == header && header < lines.len() && at > 0 {
                // Straight before a section: a blank line keeps them apart.
                insert.push_str(eol);
            } else if at == 0 && header < lines.len() {
                insert.push_str(eol);
            }
            lines.insert(at, insert);
        }
    }
    let out = lines.concat();
    match Settings::load(Some(&out)) {
        Ok(s) if s.cap_mbps == Some(mbps) => Ok(out),
        _ => Err("could not place cap_mbps in config.toml; nothing was written".into()),
    }
}

/// Writes `cap_mbps = mbps` into `path` (created if missing), atomically.
pub fn save(path: &Path, mbps: u32) -> Result<(), String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let out = with_cap(&text, mbps)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, out)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_missing_file_gets_one_line() {
        assert_eq!(with_cap("", 80).unwrap(), "cap_mbps = 80\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/config.toml");
        save(&path, 5).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "cap_mbps = 5\n");
        save(&path, 7).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "cap_mbps = 7\n");
    }

    #[test]
    fn the_rest_of_the_file_stays_as_the_user_wrote_it() {
        let text = "# my settings\nreadonly = false  # for now\ncap_mbps=20 # slow link\n\n[emulator]\n# where\nhost = \"http://127.0.0.1:11000\"\n";
        assert_eq!(
            with_cap(text, 80).unwrap(),
            "# my settings\nreadonly = false  # for now\ncap_mbps = 80 # slow link\n\n[emulator]\n# where\nhost = \"http://127.0.0.1:11000\"\n"
        );
        // No cap yet: added after the top-level settings, before the first section.
        let text = "# mine\nreadonly = true\n\n[entra]\nenabled = false\n";
        assert_eq!(
            with_cap(text, 3).unwrap(),
            "# mine\nreadonly = true\ncap_mbps = 3\n\n[entra]\nenabled = false\n"
        );
        let text = "[emulator]\nhost = \"http://x\"";
        assert_eq!(
            with_cap(text, 3).unwrap(),
            "cap_mbps = 3\n\n[emulator]\nhost = \"http://x\""
        );
        // CRLF files stay CRLF.
        let text = "readonly = true\r\n";
        assert_eq!(
            with_cap(text, 1).unwrap(),
            "readonly = true\r\ncap_mbps = 1\r\n"
        );
    }

    #[test]
    fn a_file_that_does_not_load_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "cap_mbps = \"fast\"\n").unwrap();
        let err = save(&path, 80).unwrap_err();
        assert!(err.contains("fix it first"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "cap_mbps = \"fast\"\n"
        );
    }
}
