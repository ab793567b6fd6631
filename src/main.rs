fn main() -> std::process::ExitCode {
    tune_allocator();
    blobx::cli::main()
}

/// Transfers allocate and free many multi-MiB buffers from several threads.
/// glibc's mmap threshold rises after the first such buffer is freed, so the
/// later ones come from per-thread arenas, which keep freed memory: peak RSS
/// grew well past the transfer budget. A fixed threshold sends every buffer
/// of 1 MiB or more to mmap (given back on free). The usual `MALLOC_*_`
/// environment variables still win, for experiments.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets allocator parameters; no other thread exists yet.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
