//! The real `blobx` binary in a pseudo-terminal against Azurite: `P` in a
//! container opens the stored access policies editor, a policy is added with
//! the form and saved after the review, `blobx access get` then shows it with
//! the public access level unchanged, and the save leaves an audit line.

mod support;

use blobx::azure::access::{PublicAccess, get_access, set_public_access};
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

#[tokio::test(flavor = "multi_thread")]
async fn add_a_policy_from_the_keyboard_and_keep_public_access() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("pol");
    fill(&c, &container, vec![BlobSpec::new("notes.txt", "hello")])
        .await
        .unwrap();
    set_public_access(&c, &container, PublicAccess::Blob, None)
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let start = format!("az://{container}/");
    let mut tui = Tui::spawn(&["--emulator", &emu.host, &start], &[], dir.path(), 130, 32);
    tui.wait_text("notes.txt");

    tui.send("P");
    tui.wait_text("public access: blob (kept as it is)");
    tui.wait_text("No stored access policies");

    tui.send("a");
    tui.wait_text("New stored access policy");
    tui.type_text("pty-writers");
    tui.send("\t");
    // On the permissions row a letter ticks it: r and l are ticked already.
    tui.send("w");
    tui.wait_text("[x] w write");
    tui.send("\t");
    tui.send("\t");
    tui.wait_text("+7d");
    tui.send("\r");
    tui.wait_text("Policy pty-writers is ready");
    tui.wait_text("unsaved changes");

    tui.send("s");
    tui.wait_text("Save these stored access policies?");
    tui.wait_text("+ added   pty-writers · rwl");
    tui.send("y");
    tui.wait_text("Saved 1 policy on");
    tui.wait_text("as on the service");

    // Esc closes the editor (nothing unsaved, so it does not ask).
    tui.send("\x1b");
    tui.wait_for("the editor to close", |s| {
        !s.contains("Stored access policies ·")
    });
    tui.send("q");
    assert!(tui.wait_exit());

    let access = get_access(&c, &container).await.unwrap();
    assert_eq!(access.public_access, PublicAccess::Blob);
    assert_eq!(access.policies.len(), 1);
    assert_eq!(access.policies[0].id, "pty-writers");
    assert_eq!(access.policies[0].permissions, "rwl");

    // The headless command reads the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blobx"))
        .args(["access", "get", &format!("az://{container}")])
        .args(["--emulator", &emu.host])
        .env("BLOBX_CONFIG_DIR", dir.path().join("config"))
        .env("BLOBX_LOG_DIR", dir.path().join("logs2"))
        .env_remove("AZURE_STORAGE_CONNECTION_STRING")
        .env_remove("AZURE_STORAGE_ACCOUNT")
        .env_remove("AZURE_STORAGE_KEY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["public_access"], "blob");
    assert_eq!(got["policies"][0]["id"], "pty-writers");
    assert_eq!(got["policies"][0]["permissions"], "rwl");

    let audit = support::audit_lines(dir.path());
    assert!(
        audit
            .iter()
            .any(|l| l.contains("action=\"set access policies\"") && l.contains(&container)),
        "{audit:?}"
    );
}
