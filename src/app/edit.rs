//! `e` on a text blob: edit it in `$VISUAL`/`$EDITOR`. The blob is read (with
//! its ETag, headers, metadata and tags) into a private copy; the event loop
//! then hands the terminal to the editor and takes it back; the copy is saved
//! with If-Match only if it changed. A change made meanwhile by someone else
//! is never overwritten unasked: o overwrites, k keeps both (yours beside it
//! as `name.edited-TIME.ext`), s or Esc saves nothing and says where your
//! copy is. The same `azure::edit` code as `blobx edit`.

use super::action::{Action, Command};
use super::effect::Effect;
use super::layers::Layer;
use super::state::{Confirm, State};
use crate::azure::StorageClient;
use crate::azure::edit::local::{remove_private, sibling_name, write_private};
use crate::azure::edit::{Opened, open, save};
use crate::azure::http::OpError;
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;

/// A blob being edited: what was read, and the private copy.
#[derive(Clone, Debug)]
pub struct EditSession {
    pub account: usize,
    pub container: String,
    pub blob: String,
    pub opened: Opened,
    pub path: PathBuf,
}

impl PartialEq for EditSession {
    /// The same blob in the same copy (what was read is not compared).
    fn eq(&self, other: &Self) -> bool {
        (self.account, &self.container, &self.blob, &self.path)
            == (other.account, &other.container, &other.blob, &other.path)
    }
}

impl Eq for EditSession {}

#[derive(Debug)]
pub enum EditEvent {
    /// Read, and the copy written: the terminal goes to the editor.
    Ready(Box<EditSession>),
    /// The editor closed (or why it could not run).
    Closed(Box<EditSession>, Result<(), String>),
    /// The blob changed while it was edited: ask. With the edited text.
    Conflict(Box<EditSession>, String),
}

#[derive(Clone, Debug)]
pub enum EditEffect {
    Open {
        account: usize,
        container: String,
        blob: String,
    },
    /// Read the edited copy; save it (If-Match) if it changed.
    Finish {
        session: Box<EditSession>,
        editor: Result<(), String>,
    },
    /// After a conflict: overwrite, or save beside it as a new blob.
    SaveAnyway {
        session: Box<EditSession>,
        text: String,
        as_new: bool,
    },
}

impl PartialEq for EditEffect {
    /// Tests compare what is opened; the rest carries a read blob.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                EditEffect::Open {
                    account: a,
                    container: c,
                    blob: b,
                },
                EditEffect::Open {
                    account: x,
                    container: y,
                    blob: z,
                },
            ) => a == x && c == y && b == z,
            _ => false,
        }
    }
}

impl State {
    /// `e` on a blob in a container.
    pub(in crate::app) fn edit_blob(&mut self) -> Vec<Effect> {
        let Some((account, container, blob, kind)) = self.selected_blob() else {
            return Vec::new();
        };
        if kind != super::entry::EntryKind::Blob {
            self.info("Select a text blob to edit it.");
            return Vec::new();
        }
        if self.changes_off() {
            self.error("Read-only: editing a blob is turned off here.");
            return Vec::new();
        }
        self.info(&format!("Opening {blob}…"));
        vec![Effect::Edit(EditEffect::Open {
            account,
            container,
            blob,
        })]
    }

    pub(in crate::app) fn edit_event(&mut self, event: EditEvent) -> Vec<Effect> {
        match event {
            EditEvent::Ready(session) => {
                // The loop takes it: it needs the terminal.
                self.editor = Some(session);
                Vec::new()
            }
            EditEvent::Closed(session, editor) => {
                self.info(&format!("Saving {}…", session.blob));
                vec![Effect::Edit(EditEffect::Finish { session, editor })]
            }
            EditEvent::Conflict(session, text) => {
                self.layers
                    .push(Layer::Confirm(Confirm::EditConflict { session, text }));
                Vec::new()
            }
        }
    }

