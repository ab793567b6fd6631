//! Turns SDK and transport errors into one sentence a person can act on.

use super::account::{Account, Auth};
use azure_core::{error::ErrorKind, http::RawResponse};

/// Builds the same error kind the SDK's own calls return for a failed status.
pub fn from_response(raw: RawResponse) -> azure_core::Error {
    let status = raw.status();
    let error_code = raw
        .headers()
        .get_optional_str(&azure_core::http::headers::HeaderName::from_static(
            "x-ms-error-code",
        ))
        .map(str::to_string);
    ErrorKind::HttpResponse {
        status,
        error_code,
        raw_response: Some(Box::new(raw)),
    }
    .into_error()
}

/// The whole cause chain as text, for matching transport failures.
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// What went wrong, in plain words, with what to do about it where we know.
pub fn describe_error(err: &azure_core::Error, account: &Account) -> String {
    if let ErrorKind::HttpResponse {
        status,
        error_code,
        raw_response,
    } = err.kind()
    {
        let code = error_code.as_deref().unwrap_or("");
        let status = u16::from(*status);
        let message = raw_response
            .as_deref()
            .and_then(|r| service_message(r.body()))
            .unwrap_or_default();
        // Azure says AuthenticationFailed; Azurite says AuthorizationFailure with
        // "Server failed to authenticate the request".
        let auth_failed =
            code == "AuthenticationFailed" || message.contains("failed to authenticate");
        if status == 403
            && let Some(se) = account.sas().and_then(|s| s.expiry)
            && se <= super::connection::now_unix()
        {
            return format!(
                "The SAS expired on {}; edit the account (e) and paste a new one.",
                super::connection::format_time(se)
            );
        }
        let sentence = match (status, code) {
            // Azure answers 401 for a bearer token it will not take.
            (401, _) | (403, _) if auth_failed || status == 401 => {
                credentials_refused(account, status)
            }
            (403, "AuthorizationPermissionMismatch" | "AuthorizationFailure") => {
                "Access denied (403): this credential is not allowed to do that.".to_string()
            }
            (403, _) => format!("Access denied (403){}.", with_code(code)),
            (404, "ContainerNotFound") => {
                "The container does not exist (404); it may have been deleted.".to_string()
            }
            (404, "BlobNotFound") => {
                "The blob does not exist (404); it may have been deleted or renamed.".to_string()
            }
            (404, _) => format!("Not found (404){}.", with_code(code)),
            (409, "PublicAccessNotPermitted") => PUBLIC_ACCESS_NOT_PERMITTED.to_string(),
            _ if message.contains("Public access is not permitted") => {
                PUBLIC_ACCESS_NOT_PERMITTED.to_string()
            }
            (409, "ContainerAlreadyExists") => {
                "A container with that name already exists (409).".to_string()
            }
            (409, "ContainerBeingDeleted") => {
                "A container with that name is still being deleted; try again in a minute (409)."
                    .to_string()
            }
            (409, "BlobAlreadyExists") => {
                "A blob with that name already exists (409).".to_string()
            }
            (409, "SnapshotsPresent") => {
                "The blob has snapshots; delete it together with its snapshots, or keep it (409)."
                    .to_string()
            }
            (409, "BlobArchived") => {
                "The blob is in the Archive tier: change its tier to Hot, Cool or Cold to rehydrate it first (409).".to_string()
            }
            (409, "BlobBeingRehydrated") => {
                "The blob is being rehydrated from Archive; try again when that has finished (409).".to_string()
            }
            (409, "LeaseAlreadyPresent" | "LeaseIdMismatchWithLeaseOperation")
            | (412, "LeaseIdMissing" | "LeaseIdMismatch" | "LeaseLost") => {
                "It has an active lease held by someone else; break the lease first.".to_string()
            }
            (412, _) => format!(
                "It changed since it was read (412){}; reload and try again.",
                with_code(code)
            ),
            (409, _) => format!("Conflict (409){}.", with_code(code)),
            (501, _) => format!(
                "The service does not support this operation (501){}.",
                with_code(code)
            ),
            (500..=599, _) => format!(
                "The storage service failed ({status}){}; try again in a moment.",
                with_code(code)
            ),
            _ => format!("The storage service answered {status}{}.", with_code(code)),
        };
        return with_service_words(sentence, code, &message);
    }
    let text = chain_text(err);
    let lower = text.to_lowercase();
    if lower.contains("connection refused") || lower.contains("tcp connect error") {
        if account.is_emulator {
            return format!(
                "Nothing is listening at {}: start the emulator with `cargo run --release --example demo` (sample data) or `npx azurite-blob --inMemoryPersistence --blobPort {}`.",
                account.host(),
                account.blob_endpoint.port().unwrap_or(10000)
            );
        }
        return format!("Cannot connect to {}: connection refused.", account.host());
    }
    if lower.contains("dns error") || lower.contains("failed to lookup") {
        return format!(
            "Cannot resolve {}: check the account name or your network.",
            account.host()
        );
    }
    if lower.contains("timed out") || lower.contains("timeout") {
        return format!(
            "{} did not answer in time; the network may be down.",
            account.host()
        );
    }
    if lower.contains("certificate") || lower.contains("tls") {
        return format!("Secure connection to {} failed: {text}", account.host());
    }
    format!("Request to {} failed: {text}", account.host())
}

