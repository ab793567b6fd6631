//! Container access settings and SAS against a real Azurite: the ACL
//! read-modify-write keeps the half it does not change, a stale view is
//! refused, invalid input is refused before any request, SAS tokens are
//! accepted for what they grant and refused for the rest, and the headless
//! `blobx access` / `blobx sas` commands keep signatures out of stderr and logs;
//! the policies editor (`P`) saves what its form holds and keeps the level.

mod support;

use blobx::azure::access::{
    PublicAccess, StoredPolicy, get_access, parse_time_input, set_policies, set_public_access,
};
use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::connection::{now_unix, parse_sas_url};
use blobx::azure::ops::{self, OpError};
use blobx::azure::sas::{SasOptions, SasTarget, sign_service_sas};
use blobx::azure::secret::Secret;
use blobx::azure::{Account, Source, StorageClient};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};
use support::emulator::Emulator;
use support::seed::{BlobSpec, client, fill};
use support::unique;

fn key() -> Secret {
    Secret::new(EMULATOR_KEY)
}

fn policy(id: &str, permissions: &str, hours: i64) -> StoredPolicy {
    StoredPolicy {
        id: id.into(),
        start: None,
        expiry: time::OffsetDateTime::from_unix_timestamp(now_unix() + hours * 3600).ok(),
        permissions: permissions.into(),
    }
}

async fn container_with(blobs: Vec<BlobSpec>) -> (&'static Emulator, StorageClient, String) {
    let emu = Emulator::shared();
    let c = client(&emu.host);
    let name = unique("acl");
    fill(&c, &name, blobs).await.unwrap();
    (emu, c, name)
}

