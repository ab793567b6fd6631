//! Where blobx keeps its files (XDG on Linux, the platform's folders elsewhere).

use directories::ProjectDirs;
use std::path::PathBuf;

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("dev", "blobx", "blobx")
}

/// `--config-dir`, else `$BLOBX_CONFIG_DIR`, else e.g. `~/.config/blobx`.
pub fn config_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| std::env::var_os("BLOBX_CONFIG_DIR").map(PathBuf::from))
        .or_else(|| project().map(|p| p.config_dir().to_path_buf()))
}

/// `$BLOBX_LOG_DIR`, else e.g. `~/.local/share/blobx/logs`.
pub fn log_dir() -> Option<PathBuf> {
    std::env::var_os("BLOBX_LOG_DIR")
        .map(PathBuf::from)
        .or_else(|| project().map(|p| p.data_dir().join("logs")))
}

/// `$BLOBX_DATA_DIR`, else e.g. `~/.local/share/blobx` (transfer journals).
pub fn data_dir() -> Option<PathBuf> {
    std::env::var_os("BLOBX_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| project().map(|p| p.data_dir().to_path_buf()))
}
