//! Command line: parse, load config, start logging, run the explorer.

use crate::app::{State, run::Loop, state::AccountNode, tasks::Runner};
use crate::azure::{Account, Source, StorageClient, uri::parse_az_uri};
use crate::config::{Config, accounts::AccountStore, paths};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Subcommand)]
pub enum Cmd {
    /// Read or change a container's public access level and stored access policies.
    Access(crate::headless::access::Args),
    /// Copy between local paths and az:// locations, for scripts.
    Cp(crate::headless::cp::Args),
    /// Read or replace an account's Blob service CORS rules.
    Cors(crate::headless::cors::Args),
    /// Print a SAS URL for a container, blob or folder.
    Sas(crate::headless::sas::Args),
}

#[derive(Debug, Parser)]
#[command(
    name = "blobx",
    version,
    args_conflicts_with_subcommands = true,
    about = "A fast terminal explorer for Azure Blob Storage",
    after_help = "With no configuration blobx opens the local emulator account (devstoreaccount1 at http://127.0.0.1:10000).\n\
Config files (config.toml, keymap.toml, theme.toml) live in the config dir; logs in the data dir (BLOBX_LOG sets the level)."
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Cmd>,

    /// Where to open, as az://container/path (on the default account).
    pub location: Option<String>,

    /// Address of the local emulator's Blob service.
    #[arg(long, global = true, env = "BLOBX_EMULATOR", value_name = "URL")]
    pub emulator: Option<String>,

    /// Read config.toml, keymap.toml, theme.toml and accounts.toml from this folder.
    #[arg(long, global = true, env = "BLOBX_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Which account az:// locations and the first screen use (label, name or id).
    #[arg(long, global = true, value_name = "NAME")]
    pub account: Option<String>,

    /// Change nothing: uploads, copies and overwrites are refused and hidden.
    #[arg(long, global = true)]
    pub readonly: bool,

    /// Cap transfer bandwidth, in megabits per second (changeable in the transfers pane).
    #[arg(long, global = true, value_name = "MBPS")]
    pub cap_mbps: Option<f64>,
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
    let mut args = Args::parse_from(args);
    if let Some(command) = args.command.take() {
        return run_headless(command, args);
    }
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("blobx: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run_headless(command: Cmd, args: Args) -> ExitCode {
    let _log = crate::logging::init();
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| {
            rt.block_on(async {
                let mut ctx = crate::headless::Context::load(
                    args.emulator.as_deref(),
                    args.config_dir,
                    args.account.as_deref(),
                )?;
                ctx.readonly |= args.readonly;
                if let Some(cap) = args.cap_mbps {
                    ctx.cap = cap_from_flag(cap)?;
                }
                match command {
                    Cmd::Access(a) => crate::headless::access::run(a, &ctx).await,
                    Cmd::Cp(a) => crate::headless::cp::run(a, &ctx).await,
                    Cmd::Cors(a) => crate::headless::cors::run(a, &ctx).await,
                    Cmd::Sas(a) => crate::headless::sas::run(a, &ctx).await,
                }
            })
        });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("blobx: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn cap_from_flag(mbps: f64) -> anyhow::Result<Option<u64>> {
    crate::transfer::throttle::parse_cap(&mbps.to_string()).map_err(|e| anyhow::anyhow!(e))
}

