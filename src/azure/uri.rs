//! The `az://container/prefix` form that fsspec and ZenML users already know.

/// A place in an account: a container and a prefix inside it (empty for the root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzPath {
    pub container: String,
    pub prefix: String,
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
    // fsspec allows container@account; the account part is for a later release.
    let container = container.split('@').next().unwrap_or(container);
    if container.is_empty() {
        return Err(format!(
            "{input:?} has no container name (expected az://container/path)"
        ));
    }
    Ok(AzPath {
        container: container.to_string(),
        prefix: prefix.to_string(),
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
                prefix: "".into()
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
    fn rejects_other_schemes_and_empty() {
        assert!(parse_az_uri("s3://x").is_err());
        assert!(parse_az_uri("az://").is_err());
        assert!(parse_az_uri("az:///x").is_err());
    }
}
