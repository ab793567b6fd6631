//! One log line for every change blobx makes to a service, from the TUI and
//! the command line alike: target `blobx::audit`, what was done and where.
//! Callers pass names and paths only, never a key, token or SAS.

/// Writes the audit line for one change: `action` says what was done
/// ("create container", "set cors rules"), `what` where (container, blob,
/// account).
pub fn audit(action: &str, what: &str) {
    tracing::info!(target: "blobx::audit", action, what, "service changed");
}
