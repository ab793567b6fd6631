//! Every way users write a location reaches the same blob through the built
//! binary: the emulator's path-style URL (matched to the emulator account by
//! name), a pasted SAS URL for an account blobx does not know (used for that
//! run only), and an unknown account refused with how to attach it.

mod support;

use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::{run_blobx, unique};

#[tokio::test(flavor = "multi_thread")]
async fn urls_sas_urls_and_unknown_accounts() {
    let emu = Emulator::shared();
    let container = unique("loc");
    fill(
        &client(&emu.host),
        &container,
        vec![BlobSpec::new("raw/x.csv", "a,b\n1,2\n")],
    )
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();

    // The emulator's own URL names its account: it is found by name.
    let url = format!("{}/devstoreaccount1/{container}/raw/x.csv", emu.host);
    let out = home.join("a.csv");
    let run = run_blobx(
        home,
        &["cp", &url, out.to_str().unwrap(), "--emulator", &emu.host],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "a,b\n1,2\n");

    // A container SAS, for a blobx that knows no account at all.
    let sas = run_blobx(
        home,
        &[
            "sas",
            &format!("az://{container}"),
            "--permissions",
            "rl",
            "--emulator",
            &emu.host,
        ],
    );
    assert!(
        sas.status.success(),
        "{}",
        String::from_utf8_lossy(&sas.stderr)
    );
    let sas_url = String::from_utf8_lossy(&sas.stdout).trim().to_string();
    let (base, query) = sas_url.split_once('?').expect("a SAS URL");
    let bare = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(bare.path().join("config")).unwrap();
    std::fs::write(
        bare.path().join("config/config.toml"),
        "[emulator]\nenabled = false\n[entra]\nenabled = false\n",
    )
    .unwrap();
    let out = bare.path().join("b.csv");
    let located = format!("{base}/raw/x.csv?{query}");
    let run = run_blobx(bare.path(), &["cp", &located, out.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "a,b\n1,2\n");
    assert!(
        !bare.path().join("config/accounts.toml").exists(),
        "the SAS account is for this run only"
    );

    // An account nobody attached: refused before any request, with the way out.
    let run = run_blobx(
        bare.path(),
        &[
            "cp",
            "abfss://data@nosuchacct.dfs.core.windows.net/x.csv",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("nosuchacct") && err.contains("Attach it"),
        "{err}"
    );
}
