//! A container's access settings: its public access level and its stored
//! access policies. The service reads and writes both in one call (Get / Set
//! Container ACL), so every change here is a read-modify-write: saving the
//! policies keeps the level as it is, and saving the level keeps the policies.
//!
//! Set Container ACL honours only date conditions (no If-Match), so the guard
//! against a concurrent change is: the ETag the caller saw must still be the
//! current one when we read, and the write carries If-Unmodified-Since of that
//! read. A change within the same second as our read could still slip through.

use super::client::StorageClient;
use super::http::{OpError, OpResult, header};
use super::permissions::normalize_permissions;
use azure_core::http::{Method, Request};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The service allows at most this many stored access policies per container.
pub const MAX_POLICIES: usize = 5;
/// And an id of at most this many characters.
pub const MAX_POLICY_ID: usize = 64;

/// Who may read without a credential.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PublicAccess {
    /// Only with a key, SAS or Entra ID role.
    #[default]
    Private,
    /// Anyone with a blob's URL can read that blob.
    Blob,
    /// Anyone can list the container and read every blob in it.
    Container,
}

impl PublicAccess {
    pub const ALL: [PublicAccess; 3] = [
        PublicAccess::Private,
        PublicAccess::Blob,
        PublicAccess::Container,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PublicAccess::Private => "private",
            PublicAccess::Blob => "blob",
            PublicAccess::Container => "container",
        }
    }

    /// The `x-ms-blob-public-access` value; private is the header's absence.
    fn header_value(self) -> Option<&'static str> {
        match self {
            PublicAccess::Private => None,
            PublicAccess::Blob => Some("blob"),
            PublicAccess::Container => Some("container"),
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "private" | "off" | "none" => Ok(PublicAccess::Private),
            "blob" => Ok(PublicAccess::Blob),
            "container" => Ok(PublicAccess::Container),
            _ => Err(format!(
                "{text:?} is not a public access level; use private, blob or container"
            )),
        }
    }

    /// What the form says next to a level other than private.
    pub fn warning(self) -> Option<&'static str> {
        match self {
            PublicAccess::Private => None,
            PublicAccess::Blob => Some(
                "Anyone on the internet who knows or guesses a blob's URL can read it, without signing in.",
            ),
            PublicAccess::Container => Some(
                "Anyone on the internet can list every blob in this container and read them all, without signing in.",
            ),
        }
    }
}

/// One stored access policy (a "signed identifier").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPolicy {
    pub id: String,
    pub start: Option<OffsetDateTime>,
    pub expiry: Option<OffsetDateTime>,
    /// Letters from `racwdl`, in that order; may be empty (the SAS then names them).
    pub permissions: String,
}

/// Both halves of a container's ACL, and the version they were read at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerAccess {
    pub public_access: PublicAccess,
    pub policies: Vec<StoredPolicy>,
    /// Pass back to a setter so a change made meanwhile is not overwritten.
    pub etag: String,
    pub last_modified: Option<String>,
}

/// What to change; `None` keeps that half as it is on the service.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessChange {
    pub public_access: Option<PublicAccess>,
    pub policies: Option<Vec<StoredPolicy>>,
}

// ---------------------------------------------------------------------------
// Validation, in words

/// Reads a time typed in a form or a JSON file: RFC 3339
/// (`2026-12-01T10:00:00Z`, with any offset), `2026-12-01T10:00[Z]` or
/// `2026-12-01 10:00` (UTC), or a date `2026-12-01` (midnight UTC).
pub fn parse_time_input(text: &str) -> Result<OffsetDateTime, String> {
    let t = text.trim();
    if let Ok(v) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(v);
    }
    // `2026-12-31T18:00Z`: UTC said out loud, without seconds.
    let t = t.strip_suffix(['Z', 'z']).unwrap_or(t);
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let minutes_space = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let seconds =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    for f in [minutes, minutes_space, seconds] {
        if let Ok(v) = time::PrimitiveDateTime::parse(t, &f) {
            return Ok(v.assume_utc());
        }
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(t, &date) {
        return Ok(d.midnight().assume_utc());
    }
    Err(format!(
        "{text:?} is not a time; write 2026-12-01, 2026-12-01T10:00 (UTC) or 2026-12-01T10:00:00Z"
    ))
}

