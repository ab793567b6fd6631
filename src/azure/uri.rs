//! The `az://container/prefix` form that fsspec and ZenML users already know.

/// A place in an account: a container and a prefix inside it (empty for the root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzPath {
    pub container: String,
    pub prefix: String,
    /// `az://container@account/…` names an account (label, name or id).
    pub account: Option<String>,
}

/// Parses `az://container[/prefix]` (also `abfs://`, which fsspec treats alike).
/// A prefix keeps its trailing `/` if given, so it can name a folder or a blob.
pub fn parse_az_uri(input: &str) -> Result<AzPath, String> {
    let rest = ["az://", "abfs://", "abfss://"]
        .iter()
        .find_map(|scheme| input.strip_prefix(scheme))
        .ok_or_else(|| format!("{input:?} is not an az:// URI (expected az://container/path)"))?;
    let (container, prefix) = match rest.split_once('/') {
        Some((c, p)) => (c, p),
        None => (rest, ""),
    };
    // fsspec's container@account form names the account.
    let (container, account) = match container.split_once('@') {
        Some((c, a)) if !a.is_empty() => (c, Some(a.to_string())),
        Some((c, _)) => (c, None),
        None => (container, None),
    };
    if container.is_empty() {
        return Err(format!(
            "{input:?} has no container name (expected az://container/path)"
        ));
    }
    Ok(AzPath {
        container: container.to_string(),
        prefix: prefix.to_string(),
        account,
    })
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
    fn rejects_other_schemes_and_empty() {
        assert!(parse_az_uri("s3://x").is_err());
        assert!(parse_az_uri("az://").is_err());
        assert!(parse_az_uri("az:///x").is_err());
    }
}
