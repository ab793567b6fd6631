//! Azure's naming rules, as pure functions usable while the user types.

/// Container names: 3–63 characters of lower-case letters, digits and `-`,
/// starting with a letter or digit, with no `--` ("Naming and Referencing
/// Containers, Blobs, and Metadata" in the Blob REST docs).
pub fn check_container_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if !(3..=63).contains(&len) {
        return Err(format!(
            "a container name is 3-63 characters (this one has {len})"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "a container name may hold only a-z, 0-9 and -, not {c:?}"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("a container name starts and ends with a letter or digit".into());
    }
    if name.contains("--") {
        return Err("a container name may not contain --".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_rules() {
        assert!(check_container_name("data-2024").is_ok());
        for (bad, why) in [
            ("up", "3-63"),
            ("Data", "not 'D'"),
            ("-ab", "starts"),
            ("a--b", "--"),
            ("a_b", "'_'"),
        ] {
            let e = check_container_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
