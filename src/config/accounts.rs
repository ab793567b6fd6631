//! Attached accounts persist in `accounts.toml` (no secrets) and their keys or
//! SAS tokens in `secrets.toml`, which is created mode 0600 and refused if
//! anyone else can read it.

use crate::azure::account::{Account, Auth, Source, sas_note};
use crate::azure::connection::{Credential, ParsedAccount, parse_sas_token};
use crate::azure::secret::Secret;
use azure_core::http::Url;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoredKind {
    Key,
    Sas,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredAccount {
    pub id: String,
    pub label: String,
    pub kind: StoredKind,
    pub name: String,
    pub blob_endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Marked read-only in blobx (`w`): refuse every change to this account.
    #[serde(default, skip_serializing_if = "is_false")]
    pub readonly: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    #[serde(default, rename = "account")]
    accounts: Vec<StoredAccount>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    #[serde(default)]
    secrets: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct AccountStore {
    dir: PathBuf,
}

/// One attached account as loaded: usable, or shown with what is wrong.
pub type Loaded = Result<Account, Box<(StoredAccount, String)>>;

impl AccountStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn accounts_path(&self) -> PathBuf {
        self.dir.join("accounts.toml")
    }

    pub fn secrets_path(&self) -> PathBuf {
        self.dir.join("secrets.toml")
    }

    fn read_accounts(&self) -> Result<AccountsFile, String> {
        match std::fs::read_to_string(self.accounts_path()) {
            Ok(text) => {
                toml::from_str(&text).map_err(|e| format!("accounts.toml: {}", e.message()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AccountsFile::default()),
            Err(e) => Err(format!("cannot read accounts.toml: {e}")),
        }
    }

    fn read_secrets(&self) -> Result<SecretsFile, String> {
        let path = self.secrets_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SecretsFile::default()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(format!(
                    "{} can be read by other users (mode {:o}); blobx will not use keys from it until you run: chmod 600 {}",
                    path.display(),
                    mode & 0o777,
                    path.display()
                ));
            }
        }
        toml::from_str(&text).map_err(|e| format!("secrets.toml: {}", e.message()))
    }

    /// Every attached account; problems are reported per account, never fatal.
    pub fn load(&self) -> (Vec<Loaded>, Vec<String>) {
        let mut warnings = Vec::new();
        let file = match self.read_accounts() {
            Ok(f) => f,
            Err(e) => return (Vec::new(), vec![e]),
        };
        let secrets = match self.read_secrets() {
            Ok(s) => Ok(s.secrets),
            Err(e) => {
                warnings.push(e.clone());
                Err(e)
            }
        };
        let loaded = file
            .accounts
            .into_iter()
            .map(|stored| {
                let secret = match &secrets {
                    Ok(map) => map.get(&stored.id).cloned().ok_or_else(|| {
                        format!(
                            "no secret for this account in secrets.toml; edit it to enter the {}",
                            kind_word(stored.kind)
                        )
                    }),
                    Err(e) => Err(e.clone()),
                };
                match secret.and_then(|s| to_account(&stored, s)) {
                    Ok(a) => Ok(a),
                    Err(e) => Err(Box::new((stored, e))),
                }
            })
            .collect();
        (loaded, warnings)
    }

    /// Adds or replaces an account (matched by id) and its secret.
    pub fn upsert(&self, account: &Account) -> Result<(), String> {
        let (stored, secret) = from_account(account)?;
        let mut file = self.read_accounts()?;
        let mut secrets = self.read_secrets()?;
        match file.accounts.iter_mut().find(|a| a.id == stored.id) {
            Some(existing) => *existing = stored.clone(),
            None => file.accounts.push(stored.clone()),
        }
        secrets
            .secrets
            .insert(stored.id.clone(), secret.expose().to_string());
        self.write_secrets(&secrets)?;
        self.write_accounts(&file)
    }

    pub fn remove(&self, id: &str) -> Result<(), String> {
        let mut file = self.read_accounts()?;
        file.accounts.retain(|a| a.id != id);
        self.write_accounts(&file)?;
        match self.read_secrets() {
            Ok(mut secrets) => {
                secrets.secrets.remove(id);
                self.write_secrets(&secrets)
            }
            // An unreadable secrets file is left as it is; the account is gone anyway.
            Err(_) => Ok(()),
        }
    }

    /// A fresh id that no stored account uses.
    pub fn new_id(&self, name: &str) -> String {
        let taken: Vec<String> = self
            .read_accounts()
            .map(|f| f.accounts.into_iter().map(|a| a.id).collect())
            .unwrap_or_default();
        (1..)
            .map(|n| {
                if n == 1 {
                    name.to_string()
                } else {
                    format!("{name}-{n}")
                }
            })
            .find(|id| !taken.contains(id))
            .unwrap_or_else(|| name.to_string())
    }

    fn write_accounts(&self, file: &AccountsFile) -> Result<(), String> {
        let text = toml::to_string_pretty(file).map_err(|e| e.to_string())?;
        let header = "# Accounts attached in blobx. Keys and SAS tokens are kept in secrets.toml (mode 0600).\n";
        write_atomic(&self.accounts_path(), &format!("{header}{text}"), 0o644)
    }

    fn write_secrets(&self, file: &SecretsFile) -> Result<(), String> {
        let text = toml::to_string_pretty(file).map_err(|e| e.to_string())?;
        write_atomic(&self.secrets_path(), &text, 0o600)
    }
}

fn kind_word(kind: StoredKind) -> &'static str {
    match kind {
        StoredKind::Key => "account key",
        StoredKind::Sas => "SAS token",
    }
}