/// What to do about refused credentials depends on which kind they were.
fn credentials_refused(account: &Account, code: u16) -> String {
    let status = format!("Access denied ({code})");
    let name = &account.name;
    match &account.auth {
        Auth::SharedKey { .. } => format!(
            "{status}: {name} rejected the account key (signature mismatch: a wrong or rotated key, or this machine's clock is more than 15 minutes off)."
        ),
        Auth::Sas { .. } => format!(
            "{status}: {name} rejected the SAS (signature mismatch, expired or not yet valid); edit the account (e) and paste a new one."
        ),
        Auth::Token(_) => format!(
            "{status}: {name} refused the Entra ID sign-in token (expired, or for another tenant); sign in again (az login) and retry."
        ),
        Auth::Anonymous => format!(
            "{status}: {name} needs credentials for this (the container is not public); attach the account with a key, SAS or Entra ID."
        ),
    }
}

/// The sentence, then what the service itself said (its code and message),
/// so the reason it gave (which header, which value) is never lost.
fn with_service_words(sentence: String, code: &str, message: &str) -> String {
    if message.is_empty() {
        return sentence;
    }
    let code = if code.is_empty() || sentence.contains(code) {
        String::new()
    } else {
        format!("{code}: ")
    };
    format!("{sentence} The service said: {code}{message}")
}

/// The longest service message shown; the log keeps the same text.
const MESSAGE_MAX: usize = 300;

/// The service's own message in an error body: the `<Message>` of a storage
/// error (XML), or `error.message` of a Resource Manager one (JSON). First
/// line only: the lines after it are the request id and time, and the
/// `AuthenticationErrorDetail` (which holds a request's signature) is never read.
pub fn service_message(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let raw = if let Some(start) = text.find("<Message>") {
        let start = start + "<Message>".len();
        let end = start + text[start..].find("</Message>")?;
        let inner = &text[start..end];
        quick_xml::escape::unescape(inner)
            .map(|c| c.into_owned())
            .unwrap_or_else(|_| inner.to_string())
    } else {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        let error = v.get("error").unwrap_or(&v);
        error
            .get("message")
            .or_else(|| error.get("Message"))?
            .as_str()?
            .to_string()
    };
    let line = raw.lines().map(str::trim).find(|l| !l.is_empty())?;
    // A SAS or signature never belongs on screen, even quoted by a service.
    let line = match line.find("sig=") {
        Some(at) => format!("{}…", &line[..at]),
        None => line.to_string(),
    };
    let mut line: String = line.chars().filter(|c| !c.is_control()).collect();
    if line.chars().count() > MESSAGE_MAX {
        line = line.chars().take(MESSAGE_MAX).collect::<String>() + "…";
    }
    Some(line)
}

/// What to say when the account forbids public containers (AllowBlobPublicAccess = false).
pub const PUBLIC_ACCESS_NOT_PERMITTED: &str = "Public access is not permitted on this storage account: its \"Allow Blob anonymous access\" setting (AllowBlobPublicAccess) is off, so no container can be made public. Keep the container private and share a SAS instead, or ask an account owner to turn that setting on.";

