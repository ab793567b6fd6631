//! The `az://container/prefix` form that fsspec and ZenML users already know.

/// A place in an account: a container and a prefix inside it (empty for the root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzPath {
    pub container: String,
    pub prefix: String,
    /// `az://container@account/…` names an account (label, name or id).
    pub account: Option<String>,
}

/// Parses every way users write a location:
/// - `az://container/path`, `az://container@account/path` (fsspec, ZenML),
/// - `abfs[s]://container@account.dfs.core.windows.net/path` (Spark, Databricks),
/// - `https://account.blob.core.windows.net/container/path` and the
///   `dfs.core.windows.net` form, path-style emulator URLs
///   (`http://127.0.0.1:10000/devstoreaccount1/container/path`), and a pasted
///   SAS URL (its token is kept apart, see [`parse_location`]).
///
/// A prefix keeps its trailing `/` if given, so it can name a folder or a blob.
pub fn parse_az_uri(input: &str) -> Result<AzPath, String> {
    parse_location(input).map(|(path, _)| path)
}

/// As [`parse_az_uri`], and the SAS URL (account or container scope, without
/// the path below the container) when the location carries a SAS token.
pub fn parse_location(input: &str) -> Result<(AzPath, Option<String>), String> {
    // Not trimmed: a name may end in a space, and az:// keeps the prefix as typed.
    if input.starts_with("https://") || input.starts_with("http://") {
        return parse_url(input);
    }
    let rest = ["az://", "abfs://", "abfss://"]
        .iter()
        .find_map(|scheme| input.strip_prefix(scheme))
        .ok_or_else(|| {
            format!(
                "{input:?} is not a location blobx knows (az://container/path, abfss://container@account.dfs.core.windows.net/path or https://account.blob.core.windows.net/container/path)"
            )
        })?;
    let (container, prefix) = match rest.split_once('/') {
        Some((c, p)) => (c, p),
        None => (rest, ""),
    };
    // fsspec's container@account form names the account; abfss names its host.
    let (container, account) = match container.split_once('@') {
        Some((c, a)) => (c, Some(account_of_host(a)).filter(|a| !a.is_empty())),
        None => (container, None),
    };
    if container.is_empty() {
        return Err(format!(
            "{input:?} has no container name (expected az://container/path)"
        ));
    }
    Ok((
        AzPath {
            container: container.to_string(),
            prefix: prefix.to_string(),
            account,
        },
        None,
    ))
}

/// `acct` from `acct.dfs.core.windows.net` (any cloud's suffix); a bare name as is.
fn account_of_host(host: &str) -> String {
    host.split('.').next().unwrap_or(host).to_string()
}

