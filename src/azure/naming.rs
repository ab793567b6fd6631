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

/// Edit distance (insertions, deletions, substitutions) between two names.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The names among `existing` close enough to `typed` to be what was meant
/// (a typo or two, more for long names), closest first, at most three.
pub fn close_names<'a>(typed: &str, existing: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let limit = (typed.chars().count() / 4).max(2);
    let mut close: Vec<(usize, &str)> = existing
        .into_iter()
        .filter(|name| *name != typed)
        .map(|name| (edit_distance(typed, name), name))
        .filter(|(d, _)| *d <= limit)
        .collect();
    close.sort();
    close
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
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

    #[test]
    fn close_names_catch_typos_only() {
        assert_eq!(edit_distance("datasets", "datasest"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        let existing = ["datasets", "logs", "backups", "dataset-archive"];
        assert_eq!(close_names("dataset", existing), vec!["datasets"]);
        assert_eq!(close_names("lgos", existing), vec!["logs"]);
        assert!(close_names("photos", existing).is_empty());
        assert!(
            close_names("logs", existing).is_empty(),
            "itself is not a suggestion"
        );
    }
}
