//! Runs `Effect`s as tokio tasks that report back with `Action`s. A new
//! listing cancels the previous one, so leaving a folder stops its paging.

use super::action::{Action, DetailsKey};
use super::effect::{Effect, TransferOp};
use crate::azure::{ContainerEntry, StorageClient, describe_error};
use crate::config::accounts::AccountStore;
use crate::transfer::conflict::Conflict;
use crate::transfer::engine::EngineOptions;
use crate::transfer::journal::Entry;
use crate::transfer::{Engine, ItemSpec, Snapshot, plan};
use futures::StreamExt;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

pub use crate::azure::find::LIST_PAGE_SIZE;
use crate::azure::find::each_blob_page;

/// Wait this long after the cursor stops before fetching details, so holding
/// a key down does not send a request per row.
const DETAILS_DEBOUNCE: Duration = Duration::from_millis(120);

pub struct Runner {
    /// Indexed like `State::accounts`; `None` for detached or unusable accounts.
    clients: Vec<Option<StorageClient>>,
    store: Option<AccountStore>,
    /// Azure Resource Manager, for Entra ID discovery (`None`: turned off).
    pub arm_endpoint: Option<String>,
    /// Where bookmarks are saved (`None`: no config dir, kept for the session).
    pub bookmarks_path: Option<std::path::PathBuf>,
    /// config.toml, where `S` in the transfers pane keeps the cap (`None`: no config dir).
    pub config_path: Option<std::path::PathBuf>,
    tx: UnboundedSender<Action>,
    listing: Option<CancellationToken>,
    details: Option<CancellationToken>,
    /// The preview being read; a newer one (the cursor moved on) cancels it.
    preview: Option<CancellationToken>,
    /// The size count running (`Z`); a newer one cancels it.
    sizes: Option<CancellationToken>,
    /// The lifecycle dry run listing the account; a newer one cancels it.
    lifecycle: Option<CancellationToken>,
    /// The sync plan being made; a newer one (or closing the review) cancels it.
    sync: Option<CancellationToken>,
    engine: Engine,
}

/// How often the transfers pane hears about progress (only when it changed).
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

fn transfer_client(c: &StorageClient) -> Option<(String, StorageClient)> {
    StorageClient::for_transfers(c.account().clone())
        .ok()
        .map(|t| (c.account().id.clone(), t))
}

impl Runner {
    /// A way for code outside the tasks to report to the loop.
    pub fn sender(&self) -> UnboundedSender<Action> {
        self.tx.clone()
    }

    pub fn new(
        clients: Vec<Option<StorageClient>>,
        store: Option<AccountStore>,
        tx: UnboundedSender<Action>,
    ) -> Self {
        let engine = Engine::new(
            clients
                .iter()
                .map(|c| c.as_ref().and_then(transfer_client))
                .collect(),
            EngineOptions::default(),
        );
        spawn_sampler(engine.clone(), tx.clone());
        Self {
            clients,
            store,
            arm_endpoint: None,
            bookmarks_path: None,
            config_path: None,
            tx,
            listing: None,
            sizes: None,
            lifecycle: None,
            sync: None,
            details: None,
            preview: None,
            engine,
        }
    }

    pub fn set_cap(&self, bytes_per_sec: Option<u64>) {
        self.engine.set_cap(bytes_per_sec);
    }

    /// Offers the transfers an earlier run left unfinished (a crash, or quit anyway).
    pub fn check_unfinished(&self) {
        let pending = self
            .engine
            .journal()
            .map(|j| j.pending())
            .unwrap_or_default();
        if !pending.is_empty() {
            let _ = self.tx.send(Action::Unfinished(pending));
        }
    }