/// RFC 3339 in UTC, as the service and the JSON files use it.
pub fn format_time(t: OffsetDateTime) -> String {
    let utc = t.to_offset(time::UtcOffset::UTC);
    // The service keeps 100 ns ticks (7 fractional digits) and refuses more.
    let utc = utc
        .replace_nanosecond(utc.nanosecond() / 100 * 100)
        .unwrap_or(utc);
    utc.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Checks one policy: id 1-64 characters without control characters,
/// permissions from r a c w d l, start before expiry.
pub fn check_policy(p: &StoredPolicy) -> Result<(), String> {
    let len = p.id.chars().count();
    if p.id.trim().is_empty() {
        return Err("a policy needs an id".into());
    }
    if len > MAX_POLICY_ID {
        return Err(format!(
            "policy id {:?} is {len} characters; at most {MAX_POLICY_ID} are allowed",
            p.id
        ));
    }
    if p.id.chars().any(char::is_control) {
        return Err(format!("policy id {:?} holds a control character", p.id));
    }
    normalize_permissions(&p.permissions, true).map_err(|e| format!("policy {:?}: {e}", p.id))?;
    if let (Some(s), Some(e)) = (p.start, p.expiry)
        && s >= e
    {
        return Err(format!(
            "policy {:?}: the start must be before the expiry",
            p.id
        ));
    }
    Ok(())
}

/// Checks a whole set: at most 5, ids unique, each policy valid.
pub fn check_policies(policies: &[StoredPolicy]) -> Result<(), String> {
    if policies.len() > MAX_POLICIES {
        return Err(format!(
            "a container holds at most {MAX_POLICIES} stored access policies (this is {})",
            policies.len()
        ));
    }
    for (i, p) in policies.iter().enumerate() {
        check_policy(p)?;
        if policies[..i].iter().any(|q| q.id == p.id) {
            return Err(format!("two policies are called {:?}", p.id));
        }
    }
    Ok(())
}

/// Puts permission letters in Azure's order (after [`check_policy`] passed).
fn normalized(policies: &[StoredPolicy]) -> Vec<StoredPolicy> {
    policies
        .iter()
        .map(|p| StoredPolicy {
            permissions: normalize_permissions(&p.permissions, true)
                .unwrap_or_else(|_| p.permissions.clone()),
            ..p.clone()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The XML body of Get / Set Container ACL

#[derive(Deserialize, Default)]
struct RawIdentifiers {
    #[serde(rename = "SignedIdentifier", default)]
    items: Vec<RawIdentifier>,
}

#[derive(Deserialize)]
struct RawIdentifier {
    #[serde(rename = "Id", default)]
    id: String,
    #[serde(rename = "AccessPolicy", default)]
    policy: RawPolicy,
}

#[derive(Deserialize, Default)]
struct RawPolicy {
    #[serde(rename = "Start", default)]
    start: Option<String>,
    #[serde(rename = "Expiry", default)]
    expiry: Option<String>,
    #[serde(rename = "Permission", default)]
    permission: Option<String>,
}

fn service_time(
    field: &str,
    id: &str,
    value: Option<String>,
) -> Result<Option<OffsetDateTime>, String> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => OffsetDateTime::parse(v, &Rfc3339).map(Some).map_err(|_| {
            format!("the service sent policy {id:?} a {field} that is not a time: {v:?}")
        }),
    }
}

/// Reads the `<SignedIdentifiers>` body of Get Container ACL.
pub fn parse_acl_xml(xml: &str) -> Result<Vec<StoredPolicy>, String> {
    let xml = xml.trim_start_matches('\u{feff}').trim();
    if xml.is_empty() {
        return Ok(Vec::new());
    }
    let raw: RawIdentifiers = quick_xml::de::from_str(xml)
        .map_err(|e| format!("unreadable access policies from the service: {e}"))?;
    raw.items
        .into_iter()
        .map(|i| {
            Ok(StoredPolicy {
                start: service_time("start", &i.id, i.policy.start)?,
                expiry: service_time("expiry", &i.id, i.policy.expiry)?,
                permissions: i.policy.permission.unwrap_or_default(),
                id: i.id,
            })
        })
        .collect()
}

fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// The `<SignedIdentifiers>` body of Set Container ACL.
pub fn acl_xml(policies: &[StoredPolicy]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><SignedIdentifiers>");
    for p in policies {
        xml.push_str("<SignedIdentifier><Id>");
        xml.push_str(&escape(&p.id));
        xml.push_str("</Id><AccessPolicy>");
        if let Some(s) = p.start {
            xml.push_str(&format!("<Start>{}</Start>", format_time(s)));
        }
        if let Some(e) = p.expiry {
            xml.push_str(&format!("<Expiry>{}</Expiry>", format_time(e)));
        }
        if !p.permissions.is_empty() {
            xml.push_str(&format!(
                "<Permission>{}</Permission>",
                escape(&p.permissions)
            ));
        }
        xml.push_str("</AccessPolicy></SignedIdentifier>");
    }
    xml.push_str("</SignedIdentifiers>");
    xml
}

// ---------------------------------------------------------------------------
// Service calls

fn acl_url(client: &StorageClient, container: &str) -> azure_core::http::Url {
    let mut url = client.container_url(container);
    url.query_pairs_mut()
        .append_pair("restype", "container")
        .append_pair("comp", "acl");
    url
}

/// Reads both halves of a container's ACL.
pub async fn get_access(client: &StorageClient, container: &str) -> OpResult<ContainerAccess> {
    let mut request = Request::new(acl_url(client, container), Method::Get);
    request.insert_header("accept", "application/xml");
    let r = client.send_request(request).await?;
    let level = match header(&r, "x-ms-blob-public-access") {
        Some(v) => PublicAccess::parse(&v).map_err(OpError::Failed)?,
        None => PublicAccess::Private,
    };
    let text = String::from_utf8_lossy(r.body()).into_owned();
    Ok(ContainerAccess {
        public_access: level,
        policies: parse_acl_xml(&text).map_err(OpError::Failed)?,
        etag: header(&r, "etag").unwrap_or_default(),
        last_modified: header(&r, "last-modified"),
    })
}

/// Applies `change` on top of what the service has now, keeping the half it
/// does not name. `expected_etag` is the ETag the caller's view was read at;
/// if the container changed since, nothing is written. Invalid input is
/// refused before any request.
pub async fn update_access(
    client: &StorageClient,
    container: &str,
    change: &AccessChange,
    expected_etag: Option<&str>,
) -> OpResult<ContainerAccess> {
    if let Some(p) = &change.policies {
        check_policies(p).map_err(OpError::Invalid)?;
    }
    let current = get_access(client, container).await?;
    if let Some(e) = expected_etag.filter(|e| !e.is_empty())
        && e != current.etag
    {
        return Err(changed(container));
    }
    let level = change.public_access.unwrap_or(current.public_access);
    let policies = match &change.policies {
        Some(p) => normalized(p),
        None => current.policies.clone(),
    };
    let body = acl_xml(&policies);
    let mut request = Request::new(acl_url(client, container), Method::Put);
    if let Some(v) = level.header_value() {
        request.insert_header("x-ms-blob-public-access", v);
    }
    if let Some(lm) = &current.last_modified {
        request.insert_header("if-unmodified-since", lm.clone());
    }
    request.insert_header("content-type", "application/xml");
    request.insert_header("content-length", body.len().to_string());
    request.set_body(bytes::Bytes::from(body));
    let r = match client.send_request(request).await {
        Ok(r) => r,
        Err(e) if e.http_status().map(u16::from) == Some(412) => return Err(changed(container)),
        Err(e) => return Err(e.into()),
    };
    tracing::info!(
        container,
        public_access = level.as_str(),
        policies = policies.len(),
        "saved container access"
    );
    Ok(ContainerAccess {
        public_access: level,
        policies,
        etag: header(&r, "etag").unwrap_or_default(),
        last_modified: header(&r, "last-modified"),
    })
}

fn changed(container: &str) -> OpError {
    OpError::Changed(format!(
        "The access settings of {container} changed since they were read; nothing was saved. Reload and try again."
    ))
}

/// Sets the public access level and keeps the stored access policies.
pub async fn set_public_access(
    client: &StorageClient,
    container: &str,
    level: PublicAccess,
    expected_etag: Option<&str>,
) -> OpResult<ContainerAccess> {
    let change = AccessChange {
        public_access: Some(level),
        policies: None,
    };
    update_access(client, container, &change, expected_etag).await
}

/// Replaces the stored access policies and keeps the public access level.
pub async fn set_policies(
    client: &StorageClient,
    container: &str,
    policies: &[StoredPolicy],
    expected_etag: Option<&str>,
) -> OpResult<ContainerAccess> {
    let change = AccessChange {
        public_access: None,
        policies: Some(policies.to_vec()),
    };
    update_access(client, container, &change, expected_etag).await
}

// ---------------------------------------------------------------------------
// JSON, for `blobx access get` / `set`

/// A policy in the JSON files: times as text (see [`parse_time_input`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyJson {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    #[serde(default)]
    pub permissions: String,
}

/// What `blobx access get` prints and `blobx access set` reads. In a file to
/// apply, a missing `public_access` or `policies` keeps that half, and an
/// `etag` refuses to save over a change made since it was read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<PolicyJson>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

impl AccessJson {
    pub fn from_access(container: &str, a: &ContainerAccess) -> Self {
        Self {
            container: Some(container.to_string()),
            public_access: Some(a.public_access.as_str().to_string()),
            policies: Some(
                a.policies
                    .iter()
                    .map(|p| PolicyJson {
                        id: p.id.clone(),
                        start: p.start.map(format_time),
                        expiry: p.expiry.map(format_time),
                        permissions: p.permissions.clone(),
                    })
                    .collect(),
            ),
            etag: Some(a.etag.clone()).filter(|e| !e.is_empty()),
        }
    }

    /// The change this JSON asks for, checked in words; nothing is sent.
    pub fn to_change(&self) -> Result<AccessChange, String> {
        let public_access = self
            .public_access
            .as_deref()
            .map(PublicAccess::parse)
            .transpose()?;
        let policies = match &self.policies {
            None => None,
            Some(list) => {
                let mut out = Vec::with_capacity(list.len());
                for p in list {
                    let time = |field: &str, v: &Option<String>| {
                        v.as_deref()
                            .map(parse_time_input)
                            .transpose()
                            .map_err(|e| format!("policy {:?}: {field}: {e}", p.id))
                    };
                    out.push(StoredPolicy {
                        id: p.id.clone(),
                        start: time("start", &p.start)?,
                        expiry: time("expiry", &p.expiry)?,
                        permissions: p.permissions.clone(),
                    });
                }
                check_policies(&out)?;
                Some(out)
            }
        };
        Ok(AccessChange {
            public_access,
            policies,
        })
    }
}

/// Reads an [`AccessJson`] with a sentence for every mistake.
pub fn parse_access_json(text: &str) -> Result<AccessJson, String> {
    serde_json::from_str(text).map_err(|e| format!("not a valid access file: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::account::Account;
    use azure_core::http::{RawResponse, StatusCode, headers::Headers};

    fn t(s: &str) -> OffsetDateTime {
        parse_time_input(s).unwrap()
    }

    fn policy(id: &str, perms: &str) -> StoredPolicy {
        StoredPolicy {
            id: id.into(),
            start: None,
            expiry: Some(t("2030-01-01")),
            permissions: perms.into(),
        }
    }

    #[test]
    fn xml_round_trips() {
        let policies = vec![
            StoredPolicy {
                id: "r&d <team>".into(),
                start: Some(t("2026-01-01T00:00:00.5Z")),
                expiry: Some(t("2026-02-01T10:30")),
                permissions: "rl".into(),
            },
            StoredPolicy {
                id: "bare".into(),
                start: None,
                expiry: None,
                permissions: String::new(),
            },
        ];
        let xml = acl_xml(&policies);
        assert!(xml.contains("<Id>r&amp;d &lt;team&gt;</Id>"), "{xml}");
        assert!(
            xml.contains("<Start>2026-01-01T00:00:00.5Z</Start>"),
            "{xml}"
        );
        assert_eq!(parse_acl_xml(&xml).unwrap(), policies);
        // Azure's documented shape, seven fractional digits.
        let azure = r#"<?xml version="1.0" encoding="utf-8"?><SignedIdentifiers><SignedIdentifier><Id>MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=</Id><AccessPolicy><Start>2009-09-28T08:49:37.0000000Z</Start><Expiry>2009-09-29T08:49:37.0000000Z</Expiry><Permission>rwd</Permission></AccessPolicy></SignedIdentifier></SignedIdentifiers>"#;
        let p = parse_acl_xml(azure).unwrap();
        assert_eq!(p[0].permissions, "rwd");
        assert_eq!(p[0].expiry.map(|e| e.unix_timestamp()), Some(1_254_214_177));
        assert!(parse_acl_xml("<SignedIdentifiers />").unwrap().is_empty());
        assert!(parse_acl_xml("").unwrap().is_empty());
        assert!(parse_acl_xml("<<<").is_err());
    }

    #[test]
    fn policies_are_checked_in_words() {
        assert!(check_policies(&[policy("a", "rl"), policy("b", "lr")]).is_ok());
        let six: Vec<_> = (0..6).map(|i| policy(&format!("p{i}"), "r")).collect();
        assert!(check_policies(&six).unwrap_err().contains("at most 5"));
        assert!(
            check_policies(&[policy(&"x".repeat(65), "r")])
                .unwrap_err()
                .contains("at most 64")
        );
        assert!(check_policies(&[policy(&"x".repeat(64), "r")]).is_ok());
        assert!(
            check_policies(&[policy("", "r")])
                .unwrap_err()
                .contains("needs an id")
        );
        assert!(
            check_policies(&[policy("a", "rx")])
                .unwrap_err()
                .contains("'x'")
        );
        assert!(
            check_policies(&[policy("a", "r"), policy("a", "w")])
                .unwrap_err()
                .contains("two policies")
        );
        let mut backwards = policy("a", "r");
        backwards.start = Some(t("2031-01-01"));
        assert!(
            check_policies(&[backwards])
                .unwrap_err()
                .contains("before the expiry")
        );
        assert_eq!(normalized(&[policy("a", "lwr")])[0].permissions, "rwl");
    }

    #[test]
    fn times_are_read_in_several_forms() {
        let want = 1_796_119_200; // 2026-12-01T10:00:00Z
        for s in [
            "2026-12-01T10:00:00Z",
            "2026-12-01T11:00:00+01:00",
            "2026-12-01T10:00",
            "2026-12-01 10:00",
            "2026-12-01T10:00:00",
            "2026-12-01T10:00Z",
        ] {
            assert_eq!(t(s).unix_timestamp(), want, "{s}");
        }
        assert_eq!(t("2026-12-01").unix_timestamp(), want - 36_000);
        assert!(
            parse_time_input("tomorrow")
                .unwrap_err()
                .contains("not a time")
        );
        assert_eq!(
            format_time(t("2026-12-01T11:00:00+01:00")),
            "2026-12-01T10:00:00Z"
        );
    }

    #[test]
    fn json_files_keep_what_they_do_not_name() {
        let only_level = parse_access_json(r#"{"public_access":"blob"}"#).unwrap();
        let change = only_level.to_change().unwrap();
        assert_eq!(change.public_access, Some(PublicAccess::Blob));
        assert_eq!(change.policies, None);
        let only_policies = parse_access_json(
            r#"{"policies":[{"id":"ro","expiry":"2030-01-01","permissions":"lr"}]}"#,
        )
        .unwrap();
        let change = only_policies.to_change().unwrap();
        assert_eq!(change.public_access, None);
        assert_eq!(change.policies.unwrap()[0].permissions, "lr");
        assert!(
            parse_access_json(r#"{"public-access":"blob"}"#)
                .unwrap_err()
                .contains("unknown field")
        );
        let bad_time = parse_access_json(r#"{"policies":[{"id":"ro","expiry":"soon"}]}"#).unwrap();
        assert!(
            bad_time
                .to_change()
                .unwrap_err()
                .contains("policy \"ro\": expiry")
        );
        let bad_level = parse_access_json(r#"{"public_access":"everyone"}"#).unwrap();
        assert!(
            bad_level
                .to_change()
                .unwrap_err()
                .contains("private, blob or container")
        );
        let access = ContainerAccess {
            public_access: PublicAccess::Container,
            policies: vec![policy("ro", "rl")],
            etag: "\"0x1\"".into(),
            last_modified: None,
        };
        let json = serde_json::to_string(&AccessJson::from_access("data", &access)).unwrap();
        assert_eq!(
            json,
            r#"{"container":"data","public_access":"container","policies":[{"id":"ro","expiry":"2030-01-01T00:00:00Z","permissions":"rl"}],"etag":"\"0x1\""}"#
        );
    }

    #[test]
    fn public_access_not_permitted_is_explained() {
        let mut headers = Headers::new();
        headers.insert("x-ms-error-code", "PublicAccessNotPermitted");
        let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>PublicAccessNotPermitted</Code><Message>Public access is not permitted on this storage account.\nRequestId:x</Message></Error>";
        let err = crate::azure::error::from_response(RawResponse::from_bytes(
            StatusCode::Conflict,
            headers,
            body,
        ));
        let account = Account::emulator("http://127.0.0.1:1").unwrap();
        let msg = OpError::Service(err).describe(&account);
        assert!(msg.contains("AllowBlobPublicAccess"), "{msg}");
        assert!(msg.contains("SAS"), "{msg}");
        assert!(
            PublicAccess::Container
                .warning()
                .unwrap()
                .contains("list every blob")
        );
        assert_eq!(PublicAccess::Private.warning(), None);
    }
}
