//! The bandwidth cap: one pace for all transfers together, changeable while
//! they run.
//!
//! Each request reserves its bytes on a shared timeline before it is sent
//! (uploads) or asked for (downloads): the next free moment moves on by
//! `bytes / rate`. Averaged over a few requests that is the cap, without a
//! timer per byte. Changing the cap wakes every waiter, which reserves again
//! at the new rate, so lowering or lifting it takes effect at once.

use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Megabits per second (what `--cap-mbps` and azcopy's flag of the same name
/// count) as bytes per second.
pub fn mbps_to_bytes(mbps: f64) -> Option<u64> {
    (mbps.is_finite() && mbps > 0.0).then(|| ((mbps * 1_000_000.0 / 8.0) as u64).max(1))
}

/// Reads a cap typed by a user: megabits per second; empty, 0 or "off" lift it.
pub fn parse_cap(text: &str) -> Result<Option<u64>, String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t
        .strip_suffix("mbps")
        .or_else(|| t.strip_suffix("mb/s"))
        .unwrap_or(&t)
        .trim();
    if t.is_empty() || t == "off" || t == "none" || t == "0" {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1_000_000.0 => Ok(mbps_to_bytes(v)),
        _ => Err(format!(
            "\"{}\" is not a cap: type megabits per second (for example 80), or 0 for none",
            text.trim()
        )),
    }
}

/// "80 Mb/s (10 MB/s)" — both units, since people think in either.
pub fn describe(bytes_per_sec: Option<u64>) -> String {
    match bytes_per_sec {
        None => "no cap".into(),
        Some(b) => {
            let mbit = b as f64 * 8.0 / 1_000_000.0;
            let mbyte = b as f64 / 1_000_000.0;
            format!("{} Mb/s ({} MB/s)", trim(mbit), trim(mbyte))
        }
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[derive(Debug)]
struct Pace {
    bytes_per_sec: Option<u64>,
    next_free: Instant,
}

#[derive(Debug)]
pub struct Throttle {
    pace: Mutex<Pace>,
    changed: Notify,
}

impl Throttle {
    pub fn new(bytes_per_sec: Option<u64>) -> Self {
        Self {
            pace: Mutex::new(Pace {
                bytes_per_sec,
                next_free: Instant::now(),
            }),
            changed: Notify::new(),
        }
    }

    pub fn cap(&self) -> Option<u64> {
        self.pace.lock().ok().and_then(|p| p.bytes_per_sec)
    }

    pub fn set_cap(&self, bytes_per_sec: Option<u64>) {
        if let Ok(mut p) = self.pace.lock() {
            p.bytes_per_sec = bytes_per_sec.filter(|b| *b > 0);
            // Reservations made at the old rate no longer hold.
            p.next_free = Instant::now();
        }
        self.changed.notify_waiters();
    }

    /// Waits until `bytes` may go out under the cap.
    pub async fn take(&self, bytes: u64) {
        loop {
            // Registered before reserving, so a change in between is not missed.
            let changed = self.changed.notified();
            let start = {
                let Ok(mut p) = self.pace.lock() else { return };
                let Some(rate) = p.bytes_per_sec else { return };
                let now = Instant::now();
                let start = p.next_free.max(now);
                p.next_free = start + Duration::from_secs_f64(bytes as f64 / rate as f64);
                start
            };
            if start <= Instant::now() {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(start) => return,
                _ = changed => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_read_in_megabits() {
        assert_eq!(parse_cap("80"), Ok(Some(10_000_000)));
        assert_eq!(parse_cap(" 8 Mbps "), Ok(Some(1_000_000)));
        assert_eq!(parse_cap("0.5"), Ok(Some(62_500)));
        for off in ["", "0", "off", "none"] {
            assert_eq!(parse_cap(off), Ok(None), "{off:?}");
        }
        for bad in ["fast", "-3", "NaN", "inf", "1e9"] {
            let e = parse_cap(bad).unwrap_err();
            assert!(e.contains("megabits"), "{bad}: {e}");
        }
        assert_eq!(describe(Some(10_000_000)), "80 Mb/s (10 MB/s)");
        assert_eq!(describe(None), "no cap");
    }

    #[tokio::test(start_paused = true)]
    async fn the_cap_paces_requests_and_can_change_while_they_wait() {
        let t = std::sync::Arc::new(Throttle::new(Some(1_000_000)));
        let begin = Instant::now();
        // 4 MB at 1 MB/s: the fourth request may start after ~3 s.
        for _ in 0..4 {
            t.take(1_000_000).await;
        }
        let waited = begin.elapsed();
        assert!(waited >= Duration::from_secs(3) && waited < Duration::from_secs(4));

        // A waiter far in the future is released at once when the cap is lifted.
        t.set_cap(Some(1_000));
        t.take(1_000_000).await; // reserves 1,000 s from now for the next
        let waiter = {
            let t = t.clone();
            tokio::spawn(async move { t.take(1_000).await })
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!waiter.is_finished());
        let lifted = Instant::now();
        t.set_cap(None);
        waiter.await.unwrap();
        assert!(lifted.elapsed() < Duration::from_millis(10));
        assert_eq!(t.cap(), None);
    }
}