/// Whole seconds, as the service stores them.
fn seconds(p: &[StoredPolicy]) -> Vec<(String, Option<i64>, Option<i64>, String)> {
    p.iter()
        .map(|p| {
            (
                p.id.clone(),
                p.start.map(|t| t.unix_timestamp()),
                p.expiry.map(|t| t.unix_timestamp()),
                p.permissions.clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn saving_one_half_keeps_the_other() {
    let (_, c, name) = container_with(vec![]).await;
    let fresh = get_access(&c, &name).await.unwrap();
    assert_eq!(fresh.public_access, PublicAccess::Private);
    assert!(fresh.policies.is_empty());

    let mut with_start = policy("rw", "lwr", 48);
    with_start.start = Some(parse_time_input("2026-01-01T00:00:00Z").unwrap());
    let policies = vec![policy("read-only", "rl", 24), with_start];
    let saved = set_policies(&c, &name, &policies, None).await.unwrap();
    // Permissions come back in Azure's order.
    assert_eq!(saved.policies[1].permissions, "rwl");
    let read = get_access(&c, &name).await.unwrap();
    assert_eq!(seconds(&read.policies), seconds(&saved.policies));

    // The level changes; the policies stay.
    set_public_access(&c, &name, PublicAccess::Blob, None)
        .await
        .unwrap();
    let read = get_access(&c, &name).await.unwrap();
    assert_eq!(read.public_access, PublicAccess::Blob);
    assert_eq!(seconds(&read.policies), seconds(&saved.policies));

    // The policies change; the level stays.
    set_policies(&c, &name, &[policy("only", "r", 1)], None)
        .await
        .unwrap();
    let read = get_access(&c, &name).await.unwrap();
    assert_eq!(read.public_access, PublicAccess::Blob);
    assert_eq!(read.policies.len(), 1);
    assert_eq!(read.policies[0].id, "only");

    set_public_access(&c, &name, PublicAccess::Container, None)
        .await
        .unwrap();
    set_policies(&c, &name, &[], None).await.unwrap();
    let read = get_access(&c, &name).await.unwrap();
    assert_eq!(read.public_access, PublicAccess::Container);
    assert!(read.policies.is_empty());
}

#[tokio::test]
async fn a_change_made_meanwhile_is_not_overwritten() {
    let (_, c, name) = container_with(vec![]).await;
    let seen = get_access(&c, &name).await.unwrap();
    // Someone else saves a policy after our form was opened…
    set_policies(&c, &name, &[policy("theirs", "r", 1)], None)
        .await
        .unwrap();
    // …so saving the level from the old view is refused, and nothing changes.
    let err = set_public_access(&c, &name, PublicAccess::Container, Some(&seen.etag))
        .await
        .unwrap_err();
    assert!(matches!(err, OpError::Changed(_)), "{err:?}");
    let account = c.account().clone();
    assert!(err.describe(&account).contains("changed since"));
    let now = get_access(&c, &name).await.unwrap();
    assert_eq!(now.public_access, PublicAccess::Private);
    assert_eq!(now.policies[0].id, "theirs");
    // With the current ETag it goes through.
    set_public_access(&c, &name, PublicAccess::Container, Some(&now.etag))
        .await
        .unwrap();
}

#[tokio::test]
async fn invalid_policies_are_refused_before_anything_is_sent() {
    // Nothing listens on port 1: a request would fail as a connection error.
    let nowhere = StorageClient::new(Account::emulator("http://127.0.0.1:1").unwrap()).unwrap();
    let six: Vec<_> = (0..6).map(|i| policy(&format!("p{i}"), "r", 1)).collect();
    let cases = [
        (six, "at most 5"),
        (vec![policy(&"x".repeat(65), "r", 1)], "at most 64"),
        (vec![policy("bad", "rq", 1)], "'q'"),
        (
            vec![policy("a", "r", 1), policy("a", "w", 1)],
            "two policies",
        ),
    ];
    for (policies, why) in cases {
        match set_policies(&nowhere, "data", &policies, None).await {
            Err(OpError::Invalid(msg)) => assert!(msg.contains(why), "{msg}"),
            other => panic!("expected a refusal for {why}: {other:?}"),
        }
    }
}

/// An account that uses the SAS URL, as a user pasting it would.
fn sas_account(url: &str) -> Account {
    Account::from_parsed(
        "t",
        "",
        Source::Attached,
        parse_sas_url(url, now_unix()).unwrap(),
    )
}

fn sign(target: &SasTarget, opts: &SasOptions) -> Secret {
    sign_service_sas(EMULATOR_ACCOUNT, &key(), target, opts, now_unix()).unwrap()
}

async fn http_status(method: reqwest::Method, url: &str, body: &'static str) -> u16 {
    reqwest::Client::new()
        .request(method, url)
        .header("x-ms-blob-type", "BlockBlob")
        .header("x-ms-version", "2022-11-02")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_sas_works_for_what_it_grants_and_no_more() {
    let (emu, _, name) = container_with(vec![BlobSpec::new("a.txt", "hello")]).await;
    let base = format!("{}/{EMULATOR_ACCOUNT}/{name}", emu.host);
    let in_an_hour = Some(now_unix() + 3600);

    // Container SAS, read + list: lists and reads, cannot write.
    let token = sign(
        &SasTarget::Container(name.clone()),
        &SasOptions {
            permissions: "rl".into(),
            expiry: in_an_hour,
            ..Default::default()
        },
    );
    let sas = StorageClient::new(sas_account(&format!("{base}?{}", token.expose()))).unwrap();
    let page = sas
        .list_blobs_page(&name, "", None, None, 100)
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 1);
    let put = sas
        .put_blob(&name, "new.txt", "x".into(), None, HashMap::new())
        .await
        .unwrap_err();
    assert_eq!(put.http_status().map(u16::from), Some(403));

    // Blob SAS, read only: GET works, Put Blob is refused.
    let read_only = sign(
        &SasTarget::Blob {
            container: name.clone(),
            blob: "a.txt".into(),
        },
        &SasOptions {
            permissions: "r".into(),
            expiry: in_an_hour,
            https_only: false,
            ip_range: Some("0.0.0.0-255.255.255.255".into()),
            ..Default::default()
        },
    );
    let url = format!("{base}/a.txt?{}", read_only.expose());
    assert_eq!(http_status(reqwest::Method::GET, &url, "").await, 200);
    assert_eq!(
        http_status(reqwest::Method::PUT, &url, "overwrite").await,
        403
    );

    // Blob SAS with create + write: Put Blob works.
    let writer = sign(
        &SasTarget::Blob {
            container: name.clone(),
            blob: "b.txt".into(),
        },
        &SasOptions {
            permissions: "cw".into(),
            expiry: in_an_hour,
            ..Default::default()
        },
    );
    let url = format!("{base}/b.txt?{}", writer.expose());
    assert_eq!(http_status(reqwest::Method::PUT, &url, "new").await, 201);

    // HTTPS-only is refused over plain HTTP.
    let https_only = sign(
        &SasTarget::Container(name.clone()),
        &SasOptions {
            permissions: "rl".into(),
            expiry: in_an_hour,
            https_only: true,
            ..Default::default()
        },
    );
    let url = format!("{base}?restype=container&comp=list&{}", https_only.expose());
    assert_eq!(http_status(reqwest::Method::GET, &url, "").await, 403);
}

#[tokio::test]
async fn a_policy_bound_sas_follows_its_policy() {
    let (emu, c, name) = container_with(vec![BlobSpec::new("a.txt", "hello")]).await;
    set_policies(&c, &name, &[policy("readers", "rl", 1)], None)
        .await
        .unwrap();
    let token = sign(
        &SasTarget::Container(name.clone()),
        &SasOptions {
            policy: Some("readers".into()),
            ..Default::default()
        },
    );
    assert!(token.expose().contains("si=readers"));
    assert!(!token.expose().contains("se="));
    let base = format!("{}/{EMULATOR_ACCOUNT}/{name}", emu.host);
    let list = format!("{base}?restype=container&comp=list&{}", token.expose());
    assert_eq!(http_status(reqwest::Method::GET, &list, "").await, 200);
    let put = format!("{base}/new.txt?{}", token.expose());
    assert_eq!(http_status(reqwest::Method::PUT, &put, "x").await, 403);
    // Deleting the policy revokes every SAS bound to it.
    set_policies(&c, &name, &[], None).await.unwrap();
    assert_eq!(http_status(reqwest::Method::GET, &list, "").await, 403);
}

// ---------------------------------------------------------------------------
// The headless commands, through the built binary

fn blobx(emu: &Emulator, dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_blobx"));
    // Global flags go after the subcommand (a location and a subcommand exclude each other).
    cmd.args(args)
        .arg("--emulator")
        .arg(&emu.host)
        .env("BLOBX_CONFIG_DIR", dir.join("config"))
        .env("BLOBX_LOG_DIR", dir.join("logs"))
        .env_remove("BLOBX_LOG")
        .env_remove("AZURE_STORAGE_CONNECTION_STRING")
        .env_remove("AZURE_STORAGE_ACCOUNT")
        .env_remove("AZURE_STORAGE_KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn logs(dir: &Path) -> String {
    let mut all = String::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("logs")) {
        for e in entries.flatten() {
            all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    all
}

#[tokio::test]
async fn blobx_access_get_and_set() {
    let (emu, c, name) = container_with(vec![]).await;
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("az://{name}");
    set_policies(&c, &name, &[policy("keep-me", "rl", 2)], None)
        .await
        .unwrap();

    let out = blobx(emu, dir.path(), &["access", "get", &uri], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["public_access"], "private");
    assert_eq!(got["policies"][0]["id"], "keep-me");
    let etag = got["etag"].as_str().unwrap().to_string();

    // Only the level: the policy stays.
    let out = blobx(
        emu,
        dir.path(),
        &["access", "set", &uri, "-"],
        Some(r#"{"public_access": "blob"}"#),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("public now"),
        "{}",
        text(&out.stderr)
    );
    let now = get_access(&c, &name).await.unwrap();
    assert_eq!(now.public_access, PublicAccess::Blob);
    assert_eq!(now.policies[0].id, "keep-me");

    // A file carrying the old ETag is refused: the container changed since.
    let file = dir.path().join("access.json");
    std::fs::write(
        &file,
        format!(r#"{{"policies": [], "etag": {}}}"#, serde_json::json!(etag)),
    )
    .unwrap();
    let out = blobx(
        emu,
        dir.path(),
        &["access", "set", &uri, file.to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("changed since"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(get_access(&c, &name).await.unwrap().policies.len(), 1);

    // Invalid values are refused with their message, and nothing changes.
    let out = blobx(
        emu,
        dir.path(),
        &["access", "set", &uri, "-"],
        Some(r#"{"policies": [{"id": "x", "permissions": "rwz"}]}"#),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("'z' is not a permission"),
        "{}",
        text(&out.stderr)
    );
    let out = blobx(
        emu,
        dir.path(),
        &["access", "set", &uri, "-"],
        Some(r#"{"public_access": "world"}"#),
    );
    assert!(text(&out.stderr).contains("private, blob or container"));
    let after = get_access(&c, &name).await.unwrap();
    assert_eq!(after.public_access, PublicAccess::Blob);
    assert_eq!(after.policies[0].id, "keep-me");

    // Policies replaced through a file, level kept.
    std::fs::write(
        &file,
        r#"{"policies": [{"id": "new", "expiry": "2099-01-01", "permissions": "r"}]}"#,
    )
    .unwrap();
    let out = blobx(
        emu,
        dir.path(),
        &["access", "set", &uri, file.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = get_access(&c, &name).await.unwrap();
    assert_eq!(after.public_access, PublicAccess::Blob);
    assert_eq!(after.policies[0].id, "new");
}

#[tokio::test]
async fn blobx_sas_prints_a_working_url_and_hides_the_signature() {
    let (emu, c, name) = container_with(vec![
        BlobSpec::new("data/a.csv", "a,b\n"),
        BlobSpec::new("top.txt", "hi"),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut seen: Vec<Output> = Vec::new();
    let mut run = |args: &[&str]| {
        let out = blobx(emu, dir.path(), args, None);
        seen.push(Output {
            status: out.status,
            stdout: out.stdout.clone(),
            stderr: out.stderr.clone(),
        });
        out
    };

    // Container, read + list: the URL lists; it cannot write.
    let out = run(&[
        "sas",
        &format!("az://{name}"),
        "--permissions",
        "rl",
        "--expires",
        "30m",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_string();
    assert!(url.contains("sig="), "{url}");
    let sas = StorageClient::new(sas_account(&url)).unwrap();
    assert_eq!(
        sas.list_blobs_page(&name, "", None, None, 10)
            .await
            .unwrap()
            .entries
            .len(),
        2
    );
    assert!(
        sas.put_blob(&name, "no.txt", "x".into(), None, HashMap::new())
            .await
            .is_err()
    );

    // A blob: read-only by default.
    let out = run(&["sas", &format!("az://{name}/top.txt")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let blob_url = text(&out.stdout).trim().to_string();
    assert!(
        blob_url.contains("sr=b") && blob_url.contains("sp=r&"),
        "{blob_url}"
    );
    assert_eq!(http_status(reqwest::Method::GET, &blob_url, "").await, 200);
    assert_eq!(http_status(reqwest::Method::PUT, &blob_url, "x").await, 403);

    // A folder becomes a container SAS, with a note saying so.
    let out = run(&["sas", &format!("az://{name}/data")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("sr=c"));
    assert!(
        text(&out.stderr).contains("virtual folder"),
        "{}",
        text(&out.stderr)
    );

    // Bound to a stored access policy: no se/sp of its own.
    set_policies(&c, &name, &[policy("readers", "rl", 1)], None)
        .await
        .unwrap();
    let out = run(&["sas", &format!("az://{name}"), "--policy", "readers"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let policy_url = text(&out.stdout);
    assert!(policy_url.contains("si=readers"));
    assert!(!policy_url.contains("se="));
    // Conflicting with the policy, or naming a missing one, is refused.
    let out = run(&[
        "sas",
        &format!("az://{name}"),
        "--policy",
        "readers",
        "--expires",
        "1h",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("leave out the expiry"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["sas", &format!("az://{name}"), "--policy", "nope"]);
    assert!(
        text(&out.stderr).contains("has: readers"),
        "{}",
        text(&out.stderr)
    );
    // Bad flags are refused in words.
    let out = run(&[
        "sas",
        &format!("az://{name}/top.txt"),
        "--permissions",
        "rl",
    ]);
    assert!(text(&out.stderr).contains("l (list) applies to containers"));
    let out = run(&["sas", &format!("az://{name}"), "--expires", "soon"]);
    assert!(text(&out.stderr).contains("not a duration"));

    // No signature anywhere but stdout: not on stderr, not in the log.
    let all_logs = logs(dir.path());
    assert!(
        all_logs.contains("signed a SAS"),
        "the log should record the event"
    );
    let mut signatures = Vec::new();
    for out in &seen {
        let stdout = text(&out.stdout);
        if let Some((_, q)) = stdout.trim().split_once('?') {
            signatures.extend(
                url::form_urlencoded::parse(q.as_bytes())
                    .filter(|(k, _)| k == "sig")
                    .map(|(_, v)| v.into_owned()),
            );
        }
        let stderr = text(&out.stderr);
        assert!(
            !stderr.contains("sig="),
            "stderr holds a signature: {stderr}"
        );
    }
    assert!(signatures.len() >= 4);
    assert!(
        !all_logs.contains("sig="),
        "the log holds a signature:\n{all_logs}"
    );
    for sig in &signatures {
        assert!(!all_logs.contains(sig.as_str()));
        for out in &seen {
            assert!(!text(&out.stderr).contains(sig.as_str()));
        }
    }
}

/// Runs the policies editor's effects the way the runner does, feeding the
/// results back until nothing more is asked for.
async fn settle_policies(
    s: &mut blobx::app::State,
    c: &StorageClient,
    mut effects: Vec<blobx::app::Effect>,
) {
    while let Some(effect) = effects.pop() {
        if let blobx::app::Effect::Policies(p) = effect {
            let event = blobx::app::policies::execute(c, p).await;
            effects.extend(s.update(blobx::app::Action::Policies(event)));
        }
    }
}

/// The policies editor in a state opened on `name`, as `P` in its folder does.
async fn policies_editor(host: &str, c: &StorageClient, name: &str) -> blobx::app::State {
    use blobx::app::state::{AccountNode, Location};
    use blobx::app::{Action, Command};
    let mut s = blobx::app::State::new(vec![AccountNode::new(Account::emulator(host).unwrap())]);
    s.location = Location::Blobs {
        account: 0,
        container: name.to_string(),
        prefix: String::new(),
    };
    let fx = s.update(Action::Command(Command::Policies));
    settle_policies(&mut s, c, fx).await;
    s
}

fn keys(s: &mut blobx::app::State, text: &str) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for ch in text.chars() {
        s.update(blobx::app::Action::Input(KeyEvent::new(
            KeyCode::Char(ch),
            KeyModifiers::NONE,
        )));
    }
}

#[tokio::test]
async fn the_policies_editor_saves_and_keeps_public_access() {
    use blobx::app::policies::PolicyView;
    use blobx::app::{Action, Command};
    let (emu, c, name) = container_with(vec![]).await;
    set_public_access(&c, &name, PublicAccess::Blob, None)
        .await
        .unwrap();
    set_policies(&c, &name, &[policy("keep-me", "rl", 24)], None)
        .await
        .unwrap();
    let before = get_access(&c, &name).await.unwrap();

    let mut s = policies_editor(&emu.host, &c, &name).await;
    let ed = s.policies().unwrap();
    assert_eq!(ed.error, None);
    assert_eq!(seconds(&ed.policies), seconds(&before.policies));

    // a, type an id, tick w (r and l are ticked already), expiry in 3 days.
    s.update(Action::Command(Command::PoliciesAdd));
    keys(&mut s, "writers");
    s.update(Action::Command(Command::NextField));
    keys(&mut s, "w");
    s.update(Action::Command(Command::NextField));
    keys(&mut s, "2026-01-01T06:30Z");
    s.update(Action::Command(Command::NextField));
    for _ in 0..3 {
        s.update(Action::Input(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Backspace,
            crossterm::event::KeyModifiers::NONE,
        )));
    }
    keys(&mut s, "+3d");
    s.update(Action::Command(Command::Accept));
    s.update(Action::Command(Command::PoliciesSave));
    assert!(matches!(s.policies().unwrap().view, PolicyView::Review(_)));
    let fx = s.update(Action::Command(Command::Yes));
    settle_policies(&mut s, &c, fx).await;
    let status = s
        .status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(status.starts_with("Saved 2 policies"), "{status}");

    let after = get_access(&c, &name).await.unwrap();
    assert_eq!(after.public_access, PublicAccess::Blob, "the level is kept");
    assert_eq!(after.policies.len(), 2);
    assert_eq!(seconds(&after.policies[..1]), seconds(&before.policies));
    let w = &after.policies[1];
    assert_eq!(w.id, "writers");
    assert_eq!(w.permissions, "rwl");
    assert_eq!(
        w.start.map(|t| t.unix_timestamp()),
        Some(
            parse_time_input("2026-01-01T06:30:00Z")
                .unwrap()
                .unix_timestamp()
        )
    );
    let expiry = w.expiry.unwrap().unix_timestamp();
    assert!(
        (expiry - (now_unix() + 3 * 86_400)).abs() < 3600,
        "+3d counts from when the editor read the policies"
    );
    // The editor now holds what the service has, with its new ETag.
    let ed = s.policies().unwrap();
    assert!(!ed.dirty());
    assert_eq!(ed.base.as_ref().unwrap().etag, after.etag);
}

#[tokio::test]
async fn the_policies_editor_does_not_overwrite_a_change_made_meanwhile() {
    use blobx::app::policies::PolicyView;
    use blobx::app::{Action, Command};
    let (emu, c, name) = container_with(vec![]).await;
    let mut s = policies_editor(&emu.host, &c, &name).await;
    // Someone else makes the container public after the editor read it.
    set_public_access(&c, &name, PublicAccess::Container, None)
        .await
        .unwrap();
    s.update(Action::Command(Command::PoliciesAdd));
    keys(&mut s, "mine");
    s.update(Action::Command(Command::Accept));
    s.update(Action::Command(Command::PoliciesSave));
    let fx = s.update(Action::Command(Command::Yes));
    settle_policies(&mut s, &c, fx).await;
    assert!(matches!(
        s.policies().unwrap().view,
        PolicyView::Conflict(_)
    ));
    let now = get_access(&c, &name).await.unwrap();
    assert!(now.policies.is_empty(), "nothing was written");
    assert_eq!(now.public_access, PublicAccess::Container);
    // r reloads: the editor shows the service's state, and saving then works.
    let fx = s.update(Action::Command(Command::PoliciesReload));
    settle_policies(&mut s, &c, fx).await;
    let ed = s.policies().unwrap();
    assert_eq!(
        ed.base.as_ref().unwrap().public_access,
        PublicAccess::Container
    );
    s.update(Action::Command(Command::PoliciesAdd));
    keys(&mut s, "mine");
    s.update(Action::Command(Command::Accept));
    s.update(Action::Command(Command::PoliciesSave));
    let fx = s.update(Action::Command(Command::Yes));
    settle_policies(&mut s, &c, fx).await;
    let now = get_access(&c, &name).await.unwrap();
    assert_eq!(now.policies.len(), 1);
    assert_eq!(now.public_access, PublicAccess::Container);
}

/// Blob Batch with a SAS: each sub-request carries the token in its URL, the
/// service checks each one, and a token that may not delete deletes nothing.
#[tokio::test]
async fn a_sas_account_deletes_in_batches_and_a_read_only_one_deletes_nothing() {
    use blobx::azure::batch::{self, BatchOp, SubResult};
    let names: Vec<String> = (0..300).map(|i| format!("d/{i:04}")).collect();
    let (emu, keyed, name) = container_with(
        names
            .iter()
            .map(|n| BlobSpec::new(n.clone(), "x"))
            .collect(),
    )
    .await;
    let base = format!("{}/{EMULATOR_ACCOUNT}", emu.host);
    let in_an_hour = now_unix() + 3600;
    let account_sas = |perms: &str| {
        let token =
            blobx::azure::sas::account_sas(EMULATOR_ACCOUNT, &key(), perms, in_an_hour).unwrap();
        StorageClient::new(sas_account(&format!("{base}?{}", token.expose()))).unwrap()
    };

    // Read and list only: the service refuses each delete; all are still there.
    let reader = account_sas("rl");
    assert!(batch::can_batch(&reader));
    let first: Vec<String> = names[..3].to_vec();
    match batch::send_batch(
        &reader,
        &name,
        &first,
        BatchOp::Delete {
            include_snapshots: true,
        },
    )
    .await
    {
        Ok(results) => {
            assert_eq!(results.len(), 3);
            for r in results {
                assert!(matches!(r, SubResult::Failed { status: 403, .. }), "{r:?}");
            }
        }
        Err(refused) => assert!(refused.why.contains("403"), "{}", refused.why),
    }
    let marked: Vec<(String, u64)> = names.iter().map(|n| (n.clone(), 1)).collect();
    let report = batch::delete_many(&reader, &name, &marked, true).await;
    assert_eq!(report.done, 0);
    assert_eq!(report.failed.len(), names.len());
    assert_eq!(
        ops::list_flat(&keyed, &name, "").await.unwrap().len(),
        names.len(),
        "a read-only SAS deletes nothing"
    );

    // Read, write, delete, list: one batch answers each sub-request.
    let writer = account_sas("rwdl");
    let results = batch::send_batch(
        &writer,
        &name,
        &first,
        BatchOp::Delete {
            include_snapshots: true,
        },
    )
    .await
    .expect("a SAS batch is answered, not refused");
    assert_eq!(results, [SubResult::Done, SubResult::Done, SubResult::Done]);
    let report = batch::delete_many(&writer, &name, &marked[3..], true).await;
    assert_eq!(report.done, names.len() - 3, "{:?}", report.failed);
    assert!(ops::list_flat(&keyed, &name, "").await.unwrap().is_empty());
}
