//! Headless subcommands for scripts: the same account resolution and Azure
//! code as the TUI, plain output on stdout, messages on stderr, and a non-zero
//! exit status when anything failed.

pub mod access;
pub mod acl;
pub mod blobs;
pub mod cors;
pub mod cp;
pub mod du;
pub mod edit;
pub mod filter_args;
pub mod inventory;
pub mod lifecycle;
pub mod props;
pub mod restore;
pub mod sas;
pub mod sync;
pub mod tags;

use crate::azure::{Account, StorageClient};
use crate::config::Config;
use crate::config::account_list::{FoundAccount, default_account, gather_accounts};
use crate::config::accounts::AccountStore;
use std::path::PathBuf;

/// What every subcommand needs: the accounts as the TUI would see them.
pub struct Context {
    pub config: Config,
    pub nodes: Vec<FoundAccount>,
    pub default: Option<usize>,
    pub store: Option<AccountStore>,
    /// Bandwidth cap for transfers, bytes per second.
    pub cap: Option<u64>,
    /// `--readonly` or the config setting: refuse every change.
    pub readonly: bool,
}

impl Context {
    pub fn load(
        emulator: Option<&str>,
        config_dir: Option<PathBuf>,
        account: Option<&str>,
    ) -> anyhow::Result<Self> {
        let config_dir = crate::config::paths::config_dir(config_dir);
        let config = Config::load(config_dir.as_deref());
        for w in &config.warnings {
            eprintln!("blobx: warning: {w}");
        }
        let store = config_dir.as_deref().map(AccountStore::new);
        let (nodes, warnings) =
            gather_accounts(&config, emulator, store.as_ref(), |k| std::env::var(k).ok())?;
        for w in &warnings {
            eprintln!("blobx: warning: {w}");
        }
        let default = default_account(&nodes, account)?;
        let readonly = config.settings.readonly;
        let cap = config.settings.cap();
        Ok(Self {
            config,
            nodes,
            default,
            store,
            cap,
            readonly,
        })
    }

    /// Services outside Azure's clouds (the emulator, Azure Stack Hub) that
    /// refuse the SDK's `x-ms-version` are used at the newest version they
    /// accept, as the TUI does; said once on stderr. Settled lazily: one
    /// cheap read (at most 3 s) just before the first request to such an
    /// account, so a command refusing its input sends nothing.
    pub fn settle_versions_lazily() {
        crate::azure::version::settle_lazily(|label, refused, accepted| {
            eprintln!(
                "blobx: {label} refuses service version {refused}; using {accepted} ({})",
                crate::azure::version::lacks(accepted)
            );
        });
    }

    /// Adds, for this run only, the accounts that SAS URLs among `inputs` carry
    /// and no known account matches; other locations naming an unknown
    /// account are refused here, with how to attach it.
    pub fn adopt_locations(&mut self, inputs: &[&str]) -> anyhow::Result<()> {
        for input in inputs.iter().filter(|i| i.contains("://")) {
            let (path, sas) =
                crate::azure::uri::parse_location(input).map_err(|e| anyhow::anyhow!(e))?;
            crate::config::account_list::account_for_location(
                &mut self.nodes,
                &path,
                sas.as_deref(),
            )?;
        }
        Ok(())
    }

    /// The account named by label, name or id, or the default one.
    pub fn account(&self, name: Option<&str>) -> anyhow::Result<&Account> {
        let index = match name {
            Some(n) => default_account(&self.nodes, Some(n))?,
            None => self.default,
        }
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no usable account; attach one in blobx or set AZURE_STORAGE_CONNECTION_STRING"
            )
        })?;
        let node = &self.nodes[index];
        if let Some(why) = &node.broken {
            anyhow::bail!("account {}: {why}", node.account.label);
        }
        Ok(&node.account)
    }

    /// Refuses a change in read-only mode, naming it (exit status 2).
    pub fn allow_change(&self, what: &str) -> anyhow::Result<()> {
        if self.readonly {
            anyhow::bail!(
                "read-only mode: {what} is refused (started with --readonly or readonly = true)"
            );
        }
        Ok(())
    }

    pub fn client(&self, name: Option<&str>) -> anyhow::Result<StorageClient> {
        StorageClient::new(self.account(name)?.clone())
    }
}

/// A file's text, or stdin's for `-`.
pub(crate) fn read_input(file: &str) -> anyhow::Result<String> {
    use std::io::Read;
    if file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| anyhow::anyhow!("cannot read stdin: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("cannot read {file}: {e}"))
    }
}