fn with_code(code: &str) -> String {
    if code.is_empty() {
        String::new()
    } else {
        format!(": {code}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::{StatusCode, headers::Headers};

    fn http_error(status: StatusCode, code: &str) -> azure_core::Error {
        let mut headers = Headers::new();
        headers.insert("x-ms-error-code", code.to_string());
        from_response(RawResponse::from_bytes(status, headers, Vec::new()))
    }

    #[test]
    fn signature_mismatch_is_named() {
        let account = Account::emulator("http://127.0.0.1:1").unwrap();
        let msg = describe_error(
            &http_error(StatusCode::Forbidden, "AuthenticationFailed"),
            &account,
        );
        assert!(msg.contains("signature mismatch"), "{msg}");
        assert!(msg.contains("account key"), "{msg}");
    }

    #[test]
    fn a_refused_token_says_sign_in_again() {
        let mut account = Account::emulator("http://127.0.0.1:1").unwrap();
        #[derive(Debug)]
        struct Never;
        #[async_trait::async_trait]
        impl azure_core::credentials::TokenCredential for Never {
            async fn get_token(
                &self,
                _: &[&str],
                _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
            ) -> azure_core::Result<azure_core::credentials::AccessToken> {
                Err(azure_core::Error::with_message(
                    azure_core::error::ErrorKind::Credential,
                    "never",
                ))
            }
        }
        account.auth = Auth::Token(std::sync::Arc::new(Never));
        for status in [StatusCode::Unauthorized, StatusCode::Forbidden] {
            let msg = describe_error(&http_error(status, "AuthenticationFailed"), &account);
            assert!(msg.contains("sign in again"), "{msg}");
        }
    }

    fn http_error_with_body(status: StatusCode, code: &str, body: &str) -> azure_core::Error {
        let mut headers = Headers::new();
        headers.insert("x-ms-error-code", code.to_string());
        from_response(RawResponse::from_bytes(
            status,
            headers,
            body.as_bytes().to_vec(),
        ))
    }

    #[test]
    fn the_service_message_is_kept_with_its_code() {
        let account = Account::emulator("http://127.0.0.1:1").unwrap();
        let body = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InvalidHeaderValue</Code><Message>The value for one of the HTTP headers is not in the correct format.\nRequestId:1\nTime:2026</Message><HeaderName>x-ms-version</HeaderName></Error>";
        let msg = describe_error(
            &http_error_with_body(StatusCode::BadRequest, "InvalidHeaderValue", body),
            &account,
        );
        assert_eq!(
            msg,
            "The storage service answered 400: InvalidHeaderValue. The service said: The value for one of the HTTP headers is not in the correct format."
        );
        let msg = describe_error(
            &http_error_with_body(
                StatusCode::Forbidden,
                "AuthorizationPermissionMismatch",
                "<Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.</Message></Error>",
            ),
            &account,
        );
        assert!(
            msg.ends_with("The service said: AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission."),
            "{msg}"
        );
    }

    #[test]
    fn service_messages_are_read_safely() {
        let json = br#"{"error":{"code":"AuthorizationFailed","message":"The client 'x' does not have authorization."}}"#;
        assert_eq!(
            service_message(json).as_deref(),
            Some("The client 'x' does not have authorization.")
        );
        let quoted =
            b"<Error><Message>Bad url https://a/c?sv=1&amp;sig=SECRET here</Message></Error>";
        let m = service_message(quoted).unwrap();
        assert!(!m.contains("SECRET"), "{m}");
        assert_eq!(service_message(b"\xff\xfe"), None);
        assert_eq!(service_message(b"<Message>"), None);
        assert_eq!(service_message(b""), None);
        let long = format!("<Message>{}</Message>", "x".repeat(1000));
        assert!(service_message(long.as_bytes()).unwrap().chars().count() <= MESSAGE_MAX + 1);
    }

    #[test]
    fn missing_container_is_named() {
        let account = Account::emulator("http://127.0.0.1:1").unwrap();
        let msg = describe_error(
            &http_error(StatusCode::NotFound, "ContainerNotFound"),
            &account,
        );
        assert!(msg.contains("container does not exist"), "{msg}");
    }
}