fn parse_url(input: &str) -> Result<(AzPath, Option<String>), String> {
    let url = url::Url::parse(input).map_err(|e| format!("{input:?} is not a URL: {e}"))?;
    let (account, path_style) = super::connection::account_from_url(&url)
        .ok_or_else(|| format!("{input:?}: cannot tell the storage account from the URL"))?;
    let mut segments: Vec<String> = url
        .path()
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    // "/c/a/b/" splits as ["", "c", "a", "b", ""]: the leading empty one goes.
    if segments.first().is_some_and(String::is_empty) {
        segments.remove(0);
    }
    if path_style && !segments.is_empty() {
        segments.remove(0);
    }
    let Some(container) = segments.first().filter(|c| !c.is_empty()).cloned() else {
        return Err(format!(
            "{input:?} names the account {account} but no container (add /container/path)"
        ));
    };
    // Names that cannot be a container or an account would mean another place
    // once written back as az://container@account/path.
    if container.contains(['/', '@']) {
        return Err(format!(
            "{container:?} in {input:?} is not a container name"
        ));
    }
    if account.is_empty() || account.contains(['.', '@', '/', '%']) {
        return Err(format!(
            "{account:?} in {input:?} is not a storage account name"
        ));
    }
    let prefix = segments[1..].join("/");
    let sas = url
        .query()
        .filter(|q| q.split('&').any(|kv| kv.starts_with("sig=")))
        .map(|q| {
            // The token is for the account or the container: drop the path below it.
            let mut base = url.clone();
            let account_path = if path_style {
                format!("/{account}")
            } else {
                String::new()
            };
            base.set_path(&format!("{account_path}/{container}"));
            base.set_query(Some(q));
            base.set_fragment(None);
            base.to_string()
        });
    Ok((
        AzPath {
            container,
            prefix,
            account: Some(account),
        },
        sas,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_only() {
        assert_eq!(
            parse_az_uri("az://data").unwrap(),
            AzPath {
                container: "data".into(),
                prefix: "".into(),
                account: None,
            }
        );
    }

    #[test]
    fn container_and_prefix() {
        let p = parse_az_uri("az://data/2024/01/").unwrap();
        assert_eq!(p.container, "data");
        assert_eq!(p.prefix, "2024/01/");
    }

    #[test]
    fn container_at_account() {
        let p = parse_az_uri("az://data@prod/x.csv").unwrap();
        assert_eq!(
            (p.container.as_str(), p.account.as_deref()),
            ("data", Some("prod"))
        );
    }

    #[test]
    fn every_location_form_names_the_same_place() {
        let forms = [
            "az://data@acct/raw/2024/",
            "abfs://data@acct.dfs.core.windows.net/raw/2024/",
            "abfss://data@acct.dfs.core.windows.net/raw/2024/",
            "https://acct.blob.core.windows.net/data/raw/2024/",
            "https://acct.dfs.core.windows.net/data/raw/2024/",
            "https://acct.blob.core.chinacloudapi.cn/data/raw/2024/",
        ];
        for f in forms {
            let (p, sas) = parse_location(f).unwrap();
            assert_eq!(
                (
                    p.container.as_str(),
                    p.prefix.as_str(),
                    p.account.as_deref()
                ),
                ("data", "raw/2024/", Some("acct")),
                "{f}"
            );
            assert!(sas.is_none(), "{f}");
        }
        // The emulator's path-style URL, with an encoded name.
        let (p, _) =
            parse_location("http://127.0.0.1:10000/devstoreaccount1/data/a%20b.csv").unwrap();
        assert_eq!(
            (
                p.container.as_str(),
                p.prefix.as_str(),
                p.account.as_deref()
            ),
            ("data", "a b.csv", Some("devstoreaccount1"))
        );
    }

    #[test]
    fn a_sas_url_keeps_its_token_for_the_container_only() {
        let (p, sas) = parse_location(
            "https://acct.blob.core.windows.net/data/raw/x.csv?sv=2024-01-01&sr=c&sp=rl&sig=abc%3D",
        )
        .unwrap();
        assert_eq!(
            (p.container.as_str(), p.prefix.as_str()),
            ("data", "raw/x.csv")
        );
        assert_eq!(
            sas.as_deref(),
            Some("https://acct.blob.core.windows.net/data?sv=2024-01-01&sr=c&sp=rl&sig=abc%3D")
        );
        let err = parse_location("https://acct.blob.core.windows.net/").unwrap_err();
        assert!(err.contains("no container"), "{err}");
        // Found by thinking like the fuzzer: these would name another place.
        assert!(parse_location("http://127.0.0.1/a.b/c/x").is_err());
        assert!(parse_location("https://acct.blob.core.windows.net/a%2Fb/x").is_err());
        assert!(parse_location("https://acct.blob.core.windows.net/a%40b/x").is_err());
        let (p, _) = parse_location("az://c@.x/p").unwrap();
        assert_eq!(p.account, None);
    }

    #[test]
    fn rejects_other_schemes_and_empty() {
        assert!(parse_az_uri("s3://x").is_err());
        assert!(parse_az_uri("az://").is_err());
        assert!(parse_az_uri("az:///x").is_err());
    }
}
