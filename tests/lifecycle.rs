//! Lifecycle management: the policy against a local Resource Manager
//! stand-in (the documented `managementPolicies/default` shape: read, saved
//! whole with unknown keys kept, refused when someone changed it since,
//! removed when no rule is left), and the dry run against Azurite with blobs
//! whose ages, tiers, index tags and snapshots make each rule fire or not.
//! Azurite cannot backdate Last-Modified, so the rules are evaluated at an
//! injected "now" some days ahead; the counts are checked against an
//! independent computation over the same blobs.

mod support;

use blobx::azure::entra::Arm;
use blobx::azure::history::take_snapshot;
use blobx::azure::lifecycle::{self, Policy, Saved};
use blobx::azure::ops::{AccessTier, set_tier};
use blobx::azure::tags::set_tags;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use support::arm_docs::{self, Docs};
use support::arm_stub::{StubCredential, TOKEN};
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::{run_blobx, unique};
use tokio_util::sync::CancellationToken;

const ID: &str =
    "/subscriptions/sub-a/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";
const DAY: i64 = 86_400;

fn policy(v: Value) -> Policy {
    serde_json::from_value(v).unwrap()
}

#[tokio::test]
async fn the_policy_round_trips_through_resource_manager() {
    let docs = Arc::new(Mutex::new(Docs::default()));
    let base = arm_docs::serve(docs.clone()).await;
    let arm = Arm::new(&base, Arc::new(StubCredential(TOKEN))).unwrap();
    let path = format!("{ID}/managementPolicies/default");

    // No policy yet: no rules.
    let none = lifecycle::get(&arm, ID).await.unwrap();
    assert!(none.rules.is_empty());

    // A rule with a key this code does not know: written and kept.
    let first = policy(json!({"rules": [{
        "name": "cool30", "enabled": true, "type": "Lifecycle",
        "definition": {
            "filters": {"blobTypes": ["blockBlob"], "prefixMatch": ["logs/"]},
            "actions": {"baseBlob": {
                "tierToCool": {"daysAfterModificationGreaterThan": 30},
                "tierToArchive": {"daysAfterModificationGreaterThan": 90, "daysAfterLastTierChangeGreaterThan": 7},
                "enableAutoTierToHotFromCool": true}}}}]}));
    // tierToArchive has two keys but one is not a day condition this code
    // counts; the service takes it.
    assert_eq!(lifecycle::problems(&first), Vec::<String>::new());
    assert!(matches!(
        lifecycle::save(&arm, ID, &first, &none).await.unwrap(),
        Saved::Saved { .. }
    ));
    {
        let d = docs.lock().unwrap();
        let (method, at, body) = d.writes.last().unwrap();
        assert_eq!((method.as_str(), at.as_str()), ("PUT", path.as_str()));
        let sent = &body["properties"]["policy"]["rules"][0]["definition"]["actions"]["baseBlob"];
        assert_eq!(sent["enableAutoTierToHotFromCool"], true);
        assert_eq!(
            sent["tierToArchive"]["daysAfterLastTierChangeGreaterThan"],
            7
        );
    }
    assert_eq!(lifecycle::get(&arm, ID).await.unwrap(), first);

    // Someone changes it after we read it: our save writes nothing.
    let mut theirs = first.clone();
    theirs.rules[0].enabled = Some(false);
    docs.lock().unwrap().docs.insert(
        path.clone(),
        json!({"id": path, "name": "default", "properties": {"policy": theirs}}),
    );
    let writes = docs.lock().unwrap().writes.len();
    let mut ours = first.clone();
    ours.rules[0].name = "renamed".into();
    let outcome = lifecycle::save(&arm, ID, &ours, &first).await.unwrap();
    assert_eq!(
        outcome,
        Saved::Changed {
            current: theirs.clone()
        }
    );
    assert_eq!(docs.lock().unwrap().writes.len(), writes);

    // Refused before any request: over the service's limits.
    let mut bad = theirs.clone();
    bad.rules[0].definition.filters.prefix_match = (0..11).map(|i| format!("c/{i}")).collect();
    let err = lifecycle::save(&arm, ID, &bad, &theirs).await.unwrap_err();
    assert!(err.contains("at most 10 prefixes"), "{err}");
    assert_eq!(docs.lock().unwrap().writes.len(), writes);

    // No rules left: the policy is removed (the service needs one rule).
    assert!(matches!(
        lifecycle::save(&arm, ID, &Policy::default(), &theirs)
            .await
            .unwrap(),
        Saved::Saved { .. }
    ));
    assert_eq!(docs.lock().unwrap().writes.last().unwrap().0, "DELETE");
    assert!(lifecycle::get(&arm, ID).await.unwrap().rules.is_empty());
}