    /// Tells the state whether the account is a data lake (asked once per
    /// client; later calls answer from what the client remembers).
    fn account_kind(&self, account: usize, client: &StorageClient) {
        let (client, tx) = (client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let hierarchical = client.hierarchical().await;
            if client.known_hierarchical().is_some() {
                let _ = tx.send(Action::AccountKind {
                    account,
                    hierarchical,
                });
            }
        });
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
                self.account_kind(account, &client);
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
                // Opened straight into a container (a location on the command
                // line): the account's kind is learnt here.
                self.account_kind(account, &client);
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
                let token = replace(&mut self.details);
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
                self.engine.set_client(
                    index,
                    account.id.clone(),
                    client.as_ref().and_then(transfer_client).map(|(_, c)| c),
                );
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
            Effect::PlanDownload { selection, dir } => {
                let Some(client) = self.client(selection.account) else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match plan::downloads(&client, &selection, &dir).await {
                        Ok(specs) => {
                            let existing = plan::count_conflicts(&specs, |_| None).await;
                            Ok((specs, existing))
                        }
                        Err(e) => Err(e),
                    };
                    let _ = tx.send(Action::TransferPlanned { result });
                });
            }
            Effect::PlanUpload {
                local,
                account,
                container,
                prefix,
                set,
            } => {
                let clients = self.clients.clone();
                let tx = self.tx.clone();
                let engine = self.engine.clone();
                tokio::spawn(async move {
                    // Walking a local folder is blocking file-system work.
                    let planned = tokio::task::spawn_blocking(move || {
                        plan::uploads(&local, account, &container, &prefix)
                    })
                    .await;
                    let result = match planned {
                        Ok(Ok(specs)) => {
                            if let Some(change) = set {
                                engine.set_after_upload(&specs, change);
                            }
                            let existing = plan::count_conflicts(&specs, |i| {
                                clients.get(i).cloned().flatten()
                            })
                            .await;
                            Ok((specs, existing))
                        }
                        Ok(Err(e)) => Err(e),
                        Err(e) => Err(format!("planning the upload failed: {e}")),
                    };
                    let _ = tx.send(planned_writes(result, &clients).await);
                });
            }
            Effect::PlanCopy {
                selection,
                account,
                container,
                prefix,
            } => {
                let Some(source) = self.client(selection.account) else {
                    return;
                };
                let clients = self.clients.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result =
                        match plan::copies(&source, &selection, account, &container, &prefix).await
                        {
                            Ok(specs) => {
                                let existing = plan::count_conflicts(&specs, |i| {
                                    clients.get(i).cloned().flatten()
                                })
                                .await;
                                Ok((specs, existing))
                            }
                            Err(e) => Err(e),
                        };
                    let _ = tx.send(planned_writes(result, &clients).await);
                });
            }
            Effect::Enqueue { specs, conflict } => {
                let engine = self.engine.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    match engine.prepare_targets(&specs).await {
                        Ok(()) => {
                            engine.enqueue(specs, conflict);
                        }
                        Err(e) => {
                            let _ = tx.send(Action::TransferPlanned { result: Err(e) });
                        }
                    }
                });
            }
            Effect::TransferOp { id, op } => match (id, op) {
                (Some(id), TransferOp::Pause) => self.engine.pause(id),
                (Some(id), TransferOp::Resume) => self.engine.resume(id),
                (Some(id), TransferOp::Cancel) => self.engine.cancel(id),
                (Some(id), TransferOp::Retry) => self.engine.retry(id),
                (Some(id), TransferOp::Up) => self.engine.reorder(id, -1),
                (Some(id), TransferOp::Down) => self.engine.reorder(id, 1),
                (_, TransferOp::PauseAll) => self.engine.pause_all(),
                (_, TransferOp::ResumeAll) => self.engine.resume_all(),
                (_, TransferOp::ForgetFinished) => {
                    self.engine.forget_finished();
                }
                (None, _) => {}
            },
            Effect::ResumeUnfinished(entries) => {
                let mut specs = Vec::new();
                for e in &entries {
                    let Some(spec) = self.resume_spec(e) else {
                        continue;
                    };
                    // An upload by sync records its file's mtime when done.
                    if let Some(ms) = e.record_mtime_ms {
                        self.engine.set_record_mtime([(spec.target.clone(), ms)]);
                    }
                    specs.push(spec);
                }
                if specs.len() < entries.len() {
                    tracing::warn!(
                        missing = entries.len() - specs.len(),
                        "some unfinished transfers belong to accounts that are gone"
                    );
                }
                // The same transfer continues; its target is its own partial state.
                self.engine.enqueue(specs, Conflict::Overwrite);
            }
            Effect::DiscardUnfinished(entries) => {
                if let Some(journal) = self.engine.journal() {
                    for entry in &entries {
                        journal.discard(entry);
                    }
                }
            }
            Effect::SaveCap(mbps) => {
                let result = match &self.config_path {
                    Some(path) => crate::config::save_cap::save(path, mbps)
                        .map(|()| format!("cap_mbps = {mbps} to {}", path.display())),
                    None => Err("there is no config dir to save the cap in (set BLOBX_CONFIG_DIR or --config-dir)".into()),
                };
                let (what, result) = match result {
                    Ok(what) => (what, Ok(())),
                    Err(e) => (String::new(), Err(format!("The cap was not saved: {e}"))),
                };
                let _ = self.tx.send(Action::Saved { what, result });
            }
            Effect::Find {
                generation,
                account,
                container,
                prefix,
                text,
            } => {
                let token = self.replace_listing();
                let Some(client) = self.client(account) else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = token.cancelled() => {}
                        _ = find(client, container, prefix, text, generation, tx) => {}
                    }
                });
            }
            Effect::FindTags {
                generation,
                account,
                container,
                prefix,
                query,
            } => {
                let token = self.replace_listing();
                let Some(client) = self.client(account) else {
                    return;
                };
                let tx = self.tx.clone();
                super::find::spawn_find_tags(
                    client, container, prefix, query, generation, token, tx,
                );
            }
            Effect::Sizes {
                key,
                containers,
                filter,
            } => {
                let token = replace(&mut self.sizes);
                let Some(client) = self.client(key.account) else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(super::sizes::count_sizes(
                    client, key, containers, filter, token, tx,
                ));
            }
            Effect::SizesInventory { key, report, rule } => {
                let token = replace(&mut self.sizes);
                let Some(client) = self.client(key.account) else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        _ = token.cancelled() => {}
                        r = super::sizes::from_inventory(client, key, report, rule) => {
                            let _ = tx.send(Action::Sizes(r));
                        }
                    }
                });
            }
            Effect::InventoryRules { account } | Effect::InventoryCreate { account, .. } => {
                let arm = match (&self.arm_endpoint, self.client(account)) {
                    (Some(endpoint), Some(client)) => {
                        crate::azure::entra::Arm::for_account(endpoint, client.account())
                    }
                    (None, _) => {
                        Err("Resource Manager is turned off in config.toml ([entra])".into())
                    }
                    (_, None) => Err("this account is not available".into()),
                };
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    if let Some(event) = super::sizes::inventory_task(arm, effect).await {
                        let _ = tx.send(Action::Inventory(event));
                    }
                });
            }
            Effect::Op { account, request } => {
                let Some(client) = self.client(account) else {
                    let _ = self.tx.send(Action::OpDone {
                        account,
                        result: Err("this account is not available".into()),
                    });
                    return;
                };
                let tx = self.tx.clone();
                let cancel = matches!(request, super::ops::OpRequest::Preview { .. })
                    .then(|| replace(&mut self.preview));
                // Boxed as `dyn Send`: some ops stream with borrowed closures,
                // which the compiler cannot prove Send through an opaque type.
                let work: std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>> =
                    Box::pin(async move { super::ops::execute(&client, request).await });
                tokio::spawn(async move {
                    let result = match cancel {
                        Some(token) => tokio::select! {
                            _ = token.cancelled() => return,
                            result = work => result,
                        },
                        None => work.await,
                    };
                    let _ = tx.send(Action::OpDone { account, result });
                });
            }
            Effect::Clipboard(text) => {
                // OSC 52: the terminal puts it on the clipboard, also over SSH.
                use base64::Engine as _;
                use std::io::Write as _;
                let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                let mut out = std::io::stdout();
                let _ = write!(out, "\x1b]52;c;{encoded}\x07");
                let _ = out.flush();
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
                self.engine.set_client(index, id.clone(), None);
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
            Effect::Cors(effect) => super::cors::spawn(effect, |i| self.client(i), self.tx.clone()),
            Effect::Settings(effect) => {
                let arm_endpoint = self.arm_endpoint.clone();
                super::settings::spawn(effect, |i| self.client(i), arm_endpoint, self.tx.clone())
            }
            Effect::Lifecycle(effect) => {
                let arm_endpoint = self.arm_endpoint.clone();
                let clients = &self.clients;
                super::lifecycle::spawn(
                    effect,
                    |i| clients.get(i).cloned().flatten(),
                    arm_endpoint,
                    &mut self.lifecycle,
                    self.tx.clone(),
                )
            }
            Effect::Edit(effect) => super::edit::spawn(effect, |i| self.client(i), self.tx.clone()),
            Effect::BulkChange {
                account,
                container,
                blobs,
                job,
            } => {
                let tx = self.tx.clone();
                let Some(client) = self.client(account) else {
                    let _ = tx.send(Action::OpDone {
                        account,
                        result: Err("this account is not available".into()),
                    });
                    return;
                };
                // A background job nobody waits on per request: it retries
                // as hard as transfers do (a flaky network costs time, not blobs).
                let client = StorageClient::for_transfers_with_version(
                    client.account().clone(),
                    client.service_version(),
                )
                .unwrap_or(client);
                super::bulk::spawn(
                    self.engine.clone(),
                    client,
                    account,
                    container,
                    blobs,
                    job,
                    tx,
                );
            }
            Effect::UseVersion { account, version } => {
                let Some(Some(old)) = self.clients.get(account) else {
                    return;
                };
                let acct = old.account().clone();
                match StorageClient::with_version(acct.clone(), &version) {
                    Ok(c) => {
                        let transfers =
                            StorageClient::for_transfers_with_version(acct.clone(), &version).ok();
                        self.engine.set_client(account, acct.id.clone(), transfers);
                        self.clients[account] = Some(c);
                        tracing::info!(account = %acct.label, %version, "using an older service version");
                    }
                    Err(e) => {
                        tracing::warn!(account = %acct.label, error = %e, "cannot make a client")
                    }
                }
            }
            Effect::Diagnose { account } => {
                if let Some(client) = self.client(account) {
                    super::diagnosis::spawn(account, client, self.tx.clone());
                }
            }
            Effect::Policies(effect) => {
                super::policies::spawn(effect, |i| self.client(i), self.tx.clone())
            }
            Effect::SetCap(cap) => self.engine.set_cap(cap),
            Effect::SaveBookmarks(marks) => {
                let Some(path) = self.bookmarks_path.clone() else {
                    return;
                };
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::config::bookmarks::save(&path, &marks);
                    let _ = tx.send(Action::Saved {
                        what: String::new(),
                        result,
                    });
                });
            }
            Effect::WriteReport { path, items } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::transfer::report::write(&path, &items, false);
                    let _ = tx.send(Action::Saved {
                        what: format!(
                            "the report of {} transfer{} to {}",
                            items.len(),
                            if items.len() == 1 { "" } else { "s" },
                            path.display()
                        ),
                        result,
                    });
                });
            }
            Effect::Sync(super::sync::SyncEffect::RecordMtimes(records)) => {
                self.engine.set_record_mtime(records);
            }
            Effect::Sync(effect) => {
                if let Some(old) = self.sync.take() {
                    old.cancel();
                }
                let token = CancellationToken::new();
                if matches!(effect, super::sync::SyncEffect::Plan { .. }) {
                    self.sync = Some(token.clone());
                }
                super::sync::spawn(effect, self.clients.clone(), token, self.tx.clone())
            }
            Effect::History(effect) => {
                super::history::spawn(effect, |i| self.client(i), self.tx.clone())
            }
        }
    }

    fn resume_spec(&self, e: &Entry) -> Option<ItemSpec> {
        let account = self
            .clients
            .iter()
            .position(|c| c.as_ref().is_some_and(|c| c.account().id == e.account))?;
        e.to_spec(account)
    }

    fn replace_listing(&mut self) -> CancellationToken {
        replace(&mut self.listing)
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
    let (mut pages, mut count) = (0u32, 0usize);
    each_blob_page(&client, &container, &prefix, Some("/"), |result, done| {
        pages += 1;
        match &result {
            Ok(entries) => count += entries.len(),
            Err(e) => tracing::warn!(%container, %prefix, error = %e, "listing failed"),
        }
        let elapsed_ms = started.elapsed().as_millis() as u64;
        tracing::debug!(%container, %prefix, pages, count, elapsed_ms, "listing page");
        let sent = tx
            .send(Action::BlobsPage {
                generation,
                result,
                done,
            })
            .is_ok();
        if done || !sent {
            tracing::info!(%container, %prefix, pages, count, elapsed_ms, "listing finished");
        }
        sent
    })
    .await;
}

