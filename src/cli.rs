//! Command line: parse, load config, start logging, run the explorer.

use crate::app::{State, run::Loop, state::AccountNode, tasks::Runner};
use crate::azure::{StorageClient, uri::parse_location};
use crate::config::account_list::{
    FoundAccount, account_for_location, default_account, gather_accounts,
};
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
    /// Sizes of a container or folder: bytes and blobs per folder and tier, estimated cost.
    Du(crate::headless::du::Args),
    /// Print a SAS URL for a container, blob or folder.
    Sas(crate::headless::sas::Args),
    /// Read or change an account's Blob service settings (soft delete, static website, logging, metrics).
    Props(crate::headless::props::Args),
    /// Read or replace an account's lifecycle management rules; --dry-run says what they would do today.
    Lifecycle(crate::headless::lifecycle::Args),
    /// Show an account's Blob Inventory rules, or add a daily one blobx can size from.
    Inventory(crate::headless::inventory::Args),
    /// Bring back a deleted blob (soft delete, or its latest version under versioning).
    Restore(crate::headless::restore::Args),
    /// Make DST hold what SRC holds (local or az://): a plan with --dry-run, extras deleted only with --delete-extra.
    Sync(crate::headless::sync::Args),
    /// List containers, or blobs and folders under az://container/prefix.
    Ls(crate::headless::blobs::LsArgs),
    /// Print a blob's properties, metadata and tags.
    Stat(crate::headless::blobs::StatArgs),
    /// Write a blob (or a byte range of it) to stdout.
    Cat(crate::headless::blobs::CatArgs),
    /// Delete blobs (folders with -r).
    Rm(crate::headless::blobs::RmArgs),
    /// Set the access tier of blobs (folders with -r).
    SetTier(crate::headless::blobs::SetTierArgs),
    /// Change content headers and metadata of blobs; what is not named stays.
    SetProps(crate::headless::blobs::SetPropsArgs),
    /// Read or replace a blob's index tags.
    Tag(crate::headless::tags::TagArgs),
    /// Owner, group, permissions and ACLs of data lake paths (get, set, set recursively).
    Acl(crate::headless::acl::AclArgs),
    /// Create a directory on a data lake (hierarchical namespace) account.
    Mkdir(crate::headless::acl::MkdirArgs),
    /// Open a text blob in $VISUAL/$EDITOR and save it back if nobody changed it meanwhile.
    Edit(crate::headless::edit::Args),
    /// Find blobs by name pattern, or by index tags (--tags).
    Find(crate::headless::tags::FindArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), e.g. `blobx man > blobx.1`.
    Man,
}

