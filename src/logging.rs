//! Logs go to a daily file in the data dir, never to the screen.

use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts file logging. Keep the guard alive until exit so the last lines are written.
/// `BLOBX_LOG` sets the filter (default `info`; the SDK's own spans stay at `warn`).
pub fn init() -> Option<(WorkerGuard, PathBuf)> {
    let dir = crate::config::paths::log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Logs name containers and blobs; keep them private to the user.
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    let appender = tracing_appender::rolling::daily(&dir, "blobx.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("BLOBX_LOG").unwrap_or_else(|_| {
        EnvFilter::new("info,azure_core=warn,typespec_client_core=warn,reqsign=warn")
    });
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some((guard, dir))
}
