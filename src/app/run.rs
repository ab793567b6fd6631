//! The event loop. One `select!` over terminal input, task results, a frame
//! deadline and SIGTERM; nothing in here waits on the network.

use super::action::Action;
use super::state::State;
use super::tasks::Runner;
use crate::config::Config;
use crate::ui::{self, Ui};
use crossterm::event::Event;
use futures::{FutureExt, Stream, StreamExt};
use ratatui::{Terminal, backend::Backend};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// At most one draw per this interval; bursts of input and pages are batched.
const FRAME: Duration = Duration::from_millis(16);
/// Spinner speed while something loads.
const TICK: Duration = Duration::from_millis(100);

pub struct Loop<'a> {
    pub config: &'a Config,
    pub state: State,
    pub runner: Runner,
    pub results: mpsc::UnboundedReceiver<Action>,
}

impl Loop<'_> {
    pub async fn run<B, E>(
        mut self,
        terminal: &mut Terminal<B>,
        mut events: E,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<State>
    where
        B: Backend,
        B::Error: Send + Sync + 'static,
        E: Stream<Item = std::io::Result<Event>> + Unpin,
    {
        // Changes made by background work show in the activity pane.
        let tx = self.runner.sender();
        crate::logging::on_audit(move |text| {
            let entry =
                super::activity::ActivityEntry::new(super::activity::ActivityKind::Change, text);
            let _ = tx.send(Action::Activity(entry));
        });
        let size = terminal.size()?;
        self.state.update(Action::Resize {
            width: size.width,
            height: size.height,
        });
        let ui = Ui {
            keymap: &self.config.keymap,
            theme: &self.config.theme,
        };
        let mut shutdown = std::pin::pin!(shutdown);
        let mut ticker = tokio::time::interval(TICK);
        let mut dirty = true;
        let mut next_frame = Instant::now();
        // Lets the test suite prove the terminal is restored after a panic.
        let panic_after_first_frame = std::env::var_os("BLOBX_DEBUG_PANIC").is_some();
        let mut stats = FrameStats::default();
        let mut woke = Instant::now();
        loop {
            if self.state.should_quit {
                break;
            }
            if dirty && Instant::now() >= next_frame {
                self.state.now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() as i64)
                    .unwrap_or(0);
                terminal.draw(|f| ui::draw(f, &self.state, &ui))?;
                dirty = false;
                let now = Instant::now();
                next_frame = now + FRAME;
                stats.frame(now, busy(&self.state));
                if panic_after_first_frame {
                    panic!("BLOBX_DEBUG_PANIC is set: panicking on purpose");
                }
            }
            let animating = self.state.listing.loading;
            stats.turn(woke.elapsed());
            tokio::select! {
                _ = tokio::time::sleep_until(next_frame), if dirty => {}
                event = events.next() => match event {
                    Some(Ok(event)) => {
                        // Take every key already waiting before filtering or
                        // drawing: typing into the filter of 100,000 rows
                        // filters once per burst, not once per key.
                        self.state.hold_filter = true;
                        self.handle(&event);
                        while let Some(Some(Ok(event))) = events.next().now_or_never() {
                            self.handle(&event);
                        }
                        self.state.hold_filter = false;
                        self.state.settle_filter();
                        dirty = true;
                    }
                    Some(Err(e)) => return Err(e.into()),
                    None => break,
                },
                Some(action) = self.results.recv() => {
                    let effects = self.state.update(action);
                    self.runner.run_all(effects);
                    // Take everything else that is waiting before drawing.
                    while let Ok(action) = self.results.try_recv() {
                        let effects = self.state.update(action);
                        self.runner.run_all(effects);
                    }
                    dirty = true;
                }
                _ = ticker.tick(), if animating => {
                    self.state.update(Action::Tick);
                    dirty = true;
                }
                _ = &mut shutdown => {
                    tracing::info!("shutdown signal");
                    break;
                }
            }
            woke = Instant::now();
        }
        stats.report();
        Ok(self.state)
    }
}

impl Loop<'_> {
    fn handle(&mut self, event: &Event) {
        let mouse = self.config.settings.mouse;
        if let Some(action) =
            super::layers::translate(event, &self.state, &self.config.keymap, mouse)
        {
            let effects = self.state.update(action);
            self.runner.run_all(effects);
        }
    }
}

/// Work the user is waiting on, during which the screen must keep moving.
fn busy(state: &State) -> bool {
    state.listing.loading || state.transfers.snapshot.active()
}

/// How smoothly the loop ran, so a test (or a user reporting a stutter) can
/// see whether the network ever held up the screen. Written at exit to the log
/// and, when `BLOBX_FRAME_STATS=FILE` is set, to that file as `key=value` lines.
#[derive(Debug, Default)]
struct FrameStats {
    frames: u64,
    /// Frames drawn while a listing or a transfer was running.
    busy_frames: u64,
    /// Longest time between two frames while work was running.
    longest_busy_gap: Duration,
    /// Longest single turn of the loop (handling actions and drawing): the
    /// longest a key press could have waited.
    longest_turn: Duration,
    last_busy_frame: Option<Instant>,
}

impl FrameStats {
    fn frame(&mut self, now: Instant, busy: bool) {
        self.frames += 1;
        if !busy {
            self.last_busy_frame = None;
            return;
        }
        self.busy_frames += 1;
        if let Some(last) = self.last_busy_frame {
            self.longest_busy_gap = self.longest_busy_gap.max(now - last);
        }
        self.last_busy_frame = Some(now);
    }

    fn turn(&mut self, took: Duration) {
        self.longest_turn = self.longest_turn.max(took);
    }

    fn text(&self) -> String {
        format!(
            "frames={}\nbusy_frames={}\nlongest_busy_gap_ms={}\nlongest_turn_ms={}\n",
            self.frames,
            self.busy_frames,
            self.longest_busy_gap.as_millis(),
            self.longest_turn.as_millis()
        )
    }

    fn report(&self) {
        tracing::info!(
            frames = self.frames,
            busy_frames = self.busy_frames,
            longest_busy_gap_ms = self.longest_busy_gap.as_millis() as u64,
            longest_turn_ms = self.longest_turn.as_millis() as u64,
            "frame stats"
        );
        if let Some(path) = std::env::var_os("BLOBX_FRAME_STATS")
            && let Err(e) = std::fs::write(&path, self.text())
        {
            tracing::warn!("cannot write frame stats to {:?}: {e}", path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_gaps_count_only_while_busy() {
        let t0 = Instant::now();
        let mut s = FrameStats::default();
        s.frame(t0, false);
        s.frame(t0 + Duration::from_millis(500), true);
        s.frame(t0 + Duration::from_millis(540), true);
        s.frame(t0 + Duration::from_millis(2000), false);
        s.frame(t0 + Duration::from_millis(2100), true);
        s.turn(Duration::from_millis(7));
        assert_eq!(s.frames, 5);
        assert_eq!(s.busy_frames, 3);
        // Idle time before 2100 ms is not a gap: nothing was running.
        assert_eq!(s.longest_busy_gap, Duration::from_millis(40));
        assert!(s.text().contains("longest_turn_ms=7\n"), "{}", s.text());
    }
}
