//! `blobx sas az://container[/blob-or-folder/]`: prints a SAS URL on stdout,
//! signed with the account key (optionally bound to a stored access policy),
//! or as a user-delegation SAS for an account signed in with Entra ID.
//! Notes go to stderr; neither stderr nor the log ever carries the signature.

use super::Context;
use crate::azure::StorageClient;
use crate::azure::access::{get_access, parse_time_input};
use crate::azure::connection::{format_time, now_unix};
use crate::azure::sas::{
    FOLDER_SAS_NOTE, SasRequest, SasTarget, check_https_only, parse_duration, resolve_sas_options,
    sas_url,
};
use crate::azure::uri::parse_az_uri;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// az://container, az://container/blob, or az://container/folder/ (az://container@ACCOUNT/… for another account).
    pub target: String,
    /// Permission letters from r (read), a (add), c (create), w (write), d (delete), l (list).
    /// Default: rl for a container or folder, r for a blob; none with --policy.
    #[arg(short, long, value_name = "LETTERS")]
    pub permissions: Option<String>,
    /// How long it stays valid: 30m, 1h, 7d, 1h30m… (default 1h, or the policy's expiry).
    #[arg(short, long, value_name = "DURATION")]
    pub expires: Option<String>,
    /// When it becomes valid, e.g. 2026-12-01T10:00 (UTC); default: at once.
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// Bind it to this stored access policy of the container (revocable by deleting the policy).
    #[arg(long, value_name = "ID")]
    pub policy: Option<String>,
    /// Refuse plain HTTP requests made with it.
    #[arg(long)]
    pub https_only: bool,
    /// Only requests from this IPv4 address or range (a.b.c.d or a.b.c.d-e.f.g.h).
    #[arg(long, value_name = "IP[-IP]")]
    pub ip: Option<String>,
}

enum Kind {
    Container,
    Blob(String),
    Folder(String),
}

/// A name without a trailing `/` is a blob unless no blob has it and a folder does.
async fn kind_of(client: &StorageClient, container: &str, path: &str) -> Kind {
    if path.is_empty() {
        return Kind::Container;
    }
    if path.ends_with('/') {
        return Kind::Folder(path.to_string());
    }
    if let Ok(None) = client.blob_exists(container, path).await {
        let folder = format!("{path}/");
        if let Ok(page) = client
            .list_blobs_page(container, &folder, None, None, 1)
            .await
            && !page.entries.is_empty()
        {
            return Kind::Folder(folder);
        }
    }
    Kind::Blob(path.to_string())
}

pub async fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    let path = parse_az_uri(&args.target).map_err(|e| anyhow::anyhow!(e))?;
    let account = ctx.account(path.account.as_deref())?;
    crate::azure::user_delegation::can_sign(account).map_err(|e| anyhow::anyhow!(e))?;
    check_https_only(&account.blob_endpoint, args.https_only)
        .map_err(|e| anyhow::anyhow!("--https-only: {e}"))?;
    let client = StorageClient::new(account.clone())?;
    let now = now_unix();
    let container = path.container.clone();
    // Flags are read before any request, so a typo costs nothing.
    let request = SasRequest {
        permissions: args.permissions.clone(),
        expires_in: args
            .expires
            .as_deref()
            .map(parse_duration)
            .transpose()
            .map_err(|e| anyhow::anyhow!(e))?,
        start: args
            .start
            .as_deref()
            .map(|s| parse_time_input(s).map(|t| t.unix_timestamp()))
            .transpose()
            .map_err(|e| anyhow::anyhow!(e))?,
        policy: args.policy.clone(),
        ip_range: args.ip.clone(),
        https_only: args.https_only,
    };
    let kind = kind_of(&client, &container, &path.prefix).await;
    let (target, url) = match &kind {
        Kind::Container | Kind::Folder(_) => (
            SasTarget::Container(container.clone()),
            client.container_url(&container),
        ),
        Kind::Blob(blob) => (
            SasTarget::Blob {
                container: container.clone(),
                blob: blob.clone(),
            },
            client.blob_url(&container, blob),
        ),
    };
    // A policy-bound SAS is checked against the policy as the service has it.
    let policies = match &args.policy {
        Some(_) => {
            get_access(&client, &container)
                .await
                .map_err(|e| anyhow::anyhow!(e.describe(account)))?
                .policies
        }
        None => Vec::new(),
    };
    let policy = args
        .policy
        .as_ref()
        .and_then(|id| policies.iter().find(|p| &p.id == id));
    if let (Some(id), None) = (&args.policy, policy) {
        let ids: Vec<&str> = policies.iter().map(|p| p.id.as_str()).collect();
        anyhow::bail!(
            "{container} has no stored access policy called {id:?} (it has: {})",
            if ids.is_empty() {
                "none".to_string()
            } else {
                ids.join(", ")
            }
        );
    }
    let opts =
        resolve_sas_options(&request, &target, policy, now).map_err(|e| anyhow::anyhow!(e))?;
    let expiry = opts.expiry;
    let token = crate::azure::user_delegation::sign_for(account, &target, &opts, now)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let signed = sas_url(&url, &token);
    println!("{}", signed.expose());

    if let Kind::Folder(prefix) = &kind {
        eprintln!("blobx: note: {prefix} is a virtual folder. {FOLDER_SAS_NOTE}");
    }
    let what = match &kind {
        Kind::Container => format!("container {container}"),
        Kind::Folder(p) => format!("container {container} (for folder {p})"),
        Kind::Blob(b) => format!("blob {container}/{b}"),
    };
    let until = expiry.map_or_else(|| "the policy's expiry".to_string(), format_time);
    eprintln!(
        "blobx: SAS for {what}, permissions {}, valid until {until}{}",
        if opts.permissions.is_empty() {
            "from the policy"
        } else {
            opts.permissions.as_str()
        },
        opts.policy
            .as_deref()
            .map(|p| format!(", bound to policy {p:?}"))
            .unwrap_or_default()
    );
    tracing::info!(
        account = %account.label,
        container = %container,
        permissions = %opts.permissions,
        expiry = ?expiry,
        policy = ?opts.policy,
        https_only = opts.https_only,
        "signed a SAS"
    );
    Ok(ExitCode::SUCCESS)
}
