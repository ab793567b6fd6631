//! `blobx cors`: TODO(issue) — scaffold only; the subcommand reports that it is not available yet.

use super::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Arguments (not available yet).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub rest: Vec<String>,
}

pub async fn run(_args: Args, _ctx: &Context) -> anyhow::Result<std::process::ExitCode> {
    anyhow::bail!("`blobx cors` is not available yet")
}
