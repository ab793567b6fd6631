//! A scripted session in the real binary that attaches accounts by key (a
//! connection string), by SAS URL and by SAS connection string, browses them,
//! runs a download that is killed mid-way (so the journal keeps it), crashes
//! on purpose (a crash report), then resumes and finishes the transfer. No key,
//! SAS signature or connection string may then be found in the log, the
//! config files, the transfer journal, the crash report or any screen, and
//! the secrets file must be mode 0600.

mod support;

use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::connection::now_unix;
use blobx::azure::sas::{SasTarget, account_sas, service_sas};
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
    let big: Vec<u8> = (0..(48u32 << 20)).map(|i| (i % 253) as u8).collect();
    fill(
        &client(&emu.host),
        &container,
        vec![
            BlobSpec::new("inside.txt", "x"),
            BlobSpec::new("big.bin", big.clone()),
        ],
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
    // A second signature (an account SAS), given inside a connection string.
    // (A container SAS there loses its container: reported, not tested here.)
    let sas2 = account_sas(
        EMULATOR_ACCOUNT,
        &Secret::new(EMULATOR_KEY),
        "rl",
        now_unix() + 7200,
    )
    .unwrap();
    let sig2: String = url::form_urlencoded::parse(sas2.expose().as_bytes())
        .find(|(k, _)| k == "sig")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_ne!(sig, sig2);
    let sas_conn = format!(
        "BlobEndpoint={}/{EMULATOR_ACCOUNT};SharedAccessSignature={}",
        emu.host,
        sas2.expose()
    );
    let conn = format!(
        "AccountName={EMULATOR_ACCOUNT};AccountKey={EMULATOR_KEY};BlobEndpoint={}/{EMULATOR_ACCOUNT}",
        emu.host
    );

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap().to_string();
    let env = [("BLOBX_LOG", "trace"), ("BLOBX_DATA_DIR", data.as_str())];
    let mut tui = Tui::spawn(&["--emulator", &emu.host], &env, dir.path(), 140, 30);
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

    // Attach by SAS connection string, open its container, download big.bin.
    tui.send("h");
    tui.send("h");
    tui.wait_text("accounts ·");
    tui.send("a");
    tui.wait_text("Attach a storage account");
    tui.send(&sas_conn);
    screens.push(tui.wait_text("✓ devstoreaccount1"));
    tui.send("\t");
    tui.send("\x15");
    tui.type_text("by-sas-conn");
    tui.send("\r");
    screens.push(tui.wait_text("Saved by-sas-conn"));
    tui.send("\r");
    screens.push(tui.wait_text(&container));
    tui.send("/");
    tui.type_text(&container);
    tui.send("\r");
    screens.push(tui.wait_for("the filter to narrow to the container", |s| {
        s.contains("1 of ")
    }));
    tui.send("\r");
    screens.push(tui.wait_text("big.bin"));
    // Rows: big.bin, inside.txt; the cursor is on big.bin.
    let down = dir.path().join("down");
    let target = down.join("big.bin");
    let part = blobx::transfer::download::part_path(&target);
    tui.send("D");
    tui.wait_text("download into:");
    tui.send("\x15");
    tui.type_text(down.to_str().unwrap());
    tui.send("\r");
    // Kill it mid-way, so the journal keeps the unfinished transfer.
    tui.wait_for("the download to start", |_| {
        std::fs::metadata(&part).is_ok_and(|m| m.len() >= 4 << 20)
    });
    screens.push(tui.screen());
    let pid = tui.pid().unwrap();
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    tui.wait_exit();
    assert!(!target.exists(), "killed before it finished");
    let journal_at_kill = files_under(&dir.path().join("data"));
    assert!(
        journal_at_kill.iter().any(|(_, t)| t.contains("big.bin")),
        "the journal keeps the unfinished download"
    );

    // A crash report: the same accounts loaded, then a panic in the run loop.
    let crash_env = [
        ("BLOBX_LOG", "trace"),
        ("BLOBX_DATA_DIR", data.as_str()),
        ("BLOBX_DEBUG_PANIC", "1"),
        ("RUST_BACKTRACE", "1"),
    ];
    // Tall enough that the message and the backtrace both stay on screen.
    let mut crash = Tui::spawn(&["--emulator", &emu.host], &crash_env, dir.path(), 200, 200);
    assert!(!crash.wait_exit(), "the crash exits with failure");
    let report = crash.screen();
    assert!(report.contains("panicking on purpose"), "{report}");
    screens.push(report);

    // Resume and finish the transfer.
    let mut tui = Tui::spawn(&["--emulator", &emu.host], &env, dir.path(), 140, 30);
    screens.push(tui.wait_text("did not finish last time"));
    tui.send("y");
    tui.wait_for("the resumed download to finish", |_| target.exists());
    screens.push(tui.wait_text("1 done"));
    tui.send("q");
    assert!(tui.wait_exit());
    assert!(
        std::fs::read(&target).unwrap() == big,
        "the download differs"
    );

    // The screen never showed a secret.
    // Everything secret, and the forms it could leak in.
    let mut forms: Vec<(&str, String)> = vec![
        ("account key", EMULATOR_KEY.to_string()),
        ("connection string", conn.clone()),
        ("SAS connection string", sas_conn.clone()),
    ];
    for (what, s) in [("SAS signature", &sig), ("SAS signature 2", &sig2)] {
        forms.push((what, s.clone()));
        let encoded: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
        forms.push((what, encoded));
    }
    let leaks = |text: &str| -> Option<&str> {
        forms
            .iter()
            .find(|(_, s)| text.contains(s.as_str()))
            .map(|(what, _)| *what)
    };
    for s in &screens {
        assert_eq!(leaks(s), None, "secret on screen:\n{s}");
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
    // Config (all but secrets.toml), the log, the journal and crash output.
    let mut checked = logs;
    checked.extend(
        files_under(&dir.path().join("config"))
            .into_iter()
            .filter(|(p, _)| !p.ends_with("secrets.toml")),
    );
    checked.extend(journal_at_kill);
    checked.extend(files_under(&dir.path().join("data")));
    assert!(
        checked
            .iter()
            .any(|(_, t)| t.contains("panicking on purpose")),
        "the log has the crash"
    );
    for (path, text) in &checked {
        assert_eq!(leaks(text), None, "secret in {}", path.display());
    }
    println!(
        "secrets: {} screens and {} files checked for {} secret forms",
        screens.len(),
        checked.len(),
        forms.len()
    );
}
