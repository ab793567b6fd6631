//! Lifecycle management (Resource Manager `managementPolicies/default`):
//! the policy read and saved like the other settings (re-read first, refused
//! when someone changed it since, one audit line), checked against the
//! service's limits, and evaluated over a listing of the account: what the
//! rules would do today, per rule and action, before anything is saved.

pub mod check;
pub mod eval;
pub mod line;
pub mod model;

pub use check::problems;
pub use eval::{DryRun, Evaluator, Hit, evaluate};
pub use model::{Policy, Rule, Target, Verb};

use super::StorageClient;
use super::entra::Arm;
use super::walk::{Walk, WalkOptions};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

fn path(account_id: &str) -> String {
    format!("{account_id}/managementPolicies/default")
}

/// Reads a policy from JSON: the bare policy (`{"rules": […]}`), or the
/// resource as Resource Manager returns it (`{"properties": {"policy": …}}`).
pub fn parse(text: &str) -> Result<Policy, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    from_value(&v)
}

fn from_value(v: &Value) -> Result<Policy, String> {
    let policy = v
        .get("properties")
        .and_then(|p| p.get("policy"))
        .unwrap_or(v);
    if policy.get("rules").is_none() {
        return Err("no \"rules\": expected {\"rules\": [...]} as the policy".into());
    }
    serde_json::from_value(policy.clone()).map_err(|e| format!("not a lifecycle policy: {e}"))
}

/// Pretty JSON of a policy, the shape `parse` reads.
pub fn to_json(policy: &Policy) -> String {
    serde_json::to_string_pretty(policy).unwrap_or_else(|_| "{}".into())
}

/// The account's policy; an account without one has no rules.
pub async fn get(arm: &Arm, account_id: &str) -> Result<Policy, String> {
    match arm
        .storage_json_opt(reqwest::Method::GET, &path(account_id), None, true)
        .await?
    {
        None => Ok(Policy::default()),
        Some(v) => from_value(&v),
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Saved {
    Saved { previous: Policy },
    Unchanged,
    Changed { current: Policy },
}

/// Writes `after` if the service still has `expected` (re-read first;
/// nothing written otherwise). No rules deletes the policy (the service
/// needs at least one rule). One audit line.
pub async fn save(
    arm: &Arm,
    account_id: &str,
    after: &Policy,
    expected: &Policy,
) -> Result<Saved, String> {
    let problems = problems(after);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let current = get(arm, account_id).await?;
    if current != *expected {
        return Ok(Saved::Changed { current });
    }
    if current == *after {
        return Ok(Saved::Unchanged);
    }
    if after.rules.is_empty() {
        arm.storage_json_opt(reqwest::Method::DELETE, &path(account_id), None, true)
            .await?;
    } else {
        let body = json!({"properties": {"policy": after}});
        arm.storage_json(reqwest::Method::PUT, &path(account_id), Some(&body))
            .await?;
    }
    let name = account_id.rsplit('/').next().unwrap_or(account_id);
    let names: Vec<&str> = after.rules.iter().map(|r| r.name.as_str()).collect();
    crate::audit::audit(
        "set lifecycle policy",
        &format!(
            "{name}: {} rule(s){}{}",
            names.len(),
            if names.is_empty() { "" } else { ": " },
            names.join(", ")
        ),
    );
    Ok(Saved::Saved { previous: current })
}

/// Lists every container of the account with the parallel walker
/// (snapshots, versions and index tags included) and evaluates `policy`
/// at `now` (unix seconds). `progress` hears the blobs scanned so far.
pub async fn dry_run(
    client: &StorageClient,
    policy: &Policy,
    now: i64,
    cancel: CancellationToken,
    mut progress: impl FnMut(u64),
) -> Result<DryRun, String> {
    let containers = client
        .container_names()
        .await
        .map_err(|e| super::error::describe_error(&e, client.account()))?;
    let mut e = Evaluator::new(policy, now);
    let mut scanned = 0u64;
    for container in containers {
        if container.starts_with('$') {
            continue;
        }
        let mut walk = Walk::start(
            client.clone(),
            &container,
            "",
            WalkOptions {
                lifecycle: true,
                ..WalkOptions::default()
            },
            cancel.child_token(),
        );
        while let Some(page) = walk.next().await {
            for blob in page? {
                e.add(&container, &blob);
                scanned += 1;
            }
            progress(scanned);
        }
        if cancel.is_cancelled() {
            return Err("cancelled".into());
        }
    }
    Ok(e.finish())
}

/// The dry run in words: per rule and action, the count and bytes, then the
/// names (at most `names` per action). Names are as the service has them: a
/// terminal shows them through `ui::format::escape`.
pub fn report(run: &DryRun, names: usize) -> Vec<String> {
    let mut out = Vec::new();
    let size = |b: u64| humansize::format_size(b, humansize::BINARY);
    for h in &run.hits {
        out.push(format!(
            "{}: {} {} → {} blob{} ({})",
            h.rule,
            h.target.map(Target::key).unwrap_or(""),
            h.action.map(Verb::key).unwrap_or(""),
            h.count,
            if h.count == 1 { "" } else { "s" },
            size(h.bytes)
        ));
        for b in h.blobs.iter().take(names) {
            out.push(format!("    {b}"));
        }
        let shown = h.blobs.len().min(names) as u64;
        if h.count > shown && names > 0 {
            out.push(format!("    … and {} more", h.count - shown));
        }
    }
    for d in &run.disabled {
        out.push(format!("{d}: turned off, does nothing"));
    }
    let (count, bytes) = run.total();
    out.push(format!(
        "In all: {count} of {} blobs, snapshots and versions ({} of {}) would be moved or deleted.",
        run.scanned,
        size(bytes),
        size(run.scanned_bytes)
    ));
    if run.without_access_time > 0 {
        out.push(format!(
            "{} blob(s) have no last access time (tracking off): counted from their modification; the service counts from when the policy took effect.",
            run.without_access_time
        ));
    }
    out
}
