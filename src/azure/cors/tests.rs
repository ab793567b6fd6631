use super::*;

fn upload_rule() -> CorsRule {
    CorsRule::new(
        &["https://app.example.com"],
        &[CorsMethod::Put, CorsMethod::Get],
        &["content-type", "x-ms-*"],
        &["x-ms-meta-*"],
        3000,
    )
}

const PROPS: &str = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><StorageServiceProperties><Logging><Version>1.0</Version><Read>true</Read><Write>false</Write><Delete>true</Delete><RetentionPolicy><Enabled>true</Enabled><Days>7</Days></RetentionPolicy></Logging><HourMetrics><Version>1.0</Version><Enabled>false</Enabled><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></HourMetrics><MinuteMetrics><Version>1.0</Version><Enabled>false</Enabled><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></MinuteMetrics><Cors><CorsRule><AllowedOrigins>https://a.example.com,https://b.example.com</AllowedOrigins><AllowedMethods>get,PUT</AllowedMethods><MaxAgeInSeconds>60</MaxAgeInSeconds><ExposedHeaders /><AllowedHeaders>x-ms-meta-*</AllowedHeaders></CorsRule></Cors><DefaultServiceVersion>2020-02-10</DefaultServiceVersion><DeleteRetentionPolicy><Enabled>true</Enabled><Days>5</Days></DeleteRetentionPolicy><StaticWebsite><Enabled>false</Enabled></StaticWebsite></StorageServiceProperties>";

