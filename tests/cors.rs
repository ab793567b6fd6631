//! CORS rules against a real Azurite: saved rules read back identical through
//! the official SDK, a CORS save leaves every other service setting byte for
//! byte, a change made by someone else is detected before writing, invalid
//! input is refused with its reason before any request, the real preflight is
//! allowed and refused as the rules say, `blobx cors get|set|test` work for
//! scripts, and the editor fixes, saves and undoes from the keyboard.
//!
//! CORS rules belong to the account, and every test here uses the same
//! emulator account, so the tests take turns (`LOCK`).

mod support;

use azure_core::http::{ClientOptions, policies::Policy};
use azure_storage_blob::{BlobServiceClient, BlobServiceClientOptions};
use blobx::azure::account::{EMULATOR_ACCOUNT, EMULATOR_KEY};
use blobx::azure::cors::{
    CorsMethod, CorsRule, PreflightRequest, SaveOutcome, Verdict, get_cors, parse_json,
    preset_browser_uploads, preset_local_development, save_cors, test_preflight,
};
use blobx::azure::ops::OpError;
use blobx::azure::secret::Secret;
use blobx::azure::signing::SharedKeyPolicy;
use blobx::azure::{Account, StorageClient};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use support::emulator::Emulator;
use support::pty::Tui;
use support::seed::client;

static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The official SDK's client, signed with the emulator key: the independent reader.
fn sdk(host: &str) -> BlobServiceClient {
    let policy: Arc<dyn Policy> = Arc::new(SharedKeyPolicy::new(
        EMULATOR_ACCOUNT,
        &Secret::new(EMULATOR_KEY),
    ));
    let options = BlobServiceClientOptions {
        client_options: ClientOptions {
            per_try_policies: vec![policy],
            ..Default::default()
        },
        ..Default::default()
    };
    let url = azure_core::http::Url::parse(&format!("{host}/{EMULATOR_ACCOUNT}")).unwrap();
    BlobServiceClient::new(url, None, Some(options)).unwrap()
}

async fn raw_properties(sdk: &BlobServiceClient) -> String {
    let r = sdk.get_properties(None).await.unwrap();
    String::from_utf8(r.into_body().to_vec()).unwrap()
}

async fn put_raw(sdk: &BlobServiceClient, xml: &str) {
    sdk.set_properties(bytes::Bytes::from(xml.to_string()).into(), None)
        .await
        .unwrap();
}

/// The rules as the SDK's typed model reads them: (origins, methods, allowed, exposed, max age).
async fn sdk_rules(sdk: &BlobServiceClient) -> Vec<(String, String, String, String, i32)> {
    let props = sdk
        .get_properties(None)
        .await
        .unwrap()
        .into_model()
        .unwrap();
    props
        .cors
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                r.allowed_origins.unwrap_or_default(),
                r.allowed_methods.unwrap_or_default(),
                r.allowed_headers.unwrap_or_default(),
                r.exposed_headers.unwrap_or_default(),
                r.max_age_in_seconds.unwrap_or_default(),
            )
        })
        .collect()
}

fn as_sdk(rules: &[CorsRule]) -> Vec<(String, String, String, String, i32)> {
    rules
        .iter()
        .map(|r| {
            (
                r.allowed_origins.join(","),
                r.methods_text(),
                r.allowed_headers.join(","),
                r.exposed_headers.join(","),
                r.max_age_seconds as i32,
            )
        })
        .collect()
}

async fn clear(sdk: &BlobServiceClient) {
    put_raw(
        sdk,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageServiceProperties><Cors /></StorageServiceProperties>",
    )
    .await;
}

fn app_rule() -> CorsRule {
    CorsRule::new(
        &["https://app.example.com"],
        &[CorsMethod::Put],
        &["content-type", "x-ms-*"],
        &["x-ms-meta-*"],
        3000,
    )
}