pub(in crate::app) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Lists flat from the pattern's literal start and streams the matches.
async fn find(
    client: StorageClient,
    container: String,
    prefix: String,
    text: String,
    generation: u64,
    tx: UnboundedSender<Action>,
) {
    let pattern = match super::find::Find::parse_filtered(&text, unix_now()) {
        Ok(p) => p,
        Err(e) => {
            let _ = tx.send(Action::FindPage {
                generation,
                result: Err(e),
                done: true,
            });
            return;
        }
    };
    crate::azure::find::scan(&client, &container, &prefix, &pattern, |result, done| {
        tx.send(Action::FindPage {
            generation,
            result,
            done,
        })
        .is_ok()
    })
    .await;
}

/// Samples the engine a few times a second and tells the UI only about changes.
fn spawn_sampler(engine: Engine, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let mut last = Snapshot::default();
        let mut tick = tokio::time::interval(SAMPLE_EVERY);
        loop {
            tick.tick().await;
            let snapshot = engine.sample();
            if snapshot != last {
                last = snapshot.clone();
                if tx.send(Action::Transfers(snapshot)).is_err() {
                    return;
                }
            }
        }
    });
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
    let (details, tags) = tokio::join!(
        client.blob_details(&key.container, &key.blob),
        crate::azure::tags::get_tags(&client, &key.container, &key.blob)
    );
    let result = details
        .map(|mut d| {
            d.tags = tags.ok().map(|mut t| {
                t.sort();
                t
            });
            d
        })
        .map_err(|e| describe_error(&e, client.account()));
    let _ = tx.send(Action::Details { key, result });
}

/// A planned upload or copy, or the question to ask first when one of its
/// target containers does not exist (nothing creates one silently).
async fn planned_writes(
    result: Result<(Vec<crate::transfer::ItemSpec>, usize), String>,
    clients: &[Option<StorageClient>],
) -> Action {
    let Ok((specs, existing)) = result else {
        return Action::TransferPlanned { result };
    };
    let missing =
        crate::transfer::targets::missing_containers(&specs, |i| clients.get(i).cloned().flatten())
            .await;
    match missing {
        Ok(missing) if !missing.is_empty() => Action::MissingContainers {
            specs,
            existing,
            missing,
        },
        Ok(_) => Action::TransferPlanned {
            result: Ok((specs, existing)),
        },
        Err(e) => Action::TransferPlanned { result: Err(e) },
    }
}

/// Cancels the work `slot` held (a newer request replaces it) and holds a
/// fresh token for the new one.
fn replace(slot: &mut Option<CancellationToken>) -> CancellationToken {
    if let Some(old) = slot.take() {
        old.cancel();
    }
    let token = CancellationToken::new();
    *slot = Some(token.clone());
    token
}
