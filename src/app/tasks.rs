//! Runs `Effect`s as tokio tasks that report back with `Action`s. A new
//! listing cancels the previous one, so leaving a folder stops its paging.

use super::action::{Action, DetailsKey};
use super::effect::Effect;
use crate::azure::{ContainerEntry, StorageClient, describe_error};
use crate::config::accounts::AccountStore;
use futures::StreamExt;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// Blobs per listing request. Delimiter listings on the emulator get much
/// slower with smaller pages (see BENCHMARKS.md), and on Azure 5,000 is the
/// most a page can hold, so every listing asks for the maximum.
pub const LIST_PAGE_SIZE: u32 = 5000;

/// Wait this long after the cursor stops before fetching details, so holding
/// a key down does not send a request per row.
const DETAILS_DEBOUNCE: Duration = Duration::from_millis(120);

pub struct Runner {
    /// Indexed like `State::accounts`; `None` for detached or unusable accounts.
    clients: Vec<Option<StorageClient>>,
    store: Option<AccountStore>,
    /// Azure Resource Manager, for Entra ID discovery (`None`: turned off).
    pub arm_endpoint: Option<String>,
    tx: UnboundedSender<Action>,
    listing: Option<CancellationToken>,
    details: Option<CancellationToken>,
}

impl Runner {
    pub fn new(
        clients: Vec<Option<StorageClient>>,
        store: Option<AccountStore>,
        tx: UnboundedSender<Action>,
    ) -> Self {
        Self {
            clients,
            store,
            arm_endpoint: None,
            tx,
            listing: None,
            details: None,
        }
    }

    pub fn run_all(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.run(effect);
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::ListContainers {
                generation,
                account,
                prefix,
            } => {
                let token = self.replace_listing();
                let Some(client) = self.client(account) else {
                    let _ = self.tx.send(Action::ContainersPage {
                        generation,
                        result: Err("This account could not be set up; edit it to fix it.".into()),
                        done: true,
                    });
                    return;
                };
                if let Some(container) = client.account().container.clone() {
                    // A container-level SAS cannot list containers: show the one it reaches.
                    let _ = self.tx.send(Action::ContainersPage {
                        generation,
                        result: Ok(vec![ContainerEntry {
                            name: container,
                            last_modified: None,
                            public_access: None,
                            lease_state: None,
                        }]),
                        done: true,
                    });
                    return;
                }
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = list_containers(client, prefix, generation, tx) => {}
                    }
                });
            }
            Effect::ListBlobs {
                generation,
                account,
                container,
                prefix,
            } => {
                let token = self.replace_listing();
                let Some(client) = self.client(account) else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = token.cancelled() => {
                            tracing::debug!(%container, %prefix, "listing cancelled");
                        }
                        _ = list_blobs(client, container.clone(), prefix.clone(), generation, tx) => {}
                    }
                });
            }
            Effect::FetchDetails(key) => {
                if let Some(old) = self.details.take() {
                    old.cancel();
                }
                let token = CancellationToken::new();
                self.details = Some(token.clone());
                let Some(client) = self.client(key.account) else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = fetch_details(client, key, tx) => {}
                    }
                });
            }
            Effect::AddAccount {
                index,
                account,
                persist,
            } => {
                let label = account.label.clone();
                let client = match StorageClient::new((*account).clone()) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        tracing::warn!(account = %label, error = %e, "cannot make a client");
                        None
                    }
                };
                if index >= self.clients.len() {
                    self.clients.resize_with(index + 1, || None);
                }
                self.clients[index] = client;
                tracing::info!(account = %label, index, "account attached");
                if let (true, Some(store)) = (persist, self.store.clone()) {
                    let tx = self.tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let result = store.upsert(&account);
                        let _ = tx.send(Action::AccountSaved { label, result });
                    });
                }
            }
            Effect::Discover => {
                let Some(arm_endpoint) = self.arm_endpoint.clone() else {
                    let _ = self.tx.send(Action::Discovered {
                        result: Err("Entra ID discovery is turned off in config.toml".into()),
                    });
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = discover(&arm_endpoint).await;
                    let _ = tx.send(Action::Discovered { result });
                });
            }
            Effect::RemoveAccount { index, id } => {
                if let Some(slot) = self.clients.get_mut(index) {
                    *slot = None;
                }
                tracing::info!(%id, "account detached");
                if let Some(store) = self.store.clone() {
                    let tx = self.tx.clone();
                    tokio::task::spawn_blocking(move || {
                        if let Err(e) = store.remove(&id) {
                            let _ = tx.send(Action::AccountSaved {
                                label: id,
                                result: Err(e),
                            });
                        }
                    });
                }
            }
        }
    }

    fn replace_listing(&mut self) -> CancellationToken {
        if let Some(old) = self.listing.take() {
            old.cancel();
        }
        let token = CancellationToken::new();
        self.listing = Some(token.clone());
        token
    }

    fn client(&self, account: usize) -> Option<StorageClient> {
        let client = self.clients.get(account).cloned().flatten();
        if client.is_none() {
            tracing::error!(account, "effect for an account that does not exist");
        }
        client
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        for token in [self.listing.take(), self.details.take()]
            .into_iter()
            .flatten()
        {
            token.cancel();
        }
    }
}