#[tokio::test]
async fn rules_saved_through_blobx_read_back_identical_through_the_sdk() {
    let _turn = LOCK.lock().await;
    let emu = Emulator::shared();
    let (c, s) = (client(&emu.host), sdk(&emu.host));
    clear(&s).await;

    let mut rules = preset_browser_uploads("https://ml.example.com").unwrap();
    rules.extend(preset_local_development());
    let outcome = save_cors(&c, &rules, None).await.unwrap();
    assert_eq!(outcome, SaveOutcome::Saved { previous: vec![] });
    assert_eq!(sdk_rules(&s).await, as_sdk(&rules));
    assert_eq!(get_cors(&c).await.unwrap(), rules);

    // Reordered, and then none at all.
    rules.reverse();
    save_cors(&c, &rules, None).await.unwrap();
    assert_eq!(sdk_rules(&s).await, as_sdk(&rules));
    save_cors(&c, &[], None).await.unwrap();
    assert!(sdk_rules(&s).await.is_empty());
    assert!(get_cors(&c).await.unwrap().is_empty());
}

/// `xml` without its `<Cors>…</Cors>` (or `<Cors />`) element.
fn without_cors(xml: &str) -> String {
    if let Some(start) = xml.find("<Cors>") {
        let end = xml.find("</Cors>").unwrap() + "</Cors>".len();
        return format!("{}{}", &xml[..start], &xml[end..]);
    }
    for empty in ["<Cors />", "<Cors/>"] {
        if let Some(start) = xml.find(empty) {
            return format!("{}{}", &xml[..start], &xml[start + empty.len()..]);
        }
    }
    xml.to_string()
}

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    let start = xml
        .find(&format!("<{name}>"))
        .unwrap_or_else(|| panic!("no <{name}> in {xml}"));
    let close = format!("</{name}>");
    let end = xml[start..].find(&close).unwrap() + start + close.len();
    &xml[start..end]
}

#[tokio::test]
async fn a_cors_save_leaves_every_other_setting_byte_for_byte() {
    let _turn = LOCK.lock().await;
    let emu = Emulator::shared();
    let (c, s) = (client(&emu.host), sdk(&emu.host));
    put_raw(
        &s,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageServiceProperties>\
         <Logging><Version>1.0</Version><Delete>true</Delete><Read>true</Read><Write>true</Write>\
         <RetentionPolicy><Enabled>true</Enabled><Days>7</Days></RetentionPolicy></Logging>\
         <HourMetrics><Version>1.0</Version><Enabled>true</Enabled><IncludeAPIs>true</IncludeAPIs>\
         <RetentionPolicy><Enabled>true</Enabled><Days>9</Days></RetentionPolicy></HourMetrics>\
         <MinuteMetrics><Version>1.0</Version><Enabled>true</Enabled><IncludeAPIs>false</IncludeAPIs>\
         <RetentionPolicy><Enabled>true</Enabled><Days>3</Days></RetentionPolicy></MinuteMetrics>\
         <Cors><CorsRule><AllowedOrigins>https://old.example.com</AllowedOrigins><AllowedMethods>GET</AllowedMethods>\
         <MaxAgeInSeconds>5</MaxAgeInSeconds><ExposedHeaders></ExposedHeaders><AllowedHeaders></AllowedHeaders></CorsRule></Cors>\
         <DefaultServiceVersion>2020-10-02</DefaultServiceVersion>\
         <DeleteRetentionPolicy><Enabled>true</Enabled><Days>5</Days></DeleteRetentionPolicy>\
         <StaticWebsite><Enabled>true</Enabled><IndexDocument>index.html</IndexDocument>\
         <ErrorDocument404Path>404.html</ErrorDocument404Path></StaticWebsite>\
         </StorageServiceProperties>",
    )
    .await;
    let before = raw_properties(&s).await;
    for (name, needle) in [
        ("Logging", "<Days>7</Days>"),
        ("HourMetrics", "<Days>9</Days>"),
        ("MinuteMetrics", "<Days>3</Days>"),
        ("DeleteRetentionPolicy", "<Days>5</Days>"),
        ("StaticWebsite", "404.html"),
        ("DefaultServiceVersion", "2020-10-02"),
    ] {
        assert!(element(&before, name).contains(needle), "{name}: {before}");
    }

    let rules = vec![app_rule()];
    let outcome = save_cors(&c, &rules, None).await.unwrap();
    let old = CorsRule::new(
        &["https://old.example.com"],
        &[CorsMethod::Get],
        &[],
        &[],
        5,
    );
    assert_eq!(
        outcome,
        SaveOutcome::Saved {
            previous: vec![old]
        }
    );

    let after = raw_properties(&s).await;
    assert_ne!(before, after, "the rules did not change");
    assert_eq!(without_cors(&before), without_cors(&after));
    for name in [
        "Logging",
        "HourMetrics",
        "MinuteMetrics",
        "DeleteRetentionPolicy",
        "StaticWebsite",
        "DefaultServiceVersion",
    ] {
        assert_eq!(element(&before, name), element(&after, name), "{name}");
    }
    assert_eq!(sdk_rules(&s).await, as_sdk(&rules));
    clear(&s).await;
}

