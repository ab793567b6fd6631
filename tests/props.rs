//! The Blob service's settings against Azurite: each round-trips, saving
//! them keeps CORS byte for byte and saving CORS keeps them (read back by the
//! SDK's own Get Blob Service Properties, an independent reader), a change
//! made by someone else in between is refused, undo restores, and the
//! headless `blobx props get|set` do the same with one audit line.
//! Service properties belong to the whole account: one test, in order.

mod support;

use blobx::azure::cors::{element_span, get_properties_xml, preset_local_development, save_cors};
use blobx::azure::props::{
    SaveOutcome, ServiceSettings, StaticWebsite, get_settings, save_settings,
};
use std::process::Output;
use support::emulator::Emulator;
use support::run_blobx;
use support::seed::client;

fn part(xml: &str, name: &str) -> String {
    element_span(xml, name)
        .map(|s| xml[s].to_string())
        .unwrap_or_default()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The document as the SDK's own model reads it (an independent reader).
async fn sdk_view(host: &str) -> azure_storage_blob::models::BlobServiceProperties {
    let xml = get_properties_xml(&client(host)).await.unwrap();
    azure_core::xml::from_xml(xml.trim_start_matches('\u{feff}').as_bytes()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_round_trip_and_cors_is_kept_both_ways() {
    let emu = Emulator::shared();
    let c = client(&emu.host);

    // CORS rules to keep.
    let rules = preset_local_development();
    save_cors(&c, &rules, None).await.unwrap();
    let xml0 = get_properties_xml(&c).await.unwrap();
    let cors0 = part(&xml0, "Cors");
    assert!(cors0.contains("<CorsRule>"), "{xml0}");

    // Soft delete, the website, logging and metrics: written and read back.
    let before = get_settings(&c).await.unwrap();
    let mut after = before.clone();
    after.delete_retention.enabled = true;
    after.delete_retention.days = Some(9);
    after.static_website = StaticWebsite {
        enabled: true,
        index_document: Some("index.html".into()),
        error_document_404_path: Some("errors/404.html".into()),
        default_index_document_path: None,
    };
    after.logging.read = true;
    after.logging.retention_days = Some(3);
    after.minute_metrics.enabled = true;
    after.minute_metrics.include_apis = Some(true);
    after.minute_metrics.retention_days = Some(2);
    let outcome = save_settings(&c, &after, Some(&before)).await.unwrap();
    assert_eq!(
        outcome,
        SaveOutcome::Saved {
            previous: before.clone()
        }
    );
    let xml1 = get_properties_xml(&c).await.unwrap();
    assert_eq!(part(&xml1, "Cors"), cors0, "CORS kept byte for byte");
    assert_eq!(get_settings(&c).await.unwrap(), after.clone().normalized());
    let sdk = sdk_view(&emu.host).await;
    let d = sdk.delete_retention_policy.unwrap();
    assert_eq!((d.enabled, d.days), (Some(true), Some(9)));
    let w = sdk.static_website.unwrap();
    assert_eq!(w.error_document404_path.as_deref(), Some("errors/404.html"));
    assert_eq!(sdk.cors.map(|c| c.len()), Some(rules.len()));

    // Saving CORS keeps the settings, byte for byte.
    let mut fewer = rules.clone();
    fewer.truncate(1);
    fewer[0].max_age_seconds = 42;
    save_cors(&c, &fewer, None).await.unwrap();
    let xml2 = get_properties_xml(&c).await.unwrap();
    for name in [
        "Logging",
        "HourMetrics",
        "MinuteMetrics",
        "DeleteRetentionPolicy",
        "StaticWebsite",
    ] {
        assert_eq!(part(&xml2, name), part(&xml1, name), "{name}");
    }
    assert_ne!(part(&xml2, "Cors"), cors0);

    // Someone else changed them since we read: nothing is written.
    let mut stale = after.clone();
    stale.delete_retention.days = Some(100);
    let outcome = save_settings(&c, &stale, Some(&before)).await.unwrap();
    assert!(
        matches!(outcome, SaveOutcome::Changed { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        get_settings(&c).await.unwrap().delete_retention.days,
        Some(9)
    );

    // Invalid settings never reach the service.
    let mut bad = after.clone();
    bad.delete_retention.days = Some(400);
    assert!(save_settings(&c, &bad, None).await.is_err());

    // Undo: the previous settings back, only if nobody changed them since.
    let outcome = save_settings(&c, &before, Some(&after)).await.unwrap();
    assert!(matches!(outcome, SaveOutcome::Saved { .. }));
    assert_eq!(get_settings(&c).await.unwrap(), before.clone().normalized());
    assert_eq!(
        save_settings(&c, &before, None).await.unwrap(),
        SaveOutcome::Unchanged
    );

    // Headless: get prints JSON; set changes one section with one audit line.
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let out = run_blobx(h, &["props", "get", "--emulator", &emu.host]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["deleteRetention"]["enabled"], false);
    let file = h.join("props.json");
    std::fs::write(
        &file,
        r#"{"deleteRetention": {"enabled": true, "days": 5}}"#,
    )
    .unwrap();
    let xml3 = get_properties_xml(&c).await.unwrap();
    let out = run_blobx(
        h,
        &[
            "props",
            "set",
            "emulator",
            file.to_str().unwrap(),
            "--emulator",
            &emu.host,
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("blob soft delete: off → on, 5 days"),
        "{}",
        stderr(&out)
    );
    let xml4 = get_properties_xml(&c).await.unwrap();
    assert_eq!(part(&xml4, "Cors"), part(&xml3, "Cors"));
    assert_eq!(part(&xml4, "StaticWebsite"), part(&xml3, "StaticWebsite"));
    assert_eq!(
        get_settings(&c).await.unwrap().delete_retention.days,
        Some(5)
    );
    let audit = support::audit_lines(h);
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert!(
        audit[0].contains("set blob service properties"),
        "{audit:?}"
    );
    // A bad file is refused before any request, naming the problem.
    std::fs::write(
        &file,
        r#"{"deleteRetention": {"enabled": true, "days": 0}}"#,
    )
    .unwrap();
    let out = run_blobx(
        h,
        &[
            "props",
            "set",
            "emulator",
            file.to_str().unwrap(),
            "--emulator",
            &emu.host,
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("outside 1–365"), "{}", stderr(&out));

    // Leave the account as it was.
    save_settings(&c, &ServiceSettings::default(), None)
        .await
        .unwrap();
    save_cors(&c, &[], None).await.unwrap();
}
