//! The questions' parsing and checks.

use super::Ask;
use super::ask::parse_sas_input;

#[test]
fn sas_input_is_checked_as_typed() {
    let rl = parse_sas_input("rl 1h").unwrap();
    assert_eq!(
        (rl.permissions.as_deref(), rl.expires_in, rl.policy),
        (Some("rl"), Some(3600), None)
    );
    assert_eq!(
        parse_sas_input("r").unwrap().expires_in,
        Some(3600),
        "an hour by default"
    );
    let bound = parse_sas_input("@readers").unwrap();
    assert_eq!(
        (bound.policy.as_deref(), bound.permissions, bound.expires_in),
        (Some("readers"), None, None),
        "the policy sets permissions and expiry"
    );
    let bound = parse_sas_input("policy=ro 2h").unwrap();
    assert_eq!(
        (bound.policy.as_deref(), bound.expires_in),
        (Some("ro"), Some(7200))
    );
    assert!(parse_sas_input("@").is_err());
    assert!(parse_sas_input("@ro soon").unwrap_err().contains("soon"));
    assert!(parse_sas_input("rx 1h").unwrap_err().contains("'x'"));
    assert!(parse_sas_input("").is_err());
    assert!(parse_sas_input("r 1h extra").is_err());
}

#[test]
fn asks_validate() {
    assert!(Ask::NewContainer.check("ok-name").is_ok());
    assert!(Ask::NewContainer.check("No").is_err());
    let del = Ask::DeleteContainer {
        name: "logs".into(),
    };
    assert!(del.check("logs").is_ok());
    assert!(del.check("log").is_err());
    assert!(
        Ask::Tier {
            container: "c".into(),
            blob: "b".into()
        }
        .check("cool")
        .is_ok()
    );
    assert!(
        Ask::Tier {
            container: "c".into(),
            blob: "b".into()
        }
        .check("lukewarm")
        .is_err()
    );
}

#[test]
fn upload_prompt_names_headers_metadata_and_tags() {
    use crate::azure::bulk::TagEdit;
    let c = super::ask::parse_upload("type=text/csv; cache=max-age=60; meta.owner=ana; tag.p=q")
        .unwrap()
        .unwrap();
    assert_eq!(c.headers.content_type.as_deref(), Some("text/csv"));
    assert_eq!(c.headers.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(c.metadata.set, [("owner".into(), "ana".into())]);
    assert_eq!(c.tags, TagEdit::Replace(vec![("p".into(), "q".into())]));
    assert_eq!(super::ask::parse_upload("  ").unwrap(), None, "nothing");
    assert!(super::ask::parse_upload("meta.bad-name=1").is_err());
    assert!(super::ask::parse_upload("colour=red").is_err());
}