#[tokio::test]
async fn a_change_made_by_someone_else_is_detected_before_writing() {
    let _turn = LOCK.lock().await;
    let emu = Emulator::shared();
    let (c, s) = (client(&emu.host), sdk(&emu.host));
    save_cors(&c, &[app_rule()], None).await.unwrap();

    // The editor opens and reads what it starts from.
    let opened = get_cors(&c).await.unwrap();
    // Someone else changes the rules meanwhile.
    put_raw(
        &s,
        "<StorageServiceProperties><Cors><CorsRule><AllowedOrigins>https://theirs.example.com</AllowedOrigins>\
         <AllowedMethods>GET,HEAD</AllowedMethods><MaxAgeInSeconds>60</MaxAgeInSeconds>\
         <ExposedHeaders></ExposedHeaders><AllowedHeaders></AllowedHeaders></CorsRule></Cors></StorageServiceProperties>",
    )
    .await;
    let theirs = CorsRule::new(
        &["https://theirs.example.com"],
        &[CorsMethod::Get, CorsMethod::Head],
        &[],
        &[],
        60,
    );

    let mine = preset_local_development();
    let outcome = save_cors(&c, &mine, Some(&opened)).await.unwrap();
    assert_eq!(
        outcome,
        SaveOutcome::Changed {
            current: vec![theirs.clone()]
        }
    );
    assert_eq!(sdk_rules(&s).await, as_sdk(std::slice::from_ref(&theirs)));

    // Having seen their change, the user saves over it.
    let outcome = save_cors(&c, &mine, Some(std::slice::from_ref(&theirs)))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        SaveOutcome::Saved {
            previous: vec![theirs]
        }
    );
    assert_eq!(sdk_rules(&s).await, as_sdk(&mine));
    clear(&s).await;
}

