//! Permission letters shared by stored access policies and SAS tokens.

/// Permission letters a stored access policy or service SAS may hold, in the
/// order Azure requires them (read, add, create, write, delete, list).
pub const PERMISSION_ORDER: &str = "racwdl";

/// Checks permission letters and puts them in Azure's required order.
/// `l` (list) only means something for a container.
pub fn normalize_permissions(letters: &str, for_container: bool) -> Result<String, String> {
    if let Some(bad) = letters.chars().find(|c| !PERMISSION_ORDER.contains(*c)) {
        return Err(format!(
            "{bad:?} is not a permission; use letters from r (read), a (add), c (create), w (write), d (delete), l (list)"
        ));
    }
    if !for_container && letters.contains('l') {
        return Err("l (list) applies to containers and folders, not to a single blob".into());
    }
    if let Some(dup) = letters
        .char_indices()
        .find(|(i, c)| letters[..*i].contains(*c))
        .map(|(_, c)| c)
    {
        return Err(format!("the permission {dup:?} is given twice"));
    }
    Ok(PERMISSION_ORDER
        .chars()
        .filter(|c| letters.contains(*c))
        .collect())
}
