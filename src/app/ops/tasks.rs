//! The requests, run in a task with the account's client.

use super::*;
use crate::audit::audit;
use crate::azure::ops::{self, Handoff};

/// A data lake account whose Data Lake endpoint blobx knows: one-call
/// renames, deletes and directories go there.
async fn lake(client: &crate::azure::StorageClient) -> bool {
    client.hierarchical().await && client.account().dfs_base().is_some()
}

/// Runs a request against the account's client (in a task).
pub async fn execute(
    client: &crate::azure::StorageClient,
    request: OpRequest,
) -> Result<OpOutcome, String> {
    let account = client.account();
    let e = |err: ops::OpError| err.describe(account);
    Ok(match request {
        OpRequest::Preview { container, blob } => OpOutcome::Preview {
            preview: crate::azure::preview_fetch::preview(client, &container, &blob)
                .await
                .map_err(e)?,
            blob,
        },
        OpRequest::CreateContainer { name } => {
            ops::create_container(client, &name).await.map_err(e)?;
            audit("create container", &name);
            OpOutcome::Changed(format!("Created container {name}."))
        }
        OpRequest::DeleteContainer { name, typed } => {
            ops::delete_container(client, &name, &typed)
                .await
                .map_err(e)?;
            audit("delete container", &name);
            OpOutcome::Changed(format!("Deleted container {name}."))
        }
        OpRequest::PlanDelete { container, targets } => OpOutcome::DeletePlan(
            ops::plan_delete(client, &container, &targets)
                .await
                .map_err(e)?,
        ),
        OpRequest::Delete { plan } => {
            let report = if lake(client).await {
                crate::azure::datalake::dfs::delete_planned(client, &plan).await
            } else {
                ops::delete_planned(client, &plan, true).await
            };
            audit(
                "delete blobs",
                &format!("{} ({} blobs)", plan.container, plan.blobs.len()),
            );
            OpOutcome::Changed(report.summary("Deleted"))
        }
        OpRequest::Rename {
            container,
            from,
            to,
        } if lake(client).await => {
            crate::azure::datalake::dfs::rename(client, &container, &from, &to)
                .await
                .map_err(e)?;
            OpOutcome::Changed(format!(
                "Renamed {from} to {to} (one call on the data lake)."
            ))
        }
        OpRequest::GetAccess {
            container,
            path,
            folder,
        } => OpOutcome::Access {
            access: crate::azure::datalake::dfs::get_access_control(client, &container, &path)
                .await
                .map_err(e)?,
            container,
            path,
            folder,
        },
        OpRequest::SetAcl {
            container,
            path,
            acl,
            recursive,
        } => {
            use crate::azure::datalake::{acl as parse_acl, dfs};
            let acl = parse_acl::parse(&acl, parse_acl::Use::Set)?;
            if recursive {
                // The same change asked again resumes an unfinished run (as
                // `blobx acl set -r` does).
                let run = crate::transfer::acl_runs::AclRun::new(
                    client,
                    &container,
                    &path,
                    dfs::Mode::Set,
                    &acl,
                );
                let resumed = if run.resumes() {
                    " (resumed where the last run stopped)"
                } else {
                    ""
                };
                match run.run(|_| {}).await {
                    Ok(p) => OpOutcome::Changed(format!(
                        "ACL set on {} directories and {} files below {path}{resumed}{}.",
                        p.directories,
                        p.files,
                        match p.failed.first() {
                            Some((n, why)) => format!("; {} failed ({n}: {why})", p.failures),
                            None => String::new(),
                        }
                    )),
                    Err((p, err)) => {
                        return Err(format!(
                            "Stopped after {} directories and {} files: {}. Set the same ACL again to go on from there.",
                            p.directories,
                            p.files,
                            err.describe(account)
                        ));
                    }
                }
            } else {
                dfs::set_access_control(client, &container, &path, &acl)
                    .await
                    .map_err(e)?;
                OpOutcome::Changed(format!("ACL of {path} set."))
            }
        }
        OpRequest::CreateDirectory { container, path } => {
            crate::azure::datalake::dfs::create_directory(client, &container, &path)
                .await
                .map_err(e)?;
            OpOutcome::Changed(format!("Created directory {path}."))
        }
        OpRequest::Rename {
            container,
            from,
            to,
        } => {
            let spec = ops::MoveSpec {
                src_container: container.clone(),
                src: from.clone(),
                dst_container: container.clone(),
                dst: to.clone(),
                overwrite: false,
            };
            ops::rename_blob(client, &spec).await.map_err(e)?;
            audit("rename", &format!("{container}/{from} -> {to}"));
            OpOutcome::Changed(format!(
                "Renamed {from} to {to} (copied, verified, then the old one deleted)."
            ))
        }
        OpRequest::SetTier {
            container,
            blob,
            tier,
        } => {
            let change = ops::set_tier(client, &container, &blob, tier, None)
                .await
                .map_err(e)?;
            audit(
                "set tier",
                &format!("{container}/{blob} -> {}", tier.as_str()),
            );
            OpOutcome::Changed(match change {
                ops::TierChange::Done => format!("{blob} is now {}.", tier.as_str()),
                ops::TierChange::Rehydrating => {
                    format!(
                        "{blob} is being rehydrated to {}; that can take hours.",
                        tier.as_str()
                    )
                }
            })
        }
        OpRequest::GetPublicAccess { container } => {
            let result = crate::azure::access::get_access(client, &container)
                .await
                .map(|a| a.public_access)
                .map_err(e);
            OpOutcome::PublicAccess { container, result }
        }
        OpRequest::SetPublicAccess { container, level } => {
            crate::azure::access::set_public_access(client, &container, level, None)
                .await
                .map_err(e)?;
            audit(
                "set public access",
                &format!("{container} -> {}", level.as_str()),
            );
            let warning = level.warning().map(|w| format!(" {w}")).unwrap_or_default();
            OpOutcome::Changed(format!(
                "{container}: public access is {}.{warning}",
                level.as_str()
            ))
        }
        OpRequest::Sas {
            container,
            path,
            request,
        } => {
            crate::azure::user_delegation::can_sign(account)?;
            let now = crate::azure::connection::now_unix();
            let (target, note, url_path) = match &path {
                Some(p) if !p.ends_with('/') => (
                    crate::azure::sas::SasTarget::Blob {
                        container: container.clone(),
                        blob: p.clone(),
                    },
                    None,
                    p.clone(),
                ),
                Some(p) => (
                    crate::azure::sas::SasTarget::Container(container.clone()),
                    Some(crate::azure::sas::FOLDER_SAS_NOTE.to_string()),
                    p.clone(),
                ),
                None => (
                    crate::azure::sas::SasTarget::Container(container.clone()),
                    None,
                    String::new(),
                ),
            };
            // A policy-bound SAS is checked against the policy as the service has it.
            let policy = match &request.policy {
                Some(id) => crate::azure::access::get_access(client, &container)
                    .await
                    .map_err(e)?
                    .policies
                    .into_iter()
                    .find(|p| &p.id == id),
                None => None,
            };
            let options =
                crate::azure::sas::resolve_sas_options(&request, &target, policy.as_ref(), now)?;
            let token =
                crate::azure::user_delegation::sign_for(account, &target, &options, now).await?;
            let resource = url::Url::parse(&ops::resource_url(account, &container, &url_path))
                .map_err(|err| err.to_string())?;
            OpOutcome::Sas {
                url: crate::azure::sas::sas_url(&resource, &token),
                note,
            }
        }
        OpRequest::SetMetadata {
            container,
            blob,
            pairs,
        } => {
            ops::set_metadata(client, &container, &blob, &pairs, None)
                .await
                .map_err(e)?;
            audit("set metadata", &format!("{container}/{blob}"));
            OpOutcome::Changed(format!("Saved {} metadata entries on {blob}.", pairs.len()))
        }
        OpRequest::SetHeaders {
            container,
            blob,
            edit,
        } => {
            ops::set_content_headers(client, &container, &blob, &edit, None)
                .await
                .map_err(e)?;
            audit("set headers", &format!("{container}/{blob}"));
            OpOutcome::Changed(format!("Saved the headers of {blob}."))
        }
        OpRequest::SetTierMany {
            container,
            blobs,
            tier,
        } => {
            let report = crate::azure::batch::set_tier_many(client, &container, &blobs, tier).await;
            audit(
                "set tier",
                &format!("{container} ({} blobs) -> {}", report.done, tier.as_str()),
            );
            OpOutcome::Changed(report.summary(&format!("set to {}", tier.as_str())))
        }
        OpRequest::SetTags {
            container,
            blob,
            tags,
        } => {
            crate::azure::tags::set_tags(client, &container, &blob, &tags)
                .await
                .map_err(e)?;
            audit(
                "set tags",
                &format!("{container}/{blob} ({} tags)", tags.len()),
            );
            OpOutcome::Changed(format!("Saved {} index tags on {blob}.", tags.len()))
        }
        OpRequest::BreakLease { container, blob } => {
            ops::break_blob_lease(client, &container, &blob)
                .await
                .map_err(e)?;
            audit("break lease", &format!("{container}/{blob}"));
            OpOutcome::Changed(format!("Broke the lease on {blob}."))
        }
    })
}

/// The handoff popup's lines.
pub fn handoff_lines(h: &Handoff) -> Vec<String> {
    let mut lines = vec!["URLs (copied to the clipboard):".to_string()];
    lines.extend(h.urls.iter().map(|u| format!("  {u}")));
    lines.push("az:// URIs:".into());
    lines.extend(h.az_uris.iter().map(|u| format!("  {u}")));
    lines.push("azcopy:".into());
    lines.extend(h.azcopy.iter().map(|u| format!("  {u}")));
    lines.push("az storage:".into());
    lines.extend(h.az_cli.iter().map(|u| format!("  {u}")));
    if !h.note.is_empty() {
        lines.push(h.note.clone());
    }
    lines
}