fn rule_json(origins: &str, methods: &str, extra: &str) -> String {
    format!(r#"{{"allowed_origins":[{origins}],"allowed_methods":[{methods}]{extra}}}"#)
}

/// Each invalid input, its reason, and (where the model can hold it) the rules.
fn invalid_inputs() -> Vec<(&'static str, String, &'static str, Option<Vec<CorsRule>>)> {
    let ok = rule_json(r#""https://a.example.com""#, r#""GET""#, "");
    let six = format!("{{\"rules\":[{}]}}", [ok.as_str(); 6].join(","));
    let headers: Vec<String> = (0..65).map(|i| format!("\"x-h-{i}\"")).collect();
    let mut too_many = app_rule();
    too_many.allowed_headers = (0..65).map(|i| format!("x-h-{i}")).collect();
    let mut with_path = app_rule();
    with_path.allowed_origins = vec!["https://app.example.com/upload".into()];
    let mut three_prefixed = app_rule();
    three_prefixed.exposed_headers = vec!["a-*".into(), "b-*".into(), "c-*".into()];
    vec![
        (
            "six rules",
            six,
            "at most 5 CORS rules",
            Some(vec![app_rule(); 6]),
        ),
        (
            "an origin with a path",
            format!(
                "{{\"rules\":[{}]}}",
                rule_json(r#""https://app.example.com/upload""#, r#""PUT""#, "")
            ),
            "has a path",
            Some(vec![with_path]),
        ),
        (
            "an unknown method",
            format!(
                "{{\"rules\":[{}]}}",
                rule_json(r#""https://a.example.com""#, r#""FETCH""#, "")
            ),
            "\"FETCH\" is not a method the service accepts",
            None,
        ),
        (
            "a negative max age",
            format!(
                "{{\"rules\":[{}]}}",
                rule_json(
                    r#""https://a.example.com""#,
                    r#""GET""#,
                    r#","max_age_seconds":-5"#
                )
            ),
            "max age cannot be negative",
            None,
        ),
        (
            "a non-numeric max age",
            format!(
                "{{\"rules\":[{}]}}",
                rule_json(
                    r#""https://a.example.com""#,
                    r#""GET""#,
                    r#","max_age_seconds":"an hour""#
                )
            ),
            "max age must be a whole number of seconds",
            None,
        ),
        (
            "too many headers",
            format!(
                "{{\"rules\":[{}]}}",
                rule_json(
                    r#""https://a.example.com""#,
                    r#""GET""#,
                    &format!(r#","allowed_headers":[{}]"#, headers.join(","))
                )
            ),
            "65 literal headers; at most 64",
            Some(vec![too_many]),
        ),
        (
            "too many prefixed headers",
            format!(
                "{{\"rules\":[{}]}}",
                rule_json(
                    r#""https://a.example.com""#,
                    r#""GET""#,
                    r#","exposed_headers":["a-*","b-*","c-*"]"#
                )
            ),
            "3 prefixed headers",
            Some(vec![three_prefixed]),
        ),
    ]
}

#[tokio::test]
async fn invalid_input_is_refused_with_its_reason_and_nothing_is_sent() {
    let _turn = LOCK.lock().await;
    let emu = Emulator::shared();
    let (c, s) = (client(&emu.host), sdk(&emu.host));
    save_cors(&c, &[app_rule()], None).await.unwrap();
    let before = raw_properties(&s).await;

    // A listener that counts connections stands in for the service.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let silent =
        StorageClient::new(Account::emulator(&format!("http://127.0.0.1:{port}")).unwrap())
            .unwrap();

    let dir = tempfile::tempdir().unwrap();
    for (what, json, reason, rules) in invalid_inputs() {
        let e = parse_json(&json).unwrap_err();
        assert!(e.contains(reason), "{what}: {e}");
        if let Some(rules) = rules {
            match save_cors(&silent, &rules, None).await {
                Err(OpError::Invalid(e)) => assert!(e.contains(reason), "{what}: {e}"),
                other => panic!("{what}: {other:?}"),
            }
        }
        // The headless command refuses it too, with the reason, exit status non-zero.
        let file = dir.path().join("rules.json");
        std::fs::write(&file, &json).unwrap();
        let out = blobx(
            emu,
            dir.path(),
            &["cors", "set", file.to_str().unwrap()],
            None,
        );
        assert!(!out.status.success(), "{what}");
        assert!(
            text(&out.stderr).contains(reason),
            "{what}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{what}");
    }
    assert!(
        matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "a request was sent for invalid rules"
    );
    assert_eq!(raw_properties(&s).await, before, "the service changed");
    clear(&s).await;
}

#[tokio::test]
async fn the_real_preflight_is_allowed_and_refused_as_the_rules_say() {
    let _turn = LOCK.lock().await;
    let emu = Emulator::shared();
    let (c, s) = (client(&emu.host), sdk(&emu.host));
    let rules = vec![
        CorsRule::new(
            &["https://other.example.com"],
            &[CorsMethod::Get],
            &[],
            &[],
            0,
        ),
        app_rule(),
    ];
    save_cors(&c, &rules, None).await.unwrap();

    let request = |origin: &str, method: &str, headers: &[&str]| PreflightRequest {
        origin: origin.into(),
        method: method.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
    };
    let allowed = test_preflight(
        &c,
        &request("https://app.example.com", "PUT", &["x-ms-blob-type"]),
    )
    .await
    .unwrap();
    assert!(allowed.answer.allowed, "{:?}", allowed.answer);
    assert_eq!(allowed.answer.status, 200);
    assert_eq!(
        allowed.answer.allow_origin.as_deref(),
        Some("https://app.example.com")
    );
    assert_eq!(allowed.answer.max_age.as_deref(), Some("3000"));
    assert_eq!(allowed.verdict, Verdict::Allowed { rule: 1 });
    assert!(allowed.agrees());

    let refused = test_preflight(&c, &request("https://evil.example.com", "PUT", &[]))
        .await
        .unwrap();
    assert!(!refused.answer.allowed);
    assert_eq!(refused.answer.status, 403);
    assert_eq!(
        refused.answer.error_code.as_deref(),
        Some("CorsPreflightFailure")
    );
    assert!(matches!(refused.verdict, Verdict::NoMatch { .. }));
    assert!(refused.agrees());
    assert!(
        refused
            .verdict
            .explain(&refused.request)
            .contains("rule 2 lists other origins"),
        "{}",
        refused.verdict.explain(&refused.request)
    );

    // The same from the command line: exit status 0 when allowed, 1 when not.
    let dir = tempfile::tempdir().unwrap();
    let out = blobx(
        emu,
        dir.path(),
        &[
            "cors",
            "test",
            "--origin",
            "https://app.example.com",
            "--method",
            "put",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("rule 2 matches"),
        "{}",
        text(&out.stdout)
    );
    let out = blobx(
        emu,
        dir.path(),
        &[
            "cors",
            "test",
            "--origin",
            "https://evil.example.com",
            "--method",
            "PUT",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("CorsPreflightFailure"),
        "{}",
        text(&out.stdout)
    );
    clear(&s).await;
}

fn blobx(emu: &Emulator, dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_blobx"));
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

#[tokio::test]
async fn blobx_cors_get_and_set_for_scripts() {
    let _turn = LOCK.lock().await;
    let emu = Emulator::shared();
    let s = sdk(&emu.host);
    clear(&s).await;
    let dir = tempfile::tempdir().unwrap();

    let out = blobx(emu, dir.path(), &["cors", "get"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["account"], "devstoreaccount1");
    assert_eq!(got["rules"], serde_json::json!([]));

    // A file exported elsewhere applies here; a dry run writes nothing.
    let rules = preset_browser_uploads("https://ml.example.com").unwrap();
    let json = blobx::azure::cors::to_json(Some("elsewhere"), &rules);
    let file = dir.path().join("cors.json");
    std::fs::write(&file, &json).unwrap();
    let out = blobx(
        emu,
        dir.path(),
        &["cors", "set", file.to_str().unwrap(), "--dry-run"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("+ 1. origins *"),
        "{}",
        text(&out.stderr)
    );
    assert!(sdk_rules(&s).await.is_empty());

    let out = blobx(emu, dir.path(), &["cors", "set", "-"], Some(&json));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("read from account elsewhere"), "{stderr}");
    assert!(stderr.contains("saved 2 CORS rules"), "{stderr}");
    assert_eq!(sdk_rules(&s).await, as_sdk(&rules));

    let out = blobx(emu, dir.path(), &["cors", "get", "devstoreaccount1"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (account, read) = parse_json(&text(&out.stdout)).unwrap();
    assert_eq!(account.as_deref(), Some("devstoreaccount1"));
    assert_eq!(read, rules);

    // An account that does not exist is a clear error.
    let out = blobx(emu, dir.path(), &["cors", "get", "nope"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
    clear(&s).await;
}

/// The whole job from the keyboard: open the editor, add a rule through the
/// form, review and save it, test it with the real preflight, and undo it.
#[tokio::test(flavor = "multi_thread")]
async fn fix_test_and_undo_cors_from_the_keyboard() {
    let _turn = LOCK.lock().await;
    let emu = Emulator::shared();
    let s = sdk(&emu.host);
    clear(&s).await;
    let dir = tempfile::tempdir().unwrap();
    let mut tui = Tui::spawn(&["--emulator", &emu.host], &[], dir.path(), 140, 40);
    tui.wait_text("devstoreaccount1 (emulator)");

    tui.send("C");
    tui.wait_text("CORS rules · devstoreaccount1 (emulator)");
    tui.wait_text("No CORS rules");

    // A new rule: origin, PUT ticked next to the preset GET, headers, max age.
    tui.send("a");
    tui.wait_text("New CORS rule");
    tui.type_text("https://app.example.com");
    tui.send("\t");
    for _ in 0..6 {
        tui.send("\x1b[C");
    }
    tui.send(" ");
    tui.send("\t");
    tui.type_text("content-type,x-ms-*");
    tui.send("\t");
    tui.type_text("x-ms-meta-*");
    tui.send("\t");
    for _ in 0..4 {
        tui.send("\x7f");
    }
    tui.type_text("3000");
    tui.wait_text("✓ origins https://app.example.com · methods GET,PUT");
    tui.send("\r");
    tui.wait_text("Rule 1 is ready");
    assert!(sdk_rules(&s).await.is_empty(), "saved before the review");

    // Review the diff, then save.
    tui.send("s");
    let screen = tui.wait_text("Save these CORS rules?");
    assert!(
        screen.contains("+ 1. origins https://app.example.com · methods GET,PUT"),
        "{screen}"
    );
    tui.send("y");
    tui.wait_text("Saved 1 CORS rule on devstoreaccount1 (emulator)");
    assert_eq!(
        sdk_rules(&s).await,
        vec![(
            "https://app.example.com".to_string(),
            "GET,PUT".to_string(),
            "content-type,x-ms-*".to_string(),
            "x-ms-meta-*".to_string(),
            3000
        )]
    );

    // Test it: the form starts on the rule's origin; pick PUT and send.
    tui.send("t");
    tui.wait_text("Test a rule: the real preflight");
    tui.send("\t");
    for _ in 0..5 {
        tui.send("\x1b[C");
    }
    tui.wait_text("◀ PUT ▶");
    tui.send("\r");
    let screen = tui.wait_text("may send PUT here");
    assert!(
        screen.contains("✓ A browser at https://app.example.com"),
        "{screen}"
    );
    assert!(screen.contains("rule 1 matches"), "{screen}");
    // Another origin is refused, as the service says.
    tui.send("\x1b[A");
    for _ in 0.."app.example.com".len() {
        tui.send("\x7f");
    }
    tui.type_text("evil.example.com");
    tui.send("\r");
    let screen = tui.wait_text("may not send PUT here");
    assert!(
        screen.contains("✗ A browser at https://evil.example.com"),
        "{screen}"
    );
    assert!(screen.contains("CorsPreflightFailure"), "{screen}");
    assert!(screen.contains("rule 1 lists other origins"), "{screen}");
    tui.send("\x1b");
    tui.wait_for("test closed", |s| !s.contains("Test a rule"));

    // Undo the save: the service has no rules again.
    tui.send("u");
    tui.wait_text("Undo the last save?");
    tui.send("y");
    tui.wait_text("Undone");
    assert!(sdk_rules(&s).await.is_empty());

    tui.send("\x1b");
    tui.wait_for("editor closed", |s| !s.contains("CORS rules ·"));
    tui.send("q");
    assert!(tui.wait_exit(), "blobx exited with an error");
}
