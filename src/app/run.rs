//! The event loop. One `select!` over terminal input, task results, a frame
//! deadline and SIGTERM; nothing in here waits on the network.

use super::action::Action;
use super::state::State;
use super::tasks::Runner;
use crate::config::Config;
use crate::ui::{self, Ui};
use crossterm::event::Event;
use futures::{Stream, StreamExt};
use ratatui::{Terminal, backend::Backend};
use std::task::Poll;
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
    /// `make_events` opens the terminal's input; it is closed and opened
    /// again around an editor, whose keys it must not read.
    pub async fn run<B, E>(
        mut self,
        terminal: &mut Terminal<B>,
        make_events: impl Fn() -> E,
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
        let mut events = make_events();
        loop {
            if self.state.should_quit {
                break;
            }
            if let Some(session) = self.state.editor.take() {
                // crossterm's reader thread would take the editor's keys.
                drop(events);
                let result = self.hand_over(&session.path).await;
                events = make_events();
                // The screen is blank again: draw all of it (ratatui's own
                // clear asks the terminal where its cursor is, which needs
                // an answer on the input just reopened).
                terminal.backend_mut().clear()?;
                terminal.swap_buffers();
                let effects = self
                    .state
                    .update(Action::Edit(super::edit::EditEvent::Closed(
                        session, result,
                    )));
                self.runner.run_all(effects);
                dirty = true;
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
                        // `poll!` (this task's waker), never `now_or_never`:
                        // crossterm's stream wakes only the waker of the poll
                        // that found it empty, so a no-op waker there loses
                        // the next key until something else wakes the loop.
                        let mut ended = None;
                        loop {
                            match futures::poll!(events.next()) {
                                Poll::Ready(Some(Ok(event))) => self.handle(&event),
                                Poll::Ready(Some(Err(e))) => {
                                    ended = Some(Err(e));
                                    break;
                                }
                                Poll::Ready(None) => {
                                    ended = Some(Ok(()));
                                    break;
                                }
                                Poll::Pending => break,
                            }
                        }
                        self.state.hold_filter = false;
                        self.state.settle_filter();
                        dirty = true;
                        match ended {
                            Some(Err(e)) => return Err(e.into()),
                            Some(Ok(())) => break,
                            None => {}
                        }
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
    /// Leaves the screen to the editor on `path` until it exits.
    async fn hand_over(&self, path: &std::path::Path) -> Result<(), String> {
        use crate::azure::edit::local::{editor_command, run_editor};
        let editor = editor_command(|k| std::env::var(k).ok());
        crate::terminal::suspend();
        let path = path.to_path_buf();
        let result = tokio::task::spawn_blocking(move || run_editor(&editor, &path))
            .await
            .unwrap_or_else(|e| Err(format!("the editor did not run: {e}")));
        crate::terminal::resume(self.config.settings.mouse);
        result
    }

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
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::sync::{Arc, Mutex};
    use std::task::Waker;

    /// Terminal input as crossterm's `EventStream` delivers it: the poll that
    /// finds it empty leaves its waker, and until that waker is woken no later
    /// poll's waker is kept.
    #[derive(Clone, Default)]
    struct Keys {
        queue: Arc<Mutex<std::collections::VecDeque<Event>>>,
        waker: Arc<Mutex<Option<Waker>>>,
    }

    impl Keys {
        fn press(&self, c: char) {
            let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            if let Ok(mut q) = self.queue.lock() {
                q.push_back(Event::Key(key));
            }
            if let Some(w) = self.waker.lock().ok().and_then(|mut w| w.take()) {
                w.wake();
            }
        }
    }

    impl Stream for Keys {
        type Item = std::io::Result<Event>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> Poll<Option<Self::Item>> {
            if let Some(e) = self.queue.lock().ok().and_then(|mut q| q.pop_front()) {
                return Poll::Ready(Some(Ok(e)));
            }
            if let Ok(mut w) = self.waker.lock()
                && w.is_none()
            {
                *w = Some(cx.waker().clone());
            }
            Poll::Pending
        }
    }

    /// At 100,000 rows the filter once stopped taking keys: draining a burst
    /// with a no-op waker left the next key unseen until something else woke
    /// the loop. The transfers sampler wakes it once a second for its first
    /// minute, which hid this on smaller folders; the clock is paused here and
    /// the second key comes after that minute.
    #[tokio::test(start_paused = true)]
    async fn a_key_after_a_burst_wakes_the_loop() {
        let (tx, results) = mpsc::unbounded_channel();
        let config: &'static Config = Box::leak(Box::new(Config::load(None)));
        let looper = Loop {
            config,
            state: crate::app::update_tests::state(),
            runner: Runner::new(Vec::new(), None, tx),
            results,
        };
        let keys = Keys::default();
        let typist = keys.clone();
        let running = tokio::spawn(async move {
            let mut terminal =
                Terminal::new(ratatui::backend::TestBackend::new(80, 20)).expect("test terminal");
            looper
                .run(&mut terminal, move || keys.clone(), std::future::pending())
                .await
                .map(|s| s.should_quit)
                .ok()
        });
        // A key, then (after the loop drained, drew and the sampler went
        // quiet) the quit key; the paused clock makes the minute instant.
        typist.press('j');
        tokio::time::sleep(Duration::from_secs(120)).await;
        typist.press('q');
        tokio::time::sleep(Duration::from_secs(5)).await;
        let finished = running.is_finished();
        running.abort();
        assert!(finished, "the loop saw the key typed after a burst");
    }

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
