//! Blob Inventory rules against a local Resource Manager stand-in serving the
//! documented `inventoryPolicies/default` shape: read (404 = none), a daily
//! CSV rule added with only the policy PUT, the other rules and unknown keys
//! written back as they came, nothing sent on bad input or a missing
//! destination container, and a save refused when someone changed the policy
//! since it was read. The command line refuses bad input before any request,
//! and (signed in through a stand-in `az` on PATH, the account found by
//! discovery) shows the rules and adds one with one PUT and one audit line.

mod support;

use blobx::azure::entra::Arm;
use blobx::azure::inventory_policy::{self as policy, Created};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use support::arm_docs::{self, Docs};
use support::arm_stub::{StubCredential, TOKEN};
use support::emulator::Emulator;
use support::{audit_count, run_blobx};

const ID: &str =
    "/subscriptions/sub-a/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";

fn documented_policy() -> Value {
    json!({"enabled": true, "type": "Inventory", "someFutureKey": {"x": 1}, "rules": [
        {"enabled": true, "name": "containersWeekly", "destination": "inv",
         "definition": {"format": "Parquet", "schedule": "Weekly", "objectType": "Container",
            "schemaFields": ["Name", "Last-Modified", "Metadata"], "unknownDefinitionKey": true}}
    ]})
}

fn docs(with_policy: bool, versioning: bool) -> Docs {
    let mut d = Docs::default();
    d.docs.insert(
        format!("{ID}/blobServices/default"),
        json!({"name": "default", "properties": {"isVersioningEnabled": versioning}}),
    );
    d.docs.insert(
        format!("{ID}/blobServices/default/containers/inv"),
        json!({"name": "inv", "properties": {"publicAccess": "None"}}),
    );
    if with_policy {
        d.docs.insert(
            format!("{ID}/inventoryPolicies/default"),
            json!({"id": format!("{ID}/inventoryPolicies/default"), "name": "DefaultInventoryPolicy",
                   "type": "Microsoft.Storage/storageAccounts/inventoryPolicies",
                   "properties": {"lastModifiedTime": "2024-01-01T00:00:00Z", "policy": documented_policy()}}),
        );
    }
    d
}

#[tokio::test]
async fn a_rule_is_added_with_one_put_keeping_the_rest() {
    let docs = Arc::new(Mutex::new(docs(true, true)));
    let base = arm_docs::serve(docs.clone()).await;
    let arm = Arm::new(&base, Arc::new(StubCredential(TOKEN))).unwrap();

    let loaded = policy::load(&arm, ID).await.unwrap();
    assert!(loaded.versioning);
    assert_eq!(loaded.policy, Some(documented_policy()));
    // A container report is no use for sizes: said.
    let why = policy::usable(loaded.policy.as_ref()).unwrap_err();
    assert!(why.contains("lists Containers, not blobs"), "{why}");

    let name = policy::free_name(loaded.policy.as_ref());
    let after = policy::with_rule(
        loaded.policy.as_ref(),
        policy::default_rule(&name, "inv", loaded.versioning),
    )
    .unwrap();
    let before = docs.lock().unwrap().requests;
    let outcome = policy::create(&arm, ID, loaded.policy.as_ref(), &after, &name)
        .await
        .unwrap();
    assert_eq!(outcome, Created::Saved);
    {
        let d = docs.lock().unwrap();
        // Reads (the container, the re-read) and exactly one write: the PUT.
        assert_eq!(d.writes.len(), 1, "{:?}", d.writes);
        let (method, at, body) = &d.writes[0];
        assert_eq!(method, "PUT");
        assert_eq!(at, &format!("{ID}/inventoryPolicies/default"));
        let sent = &body["properties"]["policy"];
        assert_eq!(sent["someFutureKey"], json!({"x": 1}));
        assert_eq!(sent["rules"][0], documented_policy()["rules"][0]);
        let rule = &sent["rules"][1];
        assert_eq!(rule["name"], "blobxsizes");
        assert_eq!(rule["destination"], "inv");
        assert_eq!(rule["definition"]["format"], "Csv");
        assert_eq!(rule["definition"]["schedule"], "Daily");
        assert_eq!(rule["definition"]["filters"]["includeBlobVersions"], true);
        let fields: Vec<&str> = rule["definition"]["schemaFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        for f in [
            "Name",
            "Content-Length",
            "AccessTier",
            "Snapshot",
            "IsCurrentVersion",
            "Deleted",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        assert!(d.requests > before);
    }
    // Read back: now a rule blobx can size from.
    let again = policy::load(&arm, ID).await.unwrap();
    let ok = policy::usable(again.policy.as_ref()).unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].name, "blobxsizes");
}

