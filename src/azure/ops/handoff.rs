//! Links and `azcopy` / `az storage` commands for a selection, never with a secret.

use crate::azure::account::Account;
use crate::azure::account::Auth;

// ---------------------------------------------------------------------------
// Links and commands (never with a secret)

/// The blob's (or folder's) URL, without any SAS.
pub fn resource_url(account: &Account, container: &str, path: &str) -> String {
    let mut url = account.blob_endpoint.clone();
    url.set_query(None);
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(container);
        if !path.is_empty() {
            segments.extend(path.split('/'));
        }
    }
    url.to_string()
}

/// `az://container/path`, the fsspec / ZenML form.
pub fn az_uri(container: &str, path: &str) -> String {
    format!("az://{container}/{path}")
}

/// Quotes for POSIX shells.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Command lines for handing a selection to other tools, and how they sign in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Handoff {
    pub urls: Vec<String>,
    pub az_uris: Vec<String>,
    pub azcopy: Vec<String>,
    pub az_cli: Vec<String>,
    /// How the commands authenticate (never a secret itself).
    pub note: String,
}

/// URLs, `az://` URIs and the equivalent `azcopy copy` and `az storage blob
/// download` commands for `items` (name, is_folder) in `container`, into the
/// current directory. The commands carry no key or SAS: they sign in their
/// own way, which `note` explains.
pub fn handoff(account: &Account, container: &str, items: &[(String, bool)]) -> Handoff {
    let mut out = Handoff::default();
    let auth_mode = match &account.auth {
        Auth::Token(_) => "--auth-mode login",
        _ => "--auth-mode key",
    };
    let endpoint = account
        .blob_endpoint
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let standard = account
        .blob_endpoint
        .host_str()
        .is_some_and(|h| h == format!("{}.blob.core.windows.net", account.name));
    // Sovereign clouds, private endpoints and the emulator need the endpoint named.
    let account_arg = if standard {
        format!("--account-name {}", shell_quote(&account.name))
    } else {
        format!(
            "--account-name {} --blob-endpoint {}",
            shell_quote(&account.name),
            shell_quote(&endpoint)
        )
    };
    for (name, is_folder) in items {
        let url = resource_url(account, container, name);
        out.urls.push(url.clone());
        out.az_uris.push(az_uri(container, name));
        if *is_folder {
            out.azcopy
                .push(format!("azcopy copy {} . --recursive", shell_quote(&url)));
            out.az_cli.push(format!(
                "az storage blob download-batch {account_arg} {auth_mode} --source {} --pattern {} --destination .",
                shell_quote(container),
                shell_quote(&format!("{name}*"))
            ));
        } else {
            let file = name.rsplit('/').next().unwrap_or(name);
            out.azcopy
                .push(format!("azcopy copy {} .", shell_quote(&url)));
            out.az_cli.push(format!(
                "az storage blob download {account_arg} {auth_mode} --container-name {} --name {} --file {}",
                shell_quote(container),
                shell_quote(name),
                shell_quote(file)
            ));
        }
    }
    out.note = match &account.auth {
        Auth::Token(_) => {
            "azcopy: run `azcopy login` first. az: uses your `az login`.".to_string()
        }
        Auth::Sas { .. } => "azcopy: append your SAS token to each URL (?sv=…). az: add --sas-token \"$AZURE_STORAGE_SAS_TOKEN\" instead of --auth-mode key.".to_string(),
        _ => "azcopy: run `azcopy login`, or append a SAS (blobx sas) to each URL. az: reads the key from AZURE_STORAGE_KEY.".to_string(),
    };
    out
}
