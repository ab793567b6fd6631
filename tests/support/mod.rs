//! Shared test support: the Azurite harness, seeding, and a pty driver.
#![allow(dead_code)]

pub mod arm_stub;
pub mod emulator;
pub mod fault_proxy;
pub mod pty;
pub mod sample;
pub mod seed;

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
