//! `blobx edit az://container/blob`: a text blob opened in `$VISUAL` /
//! `$EDITOR` (fallback `vi`, `notepad` on Windows), saved back only if it is
//! still what was read; otherwise the user chooses: overwrite, save as a new
//! blob, or keep the edited copy on disk.

use super::Context;
use super::blobs::{blob_target, failed};
use crate::azure::StorageClient;
use crate::azure::edit::local::{
    editor_command, remove_private, run_editor, sibling_name, write_private,
};
use crate::azure::edit::{Opened, open, save};
use crate::azure::http::OpError;
use std::io::{BufRead, Write};
use std::path::Path;
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
    fn on_conflict_words() {
        assert!(parse_on_conflict("bogus").is_err());
        assert_eq!(parse_on_conflict("K\n"), Ok(OnConflict::Keep));
    }
}