#[derive(Debug, Parser)]
#[command(
    name = "blobx",
    version,
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

    /// The emulator account's Data Lake (dfs) endpoint (the emulator has none;
    /// for a stand-in).
    #[arg(
        long,
        global = true,
        env = "BLOBX_DFS_ENDPOINT",
        value_name = "URL",
        hide = true
    )]
    pub dfs_endpoint: Option<String>,

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
        if let Some(location) = &args.location {
            eprintln!(
                "blobx: {location:?} is a place to open in the explorer; it cannot come before a subcommand"
            );
            return ExitCode::from(2);
        }
        if let Some(code) = print_generated(&command) {
            return code;
        }
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
                crate::config::account_list::set_emulator_dfs(
                    &mut ctx.nodes,
                    args.dfs_endpoint.as_deref(),
                )?;
                crate::headless::Context::settle_versions_lazily();
                if let Some(cap) = args.cap_mbps {
                    ctx.cap = cap_from_flag(cap)?;
                }
                match command {
                    Cmd::Access(a) => crate::headless::access::run(a, &ctx).await,
                    Cmd::Cp(a) => {
                        // A SAS URL as source or target is an account for this run.
                        ctx.adopt_locations(&[&a.source, &a.dest])?;
                        crate::headless::cp::run(a, &ctx).await
                    }
                    Cmd::Cors(a) => crate::headless::cors::run(a, &ctx).await,
                    Cmd::Du(a) => crate::headless::du::run(a, &ctx).await,
                    Cmd::Sas(a) => crate::headless::sas::run(a, &ctx).await,
                    Cmd::Props(a) => crate::headless::props::run(a, &ctx).await,
                    Cmd::Lifecycle(a) => crate::headless::lifecycle::run(a, &ctx).await,
                    Cmd::Inventory(a) => crate::headless::inventory::run(a, &ctx).await,
                    Cmd::Restore(a) => crate::headless::restore::run(a, &ctx).await,
                    Cmd::Sync(a) => crate::headless::sync::run(a, &ctx).await,
                    Cmd::Ls(a) => crate::headless::blobs::ls(a, &ctx).await,
                    Cmd::Stat(a) => crate::headless::blobs::stat(a, &ctx).await,
                    Cmd::Cat(a) => crate::headless::blobs::cat(a, &ctx).await,
                    Cmd::Rm(a) => crate::headless::blobs::rm(a, &ctx).await,
                    Cmd::SetTier(a) => crate::headless::blobs::set_tier(a, &ctx).await,
                    Cmd::SetProps(a) => crate::headless::blobs::set_props(a, &ctx).await,
                    Cmd::Tag(a) => crate::headless::tags::tag(a, &ctx).await,
                    Cmd::Acl(a) => crate::headless::acl::run(a, &ctx).await,
                    Cmd::Mkdir(a) => crate::headless::acl::mkdir(a, &ctx).await,
                    Cmd::Find(a) => crate::headless::tags::find(a, &ctx).await,
                    Cmd::Edit(a) => crate::headless::edit::run(a, &ctx).await,
                    Cmd::Completions { .. } | Cmd::Man => Ok(ExitCode::SUCCESS),
                }
            })
        });
    match result {
        Ok(code) => code,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "command failed");
            eprintln!("blobx: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `completions` and `man`: generated from the argument definitions, no account needed.
fn print_generated(command: &Cmd) -> Option<ExitCode> {
    use clap::CommandFactory;
    let mut cmd = Args::command();
    let mut stdout = std::io::stdout();
    match command {
        Cmd::Completions { shell } => {
            clap_complete::generate(*shell, &mut cmd, "blobx", &mut stdout);
            Some(ExitCode::SUCCESS)
        }
        Cmd::Man => Some(match clap_mangen::Man::new(cmd).render(&mut stdout) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("blobx: cannot write the man page: {e}");
                ExitCode::from(1)
            }
        }),
        _ => None,
    }
}

fn cap_from_flag(mbps: f64) -> anyhow::Result<Option<u64>> {
    crate::transfer::throttle::parse_cap(&mbps.to_string()).map_err(|e| anyhow::anyhow!(e))
}

/// The TUI's tree node for an account found at start-up.
fn account_node(found: FoundAccount) -> AccountNode {
    match found.broken {
        Some(why) => AccountNode::broken(found.account, why),
        None => AccountNode {
            discovery: found.discovery,
            ..AccountNode::new(found.account)
        },
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let location = args
        .location
        .as_deref()
        .map(parse_location)
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let config_dir = paths::config_dir(args.config_dir);
    let config = Config::load(config_dir.as_deref());
    let _log = crate::logging::init();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "blobx starting");
    let store = config_dir.as_deref().map(AccountStore::new);
    let (found, account_warnings) =
        gather_accounts(&config, args.emulator.as_deref(), store.as_ref(), |k| {
            std::env::var(k).ok()
        })?;
    let (found, default, start) = {
        let mut found = found;
        crate::config::account_list::set_emulator_dfs(&mut found, args.dfs_endpoint.as_deref())?;
        // The location's own account wins over --account and the defaults.
        let named = match &location {
            Some((path, sas)) => account_for_location(&mut found, path, sas.as_deref())?,
            None => None,
        };
        let default = match named {
            Some(i) => Some(i),
            None => default_account(&found, args.account.as_deref())?,
        };
        (found, default, location.map(|(path, _)| path))
    };
    let nodes: Vec<AccountNode> = found.into_iter().map(account_node).collect();

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
        state.prices = config.settings.prices.clone();
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
        let mut terminal = crate::terminal::init(config.settings.mouse);
        let result = looper
            .run(
                &mut terminal,
                crossterm::event::EventStream::new,
                crate::terminal::shutdown_signal(),
            )
            .await;
        crate::terminal::restore();
        result.map(|_| ())
    });
    // Quitting must not wait on stragglers (a slow request, a blocking
    // write): unfinished transfers are in the journal.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    result
}