async fn list_containers(
    client: StorageClient,
    prefix: Option<String>,
    generation: u64,
    tx: UnboundedSender<Action>,
) {
    let mut pages = std::pin::pin!(client.list_containers(prefix));
    while let Some(page) = pages.next().await {
        let (result, done) = match page {
            Ok(p) => {
                let done = p.next_marker.is_none();
                (Ok(p.containers), done)
            }
            Err(e) => (Err(describe_error(&e, client.account())), true),
        };
        if tx
            .send(Action::ContainersPage {
                generation,
                result,
                done,
            })
            .is_err()
            || done
        {
            return;
        }
    }
    // An empty pager: tell the UI the listing is over.
    let _ = tx.send(Action::ContainersPage {
        generation,
        result: Ok(Vec::new()),
        done: true,
    });
}

async fn list_blobs(
    client: StorageClient,
    container: String,
    prefix: String,
    generation: u64,
    tx: UnboundedSender<Action>,
) {
    let started = Instant::now();
    let mut marker: Option<String> = None;
    let mut pages = 0u32;
    let mut count = 0usize;
    loop {
        let page = client
            .list_blobs_page(
                &container,
                &prefix,
                Some("/"),
                marker.as_deref(),
                LIST_PAGE_SIZE,
            )
            .await;
        pages += 1;
        let (result, done) = match page {
            Ok(p) => {
                count += p.entries.len();
                marker = p.next_marker;
                (Ok(p.entries), marker.is_none())
            }
            Err(e) => {
                tracing::warn!(%container, %prefix, error = %e, "listing failed");
                (Err(describe_error(&e, client.account())), true)
            }
        };
        tracing::debug!(%container, %prefix, pages, count, elapsed_ms = started.elapsed().as_millis() as u64, "listing page");
        if tx
            .send(Action::BlobsPage {
                generation,
                result,
                done,
            })
            .is_err()
            || done
        {
            tracing::info!(%container, %prefix, pages, count, elapsed_ms = started.elapsed().as_millis() as u64, "listing finished");
            return;
        }
    }
}

async fn discover(arm_endpoint: &str) -> Result<(Vec<crate::azure::Account>, usize), String> {
    let (credential, kind) = crate::azure::entra::credential(|k| std::env::var(k).ok())?;
    tracing::info!(credential = kind, "Entra ID discovery");
    let arm = crate::azure::entra::Arm::new(arm_endpoint, credential.clone())?;
    let (found, subscriptions) = arm.discover().await?;
    let accounts = found
        .iter()
        .filter_map(|d| match d.account(credential.clone()) {
            Ok(a) => Some(a),
            Err(e) => {
                tracing::warn!(error = %e, "skipping a discovered account");
                None
            }
        })
        .collect();
    Ok((accounts, subscriptions))
}

async fn fetch_details(client: StorageClient, key: DetailsKey, tx: UnboundedSender<Action>) {
    tokio::time::sleep(DETAILS_DEBOUNCE).await;
    let result = client
        .blob_details(&key.container, &key.blob)
        .await
        .map_err(|e| describe_error(&e, client.account()));
    let _ = tx.send(Action::Details { key, result });
}