    /// The answer to "it changed meanwhile"; `None`: not this question.
    pub(in crate::app) fn edit_confirm(
        &mut self,
        cmd: Command,
        question: Confirm,
    ) -> Option<Vec<Effect>> {
        let Confirm::EditConflict { session, text } = question else {
            self.layers.push(Layer::Confirm(question));
            return None;
        };
        Some(match cmd {
            Command::Overwrite | Command::KeepBoth => {
                vec![Effect::Edit(EditEffect::SaveAnyway {
                    session,
                    text,
                    as_new: cmd == Command::KeepBoth,
                })]
            }
            Command::Skip | Command::No | Command::Cancel => {
                self.info(&format!(
                    "{} was left as it is; nothing was saved. Your copy is kept at {}",
                    session.blob,
                    session.path.display()
                ));
                Vec::new()
            }
            _ => {
                self.layers
                    .push(Layer::Confirm(Confirm::EditConflict { session, text }));
                Vec::new()
            }
        })
    }
}

fn done(tx: &UnboundedSender<Action>, account: usize, result: Result<String, String>) {
    let _ = tx.send(Action::OpDone {
        account,
        result: result.map(super::ops::OpOutcome::Changed),
    });
}

/// Runs the edit's background work.
pub(in crate::app) fn spawn(
    effect: EditEffect,
    client_of: impl Fn(usize) -> Option<StorageClient>,
    tx: UnboundedSender<Action>,
) {
    let account = match &effect {
        EditEffect::Open { account, .. } => *account,
        EditEffect::Finish { session, .. } | EditEffect::SaveAnyway { session, .. } => {
            session.account
        }
    };
    let Some(client) = client_of(account) else {
        done(&tx, account, Err("this account is not available".into()));
        return;
    };
    tokio::spawn(async move {
        match effect {
            EditEffect::Open {
                account,
                container,
                blob,
            } => {
                let opened = match open(&client, &container, &blob).await {
                    Ok(o) => o,
                    Err(e) => return done(&tx, account, Err(e.describe(client.account()))),
                };
                let leaf = blob.rsplit('/').next().unwrap_or(&blob).to_string();
                let text = opened.text.clone();
                let path =
                    match tokio::task::spawn_blocking(move || write_private(&leaf, &text)).await {
                        Ok(Ok(p)) => p,
                        Ok(Err(e)) => {
                            return done(
                                &tx,
                                account,
                                Err(format!("cannot write a private copy to edit: {e}")),
                            );
                        }
                        Err(e) => return done(&tx, account, Err(e.to_string())),
                    };
                let session = EditSession {
                    account,
                    container,
                    blob,
                    opened,
                    path,
                };
                let _ = tx.send(Action::Edit(EditEvent::Ready(Box::new(session))));
            }
            EditEffect::Finish { session, editor } => finish(&client, session, editor, &tx).await,
            EditEffect::SaveAnyway {
                session,
                text,
                as_new,
            } => {
                let s = &session;
                let (name, result) = if as_new {
                    let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
                    let name = sibling_name(&s.blob, stamp);
                    let r = save(&client, &s.container, &name, &s.opened, &text, None, true).await;
                    (name, r)
                } else {
                    let r = save(
                        &client,
                        &s.container,
                        &s.blob,
                        &s.opened,
                        &text,
                        None,
                        false,
                    )
                    .await;
                    (s.blob.clone(), r)
                };
                let result = match result {
                    Ok(_) => {
                        crate::audit::audit(
                            if as_new {
                                "edit blob (saved as new)"
                            } else {
                                "edit blob (overwrote a change)"
                            },
                            &format!("{}/{name}", s.container),
                        );
                        remove_private(&s.path);
                        Ok(if as_new {
                            format!("{} was left as it is; yours is saved as {name}.", s.blob)
                        } else {
                            format!("Overwrote {name} with your edit.")
                        })
                    }
                    Err(e) => Err(format!(
                        "{}; nothing was saved. Your copy: {}",
                        e.describe(client.account()),
                        s.path.display()
                    )),
                };
                done(&tx, s.account, result);
            }
        }
    });
}

