//! `blobx edit az://container/blob`: a text blob opened in `$VISUAL` /
//! `$EDITOR` (fallback `vi`, `notepad` on Windows), saved back only if it is
//! still what was read; otherwise the user chooses: overwrite, save as a new
//! blob, or keep the edited copy on disk.

use super::Context;
use super::blobs::{blob_target, failed};
use crate::azure::StorageClient;
use crate::azure::edit::{Opened, open, save};
use crate::azure::http::OpError;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// az://container/blob (a text blob of at most 4 MiB).
    pub target: String,
    /// When the blob changed while it was being edited: ask (default),
    /// overwrite, new (save as a new blob beside it) or keep (leave the copy on disk).
    #[arg(long, default_value = "ask", value_name = "WHAT")]
    pub on_conflict: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OnConflict {
    Ask,
    Overwrite,
    New,
    Keep,
}

fn parse_on_conflict(s: &str) -> Result<OnConflict, String> {
    Ok(match s.trim().to_ascii_lowercase().as_str() {
        "ask" => OnConflict::Ask,
        "overwrite" | "o" => OnConflict::Overwrite,
        "new" | "n" | "s" => OnConflict::New,
        "keep" | "k" => OnConflict::Keep,
        other => {
            return Err(format!(
                "--on-conflict {other:?}: use ask, overwrite, new or keep"
            ));
        }
    })
}

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
fn write_private(leaf: &str, text: &str) -> std::io::Result<PathBuf> {
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

fn remove_private(path: &Path) {
    let _ = std::fs::remove_file(path);
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Runs the editor on `path` with the terminal (blocking); its exit status.
fn run_editor(editor: &str, path: &Path) -> Result<(), String> {
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

fn ask_conflict(blob: &str) -> OnConflict {
    eprint!(
        "blobx: {blob} was changed by someone else while you edited it.\n[o]verwrite it, [s]ave yours as a new blob, or [k]eep your copy on disk? "
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(n) if n > 0 => parse_on_conflict(&line).unwrap_or(OnConflict::Keep),
        _ => OnConflict::Keep,
    }
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    ctx.allow_change("edit")?;
    let on_conflict = parse_on_conflict(&args.on_conflict).map_err(|e| anyhow::anyhow!(e))?;
    let (account, container, blob) = blob_target(ctx, &args.target)?;
    let client = StorageClient::new(account.clone())?;
    let opened = match open(&client, &container, &blob).await {
        Ok(o) => o,
        Err(OpError::Invalid(why)) => anyhow::bail!(why),
        Err(e) if e.status() == Some(404) => {
            return Ok(failed(format!("no blob {blob} in {container}")));
        }
        Err(e) => return Ok(failed(e.describe(account))),
    };
    let leaf = blob.rsplit('/').next().unwrap_or(&blob).to_string();
    let path = write_private(&leaf, &opened.text)
        .map_err(|e| anyhow::anyhow!("cannot write a private copy to edit: {e}"))?;
    let editor = editor_command(|k| std::env::var(k).ok());
    let ran = {
        let (editor, path) = (editor.clone(), path.clone());
        tokio::task::spawn_blocking(move || run_editor(&editor, &path))
            .await
            .unwrap_or_else(|e| Err(format!("the editor did not run: {e}")))
    };
    if let Err(why) = ran {
        remove_private(&path);
        return Ok(failed(format!("{why}; nothing was saved")));
    }
    let edited = match std::fs::read(&path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            return Ok(failed(format!(
                "the edited file is not UTF-8 text; nothing was saved. Your copy: {}",
                path.display()
            )));
        }
        Err(e) => {
            return Ok(failed(format!(
                "cannot read the edited file {}: {e}",
                path.display()
            )));
        }
    };
    if edited == opened.text {
        remove_private(&path);
        eprintln!("blobx: no changes; nothing was saved");
        return Ok(ExitCode::SUCCESS);
    }
    save_edited(
        &client,
        &container,
        &blob,
        &opened,
        &edited,
        &path,
        on_conflict,
    )
    .await
}

async fn save_edited(
    client: &StorageClient,
    container: &str,
    blob: &str,
    opened: &Opened,
    edited: &str,
    path: &Path,
    on_conflict: OnConflict,
) -> anyhow::Result<ExitCode> {
    let account = client.account();
    match save(
        client,
        container,
        blob,
        opened,
        edited,
        Some(&opened.head.etag),
        false,
    )
    .await
    {
        Ok(_) => {
            crate::audit::audit("edit blob", &format!("{container}/{blob}"));
            remove_private(path);
            eprintln!("blobx: saved {container}/{blob}");
            return Ok(ExitCode::SUCCESS);
        }
        Err(OpError::Changed(_)) => {}
        Err(e) => {
            return Ok(failed(format!(
                "{}; nothing was saved. Your copy: {}",
                e.describe(account),
                path.display()
            )));
        }
    }
    let choice = match on_conflict {
        OnConflict::Ask => ask_conflict(blob),
        other => other,
    };
    match choice {
        OnConflict::Overwrite => {
            match save(client, container, blob, opened, edited, None, false).await {
                Ok(_) => {
                    crate::audit::audit(
                        "edit blob (overwrote a change)",
                        &format!("{container}/{blob}"),
                    );
                    remove_private(path);
                    eprintln!("blobx: overwrote {container}/{blob}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(failed(format!(
                    "{}; nothing was saved. Your copy: {}",
                    e.describe(account),
                    path.display()
                ))),
            }
        }
        OnConflict::New => {
            let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
            let name = sibling_name(blob, stamp);
            match save(client, container, &name, opened, edited, None, true).await {
                Ok(_) => {
                    crate::audit::audit("edit blob (saved as new)", &format!("{container}/{name}"));
                    remove_private(path);
                    eprintln!(
                        "blobx: {blob} was left as it is; yours is saved as {container}/{name}"
                    );
                    println!("az://{container}/{name}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(failed(format!(
                    "{}; nothing was saved. Your copy: {}",
                    e.describe(account),
                    path.display()
                ))),
            }
        }
        OnConflict::Keep | OnConflict::Ask => Ok(failed(format!(
            "{blob} was left as it is; nothing was saved. Your copy is kept at {}",
            path.display()
        ))),
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
        assert!(parse_on_conflict("bogus").is_err());
        assert_eq!(parse_on_conflict("K\n"), Ok(OnConflict::Keep));
    }
}