#[tokio::test]
async fn bad_input_a_missing_container_and_a_change_meanwhile_write_nothing() {
    let docs = Arc::new(Mutex::new(docs(false, false)));
    let base = arm_docs::serve(docs.clone()).await;
    let arm = Arm::new(&base, Arc::new(StubCredential(TOKEN))).unwrap();

    // 404: no policy, no rules.
    let loaded = policy::load(&arm, ID).await.unwrap();
    assert_eq!(loaded.policy, None);
    assert!(
        policy::usable(None)
            .unwrap_err()
            .contains("no inventory rules")
    );

    // Bad input: nothing sent at all.
    let sent = docs.lock().unwrap().requests;
    let mut bad = policy::default_rule("ok", "inv", false);
    bad["name"] = json!("no spaces");
    let after = json!({"rules": [bad]});
    assert!(
        policy::create(&arm, ID, None, &after, "no spaces")
            .await
            .is_err()
    );
    let mut bad = policy::default_rule("ok", "Bad_Container", false);
    let after = json!({"rules": [bad.take()]});
    assert!(policy::create(&arm, ID, None, &after, "ok").await.is_err());
    assert_eq!(docs.lock().unwrap().requests, sent, "nothing sent");

    // A destination container that does not exist: refused, nothing written.
    let after = policy::with_rule(None, policy::default_rule("r1", "nothere", false)).unwrap();
    let e = policy::create(&arm, ID, None, &after, "r1")
        .await
        .unwrap_err();
    assert!(e.contains("no container \"nothere\""), "{e}");
    assert!(docs.lock().unwrap().writes.is_empty());

    // Someone adds a policy after we read "none": our save writes nothing.
    let after = policy::with_rule(None, policy::default_rule("r1", "inv", false)).unwrap();
    docs.lock().unwrap().docs.insert(
        format!("{ID}/inventoryPolicies/default"),
        json!({"properties": {"policy": documented_policy()}}),
    );
    let outcome = policy::create(&arm, ID, None, &after, "r1").await.unwrap();
    assert_eq!(
        outcome,
        Created::Changed {
            current: Some(documented_policy())
        }
    );
    assert!(docs.lock().unwrap().writes.is_empty());
}

#[test]
fn the_command_line_refuses_bad_input_before_any_request() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let out = run_blobx(
        h,
        &[
            "inventory",
            "create",
            "emulator",
            "--dest",
            "Bad_Name",
            "--emulator",
            &emu.host,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--dest \"Bad_Name\""), "{said}");
    let out = run_blobx(
        h,
        &[
            "inventory",
            "create",
            "emulator",
            "--dest",
            "inv",
            "--name",
            "a b",
            "--emulator",
            &emu.host,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--name"));
    // The emulator has no Resource Manager: said in words.
    let out = run_blobx(
        h,
        &["inventory", "get", "emulator", "--emulator", &emu.host],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("inventory rules live in Azure Resource Manager"),
        "{said}"
    );
    // Read-only refuses a change before anything.
    let out = run_blobx(
        h,
        &[
            "inventory",
            "create",
            "emulator",
            "--dest",
            "inv",
            "--readonly",
            "--emulator",
            &emu.host,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_shows_the_rules_and_adds_one() {
    let mut d = docs(false, false);
    arm_docs::discoverable(&mut d, ID, "https://acct.blob.core.windows.net/");
    let docs = Arc::new(Mutex::new(d));
    let base = arm_docs::serve(docs.clone()).await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_path_buf();
    std::fs::create_dir_all(h.join("config")).unwrap();
    std::fs::write(
        h.join("config/config.toml"),
        format!("[entra]\narm_endpoint = \"{base}\"\n"),
    )
    .unwrap();
    let path = arm_docs::fake_az(&h);
    let run = move |args: &[&str]| {
        let h = h.clone();
        let path = path.clone();
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        async move {
            tokio::task::spawn_blocking(move || {
                std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
                    .args(&args)
                    .env("BLOBX_CONFIG_DIR", h.join("config"))
                    .env("BLOBX_LOG_DIR", h.join("logs"))
                    .env("BLOBX_DATA_DIR", h.join("data"))
                    .env("PATH", path)
                    .env_remove("AZURE_CLIENT_SECRET")
                    .env_remove("IDENTITY_ENDPOINT")
                    .env_remove("MSI_ENDPOINT")
                    .output()
                    .unwrap()
            })
            .await
            .unwrap()
        }
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();

    // No policy: said, with the way to add one.
    let out = run(&["inventory", "get", "acct"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("no inventory rules"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("blobx inventory create acct --dest"));

    // Added: one PUT, one audit line.
    let out = run(&["inventory", "create", "acct", "--dest", "inv"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("saved inventory rule blobxsizes"));
    {
        let d = docs.lock().unwrap();
        assert_eq!(d.writes.len(), 1, "{:?}", d.writes);
        assert_eq!(d.writes[0].0, "PUT");
    }
    assert_eq!(audit_count(home.path(), "set inventory policy"), 1);
    let out = run(&["inventory", "get", "acct"]).await;
    assert!(
        text(&out.stdout).contains("blobxsizes: daily Csv of blobs → az://inv/"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&["inventory", "get", "acct", "--json"]).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["rules"][0]["definition"]["schemaFields"][1],
        "Content-Length"
    );

    // `lifecycle get` finds a discovered-only account too (its ACCOUNT
    // argument no longer taken for the global --account).
    let out = run(&["lifecycle", "get", "acct"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("\"rules\": []"),
        "{}",
        text(&out.stdout)
    );

    // A container that does not exist: exit 1, said, nothing written.
    let out = run(&[
        "inventory",
        "create",
        "acct",
        "--dest",
        "nothere",
        "--name",
        "second",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no container \"nothere\""),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(docs.lock().unwrap().writes.len(), 1);
    assert_eq!(audit_count(home.path(), "set inventory policy"), 1);
}
