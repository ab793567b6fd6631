//! Shared test support: the Azurite harness, seeding, and a pty driver.
#![allow(dead_code)]

pub mod arm_docs;
pub mod arm_stub;
pub mod dfs_stub;
pub mod emulator;
pub mod entra;
pub mod fault_proxy;
pub mod pty;
pub mod rng;
pub mod sample;
pub mod sdk;
pub mod seed;

/// Runs the real binary with its config, logs and data in `home`.
pub fn run_blobx(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
        .args(args)
        .env("BLOBX_CONFIG_DIR", home.join("config"))
        .env("BLOBX_LOG_DIR", home.join("logs"))
        .env("BLOBX_DATA_DIR", home.join("data"))
        .output()
        .unwrap()
}

/// A container name no other test in this process uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Every `blobx::audit` line in the logs below `home` (the runs' log dir).
pub fn audit_lines(home: &std::path::Path) -> Vec<String> {
    audit_lines_in(&home.join("logs"))
}

/// Every `blobx::audit` line in the log files of `dir`.
pub fn audit_lines_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .flat_map(|log| {
            log.lines()
                .filter(|l| l.contains("blobx::audit"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// How many audit lines in the logs below `home` mention `what`.
pub fn audit_count(home: &std::path::Path, what: &str) -> usize {
    audit_lines(home)
        .iter()
        .filter(|l| l.contains(what))
        .count()
}
