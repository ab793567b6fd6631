//! Command line: parse, load config, start logging, run the explorer.

use crate::app::{State, run::Loop, state::AccountNode, tasks::Runner};
use crate::azure::{Account, StorageClient, uri::parse_az_uri};
use crate::config::{Config, paths};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "blobx",
    version,
    about = "A fast terminal explorer for Azure Blob Storage",
    after_help = "With no configuration blobx opens the local emulator account (devstoreaccount1 at http://127.0.0.1:10000).\n\
Config files (config.toml, keymap.toml, theme.toml) live in the config dir; logs in the data dir (BLOBX_LOG sets the level)."
)]
pub struct Args {
    /// Where to open, as az://container/path (on the default account).
    pub location: Option<String>,

    /// Address of the local emulator's Blob service.
    #[arg(long, env = "BLOBX_EMULATOR", value_name = "URL")]
    pub emulator: Option<String>,

    /// Read config.toml, keymap.toml and theme.toml from this folder.
    #[arg(long, env = "BLOBX_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
}

pub fn main() -> ExitCode {
    main_from(std::env::args_os())
}

/// `main` with explicit arguments (the demo uses this to point at its emulator).
pub fn main_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args = Args::parse_from(args);
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("blobx: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The accounts to show, in order. Today: the emulator (unless disabled).
pub fn accounts(config: &Config, emulator_flag: Option<&str>) -> anyhow::Result<Vec<Account>> {
    let mut accounts = Vec::new();
    if config.settings.emulator.enabled || emulator_flag.is_some() {
        let host = emulator_flag.unwrap_or(&config.settings.emulator.host);
        accounts.push(Account::emulator(host)?);
    }
    Ok(accounts)
}

fn run(args: Args) -> anyhow::Result<()> {
    let start = args
        .location
        .as_deref()
        .map(parse_az_uri)
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let config_dir = paths::config_dir(args.config_dir);
    let config = Config::load(config_dir.as_deref());
    let _log = crate::logging::init();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "blobx starting");
    let accounts = accounts(&config, args.emulator.as_deref())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let nodes = accounts
            .iter()
            .map(|a| AccountNode {
                label: a.label.clone(),
                host: a.host(),
                error: None,
            })
            .collect();
        let clients = accounts
            .into_iter()
            .map(StorageClient::new)
            .collect::<anyhow::Result<Vec<_>>>()?;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut state = State::new(nodes);
        if let Some(w) = config.warnings.first() {
            state.status = Some(crate::app::state::StatusMessage {
                level: crate::app::state::Level::Error,
                text: w.clone(),
            });
        }
        for w in &config.warnings {
            tracing::warn!("{w}");
        }
        let mut runner = Runner::new(clients, tx);
        runner.run_all(state.start(start));
        let looper = Loop {
            config: &config,
            state,
            runner,
            results: rx,
        };
        let mut terminal = crate::terminal::init();
        let events = crossterm::event::EventStream::new();
        let result = looper
            .run(&mut terminal, events, crate::terminal::shutdown_signal())
            .await;
        crate::terminal::restore();
        result.map(|_| ())
    })
}
