//! Recursive ACL runs that can be resumed: the continuation of an unfinished
//! run is saved after every batch (`acl-runs.json` in the data folder), so
//! the same change asked again (from `blobx acl set -r` or the TUI) goes on
//! where the last one stopped instead of starting over.

use crate::azure::StorageClient;
use crate::azure::datalake::acl::Acl;
use crate::azure::datalake::dfs::{self, Mode, Progress};
use crate::azure::ops::OpError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One unfinished recursive run, as saved after each batch.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
struct Unfinished {
    account: String,
    container: String,
    path: String,
    mode: String,
    acl: String,
    continuation: String,
}

impl Unfinished {
    fn same_run(&self, other: &Unfinished) -> bool {
        (
            &self.account,
            &self.container,
            &self.path,
            &self.mode,
            &self.acl,
        ) == (
            &other.account,
            &other.container,
            &other.path,
            &other.mode,
            &other.acl,
        )
    }
}

fn runs_file() -> Option<PathBuf> {
    crate::config::paths::data_dir().map(|d| d.join("acl-runs.json"))
}

fn load_runs() -> Vec<Unfinished> {
    runs_file()
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn save_runs(runs: &[Unfinished]) {
    let Some(file) = runs_file() else { return };
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let tmp = file.with_extension("json.tmp");
    let written = serde_json::to_vec_pretty(runs)
        .ok()
        .is_some_and(|b| std::fs::write(&tmp, b).is_ok());
    if written && let Err(e) = std::fs::rename(&tmp, &file) {
        tracing::warn!(error = %e, "cannot save the ACL run's continuation");
    }
}

/// One recursive change, with the continuation of an unfinished run of the
/// same change (same account, container, path, mode and ACL) if one was saved.
pub struct AclRun<'a> {
    client: &'a StorageClient,
    acl: &'a Acl,
    mode: Mode,
    key: Unfinished,
    resume: Option<String>,
}

impl<'a> AclRun<'a> {
    pub fn new(
        client: &'a StorageClient,
        container: &str,
        path: &str,
        mode: Mode,
        acl: &'a Acl,
    ) -> Self {
        let key = Unfinished {
            account: client.account().name.clone(),
            container: container.to_string(),
            path: path.to_string(),
            mode: mode.as_str().to_string(),
            acl: acl.to_string(),
            continuation: String::new(),
        };
        let resume = load_runs()
            .into_iter()
            .find(|u| u.same_run(&key))
            .map(|u| u.continuation);
        Self {
            client,
            acl,
            mode,
            key,
            resume,
        }
    }

    /// Whether this goes on from a saved, unfinished run.
    pub fn resumes(&self) -> bool {
        self.resume.is_some()
    }

    /// Sets the ACL on the path and everything below it, saving the
    /// continuation after each batch (`on_batch` hears the progress). `Err`
    /// keeps the progress; the continuation stays saved for the next attempt.
    pub async fn run(
        self,
        mut on_batch: impl FnMut(&Progress),
    ) -> Result<Progress, (Progress, OpError)> {
        let key = self.key;
        let remember = |p: &Progress| {
            let mut runs: Vec<Unfinished> = load_runs()
                .into_iter()
                .filter(|u| !u.same_run(&key))
                .collect();
            if let Some(c) = &p.continuation {
                runs.push(Unfinished {
                    continuation: c.clone(),
                    ..key.clone()
                });
            }
            save_runs(&runs);
            on_batch(p);
        };
        dfs::set_access_control_recursive(
            self.client,
            &key.container,
            &key.path,
            self.mode,
            self.acl,
            self.resume,
            remember,
        )
        .await
    }
}
