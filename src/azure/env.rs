//! Accounts named by the environment variables the Azure tools already use.

use super::account::{Account, Source};
use super::connection::{
    Credential, ParsedAccount, now_unix, parse_connection_string, parse_name_and_key,
    parse_sas_token,
};

/// Reads `AZURE_STORAGE_CONNECTION_STRING`, or `AZURE_STORAGE_ACCOUNT[_NAME]` with
/// `AZURE_STORAGE_KEY` / `AZURE_STORAGE_ACCOUNT_KEY` / `AZURE_STORAGE_SAS_TOKEN`.
/// Returns the account, or a sentence saying which variable is wrong.
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<Result<Account, String>> {
    let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
    let now = now_unix();
    if let Some(cs) = get("AZURE_STORAGE_CONNECTION_STRING") {
        return Some(
            parse_connection_string(&cs, now)
                .map(|p| account(p, "AZURE_STORAGE_CONNECTION_STRING"))
                .map_err(|e| format!("AZURE_STORAGE_CONNECTION_STRING: {e}")),
        );
    }
    let name = get("AZURE_STORAGE_ACCOUNT").or_else(|| get("AZURE_STORAGE_ACCOUNT_NAME"))?;
    let key = get("AZURE_STORAGE_KEY").or_else(|| get("AZURE_STORAGE_ACCOUNT_KEY"));
    let sas = get("AZURE_STORAGE_SAS_TOKEN");
    let parsed = match (key, sas) {
        (Some(key), _) => {
            parse_name_and_key(&name, &key, None).map_err(|e| format!("AZURE_STORAGE_KEY: {e}"))
        }
        (None, Some(sas)) => parse_sas_token(&sas, now)
            .map_err(|e| format!("AZURE_STORAGE_SAS_TOKEN: {e}"))
            .and_then(|(token, info)| {
                let endpoint =
                    azure_core::http::Url::parse(&format!("https://{name}.blob.core.windows.net"))
                        .map_err(|e| format!("AZURE_STORAGE_ACCOUNT: {e}"))?;
                Ok(ParsedAccount {
                    name: name.clone(),
                    blob_endpoint: endpoint,
                    credential: Credential::Sas { token, info },
                    container: None,
                    is_emulator: false,
                })
            }),
        (None, None) => Err(format!(
            "AZURE_STORAGE_ACCOUNT={name} is set but neither AZURE_STORAGE_KEY nor AZURE_STORAGE_SAS_TOKEN is"
        )),
    };
    Some(parsed.map(|p| account(p, "AZURE_STORAGE_ACCOUNT")))
}

fn account(parsed: ParsedAccount, var: &str) -> Account {
    let label = format!("{} (env)", parsed.name);
    let mut a = Account::from_parsed("env", &label, Source::Environment, parsed);
    a.note = Some(format!(
        "from {var}{}",
        a.note
            .as_deref()
            .map(|n| format!(" · {n}"))
            .unwrap_or_default()
    ));
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::Auth;
    use crate::azure::account::EMULATOR_KEY;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn nothing_set_means_no_account() {
        assert!(from_env(env(&[])).is_none());
    }

    #[test]
    fn connection_string_wins() {
        let a = from_env(env(&[(
            "AZURE_STORAGE_CONNECTION_STRING",
            "UseDevelopmentStorage=true",
        )]))
        .unwrap()
        .unwrap();
        assert!(a.is_emulator);
        assert_eq!(a.source, Source::Environment);
    }

    #[test]
    fn name_with_key_or_sas() {
        let a = from_env(env(&[
            ("AZURE_STORAGE_ACCOUNT", "acct"),
            ("AZURE_STORAGE_ACCOUNT_KEY", EMULATOR_KEY),
        ]))
        .unwrap()
        .unwrap();
        assert!(matches!(a.auth, Auth::SharedKey { .. }));
        assert_eq!(
            a.blob_endpoint.as_str(),
            "https://acct.blob.core.windows.net/"
        );
        let a = from_env(env(&[
            ("AZURE_STORAGE_ACCOUNT_NAME", "acct"),
            (
                "AZURE_STORAGE_SAS_TOKEN",
                "?sv=2022-11-02&se=2099-01-01&sp=rl&sig=x",
            ),
        ]))
        .unwrap()
        .unwrap();
        assert!(matches!(a.auth, Auth::Sas { .. }));
    }

    #[test]
    fn mistakes_name_the_variable() {
        let e = from_env(env(&[("AZURE_STORAGE_ACCOUNT", "acct")]))
            .unwrap()
            .unwrap_err();
        assert!(e.contains("AZURE_STORAGE_KEY"), "{e}");
        let e = from_env(env(&[("AZURE_STORAGE_CONNECTION_STRING", "AccountName=x")]))
            .unwrap()
            .unwrap_err();
        assert!(e.starts_with("AZURE_STORAGE_CONNECTION_STRING:"), "{e}");
    }
}
