//! Every account blobx can use, gathered the same way for the TUI and the
//! command line: the emulator, attached accounts, the Entra ID discovery
//! entry, and the environment's connection string; and which one is the
//! default. Below both `app` and `headless`, so neither reaches into the other.

use super::Config;
use super::accounts::AccountStore;
use crate::azure::{Account, Source};

/// One account as found, before the TUI wraps it in its tree node.
#[derive(Debug)]
pub struct FoundAccount {
    /// The account, credential included (kept in memory only; `Debug` hides it).
    pub account: Account,
    /// Why it cannot be used at all (bad config, unreadable secret).
    pub broken: Option<String>,
    /// The Entra ID entry: opening it discovers accounts instead of listing containers.
    pub discovery: bool,
}

impl FoundAccount {
    fn usable(account: Account) -> Self {
        Self {
            account,
            broken: None,
            discovery: false,
        }
    }

    fn broken(account: Account, why: String) -> Self {
        Self {
            broken: Some(why),
            ..Self::usable(account)
        }
    }
}

/// The placeholder account of the Entra ID discovery entry.
pub fn entra_discovery_account() -> Account {
    let mut account = Account::placeholder("entra", "Microsoft Entra ID", Source::Entra, None);
    account.note = Some("Enter: sign in (az login, service principal or managed identity) and list your storage accounts".into());
    account
}

/// Every account to show, with the reason next to any that cannot be used,
/// and the warnings met while loading them.
pub fn gather_accounts(
    config: &Config,
    emulator_flag: Option<&str>,
    store: Option<&AccountStore>,
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<(Vec<FoundAccount>, Vec<String>)> {
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    if config.settings.emulator.enabled || emulator_flag.is_some() {
        let host = emulator_flag.unwrap_or(&config.settings.emulator.host);
        found.push(FoundAccount::usable(Account::emulator(host)?));
    }
    if let Some(store) = store {
        let (loaded, store_warnings) = store.load();
        warnings.extend(store_warnings);
        for item in loaded {
            found.push(match item {
                Ok(account) => FoundAccount::usable(account),
                Err(broken) => {
                    let (stored, why) = *broken;
                    FoundAccount::broken(
                        Account::placeholder(
                            &stored.id,
                            &stored.label,
                            Source::Attached,
                            Some(&stored.blob_endpoint),
                        ),
                        why,
                    )
                }
            });
        }
    }
    if config.settings.entra.enabled {
        found.push(FoundAccount {
            discovery: true,
            ..FoundAccount::usable(entra_discovery_account())
        });
    }
    match crate::azure::env::from_env(env) {
        Some(Ok(account)) => found.push(FoundAccount::usable(account)),
        Some(Err(why)) => {
            warnings.push(why.clone());
            found.push(FoundAccount::broken(
                Account::placeholder("env", "environment variables", Source::Environment, None),
                why,
            ));
        }
        None => {}
    }
    Ok((found, warnings))
}

/// `--account` if given (by label, name or id), else the environment's
/// account, else the emulator, else the first usable one.
pub fn default_account(
    found: &[FoundAccount],
    wanted: Option<&str>,
) -> anyhow::Result<Option<usize>> {
    let usable = |i: &usize| found[*i].broken.is_none();
    if let Some(w) = wanted {
        return (0..found.len())
            .find(|&i| {
                let a = &found[i].account;
                a.label == w || a.name == w || a.id == w
            })
            .map(Some)
            .ok_or_else(|| anyhow::anyhow!("no account is called {w:?}"));
    }
    let by_source = |s: Source| {
        (0..found.len())
            .filter(usable)
            .find(|&i| found[i].account.source == s)
    };
    Ok(by_source(Source::Environment)
        .or_else(|| by_source(Source::Emulator))
        .or_else(|| (0..found.len()).find(usable)))
}

/// Whether a location's account part (`wanted`) means this account: its
/// label, id, or storage account name (any case).
pub fn names_account(a: &Account, wanted: &str) -> bool {
    a.label == wanted || a.id == wanted || a.name.eq_ignore_ascii_case(wanted)
}

/// The account a location names (`az://c@acct/…`, `abfss://c@acct.dfs…`,
/// `https://acct.blob…/c/…`): an attached, environment or emulator account
/// with that label, name or id; else, when the location carries a SAS, an
/// account made from it for this session (saved nowhere); else why not, and
/// how to attach it. `None` when the location names no account.
pub fn account_for_location(
    found: &mut Vec<FoundAccount>,
    path: &crate::azure::uri::AzPath,
    sas: Option<&str>,
) -> anyhow::Result<Option<usize>> {
    let Some(wanted) = path.account.as_deref() else {
        return Ok(None);
    };
    if let Some(i) = found
        .iter()
        .position(|f| !f.discovery && names_account(&f.account, wanted))
    {
        return Ok(Some(i));
    }
    if let Some(url) = sas {
        let now = crate::azure::connection::now_unix();
        let parsed = crate::azure::connection::parse_sas_url(url, now)
            .map_err(|e| anyhow::anyhow!("the SAS in the location: {e}"))?;
        let label = format!("{} (SAS from the location)", parsed.name);
        let account = Account::from_parsed(
            &format!("sas-{wanted}"),
            &label,
            Source::Environment,
            parsed,
        );
        found.push(FoundAccount::usable(account));
        return Ok(Some(found.len() - 1));
    }
    anyhow::bail!(unknown_account(wanted))
}

/// Why a location's account is not usable, and the ways to make it so.
pub fn unknown_account(wanted: &str) -> String {
    format!(
        "no account called {wanted:?} is known here. Attach it in blobx (a, then paste a connection string or SAS URL), \
         set AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY (or AZURE_STORAGE_SAS_TOKEN), \
         or give the location as a SAS URL (https://{wanted}.blob.core.windows.net/container/path?sv=…). \
         Accounts found through Microsoft Entra ID are known once the Entra ID node is opened in blobx."
    )
}

/// Points the emulator's account at a Data Lake (dfs) endpoint (the emulator
/// has none; `--dfs-endpoint` names a stand-in, e.g. a test's stub).
pub fn set_emulator_dfs(found: &mut [FoundAccount], dfs: Option<&str>) -> anyhow::Result<()> {
    let Some(dfs) = dfs else { return Ok(()) };
    let url = azure_core::http::Url::parse(dfs)
        .map_err(|e| anyhow::anyhow!("--dfs-endpoint {dfs:?} is not a URL: {e}"))?;
    for f in found.iter_mut().filter(|f| f.account.is_emulator) {
        f.account.dfs_endpoint = Some(url.clone());
    }
    Ok(())
}