/// Writes a temporary file with `mode` from the start, then renames it over
/// `path`, so a crash never leaves a half-written file or a readable secret.
fn write_atomic(path: &Path, text: &str, mode: u32) -> Result<(), String> {
    let dir = path.parent().ok_or("config path has no folder")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let tmp = path.with_extension("toml.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = options
        .open(&tmp)
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot replace {}: {e}", path.display()))
}

fn to_account(stored: &StoredAccount, secret: String) -> Result<Account, String> {
    let endpoint = Url::parse(&stored.blob_endpoint)
        .map_err(|e| format!("blob_endpoint {:?} is not a URL: {e}", stored.blob_endpoint))?;
    let credential = match stored.kind {
        StoredKind::Key => {
            crate::azure::connection::validate_key(&secret)?;
            Credential::Key(Secret::new(secret))
        }
        StoredKind::Sas => {
            // Load even when expired (now = 0) so the node can say so.
            let (token, info) = parse_sas_token(&secret, 0)?;
            Credential::Sas { token, info }
        }
    };
    let is_emulator = crate::azure::connection::account_from_url(&endpoint)
        .is_some_and(|(n, path_style)| path_style && n == crate::azure::account::EMULATOR_ACCOUNT);
    let mut account = Account::from_parsed(
        &stored.id,
        &stored.label,
        Source::Attached,
        ParsedAccount {
            name: stored.name.clone(),
            blob_endpoint: endpoint,
            credential,
            container: stored.container.clone(),
            is_emulator,
        },
    );
    if let Some(info) = account.sas() {
        account.note = Some(sas_note(info, account.container.as_deref()));
    }
    account.readonly = stored.readonly;
    Ok(account)
}

fn from_account(account: &Account) -> Result<(StoredAccount, Secret), String> {
    let (kind, secret) = match &account.auth {
        Auth::SharedKey { key } => (StoredKind::Key, key.clone()),
        Auth::Sas { token, .. } => (StoredKind::Sas, token.clone()),
        Auth::Token(_) | Auth::Anonymous => {
            return Err("only accounts with a key or a SAS are saved".into());
        }
    };
    Ok((
        StoredAccount {
            id: account.id.clone(),
            label: account.label.clone(),
            kind,
            name: account.name.clone(),
            blob_endpoint: account.blob_endpoint.to_string(),
            container: account.container.clone(),
            readonly: account.readonly,
        },
        secret,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::account::EMULATOR_KEY;
    use crate::azure::connection::{parse_connection_string, parse_sas_url};

    fn attached(id: &str, input: &str) -> Account {
        let parsed = if input.starts_with("http") {
            parse_sas_url(input, 0).unwrap()
        } else {
            parse_connection_string(input, 0).unwrap()
        };
        Account::from_parsed(id, "", Source::Attached, parsed)
    }

    #[test]
    fn round_trip_keeps_secrets_apart_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = AccountStore::new(dir.path());
        let key = attached(
            "prod",
            &format!("AccountName=prod;AccountKey={EMULATOR_KEY}"),
        );
        let sas = attached(
            "shared",
            "https://acct.blob.core.windows.net/data?sv=2022-11-02&se=2099-01-01&sp=rl&sr=c&sig=SECRETSIG",
        );
        store.upsert(&key).unwrap();
        store.upsert(&sas).unwrap();

        let accounts_text = std::fs::read_to_string(dir.path().join("accounts.toml")).unwrap();
        assert!(!accounts_text.contains(EMULATOR_KEY) && !accounts_text.contains("SECRETSIG"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.secrets_path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let (loaded, warnings) = store.load();
        assert!(warnings.is_empty(), "{warnings:?}");
        let loaded: Vec<Account> = loaded.into_iter().map(|l| l.unwrap()).collect();
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[1].container.as_deref(), Some("data"));
        assert!(matches!(loaded[0].auth, Auth::SharedKey { .. }));

        store.remove("prod").unwrap();
        let (loaded, _) = store.load();
        assert_eq!(loaded.len(), 1);
        let secrets = std::fs::read_to_string(store.secrets_path()).unwrap();
        assert!(!secrets.contains(EMULATOR_KEY), "detach removes the key");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_secrets_file_others_can_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = AccountStore::new(dir.path());
        store
            .upsert(&attached(
                "prod",
                &format!("AccountName=prod;AccountKey={EMULATOR_KEY}"),
            ))
            .unwrap();
        std::fs::set_permissions(store.secrets_path(), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        let (loaded, warnings) = store.load();
        assert!(warnings[0].contains("chmod 600"), "{warnings:?}");
        let (stored, why) = *loaded.into_iter().next().unwrap().unwrap_err();
        assert_eq!(stored.id, "prod");
        assert!(why.contains("other users"), "{why}");
    }

    #[test]
    fn new_ids_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let store = AccountStore::new(dir.path());
        assert_eq!(store.new_id("acct"), "acct");
        store
            .upsert(&attached(
                "acct",
                &format!("AccountName=acct;AccountKey={EMULATOR_KEY}"),
            ))
            .unwrap();
        assert_eq!(store.new_id("acct"), "acct-2");
    }

    #[test]
    fn broken_files_are_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("accounts.toml"), "[[account]]\nid = 1\n").unwrap();
        let (loaded, warnings) = AccountStore::new(dir.path()).load();
        assert!(loaded.is_empty());
        assert!(warnings[0].starts_with("accounts.toml:"), "{warnings:?}");
    }
}
