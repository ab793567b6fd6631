//! `I` in the real binary on an account found through Entra ID (signed in
//! through a stand-in `az`, Resource Manager a local stand-in recording what
//! it receives): the account has no inventory rule, so `I` says so and asks
//! for a container; a bad name is said as typed; the rule is shown for
//! review; `y` saves it with one PUT (the account's other keys kept) and
//! one audit line.

mod support;

use serde_json::json;
use std::sync::{Arc, Mutex};
use support::arm_docs::{self, Docs};
use support::emulator::Emulator;
use support::pty::Tui;

const ID: &str =
    "/subscriptions/sub-a/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";

#[tokio::test(flavor = "multi_thread")]
async fn i_offers_a_rule_reviews_it_and_saves_it() {
    let emu = Emulator::shared();
    let mut d = Docs::default();
    // Nothing listens on port 1: the account's own listing fails at once.
    arm_docs::discoverable(&mut d, ID, "https://127.0.0.1:1/");
    d.docs.insert(
        format!("{ID}/blobServices/default"),
        json!({"properties": {"isVersioningEnabled": false}}),
    );
    d.docs.insert(
        format!("{ID}/blobServices/default/containers/inv"),
        json!({"name": "inv"}),
    );
    let docs = Arc::new(Mutex::new(d));
    let base = arm_docs::serve(docs.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = arm_docs::fake_az(dir.path());
    let mut tui = Tui::spawn(
        &["--emulator", &emu.host],
        &[("PATH", &path), ("BLOBX_ARM_ENDPOINT", &base)],
        dir.path(),
        120,
        30,
    );
    tui.wait_text("devstoreaccount1");
    // To the accounts, the Entra ID node, discovery.
    tui.send("h");
    tui.wait_text("Microsoft Entra ID");
    tui.send("j");
    tui.send("\r");
    tui.wait_text("Found 1 storage accounts");
    tui.send("j");
    tui.send("\r");
    tui.wait_text("acct");

    tui.send("I");
    let screen = tui.wait_text("Add a daily inventory rule");
    assert!(
        screen.contains("the account has no inventory rules"),
        "{screen}"
    );
    tui.type_text("Bad_Name");
    tui.send("\r");
    tui.wait_text("a container name may hold only");
    for _ in 0..8 {
        tui.send("\x08");
    }
    tui.type_text("inv");
    tui.send("\r");
    let screen = tui.wait_text("Save it? (y/n)");
    assert!(
        screen.contains("Add inventory rule blobxsizes: daily Csv of blobs → az://inv/"),
        "{screen}"
    );
    assert!(docs.lock().unwrap().writes.is_empty(), "nothing before y");
    tui.send("y");
    tui.wait_text("Saved inventory rule blobxsizes");
    {
        let d = docs.lock().unwrap();
        assert_eq!(d.writes.len(), 1, "{:?}", d.writes);
        let (method, at, body) = &d.writes[0];
        assert_eq!(method, "PUT");
        assert_eq!(at, &format!("{ID}/inventoryPolicies/default"));
        assert_eq!(
            body["properties"]["policy"]["rules"][0]["destination"],
            "inv"
        );
    }
    assert_eq!(support::audit_count(dir.path(), "set inventory policy"), 1);
    tui.send("q");
    assert!(tui.wait_exit());
}
