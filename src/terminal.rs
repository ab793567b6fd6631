//! Terminal set-up and restore. `ratatui::init` installs a panic hook that
//! restores the screen before the panic message prints; quitting and SIGTERM
//! go through `restore` too.

use ratatui::DefaultTerminal;

pub fn init(mouse: bool) -> DefaultTerminal {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // ratatui's own hook has left raw mode and the alternate screen;
        // these two it does not know about.
        release_input();
        tracing::error!(panic = %info, "panic");
        previous(info);
    }));
    let terminal = ratatui::init();
    // Bracketed paste: a pasted connection string arrives as one event.
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableBracketedPaste);
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    }
    terminal
}

fn release_input() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::event::DisableBracketedPaste
    );
}

/// Gives the terminal to another program (an editor): input released, raw
/// mode off, the main screen back.
pub fn suspend() {
    release_input();
    ratatui::restore();
}

/// Takes the terminal back after [`suspend`]; the caller redraws it whole.
pub fn resume(mouse: bool) {
    let _ = crossterm::terminal::enable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        crossterm::event::EnableBracketedPaste
    );
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    }
}

pub fn restore() {
    release_input();
    ratatui::restore();
}

/// Resolves on SIGTERM (or SIGHUP, when the terminal goes away).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
