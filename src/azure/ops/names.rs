//! Names and confirmations, checked as the user types (pure functions).

// ---------------------------------------------------------------------------
// Names

/// Container names: 3-63 characters of a-z, 0-9 and `-`, starting and ending
/// with a letter or digit, no `--`. Pure, for checking while typing.
pub fn check_container_name(name: &str) -> Result<(), String> {
    crate::azure::naming::check_container_name(name)
}

/// Blob names: 1-1,024 characters, at most 254 `/`-separated segments, and no
/// control characters (they cannot travel in a URL reliably).
pub fn check_blob_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a blob name cannot be empty".into());
    }
    let len = name.chars().count();
    if len > 1024 {
        return Err(format!(
            "a blob name is at most 1,024 characters (this one has {len})"
        ));
    }
    let segments = name.split('/').count();
    if segments > 254 {
        return Err(format!(
            "a blob name has at most 254 path segments (this one has {segments})"
        ));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "a blob name may not contain control characters (found U+{:04X})",
            u32::from(c)
        ));
    }
    Ok(())
}

/// A name typed for a new blob (rename target): a blob name that does not end
/// in `/`, which would make it look like a folder.
pub fn check_new_blob_name(name: &str) -> Result<(), String> {
    check_blob_name(name)?;
    if name.ends_with('/') {
        return Err("a blob name may not end with /; that names a folder".into());
    }
    Ok(())
}

/// Deleting a container asks for its name to be typed exactly.
pub fn check_delete_confirmation(container: &str, typed: &str) -> Result<(), String> {
    if typed.trim() == container {
        Ok(())
    } else {
        Err(format!("type {container} to confirm deleting it"))
    }
}