#[test]
fn parses_rules_from_service_properties() {
    let rules = parse_cors(PROPS).unwrap();
    assert_eq!(
        rules,
        vec![CorsRule::new(
            &["https://a.example.com", "https://b.example.com"],
            &[CorsMethod::Get, CorsMethod::Put],
            &["x-ms-meta-*"],
            &[],
            60
        )]
    );
    assert!(
        parse_cors("<StorageServiceProperties><Cors /></StorageServiceProperties>")
            .unwrap()
            .is_empty()
    );
    assert!(
        parse_cors("<StorageServiceProperties/>")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn replacing_cors_keeps_every_other_byte() {
    let rules = vec![upload_rule()];
    let out = replace_cors(PROPS, &rules).unwrap();
    let span = element_span(PROPS, "Cors").unwrap();
    let stripped = PROPS.trim_start_matches('\u{feff}');
    let s2 = element_span(stripped, "Cors").unwrap();
    assert_eq!(&out[..s2.start], &stripped[..s2.start]);
    assert!(out.ends_with(&PROPS[span.end..]));
    assert_eq!(parse_cors(&out).unwrap(), rules);
    // Clearing writes an empty element, still in place.
    let cleared = replace_cors(&out, &[]).unwrap();
    assert!(cleared.contains("</MinuteMetrics><Cors /><DefaultServiceVersion>"));
    assert!(parse_cors(&cleared).unwrap().is_empty());
}

#[test]
fn cors_is_inserted_where_the_schema_puts_it() {
    let xml = "<?xml version=\"1.0\"?><StorageServiceProperties><Logging><Read>true</Read></Logging><HourMetrics/><DefaultServiceVersion>x</DefaultServiceVersion></StorageServiceProperties>";
    let out = replace_cors(xml, &[upload_rule()]).unwrap();
    assert!(out.contains("<HourMetrics/><Cors><CorsRule>"), "{out}");
    assert!(
        out.ends_with(
            "<DefaultServiceVersion>x</DefaultServiceVersion></StorageServiceProperties>"
        )
    );
    let bare = "<StorageServiceProperties><DefaultServiceVersion>x</DefaultServiceVersion></StorageServiceProperties>";
    let out = replace_cors(bare, &[upload_rule()]).unwrap();
    assert!(out.starts_with("<StorageServiceProperties><Cors>"), "{out}");
    let empty = replace_cors("<StorageServiceProperties />", &[]).unwrap();
    assert_eq!(
        empty,
        "<StorageServiceProperties><Cors /></StorageServiceProperties>"
    );
    assert!(replace_cors("<Other/>", &[]).is_err());
}

#[test]
fn xml_escapes_values() {
    let mut r = upload_rule();
    r.allowed_headers = vec!["a&b".into()];
    assert!(cors_xml(&[r]).contains("<AllowedHeaders>a&amp;b</AllowedHeaders>"));
}

#[test]
fn origins_are_checked_in_words() {
    for ok in [
        "*",
        "https://app.example.com",
        "http://localhost:3000",
        "http://127.0.0.1:10000",
        "https://[::1]:8443",
    ] {
        assert_eq!(check_origin(ok), Ok(()), "{ok}");
    }
    let bad = |o: &str, needle: &str| {
        let e = check_origin(o).unwrap_err();
        assert!(e.contains(needle), "{o}: {e}");
    };
    bad("https://app.example.com/upload", "has a path");
    bad("https://app.example.com/", "ends with /");
    bad("app.example.com", "not an origin");
    bad("https://*.example.com", "partial wildcard");
    bad("https://App.Example.com", "lower case");
    bad("https://user@app.example.com", "user name");
    bad("https://", "no host");
    bad("https://app.example.com:99999", "not an origin");
    bad(&format!("https://{}.com", "a".repeat(260)), "at most 256");
    assert!(check_origins(&[]).is_err());
    assert!(
        check_origins(&["*".into(), "https://a.com".into()])
            .unwrap_err()
            .contains("every origin")
    );
}

#[test]
fn headers_and_their_limits() {
    assert!(
        check_headers(
            &["x-ms-meta-*".into(), "content-type".into()],
            "allowed headers"
        )
        .is_ok()
    );
    assert!(check_headers(&["*".into()], "allowed headers").is_ok());
    let three: Vec<String> = ["a-*", "b-*", "c-*"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(
        check_headers(&three, "exposed headers")
            .unwrap_err()
            .contains("3 prefixed")
    );
    let many: Vec<String> = (0..65).map(|i| format!("x-h-{i}")).collect();
    assert!(
        check_headers(&many, "allowed headers")
            .unwrap_err()
            .contains("65 literal")
    );
    assert!(check_header("x-*-y").unwrap_err().contains("may only end"));
    assert!(
        check_header("bad header")
            .unwrap_err()
            .contains("cannot contain")
    );
}

#[test]
fn max_age_in_words() {
    assert_eq!(parse_max_age(" 3000 "), Ok(3000));
    assert!(parse_max_age("-5").unwrap_err().contains("negative"));
    assert!(parse_max_age("soon").unwrap_err().contains("whole number"));
    assert!(parse_max_age("1.5").unwrap_err().contains("whole number"));
    assert!(parse_max_age("").unwrap_err().contains("empty"));
    assert!(
        parse_max_age("99999999999")
            .unwrap_err()
            .contains("at most")
    );
}

#[test]
fn set_limits() {
    let six = vec![upload_rule(); 6];
    assert!(check_rules(&six).unwrap_err().contains("at most 5"));
    let mut big = upload_rule();
    big.allowed_origins = (0..64)
        .map(|i| format!("https://application-{i:02}.example.com"))
        .collect();
    let e = check_rules(&[big]).unwrap_err();
    assert!(e.contains("2 KiB"), "{e}");
    let mut no_methods = upload_rule();
    no_methods.allowed_methods.clear();
    assert!(
        check_rules(&[no_methods])
            .unwrap_err()
            .starts_with("rule 1: ")
    );
}

#[test]
fn evaluation_follows_the_first_rule_matching_origin_and_method() {
    let rules = preset_browser_uploads("https://app.example.com").unwrap();
    let req = |origin: &str, method: &str, headers: &[&str]| PreflightRequest {
        origin: origin.into(),
        method: method.into(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        evaluate(
            &rules,
            &req("https://app.example.com", "PUT", &["x-ms-blob-type"])
        ),
        Verdict::Allowed { rule: 1 }
    );
    assert_eq!(
        evaluate(&rules, &req("https://other.example.com", "GET", &[])),
        Verdict::Allowed { rule: 0 }
    );
    let v = evaluate(&rules, &req("https://other.example.com", "PUT", &[]));
    assert!(!v.allows());
    assert!(
        v.explain(&req("https://other.example.com", "PUT", &[]))
            .contains("rule 2 lists other origins")
    );
    // The first match decides even when its headers fail.
    let v = evaluate(
        &rules,
        &req("https://app.example.com", "GET", &["authorization"]),
    );
    assert_eq!(
        v,
        Verdict::HeadersRefused {
            rule: 0,
            headers: vec!["authorization".into()]
        }
    );
    assert!(
        evaluate(&[], &req("https://a.com", "GET", &[]))
            .explain(&req("https://a.com", "GET", &[]))
            .contains("no CORS rules")
    );
}

#[test]
fn diff_marks_removed_and_added_rules() {
    let a = upload_rule();
    let mut b = upload_rule();
    b.max_age_seconds = 10;
    let local = preset_local_development().remove(0);
    let lines = diff(&[a.clone(), local.clone()], &[b.clone(), local.clone()]);
    assert_eq!(
        lines,
        vec![
            DiffLine::Removed(1, a.summary()),
            DiffLine::Added(1, b.summary()),
            DiffLine::Same(2, local.summary()),
        ]
    );
    assert!(diff_text(&[], &[a]).starts_with("+ 1. origins https://app.example.com"));
}

#[test]
fn json_round_trip_and_errors_in_words() {
    let rules = preset_browser_uploads("https://ml.example.com").unwrap();
    let text = to_json(Some("acct"), &rules);
    assert_eq!(
        parse_json(&text).unwrap(),
        (Some("acct".into()), rules.clone())
    );
    // A bare list and comma-separated text work too; methods in any case.
    let (_, r) = parse_json(
        r#"[{"allowed_origins":"https://a.com, https://b.com","allowed_methods":["get","Put"],"max_age_seconds":"60"}]"#,
    )
    .unwrap();
    assert_eq!(r[0].allowed_origins.len(), 2);
    assert_eq!(r[0].methods_text(), "GET,PUT");
    let err = |text: &str, needle: &str| {
        let e = parse_json(text).unwrap_err();
        assert!(e.contains(needle), "{text}: {e}");
    };
    let rule = r#"{"allowed_origins":["https://a.com"],"allowed_methods":["GET"]}"#;
    err(
        &format!("{{\"rules\":[{}]}}", [rule; 6].join(",")),
        "at most 5",
    );
    err(
        r#"{"rules":[{"allowed_origins":["https://a.com/x"],"allowed_methods":["GET"]}]}"#,
        "rule 1: \"https://a.com/x\" has a path",
    );
    err(
        r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["FETCH"]}]}"#,
        "\"FETCH\" is not a method",
    );
    err(
        r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["GET"],"max_age_seconds":-1}]}"#,
        "cannot be negative",
    );
    err(
        r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["GET"],"max_age_seconds":"soon"}]}"#,
        "whole number",
    );
    err(
        r#"{"rules":[{"allowed_origins":["https://a.com"],"allowed_methods":["GET"],"max_age_seconds":2.5}]}"#,
        "whole number",
    );
    err(
        r#"{"rules":[{"allowed_origin":["https://a.com"]}]}"#,
        "unknown field \"allowed_origin\"",
    );
    err(r#"{"rulez":[]}"#, "unknown field");
    err("nope", "not valid JSON");
}

