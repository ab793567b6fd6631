//! The command line against Azurite, through the built binary: global options
//! on either side of the subcommand, one audit line per change, `cp` refusing
//! a missing container (naming the close ones) unless `--create-container`,
//! the `cp -r` folder rule, and `sas` with a stored policy or `--https-only`.

mod support;

use blobx::azure::access::{StoredPolicy, set_policies};
use std::path::Path;
use std::process::Output;
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::{audit_lines, run_blobx, unique};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

fn files_below(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_leaves_exactly_one_audit_line() {
    let emu = Emulator::shared();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();

    // cors set
    let rules = blobx::azure::cors::preset_local_development();
    let cors = h.join("cors.json");
    std::fs::write(&cors, blobx::azure::cors::to_json(None, &rules)).unwrap();
    let out = run_blobx(
        h,
        &[
            "cors",
            "set",
            cors.to_str().unwrap(),
            "--emulator",
            &emu.host,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let audit = audit_lines(h);
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(audit[0].contains("action=\"set cors rules\""), "{audit:?}");
    // Leave the account's CORS as it was for anyone else.
    let none = h.join("none.json");
    std::fs::write(&none, blobx::azure::cors::to_json(None, &[])).unwrap();
    let out = run_blobx(
        h,
        &[
            "cors",
            "set",
            none.to_str().unwrap(),
            "--emulator",
            &emu.host,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // access set
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let c = client(&emu.host);
    let container = unique("audit");
    fill(&c, &container, vec![BlobSpec::new("a.txt", "a")])
        .await
        .unwrap();
    let access = h.join("access.json");
    std::fs::write(&access, r#"{"public_access": "blob"}"#).unwrap();
    let uri = format!("az://{container}");
    let out = run_blobx(
        h,
        &[
            "access",
            "set",
            &uri,
            access.to_str().unwrap(),
            "--emulator",
            &emu.host,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let audit = audit_lines(h);
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(
        audit[0].contains("action=\"set container access\"") && audit[0].contains(&container),
        "{audit:?}"
    );

    // cp into a container it creates: one line for the container, one for the upload.
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let file = h.join("f.txt");
    std::fs::write(&file, "hello").unwrap();
    let fresh = unique("auditnew");
    let out = run_blobx(
        h,
        &[
            "--emulator",
            &emu.host,
            "cp",
            file.to_str().unwrap(),
            &format!("az://{fresh}/"),
            "--create-container",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let audit = audit_lines(h);
    let created: Vec<_> = audit
        .iter()
        .filter(|l| l.contains("action=\"create container\""))
        .collect();
    assert_eq!(created.len(), 1, "{audit:?}");
    assert!(created[0].contains(&fresh), "{created:?}");
    assert_eq!(
        audit
            .iter()
            .filter(|l| l.contains("action=\"upload\""))
            .count(),
        1,
        "{audit:?}"
    );
    assert_eq!(audit.len(), 2, "{audit:?}");
    for line in &audit {
        assert!(!line.contains("sig="), "no secret in the audit: {line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn global_options_go_before_or_after_the_subcommand() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("globals");
    fill(&c, &container, vec![BlobSpec::new("a.txt", "hello")])
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let src = format!("az://{container}/a.txt");
    for (i, args) in [
        vec!["--emulator", &emu.host, "cp", &src],
        vec!["cp", &src, "--emulator", &emu.host],
    ]
    .into_iter()
    .enumerate()
    {
        let dest = h.join(format!("got-{i}.txt"));
        let mut args = args;
        let dest_text = dest.to_str().unwrap().to_string();
        args.push(&dest_text);
        let out = run_blobx(h, &args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "hello");
    }
    // --readonly (and --config-dir, --account, --cap-mbps) in front work too.
    let file = h.join("up.txt");
    std::fs::write(&file, "x").unwrap();
    let dest = format!("az://{container}/up.txt");
    let config = h.join("config").to_str().unwrap().to_string();
    let out = run_blobx(
        h,
        &[
            "--readonly",
            "--config-dir",
            &config,
            "--account",
            "devstoreaccount1",
            "--cap-mbps",
            "100",
            "--emulator",
            &emu.host,
            "cp",
            file.to_str().unwrap(),
            &dest,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    let out = run_blobx(
        h,
        &[
            "cp",
            file.to_str().unwrap(),
            &dest,
            "--emulator",
            &emu.host,
            "--readonly",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn cp_to_a_missing_container_is_refused_and_names_the_close_ones() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let real = unique("datasets");
    fill(&c, &real, vec![BlobSpec::new("keep.txt", "k")])
        .await
        .unwrap();
    let typo = format!("{real}x");
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let file = h.join("f.txt");
    std::fs::write(&file, "data").unwrap();
    let dest = format!("az://{typo}/in/");
    let out = run_blobx(
        h,
        &["cp", file.to_str().unwrap(), &dest, "--emulator", &emu.host],
    );
    let why = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{why}");
    assert!(
        why.contains(&format!("container {typo} does not exist")),
        "{why}"
    );
    assert!(why.contains(&format!("did you mean {real}")), "{why}");
    assert!(why.contains("--create-container"), "{why}");
    assert!(
        !c.container_exists(&typo).await.unwrap(),
        "nothing was created"
    );

    let out = run_blobx(
        h,
        &[
            "cp",
            file.to_str().unwrap(),
            &dest,
            "--emulator",
            &emu.host,
            "--create-container",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(c.blob_exists(&typo, "in/f.txt").await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn cp_r_copies_a_folder_as_itself_and_a_trailing_slash_its_contents() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("cpr");
    fill(
        &c,
        &container,
        vec![
            BlobSpec::new("data/raw/a.txt", "a"),
            BlobSpec::new("data/raw/sub/b.txt", "b"),
            BlobSpec::new("data/rawer/not-me.txt", "no"),
        ],
    )
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let cp =
        |src: &str, dest: &str| run_blobx(h, &["cp", "-r", src, dest, "--emulator", &emu.host]);

    let itself = h.join("itself");
    let out = cp(
        &format!("az://{container}/data/raw"),
        itself.to_str().unwrap(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(files_below(&itself), ["raw/a.txt", "raw/sub/b.txt"]);

    let contents = h.join("contents");
    let out = cp(
        &format!("az://{container}/data/raw/"),
        contents.to_str().unwrap(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(files_below(&contents), ["a.txt", "sub/b.txt"]);

    // Server-side copies follow the same rule.
    let out = cp(
        &format!("az://{container}/data/raw"),
        &format!("az://{container}/copy/"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        c.blob_exists(&container, "copy/raw/sub/b.txt")
            .await
            .unwrap()
            .is_some()
    );

    // Uploads too: a local folder lands under its own name unless written with a slash.
    let local = h.join("photos");
    std::fs::create_dir_all(local.join("2024")).unwrap();
    std::fs::write(local.join("2024/p.jpg"), "p").unwrap();
    let out = cp(local.to_str().unwrap(), &format!("az://{container}/up/"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        c.blob_exists(&container, "up/photos/2024/p.jpg")
            .await
            .unwrap()
            .is_some()
    );
    let out = cp(
        &format!("{}/", local.display()),
        &format!("az://{container}/flat/"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        c.blob_exists(&container, "flat/2024/p.jpg")
            .await
            .unwrap()
            .is_some()
    );

    // A missing source names what it looked for.
    let out = cp(
        &format!("az://{container}/data/nope"),
        h.join("x").to_str().unwrap(),
    );
    let why = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{why}");
    assert!(
        why.contains("\"data/nope\"") && why.contains("\"data/nope/\""),
        "{why}"
    );
    let out = cp(
        &format!("az://{container}/data/nope/"),
        h.join("x").to_str().unwrap(),
    );
    let why = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{why}");
    assert!(why.contains("data/nope/"), "{why}");
}

async fn http_get(url: &str) -> u16 {
    reqwest::Client::new()
        .get(url)
        .header("x-ms-version", "2022-11-02")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn sas_bound_to_a_stored_policy_reads_until_the_policy_goes() {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let container = unique("sasp");
    fill(&c, &container, vec![BlobSpec::new("report.txt", "numbers")])
        .await
        .unwrap();
    let readers = StoredPolicy {
        id: "readers".into(),
        start: None,
        expiry: Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)),
        permissions: "r".into(),
    };
    set_policies(&c, &container, &[readers], None)
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let blob = format!("az://{container}/report.txt");
    let out = run_blobx(
        h,
        &["sas", &blob, "--policy", "readers", "--emulator", &emu.host],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let url = text(&out.stdout).trim().to_string();
    assert!(url.contains("si=readers") && !url.contains("se="), "{url}");
    assert_eq!(http_get(&url).await, 200);

    set_policies(&c, &container, &[], None).await.unwrap();
    assert_eq!(http_get(&url).await, 403, "revoked with its policy");

    // An HTTPS-only SAS for an http endpoint could never work: refused in words.
    let out = run_blobx(h, &["sas", &blob, "--https-only", "--emulator", &emu.host]);
    let why = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{why}");
    assert!(
        why.contains("HTTPS-only") && why.contains("over http"),
        "{why}"
    );
    assert!(out.stdout.is_empty(), "no URL printed");
}
