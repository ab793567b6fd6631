use super::*;

/// The shape Get Blob Service Properties documents (with CORS in the middle).
const DOC: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageServiceProperties><Logging><Version>1.0</Version><Read>true</Read><Write>false</Write><Delete>true</Delete><RetentionPolicy><Enabled>true</Enabled><Days>7</Days></RetentionPolicy></Logging><HourMetrics><Version>1.0</Version><Enabled>true</Enabled><IncludeAPIs>false</IncludeAPIs><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></HourMetrics><MinuteMetrics><Version>1.0</Version><Enabled>false</Enabled><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></MinuteMetrics><Cors><CorsRule><AllowedOrigins>https://a.example</AllowedOrigins><AllowedMethods>GET</AllowedMethods><MaxAgeInSeconds>5</MaxAgeInSeconds><ExposedHeaders></ExposedHeaders><AllowedHeaders></AllowedHeaders></CorsRule></Cors><DefaultServiceVersion>2020-10-02</DefaultServiceVersion><DeleteRetentionPolicy><Enabled>true</Enabled><Days>14</Days><AllowPermanentDelete>false</AllowPermanentDelete></DeleteRetentionPolicy><StaticWebsite><Enabled>true</Enabled><IndexDocument>index.html</IndexDocument><ErrorDocument404Path>404.html</ErrorDocument404Path></StaticWebsite></StorageServiceProperties>";

#[test]
fn the_documented_shape_reads() {
    let s = parse_settings(DOC).unwrap();
    assert_eq!(s.delete_retention.days, Some(14));
    assert!(s.delete_retention.enabled);
    assert_eq!(s.delete_retention.allow_permanent_delete, Some(false));
    assert!(s.static_website.enabled);
    assert_eq!(
        s.static_website.index_document.as_deref(),
        Some("index.html")
    );
    assert_eq!(
        s.static_website.error_document_404_path.as_deref(),
        Some("404.html")
    );
    assert!(s.logging.read && !s.logging.write && s.logging.delete);
    assert_eq!(s.logging.retention_days, Some(7));
    assert!(s.hour_metrics.enabled);
    assert_eq!(s.hour_metrics.include_apis, Some(false));
    assert!(!s.minute_metrics.enabled);
    // A document without any of them reads as all off.
    assert_eq!(
        parse_settings("<StorageServiceProperties/>").unwrap(),
        ServiceSettings::default()
    );
}

#[test]
fn only_the_changed_section_is_rewritten() {
    let before = parse_settings(DOC).unwrap();
    let mut after = before.clone();
    after.delete_retention.days = Some(30);
    let out = replace_settings(DOC, &before, &after).unwrap();
    let cut = |x: &str, name: &str| {
        let span = crate::azure::cors::element_span(x, name).unwrap();
        x[span].to_string()
    };
    for kept in [
        "Logging",
        "HourMetrics",
        "MinuteMetrics",
        "Cors",
        "DefaultServiceVersion",
        "StaticWebsite",
    ] {
        assert_eq!(cut(&out, kept), cut(DOC, kept), "{kept}");
    }
    assert_eq!(parse_settings(&out).unwrap(), after);
    // Unchanged settings: the document comes back as read.
    assert_eq!(
        replace_settings(DOC, &before, &before).unwrap(),
        DOC.trim_start_matches('\u{feff}')
    );
}

#[test]
fn missing_sections_go_where_the_schema_puts_them() {
    let doc = "<StorageServiceProperties><Cors /></StorageServiceProperties>";
    let before = parse_settings(doc).unwrap();
    let mut after = before.clone();
    after.static_website = StaticWebsite {
        enabled: true,
        index_document: Some("a&b.html".into()),
        ..Default::default()
    };
    after.logging.read = true;
    let out = replace_settings(doc, &before, &after).unwrap();
    let at = |n: &str| out.find(n).unwrap();
    assert!(
        at("<Logging>") < at("<Cors />") && at("<Cors />") < at("<StaticWebsite>"),
        "{out}"
    );
    assert!(out.contains("a&amp;b.html"), "{out}");
    assert_eq!(parse_settings(&out).unwrap(), after);
}

#[test]
fn bad_settings_are_refused_in_words() {
    let mut s = ServiceSettings::default();
    s.delete_retention.enabled = true;
    assert!(s.check().unwrap_err().contains("days are required"));
    s.delete_retention.days = Some(366);
    assert!(s.check().unwrap_err().contains("outside 1–365"));
    s.delete_retention.days = Some(365);
    s.static_website.index_document = Some("index.html".into());
    s.static_website.default_index_document_path = Some("/index.html".into());
    assert!(s.check().unwrap_err().contains("exclude each other"));
    s.static_website.default_index_document_path = None;
    assert_eq!(s.check(), Ok(()));
    assert!(parse_json("{\"deleteRetention\": {\"enabled\": true, \"dayz\": 3}}").is_err());
    assert!(parse_json("{}").unwrap_err().contains("no settings"));
    assert!(parse_json("[").is_err());
}

#[test]
fn json_round_trips_and_applies_only_its_sections() {
    let s = parse_settings(DOC).unwrap();
    let text = PropsJson::new(Some("acct"), None, &s).to_pretty();
    let back = parse_json(&text).unwrap();
    assert_eq!(back.apply(&ServiceSettings::default()), s);
    let only = parse_json("{\"deleteRetention\": {\"enabled\": false}}").unwrap();
    let applied = only.apply(&s);
    assert!(!applied.delete_retention.enabled);
    assert_eq!(applied.static_website, s.static_website);
    assert_eq!(
        diff_lines(&s, &applied.clone().normalized()),
        vec!["blob soft delete: on, 14 days → off"]
    );
}