#[test]
fn presets() {
    let r = preset_browser_uploads("https://ml.example.com/").unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].allowed_origins, vec!["*"]);
    assert_eq!(r[0].methods_text(), "GET,OPTIONS");
    assert_eq!(r[1].allowed_origins, vec!["https://ml.example.com"]);
    assert_eq!(r[1].methods_text(), "POST,PUT");
    assert_eq!(r[1].allowed_headers, vec!["content-type", "x-ms-*"]);
    assert_eq!(r[1].exposed_headers, vec!["x-ms-meta-*"]);
    assert_eq!(r[1].max_age_seconds, 3000);
    assert!(check_rules(&r).is_ok());
    assert!(preset_browser_uploads("*").is_err());
    assert!(preset_browser_uploads("ml.example.com").is_err());
    assert!(check_rules(&preset_local_development()).is_ok());
}

#[test]
fn preflight_request_is_checked() {
    let mut r = PreflightRequest {
        origin: "https://a.com".into(),
        method: "PUT".into(),
        headers: vec!["x-ms-blob-type".into()],
    };
    assert!(r.check().is_ok());
    r.origin = "*".into();
    assert!(r.check().is_err());
    r.origin = "https://a.com".into();
    r.headers = vec!["x-ms-*".into()];
    assert!(r.check().is_err());
}