async fn finish(
    client: &StorageClient,
    session: Box<EditSession>,
    editor: Result<(), String>,
    tx: &UnboundedSender<Action>,
) {
    let s = &session;
    if let Err(why) = editor {
        remove_private(&s.path);
        return done(tx, s.account, Err(format!("{why}; nothing was saved")));
    }
    let edited = match std::fs::read(&s.path).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => {
            return done(
                tx,
                s.account,
                Err(format!(
                    "the edited file is not UTF-8 text; nothing was saved. Your copy: {}",
                    s.path.display()
                )),
            );
        }
        Err(e) => {
            return done(
                tx,
                s.account,
                Err(format!(
                    "cannot read the edited file {}: {e}",
                    s.path.display()
                )),
            );
        }
    };
    if edited == s.opened.text {
        remove_private(&s.path);
        return done(
            tx,
            s.account,
            Ok(format!("No changes to {}; nothing was saved.", s.blob)),
        );
    }
    let etag = s.opened.head.etag.clone();
    match save(
        client,
        &s.container,
        &s.blob,
        &s.opened,
        &edited,
        Some(&etag),
        false,
    )
    .await
    {
        Ok(_) => {
            crate::audit::audit("edit blob", &format!("{}/{}", s.container, s.blob));
            remove_private(&s.path);
            done(tx, s.account, Ok(format!("Saved {}.", s.blob)));
        }
        Err(OpError::Changed(_)) => {
            let _ = tx.send(Action::Edit(EditEvent::Conflict(session, edited)));
        }
        Err(e) => done(
            tx,
            s.account,
            Err(format!(
                "{}; nothing was saved. Your copy: {}",
                e.describe(client.account()),
                s.path.display()
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::layers::Mode;
    use crate::app::update_tests::{cmd, in_container};

    fn session() -> Box<EditSession> {
        Box::new(EditSession {
            account: 0,
            container: "data".into(),
            blob: "a.csv".into(),
            opened: Opened {
                head: Default::default(),
                text: "x".into(),
                tags: None,
            },
            path: "/tmp/blobx-edit-test/a.csv".into(),
        })
    }

    #[test]
    fn e_opens_the_blob_and_the_loop_takes_the_session() {
        let mut s = in_container(&["a.csv", "b.csv"]);
        let fx = cmd(&mut s, Command::Edit);
        assert_eq!(
            fx,
            [Effect::Edit(EditEffect::Open {
                account: 0,
                container: "data".into(),
                blob: "a.csv".into()
            })]
        );
        s.update(Action::Edit(EditEvent::Ready(session())));
        assert!(s.editor.is_some(), "waiting for the terminal handover");
        let mut s = in_container(&["a.csv"]);
        s.readonly = true;
        assert!(cmd(&mut s, Command::Edit).is_empty(), "read-only refuses");
        assert!(
            s.status
                .as_ref()
                .is_some_and(|m| m.text.contains("Read-only"))
        );
    }

    #[test]
    fn a_conflict_asks_and_only_o_or_k_write() {
        let mut s = in_container(&["a.csv"]);
        s.update(Action::Edit(EditEvent::Conflict(session(), "mine".into())));
        assert_eq!(s.mode(), Mode::Confirm);
        assert!(
            cmd(&mut s, Command::Yes).is_empty(),
            "y is not an answer here"
        );
        assert_eq!(s.mode(), Mode::Confirm);
        let fx = cmd(&mut s, Command::KeepBoth);
        assert!(
            matches!(
                &fx[..],
                [Effect::Edit(EditEffect::SaveAnyway { as_new: true, .. })]
            ),
            "{fx:?}"
        );
        s.update(Action::Edit(EditEvent::Conflict(session(), "mine".into())));
        assert!(cmd(&mut s, Command::Skip).is_empty());
        assert_eq!(s.mode(), Mode::Normal);
        assert!(
            s.status
                .as_ref()
                .is_some_and(|m| m.text.contains("kept at"))
        );
    }
}
