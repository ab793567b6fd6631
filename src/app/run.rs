//! The event loop. One `select!` over terminal input, task results, a frame
//! deadline and SIGTERM; nothing in here waits on the network.

use super::action::Action;
use super::state::{Mode, State};
use super::tasks::Runner;
use crate::config::Config;
use crate::ui::{self, Ui};
use crossterm::event::{Event, KeyEventKind};
use futures::{Stream, StreamExt};
use ratatui::{Terminal, backend::Backend};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// At most one draw per this interval; bursts of input and pages are batched.
const FRAME: Duration = Duration::from_millis(16);
/// Spinner speed while something loads.
const TICK: Duration = Duration::from_millis(100);

/// Turns a terminal event into an action, using the keymap of the current mode.
pub fn translate(event: &Event, state: &State, config: &Config) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            if let Some(cmd) = config.keymap.command(state.mode, key) {
                Some(Action::Command(cmd))
            } else if matches!(
                state.mode,
                Mode::Filter
                    | Mode::PrefixSearch
                    | Mode::Form
                    | Mode::Path
                    | Mode::Ask
                    | Mode::CorsInput
                    | Mode::PoliciesInput
            ) {
                Some(Action::Input(*key))
            } else {
                None
            }
        }
        Event::Paste(text)
            if matches!(
                state.mode,
                Mode::Filter
                    | Mode::PrefixSearch
                    | Mode::Form
                    | Mode::Path
                    | Mode::Ask
                    | Mode::CorsInput
                    | Mode::PoliciesInput
            ) =>
        {
            Some(Action::Paste(text.clone()))
        }
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        _ => None,
    }
}

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
        loop {
            if self.state.should_quit {
                break;
            }
            if dirty && Instant::now() >= next_frame {
                terminal.draw(|f| ui::draw(f, &self.state, &ui))?;
                dirty = false;
                next_frame = Instant::now() + FRAME;
                if panic_after_first_frame {
                    panic!("BLOBX_DEBUG_PANIC is set: panicking on purpose");
                }
            }
            let animating = self.state.listing.loading;
            tokio::select! {
                _ = tokio::time::sleep_until(next_frame), if dirty => {}
                event = events.next() => match event {
                    Some(Ok(event)) => {
                        if let Some(action) = translate(&event, &self.state, self.config) {
                            let effects = self.state.update(action);
                            self.runner.run_all(effects);
                        }
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
        }
        Ok(self.state)
    }
}
