//! The browser's side of a recursive search: starting one and taking its
//! pages. The pattern and the scan live in `azure::find`.

pub use crate::azure::find::{Find, Pattern};

use super::effect::Effect;
use super::entry::Entry;
use super::state::{Location, State};
use crate::azure::BlobEntry;

/// A search in progress or done, for the footer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindInfo {
    pub text: String,
    pub scanned: usize,
}

impl State {
    /// Starts a recursive search below the current folder (after the prompt).
    pub(super) fn start_find(&mut self, text: String) -> Vec<Effect> {
        self.start_search(text.clone(), |generation, account, container, prefix| {
            Effect::Find {
                generation,
                account,
                container,
                prefix,
                text,
            }
        })
    }

    /// Starts a search by index tags in this container, below the current
    /// folder (after the `F` prompt); its pages arrive like a name search's.
    pub(super) fn start_find_tags(&mut self, query: String) -> Vec<Effect> {
        self.start_search(
            format!("tags {query}"),
            |generation, account, container, prefix| Effect::FindTags {
                generation,
                account,
                container,
                prefix,
                query,
            },
        )
    }

    /// A search in place of the folder's listing: its rows come as find pages.
    fn start_search(
        &mut self,
        shown: String,
        effect: impl FnOnce(u64, usize, String, String) -> Effect,
    ) -> Vec<Effect> {
        let Location::Blobs {
            account,
            container,
            prefix,
        } = self.location.clone()
        else {
            return Vec::new();
        };
        let mut effects = self.reload();
        // `reload` started a folder listing; replace it with the search.
        effects.retain(|e| !matches!(e, Effect::ListBlobs { .. }));
        self.listing.find = Some(FindInfo {
            text: shown,
            scanned: 0,
        });
        self.listing.loading = true;
        effects.push(effect(self.listing.generation, account, container, prefix));
        effects
    }

    pub(super) fn find_page(
        &mut self,
        generation: u64,
        result: Result<(Vec<BlobEntry>, usize), String>,
        done: bool,
    ) -> Vec<Effect> {
        if generation != self.listing.generation {
            return Vec::new();
        }
        let Location::Blobs { prefix, .. } = self.location.clone() else {
            return Vec::new();
        };
        let result = result.map(|(blobs, scanned)| {
            if let Some(f) = self.listing.find.as_mut() {
                f.scanned += scanned;
            }
            let interner = &mut self.listing.interner;
            blobs
                .into_iter()
                .map(|b| Entry::from_blob(b, &prefix, interner))
                .collect::<Vec<_>>()
        });
        self.take_page(result, done)
    }
}

/// Streams a tag search's pages back as `Action::FindPage` until done or
/// `token` is cancelled (a newer listing).
pub(super) fn spawn_find_tags(
    client: crate::azure::StorageClient,
    container: String,
    prefix: String,
    query: String,
    generation: u64,
    token: tokio_util::sync::CancellationToken,
    tx: tokio::sync::mpsc::UnboundedSender<super::action::Action>,
) {
    tokio::spawn(async move {
        let rows =
            crate::azure::tags::find_rows(&client, &container, &prefix, &query, |result, done| {
                tx.send(super::action::Action::FindPage {
                    generation,
                    result,
                    done,
                })
                .is_ok()
            });
        tokio::select! {
            _ = token.cancelled() => {}
            _ = rows => {}
        }
    });
}
