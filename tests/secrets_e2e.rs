//! A scripted session in the real binary that attaches accounts by key and by
//! SAS, browses them and quits; then no secret may be found in the log, the
//! config file or on the screen, and the secrets file must be mode 0600.

mod support;

use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::connection::now_unix;
use blobx::azure::sas::{SasTarget, service_sas};
use blobx::azure::secret::Secret;
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::{BlobSpec, client, fill};
use support::unique;

fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_stay_out_of_logs_config_and_screen() {
    let emu = Emulator::shared();
    let container = unique("secret");
    fill(
        &client(&emu.host),
        &container,
        vec![BlobSpec::new("inside.txt", "x")],
    )
    .await
    .unwrap();
    let sas = service_sas(
        EMULATOR_ACCOUNT,
        &Secret::new(EMULATOR_KEY),
        &SasTarget::Container(container.clone()),
        "rl",
        None,
        now_unix() + 3600,
    )
    .unwrap();
    let sig: String = url::form_urlencoded::parse(sas.expose().as_bytes())
        .find(|(k, _)| k == "sig")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let sas_url = format!(
        "{}/{EMULATOR_ACCOUNT}/{container}?{}",
        emu.host,
        sas.expose()
    );
    let conn = format!(
        "AccountName={EMULATOR_ACCOUNT};AccountKey={EMULATOR_KEY};BlobEndpoint={}/{EMULATOR_ACCOUNT}",
        emu.host
    );

    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(
        &["--emulator", &emu.host],
        &[("BLOBX_LOG", "trace")],
        dir.path(),
        140,
        30,
    );
    tui.wait_text(&container);
    let mut screens = Vec::new();

    // Attach by connection string (key).
    tui.send("a");
    tui.wait_text("Attach a storage account");
    tui.send(&conn);
    screens.push(tui.wait_text("✓ devstoreaccount1"));
    tui.send("\t");
    tui.send("\x15"); // ctrl-u: clear the suggested label
    tui.type_text("by-key");
    tui.send("\r");
    screens.push(tui.wait_text("Saved by-key"));
    // It browses (the cursor is on the new account).
    tui.send("\r");
    screens.push(tui.wait_text(&container));

    // Attach by container SAS URL.
    tui.send("h");
    tui.wait_text("accounts ·");
    tui.send("a");
    tui.wait_text("Attach a storage account");
    tui.send(&sas_url);
    screens.push(tui.wait_text(&format!("container {container}")));
    tui.send("\r");
    screens.push(tui.wait_text("Saved"));
    let screen = tui.wait_text("permissions rl");
    screens.push(screen.clone());
    // Open the SAS account: its one container, then the blob inside.
    let rows: Vec<&str> = screen.lines().collect();
    let sas_row = rows
        .iter()
        .position(|l| l.contains("permissions rl"))
        .unwrap();
    let _ = (rows, sas_row);
    // The cursor is on the account just attached.
    tui.send("\r");
    screens.push(tui.wait_text("1 items"));
    tui.send("\r");
    screens.push(tui.wait_text("inside.txt"));
    tui.send("q");
    assert!(tui.wait_exit());

    // The screen never showed a secret.
    for s in &screens {
        assert!(
            !s.contains(EMULATOR_KEY) && !s.contains(&sig),
            "secret on screen:\n{s}"
        );
    }
    // Secrets were saved, in a private file...
    let secrets = dir.path().join("config/secrets.toml");
    let text = std::fs::read_to_string(&secrets).unwrap();
    assert!(
        text.contains(EMULATOR_KEY) && text.contains("sig="),
        "secrets saved"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secrets).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "secrets.toml mode");
    }
    // ...and nowhere else: not in accounts.toml, not in the (trace-level) log.
    let logs = files_under(&dir.path().join("logs"));
    assert!(!logs.is_empty(), "a log was written");
    assert!(
        logs.iter().any(|(_, t)| t.contains("account attached")),
        "the log has the session"
    );
    let accounts = dir.path().join("config/accounts.toml");
    for (path, text) in logs.iter().chain(std::iter::once(&(
        accounts.clone(),
        std::fs::read_to_string(&accounts).unwrap(),
    ))) {
        assert!(
            !text.contains(EMULATOR_KEY),
            "account key in {}",
            path.display()
        );
        assert!(!text.contains(&sig), "SAS signature in {}", path.display());
        let encoded: String = url::form_urlencoded::byte_serialize(sig.as_bytes()).collect();
        assert!(
            !text.contains(&encoded),
            "encoded SAS signature in {}",
            path.display()
        );
    }
}