/// The rules of the dry run.
fn rules(container: &str) -> Value {
    json!({"rules": [
        {"name": "coolLogs", "type": "Lifecycle", "definition": {
            "filters": {"blobTypes": ["blockBlob"], "prefixMatch": [format!("{container}/logs/")]},
            "actions": {"baseBlob": {
                "tierToCool": {"daysAfterModificationGreaterThan": 30},
                "delete": {"daysAfterModificationGreaterThan": 90}}}}},
        {"name": "expireTagged", "type": "Lifecycle", "definition": {
            "filters": {"blobTypes": ["blockBlob"],
                        "blobIndexMatch": [{"name": "retention", "op": "==", "value": "short"}]},
            "actions": {"baseBlob": {"delete": {"daysAfterCreationGreaterThan": 20}}}}},
        {"name": "oldSnapshots", "type": "Lifecycle", "definition": {
            "filters": {"blobTypes": ["blockBlob"], "prefixMatch": [format!("{container}/data/")]},
            "actions": {"snapshot": {"delete": {"daysAfterCreationGreaterThan": 30}}}}},
        {"name": "neverYet", "type": "Lifecycle", "definition": {
            "filters": {"blobTypes": ["blockBlob"]},
            "actions": {"baseBlob": {"tierToArchive": {"daysAfterModificationGreaterThan": 365}}}}}
    ]})
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dry_run_says_what_each_rule_would_do() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("lifecycle");
    let names = [
        "logs/a.log",     // cool at +40 days, delete at +100
        "logs/b.log",     // already Cool: not cooled again, deleted at +100
        "logs/c.log",     // tagged short: deleted by expireTagged at +40
        "data/x.bin",     // has a snapshot: the snapshot goes at +40
        "data/y.bin",     // no rule at +40
        "other/logs.log", // the prefix is from the container: no rule
    ];
    fill(
        &c,
        &container,
        names
            .iter()
            .map(|n| BlobSpec::new(*n, vec![b'x'; 1000 + n.len()]))
            .collect(),
    )
    .await
    .unwrap();
    set_tier(&c, &container, "logs/b.log", AccessTier::Cool, None)
        .await
        .unwrap();
    set_tags(
        &c,
        &container,
        "logs/c.log",
        &[("retention".into(), "short".into())],
    )
    .await
    .unwrap();
    set_tags(
        &c,
        &container,
        "data/y.bin",
        &[("retention".into(), "long".into())],
    )
    .await
    .unwrap();
    take_snapshot(&c, &container, "data/x.bin").await.unwrap();

    let p = lifecycle::parse(&rules(&container).to_string()).unwrap();
    assert_eq!(lifecycle::problems(&p), Vec::<String>::new());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let run_at = |days: i64| {
        let c = c.clone();
        let p = p.clone();
        async move {
            lifecycle::dry_run(&c, &p, now + days * DAY, CancellationToken::new(), |_| {})
                .await
                .unwrap()
        }
    };
    let mine = |run: &lifecycle::DryRun| -> Vec<(String, String, String, Vec<String>)> {
        run.hits
            .iter()
            .map(|h| {
                let mut blobs: Vec<String> = h
                    .blobs
                    .iter()
                    .filter_map(|b| b.strip_prefix(&format!("{container}/")))
                    .map(|b| b.split('?').next().unwrap_or(b).to_string())
                    .collect();
                blobs.sort();
                (
                    h.rule.clone(),
                    h.target.map(|t| t.key().to_string()).unwrap_or_default(),
                    h.action.map(|a| a.key().to_string()).unwrap_or_default(),
                    blobs,
                )
            })
            .collect()
    };
    let row = |r: &str, t: &str, a: &str, b: &[&str]| {
        (
            r.to_string(),
            t.to_string(),
            a.to_string(),
            b.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };

    // Today nothing is old enough.
    let today = run_at(0).await;
    assert_eq!(today.total().0, 0, "{today:?}");

    // In 40 days: each rule as an independent reading of the blobs says.
    let later = run_at(40).await;
    assert_eq!(
        mine(&later),
        [
            row("coolLogs", "baseBlob", "tierToCool", &["logs/a.log"]),
            row("coolLogs", "baseBlob", "delete", &[]),
            row("expireTagged", "baseBlob", "delete", &["logs/c.log"]),
            row("oldSnapshots", "snapshot", "delete", &["data/x.bin"]),
            row("neverYet", "baseBlob", "tierToArchive", &[]),
        ]
    );
    let size = |n: &str| 1000 + n.len() as u64;
    assert_eq!(later.hits[0].bytes, size("logs/a.log"));
    assert!(later.hits[3].blobs[0].contains("?snapshot="));

    // In 100 days: the logs are deleted (the cheapest action wins over
    // cooling); c.log, deleted by two rules, counts once, for the first.
    let much_later = run_at(100).await;
    assert_eq!(
        mine(&much_later)[..3],
        [
            row("coolLogs", "baseBlob", "tierToCool", &[]),
            row(
                "coolLogs",
                "baseBlob",
                "delete",
                &["logs/a.log", "logs/b.log", "logs/c.log"]
            ),
            row("expireTagged", "baseBlob", "delete", &[]),
        ]
    );

    // Headless: the same dry run through the binary, text and JSON.
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let file = h.join("rules.json");
    std::fs::write(&file, rules(&container).to_string()).unwrap();
    let as_of = time::OffsetDateTime::from_unix_timestamp(now + 40 * DAY)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let f = file.to_str().unwrap();
    let args = [
        "lifecycle",
        "set",
        "emulator",
        f,
        "--dry-run",
        "--as-of",
        &as_of,
    ];
    let out = run_blobx(
        h,
        &[&args[..], &["--emulator", &emu.host, "--json"]].concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let counts: Vec<u64> = got["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["count"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = later.hits.iter().map(|h| h.count).collect();
    assert_eq!(counts, expected);
    let out = run_blobx(h, &[&args[..], &["--emulator", &emu.host]].concat());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("coolLogs: baseBlob tierToCool → 1 blob")
            && text.contains(&format!("{container}/logs/a.log")),
        "{text}"
    );

    // A save needs Resource Manager: the emulator has none (exit 2, said).
    let out = run_blobx(
        h,
        &["lifecycle", "set", "emulator", f, "--emulator", &emu.host],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Resource Manager"), "{said}");

    // A file over the limits: refused before any request (exit 2, named).
    let mut bad = rules(&container);
    bad["rules"][0]["definition"]["actions"]["baseBlob"]["delete"] =
        json!({"daysAfterModificationGreaterThan": 100000});
    std::fs::write(&file, bad.to_string()).unwrap();
    let out = run_blobx(h, &[&args[..], &["--emulator", &emu.host]].concat());
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("100000 days is outside 0–99999"), "{said}");
}