/// Every account to show, with the reason next to any that cannot be used,
/// and the index of the default account (for `az://` and the first screen).
pub fn gather_accounts(
    config: &Config,
    emulator_flag: Option<&str>,
    store: Option<&AccountStore>,
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<(Vec<AccountNode>, Vec<String>)> {
    let mut nodes = Vec::new();
    let mut warnings = Vec::new();
    if config.settings.emulator.enabled || emulator_flag.is_some() {
        let host = emulator_flag.unwrap_or(&config.settings.emulator.host);
        nodes.push(AccountNode::new(Account::emulator(host)?));
    }
    if let Some(store) = store {
        let (loaded, store_warnings) = store.load();
        warnings.extend(store_warnings);
        for item in loaded {
            nodes.push(match item {
                Ok(account) => AccountNode::new(account),
                Err(broken) => {
                    let (stored, why) = *broken;
                    AccountNode::broken(
                        Account::placeholder(
                            &stored.id,
                            &stored.label,
                            Source::Attached,
                            Some(&stored.blob_endpoint),
                        ),
                        why,
                    )
                }
            });
        }
    }
    if config.settings.entra.enabled {
        nodes.push(AccountNode::entra_discovery());
    }
    match crate::azure::env::from_env(env) {
        Some(Ok(account)) => nodes.push(AccountNode::new(account)),
        Some(Err(why)) => {
            warnings.push(why.clone());
            nodes.push(AccountNode::broken(
                Account::placeholder("env", "environment variables", Source::Environment, None),
                why,
            ));
        }
        None => {}
    }
    Ok((nodes, warnings))
}

/// `--account` if given (by label, name or id), else the environment's
/// account, else the emulator, else the first one.
pub fn default_account(
    nodes: &[AccountNode],
    wanted: Option<&str>,
) -> anyhow::Result<Option<usize>> {
    let usable = |i: &usize| nodes[*i].broken.is_none();
    if let Some(w) = wanted {
        return (0..nodes.len())
            .find(|&i| {
                let a = &nodes[i].account;
                a.label == w || a.name == w || a.id == w
            })
            .map(Some)
            .ok_or_else(|| anyhow::anyhow!("no account is called {w:?}"));
    }
    let by_source = |s: Source| {
        (0..nodes.len())
            .filter(usable)
            .find(|&i| nodes[i].account.source == s)
    };
    Ok(by_source(Source::Environment)
        .or_else(|| by_source(Source::Emulator))
        .or_else(|| (0..nodes.len()).find(usable)))
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
    let store = config_dir.as_deref().map(AccountStore::new);
    let (nodes, account_warnings) =
        gather_accounts(&config, args.emulator.as_deref(), store.as_ref(), |k| {
            std::env::var(k).ok()
        })?;
    let default = default_account(&nodes, args.account.as_deref())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async move {
        let clients = nodes
            .iter()
            .map(|n| {
                if n.broken.is_some() {
                    return None;
                }
                StorageClient::new(n.account.clone())
                    .map_err(|e| tracing::warn!(account = %n.account.label, error = %e, "cannot make a client"))
                    .ok()
            })
            .collect::<Vec<_>>();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut state = State::new(nodes);
        state.readonly = args.readonly || config.settings.readonly;
        let warnings: Vec<String> = config.warnings.iter().chain(&account_warnings).cloned().collect();
        if let Some(w) = warnings.first() {
            state.status = Some(crate::app::state::StatusMessage {
                level: crate::app::state::Level::Error,
                text: w.clone(),
            });
        }
        for w in &warnings {
            tracing::warn!("{w}");
        }
        let cap = match args.cap_mbps {
            Some(m) => cap_from_flag(m)?,
            None => config.settings.cap(),
        };
        let mut runner = Runner::new(clients, store, tx);
        runner.set_cap(cap);
        if let Some(dir) = &config_dir {
            let path = crate::config::bookmarks::path_in(dir);
            match crate::config::bookmarks::load(&path) {
                Ok(marks) => state.bookmarks.items = marks,
                Err(e) => state.status = Some(crate::app::state::StatusMessage {
                    level: crate::app::state::Level::Error,
                    text: e,
                }),
            }
            runner.bookmarks_path = Some(path);
            runner.config_path = Some(dir.join("config.toml"));
        }
        if config.settings.entra.enabled {
            runner.arm_endpoint = Some(
                std::env::var("BLOBX_ARM_ENDPOINT").unwrap_or_else(|_| config.settings.entra.arm_endpoint.clone()),
            );
        }
        runner.run_all(state.start(start, default));
        runner.check_unfinished();
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
    });
    // Quitting must not wait on stragglers (a slow request, a blocking
    // write): unfinished transfers are in the journal.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    result
}
