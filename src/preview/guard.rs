//! Decoding hostile bytes without taking the terminal down. The parquet crate
//! can panic on some corrupt files (an `expect` in its page decoder); a panic
//! in blobx would run the terminal-restoring panic hook and wreck the screen.
//! `catch` runs decoding under `catch_unwind` with the hook silenced for
//! this thread only (the panic is logged instead) and turns it into an error.

use std::cell::Cell;
use std::panic::{self, UnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();

/// Wraps whatever hook is installed (the terminal's, set up at start) once.
fn install() {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                tracing::warn!(panic = %info, "decoder panicked on a preview; shown as an error");
                return;
            }
            previous(info);
        }));
    });
}

/// Runs `f`; a panic inside becomes `Err` with its message.
pub fn catch<T>(f: impl FnOnce() -> T + UnwindSafe) -> Result<T, String> {
    install();
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(f);
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown reason".into());
        format!("the decoder gave up on this file ({why})")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error() {
        let r: Result<(), String> = super::catch(|| panic!("boom"));
        assert_eq!(r.unwrap_err(), "the decoder gave up on this file (boom)");
        assert_eq!(super::catch(|| 7), Ok(7));
    }
}
